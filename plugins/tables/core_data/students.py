"""学生情况核心数据 (core-data table, two year columns): rows and 折合在校生数 in ``students.toml``."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.declarative import load_declarations

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
