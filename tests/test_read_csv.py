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
