"""The output formats people open: the terminal table (display width, terminal width, sections,
language), CSV (figures, flags, paths, the wide layout read back), XLSX (its sheets, read back),
HTML (self-contained; its charts) and Excel-safe cells through CSV and XLSX, on the seed reports."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import struct
import termios
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import attrs
import openpyxl
import pyarrow as pa
import pytest
from vqr_metrics_plugins.writers import excel_cells
from vqr_metrics_plugins.writers import svg_charts as _svg
from vqr_metrics_plugins.writers import text_writers as writers
from vqr_metrics_plugins.writers.html_writer import html_document
from wcwidth import wcswidth

from vqr_metrics.api import render, run
from vqr_metrics.config import Config, load_config
from vqr_metrics.errors import ConfigError
from vqr_metrics.result import Result

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "examples" / "seeds"
GAOZHI, ZHONGZHI = "内蒙古自治区", "呼和浩特市"


@cache
def _example() -> Result:
    config = load_config(ROOT / "configs" / "example.toml")
    return run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))


def example(**output: object) -> Result:
    """The shipped example config's result on the two seed reports, with ``[output]`` options
    (writers read them from the result's config, so the run is made once)."""
    result = _example()
    assert result.config is not None
    return attrs.evolve(result, config=result.config.with_output(**output))


def inputs(result: Result) -> dict[tuple[str, int, str], float]:
    """The input values (not derived, not imputed) by entity, year and key."""
    return {(v.entity, v.year, v.key): v.value for v in result.values if not v.derived and not v.imputed}


def read_back(path: Path, **spec: object) -> Result:
    return run(Config.build([{"path": str(path), **spec}], plugins={"entry_points": False}))


# --- the terminal table ---------------------------------------------------------------


def blocks(text: str) -> dict[str, list[str]]:
    return {b.split("\n")[0]: b.split("\n")[1:] for b in text.strip().split("\n\n")}


def test_the_table_puts_the_summary_and_errors_first_then_values_metrics_scores_compliance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    titles = list(blocks(str(render(example(), "table"))))
    order = ["摘要", "发现", "数值", "派生指标", "计分卡：学生发展指数", "合规：高职院校基本办学条件"]
    at = [next(i for i, t in enumerate(titles) if t.startswith(prefix)) for prefix in order]
    assert at == sorted(at) and at[0] == 0 and at[1] == 1
    findings = blocks(str(render(example(), "table")))[titles[1]]
    severities = [line.split()[0] for line in findings[2:]]
    assert severities[:14] == ["错误"] * 14 and set(severities[14:]) == {"警告", "提示"}


def _cell_starts(line: str) -> list[int]:
    """The display columns where the cells of a ``simple`` table line begin."""
    starts, column, previous = [], 0, "  "
    for char in line:
        if char != " " and previous.endswith("  "):
            starts.append(column)
        previous = (previous + char)[-2:]
        column += max(wcswidth(char), 1)
    return starts


def test_columns_line_up_by_display_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    values = next(v for t, v in blocks(str(render(example(), "table"))).items() if t.startswith("数值"))
    rule = _cell_starts(values[1].replace("-", "x"))  # the dashes under the header mark the columns
    assert len(rule) == 5  # 指标, 单位 and three entity-years
    for line in values[2:]:
        assert set(_cell_starts(line)) <= set(rule), line
    # 毕业生人数 (five wide characters, ten columns) and its figures, in their columns
    row = next(line for line in values if line.startswith("毕业生人数 "))
    assert _cell_starts(row) == rule and row.split() == ["毕业生人数", "人", "69684", "65283", "7146"]


class _Terminal(io.BytesIO):
    """A stream whose file descriptor is a pseudo-terminal ``columns`` wide (what is written is kept)."""

    def __init__(self, columns: int) -> None:
        super().__init__()
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))

    def fileno(self) -> int:
        return self.slave

    def isatty(self) -> bool:
        return os.isatty(self.slave)

    def text(self) -> str:
        os.close(self.master)
        os.close(self.slave)
        return self.getvalue().decode("utf-8")


def test_long_messages_wrap_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    terminal = _Terminal(100)
    writers.write_table(example(), terminal)
    found = blocks(terminal.text())
    for title, lines in found.items():
        if title.startswith(("发现", "数值", "派生指标", "计分卡")):
            assert max(wcswidth(line) for line in lines) <= 100, title
    findings = next(v for t, v in found.items() if t.startswith("发现"))
    assert len(findings) > 2 + sum(example().summary.findings.values())  # some rows took two lines
    monkeypatch.setenv("COLUMNS", "1000")  # overrides the terminal's own width
    terminal = _Terminal(100)
    writers.write_table(example(), terminal)
    wide = next(v for t, v in blocks(terminal.text()).items() if t.startswith("发现"))
    assert len(wide) == 2 + sum(example().summary.findings.values())


def test_a_file_or_pipe_gets_whole_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # not a terminal: no width applies
    found = blocks(str(render(example(), "table")))
    findings = next(v for t, v in found.items() if t.startswith("发现"))
    assert len(findings) == 2 + sum(example().summary.findings.values())


def test_figures_have_sensible_precision() -> None:
    assert [writers._fmt(x) for x in (7146.0, 99.04357950765137, 1.6886458668382116, 0.015, -0.00001)] == [
        "7146",
        "99.04",
        "1.69",
        "0.015",
        "0",
    ]
    table = str(render(example(), "table"))
    assert re.search(r"^生均图书\s+册/生\s+59\.06\s+62\.53", table, re.MULTILINE)  # 59.061302280771564


def test_sections_and_language() -> None:
    text = str(render(example(sections=("summary", "scores"), lang="en"), "table"))
    assert list(blocks(text)) == [
        "Summary",
        "Scorecard: 学生发展指数（高职）",
        "Scorecard: 学生发展指数（中职）",
    ]
    words = "cells read values derived cells with findings errors warnings info"
    assert blocks(text)["Summary"][0].split() == words.split()
    markdown = str(render(example(sections=("compliance",)), "markdown"))
    headings = re.findall(r"^## (\S+?)：", markdown, re.MULTILINE)
    assert set(headings) == {"合规", "判定"}
    page = str(render(example(sections=("summary",)), "html"))
    assert "<svg" not in page and 'id="findings"' not in page and "摘要" in page


def test_output_options_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"unknown section 'score'.*did you mean: scores"):
        Config.build([], output={"sections": ["score"]})
    with pytest.raises(ConfigError, match=r"\[output\]\.lang must be one of zh, en, not 'fr'"):
        Config.build([], output={"lang": "fr"})
    with pytest.raises(ConfigError, match=r"\[output\]\.layout must be one of long, wide"):
        Config.build([]).with_output(layout="tall")
    config = Config.build([], output={"format": "csv", "lang": "en"}).with_output(layout="wide")
    assert (config.output.format, config.output.lang, config.output.layout) == ("csv", "en", "wide")


# --- CSV ---------------------------------------------------------------------------------


def long_rows(result: Result) -> list[dict[str, str]]:
    text = str(render(result, "csv"))
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_figures_flags_and_paths() -> None:
    rows = [r for r in long_rows(example()) if r["record"] == "value"]
    books = {(r["entity"], r["year"]): r for r in rows if r["key"] == "books_per_student"}
    # 59.061302280771564 in the JSON: fifteen significant digits, no float noise
    assert books[(GAOZHI, "2023")]["value"] == "59.0613022807716"
    assert all(len(re.sub(r"[-.]|e.*", "", r["value"]).strip("0")) <= 15 for r in rows)
    assert {r["derived"] for r in rows} == {"是", "否"} and {r["conflicted"] for r in rows} == {"是", "否"}
    graduates = next(r for r in rows if r["key"] == "sc_graduates" and r["entity"] == ZHONGZHI)
    assert graduates["value"] == "7146"
    # the config lives in configs/: its seeds are ../examples/seeds/…
    assert graduates["where"] == "../examples/seeds/002_7d1635ab68301fb1.txt:938"
    assert excel_cells.number_text([0.015000000000000001, 0.1 + 0.2, 1e-300]).to_pylist() == [
        "0.015",
        "0.3",
        "1e-300",
    ]


def test_the_wide_csv_reads_back_in_unchanged(tmp_path: Path) -> None:
    text = str(render(example(layout="wide"), "csv"))
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:4] == ["entity", "year", "层次", "类型"] and "毕业生人数(人)" in header
    assert "毕业去向落实率" not in "".join(header)  # derived metrics are computed again, not written
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (GAOZHI, "2022", "高职"),
        (GAOZHI, "2023", "高职"),
        (ZHONGZHI, "2023", "中职"),
    ]
    path = tmp_path / "wide.csv"
    path.write_text(text, encoding="utf-8")
    back = read_back(path)
    assert inputs(back) == inputs(example())
    assert back.value(ZHONGZHI, 2023, "毕业生人数") == 7146
    assert back.dataset is not None and back.dataset.attributes[ZHONGZHI]["level"] == "中职"
    assert back.value(GAOZHI, 2023, "生均图书") == example().value(GAOZHI, 2023, "生均图书")


# --- Excel-safe cells (issue 12) --------------------------------------------------------

RISKY = ['=HYPERLINK("http://example.invalid","点我")', "@SUM(1)", "+甲校", "-乙校", "=1+2"]


@pytest.fixture(scope="module")
def risky(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    folder = tmp_path_factory.mktemp("risky")
    lines = ["entity,year,全日制在校生人数,专任教师总数"]
    lines += [
        f'"{name.replace(chr(34), chr(34) * 2)}",2023,{1800 + i},{100 + i}' for i, name in enumerate(RISKY)
    ]
    (folder / "in.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, run(Config.build(["in.csv"], base_dir=folder, plugins={"entry_points": False}))


def test_risky_text_is_guarded_in_csv_and_reads_back(risky: tuple[Path, Result]) -> None:
    folder, result = risky
    assert {v.entity for v in result.values} == set(RISKY)
    guarded = {"'" + name for name in RISKY}
    assert {r["entity"] for r in long_rows(result) if r["record"] == "value"} == guarded
    assert excel_cells.guard("-3") == "-3" and excel_cells.guard("+1e3") == "+1e3"  # numbers stay numbers
    for text in ("'=x", "''@y", "\tz", "\rz", "-3", "甲校", "'plain"):  # a ' the writer adds comes off again
        assert excel_cells.unguard(excel_cells.guard(text)) == text
        column = excel_cells.guard_column(pa.array([text]))
        assert excel_cells.unguard_column(column).to_pylist() == [text]
    wide = attrs.evolve(result.config, output=attrs.evolve(result.config.output, layout="wide"))
    text = str(render(run(wide), "csv"))
    assert '"\'=HYPERLINK(""http://example.invalid"",""点我"")",2023' in text
    (folder / "out.csv").write_text(text, encoding="utf-8")
    back = read_back(folder / "out.csv")
    assert inputs(back) == inputs(result)


def test_risky_text_is_guarded_in_xlsx_and_reads_back(risky: tuple[Path, Result]) -> None:
    folder, result = risky
    path = folder / "out.xlsx"
    path.write_bytes(bytes(render(result, "xlsx")))
    sheet = openpyxl.load_workbook(path)["数值"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {"'" + name for name in RISKY}
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula
    back = read_back(path, sheet="数值")
    assert inputs(back) == inputs(result)


# --- XLSX -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "result.xlsx"
    path.write_bytes(bytes(render(example(), "xlsx")))
    return path


def test_the_workbook_has_its_sheets_with_frozen_chinese_headers(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    cards = ["计分卡_学生发展指数（高职）", "计分卡_学生发展指数（中职）"]  # one card a level
    sheets = ["摘要", "数值", "派生指标", "发现", *cards, "合规"]
    # in this order; a plugin's own section (正文与表格不一致) may add a sheet between them
    assert [s for s in book.sheetnames if s in sheets] == sheets
    frozen = {
        "摘要": "A2",
        "数值": "A2",
        "派生指标": "A2",
        "发现": "A2",
        **dict.fromkeys(cards, "A2"),
        "合规": "A3",
    }
    assert {s.title: s.freeze_panes for s in book if s.title in frozen} == frozen
    assert all(s.freeze_panes for s in book)
    summary = {r[0]: r[1] for r in book["摘要"].iter_rows(min_row=2, values_only=True)}
    assert (summary["读取单元格"], summary["错误"], summary["规则：source_conflict"]) == (643, 14, 2)
    values = book["数值"]
    header = [c.value for c in values[1]]
    assert header[:4] == ["名称", "年份", "层次", "类型"]
    column = header.index("毕业生人数（人）") + 1
    graduates = {(r[0].value, r[1].value): r[column - 1] for r in values.iter_rows(min_row=2)}
    assert graduates[(ZHONGZHI, 2023)].value == 7146 and graduates[(ZHONGZHI, 2023)].number_format == "#,##0"
    rate = header.index("毕业生本省去向落实率（%）")
    assert next(values.iter_rows(min_row=2))[rate].number_format == "#,##0.00"  # a % keeps two decimals
    letter = openpyxl.utils.get_column_letter(
        header.index("专业教学资源库数—国家级数量—接入国家智慧教育平台数量（个）") + 1
    )
    assert values.column_dimensions[letter].width >= 60  # 58 display columns of Chinese, capped at 60+


def test_findings_sheet_filters_and_colours_by_severity(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["发现"]
    total = sum(example().summary.findings.values())
    assert sheet.auto_filter.ref == f"A1:G{total + 1}"
    fills = {}
    for row in sheet.iter_rows(min_row=2):
        fills.setdefault(row[0].value, set()).add(row[0].fill.fgColor.rgb[-6:])
    assert fills == {"错误": {"FFC7CE"}, "警告": {"FFEB9C"}, "提示": {"DDEBF7"}}
    assert sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "source_conflict") == 2


def test_scorecard_sheet_is_ranked_and_compliance_is_a_coloured_matrix(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    card = [r for r in book["计分卡_学生发展指数（高职）"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in card] == [(2022, 1, GAOZHI), (2023, 1, GAOZHI)]
    card = [r for r in book["计分卡_学生发展指数（中职）"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in card] == [(2023, 1, ZHONGZHI)]  # never ranked against 高职
    assert card[0][3] == pytest.approx(100.0)
    sheet = book["合规"]
    rules = [c.value for c in sheet[2]]
    assert rules[:2] == ["名称", "年份"] and rules.count("结论") == 3
    colours = {"合格": "C6EFCE", "不合格": "FFC7CE", "未能判定": "EDEDED"}
    seen = set()
    for row in sheet.iter_rows(min_row=3):
        for cell, rule in zip(row[2:], rules[2:], strict=True):
            if rule != "结论" and cell.value is not None:
                assert cell.fill.fgColor.rgb[-6:] == colours[cell.value]
                seen.add(cell.value)
    assert seen == set(colours)
    zhongzhi = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == ZHONGZHI)
    verdicts = [v for v, rule in zip(zhongzhi, rules, strict=True) if rule == "结论"]
    assert [v for v in verdicts if v] == ["未能判定"]  # only the 中职 standard applies to the city


def test_the_values_sheet_reads_back_in_unchanged(workbook: Path) -> None:
    back = read_back(workbook, sheet="数值")
    assert inputs(back) == inputs(example())
    assert back.value(GAOZHI, 2022, "毕业生人数") == 65283


# --- HTML and its charts ----------------------------------------------------------------


def test_the_html_page_is_self_contained_and_escapes_text() -> None:
    page = html_document(example())
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    assert not re.search(r"<link|<img|\ssrc=|url\(|@import", page)
    assert set(re.findall(r"https?://[^\s\"'<]+", page)) == {"http://www.w3.org/2000/svg"}
    assert page.count('<svg class="chart"') == 4  # 高职 in 2022 and 2023 and its trend, 中职 in 2023
    assert page.count('<td class="pass">合格</td>') > 0 and '<td class="undecided">未能判定</td>' in page
    assert "&#x27;96?&#x27; is not a number" in page  # the seed's unparsable cell, escaped


def test_bar_chart_draws_ranked_bars_to_scale() -> None:
    svg = ET.fromstring(_svg.bar_chart([("乙<校>", 80.0), ("甲&校", 40.0), ("无", None)], "得分"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = svg.findall("s:rect", ns)
    assert len(bars) == 2  # no value, no bar
    assert float(bars[0].get("width", 0)) == pytest.approx(2 * float(bars[1].get("width", 0)), rel=1e-3)
    labels = [t.text for t in svg.findall("s:text", ns)]
    assert labels == ["得分", "乙<校>", "80.00", "甲&校", "40.00"]


def test_line_chart_draws_one_line_per_series_over_the_years() -> None:
    chart = _svg.line_chart(
        {"甲": [(2021, 1.0), (2022, 3.0)], "乙": [(2021, 2.0), (2022, None), (2023, 2.5)]}, "趋势"
    )
    svg = ET.fromstring(chart)
    ns = {"s": "http://www.w3.org/2000/svg"}
    lines = svg.findall("s:polyline", ns)
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]
    labels = {t.text for t in svg.findall("s:text", ns)}
    assert {"2021", "2022", "2023", "甲", "乙", "趋势", "3.00"} <= labels
    first = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    assert first[0][1] > first[1][1]  # 1 → 3 goes up the page
