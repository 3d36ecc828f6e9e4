"""Both seed reports read end to end: every table and every row accounted
for, every figure-holding cell counted, values as printed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vqr_metrics import Config, InputError, run
from vqr_metrics.cli import main
from vqr_metrics.result import Result

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"  # 内蒙古自治区, 高职, body tables 2023/2022 + appendix
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"  # 呼和浩特市, 中职, appendix tables with a 值 column

# Counted by hand from the printed tables: caption -> (data rows, figure
# columns per row).  A figure column is a year or 值 column, plus 调查人次.
GAOZHI_TABLES = {
    "表 2.1 内蒙古自治区高职院校办学条件核心数据 2022-2023 年比较列表": (10, 2),
    "表 2.2 内蒙古自治区学生情况核心数据 2022-2023 年比较列表": (8, 2),
    "表 2.5 满意度调查表": (12, 2),  # 值 and 调查人次
    "表 2.6 内蒙古自治区就业情况核心数据列表": (6, 2),
    "表 2.7 服务贡献表": (18, 2),
    "表 2.8 内蒙古自治区人才培养核心数据列表": (8, 2),
    "表 2.9 人才培养质量计分卡": (12, 2),
    "表 3.1 内蒙古自治区专业课程核心数据列表": (8, 2),
    "表 3.2 教学资源表": (43, 2),
    "表 3.4 内蒙古自治区师资队伍核心数据列表": (8, 2),
    "表 3.6 落实政策表": (22, 2),
    "表 5.1 国际影响表": (16, 2),
    "表 6.1 内蒙古自治区产教融合核心数据列表": (6, 2),
    "表 7.1 内蒙古自治区高职院校经费情况核心数据列表": (4, 2),
    "表 7.2 内蒙古自治区科研服务核心数据列表": (6, 2),
    "表 1 计分卡": (12, 1),
    "表 2 满意度调查表": (12, 2),  # 2023年 and 调查人次
    "表 3 教学资源表": (42, 1),
    "表 4 国际影响表": (16, 1),
    "表 5 服务贡献表": (18, 1),
    "表 6 落实政策表": (22, 1),
}
# Cells printed as —, —— or blank: 表 3.2 rows 4-5 and 28-34 (2022), 表 2.7 专利转让数量,
# 表 2.9 升入本科人数, 表 3.6 rows 7-14 and 16-22 (2022), 表 5.1 five rows (2022).
GAOZHI_PLACEHOLDERS = 2 + 7 + 1 + 1 + 15 + 5
GAOZHI_GARBAGE = 1  # 表 3.2 生均校内实践教学工位数 2022: 96?
GAOZHI_NOT_RECOGNISED = 12 + 1  # 名单 and 统计表 under a caption, and one table under none

ZHONGZHI_TABLES = {
    "附表 1：人才培养质量计分卡": (12, 1),
    "附表 2：满意度调查表": (12, 2),
    "附表 3：服务贡献表": (18, 1),
    "附表 4：教学资源表": (43, 1),
    "附表 5：国际影响表": (16, 1),
    "附表 6：落实政策表": (22, 1),
}
ZHONGZHI_NOT_RECOGNISED = 9  # 表 1 … 表 9 of the body


def _run(*paths: Path, **spec: object) -> Result:
    return run(Config.build([{"path": str(p), **spec} for p in paths], plugins={"entry_points": False}))


@pytest.fixture(scope="module")
def gaozhi() -> Result:
    return _run(GAOZHI)


@pytest.fixture(scope="module")
def zhongzhi() -> Result:
    return _run(ZHONGZHI)


def _cells_by_table(result: Result) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in result.values:
        for p in value.provenance:
            counts[p.table] = counts.get(p.table, 0) + 1
    for f in result.findings:
        if f.cell:
            counts[f.provenance[0].table] = counts.get(f.provenance[0].table, 0) + 1
    return counts


@pytest.mark.parametrize(
    ("fixture", "tables", "placeholders", "garbage"),
    [
        ("gaozhi", GAOZHI_TABLES, GAOZHI_PLACEHOLDERS, GAOZHI_GARBAGE),
        ("zhongzhi", ZHONGZHI_TABLES, 0, 0),
    ],
)
def test_every_figure_cell_is_one_value_or_one_finding(
    request: pytest.FixtureRequest,
    fixture: str,
    tables: dict[str, tuple[int, int]],
    placeholders: int,
    garbage: int,
) -> None:
    result: Result = request.getfixturevalue(fixture)
    summary = result.summary
    expected = sum(rows * columns for rows, columns in tables.values())
    assert summary.cells == expected
    assert summary.cells == summary.figures + summary.cell_findings
    assert summary.rules.get("missing_value", 0) == placeholders
    assert summary.rules.get("unparsable_value", 0) == garbage
    assert summary.cell_findings == placeholders + garbage
    # and table by table: each cell landed as a figure (kept or merged) or a finding
    by_table = _cells_by_table(result)
    assert by_table == {caption: rows * cols for caption, (rows, cols) in tables.items()}


def test_gaozhi_values_as_printed(gaozhi: Result) -> None:
    e = "内蒙古自治区"
    assert gaozhi.value(e, 2023, "毕业生人数") == 69684
    assert gaozhi.value(e, 2022, "毕业生人数") == 65283
    assert gaozhi.value(e, 2023, "student_teacher_ratio") == 17.25
    assert gaozhi.value(e, 2022, "res_backbone_bandwidth") == 6911
    assert gaozhi.value(e, 2023, "sat_students_respondents") == 55637
    assert gaozhi.value(e, 2023, "sat_graduates_respondents") == 39800
    # the last 接入国家智慧教育平台数量 of 在线精品课程, printed without 序号 or leading tab
    assert gaozhi.value(e, 2023, "res_quality_school_platform") == 63
    # the 学时 continuation row of 在线精品课程数: 172112.1 in the body, 172112.12 in the appendix
    assert gaozhi.value(e, 2023, "res_quality_course_hours") == 172112.12
    assert gaozhi.value(e, 2022, "res_quality_course_hours") == 143281
    assert gaozhi.value(e, 2022, "svc_patent_transfers") is None  # printed —
    attributes = gaozhi.dataset.attributes[e] if gaozhi.dataset else {}
    assert attributes.get("code") == "150000"


def test_zhongzhi_values_as_printed(zhongzhi: Result) -> None:
    e = "呼和浩特市"
    assert zhongzhi.value(e, 2023, "全日制在校生人数") == 24069
    assert zhongzhi.value(e, 2023, "公益项目培训学时") == 13398.2
    assert zhongzhi.value(e, 2023, "student_teacher_ratio") == 12.40
    # after the blank line of a page break inside 附表 4
    assert zhongzhi.value(e, 2023, "res_backbone_bandwidth") == 1407.88
    assert zhongzhi.value(e, 2023, "sat_parents_respondents") == 6181
    assert zhongzhi.dataset is not None
    assert zhongzhi.dataset.attributes[e]["level"] == "中职"  # from the title 中等职业教育
    inferred = {f.rule: f for f in zhongzhi.findings if f.rule.endswith("_inferred")}
    assert "呼和浩特市" in inferred["entity_inferred"].message
    assert "2023" in inferred["year_inferred"].message


def test_provenance_names_file_line_raw_caption_and_column(gaozhi: Result) -> None:
    (value,) = [v for v in gaozhi.values if v.key == "sc_graduates" and v.year == 2022]
    (p,) = value.provenance
    assert (p.file, p.line, p.raw, p.column) == (str(GAOZHI), 553, "65283", "2022")
    assert p.table == "表 2.9 人才培养质量计分卡"
    (value,) = [v for v in gaozhi.values if v.key == "sc_graduates" and v.year == 2023]
    assert {(p.line, p.table, p.column) for p in value.provenance} == {
        (553, "表 2.9 人才培养质量计分卡", "2023"),
        (1141, "表 1 计分卡", "2023年"),
    }


def test_gaozhi_real_errors_are_found(gaozhi: Result) -> None:
    conflicts = [f for f in gaozhi.findings if f.rule == "source_conflict" and f.year == 2022]
    teachers = [f for f in conflicts if {f.expected, f.actual} == {8668, 11500}]
    assert len(teachers) == 1
    assert "表 3.6 落实政策表" in teachers[0].message
    assert "表 3.4 内蒙古自治区师资队伍核心数据列表" in teachers[0].message
    (bad,) = [f for f in gaozhi.findings if f.rule == "unparsable_value"]
    assert bad.cell and bad.provenance[0].line == 649 and bad.provenance[0].raw == "96?"
    assert bad.year == 2022 and bad.table == "表 3.2 教学资源表"


def _tab_lines(path: Path) -> list[tuple[int, str]]:
    """Tab-separated lines that are not table-of-contents entries."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        toc = len(cells) == 1 or (len(cells) == 2 and cells[1].isdigit())
        if "\t" not in line or "....." in line or toc:
            continue
        out.append((n, line))
    return out


@pytest.mark.parametrize(
    ("fixture", "path", "unrecognised"),
    [("gaozhi", GAOZHI, GAOZHI_NOT_RECOGNISED), ("zhongzhi", ZHONGZHI, ZHONGZHI_NOT_RECOGNISED)],
)
def test_every_table_and_row_is_accounted_for(
    request: pytest.FixtureRequest, fixture: str, path: Path, unrecognised: int
) -> None:
    result: Result = request.getfixturevalue(fixture)
    covered = {p.line for v in result.values for p in v.provenance if p.file == str(path)}
    covered |= {p.line for f in result.findings for p in f.provenance if p.file == str(path)}
    not_read = [f for f in result.findings if f.rule == "table_not_recognised"]
    assert len(not_read) == unrecognised
    for f in not_read:
        first, last = re.search(r"lines (\d+)(?:–(\d+))?", f.message).groups()  # type: ignore[union-attr]
        covered |= set(range(int(first), int(last or first) + 1))
    headers = {n for n, line in _tab_lines(path) if line.split("\t")[0].strip() in ("序号", "指标")}
    missing = [(n, line) for n, line in _tab_lines(path) if n not in covered | headers]
    assert missing == []


def test_vqr_score_with_a_toml_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "report.toml"
    config.write_text(
        f'[[inputs]]\npath = "{GAOZHI.as_posix()}"\n\n[[inputs]]\npath = "{ZHONGZHI.as_posix()}"\n'
        'level = "中职"\n\n[plugins]\nentry_points = false\n\n[output]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    assert main([str(config)]) == 0
    records = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    summary = records["summary"]
    gaozhi = sum(r * c for r, c in GAOZHI_TABLES.values())
    zhongzhi = sum(r * c for r, c in ZHONGZHI_TABLES.values())
    assert summary["cells_read"] == gaozhi + zhongzhi
    assert summary["cells_read"] == summary["figures"] + summary["cells_with_findings"]
    by_key = {(v["entity"], v["year"], v["key"]): v for v in records["values"]}
    graduates = by_key[("内蒙古自治区", 2023, "sc_graduates")]
    assert graduates["value"] == 69684
    assert {p["table"] for p in graduates["provenance"]} == {"表 2.9 人才培养质量计分卡", "表 1 计分卡"}
    assert by_key[("呼和浩特市", 2023, "full_time_students")]["value"] == 24069


def test_report_text_saved_as_gbk(tmp_path: Path) -> None:
    # Notepad on Chinese Windows saves "ANSI" text as GBK
    path = tmp_path / "report.txt"
    path.write_bytes(GAOZHI.read_text(encoding="utf-8").encode("gbk"))
    result = _run(path)
    assert result.value("内蒙古自治区", 2022, "毕业生人数") == 65283
    assert result.summary.cells == sum(rows * columns for rows, columns in GAOZHI_TABLES.values())
    assert _run(path, encoding="gbk").summary.figures == result.summary.figures


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", " \r\n\t\n\u3000".encode()])
def test_an_empty_report_is_one_clear_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"report\.txt: the file is empty"):
        _run(path)


def test_a_report_with_no_table_to_read_is_a_warning(tmp_path: Path) -> None:
    # the prose before 000's first table, and a table no template names
    path = tmp_path / "report.txt"
    lines = GAOZHI.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:40] + lines[170:177]), encoding="utf-8")
    result = _run(path)
    (warning,) = [f for f in result.findings if f.rule == "no_tables"]
    assert warning.severity == "warning" and f"{path}: no figures read" in warning.message
    assert result.summary.cells == 0
    assert any(f.rule == "table_not_recognised" for f in result.findings)
