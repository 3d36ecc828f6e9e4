"""Scorecards scored in DuckDB under a backend equal the engine's, column by column; refusals alike."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from vqr_metrics.config import Config
from vqr_metrics.errors import ScoringError
from vqr_metrics.scoring import ScoringOutcome, prepare_scoring
from vqr_metrics.scoring.results import ScorecardResult
from vqr_metrics.sql.backend import DuckDBBackend
from vqr_metrics.sql.scorer import DatabaseScorer

from .test_scores import _cards, _generated, _indicator


def _close(want: object, got: object, what: str) -> None:
    a, b = np.asarray(want, dtype=np.float64), np.asarray(got, dtype=np.float64)
    assert a.shape == b.shape, what
    assert np.array_equal(np.isnan(a), np.isnan(b)), f"{what}: nulls differ"
    assert np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True), f"{what}: {a} != {b}"


def same_scores(want: ScorecardResult, got: ScorecardResult) -> None:
    """Every column of two scorecards' results alike (to 1e-9), and all else equal."""
    assert want == got  # name, methods, weights, sensitivity
    a, b = want.columns(), got.columns()
    assert (a.entity, a.year.tolist()) == (b.entity, b.year.tolist()), want.name
    for field in ("score", "rank", "coverage"):
        _close(getattr(a, field), getattr(b, field), f"{want.name} {field}")
    assert a.dimensions.keys() == b.dimensions.keys()
    for label, columns in a.dimensions.items():
        for what, x, y in zip(("score", "rank", "contribution"), columns, b.dimensions[label], strict=True):
            _close(x, y, f"{want.name} {label} {what}")
    assert a.indicators.keys() == b.indicators.keys()
    for label, (metric, value, status, *numbers) in a.indicators.items():
        other = b.indicators[label]
        assert (metric, status.tolist()) == (other[0], other[2].tolist()), f"{want.name} {label}"
        _close(value, other[1], f"{want.name} {label} value")
        for what, x, y in zip(("normalised", "weight", "contribution"), numbers, other[3:], strict=True):
            _close(x, y, f"{want.name} {label} {what}")


LEAVES = [_indicator("sat_students"), _indicator("sat_parents")]


def _both(config: Config, seed: int = 0) -> tuple[ScoringOutcome, ScoringOutcome, DatabaseScorer]:
    catalog, _, dataset = _generated(seed)
    plan = prepare_scoring(config, catalog)
    scorer = DatabaseScorer(DuckDBBackend(), catalog)
    return plan.run(dataset), plan.run(dataset, scorer), scorer


@pytest.mark.parametrize("seed", [0, 1])
def test_every_method_with_an_sql_form_scores_as_the_engine(seed: int) -> None:
    cards = [{**card, "suspect": "exclude"} for card in _cards()]
    want, got, scorer = _both(Config(scorecards=tuple(cards), source="<generated>"), seed)
    for a, b in zip(want.scorecards, got.scorecards, strict=True):
        same_scores(a, b)
    assert want.findings == got.findings
    assert want.imputations.rows.keys() == got.imputations.rows.keys()
    for key, rows in want.imputations.rows.items():
        assert rows.tolist() == got.imputations.rows[key].tolist(), key
        _close(want.imputations.values[key], got.imputations.values[key], f"imputed {key}")
    names = ", ".join(repr(c["name"]) for c in cards if c["name"] != "entropy")
    assert scorer.ran() == (
        f"duckdb: normalisation, scores and ranks of {names}; engine: the values they score, "
        "contributions and effective weights; 'entropy' (no SQL form for weights = 'entropy' (entropy))"
    )


@pytest.mark.parametrize(
    ("card", "says"),
    [
        (
            {"aggregate": "geometric", "normalize": "minmax"},  # min-max gives each group's worst a 0
            "aggregate = 'geometric' needs values > 0",
        ),
        ({"normalize": "ratio_to_best", "offset_values": True}, "normalize = 'ratio_to_best'"),
    ],
)
def test_a_value_a_method_refuses_stops_the_run_as_in_the_engine(card: dict[str, object], says: str) -> None:
    shifted = card.pop("offset_values", False)
    config = Config(
        scorecards=({"name": "拒", "weights": "equal", **card, "indicators": LEAVES},),
        source="<t>",
    )
    catalog, _, dataset = _generated(0)
    if shifted:  # a negative value in the group
        column = dataset.column("sat_students")
        column[~np.isnan(column)] -= 60
    plan = prepare_scoring(config, catalog)
    with pytest.raises(ScoringError) as engine:
        plan.run(dataset)
    with pytest.raises(ScoringError) as database:
        plan.run(dataset, DatabaseScorer(DuckDBBackend(), catalog))
    assert says in str(engine.value)
    assert str(database.value) == str(engine.value)


def test_a_card_without_rows_scores_nothing_in_either() -> None:
    card = {"name": "空", "weights": "equal", "years": [1999], "indicators": [_indicator("sat_students")]}
    want, got, scorer = _both(Config(scorecards=(card,), source="<t>"))
    same_scores(*want.scorecards, *got.scorecards)
    assert want.findings == got.findings
    assert scorer.ran().startswith("duckdb: normalisation, scores and ranks of '空'")


def test_the_sensitivity_analysis_runs_on_the_database_scores() -> None:
    card = {
        "name": "敏",
        "indicators": [{**leaf, "weight": w} for leaf, w in zip(LEAVES, (2, 1), strict=True)],
        "sensitivity": {"draws": 3, "seed": 1},
    }
    want, got, scorer = _both(Config(scorecards=(card,), source="<t>"))
    assert attrs.asdict(want.scorecards[0])["sensitivity"] == attrs.asdict(got.scorecards[0])["sensitivity"]
    assert "sensitivity" in scorer.ran()
