"""学生情况核心数据 (core-data table, two year columns): rows and 折合在校生数 in ``students.toml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vqr_metrics.declarative import load_declarations
from vqr_metrics.model import Indicator, Metric, Table

DECLARED = load_declarations(Path(__file__).with_suffix(".toml"))


def register_tables(register: Callable[[Table], None]) -> None:
    DECLARED.register_tables(register)


def register_indicators(register: Callable[[Indicator], None]) -> None:
    DECLARED.register_indicators(register)


def register_metrics(register: Callable[[Metric], None]) -> None:
    DECLARED.register_metrics(register)
