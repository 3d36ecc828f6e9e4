"""专业课程核心数据 (core-data table printed with two year columns): rows in ``majors.toml``."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.declarative import load_declarations

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
