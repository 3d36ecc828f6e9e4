"""Each quirk of report text, from real lines of the seed reports (cited by
line number and read from ``examples/seeds``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
from vqr_metrics_plugins.readers.report.layout import (
    caption_of,
    is_footer,
    name_line,
    parse_header,
    parse_layout,
)
from vqr_metrics_plugins.readers.report.matching import select_table
from vqr_metrics_plugins.readers.report.reader import read_report
from vqr_metrics_plugins.readers.report.text import SourceLine, text_lines
from vqr_metrics_plugins.readers.report.title import read_head

from vqr_metrics.arrow import figure_objects
from vqr_metrics.catalog import Catalog
from vqr_metrics.model import Finding, InputSpec, ReadOutput
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"
_LINES = {p: p.read_text(encoding="utf-8").splitlines() for p in (GAOZHI, ZHONGZHI)}


def seed(path: Path, first: int, last: int | None = None) -> str:
    """Lines ``first``..``last`` of a seed report, as printed."""
    return "\n".join(_LINES[path][first - 1 : (last or first)]) + "\n"


def line(path: Path, number: int) -> SourceLine:
    return text_lines(seed(path, number))[0]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(make_plugin_manager(entry_points=False))


@pytest.fixture
def read(tmp_path: Path, catalog: Catalog) -> Callable[..., ReadOutput]:
    def read(text: str, **spec: object) -> ReadOutput:
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
        return read_report(InputSpec(str(path), **spec), catalog)  # type: ignore[arg-type]

    return read


def values(out: ReadOutput) -> dict[tuple[str, int], float]:
    return {(f.key, f.year): f.value for f in figure_objects(out.figures)}


def rules(out: ReadOutput) -> list[str]:
    return [f.rule for f in out.findings]


def assert_accounted(out: ReadOutput) -> None:
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)


# --- captions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "number", "table"),
    [
        (GAOZHI, 550, "scorecard"),  # 表 2.9 人才培养质量计分卡
        (GAOZHI, 1136, "scorecard"),  # 表 1 计分卡
        (ZHONGZHI, 967, "service_contribution"),  # 附表 3：服务贡献表
        (GAOZHI, 751, "core_faculty"),  # 表 3.4 内蒙古自治区师资队伍核心数据列表
        (ZHONGZHI, 326, None),  # 表5：中职学校对接六大产业集群情况
    ],
)
def test_caption_forms(catalog: Catalog, path: Path, number: int, table: str | None) -> None:
    printed = _LINES[path][number - 1].strip()
    assert caption_of(line(path, number)) == printed
    found, _ = select_table(catalog, printed)
    assert (found.key if found else None) == table


@pytest.mark.parametrize(
    ("path", "number"),
    [
        (GAOZHI, 114),  # 表目录
        (GAOZHI, 127),  # 表 2.9 人才培养质量计分卡.....<tab>16
        (GAOZHI, 141),  # 表 7.1 …经费情况表 7.2 内蒙古自治区科研服务 (a contents entry run together)
        (GAOZHI, 143),  # 表 1 计分卡.....<tab>42
        (ZHONGZHI, 128),  # 表 目 录
        (ZHONGZHI, 210),  # 附表 3：教学资源表.....<tab>71
    ],
)
def test_table_of_contents_is_not_a_caption(path: Path, number: int) -> None:
    assert caption_of(line(path, number)) is None


def test_caption_numbers_that_repeat_or_disagree_with_the_contents(read: Callable[..., ReadOutput]) -> None:
    # 000 prints two tables numbered 表 3.4; both are looked at, by name
    out = read(seed(GAOZHI, 691, 761), entity="内蒙古自治区")
    assert any(f.rule == "table_not_recognised" and "推荐参评" in f.message for f in out.findings)
    assert values(out)[("fac_full_time_teachers", 2022)] == 11500
    # 002's contents say 附表 3 is 教学资源表; the table printed as 附表 3 is 服务贡献表
    out = read(seed(ZHONGZHI, 210) + seed(ZHONGZHI, 967, 987), year=2023, entity="呼和浩特市")
    assert {f.provenance.table for f in figure_objects(out.figures)} == {"附表 3：服务贡献表"}
    assert values(out)[("svc_employed", 2023)] == 1173
    assert_accounted(out)


def test_unrecognised_table_is_one_finding_with_its_line(read: Callable[..., ReadOutput]) -> None:
    out = read(seed(GAOZHI, 171, 177))  # 表 1.1 …培育单位名单
    finding, nothing = out.findings
    assert finding.rule == "table_not_recognised" and finding.provenance[0].line == 1
    assert "4 rows (lines 1–7) were not read" in finding.message
    assert out.cells == 0
    assert (nothing.rule, nothing.severity) == ("no_tables", "warning")  # the input yields nothing


# --- entity, year, level ---------------------------------------------------------


def test_name_line_names_the_entity(read: Callable[..., ReadOutput]) -> None:
    assert name_line(line(GAOZHI, 1138)) is not None
    assert name_line(line(GAOZHI, 1138)).entity == "内蒙古自治区"  # type: ignore[union-attr]
    out = read(seed(GAOZHI, 1136, 1152))
    assert {f.entity for f in figure_objects(out.figures)} == {"内蒙古自治区"}
    assert {f.year for f in figure_objects(out.figures)} == {2023}  # from the 2023年 header
    assert out.entities["内蒙古自治区"]["code"] == "150000"
    assert "entity_inferred" not in rules(out)
    assert_accounted(out)


def test_entity_year_and_level_from_the_title(read: Callable[..., ReadOutput]) -> None:
    head = read_head(text_lines(seed(ZHONGZHI, 1, 40)))
    assert (head.entity, head.level, head.year) == ("呼和浩特市", "中职", 2023)
    head = read_head(text_lines(seed(GAOZHI, 1, 28)))
    assert (head.entity, head.level, head.year) == ("内蒙古自治区", None, 2023)
    out = read(seed(ZHONGZHI, 1, 40) + seed(ZHONGZHI, 935, 949))
    assert {(f.entity, f.year) for f in figure_objects(out.figures)} == {("呼和浩特市", 2023)}
    assert out.entities["呼和浩特市"]["level"] == "中职"
    inferred = [f for f in out.findings if f.rule.endswith("_inferred")]
    assert {f.rule for f in inferred} == {"entity_inferred", "year_inferred"}
    assert all(f.severity == "info" for f in inferred)
    # the input's entity, year and level come first, and nothing is said to be inferred
    out = read(seed(ZHONGZHI, 1, 40) + seed(ZHONGZHI, 935, 949), entity="某校", year=2024, level="高职")
    assert {(f.entity, f.year) for f in figure_objects(out.figures)} == {("某校", 2024)}
    assert out.entities["某校"]["level"] == "高职"
    assert not [f for f in out.findings if f.rule.endswith("_inferred")]


def test_no_entity_or_year_is_a_finding_per_cell(read: Callable[..., ReadOutput]) -> None:
    out = read(seed(ZHONGZHI, 935, 949))  # 附表 1 without the title page
    assert not out.figures
    assert rules(out) == ["no_entity"] * 12
    assert_accounted(out)


# --- headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "number", "roles", "years"),
    [
        (GAOZHI, 295, ("seq", "name", "value", "value"), (2023, 2022)),  # 2023 年 2022 年
        (GAOZHI, 509, ("name", "unit", "value", "value"), (2023, 2022)),  # 2023 2022
        (GAOZHI, 473, ("name", "unit", "value", "extra", "extra"), (None,)),  # 值 调查方式 调查人次
        (GAOZHI, 1140, ("seq", "name", "unit", "value"), (2023,)),  # 2023年
        (ZHONGZHI, 953, ("seq", "name", "unit", "value", "extra", "extra"), (None,)),
    ],
)
def test_header_variants(
    path: Path, number: int, roles: tuple[str, ...], years: tuple[int | None, ...]
) -> None:
    header = parse_header(line(path, number))
    assert tuple(c.role for c in header.columns) == roles
    assert tuple(c.year for c in header.of("value")) == years


def test_extra_columns_in_either_order(read: Callable[..., ReadOutput]) -> None:
    body = read(seed(GAOZHI, 1, 28) + seed(GAOZHI, 471, 485))  # 值 | 调查方式 | 调查人次
    appendix = read(seed(GAOZHI, 1154, 1170))  # 2023年 | 调查人次 | 调查方式
    for out in (body, appendix):
        got = values(out)
        assert got[("sat_students", 2023)] == 90.24
        assert got[("sat_students_respondents", 2023)] == 55637
        assert got[("sat_new_graduates_respondents", 2023)] == 28600
        assert out.cells == 24  # 调查方式 holds words, not figures: not a cell
        assert not [f for f in out.findings if f.cell]
    assert values(body) == values(appendix)


# --- rows ------------------------------------------------------------------------


def test_rows_without_seq_with_and_without_leading_tab(
    read: Callable[..., ReadOutput], catalog: Catalog
) -> None:
    assert _LINES[GAOZHI][1143 - 1].startswith("\t其中：毕业生升学人数")
    assert _LINES[GAOZHI][1202 - 1].startswith("接入国家智慧教育平台数量\t门\t63")
    out = read(seed(GAOZHI, 1136, 1152) + seed(GAOZHI, 1172, 1218))
    got = values(out)
    assert got[(catalog.resolve("毕业生升学人数"), 2023)] == 12024
    assert got[("res_quality_school_platform", 2023)] == 63  # line 1202
    assert got[("res_virtual_school_platform", 2023)] == 3  # line 1209
    lines = {f.key: f.provenance.line for f in figure_objects(out.figures)}
    assert lines["res_quality_school_platform"] == 17 + 31  # its line in the snippet
    assert_accounted(out)


def test_continuation_row_is_a_second_unit_of_the_row_above(read: Callable[..., ReadOutput]) -> None:
    assert _LINES[GAOZHI][1183 - 1] == "\t\t学时\t3534956"
    out = read(seed(GAOZHI, 1172, 1218))
    got = values(out)
    assert got[("res_courses", 2023)] == 28845
    assert got[("res_course_hours", 2023)] == 3534956
    assert got[("res_cert_course_hours", 2023)] == 285583
    assert got[("res_quality_course_hours", 2023)] == 172112.12


def test_repeated_names_land_on_their_rows(read: Callable[..., ReadOutput]) -> None:
    out = read(
        seed(GAOZHI, 604, 650), entity="内蒙古自治区"
    )  # 表 3.2: 接入国家智慧教育平台数量 ten times, 门 and 学时 twins
    got = values(out)
    assert got[("res_banks_national_platform", 2022)] == 12
    assert got[("res_banks_provincial_platform", 2022)] == 9967
    assert got[("res_banks_school_platform", 2022)] == 9
    assert got[("res_quality_national_platform", 2023)] == 28
    assert got[("res_virtual_school_platform", 2023)] == 3
    assert got[("res_textbooks_platform", 2023)] == 29
    assert got[("res_online_courses", 2022)] == 6042
    assert got[("res_online_course_hours", 2022)] == 489768
    assert len({f.key for f in figure_objects(out.figures)}) == 43


def test_page_break_blank_lines_inside_a_table(read: Callable[..., ReadOutput]) -> None:
    assert _LINES[ZHONGZHI][1032 - 1] == "" and _LINES[GAOZHI][621 - 1] == ""
    out = read(seed(ZHONGZHI, 989, 1035), entity="呼和浩特市", year=2023)
    assert values(out)[("res_backbone_bandwidth", 2023)] == 1407.88
    assert out.cells == 43
    out = read(seed(GAOZHI, 604, 650), entity="内蒙古自治区")
    assert values(out)[("res_banks_provincial", 2023)] == 31


def test_header_printed_again_after_a_page_break(read: Callable[..., ReadOutput]) -> None:
    text = seed(ZHONGZHI, 935, 944) + "\n" + seed(ZHONGZHI, 937) + seed(ZHONGZHI, 945, 949)
    out = read(text, entity="呼和浩特市", year=2023)
    assert out.cells == 12 and len(out.figures) == 12


@pytest.mark.parametrize(("path", "number"), [(GAOZHI, 307), (GAOZHI, 566)])
def test_footers_end_the_table(path: Path, number: int) -> None:
    footer = line(path, number)  # （数据来源：…） and (数据来源: …)
    assert is_footer(footer)
    layout = parse_layout(text_lines(seed(GAOZHI, 550, 566) + seed(GAOZHI, 317, 318)))
    (table,) = layout.tables
    assert table.last_line == 15 and len(table.rows) == 12
    assert len(layout.loose) == 1  # rows after the footer are not the table's


def test_truncated_name_is_read_and_said(catalog: Catalog, tmp_path: Path) -> None:
    # 000 表 3.6 prints 与企业共建开放型区域产教融合实践中 (中心 cut off); without the
    # template's alias for the cut form, the unambiguous start of a name is accepted.
    policy = catalog.tables["policy"]
    rows = tuple(
        attrs.evolve(r, aliases=[a for a in r.aliases if not r.name.startswith(a)]) for r in policy.rows
    )
    fixture = SimpleNamespace(register_tables=lambda register: register(attrs.evolve(policy, rows=rows)))
    builtins = tuple(p for p in DEFAULT_PLUGINS if p.endswith(("report.reader", "csv_reader")))
    trimmed = build_catalog(make_plugin_manager(builtins, entry_points=False, objects=[("policy", fixture)]))
    path = tmp_path / "report.txt"
    path.write_text(seed(GAOZHI, 765, 790), encoding="utf-8")
    out = read_report(InputSpec(str(path), entity="内蒙古自治区"), trimmed)
    got = values(out)
    assert got[("pol_practice_centres", 2023)] == 277
    assert got[("pol_certificate_holders", 2023)] == 47365
    truncated = [f for f in out.findings if f.rule == "truncated_name"]
    assert {f.provenance[0].raw for f in truncated} == {
        "职业技能等级证书（含职业资格证书）获",
        "与企业共建开放型区域产教融合实践中",
    }
    assert all(f.severity == "info" and f.provenance[0].line in (18, 20) for f in truncated)
    assert_accounted(out)


def test_row_matching_nothing_is_a_finding_per_value_cell(read: Callable[..., ReadOutput]) -> None:
    text = seed(GAOZHI, 550, 553) + "毕业生总人数\t人\t69684\t—\n" + seed(GAOZHI, 554, 564)
    out = read(text, entity="内蒙古自治区")
    unknown = [f for f in out.findings if f.rule == "unknown_indicator"]
    assert len(unknown) == 1 and unknown[0].cell and unknown[0].provenance[0].line == 5
    assert "毕业生总人数" in unknown[0].message and "did you mean" in unknown[0].message
    assert out.cells == 25 and len(out.figures) == 23  # the — of the unknown row holds no figure
    assert_accounted(out)


# --- cells -----------------------------------------------------------------------


def test_placeholders_and_garbage(read: Callable[..., ReadOutput]) -> None:
    assert _LINES[GAOZHI][522 - 1].endswith("\t—")
    assert _LINES[GAOZHI][610 - 1].endswith("\t——")
    assert _LINES[GAOZHI][774 - 1].endswith("\t")
    assert _LINES[GAOZHI][649 - 1].endswith("\t96?")
    out = read(
        seed(GAOZHI, 507, 529) + seed(GAOZHI, 604, 650) + seed(GAOZHI, 765, 789), entity="内蒙古自治区"
    )
    by_raw: dict[str, list[Finding]] = {}
    for f in out.findings:
        if f.cell:
            by_raw.setdefault(f.provenance[0].raw, []).append(f)
    assert {f.rule for f in by_raw["—"]} == {"missing_value"}
    assert {f.rule for f in by_raw["——"]} == {"missing_value"}
    assert {f.rule for f in by_raw[""]} == {"missing_value"}
    assert all(f.severity == "info" for raw in ("—", "——", "") for f in by_raw[raw])
    (garbage,) = by_raw["96?"]
    assert garbage.rule == "unparsable_value" and garbage.severity == "error"
    assert garbage.indicators == ("生均校内实践教学工位数",)
    assert_accounted(out)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("69,684", 69684),  # thousands separator
        ("６９６８４", 69684),  # full-width digits
        ("69684", 69684),
    ],
)
def test_number_forms(read: Callable[..., ReadOutput], printed: str, value: float) -> None:
    row = seed(GAOZHI, 553).replace("69684", printed)  # 毕业生人数 人 69684 65283
    out = read(seed(GAOZHI, 550, 552) + row, entity="内蒙古自治区")
    assert values(out)[("sc_graduates", 2023)] == value


@pytest.mark.parametrize(("printed", "value"), [("17.25%", 17.25), ("12.4 : 1", 12.4), ("12.4:1", 12.4)])
def test_percent_and_ratio_forms(read: Callable[..., ReadOutput], printed: str, value: float) -> None:
    # 生师比 printed as on 000 line 607, and as 002's prose prints it (line 238: 生师比 12.4 : 1)
    row = seed(GAOZHI, 607).replace("17.25", printed)
    out = read(seed(GAOZHI, 604, 606) + row, entity="内蒙古自治区")
    assert values(out)[("student_teacher_ratio", 2023)] == value


def test_level_only_from_title_or_input(read: Callable[..., ReadOutput]) -> None:
    out = read(seed(GAOZHI, 1, 28) + seed(GAOZHI, 550, 564))
    assert "level" not in out.entities.get("内蒙古自治区", {})
    out = read(seed(GAOZHI, 1, 28) + seed(GAOZHI, 550, 564), level="高职")
    assert out.entities["内蒙古自治区"]["level"] == "高职"


def test_every_reader_is_chosen_by_suffix(catalog: Catalog, tmp_path: Path) -> None:
    from vqr_metrics.api import reader_for

    for suffix, reader in ((".txt", "report_text"), (".csv", "csv"), (".xlsx", "xlsx"), (".json", "json")):
        path = tmp_path / f"input{suffix}"
        path.write_bytes(b"PK\x03\x04" if suffix == ".xlsx" else b"{}")
        assert reader_for(InputSpec(str(path)), catalog).id == reader


def test_page_number_and_subtitle_inside_a_table_are_said(read: Callable[..., ReadOutput]) -> None:
    # 附表 1 of 002 with a subtitle under the caption and a page footer "— 69 —" between rows
    text = (
        seed(ZHONGZHI, 935)
        + "（单位：人）\n"
        + seed(ZHONGZHI, 936, 943)
        + "\n— 69 —\n\n"
        + seed(ZHONGZHI, 944, 949)
    )
    out = read(text, entity="呼和浩特市", year=2023)
    assert out.cells == 12 and len(out.figures) == 12
    notes = [f.message for f in out.findings if f.rule == "table_layout"]
    assert len(notes) == 2
    assert "（单位：人）" in notes[0] and "'— 69 —' read as a page number" in notes[1]


def test_blank_top_left_cell_heads_the_names() -> None:
    # 表 2.2 of 000 (line 317) with its top-left header cell left empty
    header = parse_header(SourceLine(317, ("", "2023", "2022")))
    assert [(c.index, c.role) for c in header.columns] == [(0, "name"), (1, "value"), (2, "value")]
