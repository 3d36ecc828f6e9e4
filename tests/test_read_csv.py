"""CSV input: long and wide, UTF-8 with or without BOM, GBK/GB18030 as Excel
on Chinese Windows saves it (detected or named), every cell accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from vqr_metrics import Config, InputError, run
from vqr_metrics.result import Result

LONG = "名称,年份,指标,值,单位\n内蒙古自治区,2023,毕业生人数,69684,人\n内蒙古自治区,2023,生师比,17.25,:\n"
WIDE = '名称,年份,毕业生人数,全日制在校生人数\n呼和浩特市,2023,7146,"24,069"\n呼和浩特市,2022,—,23000\n'


def _run(path: Path, **spec: object) -> Result:
    return run(Config.build([{"path": str(path), **spec}], plugins={"entry_points": False}))


def _accounted(result: Result) -> None:
    s = result.summary
    assert s.cells == s.figures + s.cell_findings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    # Excel on Chinese Windows saves "CSV" as GBK with CRLF line ends
    path = tmp_path / "long.csv"
    path.write_bytes(LONG.replace("\n", "\r\n").encode(encoding))
    result = _run(path)
    assert result.value("内蒙古自治区", 2023, "毕业生人数") == 69684
    assert result.value("内蒙古自治区", 2023, "生师比") == 17.25
    _accounted(result)


def test_gbk_bytes_are_really_not_utf8(tmp_path: Path) -> None:
    data = WIDE.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "wide.csv"
    path.write_bytes(data)
    result = _run(path)
    assert result.value("呼和浩特市", 2023, "全日制在校生人数") == 24069
    assert result.value("呼和浩特市", 2022, "毕业生人数") is None
    assert [f.rule for f in result.findings if f.cell] == ["missing_value"]
    _accounted(result)


def test_explicit_encoding(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(WIDE.encode("gbk"))
    assert _run(path, encoding="gbk").value("呼和浩特市", 2023, "毕业生人数") == 7146
    with pytest.raises(InputError, match=r"not valid utf-8 at byte \d+; check encoding"):
        _run(path, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        _run(path, encoding="klingon")


def test_bytes_neither_utf8_nor_gbk_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"entity,year\n\x81\x30\xff\xff\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GBK/GB18030"):
        _run(path)


def test_long_row_with_more_cells_than_headers(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG + "内蒙古自治区,2023,月收入,3705,元,3647,\n", encoding="utf-8")
    result = _run(path)
    assert result.value("内蒙古自治区", 2023, "月收入") == 3705
    (extra,) = [f for f in result.findings if f.rule == "extra_cells"]
    assert extra.cell and extra.provenance[0].line == 4 and extra.provenance[0].raw == "3647"
    assert result.summary.cells == 4  # three values and the stray cell; the trailing empty one holds nothing
    _accounted(result)


def test_wide_row_with_more_cells_than_headers(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE + "呼和浩特市,2021,7000,22000,99\n", encoding="utf-8")
    result = _run(path)
    (extra,) = [f for f in result.findings if f.rule == "extra_cells"]
    assert extra.cell and extra.year == 2021 and "99" in extra.message
    _accounted(result)


def test_unknown_indicator_is_a_cell_finding(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG + "内蒙古自治区,2023,毕业生总数,1,人\n", encoding="utf-8")
    result = _run(path)
    (unknown,) = [f for f in result.findings if f.rule == "unknown_indicator"]
    assert unknown.cell and "did you mean" in unknown.message
    _accounted(result)


def test_no_entity_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("年份,毕业生人数\n2023,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"wide.csv:1: no entity column"):
        _run(path)
    assert _run(path, entity="某校").value("某校", 2023, "毕业生人数") == 1


@pytest.mark.parametrize("year", ["inf", "-inf", "nan", "1e400", "2023.7", "1800", "2101", "23", "二〇二三"])
def test_a_year_that_is_no_whole_year_is_a_finding_for_each_cell(tmp_path: Path, year: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        f"名称,年份,毕业生人数,全日制在校生人数\n某校,{year},100,—\n某校,2023,7,8\n", encoding="utf-8"
    )
    result = _run(path)
    bad = [f for f in result.findings if f.rule == "bad_year"]
    assert [f.indicators for f in bad] == [("毕业生人数",), ("全日制在校生人数",)]
    assert all(f.cell and f.severity == "error" and repr(year) in f.message for f in bad)
    assert {(v.year, v.value) for v in result.values if not v.derived} == {(2023, 7), (2023, 8)}
    assert result.summary.cells == 4
    _accounted(result)


@pytest.mark.parametrize("year", ["2023", "2023.0", "２０２３", "2023年", "2023年度", " 2023 "])
def test_whole_years_as_printed(tmp_path: Path, year: str) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"名称,年份,指标,值\n某校,{year},毕业生人数,100\n", encoding="utf-8")
    result = _run(path)
    assert result.value("某校", 2023, "毕业生人数") == 100
    assert not [f for f in result.findings if f.rule == "bad_year"]


@pytest.mark.parametrize("text", ["", "   ", "\r\n\n\t\n", "\ufeff"])
def test_an_empty_file_is_one_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"empty.csv: the file is empty"):
        _run(path)


@pytest.mark.parametrize("text", ["名称,年份,毕业生人数\n", ",,,\n,,\n", "名称,年份,毕业生人数\n,,\n"])
def test_a_file_with_nothing_to_read_is_a_warning(tmp_path: Path, text: str) -> None:
    path = tmp_path / "header.csv"
    path.write_text(text, encoding="utf-8")
    result = _run(path)
    (warning,) = [f for f in result.findings if f.rule == "no_tables"]
    assert warning.severity == "warning" and str(path) in warning.message
    assert result.summary.cells == 0
