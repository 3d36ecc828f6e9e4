"""The built-in normalisers, weightings and aggregators: hypothesis
properties, the defined edge cases, and hand-computed reference cases."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scoring.support import catalog
from vqr_metrics.scoring import aggregate, normalize, weights
from vqr_metrics.scoring.aggregate import NonPositiveValue

Array = Any
Norm = Callable[[Array, bool, Mapping[str, Any]], Array]

PARAMS: dict[str, dict[str, float]] = {
    "goalposts": {"low": 10.0, "high": 90.0},
    "ratio_to_threshold": {"threshold": 50.0, "cap": 1.2, "floor": 0.3},
}
NORMALIZERS: dict[str, Norm] = {
    "minmax": normalize.minmax,
    "zscore": normalize.zscore,
    "rank": normalize.rank,
    "percentile": normalize.percentile,
    "goalposts": normalize.goalposts,
    "ratio_to_best": normalize.ratio_to_best,
    "ratio_to_threshold": normalize.ratio_to_threshold,
}
WEIGHTINGS = {
    "explicit": weights.explicit,
    "equal": weights.equal,
    "entropy": weights.entropy,
    "critic": weights.critic,
}
AGGREGATORS = {
    "arithmetic": aggregate.arithmetic,
    "geometric": aggregate.geometric,
    "topsis": aggregate.topsis,
}

# Whole numbers keep float cancellation out of the equalities the properties test.
cell = st.integers(min_value=0, max_value=10_000).map(float)
maybe_cell = st.one_of(cell, cell, cell, st.just(math.nan))
column = st.lists(maybe_cell, min_size=1, max_size=12).map(lambda xs: np.array(xs, dtype=float))


def test_every_builtin_method_is_registered_and_tested() -> None:
    items = catalog().items
    assert set(items["normalizer"]) == set(NORMALIZERS)
    assert set(items["weighting"]) == set(WEIGHTINGS)
    assert set(items["aggregator"]) == set(AGGREGATORS)
    assert items["normalizer"]["goalposts"].parameters == ("low", "high")


# --- normalisers ---------------------------------------------------------------


@pytest.mark.parametrize("method", sorted(NORMALIZERS))
@given(values=column, higher=st.booleans())
def test_normalisers_stay_in_range_and_keep_gaps(method: str, values: Array, higher: bool) -> None:
    out = NORMALIZERS[method](values, higher, PARAMS.get(method, {}))
    assert out.shape == values.shape
    assert np.array_equal(np.isnan(out), np.isnan(values))
    present = out[~np.isnan(out)]
    assert np.all((present >= 0) & (present <= 100))


@pytest.mark.parametrize("method", sorted(NORMALIZERS))
@given(values=column, higher=st.booleans())
def test_normalisers_are_monotone_in_the_right_direction(method: str, values: Array, higher: bool) -> None:
    out = NORMALIZERS[method](values, higher, PARAMS.get(method, {}))
    idx = np.flatnonzero(~np.isnan(values))
    for i in idx:
        for j in idx:
            better = values[i] > values[j] if higher else values[i] < values[j]
            if better:
                assert out[i] >= out[j] - 1e-9


@pytest.mark.parametrize("method", sorted(NORMALIZERS))
@given(values=column, higher=st.booleans(), data=st.data())
def test_permuting_entities_permutes_normalised_values(
    method: str, values: Array, higher: bool, data: Any
) -> None:
    order = np.array(data.draw(st.permutations(range(values.size))))
    params = PARAMS.get(method, {})
    out = NORMALIZERS[method](values, higher, params)
    np.testing.assert_allclose(NORMALIZERS[method](values[order], higher, params), out[order], atol=1e-9)


@pytest.mark.parametrize("method", ["minmax", "zscore"])
@given(
    values=column,
    higher=st.booleans(),
    scale=st.floats(min_value=0.01, max_value=100),
    shift=st.floats(min_value=-1000, max_value=1000),
)
def test_minmax_and_zscore_ignore_positive_affine_rescaling(
    method: str, values: Array, higher: bool, scale: float, shift: float
) -> None:
    norm = NORMALIZERS[method]
    np.testing.assert_allclose(norm(values * scale + shift, higher, {}), norm(values, higher, {}), atol=1e-6)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("minmax", 100), ("zscore", 50), ("rank", 100), ("percentile", 100), ("ratio_to_best", 100)],
)
def test_a_constant_indicator_and_a_single_entity_are_defined(method: str, expected: float) -> None:
    for values in (np.array([7.0, 7.0, np.nan, 7.0]), np.array([3.0])):
        for higher in (True, False):
            out = NORMALIZERS[method](values, higher, {})
            assert np.all(out[~np.isnan(values)] == expected)


def test_normaliser_reference_values() -> None:
    x = np.array([10.0, 20.0, 20.0, 50.0])
    np.testing.assert_allclose(normalize.minmax(x, True, {}), [0, 25, 25, 100])
    np.testing.assert_allclose(normalize.minmax(x, False, {}), [100, 75, 75, 0])
    # mean 25, population sd sqrt(225) = 15: z = -1, -1/3, -1/3, 5/3
    np.testing.assert_allclose(normalize.zscore(x, True, {}), [40, 50 - 10 / 3, 50 - 10 / 3, 50 + 50 / 3])
    # centre 60, spread 30: 60 + 30·5/3 = 110 is clipped to 100
    np.testing.assert_allclose(normalize.zscore(x, True, {"center": 60, "spread": 30}), [30, 50, 50, 100])
    # competition ranks 4, 2, 2, 1 of n = 4: 100·(4 − r)/3
    np.testing.assert_allclose(normalize.rank(x, True, {}), [0, 200 / 3, 200 / 3, 100])
    # entities not better (itself included) / n
    np.testing.assert_allclose(normalize.percentile(x, True, {}), [25, 75, 75, 100])
    np.testing.assert_allclose(normalize.percentile(x, False, {}), [100, 75, 75, 25])
    np.testing.assert_allclose(normalize.goalposts(x, True, {"low": 15, "high": 35}), [0, 25, 25, 100])
    np.testing.assert_allclose(normalize.ratio_to_best(x, True, {}), [20, 40, 40, 100])
    np.testing.assert_allclose(normalize.ratio_to_best(x, False, {}), [100, 50, 50, 20])
    t = {"threshold": 20, "cap": 1.0, "floor": 0.6}
    np.testing.assert_allclose(normalize.ratio_to_threshold(x, True, t), [0, 100, 100, 100])
    np.testing.assert_allclose(normalize.ratio_to_threshold(np.array([15.0]), True, t), [75])
    # lower-is-better: 生师比 18 against a threshold of 18 is full marks, 24 earns 18/24
    np.testing.assert_allclose(
        normalize.ratio_to_threshold(np.array([18.0, 24.0]), False, {"threshold": 18}), [100, 75]
    )


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("goalposts", {"low": 1}, "needs the parameter 'high'"),
        ("goalposts", {"low": 5, "high": 5}, "greater than low"),
        ("ratio_to_threshold", {}, "needs the parameter 'threshold'"),
        ("ratio_to_threshold", {"threshold": "x"}, "threshold must be a finite number, not 'x'"),
        ("ratio_to_threshold", {"threshold": float("nan")}, "threshold must be a finite number, not nan"),
        ("goalposts", {"low": 0, "high": float("inf")}, "high must be a finite number, not inf"),
        ("zscore", {"spread": 0}, "spread must be positive"),
    ],
)
def test_bad_parameters_raise_value_errors(method: str, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NORMALIZERS[method](np.array([1.0, 2.0]), True, params)


def test_ratios_refuse_negative_values() -> None:
    with pytest.raises(ValueError, match="≥ 0"):
        normalize.ratio_to_best(np.array([-1.0, 2.0]), True, {})


# --- weightings ----------------------------------------------------------------

matrix_st = (
    st.integers(min_value=1, max_value=8)
    .flatmap(
        lambda n: st.integers(min_value=1, max_value=5).flatmap(
            lambda m: st.lists(
                st.lists(maybe_cell.map(lambda x: min(x, 100.0)), min_size=m, max_size=m),
                min_size=n,
                max_size=n,
            )
        )
    )
    .map(lambda rows: np.array(rows, dtype=float))
)


@pytest.mark.parametrize("method", sorted(WEIGHTINGS))
@given(matrix=matrix_st, data=st.data())
def test_weights_are_non_negative_and_sum_to_one(method: str, matrix: Array, data: Any) -> None:
    m = matrix.shape[1]
    explicit = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=m, max_size=m)))
    w = WEIGHTINGS[method](matrix, explicit)
    assert w.shape == (m,)
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("method", sorted(WEIGHTINGS))
@given(matrix=matrix_st, data=st.data())
def test_weights_ignore_entity_order_and_follow_column_order(method: str, matrix: Array, data: Any) -> None:
    n, m = matrix.shape
    rows = np.array(data.draw(st.permutations(range(n))))
    cols = np.array(data.draw(st.permutations(range(m))))
    explicit = np.arange(1.0, m + 1)
    w = WEIGHTINGS[method](matrix, explicit)
    np.testing.assert_allclose(WEIGHTINGS[method](matrix[rows], explicit), w, atol=1e-9)
    np.testing.assert_allclose(WEIGHTINGS[method](matrix[:, cols], explicit[cols]), w[cols], atol=1e-9)


@pytest.mark.parametrize("method", ["entropy", "critic"])
@given(matrix=matrix_st)
def test_an_entity_without_reported_cells_changes_no_data_driven_weight(method: str, matrix: Array) -> None:
    # the scorecard blanks imputed cells: what is left must weigh as if the entity were absent
    explicit = np.ones(matrix.shape[1])
    blank = np.vstack([matrix, np.full((2, matrix.shape[1]), np.nan)])
    np.testing.assert_allclose(WEIGHTINGS[method](blank, explicit), WEIGHTINGS[method](matrix, explicit))


def test_entropy_weights_on_data_with_zeros() -> None:
    # column 1: 0, 1, 3 → p = 0, 1/4, 3/4; 0·ln0 = 0
    #   e1 = (1/4·ln4 + 3/4·ln(4/3)) / ln3 = 0.5618…/1.0986… = 0.511860, d1 = 0.488140
    # column 2: 1, 1, 2 → p = 1/4, 1/4, 1/2
    #   e2 = (2·1/4·ln4 + 1/2·ln2) / ln3 = 1.039721/1.098612 = 0.946395, d2 = 0.053605
    # w = d / (d1 + d2) = 0.901051, 0.098949
    w = weights.entropy(np.array([[0.0, 1.0], [1.0, 1.0], [3.0, 2.0]]), np.ones(2))
    np.testing.assert_allclose(w, [0.901051, 0.098949], atol=1e-6)
    assert not np.any(np.isnan(w))


def test_entropy_without_information_falls_back_to_equal_weights() -> None:
    np.testing.assert_allclose(weights.entropy(np.array([[5.0, 0.0]]), np.ones(2)), [0.5, 0.5])
    np.testing.assert_allclose(weights.entropy(np.array([[0.0, 3.0], [0.0, 3.0]]), np.ones(2)), [0.5, 0.5])
    # a constant column carries no information: all weight to the other
    np.testing.assert_allclose(weights.entropy(np.array([[1.0, 3.0], [2.0, 3.0]]), np.ones(2)), [1.0, 0.0])


def test_critic_reference_case() -> None:
    # σ (population) = 40.8248, 40.8248, 14.1421; r12 = 0.5, r13 = 0.866025, r23 = 0
    # C1 = 40.8248·(0.5 + 0.133975) = 25.882, C2 = 40.8248·(0.5 + 1) = 61.237,
    # C3 = 14.1421·(0.133975 + 1) = 16.037; w = C / ΣC
    m = np.array([[0.0, 0.0, 10.0], [50.0, 100.0, 10.0], [100.0, 50.0, 40.0]])
    np.testing.assert_allclose(weights.critic(m, np.ones(3)), [0.250901, 0.593637, 0.155462], atol=1e-6)


def test_explicit_weights_are_renormalised() -> None:
    np.testing.assert_allclose(
        weights.explicit(np.zeros((2, 3)), np.array([1.0, 1.0, 2.0])), [0.25, 0.25, 0.5]
    )
    with pytest.raises(ValueError):
        weights.explicit(np.zeros((1, 2)), np.array([0.0, 0.0]))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([1e308, 1e308], [0.5, 0.5]),  # the plain sum overflows to inf
        ([1.7e308, 1.7e308, 0.0], [0.5, 0.5, 0.0]),
        ([5e-324, 5e-324], [0.5, 0.5]),  # subnormal: the sum is exact, the ratio is not lost
        ([1e308, 1.0], [1.0, 1e-308]),
    ],
)
def test_explicit_weights_renormalise_without_overflow(given: list[float], expected: list[float]) -> None:
    result = weights.explicit(np.zeros((1, len(given))), np.array(given))
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=0)
    assert result.sum() == pytest.approx(1)


# --- aggregators ---------------------------------------------------------------

positive = st.integers(min_value=1, max_value=100).map(float)


@st.composite
def problems(draw: Any, low: int = 0) -> tuple[Array, Array]:
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 5))
    values = st.integers(min_value=low, max_value=100).map(float)
    matrix = np.array(draw(st.lists(st.lists(values, min_size=m, max_size=m), min_size=n, max_size=n)))
    w = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=m, max_size=m)))
    return matrix, w / w.sum()


def _problem(method: str) -> Any:
    return problems(low=1 if method == "geometric" else 0)


@pytest.mark.parametrize("method", sorted(AGGREGATORS))
@given(data=st.data())
def test_scores_in_range_and_contributions_sum_to_them(method: str, data: Any) -> None:
    matrix, w = data.draw(_problem(method))
    scores, contributions = AGGREGATORS[method](matrix, w)
    assert scores.shape == (matrix.shape[0],)
    assert contributions.shape == matrix.shape
    np.testing.assert_allclose(contributions.sum(axis=1), scores, atol=1e-9)
    assert np.all((scores >= -1e-9) & (scores <= 100 + 1e-9))
    if method != "topsis":  # a mean lies between the smallest and the largest child
        assert np.all(scores >= matrix.min(axis=1) - 1e-9)
        assert np.all(scores <= matrix.max(axis=1) + 1e-9)


@pytest.mark.parametrize("method", sorted(AGGREGATORS))
@given(data=st.data())
def test_improving_a_child_never_lowers_the_score(method: str, data: Any) -> None:
    matrix, w = data.draw(_problem(method))
    i = data.draw(st.integers(0, matrix.shape[0] - 1))
    j = data.draw(st.integers(0, matrix.shape[1] - 1))
    better = matrix.copy()
    better[i, j] = min(100.0, better[i, j] + data.draw(st.integers(1, 50)))
    before, _ = AGGREGATORS[method](matrix, w)
    after, _ = AGGREGATORS[method](better, w)
    assert after[i] >= before[i] - 1e-9


@pytest.mark.parametrize("method", sorted(AGGREGATORS))
@given(data=st.data())
def test_permuting_entities_permutes_scores(method: str, data: Any) -> None:
    matrix, w = data.draw(_problem(method))
    order = np.array(data.draw(st.permutations(range(matrix.shape[0]))))
    scores, contributions = AGGREGATORS[method](matrix, w)
    p_scores, p_contributions = AGGREGATORS[method](matrix[order], w)
    np.testing.assert_allclose(p_scores, scores[order], atol=1e-9)
    np.testing.assert_allclose(p_contributions, contributions[order], atol=1e-9)


@pytest.mark.parametrize("method", sorted(AGGREGATORS))
def test_weight_zero_cells_are_ignored(method: str) -> None:
    matrix = np.array([[80.0, 0.0], [40.0, 0.0]])
    rows = np.array([[1.0, 0.0], [1.0, 0.0]])
    scores, contributions = AGGREGATORS[method](matrix, rows)
    assert np.all(contributions[:, 1] == 0)
    np.testing.assert_allclose(contributions.sum(axis=1), scores)


def test_arithmetic_and_geometric_reference_values() -> None:
    matrix = np.array([[25.0, 100.0], [50.0, 50.0]])
    w = np.array([0.5, 0.5])
    scores, contributions = aggregate.arithmetic(matrix, w)
    np.testing.assert_allclose(scores, [62.5, 50])
    np.testing.assert_allclose(contributions, [[12.5, 50], [25, 25]])
    scores, contributions = aggregate.geometric(matrix, w)
    np.testing.assert_allclose(scores, [50, 50])
    # shortfall from 100 (= 50) split by w·ln(x/100): all of it to the child at 25
    np.testing.assert_allclose(contributions, [[0, 50], [25, 25]], atol=1e-12)


def test_topsis_reference_case() -> None:
    # weights 0.75 / 0.25; ideal best (100, 100), worst (0, 0)
    # row 1: D+ = 0.25·100 = 25, D− = 0.75·100 = 75 → 75; D−² all from column 1
    # row 2: D+ = 75, D− = 25 → 25
    # row 3: D+ = D− = √(37.5² + 12.5²) → 50; D−² shares 1406.25 : 156.25 = 0.9 : 0.1
    matrix = np.array([[100.0, 0.0], [0.0, 100.0], [50.0, 50.0]])
    scores, contributions = aggregate.topsis(matrix, np.array([0.75, 0.25]))
    np.testing.assert_allclose(scores, [75, 25, 50])
    np.testing.assert_allclose(contributions, [[75, 0], [0, 25], [45, 5]])


def test_topsis_at_both_ideals_scores_100() -> None:
    scores, contributions = aggregate.topsis(np.array([[40.0, 60.0]]), np.array([0.5, 0.5]))
    np.testing.assert_allclose(scores, [100])
    np.testing.assert_allclose(contributions, [[50, 50]])


def test_geometric_refuses_values_not_above_zero() -> None:
    with pytest.raises(NonPositiveValue) as info:
        aggregate.geometric(np.array([[50.0, 10.0], [0.0, 20.0]]), np.array([0.5, 0.5]))
    assert (info.value.row, info.value.column, info.value.value) == (1, 0, 0.0)


@settings(max_examples=50)
@given(data=st.data())
def test_weights_rows_may_differ_per_entity(data: Any) -> None:
    matrix, _ = data.draw(problems(low=1))
    raw = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=matrix.size, max_size=matrix.size)))
    rows = raw.reshape(matrix.shape)
    rows = rows / rows.sum(axis=1, keepdims=True)
    for method, agg in AGGREGATORS.items():
        scores, contributions = agg(matrix, rows)
        np.testing.assert_allclose(contributions.sum(axis=1), scores, atol=1e-9, err_msg=method)


def test_critic_on_fully_redundant_columns_is_not_decided_by_rounding() -> None:
    """Found by hypothesis: every pair of columns correlates perfectly, and
    float noise in corrcoef used to pick the weights (not order-independent)."""
    from vqr_metrics.scoring.weights import critic

    nan = np.nan
    matrix = np.array(
        [
            [0.0, nan, 0.0, nan],
            [0.0, nan, nan, nan],
            [nan, 25.0, 25.0, 25.0],
            [0.0, 0.0, 0.0, 0.0],
            [1.0, 25.0, 25.0, 25.0],
        ]
    )
    order = [1, 0, 2, 3]
    direct = critic(matrix, np.ones(4))
    permuted = critic(matrix[:, order], np.ones(4))
    np.testing.assert_allclose(permuted, direct[order], atol=1e-12)
