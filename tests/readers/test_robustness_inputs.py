"""End to end, through the command line: the inputs issue 12 found read wrongly
or silently — a cut file, no inputs, an input with no figure, Excel's Unicode
text, a bad year on an input, merged XLSX labels, title rows and semicolons
in a CSV, long formulas and huge exponents.  Each asserts the exit code, the
one line on stderr, no traceback, and that no value was lost or invented."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from vqr_metrics import cli
from vqr_metrics.testing import SEEDS, seed_dir

# Only the built-in plugins: tests never load what happens to be installed.
PLUGINS = "[plugins]\nentry_points = false\n"
ROWS = "entity,year,全日制在校生人数,专任教师总数\n甲校,2023,1800,100\n乙校,2023,900,60\n"
READ = {("甲校", 2023, "full_time_students"): 1800.0, ("甲校", 2023, "full_time_teachers"): 100.0}
READ |= {("乙校", 2023, "full_time_students"): 900.0, ("乙校", 2023, "full_time_teachers"): 60.0}


def _config(tmp_path: Path, *inputs: dict[str, Any], extra: str = "") -> Path:
    lines = []
    for spec in inputs:
        lines.append("[[inputs]]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n" + PLUGINS + extra, encoding="utf-8")
    return path


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    """Exit code, the JSON output (empty when the run failed) and stderr."""
    out = config.parent / "out.json"
    out.unlink(missing_ok=True)
    code = cli.main([str(config), "-f", "json", "-o", str(out), *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}, err


def _values(result: dict[str, Any]) -> dict[tuple[str, int, str], float]:
    return {(v["entity"], v["year"], v["key"]): v["value"] for v in result["values"] if not v["derived"]}


def _rules(result: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["rule"] == rule]


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vqr-score: error: "), err
    return lines[0]


def _seed(name: str) -> Path:
    folder = seed_dir()
    assert folder is not None
    return folder / SEEDS[name]


def test_a_report_cut_inside_a_character_is_read_up_to_the_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _seed("gaozhi").read_bytes()
    cut = tmp_path / "cut.txt"
    cut.write_bytes(whole.rstrip() + "（截".encode()[:-1])  # the last character lost its third byte
    code, result, _ = _run(_config(tmp_path, {"path": str(cut)}), capsys)
    assert code == 0
    (warning,) = _rules(result, "truncated_file")
    assert warning["severity"] == "warning" and "cut off" in warning["message"]
    assert (
        str(cut) in warning["message"] and warning["provenance"][0]["line"] == whole.rstrip().count(b"\n") + 1
    )
    shutil.copy(_seed("gaozhi"), tmp_path / "whole.txt")
    _, full, _ = _run(_config(tmp_path, {"path": str(tmp_path / "whole.txt")}), capsys)
    assert _values(result) == _values(full)  # every figure of the report, none invented
    assert result["summary"]["cells_read"] == full["summary"]["cells_read"] == 508
    assert _values(result)[("内蒙古自治区", 2023, "full_time_teachers")] == 12200.0


def test_a_gbk_csv_cut_inside_a_character_keeps_its_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((ROWS + "备").encode("gbk")[:-1])
    code, result, _ = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 0 and _values(result) == READ
    (warning,) = _rules(result, "truncated_file")
    assert "GB18030" in warning["message"] and warning["actual"] == "b1"


def test_a_file_bad_in_the_middle_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(ROWS.encode() + b"\xff\xfe\xfa,\n" + ROWS.encode()[:-3])
    code, result, err = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 2 and not result
    assert "neither UTF-8 nor GBK" in _one_error_line(err)


def test_no_inputs_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    code, result, err = _run(config, capsys)
    assert code == 2 and not result
    assert (
        _one_error_line(err)
        == f"vqr-score: error: {config}: no inputs: add an [[inputs]] table with a path, or pass data"
    )


@pytest.mark.parametrize(
    ("text", "rule", "why"),
    [
        ("entity,year,全日制在校生人数\n", "no_tables", "no rows under a header"),
        ("entity,year,全日制在校生人数\n甲校,2023,—\n乙校,2023,\n", "no_figures", "each of its 2 cell(s)"),
    ],
)
def test_an_input_without_a_figure_is_a_warning_on_stderr_and_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, rule: str, why: str
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text(text, encoding="utf-8")
    full = tmp_path / "full.csv"
    full.write_text(ROWS, encoding="utf-8")
    config = _config(tmp_path, {"path": str(empty)}, {"path": str(full)})
    code, result, err = _run(config, capsys)
    assert code == 0 and _values(result) == READ  # the other input still counts
    (finding,) = _rules(result, rule)
    assert finding["severity"] == "warning" and why in finding["message"] and str(empty) in finding["message"]
    warnings = [line for line in err.splitlines() if line.startswith("vqr-score: warning: ")]
    assert warnings == [f"vqr-score: warning: {finding['message']}"]
    code, _, _ = _run(config, capsys, "--fail-on", "warning")
    assert code == 1


def test_an_empty_file_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(" \n", encoding="utf-8")
    code, _, err = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 2 and _one_error_line(err).endswith("blank.csv: the file is empty")


@pytest.mark.parametrize("name", ["export.txt", "export.csv", "export.tsv"])
def test_excel_unicode_text_is_read_as_the_table_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(codecs.BOM_UTF16_LE + ROWS.replace(",", "\t").replace("\n", "\r\n").encode("utf-16-le"))
    code, result, err = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 0 and err.count("warning") == 0
    assert _values(result) == READ
    lines = {(v["entity"], v["provenance"][0]["line"]) for v in result["values"] if not v["derived"]}
    assert lines == {("甲校", 2), ("乙校", 3)}


def test_a_seed_report_is_still_read_as_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CSV reader now shares the .txt suffix; a report's first lines name no entity column."""
    code, result, _ = _run(_config(tmp_path, {"path": str(_seed("zhongzhi"))}), capsys)
    assert code == 0 and _values(result)[("呼和浩特市", 2023, "sc_graduates")] == 7146.0


@pytest.mark.parametrize(
    "bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_a_report_saved_as_utf16_text_is_read_as_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bom: bytes, codec: str
) -> None:
    """Notepad's and Word's "Unicode" text: the report reader, not the CSV one, reads it whole."""
    text = _seed("zhongzhi").read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(bom + text.replace("\n", "\r\n").encode(codec))
    code, result, _ = _run(_config(tmp_path, {"path": str(path)}), capsys)
    _, plain, _ = _run(_config(tmp_path, {"path": str(_seed("zhongzhi"))}), capsys)
    assert code == 0 and _values(result)[("呼和浩特市", 2023, "sc_graduates")] == 7146.0
    assert _values(result) == _values(plain)
    assert {v["provenance"][0]["file"] for v in result["values"] if not v["derived"]} == {str(path)}


@pytest.mark.parametrize("year", [99999, 0, 1948, 2101])
def test_a_year_on_an_input_is_range_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], year: int
) -> None:
    path = tmp_path / "d.csv"
    path.write_text("entity,全日制在校生人数\n甲校,1800\n", encoding="utf-8")
    code, result, err = _run(_config(tmp_path, {"path": str(path), "year": year}), capsys)
    assert code == 2 and not result
    assert _one_error_line(err).endswith(
        f"inputs #1.year {year} is not a year (a whole number from 1949 to 2100)"
    )
    code, result, _ = _run(_config(tmp_path, {"path": str(path), "year": 2100}), capsys)
    assert code == 0 and _values(result) == {("甲校", 2100, "full_time_students"): 1800.0}


def test_merged_xlsx_labels_fill_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["entity", "year", "全日制在校生人数", "专任教师总数"])
    for row in (
        ["甲校", 2022, 1800, 100],
        [None, 2023, 1900, 110],
        [None, 2024, 2000, 120],
        ["乙校", 2023, 900, 60],
    ):
        sheet.append(row)
    sheet.merge_cells("A2:A4")  # 甲校 labels three rows
    sheet.append(["丙校", 2023, 700, None])
    sheet.append([None, 2024, 750, None])
    sheet.merge_cells("A6:A7")
    sheet.merge_cells("C6:C7")  # a merged figure is one figure: never copied into the row below
    path = tmp_path / "merged.xlsx"
    book.save(path)
    code, result, _ = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 0
    got = _values(result)
    assert {k: v for k, v in got.items() if k[0] == "甲校"} == {
        ("甲校", 2022, "full_time_students"): 1800.0,
        ("甲校", 2022, "full_time_teachers"): 100.0,
        ("甲校", 2023, "full_time_students"): 1900.0,
        ("甲校", 2023, "full_time_teachers"): 110.0,
        ("甲校", 2024, "full_time_students"): 2000.0,
        ("甲校", 2024, "full_time_teachers"): 120.0,
    }
    assert (
        got[("丙校", 2023, "full_time_students")] == 700.0 and ("丙校", 2024, "full_time_students") not in got
    )
    blanks = [f for f in _rules(result, "missing_value") if (f["entity"], f["year"]) == ("丙校", 2024)]
    assert sorted(f["indicators"][0] for f in blanks) == ["专任教师总数", "全日制在校生人数"]
    assert {f["provenance"][0]["line"] for f in blanks} == {7}
    assert not _rules(result, "no_entity") and result["summary"]["cells_read"] == 12


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("2023年某市职业学校基本数据\n单位：人\n\n" + ROWS, 4),
        (ROWS.replace(",", ";"), 1),
        ("说明：以下为填报数据;;\n" + ROWS.replace(",", ";"), 2),
    ],
)
def test_title_rows_and_semicolons_are_recognised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int
) -> None:
    path = tmp_path / "titled.csv"
    path.write_text(text, encoding="utf-8")
    code, result, err = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 0 and "warning" not in err
    assert _values(result) == READ
    assert {
        v["provenance"][0]["line"] for v in result["values"] if v["entity"] == "甲校" and not v["derived"]
    } == {line + 1}
    titles = _rules(result, "title_row")
    assert [t["provenance"][0]["line"] for t in titles] == [
        n for n in range(1, line) if text.split("\n")[n - 1]
    ]


def test_a_csv_without_a_header_says_what_it_found_on_which_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text("某市数据汇总表\n学校|人数\n甲校|1800\n", encoding="utf-8")
    code, _, err = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 2
    line = _one_error_line(err)
    assert (
        "nohead.csv:1: no entity column" in line
        and "line 1 holds 1 cell(s)" in line
        and "'某市数据汇总表'" in line
    )


def test_a_long_formula_is_echoed_cut_to_120_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    formula = "全日制在校生人数 / " + " + ".join(["专任教师总数"] * 40) + " +"
    metric = f'[[metrics]]\nkey = "m"\nname = "测试比"\nformula = "{formula}"\n'
    path = tmp_path / "d.csv"
    path.write_text(ROWS, encoding="utf-8")
    code, _, err = _run(_config(tmp_path, {"path": str(path)}, extra=metric), capsys)
    assert code == 2
    line = _one_error_line(err)
    echoed = line[line.index("'全日制") :].split(": cannot parse")[0].split(": invalid")[0]
    quoted = echoed[: echoed.index("…") + 1]
    assert len(quoted) == 120 and quoted.startswith("'全日制在校生人数 / 专任教师总数 +")


def test_a_tower_of_powers_says_the_exponent_is_too_large(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metric = '[[metrics]]\nkey = "m"\nname = "测试幂"\nformula = "9**9**9**9"\n'
    path = tmp_path / "d.csv"
    path.write_text(ROWS, encoding="utf-8")
    code, _, err = _run(_config(tmp_path, {"path": str(path)}, extra=metric), capsys)
    assert code == 2
    assert "formula '9**9**9**9': the exponent '9 ** 9 ** 9' is too large (at most 16)" in _one_error_line(
        err
    )


def test_a_long_cell_is_echoed_cut_to_120_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(ROWS + "丙校,2023," + "多" * 300 + ",5\n", encoding="utf-8")
    code, result, _ = _run(_config(tmp_path, {"path": str(path)}), capsys)
    assert code == 0
    (bad,) = _rules(result, "unparsable_value")
    assert "'" + "多" * 118 + "…" in bad["message"] and len(bad["message"]) < 200
    assert bad["actual"] == "多" * 300  # the finding keeps the whole cell
    assert _values(result)[("丙校", 2023, "full_time_teachers")] == 5.0
