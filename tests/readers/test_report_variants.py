"""Reports other than the two seeds: a school's report, other years, other
caption, header and cell forms, tables copied out of a PDF with spaces for
tabs.  Each variant is built from real lines of the seeds, edited as other
reports of the same Ministry template print them, and must read with the
right entity, year and level, every value on its indicator and every cell
accounted for."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from vqr_metrics_plugins.readers.report.reader import read_report

from vqr_metrics import Config, run
from vqr_metrics.arrow import figure_objects
from vqr_metrics.catalog import Catalog
from vqr_metrics.model import Finding, InputSpec, ReadOutput
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"
_LINES = {p: p.read_text(encoding="utf-8").splitlines() for p in (GAOZHI, ZHONGZHI)}
SCHOOL = "内蒙古机电职业技术学院"

# 000's six appendix tables (lines 1136-1292): 表 1 计分卡 … 表 6 落实政策表, each
# under 名称：内蒙古自治区(150000) and a 2023年 header; figure cells per table.
APPENDIX = (1136, 1292)
APPENDIX_CELLS = 12 + 12 * 2 + 42 + 16 + 18 + 22
# 002's 附表 1：人才培养质量计分卡 (lines 935-949): 序号 | 指标 | 单位 | 值, 12 rows.
SCORECARD_002 = (935, 949)


def seed(path: Path, first: int, last: int | None = None) -> list[str]:
    """Lines ``first``..``last`` of a seed report, as printed."""
    return _LINES[path][first - 1 : (last or first)]


def text(*parts: str | Iterable[str]) -> str:
    lines: list[str] = []
    for part in parts:
        lines.extend([part] if isinstance(part, str) else part)
    return "\n".join(lines) + "\n"


def as_school(lines: Iterable[str], name_line: str | None, year: str) -> list[str]:
    """000's appendix as a school prints it: its own 名称 line (or none), its year."""
    out = []
    for line in lines:
        if line.startswith("名称："):
            if name_line is None:
                continue
            line = name_line
        out.append(line.replace("2023年", year))
    return out


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(make_plugin_manager(entry_points=False))


@pytest.fixture
def read(tmp_path: Path, catalog: Catalog) -> Callable[..., ReadOutput]:
    def read(report: str, **spec: object) -> ReadOutput:
        path = tmp_path / "report.txt"
        path.write_text(report, encoding="utf-8")
        return read_report(InputSpec(str(path), **spec), catalog)  # type: ignore[arg-type]

    return read


def values(out: ReadOutput) -> dict[tuple[str, int], float]:
    return {(f.key, f.year): f.value for f in figure_objects(out.figures)}


def errors(out: ReadOutput) -> list[Finding]:
    return [f for f in out.findings if f.severity == "error"]


def assert_read(out: ReadOutput, cells: int, entity: str, years: set[int]) -> None:
    """Every cell a figure or a finding, all of one entity and the years printed."""
    assert out.cells == cells
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)
    assert {f.entity for f in figure_objects(out.figures)} == {entity}
    assert {f.year for f in figure_objects(out.figures)} == years


# --- a school's report ----------------------------------------------------------------


def test_school_report_of_appendix_tables_with_name_lines(read: Callable[..., ReadOutput]) -> None:
    body = as_school(seed(GAOZHI, *APPENDIX), f"名称：{SCHOOL}(12345)", "2024年")
    out = read(text(f"{SCHOOL} 2024 年度质量报告", "", body))
    assert_read(out, APPENDIX_CELLS, SCHOOL, {2024})
    got = values(out)
    assert got[("sc_graduates", 2024)] == 69684
    assert got[("sat_students_respondents", 2024)] == 55637
    assert got[("res_quality_school_platform", 2024)] == 63  # printed without 序号 or leading tab
    assert got[("res_course_hours", 2024)] == 3534956  # the 学时 continuation row
    assert out.entities[SCHOOL] == {"code": "12345", "level": "高职"}  # level from 职业技术学院
    assert not errors(out)
    assert not [f for f in out.findings if f.rule == "table_not_recognised"]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        (f"{SCHOOL}职业教育质量年度报告（2024）", "2024 年"),
        (f"{SCHOOL}\n2024年质量年度报告", "2024年"),  # the title broken over two lines
        (f"《{SCHOOL}高等职业教育质量年度报告（2024年度）》", "2024年度"),
    ],
)
def test_school_report_without_name_lines(read: Callable[..., ReadOutput], title: str, year: str) -> None:
    out = read(text(title, "", as_school(seed(GAOZHI, *APPENDIX), None, year)))
    assert_read(out, APPENDIX_CELLS, SCHOOL, {2024})
    assert values(out)[("full_time_students", 2024)] == 238735
    assert out.entities[SCHOOL]["level"] == "高职"
    (inferred,) = [f for f in out.findings if f.rule == "entity_inferred"]
    assert SCHOOL in inferred.message and inferred.severity == "info"
    assert not errors(out)


def test_value_columns_take_the_year_of_the_title(read: Callable[..., ReadOutput]) -> None:
    # 002's 附表 1 (序号 | 指标 | 单位 | 值) under a school title of 2024
    out = read(text("某某职业技术学校职业教育质量年度报告（2024）", "", seed(ZHONGZHI, *SCORECARD_002)))
    assert_read(out, 12, "某某职业技术学校", {2024})
    assert values(out)[("sc_graduates", 2024)] == 7146
    assert out.entities["某某职业技术学校"]["level"] == "中职"  # 职业技术学校, not 学院
    (year,) = [f for f in out.findings if f.rule == "year_inferred"]
    assert "2024" in year.message and year.provenance[0].line == 1
    assert not errors(out)


def test_two_year_appendix_tables(read: Callable[..., ReadOutput]) -> None:
    # 表 1 计分卡 with the 2022 column of the body's 表 2.9 beside it, headed 2024年 | 2023年
    appendix = seed(GAOZHI, 1136, 1152)
    earlier = {
        line.split("\t")[0].removeprefix("其中: "): line.split("\t")[3] for line in seed(GAOZHI, 553, 564)
    }
    rows = []
    for line in appendix:
        cells = line.split("\t")
        if len(cells) == 4 and cells[0] == "序号":
            line = "序号\t指标\t单位\t2024年\t2023年"
        elif len(cells) == 4:
            line += "\t" + earlier[cells[1].removeprefix("其中：")]
        rows.append(line.replace("内蒙古自治区(150000)", f"{SCHOOL}(12345)"))
    out = read(text(f"{SCHOOL}质量年度报告（2024）", rows))
    assert_read(out, 24, SCHOOL, {2023, 2024})
    got = values(out)
    assert (got[("sc_graduates", 2024)], got[("sc_graduates", 2023)]) == (69684, 65283)
    assert (got[("sc_further_study", 2024)], got[("sc_further_study", 2023)]) == (12024, 12838)
    assert ("sc_bachelor", 2023) not in got  # printed —
    assert [f.rule for f in out.findings if f.cell] == ["missing_value"]
    assert not errors(out)


# --- captions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "附表1 人才培养质量计分卡",
        "附表 1-人才培养质量计分卡",
        "表1：计分卡",
        "附件1：人才培养质量计分卡",
        "附表一：人才培养质量计分卡",
        "附表1  人才培养质量计分卡",
        "附表 1：人才培养质量计分卡（单位：人）",
        "附表 1：人才培养质量计分卡\t（单位：人）",
        "附表 1：人才培养质量计分卡\n单位：万元",
        "— 68 —\n附表 1：人才培养质量计分卡",  # a page number line before the caption
        "68\n\n附表 1：人才培养质量计分卡",
        f"附表 1 {SCHOOL}人才培养质量计分卡（2024年）",
    ],
)
def test_caption_forms_of_other_reports(read: Callable[..., ReadOutput], caption: str) -> None:
    # 002's 附表 1, and 附表 2 after it, each under another caption form
    rows = seed(ZHONGZHI, SCORECARD_002[0] + 1, 965)
    out = read(text(caption, rows), entity=SCHOOL, year=2024)
    assert_read(out, 12 + 24, SCHOOL, {2024})
    # the caption line as printed, a run of spaces or a tab shown as one space
    printed = " ".join(next(c for c in caption.split("\n") if c.startswith(("附", "表"))).split())
    assert {f.provenance.table for f in figure_objects(out.figures) if f.key == "sc_graduates"} == {printed}
    assert values(out)[("sc_graduates", 2024)] == 7146
    assert values(out)[("sat_parents_respondents", 2024)] == 6181
    assert not errors(out)
    assert not [f for f in out.findings if f.rule == "table_not_recognised"]


# --- headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "year"),
    [
        ("序号\t指标名称\t单位\t数值", None),
        ("序号\t项目\t单位\t2024年", 2024),
        ("序号\t指标\t计量单位\t2024 年", 2024),
        ("序号\t指标\t单位\t2024年度", 2024),
    ],
)
def test_header_forms(read: Callable[..., ReadOutput], header: str, year: int | None) -> None:
    rows = seed(ZHONGZHI, *SCORECARD_002)
    out = read(text(rows[0], "", header, rows[3:]), entity=SCHOOL, year=2023)
    assert_read(out, 12, SCHOOL, {year or 2023})
    assert values(out)[("sc_entrepreneurship_rate", year or 2023)] == 1.68
    assert not errors(out)


def test_satisfaction_table_with_two_years_and_both_extra_columns(read: Callable[..., ReadOutput]) -> None:
    # 000's 表 2 满意度调查表 with a 2023 column before 调查方式 and 调查人次 swapped
    rows = ["序号\t指标\t单位\t2024年\t2023年\t调查方式\t调查人次"]
    for line in seed(GAOZHI, 1159, 1170):
        seq, name, unit, value, count, how = line.split("\t")
        rows.append("\t".join((seq, name, unit, value, str(float(value) - 1), how, count)))
    out = read(text(f"{SCHOOL}质量年度报告（2024）", "表 2 满意度调查表", rows))
    assert_read(out, 12 * 3, SCHOOL, {2023, 2024})
    got = values(out)
    assert got[("sat_students", 2024)] == 90.24
    assert got[("sat_students", 2023)] == pytest.approx(89.24)
    assert got[("sat_parents_respondents", 2024)] == 8500
    assert not errors(out)


# --- cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "value", "rule"),
    [
        ("1,234", 1234, None),
        ("１２３４", 1234, None),
        ("１，２３４", 1234, None),
        ("0", 0, None),
        ("-3", -3, None),
        ("—", None, "missing_value"),
        ("-", None, "missing_value"),
        ("/", None, "missing_value"),
        ("无", None, "missing_value"),
        ("1234*", None, "unparsable_value"),  # a footnote mark: never 1234, never 12341
        ("1234①", None, "unparsable_value"),
        ("1234¹", None, "unparsable_value"),
    ],
)
def test_cell_forms(
    read: Callable[..., ReadOutput], printed: str, value: float | None, rule: str | None
) -> None:
    rows = seed(ZHONGZHI, *SCORECARD_002)
    rows[3] = rows[3].replace("\t7146", f"\t{printed}")  # 1 毕业生人数 人 7146
    out = read(text(rows), entity=SCHOOL, year=2024)
    assert_read(out, 12, SCHOOL, {2024})
    assert values(out).get(("sc_graduates", 2024)) == value
    assert [f.rule for f in out.findings if f.cell] == ([rule] if rule else [])


@pytest.mark.parametrize(("printed", "value"), [("17.25%", 17.25), ("12.4:1", 12.4), ("12.4：1", 12.4)])
def test_ratio_and_percent_forms(read: Callable[..., ReadOutput], printed: str, value: float) -> None:
    rows = seed(ZHONGZHI, 989, 1035)  # 附表 4：教学资源表, 1 生师比 : 12.40
    rows[3] = rows[3].replace("12.40", printed)
    out = read(text(rows), entity=SCHOOL, year=2024)
    assert_read(out, 43, SCHOOL, {2024})
    assert values(out)[("student_teacher_ratio", 2024)] == value
    assert not errors(out)


# --- page breaks ----------------------------------------------------------------------


@pytest.mark.parametrize("page_break", ["", "— 43 —", "43", "续表", "表 3 教学资源表（续）"])
def test_table_split_by_a_page_break_with_its_header_again(
    read: Callable[..., ReadOutput], page_break: str
) -> None:
    # 000's 表 3 教学资源表 broken after 在线精品课程数's 接入… rows, its header printed again
    table = seed(GAOZHI, 1172, 1218)
    at = table.index(next(line for line in table if line.startswith("接入国家智慧教育平台数量\t门")))
    header = table[4]
    out = read(text(table[:at], "", page_break, "", header, table[at:]))
    assert_read(out, 42, "内蒙古自治区", {2023})
    got = values(out)
    assert got[("res_quality_school_platform", 2023)] == 63  # the first row after the break
    assert got[("res_virtual_school_platform", 2023)] == 3
    assert len(out.figures) == 42
    assert not errors(out)
    assert not [f for f in out.findings if f.rule in ("table_not_recognised", "unknown_row")]


# --- tables copied out of a PDF: runs of spaces for tabs ------------------------------


def spaced(lines: Iterable[str]) -> list[str]:
    """Tabs as a PDF copy prints them: runs of spaces, blank cells not printed."""
    return ["   ".join(c for c in line.split("\t") if c.strip()) for line in lines]


def test_space_separated_tables_read_as_their_tab_separated_twins(read: Callable[..., ReadOutput]) -> None:
    head = [f"{SCHOOL}质量年度报告（2024年度）", ""]
    tabbed = read(text(head, as_school(seed(GAOZHI, *APPENDIX), f"名称：{SCHOOL}(12345)", "2024年")))
    out = read(text(head, spaced(as_school(seed(GAOZHI, *APPENDIX), f"名称：{SCHOOL}(12345)", "2024年"))))
    assert_read(out, APPENDIX_CELLS, SCHOOL, {2024})
    assert values(out) == values(tabbed)
    assert values(out)[("res_quality_course_hours", 2024)] == 172112.12  # a continuation row
    assert [f.rule for f in out.findings] == [f.rule for f in tabbed.findings]
    assert not errors(out)


def test_space_separated_row_with_a_blank_cell_is_not_guessed(read: Callable[..., ReadOutput]) -> None:
    # 表 2.9 升入本科人数 prints — for 2022; left blank, a PDF copy loses the cell
    lines = seed(GAOZHI, 550, 564)
    lines[6] = lines[6].replace("\t—", "\t")
    out = read(text(spaced(lines)), entity="内蒙古自治区")
    assert out.cells == 24 and len(out.figures) == 22
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)
    misaligned = [f for f in out.findings if f.rule == "misaligned_row"]
    assert len(misaligned) == 2 and {f.provenance[0].line for f in misaligned} == {7}
    assert all(f.cell and f.severity == "error" and "11909" in f.provenance[0].raw for f in misaligned)
    assert ("sc_bachelor", 2023) not in values(out)


def test_space_separated_continuation_in_another_unit_is_not_guessed(read: Callable[..., ReadOutput]) -> None:
    # 专利转让数量 of 表 5 服务贡献表 with its value lost: "项" would read as a continuation
    lines = seed(GAOZHI, 1242, 1264)
    lines = [line.replace("\t专利转让数量\t项\t27", "\t专利转让数量\t项") for line in lines]
    out = read(text(spaced(lines)))
    assert out.cells == 18
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)
    assert ("svc_patent_transfers", 2023) not in values(out)
    (lost,) = [f for f in out.findings if f.cell]
    assert lost.rule == "misaligned_row" and lost.provenance[0].raw == "专利转让数量  项"
    assert values(out)[("svc_patent_conversion_income", 2023)] == 301.10


# --- a table printed twice ------------------------------------------------------------


def _run(tmp_path: Path, report: str) -> list[Finding]:
    path = tmp_path / "report.txt"
    path.write_text(report, encoding="utf-8")
    result = run(Config.build([str(path)], plugins={"entry_points": False}))
    assert result.summary.cells == result.summary.figures + result.summary.cell_findings
    return [f for f in result.findings if f.rule == "source_conflict"]


def test_a_table_printed_twice(tmp_path: Path) -> None:
    title = f"{SCHOOL}质量年度报告（2024）"
    table = seed(ZHONGZHI, *SCORECARD_002)
    again = ["附表 7：人才培养质量计分卡", *table[1:]]
    assert _run(tmp_path, text(title, table, "", again)) == []
    again[4] = again[4].replace("\t7093", "\t7193")  # 2 毕业去向落实人数
    (conflict,) = _run(tmp_path, text(title, table, "", again))
    assert {conflict.expected, conflict.actual} == {7093, 7193}
    assert (
        "附表 1：人才培养质量计分卡" in conflict.message and "附表 7：人才培养质量计分卡" in conflict.message
    )


def test_prose_with_runs_of_spaces_is_not_a_row_of_a_tab_separated_table(
    read: Callable[..., ReadOutput],
) -> None:
    # 002's 附表 1 followed, after a blank line, by a prose line with double spaces
    prose = "学校坚持立德树人  深化产教融合  2024年  成效显著"
    out = read(text(seed(ZHONGZHI, *SCORECARD_002), "", prose), entity=SCHOOL, year=2024)
    assert_read(out, 12, SCHOOL, {2024})
    assert not errors(out)


def test_subtitle_split_into_cells_under_the_caption(read: Callable[..., ReadOutput]) -> None:
    rows = spaced(seed(ZHONGZHI, *SCORECARD_002))
    out = read(text(rows[0], "单位：人    填报日期：2024年3月", rows[1:]), entity=SCHOOL, year=2024)
    assert_read(out, 12, SCHOOL, {2024})
    assert values(out)[("sc_promotion_rate", 2024)] == 22.20
    (note,) = [f for f in out.findings if f.rule == "table_layout"]
    assert note.provenance[0].line == 2 and note.severity == "info"
    assert not errors(out)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("内蒙古机电职业技术学院", "高职"),
        ("包头职业技术大学", "高职"),
        ("呼和浩特市职业技术学校", "中职"),
        ("赤峰市第一职业中学", "中职"),
        ("内蒙古自治区", None),
    ],
)
def test_level_from_the_school_name(read: Callable[..., ReadOutput], name: str, level: str | None) -> None:
    rows = [line.replace("内蒙古自治区(150000)", f"{name}(12345)") for line in seed(GAOZHI, 1136, 1152)]
    out = read(text(rows))
    assert out.entities[name].get("level") == level


def test_year_alone_on_the_cover(read: Callable[..., ReadOutput]) -> None:
    # 002's cover (2023 above 呼和浩特市中等职业教育 质量年度报告) as a 2024 report, with no other year
    cover = [line.replace("2023", "2024") for line in seed(ZHONGZHI, 1, 11)]
    out = read(text(cover, seed(ZHONGZHI, *SCORECARD_002)))
    assert_read(out, 12, "呼和浩特市", {2024})
    assert out.entities["呼和浩特市"]["level"] == "中职"
    (year,) = [f for f in out.findings if f.rule == "year_inferred"]
    assert year.provenance[0].line == 5
