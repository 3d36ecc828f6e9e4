"""XLSX input: sheets in the report layout (one table per sheet, read through
the templates like report text) and long or wide sheets (like CSV)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from vqr_metrics import Config, InputError, run
from vqr_metrics.result import Result

openpyxl = pytest.importorskip("openpyxl")
ArrayFormula = pytest.importorskip("openpyxl.worksheet.formula").ArrayFormula

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _run(*inputs: Path | dict[str, object]) -> Result:
    specs = [i if isinstance(i, dict) else {"path": str(i)} for i in inputs]
    return run(Config.build(specs, plugins={"entry_points": False}))


def _figures(result: Result) -> set[tuple[str, int, str, float | None]]:
    return {(v.entity, v.year, v.key, v.value) for v in result.values if not v.derived}


def _excel_cell(text: str) -> object:
    """A printed cell as Excel holds it: numbers become numbers."""
    text = text.strip()
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text or None


def _put(sheet: object, row: list[object], number_format: str | None = None) -> None:
    """Append a row; ``number_format`` formats its last cell."""
    sheet.append(row)  # type: ignore[attr-defined]
    if number_format:
        sheet.cell(sheet.max_row, len(row)).number_format = number_format  # type: ignore[attr-defined]


def test_report_layout_sheets_read_like_the_report_text(tmp_path: Path) -> None:
    # 000's appendix (lines 1136-1292): one sheet per 表 N, caption row first, as printed
    lines = GAOZHI.read_text(encoding="utf-8").splitlines()[1135:1292]
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheet = None
    for line in lines:
        if line.startswith("表 "):
            sheet = book.create_sheet(f"附表{len(book.sheetnames) + 1}")
        assert sheet is not None
        _put(sheet, [_excel_cell(c) for c in line.split("\t")])
    path = tmp_path / "appendix.xlsx"
    book.save(path)
    text = tmp_path / "appendix.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")

    from_xlsx, from_text = _run(path), _run(text)
    assert _figures(from_xlsx) == _figures(from_text)
    assert from_xlsx.summary.cells == from_text.summary.cells == 134
    assert from_xlsx.summary.cells == from_xlsx.summary.figures + from_xlsx.summary.cell_findings
    value = next(v for v in from_xlsx.values if v.key == "res_quality_school_platform")
    (p,) = value.provenance
    assert p.file == f"{path}#附表3" and p.table == "表 3 教学资源表" and p.raw == "63"
    assert p.line == 1202 - 1172 + 1  # row of the sheet


def test_sheet_name_as_caption_and_number_formats(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教学资源表"
    _put(sheet, ["序号", "指标", "单位", "值"])
    _put(sheet, [1, "生师比", ":", 12.4], "0.00")  # shows 12.40, as 002 line 992 prints it
    _put(sheet, [2, "双师素质专任教师比例", "%", 0.2411], "0.00%")  # shows 24.11%
    _put(sheet, [3, "高级专业技术职务专任教师比例", "%", "—"])
    path = tmp_path / "resources.xlsx"
    book.save(path)
    result = _run({"path": str(path), "entity": "呼和浩特市", "year": 2023})
    assert result.value("呼和浩特市", 2023, "生师比") == 12.4
    assert result.value("呼和浩特市", 2023, "双师素质专任教师比例") == 24.11
    raws = {p.raw for v in result.values for p in v.provenance}
    assert {"12.40", "24.11%"} <= raws
    assert [f.rule for f in result.findings if f.cell] == ["missing_value"]


def test_long_and_wide_sheets_round_trip(tmp_path: Path) -> None:
    original = _run(ZHONGZHI)
    inputs = [v for v in original.values if not v.derived]
    book = openpyxl.Workbook()
    long = book.active
    long.title = "long"
    _put(long, ["名称", "年份", "指标", "值", "单位"])
    for v in inputs:
        _put(long, [v.entity, v.year, v.key, v.value, v.unit])
    wide = book.create_sheet("wide")
    keys = [v.key for v in inputs]
    _put(wide, ["entity", "year", *keys])
    _put(wide, [inputs[0].entity, inputs[0].year, *(v.value for v in inputs)])
    path = tmp_path / "values.xlsx"
    book.save(path)
    for sheet in ("long", "wide"):
        back = _run({"path": str(path), "sheet": sheet})
        assert _figures(back) == _figures(original)
        assert back.summary.cells == back.summary.figures == len(inputs)


def test_bad_workbooks_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "计分卡"
    book.save(path)
    with pytest.raises(InputError, match=r"no sheet '记分卡'.*did you mean: 计分卡"):
        _run({"path": str(path), "sheet": "记分卡"})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"not a readable \.xlsx workbook"):
        _run(broken)
    empty = _run(path)  # an empty sheet holds nothing
    assert empty.summary.cells == 0 and [f.rule for f in empty.findings] == ["no_tables"]


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Change the first sheet's XML in place, as a damaged or hand-made file has it."""
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for item, data in items:
            out.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)


def _wide_book(path: Path, *rows: list[object]) -> None:
    book = openpyxl.Workbook()
    book.active.title = "学生"
    _put(book.active, ["名称", "年份", "毕业生人数", "全日制在校生人数"])
    for row in rows:
        _put(book.active, row)
    book.save(path)


def test_a_sheet_cut_short_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    _wide_book(path, ["某校", 2023, 100, 200])
    _rewrite_sheet(path, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(InputError, match=r"cut\.xlsx: sheet '学生' cannot be read \(ParseError: "):
        _run(path)


def test_a_formula_without_a_saved_value_is_an_error_not_a_blank(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    _wide_book(path, ["某校", 2023, "=D2-10", None], ["某校", 2022, 100, "=C3*2"])
    result = _run(path)
    formulas = [f for f in result.findings if f.rule == "formula_without_value"]
    assert [(f.year, f.indicators, f.provenance[0].raw) for f in formulas] == [
        (2023, ("毕业生人数",), "=D2-10"),
        (2022, ("全日制在校生人数",), "=C3*2"),
    ]
    assert all(f.cell and f.severity == "error" and "Excel/WPS" in f.message for f in formulas)
    (blank,) = [f for f in result.findings if f.rule == "missing_value"]  # D2 holds nothing at all
    assert blank.year == 2023 and blank.indicators == ("全日制在校生人数",)
    assert result.value("某校", 2022, "毕业生人数") == 100
    assert result.summary.cells == 4 == result.summary.figures + result.summary.cell_findings


def test_a_formula_in_a_report_layout_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教学资源表"
    _put(sheet, ["序号", "指标", "单位", "值"])
    _put(sheet, [1, "生师比", ":", "=10+2.4"])
    _put(sheet, [2, "双师素质专任教师比例", "%", ArrayFormula("D3:D3", "=D2*2")])
    path = tmp_path / "resources.xlsx"
    book.save(path)
    result = _run({"path": str(path), "entity": "呼和浩特市", "year": 2023})
    ratio, array = [f for f in result.findings if f.cell]
    assert ratio.rule == array.rule == "formula_without_value"
    assert ratio.indicators == ("生师比",) and array.indicators == ("双师素质专任教师比例",)
    assert ratio.provenance[0].table == "教学资源表" and ratio.provenance[0].line == 2
    assert array.provenance[0].raw == "=D2*2"


def test_a_formula_with_its_saved_value_gives_the_value(tmp_path: Path) -> None:
    path = tmp_path / "saved.xlsx"
    _wide_book(path, ["某校", 2023, "=D2-10", 200])
    # what Excel writes: the formula and the value it last calculated
    _rewrite_sheet(path, lambda xml: xml.replace(b"<f>D2-10</f><v />", b"<f>D2-10</f><v>190</v>"))
    result = _run(path)
    assert result.value("某校", 2023, "毕业生人数") == 190
    assert result.summary.cells == result.summary.figures == 2


def test_numbers_beyond_a_float_are_cell_findings(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    _wide_book(path, ["某校", 2023, 123456789, 1e300])
    _rewrite_sheet(path, lambda xml: xml.replace(b"<v>123456789</v>", b"<v>1" + b"0" * 400 + b"</v>"))
    result = _run(path)
    (garbage,) = [f for f in result.findings if f.cell]
    assert garbage.rule == "unparsable_value" and garbage.indicators == ("毕业生人数",)
    assert garbage.provenance[0].raw == "1" + "0" * 400
    assert result.value("某校", 2023, "全日制在校生人数") == 1e300


def test_empty_files_and_workbooks(tmp_path: Path) -> None:
    for content in (b"", b"  \n"):
        path = tmp_path / "empty.xlsx"
        path.write_bytes(content)
        with pytest.raises(InputError, match=r"empty\.xlsx: the file is empty"):
            _run(path)
    path = tmp_path / "blank.xlsx"
    book = openpyxl.Workbook()
    book.create_sheet("二")
    book.save(path)
    for spec, why in [({}, "no sheet holds a table"), ({"sheet": "二"}, "sheet '二' holds no table")]:
        result = _run({"path": str(path), **spec})
        (warning,) = [f for f in result.findings if f.rule == "no_tables"]
        assert warning.severity == "warning" and f"{path}: no figures read: {why}" in warning.message
        assert result.summary.cells == 0


def test_type_and_level_columns_on_long_and_wide_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    wide = book.active
    wide.title = "学校"
    _put(wide, ["学校名称", "年份", "学校类型", "办学层次", "毕业生人数"])
    _put(wide, ["甲校", 2023, "综合", "高职", 100])
    _put(wide, ["乙校", 2023, "民族", "高等职业", 200])
    long = book.create_sheet("指标")
    _put(long, ["名称", "年份", "指标", "值", "类型", "层次"])
    _put(long, ["甲校", 2023, "全日制在校生人数", 1000, "综合", "高职"])
    _put(long, ["乙校", 2023, "全日制在校生人数", 2000, "工科", None])  # disagrees with sheet 学校
    _put(long, ["丙校", 2023, "全日制在校生人数", 3000, "农林", "本科"])
    path = tmp_path / "schools.xlsx"
    book.save(path)
    result = _run(path)
    assert result.dataset is not None
    assert result.dataset.attributes == {
        "甲校": {"type": "综合", "level": "高职"},
        "乙校": {"type": "民族", "level": "高职"},
        "丙校": {"type": "农林"},
    }
    (conflict,) = [f for f in result.findings if f.rule == "attribute_conflict"]
    assert f"{path}#指标:3: 类型: type of 乙校 given as '工科' here and as '民族' at {path}#学校:3" in (
        conflict.message
    )
    (bad,) = [f for f in result.findings if f.rule == "bad_level"]
    assert f"{path}#指标:4: 层次: level '本科' is not 高职 or 中职" in bad.message
    assert not [f for f in result.findings if f.rule == "unknown_indicator"]
    assert result.summary.cells == result.summary.figures == 5
