"""国际影响表 (appendix table 5 in 中职, 4 in 高职 reports): rows and metrics in ``international.toml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vqr_metrics.declarative import load_declarations
from vqr_metrics.model import Metric, Table

DECLARED = load_declarations(Path(__file__).with_suffix(".toml"))


def register_tables(register: Callable[[Table], None]) -> None:
    DECLARED.register_tables(register)


def register_metrics(register: Callable[[Metric], None]) -> None:
    DECLARED.register_metrics(register)
