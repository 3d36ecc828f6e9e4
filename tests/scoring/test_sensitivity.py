"""Sensitivity analysis: seeded Monte Carlo over weights and methods, and
the one-at-a-time weight sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from tests.scoring.support import dataset, flat, run
from vqr_metrics.api import run as run_config
from vqr_metrics.config import load_config
from vqr_metrics.scoring.sensitivity import perturber
from vqr_metrics.scoring.spec import Node, Sensitivity

ROOT = Path(__file__).parents[2]
VALUES = {
    ("甲", 2023): {"a": 10.0, "b": 50.0, "c": 3.0},
    ("乙", 2023): {"a": 20.0, "b": 30.0, "c": 9.0},
    ("丙", 2023): {"a": 30.0, "b": 10.0, "c": 6.0},
    ("丁", 2023): {"a": 25.0, "b": 45.0, "c": 1.0},
}


def card(**sensitivity: Any) -> dict[str, Any]:
    indicators = [{"metric": k, "weight": w} for k, w in zip("abc", (0.5, 0.3, 0.2), strict=True)]
    offset = {"offset": 1} if "geometric" in sensitivity.get("aggregate", []) else {}
    return flat(indicators, **offset, sensitivity={"draws": 200, "seed": 7, **sensitivity})


def analysis(**sensitivity: Any) -> dict[str, Any]:
    record = run(dataset(VALUES), card(**sensitivity)).scorecards[0].to_record()
    return dict(record["sensitivity"])


def test_the_same_seed_gives_the_same_numbers() -> None:
    options = {
        "perturb": "dirichlet",
        "normalize": ["minmax", "rank"],
        "aggregate": ["arithmetic", "geometric"],
    }
    assert analysis(**options) == analysis(**options)
    other = analysis(**{**options, "seed": 8})
    assert other["results"] != analysis(**options)["results"]


@pytest.mark.parametrize("perturb", ["share", "dirichlet", "none"])
def test_rank_intervals_bracket_the_median(perturb: str) -> None:
    result = analysis(perturb=perturb, aggregate=["arithmetic", "topsis"])
    assert result["draws"] == 200 and result["perturb"] == perturb
    for row in result["results"]:
        assert row["scored_draws"] == 200
        assert 1 <= row["rank_p05"] <= row["median_rank"] <= row["rank_p95"] <= 4
        assert row["score_p05"] <= row["score_median"] <= row["score_p95"]
        assert isinstance(row["rank_p05"], int) and isinstance(row["rank"], int)


def test_without_perturbation_or_alternatives_ranks_do_not_move() -> None:
    result = analysis(perturb="none")
    for row in result["results"]:
        assert row["rank_p05"] == row["median_rank"] == row["rank_p95"] == row["rank"]
        assert row["score_p05"] == pytest.approx(row["score"])


def test_one_at_a_time_sweep() -> None:
    result = analysis(sweep=[0.0, 2.0])
    sweep = result["sweep"]
    assert len(sweep) == 3 * 2 * 4  # weights × factors × entities
    # dropping indicator a (factor 0) leaves b and c at 0.6 / 0.4
    row = next(r for r in sweep if r["weight"] == "甲指标" and r["factor"] == 0.0 and r["entity"] == "甲")
    # minmax: b → 100, c → 25 for 甲
    assert row["score"] == pytest.approx(0.6 * 100 + 0.4 * 25)
    base = {r["entity"]: r["rank"] for r in result["results"]}
    assert all(r["rank_change"] == r["rank"] - base[r["entity"]] for r in sweep)


def test_perturbations_keep_weights_on_the_simplex() -> None:
    node = Node("n", (), None, "arithmetic", "explicit", 0.5, 0.0, "here")
    w = np.array([0.5, 0.3, 0.2])
    for perturb in ("share", "dirichlet"):
        adjust = perturber(Sensitivity(perturb=perturb, share=0.5), np.random.default_rng(1))
        assert adjust is not None
        drawn = adjust(node, w)
        assert drawn.sum() == pytest.approx(1) and np.all(drawn >= 0)
        assert np.array_equal(adjust(node, w), drawn)  # one draw per node: every year gets the same scheme
    share = perturber(Sensitivity(perturb="share", share=0.2), np.random.default_rng(2))
    assert share is not None
    ratio = share(node, w) / w
    assert ratio.max() / ratio.min() <= 1.2 / 0.8 + 1e-12


def test_shipped_sensitivity_config_draws_from_its_seed() -> None:
    """The shipped config's seed and draws; that its draws are the same every
    run, the golden output of sensitivity.toml (tests/pipeline) shows."""
    config = load_config(ROOT / "configs" / "sensitivity.toml")
    config = attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False))
    first = run_config(config).to_records()["scorecards"]
    sensitivity = first[0]["sensitivity"]
    assert sensitivity["seed"] == 20231231 and sensitivity["draws"] == 500
    assert {(r["entity"], r["year"]) for r in sensitivity["results"]} == {
        ("内蒙古自治区", 2022),
        ("内蒙古自治区", 2023),
        ("呼和浩特市", 2023),
    }
