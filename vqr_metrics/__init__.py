"""vqr-metrics: metrics, checks and scoring rules for vocational-education quality reports (质量年报).

    from vqr_metrics import Config, run
    result = run(Config.build(["report.txt"], output={"format": "json"}))
    result.values.to_arrow()      # or .to_pandas(), .to_polars()

The names below load on first use, so ``vqr-score --version`` imports nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .catalog import Catalog
    from .config import Config, load_config
    from .errors import ConfigError, FormulaError, InputError, PluginError, VqrError
    from .findings import Findings
    from .model import Check, Finding, Indicator, Metric, Provenance, Reader, Table, Value, Writer
    from .pipeline import run
    from .pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager
    from .result import Result
    from .values import Values

_WHERE = {
    "run": "pipeline",
    "Catalog": "catalog",
    "Config": "config",
    "load_config": "config",
    **dict.fromkeys(("ConfigError", "FormulaError", "InputError", "PluginError", "VqrError"), "errors"),
    "Findings": "findings",
    **dict.fromkeys(
        ("Check", "Finding", "Indicator", "Metric", "Provenance", "Reader", "Table", "Value", "Writer"),
        "model",
    ),
    **dict.fromkeys(("DEFAULT_PLUGINS", "build_catalog", "make_plugin_manager"), "pluginmanager"),
    "Result": "result",
    "Values": "values",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vqr_metrics' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = [
    "DEFAULT_PLUGINS",
    "Catalog",
    "Check",
    "Config",
    "ConfigError",
    "Finding",
    "Findings",
    "FormulaError",
    "Indicator",
    "InputError",
    "Metric",
    "PluginError",
    "Provenance",
    "Reader",
    "Result",
    "Table",
    "Value",
    "Values",
    "VqrError",
    "Writer",
    "__version__",
    "build_catalog",
    "load_config",
    "make_plugin_manager",
    "run",
]
