"""The built-in plugins, shipped as ``vqr_metrics_plugins``.

Each module is an ordinary plugin registered through the same hooks as a
third-party one; ``vqr_metrics.pluginmanager.DEFAULT_PLUGINS`` lists them.
"""
