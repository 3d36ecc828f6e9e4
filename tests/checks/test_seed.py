"""The errors the two seed reports really contain are found, each finding
naming the entity, year, table, indicators, values and tolerance."""

from __future__ import annotations

import warnings

import pytest

from tests.support.seeds import GAOZHI_ENTITY as NM
from tests.support.seeds import TABLE_PLUGINS, SeedRun, run_seed
from tests.support.seeds import ZHONGZHI_ENTITY as HH
from vqr_metrics.errors import ConfigError
from vqr_metrics.model import Finding
from vqr_metrics.testing import ConfigBuilder

MY_RULES = {
    "relation_partition",
    "relation_subset",
    "relation_other_unit",
    "percent_range",
    "non_negative",
    "whole_counts",
    "metric_bounds",
    "yoy_jump",
    "recompute_student_teacher_ratio",
    "recompute_dual_qualified_share",
    "recompute_senior_title_share",
    "satisfaction_groups",
    "entrepreneurship_rate",
    "equivalent_students_fallback",
    "recompute_from_conflict",
    "compared_with_conflict",
}


@pytest.fixture(scope="module")
def zhongzhi() -> SeedRun:
    return run_seed("zhongzhi")


@pytest.fixture(scope="module")
def gaozhi() -> SeedRun:
    return run_seed("gaozhi")


def one(findings: list[Finding], year: int, first: str) -> Finding:
    found = [f for f in findings if f.year == year and f.indicators and f.indicators[0] == first]
    assert len(found) == 1, [f.message for f in findings]
    return found[0]


def test_zhongzhi_school_level_banks_exceed_all_banks(zhongzhi: SeedRun) -> None:
    finding = one(zhongzhi.rule("relation_partition"), 2023, "专业教学资源库数")
    assert (finding.severity, finding.entity, finding.table) == ("error", HH, "教学资源表")
    assert (finding.expected, finding.actual, finding.tolerance) == (48, 1 + 0 + 1654, 0)
    assert "专业教学资源库数—校级数量 1654" in finding.message
    assert finding.provenance[0].table == "附表 4：教学资源表"


def test_zhongzhi_students_in_schools_abroad_it_does_not_have(zhongzhi: SeedRun) -> None:
    finding = one(zhongzhi.rule("relation_other_unit"), 2023, "在国外开办学校数")
    assert finding.indicators == ("在国外开办学校数", "在国外开办学校数—在校生数")
    assert (finding.severity, finding.expected, finding.actual) == ("error", 0, 1)


def test_zhongzhi_other_contradictions(zhongzhi: SeedRun) -> None:
    quality = one(zhongzhi.rule("relation_partition"), 2023, "在线精品课程数（门）")
    assert (quality.expected, quality.actual) == (22, 26)
    subsets = {(f.indicators[1], f.expected, f.actual) for f in zhongzhi.rule("relation_subset")}
    assert subsets == {
        ("专业教学资源库数—国家级数量—接入国家智慧教育平台数量", 1, 2),
        ("专业教学资源库数—省级数量—接入国家智慧教育平台数量", 0, 1),
    }


def test_zhongzhi_printed_ratio_vs_recomputation(zhongzhi: SeedRun) -> None:
    finding = one(zhongzhi.rule("recompute_student_teacher_ratio"), 2023, "生师比")
    assert finding.severity == "warning"
    assert finding.actual == 12.40
    assert finding.expected == pytest.approx(24069 / 1854)
    assert finding.tolerance == 0.5
    assert "全日制在校生人数" in finding.indicators and "专任教师总数" in finding.indicators


def test_gaozhi_2022_school_level_banks(gaozhi: SeedRun) -> None:
    finding = one(gaozhi.rule("relation_partition"), 2022, "专业教学资源库数")
    assert (finding.expected, finding.actual) == (2253, 7 + 115 + 22535)
    assert finding.provenance[0].table == "表 3.2 教学资源表"


def test_gaozhi_standards_parts_exceed_the_total(gaozhi: SeedRun) -> None:
    finding = one(gaozhi.rule("relation_partition"), 2023, "开发并被国外采用的职业教育标准数量")
    assert (finding.severity, finding.expected, finding.actual, finding.table) == (
        "error",
        74,
        12 + 68,
        "国际影响表",
    )
    assert finding.indicators[1:] == ("专业标准", "课程标准")


def test_gaozhi_virtual_bases_and_platform_counts(gaozhi: SeedRun) -> None:
    virtual = one(gaozhi.rule("relation_partition"), 2023, "虚拟仿真实训基地数")
    assert (virtual.expected, virtual.actual) == (122, 4 + 5 + 130)
    subset = one(gaozhi.rule("relation_subset"), 2023, "在线精品课程数（门）—国家级数量")
    assert (subset.expected, subset.actual) == (16, 28)


@pytest.mark.parametrize(
    ("names", "tables", "values"),
    [
        (
            ("专任教师总数", "专任教师数"),
            ("表 3.6 落实政策表", "表 3.4 内蒙古自治区师资队伍核心数据列表"),
            (8668, 11500),
        ),
        (
            ("纵向科研经费到款额", "纵向科研经费到账"),
            ("表 2.7 服务贡献表", "表 7.2 内蒙古自治区科研服务核心数据列表"),
            (1523.10, 18447.90),
        ),
    ],
)
def test_gaozhi_twins_that_disagree_in_2022(
    gaozhi: SeedRun, names: tuple[str, str], tables: tuple[str, str], values: tuple[float, float]
) -> None:
    finding = one(gaozhi.rule("source_conflict"), 2022, names[0])
    assert finding.indicators == names
    assert (finding.expected, finding.actual) == values
    for table in tables:
        assert table in finding.message and table in (finding.table or "")
    assert f"{values[0]:.2f}".rstrip("0").rstrip(".") in finding.message


def test_gaozhi_twins_agreeing_within_print_rounding_are_no_conflict(gaozhi: SeedRun) -> None:
    # 在线精品课程数 学时: the body prints 172112.1, the appendix 172112.12.
    assert {f.year for f in gaozhi.rule("source_conflict")} == {2022}
    assert len(gaozhi.rule("source_conflict")) == 2


def test_gaozhi_missing_and_garbled_cells(gaozhi: SeedRun) -> None:
    missing = [f for f in gaozhi.rule("missing_value") if f.year == 2022]
    assert all(f.severity == "info" and f.cell for f in missing)
    assert "专利转让数量" in {f.indicators[0] for f in missing}
    garbled = gaozhi.rule("unparsable_value")
    assert [(f.severity, f.year, f.actual) for f in garbled] == [("error", 2022, "96?")]


def test_gaozhi_published_shares_vs_core_tables(gaozhi: SeedRun) -> None:
    dual = one(gaozhi.rule("recompute_dual_qualified_share"), 2023, "双师素质专任教师比例")
    assert (dual.severity, dual.actual, dual.tolerance) == ("warning", 48.77, 1.0)
    assert dual.expected == pytest.approx(6452 / 12200 * 100)
    assert "专任教师“双师”人数" in dual.indicators
    senior = one(gaozhi.rule("recompute_senior_title_share"), 2023, "高级专业技术职务专任教师比例")
    assert senior.expected == pytest.approx(4366 / 12200 * 100)


def test_gaozhi_year_over_year_jumps(gaozhi: SeedRun) -> None:
    jumps = {f.indicators[0]: f for f in gaozhi.rule("yoy_jump")}
    jump = jumps["专业教学资源库数—校级数量"]
    assert (jump.severity, jump.year, jump.expected, jump.actual, jump.tolerance) == (
        "warning",
        2023,
        22535,
        2464,
        3,
    )
    fewer = run_seed("gaozhi", {"yoy_jump_factor": 20})
    assert {f.indicators[0] for f in fewer.rule("yoy_jump")} < set(jumps)


def test_every_finding_of_these_checks_says_where_and_what(gaozhi: SeedRun, zhongzhi: SeedRun) -> None:
    findings = [f for run in (gaozhi, zhongzhi) for f in run.findings if f.rule in MY_RULES]
    assert findings
    for f in findings:
        assert f.entity in (NM, HH) and f.year in (2022, 2023)
        assert f.table and f.indicators and f.message.startswith(f"{f.entity} {f.year}: ")
        if f.severity != "info":
            assert f.expected is not None and f.actual is not None and f.tolerance is not None


def test_no_check_reports_a_consistent_satisfaction_table(gaozhi: SeedRun, zhongzhi: SeedRun) -> None:
    # Both seeds' group figures are within 3 points of their sub-rows' weighted mean.
    assert gaozhi.rule("satisfaction_groups") == zhongzhi.rule("satisfaction_groups") == []
    strict = run_seed("zhongzhi", {"satisfaction_tolerance": 1.0})
    students = one(strict.rule("satisfaction_groups"), 2023, "在校生满意度")
    assert students.expected == pytest.approx((80.92 + 80.41 + 84.85 + 83.18 + 84.05) / 5, abs=1e-4)
    assert students.actual == 80.07


def test_checks_options_come_from_the_config(vqr_config: ConfigBuilder) -> None:
    rows = [
        ["entity", "year", "indicator", "value"],
        ["甲校", 2022, "全日制在校生人数", 1000],
        ["甲校", 2023, "全日制在校生人数", 3500],
    ]
    vqr_config.add_input(vqr_config.csv("data.csv", rows))
    warned = vqr_config.run(builtins=TABLE_PLUGINS, checks={"yoy_jump_factor": 3})
    assert [f.actual for f in warned.findings if f.rule == "yoy_jump"] == [3500]
    quiet = vqr_config.run(builtins=TABLE_PLUGINS, checks={"yoy_jump_factor": 4})
    assert [f for f in quiet.findings if f.rule == "yoy_jump"] == []


def test_entrepreneurship_denominator_must_name_an_input_indicator(vqr_config: ConfigBuilder) -> None:
    rows = [["entity", "year", "indicator", "value"], ["甲校", 2023, "毕业生人数", 100]]
    vqr_config.add_input(vqr_config.csv("data.csv", rows))
    with pytest.raises(
        ConfigError, match=r"^<python>: \[checks\] entrepreneurship_denominator: .*毕业生人.*did you mean"
    ):
        vqr_config.run(builtins=TABLE_PLUGINS, checks={"entrepreneurship_denominator": "毕业生人"})
    with pytest.raises(ConfigError) as metric:
        vqr_config.run(builtins=TABLE_PLUGINS, checks={"entrepreneurship_denominator": "毕业去向落实率"})
    message = str(metric.value)
    assert message.startswith(
        "<python>: [checks] entrepreneurship_denominator must name an input indicator, "
        "not the metric '毕业去向落实率'"
    )
    assert "(did you mean: " in message and "毕业去向落实人数" in message and "\n" not in message
    result = vqr_config.run(
        builtins=TABLE_PLUGINS, checks={"entrepreneurship_denominator": "毕业去向落实人数"}
    )
    assert not [f for f in result.findings if f.rule == "entrepreneurship_rate"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("yoy_jump_factor", 0, "[checks] yoy_jump_factor must be greater than 1, not 0"),
        ("yoy_jump_factor", -1, "[checks] yoy_jump_factor must be greater than 1, not -1"),
        ("yoy_jump_factor", 1.0, "[checks] yoy_jump_factor must be greater than 1, not 1.0"),
        ("share_tolerance", -0.5, "[checks] share_tolerance must be at least 0, not -0.5"),
        ("satisfaction_tolerance", -3, "[checks] satisfaction_tolerance must be at least 0, not -3"),
    ],
)
def test_an_option_out_of_range_is_a_one_line_config_error(
    vqr_config: ConfigBuilder, option: str, value: float, message: str
) -> None:
    rows = [
        ["entity", "year", "indicator", "value"],
        ["甲校", 2022, "全日制在校生人数", 1000],
        ["甲校", 2023, "全日制在校生人数", 1100],
    ]
    vqr_config.add_input(vqr_config.csv("data.csv", rows))
    with pytest.raises(ConfigError) as raised:
        vqr_config.run(builtins=TABLE_PLUGINS, checks={option: value})
    assert str(raised.value) == f"<python>: {message}"  # the config it comes from, then the key


def test_a_zero_entrepreneurship_denominator_gives_no_inf_and_no_numpy_warning(
    vqr_config: ConfigBuilder,
) -> None:
    rows = [
        ["entity", "year", "indicator", "value"],
        ["甲校", 2023, "毕业生人数", 0],
        ["甲校", 2023, "自主创业人数", 5],
        ["甲校", 2023, "自主创业率", 3],
    ]
    vqr_config.add_input(vqr_config.csv("data.csv", rows))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would fail the run
        result = vqr_config.run(builtins=TABLE_PLUGINS)
    assert [f for f in result.findings if f.rule == "entrepreneurship_rate"] == []
    assert not [f for f in result.findings if "inf" in f.message.split()]
    # The contradiction itself is still reported, once, by the relation it breaks.
    assert [f.actual for f in result.findings if f.rule == "relation_subset"] == [5]


RECOMPUTED_2022 = {  # check: (printed rate, numerator over 专任教师总数, factor)
    "recompute_student_teacher_ratio": ("生师比", "full_time_students", 1),
    "recompute_dual_qualified_share": ("双师素质专任教师比例", "fac_dual_qualified", 100),
    "recompute_senior_title_share": ("高级专业技术职务专任教师比例", "fac_senior_title", 100),
}


def test_gaozhi_2022_recomputations_from_the_conflicting_teacher_count_are_notes(gaozhi: SeedRun) -> None:
    # 落实政策表 prints 专任教师总数 8668, 师资队伍 11500; the source_conflict error
    # reports that, and the three recomputations using it only say so.
    notes = {f.indicators[0]: f for f in gaozhi.rule("recompute_from_conflict")}
    assert set(notes) == {name for name, _, _ in RECOMPUTED_2022.values()}
    for check_id, (name, numerator, factor) in RECOMPUTED_2022.items():
        assert [f.year for f in gaozhi.rule(check_id)] == [2023]
        note = notes[name]
        assert (note.severity, note.year, note.entity) == ("info", 2022, NM)
        assert "专任教师总数" in note.indicators
        assert "not a warning: it rests on 专任教师总数, whose sources disagree" in note.message
        part = gaozhi.value(NM, 2022, numerator) or 0.0
        with_each = f"with 8668 it gives {part / 8668 * factor:.4g} (kept), "
        assert with_each + f"with 11500 it gives {part / 11500 * factor:.4g}" in note.message


def test_check_messages_name_rows_by_their_qualified_labels(gaozhi: SeedRun, zhongzhi: SeedRun) -> None:
    catalog = gaozhi.catalog
    labels = sorted(
        {catalog.label(k) for k in [*catalog.indicators, *catalog.metrics]}, key=len, reverse=True
    )
    shared = {ind.name for key, ind in catalog.indicators.items() if catalog.label(key) != ind.name}
    findings = [f for run in (gaozhi, zhongzhi) for f in run.findings if f.rule in MY_RULES]
    assert shared and findings
    for finding in findings:
        assert set(finding.indicators) <= set(labels), finding.indicators
        rest = finding.message
        for label in labels:
            rest = rest.replace(label, "§")
        assert not [name for name in shared if name in rest], finding.message
