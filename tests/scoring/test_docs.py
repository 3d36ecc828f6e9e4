"""docs/scoring.md keeps up with the scoring config keys and methods."""

from __future__ import annotations

from pathlib import Path

from tests.scoring.support import catalog
from vqr_metrics.scoring import rulefiles, spec

DOC = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")


def test_every_config_key_is_documented() -> None:
    schemas = [
        spec._CARD,
        spec._DIMENSION,
        spec._INDICATOR,
        spec._SENSITIVITY,
        rulefiles._ENTRY,
        rulefiles._FILE,
        rulefiles._RULE,
        rulefiles._DECISION,
    ]
    keys = {key for schema in schemas for key in schema}
    missing = sorted(k for k in keys if f"`{k}`" not in DOC and f"\n{k} = " not in DOC)
    assert not missing, f"undocumented keys in docs/scoring.md: {missing}"


def test_every_builtin_method_and_parameter_is_documented() -> None:
    items = catalog().items
    for kind in ("normalizer", "weighting", "aggregator"):
        for method_id in items[kind]:
            assert f"`{method_id}`" in DOC, method_id
    for normalizer in items["normalizer"].values():
        for name in normalizer.parameters:
            assert f"`{name}`" in DOC, name


def test_every_shipped_config_has_a_section() -> None:
    for path in (Path(__file__).parents[2] / "configs").glob("*.toml"):
        if path.name != "example.toml":
            assert f"configs/{path.name}" in DOC, path.name
