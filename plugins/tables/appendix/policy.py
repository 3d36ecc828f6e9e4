"""落实政策表 (appendix table 6): rows and the metrics over its denominators in ``policy.toml``."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.declarative import load_declarations

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
