"""落实政策表 (appendix table 6): rows and the metrics over its denominators in ``policy.toml``."""

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
