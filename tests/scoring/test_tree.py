"""Scorecards end to end on datasets built by hand: scores, ranks,
contributions through the tree, missing values, groups, and the
properties a ranking must keep."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scoring.support import dataset, flat, results, run
from vqr_metrics.errors import ScoringError
from vqr_metrics.scoring import weights

THREE = {
    ("甲校", 2023): {"a": 10.0, "b": 30.0},
    ("乙校", 2023): {"a": 20.0, "b": 10.0},
    ("丙校", 2023): {"a": 30.0, "b": 20.0},
}


def test_flat_scorecard_by_hand() -> None:
    # minmax: a → 0, 50, 100; b (lower is better) → 0, 100, 50; weights 0.6 / 0.4
    card = flat(
        [{"metric": "甲指标", "weight": 3}, {"metric": "b", "weight": 2, "direction": "lower"}],
        normalize="minmax",
        aggregate="arithmetic",
        weights="explicit",
        missing="reweight",
    )
    out = results(run(dataset(THREE), card))
    assert out[("甲校", 2023)]["score"] == pytest.approx(0)
    assert out[("乙校", 2023)]["score"] == pytest.approx(0.6 * 50 + 0.4 * 100)
    assert out[("丙校", 2023)]["score"] == pytest.approx(0.6 * 100 + 0.4 * 50)
    assert [out[(e, 2023)]["rank"] for e in ("甲校", "乙校", "丙校")] == [3, 2, 1]
    assert out[("丙校", 2023)]["contributions"] == pytest.approx({"甲指标": 60, "乙指标": 20})
    row = out[("乙校", 2023)]["indicators"]["乙指标"]
    assert row == {
        "metric": "b",
        "value": 10.0,
        "status": "reported",
        "normalized": 100.0,
        "weight": pytest.approx(0.4),
        "contribution": pytest.approx(40),
    }


def test_ties_share_the_lower_rank() -> None:
    data = dataset({(e, 2023): {"a": v} for e, v in [("甲", 5.0), ("乙", 9.0), ("丙", 9.0), ("丁", 1.0)]})
    out = results(run(data, flat([{"metric": "a", "weight": 1}])))
    assert [out[(e, 2023)]["rank"] for e in "甲乙丙丁"] == [3, 1, 1, 4]


def tree_card(**options: Any) -> dict[str, Any]:
    return {
        "name": "综合指数",
        "normalize": "minmax",
        **options,
        "dimensions": [
            {
                "name": "甲维度",
                "weight": 2,
                "aggregate": "geometric",
                "offset": 1,
                "weights": "entropy",
                "indicators": [{"metric": "a"}, {"metric": "b", "direction": "lower"}],
            },
            {
                "name": "乙维度",
                "weight": 1,
                "aggregate": "topsis",
                "weights": "critic",
                "indicators": [{"metric": "c"}, {"metric": "d"}],
            },
        ],
    }


values_st = st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda x: round(x, 2))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(values_st, values_st, values_st, values_st), min_size=1, max_size=8))
def test_contributions_add_up_through_the_tree(rows: list[tuple[float, ...]]) -> None:
    data = dataset({(f"校{i}", 2023): dict(zip("abcd", r, strict=True)) for i, r in enumerate(rows)})
    for record in results(run(data, tree_card())).values():
        assert sum(record["contributions"].values()) == pytest.approx(record["score"], abs=1e-7)
        dims = record["dimensions"]
        assert sum(d["contribution"] for d in dims.values()) == pytest.approx(record["score"], abs=1e-7)
        assert 0 - 1e-9 <= record["score"] <= 100 + 1e-9
        assert sum(i["weight"] for i in record["indicators"].values()) == pytest.approx(1)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(values_st, values_st, values_st), min_size=2, max_size=7, unique=True),
    method=st.sampled_from(["rank", "percentile"]),
)
def test_a_worse_entity_changes_no_other_rank_under_rank_methods(
    rows: list[tuple[float, ...]], method: str
) -> None:
    card = flat([{"metric": k, "weight": w} for k, w in zip("abc", (1, 2, 3), strict=True)], normalize=method)
    base = {(f"校{i}", 2023): dict(zip("abc", r, strict=True)) for i, r in enumerate(rows)}
    before = results(run(dataset(base), card))
    worst = {k: min(r[j] for r in rows) - 1 for j, k in enumerate("abc")}
    after = results(run(dataset({**base, ("末校", 2023): worst}), card))
    assert all(after[key]["rank"] == before[key]["rank"] for key in before)
    assert after[("末校", 2023)]["rank"] == len(rows) + 1


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(values_st, values_st), min_size=1, max_size=7),
    data=st.data(),
    aggregate=st.sampled_from(["arithmetic", "topsis"]),
)
def test_permuting_entities_permutes_results(
    rows: list[tuple[float, ...]], data: Any, aggregate: str
) -> None:
    card = flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 2}], aggregate=aggregate)
    values = {(f"校{i}", 2023): dict(zip("ab", r, strict=True)) for i, r in enumerate(rows)}
    order = data.draw(st.permutations(list(values)))
    first = results(run(dataset(values), card))
    second = results(run(dataset({k: values[k] for k in order}), card))
    for key, record in first.items():
        assert second[key]["score"] == pytest.approx(record["score"])
        assert second[key]["rank"] == record["rank"]


def test_normalisation_and_ranking_are_within_each_year_unless_configured() -> None:
    data = dataset(
        {
            ("甲", 2022): {"a": 1.0},
            ("乙", 2022): {"a": 2.0},
            ("甲", 2023): {"a": 10.0},
            ("乙", 2023): {"a": 20.0},
        }
    )
    card = flat([{"metric": "a", "weight": 1}])
    by_year = results(run(data, card))
    assert [by_year[k]["score"] for k in data.rows] == [0, 100, 0, 100]
    assert [by_year[k]["rank"] for k in data.rows] == [2, 1, 2, 1]
    pooled = results(run(data, {**card, "normalize_within": "all", "rank_within": "all"}))
    assert [pooled[k]["score"] for k in data.rows] == pytest.approx([0, 100 / 19, 9 * 100 / 19, 100])
    assert [pooled[k]["rank"] for k in data.rows] == [4, 3, 2, 1]


def test_a_single_entity_and_a_constant_indicator_are_scored() -> None:
    data = dataset({("甲", 2023): {"a": 3.0, "b": 7.0}, ("甲", 2022): {"a": 4.0, "b": 7.0}})
    out = results(run(data, flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}])))
    assert out[("甲", 2023)]["score"] == pytest.approx(100)
    assert out[("甲", 2023)]["rank"] == 1


def test_reweight_renormalises_and_min_coverage_leaves_no_score() -> None:
    data = dataset(
        {
            ("甲", 2023): {"a": 10.0, "b": 10.0, "c": 10.0},
            ("乙", 2023): {"a": 20.0, "b": 30.0},  # c missing: 0.8 of the weight left
            ("丙", 2023): {"a": 30.0},  # 0.4 of the weight left, below 0.5
        }
    )
    card = flat([{"metric": "a", "weight": 2}, {"metric": "b", "weight": 2}, {"metric": "c", "weight": 1}])
    outcome = run(data, card)
    out = results(outcome)
    # 乙: a → 50, b → 100 with weights 0.5 / 0.5
    assert out[("乙", 2023)]["score"] == pytest.approx(75)
    assert out[("乙", 2023)]["missing"] == ["丙指标"]
    assert out[("乙", 2023)]["coverage"] == pytest.approx(0.8)
    assert out[("丙", 2023)]["score"] is None and out[("丙", 2023)]["rank"] is None
    warning = [f for f in outcome.findings if f.rule == "scorecard_coverage"]
    assert [(f.severity, f.entity) for f in warning] == [("warning", "丙")]
    assert "40%" in warning[0].message and "乙指标" in warning[0].message


def test_a_dimension_below_coverage_is_left_out_with_a_finding() -> None:
    data = dataset({("甲", 2023): {"a": 1.0, "b": 1.0, "c": 5.0}, ("乙", 2023): {"c": 9.0, "d": 2.0}})
    card = {
        "name": "树",
        "weights": "equal",
        "dimensions": [
            {"name": "一", "indicators": [{"metric": "a"}, {"metric": "b"}]},
            {"name": "二", "indicators": [{"metric": "c"}, {"metric": "d"}]},
        ],
    }
    outcome = run(data, card)
    out = results(outcome)
    assert out[("乙", 2023)]["dimensions"]["一"]["score"] is None
    assert out[("乙", 2023)]["score"] == pytest.approx(out[("乙", 2023)]["dimensions"]["二"]["score"])
    assert any(f.severity == "info" and "scored without dimension 一" in f.message for f in outcome.findings)


@pytest.mark.parametrize(("missing", "expected"), [("impute_mean", 20.0), ("impute_p25", 15.0)])
def test_imputed_values_are_flagged(missing: str, expected: float) -> None:
    values = {
        ("甲", 2023): {"a": 10.0, "b": 1.0},
        ("乙", 2023): {"a": 30.0, "b": 2.0},
        ("丙", 2023): {"b": 3.0},
    }
    data = dataset(values)
    outcome = run(data, flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}], missing=missing))
    record = results(outcome)[("丙", 2023)]
    assert record["indicators"]["甲指标"]["value"] == expected
    assert record["indicators"]["甲指标"]["status"] == "imputed"
    assert record["imputed"] == ["甲指标"]
    assert record["coverage"] == pytest.approx(0.5)
    # the dataset stays as read; the imputed value is an output of scoring
    assert data.value("丙", 2023, "a") is None
    imputed = outcome.imputations
    assert (imputed.rows["a"].tolist(), imputed.values["a"].tolist()) == ([2], [expected])
    assert any(f.rule == "scorecard_imputed" and f.entity == "丙" for f in outcome.findings)


def test_impute_p25_of_a_lower_is_better_indicator_takes_a_high_value() -> None:
    values = {("甲", 2023): {"a": 10.0}, ("乙", 2023): {"a": 30.0}, ("丙", 2023): {"b": 3.0}}
    card = flat(
        [{"metric": "a", "weight": 1, "direction": "lower"}, {"metric": "b", "weight": 1}],
        missing="impute_p25",
    )
    record = results(run(dataset(values), card))[("丙", 2023)]
    assert record["indicators"]["甲指标"]["value"] == 25.0


def test_missing_fail_stops_with_one_line() -> None:
    data = dataset({("甲", 2023): {"a": 1.0, "b": 1.0}, ("乙", 2023): {"a": 2.0}})
    with pytest.raises(ScoringError) as info:
        run(data, flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}], missing="fail"))
    message = str(info.value)
    assert "\n" not in message and "乙指标" in message and "乙 2023" in message


def test_first_reported_metric_wins() -> None:
    data = dataset({("甲", 2023): {"a": 10.0, "b": 99.0}, ("乙", 2023): {"b": 20.0}})
    record = results(run(data, flat([{"metric": ["a", "b"], "name": "合并", "weight": 1}])))
    assert record[("甲", 2023)]["indicators"]["合并"]["metric"] == "a"
    assert record[("乙", 2023)]["indicators"]["合并"] == pytest.approx(
        {
            "metric": "b",
            "value": 20.0,
            "status": "reported",
            "normalized": 100.0,
            "weight": 1.0,
            "contribution": 100.0,
        }
    )


def test_geometric_refuses_zero_and_names_the_fix() -> None:
    card = flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}], aggregate="geometric")
    with pytest.raises(ScoringError, match=r"甲校 2023.*甲指标 is 0.*offset"):
        run(dataset(THREE), card)
    out = results(run(dataset(THREE), {**card, "offset": 1}))
    assert all(math.isfinite(r["score"]) for r in out.values())
    for record in out.values():
        assert sum(record["contributions"].values()) == pytest.approx(record["score"])


def test_geometric_offset_by_hand() -> None:
    # 甲: minmax gives 0 and 100; offset 1: ((0 + 1)·(100 + 1))^0.5 − 1 = √101 − 1
    data = dataset({("甲", 2023): {"a": 0.0, "b": 1.0}, ("乙", 2023): {"a": 1.0, "b": 0.0}})
    card = flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}], aggregate="geometric", offset=1)
    out = results(run(data, card))
    assert out[("甲", 2023)]["score"] == pytest.approx(math.sqrt(101) - 1)


def test_level_entities_and_years_filter_the_rows() -> None:
    values = {("甲", 2023): {"a": 1.0}, ("乙", 2023): {"a": 2.0}, ("丙", 2022): {"a": 3.0}}
    data = dataset(values, attributes={"甲": {"level": "高职"}, "乙": {"level": "中职"}})
    assert list(results(run(data, flat([{"metric": "a", "weight": 1}], level="高职")))) == [("甲", 2023)]
    assert list(results(run(data, flat([{"metric": "a", "weight": 1}], years=[2022])))) == [("丙", 2022)]
    assert list(results(run(data, flat([{"metric": "a", "weight": 1}], entities=["乙"])))) == [("乙", 2023)]


def test_rows_without_any_indicator_are_not_scored_and_said_so() -> None:
    data = dataset({("甲", 2023): {"a": 1.0}, ("乙", 2023): {"c": 2.0}})
    outcome = run(data, flat([{"metric": "a", "weight": 1}]))
    assert list(results(outcome)) == [("甲", 2023)]
    assert [f.entity for f in outcome.findings if f.rule == "scorecard_no_data"] == ["乙"]


def test_weights_used_are_reported() -> None:
    data = dataset(
        {
            ("甲", 2023): {"a": 0.0, "b": 1.0},
            ("乙", 2023): {"a": 1.0, "b": 3.0},
            ("丙", 2023): {"a": 3.0, "b": 2.0},
        }
    )
    record = run(data, flat([{"metric": "a"}, {"metric": "b"}], weights="entropy")).scorecards[0].to_record()
    used = {w["child"]: w["weight"] for w in record["weights"]}
    assert set(used) == {"甲指标", "乙指标"} and sum(used.values()) == pytest.approx(1)
    assert record["methods"]["weights"] == ["entropy"]
    assert np.isclose(used["甲指标"] + used["乙指标"], 1)


def test_huge_weights_score_like_their_ratio() -> None:
    # 1e308 + 1e308 overflows: the weights are renormalised by their largest first
    huge = flat([{"metric": "a", "weight": 1e308}, {"metric": "b", "weight": 1e308}])
    small = flat([{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}])
    assert results(run(dataset(THREE), huge)) == results(run(dataset(THREE), small))


def test_filters_that_match_nothing_are_said_so() -> None:
    data = dataset({("甲", 2023): {"a": 1.0}, ("乙", 2023): {"a": 2.0}, ("甲", 2022): {"a": 3.0}})
    outcome = run(data, flat([{"metric": "a", "weight": 1}], years=[2030], entities=["不存在"]))
    assert results(outcome) == {}
    (warning,) = [f for f in outcome.findings if f.rule == "scorecard_filter"]
    assert warning.severity == "warning" and "\n" not in warning.message
    assert "scorecard '测试指数'" in warning.message
    assert "'不存在' is not an entity of the inputs" in warning.message
    assert "years: 2030 not in the inputs (they hold 2022, 2023)" in warning.message
    assert "keep no entity-year" in warning.message


def test_a_filter_value_that_partly_matches_is_named_and_the_rest_scored() -> None:
    data = dataset({("甲校", 2023): {"a": 1.0}, ("乙校", 2023): {"a": 2.0}})
    outcome = run(data, flat([{"metric": "a", "weight": 1}], entities=["甲校", "乙"], years=[2023, 2024]))
    assert list(results(outcome)) == [("甲校", 2023)]
    (warning,) = [f for f in outcome.findings if f.rule == "scorecard_filter"]
    assert "'乙' is not an entity of the inputs (did you mean: 乙校?)" in warning.message
    assert "years: 2024 not in the inputs" in warning.message
    assert "keep no entity-year" not in warning.message


def test_filters_that_only_together_keep_nothing_are_said_so() -> None:
    data = dataset({("甲", 2023): {"a": 1.0}, ("乙", 2022): {"a": 2.0}}, attributes={"甲": {"level": "高职"}})
    outcome = run(data, flat([{"metric": "a", "weight": 1}], entities=["甲"], years=[2022], level="高职"))
    (warning,) = [f.message for f in outcome.findings if f.rule == "scorecard_filter"]
    assert "its filters (level = '高职', entities = ['甲'], years = [2022]) keep no entity-year" in warning
    matched = run(data, flat([{"metric": "a", "weight": 1}], entities=["甲"], years=[2023]))
    assert not [f for f in matched.findings if f.rule == "scorecard_filter"]


@pytest.mark.parametrize("missing", ["reweight", "impute_mean", "impute_p25"])
def test_an_indicator_nobody_reports_in_a_year_is_one_warning(missing: str) -> None:
    data = dataset(
        {
            ("甲", 2023): {"a": 1.0},
            ("乙", 2023): {"a": 3.0},
            ("甲", 2022): {"a": 1.0, "b": 5.0, "c": 2.0},
            ("乙", 2022): {"a": 2.0, "b": 6.0},
        }
    )
    card = flat([{"metric": k, "weight": 1} for k in "abc"], missing=missing, min_coverage=0.3)
    outcome = run(data, card)
    empty = [f for f in outcome.findings if f.rule == "scorecard_empty_indicator"]
    # 2023: b and c are unusable columns — one warning, not a "missing" per entity; 2022 has both
    assert [(f.severity, f.year, f.indicators) for f in empty] == [("warning", 2023, ("乙指标", "丙指标"))]
    assert "no entity reports 乙指标, 丙指标 in 2023; every score of 2023 is computed without them" in (
        empty[0].message
    )
    out = results(outcome)
    for entity in "甲乙":
        row = out[(entity, 2023)]
        # scored on a alone: the weights of the empty columns went to a
        assert row["indicators"]["甲指标"]["weight"] == pytest.approx(1)
        assert row["score"] == pytest.approx(row["indicators"]["甲指标"]["normalized"])
        assert row["coverage"] == pytest.approx(1 / 3)
    assert not [f for f in outcome.findings if f.rule == "scorecard_imputed" and f.year == 2023]


def test_an_indicator_imputed_from_other_years_is_named_as_such() -> None:
    data = dataset({("甲", 2023): {"a": 1.0}, ("乙", 2023): {"a": 3.0}, ("甲", 2022): {"a": 2.0, "b": 4.0}})
    card = flat(
        [{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}],
        missing="impute_mean",
        normalize_within="all",
    )
    outcome = run(data, card)
    (warning,) = [f for f in outcome.findings if f.rule == "scorecard_empty_indicator"]
    assert warning.year == 2023 and "乙指标 only has imputed values" in warning.message
    assert results(outcome)[("乙", 2023)]["indicators"]["乙指标"]["status"] == "imputed"


# a, b and c miss 1, 2 and 3 cells: were the gaps equal in number, mean imputation
# would scale every column's entropy divergence alike and leave the weights as they are
GAPPY = {
    ("甲", 2023): {"a": 10.0, "b": 5.0, "c": 7.0},
    ("乙", 2023): {"a": 20.0, "c": 1.0},
    ("丙", 2023): {"a": 30.0, "b": 1.0},
    ("丁", 2023): {"b": 8.0, "c": 4.0},
    ("戊", 2023): {"a": 12.0, "b": 2.0},
    ("己", 2023): {"a": 16.0},
}


def used_weights(outcome: Any) -> dict[str, float]:
    return {w["child"]: w["weight"] for w in outcome.scorecards[0].to_record()["weights"]}


@pytest.mark.parametrize("method", ["entropy", "critic"])
@pytest.mark.parametrize("missing", ["impute_mean", "impute_p25"])
def test_data_driven_weights_come_from_reported_cells_only(method: str, missing: str) -> None:
    # minmax keeps the reported cells' normalised values whatever is imputed (an
    # imputed value lies between the reported ones), so only the imputed cells
    # could make the weights differ from those of reweight
    card = flat([{"metric": k} for k in "abc"], weights=method, min_coverage=0.1)
    imputed = run(dataset(GAPPY), {**card, "missing": missing})
    filled = sorted(f.entity for f in imputed.findings if f.rule == "scorecard_imputed")
    assert filled == sorted("乙丙丁戊己己")
    reweighted = used_weights(run(dataset(GAPPY), {**card, "missing": "reweight"}))
    assert used_weights(imputed) == pytest.approx(reweighted, abs=1e-12)
    assert len(set(np.round(list(reweighted.values()), 6))) == 3  # the data do drive the weights


def test_a_dimension_score_resting_on_an_imputed_value_is_left_out_of_data_driven_weights() -> None:
    card = {
        "name": "树",
        "weights": "entropy",
        "missing": "impute_mean",
        "dimensions": [
            {"name": "一", "weights": "equal", "indicators": [{"metric": "a"}, {"metric": "b"}]},
            {"name": "二", "indicators": [{"metric": "c"}]},
        ],
    }
    outcome = run(dataset(GAPPY), card)
    out = results(outcome)
    matrix = np.array([[out[r]["dimensions"][d]["score"] for d in ("一", "二")] for r in GAPPY])
    # imputed under 一: 乙's b, 丁's a, 己's b; under 二: 丙's, 戊's and 己's c
    rests_on_imputed = np.array([[0, 0], [1, 0], [0, 1], [1, 0], [0, 1], [1, 1]], dtype=bool)
    expected = weights.entropy(np.where(rests_on_imputed, np.nan, matrix), np.ones(2))
    used = used_weights(outcome)
    assert [used["一"], used["二"]] == pytest.approx(expected.tolist(), abs=1e-12)
    assert [used["一"], used["二"]] != pytest.approx(weights.entropy(matrix, np.ones(2)).tolist(), abs=1e-6)


def test_near_equal_scores_tie_even_across_a_rounding_boundary() -> None:
    from vqr_metrics.scoring.tree import ranks

    scores = np.array([50.0000000004999, 50.0000000005001, 10.0, np.nan, 10.0 + 5e-10])
    assert ranks(scores, [np.arange(5)]).tolist()[:3] == [1.0, 1.0, 3.0]
    assert ranks(scores, [np.arange(5)])[4] == 3.0 and np.isnan(ranks(scores, [np.arange(5)])[3])
