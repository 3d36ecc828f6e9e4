"""Golden outputs: the JSON of every shipped config on the seed reports, provenance and all.

A change to a golden file is deliberate: regenerate with
``VQR_UPDATE_GOLDEN=1 python -m pytest tests/pipeline/test_golden.py`` and explain it in the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import attrs
import pytest

from vqr_metrics.api import render, run
from vqr_metrics.config import load_config

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent / "golden"
CONFIGS = sorted(p.name for p in (ROOT / "configs").glob("*.toml"))


def _output(name: str) -> str:
    config = load_config(ROOT / "configs" / name)
    result = run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))
    text = render(result, "json")
    assert isinstance(text, str)
    # Absolute paths differ between checkouts; the golden files hold them relative to the repo.
    return text.replace(json.dumps(str(ROOT), ensure_ascii=False)[1:-1], "<root>")


@pytest.mark.parametrize("name", CONFIGS)
def test_shipped_config_output_is_unchanged(name: str) -> None:
    golden = GOLDEN / f"{Path(name).stem}.json"
    got = _output(name)
    if os.environ.get("VQR_UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert json.loads(got) == json.loads(expected)
    assert got == expected
