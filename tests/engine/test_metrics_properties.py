"""Hypothesis properties of every registered metric.

Metrics of the form ``k × N / D`` (N, D linear in disjoint names) get the
generic properties: null on a zero denominator, linear in the numerator and
inverse in the denominator, unchanged when numerator and denominator are
scaled alike (a unit change on both sides), monotone, and within their
bounds when the inputs are consistent.  The others have their own tests
below.  The automatic ``<key>_yoy`` family has one generic test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from vqr_metrics_plugins.metrics.year_over_year import SUFFIX as YOY_SUFFIX

from tests.support.properties import (
    ancestors,
    covers,
    dataset_of,
    evaluate,
    evaluate_text,
    full_catalog,
    inputs_of,
    own_metrics,
    ratio_shape,
)

CAT = full_catalog()
RATIOS = {k: r for k in own_metrics(CAT) if (r := ratio_shape(CAT, k)) is not None}
POSITIVE = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)
FACTOR = st.floats(min_value=0.01, max_value=100.0)
SETTINGS = settings(max_examples=30, deadline=None)


def draw_inputs(data: st.DataObject, key: str) -> dict[str, float]:
    return {k: data.draw(POSITIVE, label=k) for k in inputs_of(CAT, key)}


def close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@covers("metric", *RATIOS)
@pytest.mark.parametrize("key", sorted(RATIOS))
@SETTINGS
@given(data=st.data())
def test_ratio_is_null_when_the_denominator_is_zero(key: str, data: st.DataObject) -> None:
    values = draw_inputs(data, key)
    values.update(dict.fromkeys(RATIOS[key].den, 0.0))
    assert evaluate(CAT, key, values) is None


@covers("metric", *RATIOS)
@pytest.mark.parametrize("key", sorted(RATIOS))
@SETTINGS
@given(data=st.data(), factor=FACTOR)
def test_ratio_scales_with_numerator_and_inversely_with_denominator(
    key: str, data: st.DataObject, factor: float
) -> None:
    ratio = RATIOS[key]
    values = draw_inputs(data, key)
    base = evaluate(CAT, key, values)
    num = {**values, **{k: values[k] * factor for k in ratio.num}}
    den = {**values, **{k: values[k] * factor for k in ratio.den}}
    assert base is not None and base >= 0
    assert close(evaluate(CAT, key, num), base * factor)
    assert close(evaluate(CAT, key, den), base / factor)


@covers("metric", *RATIOS)
@pytest.mark.parametrize("key", sorted(RATIOS))
@SETTINGS
@given(data=st.data(), factor=FACTOR)
def test_ratio_is_unchanged_by_a_unit_change_on_both_sides(
    key: str, data: st.DataObject, factor: float
) -> None:
    values = draw_inputs(data, key)
    scaled = {k: v * factor for k, v in values.items()}
    assert close(evaluate(CAT, key, scaled), evaluate(CAT, key, values))


@covers("metric", *RATIOS)
@pytest.mark.parametrize("key", sorted(RATIOS))
@SETTINGS
@given(data=st.data(), bump=POSITIVE)
def test_ratio_is_monotone_in_numerator_and_denominator(key: str, data: st.DataObject, bump: float) -> None:
    ratio = RATIOS[key]
    values = draw_inputs(data, key)
    base = evaluate(CAT, key, values)
    assert base is not None
    up = data.draw(st.sampled_from(ratio.num), label="numerator input")
    assert (evaluate(CAT, key, {**values, up: values[up] + bump}) or 0) >= base * (1 - 1e-12)
    down = data.draw(st.sampled_from(ratio.den), label="denominator input")
    assert (evaluate(CAT, key, {**values, down: values[down] + bump}) or math.inf) <= base * (1 + 1e-12)


@covers("metric", *RATIOS)
@pytest.mark.parametrize("key", sorted(RATIOS))
@SETTINGS
@given(data=st.data())
def test_ratio_is_within_its_bounds_for_consistent_inputs(key: str, data: st.DataObject) -> None:
    """Inputs respect the declared relations (a part is at most its whole);
    a numerator with no declared relation to the denominator is drawn at most
    the denominator, which is what an upper bound on a share presumes."""
    ratio = RATIOS[key]
    low, high = CAT.metrics[key].bounds
    values = draw_inputs(data, key)
    den_total = evaluate_text(CAT, key, ratio.denominator, values)
    declared = all(set(ancestors(CAT, k)) & set(ratio.den) for k in ratio.num)
    if declared:
        # Parts drawn top-down: each part a fraction of what is left of its whole.
        left = dict.fromkeys(ratio.den, 1.0)
        for k in ratio.num:
            whole = next(a for a in ancestors(CAT, k) if a in ratio.den)
            share = data.draw(st.floats(0, 1), label=f"share of {k}") * left[whole]
            left[whole] -= share
            values[k] = share * values[whole]
    elif high is not None:
        fractions = [data.draw(st.floats(0, 1), label=f"share of {k}") for k in ratio.num]
        values.update(
            {
                k: f / len(ratio.num) * den_total / ratio.factor * high
                for k, f in zip(ratio.num, fractions, strict=True)
            }
        )
    result = evaluate(CAT, key, values)
    assert result is not None
    assert low is None or result >= low - 1e-9
    assert high is None or result <= high * (1 + 1e-9)


# --- metrics that are not a plain ratio ------------------------------------------------


@covers("metric", "overall_satisfaction")
@SETTINGS
@given(
    scores=st.lists(st.floats(0, 100), min_size=5, max_size=5),
    people=st.lists(st.integers(0, 100_000), min_size=5, max_size=5),
    factor=st.integers(1, 1000),
)
def test_overall_satisfaction_is_a_weighted_mean_of_the_five_groups(
    scores: list[float], people: list[int], factor: int
) -> None:
    groups = ("sat_students", "sat_graduates", "sat_staff", "sat_employers", "sat_parents")
    values = {g: s for g, s in zip(groups, scores, strict=True)}
    values.update({f"{g}_respondents": float(n) for g, n in zip(groups, people, strict=True)})
    result = evaluate(CAT, "overall_satisfaction", values)
    if sum(people) == 0:
        assert result is None
        return
    assert result is not None
    used = [s for s, n in zip(scores, people, strict=True) if n > 0]
    assert min(used) - 1e-9 <= result <= max(used) + 1e-9
    scaled = {
        **values,
        **{f"{g}_respondents": float(n * factor) for g, n in zip(groups, people, strict=True)},
    }
    assert close(evaluate(CAT, "overall_satisfaction", scaled), result)
    raised = {**values, "sat_staff": values["sat_staff"] + 1}
    assert (evaluate(CAT, "overall_satisfaction", raised) or 0) >= result - 1e-9


@covers("metric", "teachers_total")
@SETTINGS
@given(full_time=POSITIVE, external=POSITIVE, factor=FACTOR)
def test_teachers_total_counts_external_teachers_at_half(
    full_time: float, external: float, factor: float
) -> None:
    values = {"full_time_teachers": full_time, "fac_external_teachers": external}
    result = evaluate(CAT, "teachers_total", values)
    assert close(result, full_time + external * 0.5)
    assert close(
        evaluate(CAT, "teachers_total", {k: v * factor for k, v in values.items()}), (result or 0) * factor
    )
    assert (evaluate(CAT, "teachers_total", {**values, "fac_external_teachers": external + 1}) or 0) > (
        result or 0
    )
    assert evaluate(CAT, "teachers_total", {"full_time_teachers": full_time}) is None


EQUIVALENT_WEIGHTS = {
    "stu_junior_college": 1.0,
    "stu_bachelor": 1.0,
    "stu_international": 3.0,
    "stu_masters": 1.5,
    "stu_doctoral": 2.0,
    "stu_preparatory": 1.0,
    "stu_advanced": 1.0,
    "stu_adult_full_time": 1.0,
    "stu_evening": 0.3,
    "stu_correspondence": 0.1,
}


@covers("metric", "equivalent_students")
@SETTINGS
@given(data=st.data(), reported=st.none() | POSITIVE)
def test_equivalent_students_follows_jiaofa_2004_2(data: st.DataObject, reported: float | None) -> None:
    parts = {k: data.draw(st.integers(0, 100_000), label=k) for k in EQUIVALENT_WEIGHTS}
    values: dict[str, float | None] = {k: float(v) for k, v in parts.items()}
    values["stu_equivalent"] = reported
    result = evaluate(CAT, "equivalent_students", values)
    if reported is not None:
        assert result == reported
        return
    assert close(result, sum(EQUIVALENT_WEIGHTS[k] * v for k, v in parts.items()))
    bumped = data.draw(st.sampled_from(sorted(EQUIVALENT_WEIGHTS)), label="one more student in")
    more = evaluate(CAT, "equivalent_students", {**values, bumped: parts[bumped] + 1.0})
    assert close((more or 0) - (result or 0), EQUIVALENT_WEIGHTS[bumped])
    # Never from some parts only: a missing part leaves it null.
    assert evaluate(CAT, "equivalent_students", {**values, bumped: None}) is None


@covers("metric", "new_equipment_share")
@SETTINGS
@given(total=POSITIVE, share=st.floats(0, 0.99), factor=FACTOR, bump=st.floats(0.01, 100))
def test_new_equipment_share_is_over_the_value_before_the_additions(
    total: float, share: float, factor: float, bump: float
) -> None:
    new = total * share
    values = {"cond_equipment_value": total, "cond_new_equipment_value": new}
    result = evaluate(CAT, "new_equipment_share", values)
    assert close(result, new / (total - new) * 100)
    assert result is not None and result >= 0
    assert close(evaluate(CAT, "new_equipment_share", {k: v * factor for k, v in values.items()}), result)
    assert (
        evaluate(CAT, "new_equipment_share", {**values, "cond_equipment_value": total + bump}) or 0
    ) <= result
    assume(new + bump < total)
    assert (
        evaluate(CAT, "new_equipment_share", {**values, "cond_new_equipment_value": new + bump}) or 0
    ) >= result
    assert evaluate(CAT, "new_equipment_share", {**values, "cond_new_equipment_value": total}) is None


# --- the automatic year-over-year family ---------------------------------------------------

BASES = sorted(k for k in CAT.indicators if k + YOY_SUFFIX in CAT.metrics)


@SETTINGS
@given(base=st.sampled_from(BASES), before=st.just(0.0) | st.floats(1e-3, 1e6), now=st.floats(0, 1e6))
def test_year_over_year_is_the_change_over_the_year_before(base: str, before: float, now: float) -> None:
    data = dataset_of(CAT, {("甲", 2022): {base: before}, ("甲", 2023): {base: now}})
    assert data.value("甲", 2022, base + YOY_SUFFIX) is None  # no year before
    yoy = data.value("甲", 2023, base + YOY_SUFFIX)
    if before == 0:
        assert yoy is None
    else:
        assert close(yoy, (now - before) / before * 100)
