"""A third-party weighting or aggregation is checked by what it declares
(``explicit_weights``, ``takes_offset``), never by its id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from vqr_metrics.config import Config
from vqr_metrics.errors import ConfigError, ScoringError
from vqr_metrics.model import Aggregator, Weighting
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager
from vqr_metrics.scoring import ScoringPlan, prepare_scoring

from .support import METHODS, ScoringTestPlugin, dataset, flat, results

Array = Any


def harmonic(matrix: Array, weights: Array) -> tuple[Array, Array]:
    """The weighted harmonic mean, defined only for values > 0; child j
    contributes the score's share w_j/x_j of Σ w/x."""
    w = np.broadcast_to(weights, matrix.shape)
    used = w > 0
    if np.any(used & ~(matrix > 0)):
        raise ValueError("the harmonic mean needs values > 0")
    inverse = np.where(used, w / np.where(used, matrix, 1.0), 0.0)
    scores = 1.0 / inverse.sum(axis=1)
    return scores, scores[:, None] * inverse / inverse.sum(axis=1)[:, None]


def by_rank(matrix: Array, explicit: Array) -> Array:
    """Weights proportional to the configured ones' ranks (the largest weight gets m)."""
    return np.argsort(np.argsort(explicit)).astype(float) + 1.0


class ThirdParty:
    """Methods of an outside plugin, under ids the core has never heard of."""

    def register_weightings(self, register: Callable[[Weighting], None]) -> None:
        register(Weighting("by_rank", "ranks of the weights", by_rank, explicit_weights="required"))
        register(Weighting("flat", "equal, whatever is configured", lambda m, e: np.ones(m.shape[1])))
        register(Weighting("blind", "equal", lambda m, e: np.ones(m.shape[1]), explicit_weights="ignored"))

    def register_aggregators(self, register: Callable[[Aggregator], None]) -> None:
        register(Aggregator("harmonic", "weighted harmonic mean (values > 0)", harmonic, takes_offset=True))
        register(Aggregator("harmonic_strict", "weighted harmonic mean, no offset", harmonic))


def plan(*cards: Mapping[str, Any]) -> ScoringPlan:
    pm = make_plugin_manager(
        METHODS, entry_points=False, objects=[("score_test", ScoringTestPlugin()), ("third", ThirdParty())]
    )
    return prepare_scoring(Config.build([], scorecards=list(cards)), build_catalog(pm))


DATA = dataset(
    {
        ("甲", 2023): {"a": 10.0, "b": 1.0},
        ("乙", 2023): {"a": 20.0, "b": 3.0},
        ("丙", 2023): {"a": 30.0, "b": 2.0},
    }
)


def test_the_flags_default_to_what_is_safe_for_a_plugin_that_does_not_know_them() -> None:
    assert Weighting("w", "", by_rank).explicit_weights == "optional"
    assert Aggregator("g", "", harmonic).takes_offset is False
    with pytest.raises(ValueError, match="explicit_weights"):
        Weighting("w", "", by_rank, explicit_weights="sometimes")


def test_a_weighting_that_requires_weights_needs_one_on_every_child() -> None:
    card = flat([{"metric": "甲指标", "weight": 1}, {"metric": "乙指标"}], weights="by_rank")
    with pytest.raises(ConfigError, match=r'needs a weight \(its parent uses weights = "by_rank"'):
        plan(card)
    weighted = flat([{"metric": "甲指标", "weight": 1}, {"metric": "乙指标", "weight": 5}], weights="by_rank")
    scored = plan(weighted).run(DATA)
    weights = {w["child"]: w["weight"] for w in scored.scorecards[0].weights}
    assert weights == pytest.approx({"甲指标": 1 / 3, "乙指标": 2 / 3})


def test_a_weighting_that_ignores_weights_refuses_them() -> None:
    card = flat([{"metric": "甲指标", "weight": 1}, {"metric": "乙指标", "weight": 2}], weights="blind")
    with pytest.raises(ConfigError, match="weight is not used by weights = 'blind'; remove it"):
        plan(card)


def test_an_undeclared_weighting_takes_weights_on_every_child_or_none() -> None:
    for indicators in (
        [{"metric": "甲指标"}, {"metric": "乙指标"}],
        [{"metric": "甲指标", "weight": 3}, {"metric": "乙指标", "weight": 1}],
    ):
        scored = plan(flat(indicators, weights="flat")).run(DATA)
        assert [w["weight"] for w in scored.scorecards[0].weights] == [0.5, 0.5]
    with pytest.raises(ConfigError, match="give every child a weight, or none"):
        plan(flat([{"metric": "甲指标", "weight": 3}, {"metric": "乙指标"}], weights="flat"))


def test_an_offset_reaches_an_aggregation_that_declares_it() -> None:
    indicators = [{"metric": "甲指标", "weight": 1}, {"metric": "乙指标", "weight": 1}]
    # minmax gives 甲 a 0 on 甲指标: the harmonic mean is undefined there without an offset
    with pytest.raises(ScoringError, match="aggregate = 'harmonic': the harmonic mean needs values > 0"):
        plan(flat(indicators, aggregate="harmonic")).run(DATA)
    rows = results(plan(flat(indicators, aggregate="harmonic", offset=1)).run(DATA))
    # 甲 is at 0 and 0: shifted to 1/101·100 each, mapped back to exactly 0
    assert rows[("甲", 2023)]["score"] == pytest.approx(0.0, abs=1e-9)
    # 丙 is at 100 and 50: the harmonic mean of 101 and 51 (scaled), mapped back
    expected = 2 / (1 / 101 + 1 / 51) - 1
    assert rows[("丙", 2023)]["score"] == pytest.approx(expected)
    assert sum(rows[("丙", 2023)]["contributions"].values()) == pytest.approx(expected)


def test_an_offset_on_an_aggregation_that_does_not_declare_it_is_refused() -> None:
    card = flat([{"metric": "甲指标", "weight": 1}], aggregate="harmonic_strict", offset=1)
    with pytest.raises(
        ConfigError,
        match='offset only applies to aggregate = "geometric" / "harmonic", not \'harmonic_strict\'',
    ):
        plan(card)
