"""The engine end to end on a tiny plugin: inputs, merging, metrics, checks."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from tests.support.plugins import tiny
from vqr_metrics.catalog import Catalog
from vqr_metrics.errors import FormulaError, PluginError
from vqr_metrics.model import Indicator, Metric, Table
from vqr_metrics.testing import ConfigBuilder, make_catalog

CORE = (
    "vqr_metrics_plugins.readers.csv_reader",
    "vqr_metrics_plugins.writers.text_writers",
    "vqr_metrics_plugins.metrics.year_over_year",
)


def tiny_catalog(*extra: object) -> Catalog:
    return make_catalog(tiny, *extra, builtins=CORE)


def run_tiny(vqr_config: ConfigBuilder, rows: list[list[object]], *extra: object, **sections: object):  # type: ignore[no-untyped-def]
    path = vqr_config.csv("data.csv", [["entity", "year", "indicator", "value"], *rows])
    vqr_config.add_input(path)
    return vqr_config.run(tiny, *extra, builtins=CORE, **sections)


def test_metrics_are_computed_column_wise(vqr_config: ConfigBuilder) -> None:
    result = run_tiny(
        vqr_config,
        [
            ["甲校", 2023, "测试在校生数", 1200],
            ["甲校", 2023, "测试教师数", 80],
            ["甲校", 2023, "“双师”测试教师数", 40],
            ["甲校", 2023, "测试经费", "1,234.5"],
            ["乙校", 2023, "测试学生数", 900],
            ["乙校", 2023, "tiny_teachers", 0],
        ],
    )
    assert result.value("甲校", 2023, "生师比（测试）") == 15
    assert result.value("甲校", 2023, "tiny_dual_share") == 50
    assert result.value("甲校", 2023, "生均测试经费（测试）") == pytest.approx(12345000 / 1200)
    assert result.value("乙校", 2023, "tiny_ratio") is None
    zero = [f for f in result.findings if f.rule == "zero_denominator"]
    assert [(f.entity, f.indicators[0]) for f in zero] == [("乙校", "生师比（测试）")]
    missing = {(f.entity, f.indicators[0]) for f in result.findings if f.rule == "missing_input"}
    assert ("乙校", "双师比例（测试）") in missing
    assert ("乙校", "生均测试经费（测试）") in missing


def test_null_never_leaves_as_nan_or_inf(vqr_config: ConfigBuilder) -> None:
    result = run_tiny(vqr_config, [["甲校", 2023, "测试在校生数", 10], ["甲校", 2023, "测试教师数", 0]])
    text = json.dumps(result.to_records(), allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text


def test_year_over_year_metrics(vqr_config: ConfigBuilder) -> None:
    result = run_tiny(
        vqr_config,
        [
            ["甲校", 2023, "测试在校生数", 1100],
            ["甲校", 2022, "测试在校生数", 1000],
            ["甲校", 2021, "测试在校生数", 0],
        ],
    )
    assert result.value("甲校", 2023, "tiny_students_yoy") == pytest.approx(10)
    assert result.value("甲校", 2023, "测试在校生数同比增长率") == pytest.approx(10)
    assert result.value("甲校", 2022, "tiny_students_yoy") is None  # 2021 was zero
    assert result.value("甲校", 2021, "tiny_students_yoy") is None  # no 2020: not an error
    yoy = [f for f in result.findings if f.indicators[:1] == ("测试在校生数同比增长率",)]
    assert [(f.year, f.rule) for f in yoy] == [(2022, "zero_denominator")]


def test_metrics_use_metrics_in_dependency_order() -> None:
    class Chain:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            # registered before what it depends on: order comes from the graph
            register(Metric("tiny_c", "丙", "tiny_b * 2"))
            register(Metric("tiny_b", "乙", "tiny_ratio + 1"))

    catalog = tiny_catalog(Chain)
    order = catalog.metric_order()
    assert order.index("tiny_ratio") < order.index("tiny_b") < order.index("tiny_c")


def test_cycle_is_reported_by_its_members() -> None:
    class Cycle:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_x", "X", "tiny_y + 1"))
            register(Metric("tiny_y", "Y", "tiny_z + 1"))
            register(Metric("tiny_z", "Z", "tiny_x + 1"))

    with pytest.raises(FormulaError, match="cycle: tiny_x -> tiny_y -> tiny_z -> tiny_x"):
        tiny_catalog(Cycle)


def test_unknown_name_gets_did_you_mean() -> None:
    class Typo:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_typo", "错字", "在校生人数 / 测试教师数"))

    with pytest.raises(
        FormulaError, match=r"unknown indicator or metric '在校生人数' \(did you mean: 测试在校生数"
    ):
        tiny_catalog(Typo)


def test_ambiguous_chinese_name_asks_for_a_key() -> None:
    class Twin:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            register(Table("tiny_two", "另一表", [Indicator("tiny_other_teachers", "测试教师数", "人")]))

    with pytest.raises(
        FormulaError, match="ambiguous; use one of the keys tiny_other_teachers, tiny_teachers"
    ):
        tiny_catalog(Twin)


def test_mixed_units_are_rejected() -> None:
    class Mixed:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_mixed", "混合", "测试在校生数 + 测试经费"))

    with pytest.raises(FormulaError, match="mixes units '人' and '万元'"):
        tiny_catalog(Mixed)


def test_duplicate_ids_name_both_plugins() -> None:
    class Again:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_ratio", "重复", "1"))

    with pytest.raises(
        PluginError, match=r"duplicate metric id 'tiny_ratio': registered by plugin .*tiny.* and by"
    ):
        tiny_catalog(Again)


def test_metric_key_may_not_reuse_an_indicator_key() -> None:
    class Shadow:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_students", "影子", "1"))

    with pytest.raises(PluginError, match="duplicate metric id 'tiny_students'"):
        tiny_catalog(Shadow)


def test_twins_merge_and_conflicts_name_both_sources(vqr_config: ConfigBuilder) -> None:
    class Twin:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            row = Indicator("tiny_students_core", "在校生总数", "人", same_as="tiny_students")
            register(Table("tiny_core", "核心表", [row]))

    a = vqr_config.csv(
        "a.csv", [["entity", "year", "测试在校生数"], ["甲校", 2023, "1200.4"], ["乙校", 2023, 10]]
    )
    b = vqr_config.csv(
        "b.csv", [["entity", "year", "在校生总数"], ["甲校", 2023, "1200"], ["乙校", 2023, 12]]
    )
    vqr_config.add_input(a).add_input(b)
    result = vqr_config.run(tiny, Twin, builtins=CORE)
    assert result.value("甲校", 2023, "测试在校生数") == 1200.4  # within print rounding of 1200
    assert result.value("甲校", 2023, "在校生总数") == 1200.4  # the twin resolves to the same value
    conflicts = [f for f in result.findings if f.rule == "source_conflict"]
    assert len(conflicts) == 1
    (conflict,) = conflicts
    assert conflict.entity == "乙校" and (conflict.expected, conflict.actual) == (10, 12)
    assert {p.file for p in conflict.provenance} == {str(a), str(b)}
    assert "a.csv (line 3, column 测试在校生数) prints 10" in conflict.message
    assert "b.csv (line 3, column 在校生总数) prints 12" in conflict.message
    # what rests on the conflicted figure says so; what does not, does not
    flagged = {(v.entity, v.key) for v in result.values if v.conflicted}
    assert ("乙校", "tiny_students") in flagged
    assert ("甲校", "tiny_students") not in flagged
    assert conflict.indicators == ("测试在校生数", "在校生总数")


def test_checks_get_their_options_from_the_config(vqr_config: ConfigBuilder) -> None:
    rows: list[list[object]] = [["甲校", 2023, "测试教师数", 10], ["甲校", 2023, "“双师”测试教师数", 15]]
    result = run_tiny(vqr_config, rows)
    assert [f.rule for f in result.findings if f.rule.startswith("tiny_")] == ["tiny_dual_above_teachers"]
    again = ConfigBuilder(vqr_config.folder / "again")
    result = run_tiny(again, rows, checks={"factor": 2.0})
    assert not [f for f in result.findings if f.rule.startswith("tiny_")]
    result = run_tiny(ConfigBuilder(vqr_config.folder / "off"), rows, checks={"disable": ["tiny_dual_bound"]})
    assert not [f for f in result.findings if f.rule.startswith("tiny_")]


def test_summary_accounts_for_every_cell(vqr_config: ConfigBuilder) -> None:
    result = run_tiny(
        vqr_config,
        [
            ["甲校", 2023, "测试在校生数", 10],
            ["甲校", 2023, "测试教师数", "—"],
            ["甲校", 2023, "不存在", 1],
            ["甲校", 2023, "测试经费", "96?"],
        ],
    )
    s = result.summary
    assert s.cells == 4 and s.figures == 1 and s.cell_findings == 3
    assert s.cells == s.figures + s.cell_findings
    rules = {f.rule: f.severity for f in result.findings if f.cell}
    assert rules == {"missing_value": "info", "unknown_indicator": "error", "unparsable_value": "error"}


def test_values_carry_provenance(vqr_config: ConfigBuilder) -> None:
    result = run_tiny(vqr_config, [["甲校", 2023, "测试在校生数", "1,200"]])
    (value,) = [v for v in result.values if v.key == "tiny_students"]
    assert value.value == 1200 and not value.derived
    (prov,) = value.provenance
    assert prov.line == 2 and prov.raw == "1,200" and prov.file.endswith("data.csv")
    assert not math.isnan(value.value or 0)


def test_conflicts_propagate_to_what_is_computed_from_them(vqr_config: ConfigBuilder) -> None:
    a = vqr_config.csv("a.csv", [["entity", "year", "测试在校生数", "测试教师数"], ["乙校", 2023, 100, 10]])
    b = vqr_config.csv(
        "b.csv", [["entity", "year", "测试在校生数"], ["乙校", 2023, 120], ["乙校", 2024, 130]]
    )
    result = vqr_config.add_input(a).add_input(b).run(tiny, builtins=CORE)
    flagged = {(v.year, v.key) for v in result.values if v.conflicted}
    assert {(2023, "tiny_students"), (2023, "tiny_ratio"), (2024, "tiny_students_yoy")} <= flagged
    assert (2024, "tiny_students") not in flagged


def test_labels_qualify_repeated_names_and_are_accepted_as_names() -> None:
    class Repeated:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            register(
                Table(
                    "tiny_levels",
                    "层级表",
                    [
                        Indicator("tiny_national", "国家级数量", "个"),
                        Indicator("tiny_national_platform", "接入平台数量", "个", parent="tiny_national"),
                        Indicator("tiny_provincial", "省级数量", "个"),
                        Indicator("tiny_provincial_platform", "接入平台数量", "个", parent="tiny_provincial"),
                    ],
                )
            )

    catalog = tiny_catalog(Repeated)
    assert catalog.label("tiny_provincial_platform") == "省级数量—接入平台数量"
    assert catalog.label("tiny_provincial_platform_yoy") == "省级数量—接入平台数量同比增长率"
    assert catalog.resolve("省级数量—接入平台数量") == "tiny_provincial_platform"
    assert catalog.label("tiny_national") == "国家级数量"


def test_a_metric_needs_a_name_of_its_own() -> None:
    class Same:
        @staticmethod
        def register_metrics(register: Callable[[Metric], None]) -> None:
            register(Metric("tiny_other_ratio", "生师比（测试）", "测试在校生数 / 测试教师数"))

    with pytest.raises(
        PluginError, match=r"name '生师比\(测试\)' of 'tiny_other_ratio' .* is already the name"
    ):
        tiny_catalog(Same)

    class IndicatorNamedLikeAMetric:
        @staticmethod
        def register_indicators(register: Callable[[Indicator], None]) -> None:
            register(Indicator("tiny_printed_ratio", "生师比（测试）", ":1", table="测试表"))

    with pytest.raises(PluginError, match="a metric needs a name of its own"):
        tiny_catalog(IndicatorNamedLikeAMetric)


def test_repeated_indicator_names_are_allowed_but_table_names_are_not() -> None:
    class Repeat:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            register(Table("tiny_repeat", "重复表", [Indicator("tiny_platform_a", "平台数量", "个")]))
            register(Table("tiny_repeat2", "重复表二", [Indicator("tiny_platform_b", "平台数量", "个")]))

    catalog = tiny_catalog(Repeat)
    assert {"tiny_platform_a", "tiny_platform_b"} <= set(catalog.indicators)
    assert catalog.label("tiny_platform_b") == "平台数量（重复表二）"

    class SameCaption:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            register(Table("tiny_again", "另一个表", [], aliases=("小表",)))

    with pytest.raises(
        PluginError, match=r"table name '小表' of 'tiny_again' .* is already used by table 'tiny'"
    ):
        tiny_catalog(SameCaption)


def test_a_table_nobody_supplied_gives_one_finding_per_metric_and_year(vqr_config: ConfigBuilder) -> None:
    rows: list[list[object]] = [[f"学校{n}", 2023, "测试教师数", 10 + n] for n in range(30)]
    result = run_tiny(vqr_config, [*rows, ["学校0", 2023, "测试在校生数", 100]])
    missing = [
        f for f in result.findings if f.rule == "missing_input" and f.indicators[0] == "生师比（测试）"
    ]
    assert len(missing) == 29  # one school reported students: the others are told one by one
    other = ConfigBuilder(vqr_config.folder / "none")
    result = run_tiny(other, rows)
    (summary,) = [
        f for f in result.findings if f.rule == "missing_input" and f.indicators[0] == "生师比（测试）"
    ]
    assert summary.entity is None and "any of the 30 entities of 2023" in summary.message
