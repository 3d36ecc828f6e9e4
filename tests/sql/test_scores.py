"""The scorecard views, run in DuckDB, give the engine's scores, ranks, dimensions and normalised values.

The views read ``vqr_wide`` and ``vqr_metrics``; here those are the engine's
own dataset (the metric views are held to the engine in test_views.py), so
each test compares the scoring alone.  The views score suspect values (the
engine's ``suspect = "use"``), so the engine runs with that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import duckdb
import numpy as np
import pyarrow as pa
import pytest
import sqlglot

from vqr_metrics.arrow import FIGURES
from vqr_metrics.catalog import Catalog
from vqr_metrics.config import Config, load_config
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.merge import build_dataset
from vqr_metrics.pipeline import run
from vqr_metrics.scoring import prepare_scoring
from vqr_metrics.scoring.results import ScorecardResult
from vqr_metrics.sql.scores import ENTITIES, entities_table, score_views
from vqr_metrics.sql.views import DIALECTS, METRICS, WIDE
from vqr_metrics.testing import make_catalog

CONFIGS = Path(__file__).parents[2] / "configs"


def _as_used(config: Config) -> Config:
    """The config with every card scoring suspect values, as the views do, and
    its sensitivity analysis cut to one draw (it changes no score, and takes the time)."""
    cards = [{**c, "suspect": "use"} for c in config.scorecards]
    for card in cards:
        if "sensitivity" in card:
            card["sensitivity"] = {**card["sensitivity"], "draws": 1, "sweep": []}
    return attrs.evolve(config, scorecards=tuple(cards))


def _columns(dataset: Dataset, keys: Sequence[str]) -> pa.Table:
    columns: dict[str, pa.Array] = {
        "entity": pa.array([e for e, _ in dataset.rows], pa.string()),
        "year": pa.array([y for _, y in dataset.rows], pa.int32()),
    }
    for key in keys:
        values = dataset.column(key)
        columns[key] = pa.array(values, pa.float64(), mask=np.isnan(values))
    return pa.table(columns)


def _inputs(catalog: Catalog, dataset: Dataset) -> dict[str, pa.Table]:
    """The tables the score views read, by name, of the engine's dataset."""
    return {
        WIDE: _columns(dataset, [k for k in catalog.indicators if catalog.canonical(k) == k]),
        METRICS: _columns(dataset, list(catalog.metric_order())),
        ENTITIES: entities_table(dataset.attributes),
    }


def _sql_scores(
    catalog: Catalog, config: Config, dataset: Dataset
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Each view's rows, by the scorecard named in its comment, and the notes."""
    made, notes = score_views(catalog, config)
    con = duckdb.connect()
    for name, table in _inputs(catalog, dataset).items():
        con.register(name, table)
    out = {}
    for view in made:
        con.execute(view.sql("duckdb"))
        out[view.about] = con.sql(f'SELECT * FROM "{view.name}"').to_arrow_table().to_pylist()
    return out, notes


def _same(want: float, got: float | None, what: str) -> None:
    if math.isnan(want):
        assert got is None, f"{what}: engine null, SQL {got}"
    else:
        assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (
            f"{what}: engine {want}, SQL {got}"
        )


def _compare(result: ScorecardResult, rows: list[dict[str, Any]]) -> int:
    """The view's rows equal the engine's; the number of scores compared."""
    cols = result.columns()
    by_row = {(r["entity"], r["year"]): r for r in rows}
    assert len(by_row) == len(rows) == len(cols.entity), result.name
    scored = 0
    for i, (entity, year) in enumerate(zip(cols.entity, cols.year.tolist(), strict=True)):
        row = by_row[(entity, year)]
        where = f"{result.name} {entity} {year}"
        _same(float(cols.score[i]), row["score"], f"{where} score")
        _same(float(cols.rank[i]), row["rank"], f"{where} rank")
        for label, (score, _, _) in cols.dimensions.items():
            _same(float(score[i]), row[label], f"{where} {label}")
        for label, details in cols.indicators.items():
            _same(float(details[3][i]), row[label], f"{where} {label} normalised")
        scored += not math.isnan(cols.score[i])
    return scored


@cache
def _seed(name: str) -> tuple[Config, Any]:
    config = load_config(CONFIGS / name)
    return config, run(_as_used(config))


@pytest.mark.parametrize("name", ["example.toml", "national_index.toml", "sensitivity.toml"])
def test_seed_scorecards_equal_the_engine(name: str) -> None:
    config, result = _seed(name)
    got, notes = _sql_scores(result.catalog, config, result.dataset)
    viewed = [card for card in result.scorecards if f"scorecard {card.name!r}" in got]
    assert viewed, "every seed config has a scorecard SQL can compute"
    assert sum(_compare(card, got[f"scorecard {card.name!r}"]) for card in viewed) > 0
    for card in result.scorecards:
        if card not in viewed:  # entropy-TOPSIS: said to run in the engine
            assert any(n.startswith(f"scorecard {card.name!r}: no SQL form") for n in notes), notes
    # the seeds' cards leave suspect values out; the views say they do not
    assert all(any(f"scorecard {c.name!r}" in n and "suspect" in n for n in notes) for c in viewed)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_parses_back(dialect: str) -> None:
    config, result = _seed("national_index.toml")
    made, _ = score_views(result.catalog, config)
    for view in made:
        parsed = sqlglot.parse(view.sql(dialect), read=dialect)
        assert len(parsed) == 1 and parsed[0] is not None and parsed[0].find(sqlglot.exp.Create)


# Generated data: indicators and a metric of the built-in catalog, with gaps and ties.
_KEYS = (
    "sc_graduates",
    "sc_placed",
    "sat_students",
    "sat_parents",
    "sat_employers",
    "sc_monthly_income",
    "student_teacher_ratio",
    "dual_qualified_teacher_share",
)


def _indicator(metric: str | list[str], **options: Any) -> dict[str, Any]:
    return {"metric": metric, **options}


def _cards() -> list[dict[str, Any]]:
    """Scorecards using every method with an SQL form, in trees, filters and missing-value policies."""
    flat = [
        _indicator("sat_students", weight=2),
        _indicator("sat_parents", weight=1, direction="lower"),
        _indicator("student_teacher_ratio", weight=1, direction="lower"),
    ]
    tree = {
        "dimensions": [
            {
                "name": "就业",
                "weight": 2,
                "indicators": [
                    _indicator("毕业去向落实率", weight=1),  # a metric
                    _indicator(["sc_monthly_income", "sc_graduates"], name="收入或人数", weight=1),
                ],
            },
            {
                "name": "满意",
                "weight": 1,
                "normalize": "zscore",
                "center": 60,
                "dimensions": [
                    {
                        "name": "家长",
                        "weight": 1,
                        "indicators": [
                            _indicator("sat_parents", weight=1),
                            _indicator("sat_employers", weight=3),
                        ],
                    }
                ],
                "indicators": [_indicator("sat_students", weight=1, direction="lower")],
            },
            {
                "name": "教师",
                "weight": 1,
                "weights": "equal",
                "normalize": "goalposts",
                "low": 20,
                "high": 80,
                "indicators": [
                    _indicator("dual_qualified_teacher_share"),
                    _indicator("student_teacher_ratio", direction="lower"),
                ],
            },
        ]
    }
    cards = []
    for normalize in ("minmax", "zscore", "rank", "percentile", "ratio_to_best"):
        cards.append({"name": f"flat {normalize}", "normalize": normalize, "indicators": flat})
    cards += [
        {"name": "tree", "normalize": "minmax", "min_coverage": 0.6, **tree},
        {"name": "tree geometric", "normalize": "rank", "aggregate": "geometric", "offset": 1, **tree},
        {
            "name": "ratio geometric pooled",
            "normalize": "ratio_to_best",
            "aggregate": "geometric",
            "normalize_within": "all",
            "rank_within": "all",
            "indicators": flat,
        },
        {
            "name": "threshold",
            "normalize": "ratio_to_threshold",
            "threshold": 50,
            "cap": 1.2,
            "floor": 0.4,
            "indicators": flat,
        },
        {"name": "impute mean", "missing": "impute_mean", "level": "高职", **tree},
        {
            "name": "impute p25 pooled",
            "missing": "impute_p25",
            "normalize_within": "all",
            "years": [2021, 2023],
            "entities": ["学校1", "学校2", "学校3", "学校5", "学校8"],
            "indicators": flat,
        },
        {
            "name": "impute p25",
            "missing": "impute_p25",
            "indicators": [{**flat[0], "missing": "impute_mean"}, *flat[1:]],
        },
        {"name": "entropy", "weights": "entropy", "indicators": [{"metric": i["metric"]} for i in flat]},
    ]
    return [{**card, "suspect": "use"} for card in cards]


def _generated(seed: int) -> tuple[Catalog, Config, Dataset]:
    rng = np.random.default_rng(seed)
    entities = [f"学校{i}" for i in range(1, 13)]
    rows = [(e, y, k) for e in entities for y in (2021, 2022, 2023) for k in _KEYS]
    values = rng.integers(10, 90, len(rows)).astype(np.float64)  # whole numbers tie
    fractions = rng.random(len(rows))
    values = np.where(fractions < 0.5, values + fractions, values)
    keep = rng.random(len(rows)) > 0.15  # gaps
    kept = [r for r, k in zip(rows, keep, strict=True) if k]
    n = len(kept)
    columns: dict[str, pa.Array] = {
        "entity": pa.array([r[0] for r in kept], pa.string()),
        "year": pa.array([r[1] for r in kept], pa.int32()),
        "key": pa.array([r[2] for r in kept], pa.string()),
        "value": pa.array(values[keep], pa.float64()),
    }
    for field in FIGURES:
        columns.setdefault(field.name, pa.nulls(n, field.type))
    figures = pa.table(columns, schema=FIGURES)
    catalog = _catalog()
    levels = {e: {"level": "高职" if i % 3 else "中职"} for i, e in enumerate(entities)}
    dataset, _ = build_dataset(figures, catalog, levels)
    evaluate_metrics(dataset, catalog)
    return catalog, Config(scorecards=tuple(_cards()), source="<generated>"), dataset


@cache
def _catalog() -> Catalog:
    return make_catalog()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_scorecards_equal_the_engine(seed: int) -> None:
    catalog, config, dataset = _generated(seed)
    outcome = prepare_scoring(config, catalog).run(dataset)
    got, notes = _sql_scores(catalog, config, dataset)
    assert notes == [
        "scorecard 'entropy': no SQL form for weights = 'entropy' (entropy); it runs in the engine"
    ]
    compared = 0
    for card in outcome.scorecards:
        if card.name != "entropy":
            compared += _compare(card, got[f"scorecard {card.name!r}"])
    assert compared > 100
    assert len(got) == len(outcome.scorecards) - 1


def test_notes_name_what_runs_in_the_engine() -> None:
    cards = [
        {
            "name": "甲",
            "missing": "fail",
            "suspect": "use",
            "weights": "equal",
            "indicators": [_indicator("sat_students")],
        },
        {"name": "乙", "aggregate": "topsis", "weights": "equal", "indicators": [_indicator("sat_students")]},
    ]
    catalog = _catalog()
    made, notes = score_views(catalog, Config(scorecards=tuple(cards), source="<t>"))
    assert [v.name for v in made] == ["vqr_score_1"]
    assert notes == [
        f"scorecard '甲' (vqr_score_1): missing = 'fail' ({catalog.label('sat_students')}) "
        "is checked in the engine; "
        "the view scores a gap as reweight does",
        "scorecard '乙': no SQL form for aggregate = 'topsis' (乙); it runs in the engine",
    ]
