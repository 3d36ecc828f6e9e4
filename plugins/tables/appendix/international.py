"""国际影响表 (appendix table 5 in 中职, 4 in 高职 reports): rows and metrics in ``international.toml``."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.declarative import load_declarations

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
