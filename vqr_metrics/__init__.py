"""vqr-metrics: a plugin-based metrics engine and scoring rules for China's
vocational-education annual quality reports (职业教育质量年度报告).

    from vqr_metrics import Config, run
    result = run(Config.build(["report.txt"], output={"format": "json"}))
"""

from .api import run
from .catalog import Catalog
from .config import Config, load_config
from .errors import ConfigError, FormulaError, InputError, PluginError, VqrError
from .model import (
    Check,
    Finding,
    Indicator,
    Metric,
    Provenance,
    Reader,
    Table,
    Value,
    Writer,
)
from .pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager
from .result import Result

__all__ = [
    "DEFAULT_PLUGINS",
    "Catalog",
    "Check",
    "Config",
    "ConfigError",
    "Finding",
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
    "VqrError",
    "Writer",
    "build_catalog",
    "load_config",
    "make_plugin_manager",
    "run",
]
