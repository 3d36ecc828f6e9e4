"""Hypothesis properties of every check of the tables: consistent data never
gives a finding, data that breaks the rule always does, and the finding
names the indicators and the values compared.  When a figure compared is
printed differently by two sources (source_conflict), the finding is only an
info note naming that figure."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vqr_metrics_plugins.tables.appendix.satisfaction import ROWS as SATISFACTION_ROWS

from tests.support.properties import check_catalog, covers, dataset_of, relation_parents, run_check
from vqr_metrics.checks import COUNT_UNITS
from vqr_metrics.errors import ConfigError
from vqr_metrics.model import Finding

CAT = check_catalog()
SETTINGS = settings(max_examples=40, deadline=None)
ROW = ("甲校", 2023)
COUNT = st.integers(0, 10**6)


def only_a_note(found: list[Finding], conflicted: str, rule: str = "compared_with_conflict") -> None:
    """One info note ``rule`` naming the conflicted figure instead of a warning or error."""
    assert [(f.severity, f.rule) for f in found] == [("info", rule)]
    assert CAT.label(CAT.canonical(conflicted)) in found[0].indicators
    assert "whose sources disagree" in found[0].message


def children(parent: str, relation: str) -> list[str]:
    return [i.key for i in CAT.indicators.values() if i.parent == parent and i.relation == relation]


def pairs(relation: str) -> list[tuple[str, str]]:
    return [(p, c) for p in relation_parents(CAT, relation) for c in children(p, relation)]


@covers("check", "relation_partition")
@SETTINGS
@given(parent=st.sampled_from(relation_parents(CAT, "partition")), data=st.data())
def test_partition_holds_iff_the_parts_fit_in_the_whole(parent: str, data: st.DataObject) -> None:
    parts = children(parent, "partition")
    values = [data.draw(COUNT, label=k) for k in parts]
    whole = sum(values) + data.draw(COUNT, label="room left")
    row = {parent: float(whole), **{k: float(v) for k, v in zip(parts, values, strict=True)}}
    assert run_check(CAT, "relation_partition", dataset_of(CAT, {ROW: row})) == []
    excess = data.draw(st.integers(len(parts) + 2, 10**6), label="excess")
    broken = {**row, parent: float(sum(values)), parts[0]: float(values[0] + excess)}
    found = run_check(CAT, "relation_partition", dataset_of(CAT, {ROW: broken}))
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == "error" and finding.entity == "甲校" and finding.year == 2023
    assert finding.indicators[0] == CAT.label(CAT.canonical(parent))
    assert finding.expected == sum(values) and finding.actual == sum(values) + excess
    conflicted = data.draw(st.sampled_from([parent, *parts]), label="conflicted")
    noted = dataset_of(CAT, {ROW: broken}, {ROW: [conflicted]})
    only_a_note(run_check(CAT, "relation_partition", noted), conflicted)


@covers("check", "relation_subset")
@SETTINGS
@given(
    pair=st.sampled_from(pairs("subset")), whole=COUNT, share=st.floats(0, 1), excess=st.integers(2, 10**6)
)
def test_subset_holds_iff_the_part_is_at_most_the_whole(
    pair: tuple[str, str], whole: int, share: float, excess: int
) -> None:
    parent, child = pair
    ok = {parent: float(whole), child: float(int(whole * share))}
    assert run_check(CAT, "relation_subset", dataset_of(CAT, {ROW: ok})) == []
    broken = {parent: float(whole), child: float(whole + excess)}
    found = run_check(CAT, "relation_subset", dataset_of(CAT, {ROW: broken}))
    assert [(f.severity, f.indicators, f.expected, f.actual) for f in found] == [
        ("error", (CAT.label(CAT.canonical(parent)), CAT.label(child)), whole, whole + excess)
    ]
    noted = dataset_of(CAT, {ROW: broken}, {ROW: [child]})
    only_a_note(run_check(CAT, "relation_subset", noted), child)


@covers("check", "relation_other_unit")
@SETTINGS
@given(pair=st.sampled_from(pairs("other_unit")), parent_value=COUNT, child_value=COUNT)
def test_other_unit_child_cannot_be_positive_under_a_zero_parent(
    pair: tuple[str, str], parent_value: int, child_value: int
) -> None:
    parent, child = pair
    data = dataset_of(CAT, {ROW: {parent: float(parent_value), child: float(child_value)}})
    found = run_check(CAT, "relation_other_unit", data)
    if parent_value == 0 and child_value > 0:
        assert [(f.severity, f.actual) for f in found] == [("error", child_value)]
        assert CAT.label(child) in found[0].message
        noted = dataset_of(CAT, {ROW: {parent: 0.0, child: float(child_value)}}, {ROW: [parent]})
        only_a_note(run_check(CAT, "relation_other_unit", noted), parent)
    else:
        assert found == []


PERCENTS = sorted(k for k, i in CAT.indicators.items() if i.unit == "%" and CAT.canonical(k) == k)
INPUTS = sorted(k for k in CAT.indicators if CAT.canonical(k) == k)
COUNTS = sorted(k for k in INPUTS if CAT.indicators[k].unit in COUNT_UNITS)


@covers("check", "percent_range")
@SETTINGS
@given(key=st.sampled_from(PERCENTS), value=st.floats(-1e4, 1e4))
def test_percentages_lie_within_0_and_100(key: str, value: float) -> None:
    found = run_check(CAT, "percent_range", dataset_of(CAT, {ROW: {key: value}}))
    assert len(found) == (0 if 0 <= value <= 100 else 1)
    assert all(f.severity == "error" and f.actual == value for f in found)


@covers("check", "non_negative")
@SETTINGS
@given(key=st.sampled_from(INPUTS), value=st.floats(-1e6, 1e6))
def test_no_input_is_negative(key: str, value: float) -> None:
    found = run_check(CAT, "non_negative", dataset_of(CAT, {ROW: {key: value}}))
    assert [f.actual for f in found] == ([value] if value < 0 else [])


@covers("check", "whole_counts")
@SETTINGS
@given(key=st.sampled_from(COUNTS), whole=COUNT, fraction=st.floats(0.001, 0.999))
def test_counts_are_whole_numbers(key: str, whole: int, fraction: float) -> None:
    assert run_check(CAT, "whole_counts", dataset_of(CAT, {ROW: {key: float(whole)}})) == []
    found = run_check(CAT, "whole_counts", dataset_of(CAT, {ROW: {key: whole + fraction}}))
    assert [(f.severity, f.actual) for f in found] == [("error", whole + fraction)]


SHARES = sorted(
    k
    for k, m in CAT.metrics.items()
    if m.bounds == (0, 100) and len(set(CAT.dependencies[k].values())) == 2 and "/" in m.formula
)


@covers("check", "metric_bounds")
@SETTINGS
@given(
    key=st.sampled_from(SHARES),
    whole=st.integers(1, 10**6),
    share=st.floats(0, 1),
    excess=st.integers(1, 10**6),
)
def test_a_share_leaves_its_bounds_only_when_the_part_exceeds_the_whole(
    key: str, whole: int, share: float, excess: int
) -> None:
    part, total = list(dict.fromkeys(CAT.dependencies[key].values()))
    mine = lambda found: [f for f in found if f.indicators[0] == CAT.metrics[key].name]  # noqa: E731
    ok = dataset_of(CAT, {ROW: {part: whole * share, total: float(whole)}})
    assert mine(run_check(CAT, "metric_bounds", ok)) == []
    broken = dataset_of(CAT, {ROW: {part: float(whole + excess), total: float(whole)}})
    found = mine(run_check(CAT, "metric_bounds", broken))
    assert [(f.severity, f.expected) for f in found] == [("warning", "0–100")]
    noted = dataset_of(CAT, {ROW: {part: float(whole + excess), total: float(whole)}}, {ROW: [total]})
    only_a_note(mine(run_check(CAT, "metric_bounds", noted)), total)


@covers("check", "yoy_jump")
@SETTINGS
@given(
    key=st.sampled_from(INPUTS),
    before=st.floats(1, 1e6),
    factor=st.floats(1.5, 10),
    within=st.floats(0, 1),
    beyond=st.floats(1.01, 100),
    up=st.booleans(),
)
def test_a_jump_between_years_beyond_the_factor_is_a_warning(
    key: str, before: float, factor: float, within: float, beyond: float, up: bool
) -> None:
    options = {"yoy_jump_factor": factor}
    steady = before * factor**within if up else before / factor**within
    data = dataset_of(CAT, {("甲校", 2022): {key: before}, ROW: {key: steady}})
    assert run_check(CAT, "yoy_jump", data, {"yoy_jump_factor": factor * 1.0001}) == []
    jumped = before * factor * beyond if up else before / (factor * beyond)
    data = dataset_of(CAT, {("甲校", 2022): {key: before}, ROW: {key: jumped}})
    found = run_check(CAT, "yoy_jump", data, options)
    assert [(f.severity, f.year, f.expected, f.actual, f.tolerance) for f in found] == [
        ("warning", 2023, before, jumped, factor)
    ]
    # Either year's figure may be the conflicted one.
    year = ("甲校", 2022) if up else ROW
    data = dataset_of(CAT, {("甲校", 2022): {key: before}, ROW: {key: jumped}}, {year: [key]})
    only_a_note(run_check(CAT, "yoy_jump", data, options), key)


def _recompute_case(
    check_id: str, published: str, part: str, teachers: int, share: float, offset: float, tolerance: float
) -> None:
    recomputed = int(teachers * share) / teachers * 100
    row = {"full_time_teachers": float(teachers), part: float(int(teachers * share))}
    options = {"share_tolerance": tolerance}
    near = dataset_of(CAT, {ROW: {**row, published: recomputed + offset * tolerance * 0.99}})
    assert run_check(CAT, check_id, near, options) == []
    far = dataset_of(CAT, {ROW: {**row, published: recomputed + offset * (tolerance * 1.01 + 0.01)}})
    found = run_check(CAT, check_id, far, options)
    assert [(f.severity, f.tolerance) for f in found] == [("warning", tolerance)]
    assert abs(float(found[0].expected or 0) - recomputed) < 1e-6
    noted = dataset_of(
        CAT,
        {ROW: {**row, published: recomputed + offset * (tolerance * 1.01 + 0.01)}},
        {ROW: ["full_time_teachers"]},
    )
    only_a_note(run_check(CAT, check_id, noted, options), "full_time_teachers", "recompute_from_conflict")


SIGN = st.sampled_from([-1.0, 1.0])


@covers("check", "recompute_dual_qualified_share")
@SETTINGS
@given(teachers=st.integers(1, 10**5), share=st.floats(0, 1), sign=SIGN, tolerance=st.floats(0.1, 5))
def test_printed_dual_qualified_share_vs_core_table(
    teachers: int, share: float, sign: float, tolerance: float
) -> None:
    _recompute_case(
        "recompute_dual_qualified_share",
        "dual_qualified_teacher_share",
        "fac_dual_qualified",
        teachers,
        share,
        sign,
        tolerance,
    )


@covers("check", "recompute_senior_title_share")
@SETTINGS
@given(teachers=st.integers(1, 10**5), share=st.floats(0, 1), sign=SIGN, tolerance=st.floats(0.1, 5))
def test_printed_senior_title_share_vs_core_table(
    teachers: int, share: float, sign: float, tolerance: float
) -> None:
    _recompute_case(
        "recompute_senior_title_share",
        "senior_title_teacher_share",
        "fac_senior_title",
        teachers,
        share,
        sign,
        tolerance,
    )


@covers("check", "recompute_student_teacher_ratio")
@SETTINGS
@given(
    students=st.integers(1, 10**6),
    teachers=st.integers(1, 10**5),
    external=st.none() | st.integers(0, 10**4),
    sign=SIGN,
    tolerance=st.floats(0.1, 3),
)
def test_printed_student_teacher_ratio_prefers_the_official_definition(
    students: int, teachers: int, external: int | None, sign: float, tolerance: float
) -> None:
    row = {"full_time_students": float(students), "full_time_teachers": float(teachers)}
    expected = students / teachers
    if external is not None:  # 折合在校生数 given: the 教发〔2004〕2号 ratio is compared
        row.update({"stu_equivalent": float(students), "fac_external_teachers": float(external)})
        expected = students / (teachers + external * 0.5)
    options = {"student_teacher_ratio_tolerance": tolerance}
    near = dataset_of(CAT, {ROW: {**row, "student_teacher_ratio": expected + sign * tolerance * 0.99}})
    assert run_check(CAT, "recompute_student_teacher_ratio", near, options) == []
    far_row = {**row, "student_teacher_ratio": expected + sign * (tolerance * 1.01 + 0.01)}
    found = run_check(CAT, "recompute_student_teacher_ratio", dataset_of(CAT, {ROW: far_row}), options)
    assert len(found) == 1 and abs(float(found[0].expected or 0) - expected) < 1e-6
    official = "教发〔2004〕2号" in found[0].message
    assert official == (external is not None)
    noted = dataset_of(CAT, {ROW: far_row}, {ROW: ["full_time_teachers"]})
    found = run_check(CAT, "recompute_student_teacher_ratio", noted, options)
    only_a_note(found, "full_time_teachers", "recompute_from_conflict")


@covers("check", "satisfaction_groups")
@SETTINGS
@given(
    group=st.sampled_from(["sat_students", "sat_graduates"]),
    data=st.data(),
    tolerance=st.floats(0.5, 5),
    sign=SIGN,
)
def test_a_group_satisfaction_is_near_its_sub_rows_weighted_by_respondents(
    group: str, data: st.DataObject, tolerance: float, sign: float
) -> None:
    subs = [i.key for i in SATISFACTION_ROWS if i.parent == group]
    scores = [data.draw(st.floats(0, 100), label=k) for k in subs]
    people = [data.draw(st.integers(1, 10**5), label=f"{k} 调查人次") for k in subs]
    mean = sum(s * n for s, n in zip(scores, people, strict=True)) / sum(people)
    row = {k: s for k, s in zip(subs, scores, strict=True)}
    row.update({f"{k}_respondents": float(n) for k, n in zip(subs, people, strict=True)})
    options = {"satisfaction_tolerance": tolerance}
    near = dataset_of(CAT, {ROW: {**row, group: mean + sign * tolerance * 0.99}})
    assert run_check(CAT, "satisfaction_groups", near, options) == []
    far = {**row, group: mean + sign * tolerance * 1.02}
    found = run_check(CAT, "satisfaction_groups", dataset_of(CAT, {ROW: far}), options)
    assert [(f.severity, f.indicators[0]) for f in found] == [("warning", CAT.label(group))]
    assert found[0].expected == pytest.approx(mean, abs=1e-6)
    conflicted = data.draw(st.sampled_from([group, *subs, *(f"{k}_respondents" for k in subs)]))
    noted = run_check(CAT, "satisfaction_groups", dataset_of(CAT, {ROW: far}, {ROW: [conflicted]}), options)
    only_a_note(noted, conflicted, "recompute_from_conflict")


@covers("check", "entrepreneurship_rate")
@SETTINGS
@given(
    denominator=st.sampled_from([("毕业生人数", "sc_graduates"), ("毕业去向落实人数", "sc_placed")]),
    whole=st.integers(1, 10**5),
    share=st.floats(0, 1),
    sign=SIGN,
    tolerance=st.floats(0.05, 2),
)
def test_entrepreneurship_rate_against_the_configured_denominator(
    denominator: tuple[str, str], whole: int, share: float, sign: float, tolerance: float
) -> None:
    name, key = denominator
    entrepreneurs = int(whole * share)
    expected = entrepreneurs / whole * 100
    # The other candidate denominator is set to something else, so using the wrong one would show.
    other = "sc_placed" if key == "sc_graduates" else "sc_graduates"
    row = {key: float(whole), other: float(whole * 3 + 7), "sc_entrepreneurs": float(entrepreneurs)}
    options = {"entrepreneurship_denominator": name, "entrepreneurship_tolerance": tolerance}
    near = dataset_of(CAT, {ROW: {**row, "sc_entrepreneurship_rate": expected + sign * tolerance * 0.99}})
    assert run_check(CAT, "entrepreneurship_rate", near, options) == []
    far = {**row, "sc_entrepreneurship_rate": expected + sign * (tolerance * 1.01 + 0.01)}
    found = run_check(CAT, "entrepreneurship_rate", dataset_of(CAT, {ROW: far}), options)
    assert len(found) == 1 and name in found[0].message
    assert abs(float(found[0].expected or 0) - expected) < 1e-6
    noted = run_check(CAT, "entrepreneurship_rate", dataset_of(CAT, {ROW: far}, {ROW: [key]}), options)
    only_a_note(noted, key, "recompute_from_conflict")
    # A zero or missing denominator leaves nothing to compare: no inf, no numpy warning.
    for none in (0.0, None):
        printed = {**row, "sc_entrepreneurship_rate": 5.0}
        if none is None:
            del printed[key]
        else:
            printed[key] = none
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert run_check(CAT, "entrepreneurship_rate", dataset_of(CAT, {ROW: printed}), options) == []


@covers("check", "equivalent_students_fallback")
@SETTINGS
@given(students=st.integers(1, 10**6), equivalent=st.none() | st.integers(1, 10**6), books=COUNT)
def test_per_student_ratios_say_when_they_fall_back_to_full_time_students(
    students: int, equivalent: int | None, books: int
) -> None:
    row = {
        "full_time_students": float(students),
        "cond_paper_books": float(books),
        "cond_equipment_value": 1.0,
    }
    if equivalent is not None:
        row["stu_equivalent"] = float(equivalent)
    found = run_check(CAT, "equivalent_students_fallback", dataset_of(CAT, {ROW: row}))
    if equivalent is None:
        assert sorted(f.indicators[0] for f in found) == ["生均图书", "生均教学科研仪器设备值（复算）"]
        assert all(f.severity == "info" for f in found)
    else:
        assert found == []


NUMBER_OPTIONS = sorted(
    (check_id, name)
    for check_id, check in CAT.checks.items()
    for name, default in check.options.items()
    if isinstance(default, float)
)


@SETTINGS
@given(option=st.sampled_from(NUMBER_OPTIONS), value=st.floats() | st.integers(-5, 5))
def test_a_number_option_out_of_range_is_a_config_error_naming_it(
    option: tuple[str, str], value: float
) -> None:
    check_id, name = option
    factor = name.endswith("_factor")  # factors are > 1, tolerances >= 0
    data = dataset_of(CAT, {ROW: {}})
    if math.isfinite(value) and (value > 1 if factor else value >= 0):
        assert run_check(CAT, check_id, data, {name: value}) == []
        return
    with pytest.raises(ConfigError) as raised:
        run_check(CAT, check_id, data, {name: value})
    what = "a finite number" if not math.isfinite(value) else "greater than 1" if factor else "at least 0"
    assert str(raised.value) == f"[checks] {name} must be {what}, not {value!r}"
