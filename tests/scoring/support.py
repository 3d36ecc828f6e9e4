"""Shared helpers of the scoring tests: a tiny catalog (four indicators and
the built-in scoring methods, nothing else) and datasets built directly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vqr_metrics.catalog import Catalog
from vqr_metrics.config import Config
from vqr_metrics.dataset import Dataset
from vqr_metrics.model import Indicator, Table
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager
from vqr_metrics.scoring import ScoringOutcome, ScoringPlan, prepare_scoring

METHODS = ("vqr_metrics_plugins.scoring.methods",)
NAMES = {"a": "甲指标", "b": "乙指标", "c": "丙指标", "d": "丁指标"}


class ScoringTestPlugin:
    """Four plain indicators: 甲/乙/丙/丁指标 (keys a, b, c, d)."""

    def register_tables(self, register: Any) -> None:
        register(Table("score_test", "测试表", rows=[Indicator(k, n, unit="%") for k, n in NAMES.items()]))


def catalog() -> Catalog:
    pm = make_plugin_manager(METHODS, entry_points=False, objects=[("score_test", ScoringTestPlugin())])
    return build_catalog(pm)


def dataset(
    values: Mapping[tuple[str, int], Mapping[str, float | None]],
    attributes: Mapping[str, Mapping[str, str]] | None = None,
) -> Dataset:
    """Rows in the given order; a key absent or None is missing (NaN)."""
    rows = list(values)
    columns = {
        key: np.array([np.nan if values[r].get(key) is None else values[r][key] for r in rows], dtype=float)
        for key in NAMES
    }
    attrs_of = {e: dict((attributes or {}).get(e, {})) for e, _ in rows}
    return Dataset(rows=rows, columns=columns, attributes=attrs_of)


def plan(
    scorecards: Sequence[Mapping[str, Any]] = (),
    compliance: Sequence[Mapping[str, Any]] = (),
    base_dir: Path | None = None,
) -> ScoringPlan:
    config = Config.build([], base_dir=base_dir, scorecards=list(scorecards), compliance=list(compliance))
    return prepare_scoring(config, catalog())


def run(data: Dataset, *cards: Mapping[str, Any], **sections: Any) -> ScoringOutcome:
    return plan(cards, **sections).run(data)


def results(outcome: ScoringOutcome, card: int = 0) -> dict[tuple[str, int], dict[str, Any]]:
    """A scorecard's result records by (entity, year)."""
    record = outcome.scorecards[card].to_record()
    return {(r["entity"], r["year"]): r for r in record["results"]}


def flat(indicators: Sequence[Mapping[str, Any]], **options: Any) -> dict[str, Any]:
    return {"name": "测试指数", **options, "indicators": list(indicators)}


def test_the_helpers_build_what_they_say() -> None:
    data = dataset({("甲校", 2023): {"a": 1.0}, ("乙校", 2023): {"a": None, "b": 2.0}})
    assert data.value("甲校", 2023, "a") == 1.0
    assert data.value("乙校", 2023, "a") is None
    assert catalog().resolve("丙指标") == "c"
