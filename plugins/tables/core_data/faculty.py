"""师资队伍核心数据 (core-data table, two year columns): rows and recomputed shares in ``faculty.toml``."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.declarative import load_declarations

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
