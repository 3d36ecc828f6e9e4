"""产教融合核心数据 (core-data table printed with two year columns): rows in ``integration.toml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vqr_metrics.declarative import load_declarations
from vqr_metrics.model import Table

DECLARED = load_declarations(Path(__file__).with_suffix(".toml"))


def register_tables(register: Callable[[Table], None]) -> None:
    DECLARED.register_tables(register)
