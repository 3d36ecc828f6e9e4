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


# --- school type and level columns: attributes of the entity, not figures -----------------------

RULES = Path(__file__).parents[2] / "configs" / "rules" / "gaozhi_2004.toml"
SCHOOLS = "甲校,2023,{},{},100\n乙校,2023,{},{},200\n乙校,2022,{},{},150\n"


@pytest.mark.parametrize(
    ("type_header", "level_header"),
    [
        ("类型", "层次"),
        ("type", "level"),
        ("学校类型", "办学层次"),
        ("院校类型", "学校层次"),
        ("Type", "LEVEL"),
    ],
)
def test_type_and_level_columns_set_entity_attributes(
    tmp_path: Path, type_header: str, level_header: str
) -> None:
    path = tmp_path / "wide.csv"
    rows = SCHOOLS.format("综合", "高职", "工科", "高等职业", "工科", "高职")
    path.write_text(f"名称,年份,{type_header},{level_header},毕业生人数\n{rows}", encoding="utf-8")
    result = _run(path)
    assert result.dataset is not None
    assert result.dataset.attributes == {
        "甲校": {"type": "综合", "level": "高职"},
        "乙校": {"type": "工科", "level": "高职"},
    }
    assert not [f for f in result.findings if f.severity == "error"]
    # three figures; the six attribute cells are no cells
    assert (result.summary.cells, result.summary.figures) == (3, 3)
    _accounted(result)


def test_attribute_columns_change_no_cell_accounting(tmp_path: Path) -> None:
    with_attributes, without = tmp_path / "with.csv", tmp_path / "without.csv"
    with_attributes.write_text(
        "名称,年份,类型,毕业生人数,全日制在校生人数,层次\n"
        "甲校,2023,综合,7146,—,中职\n"
        "乙校,2023,,x,100,\n"
        "丙校,2023,工科,1,2,高职,99\n",
        encoding="utf-8",
    )
    without.write_text(
        "名称,年份,毕业生人数,全日制在校生人数\n甲校,2023,7146,—\n乙校,2023,x,100\n丙校,2023,1,2,99\n",
        encoding="utf-8",
    )
    a, b = _run(with_attributes), _run(without)
    assert a.summary.cells == b.summary.cells == 7
    assert (a.summary.figures, a.summary.cell_findings) == (b.summary.figures, b.summary.cell_findings)
    assert [f.rule for f in a.findings if f.cell] == [f.rule for f in b.findings if f.cell]
    assert a.dataset is not None and b.dataset is not None
    # a blank cell gives no attribute
    assert a.dataset.attributes == {
        "甲校": {"type": "综合", "level": "中职"},
        "乙校": {},
        "丙校": {"type": "工科", "level": "高职"},
    }
    assert b.dataset.attributes == {"甲校": {}, "乙校": {}, "丙校": {}}


@pytest.mark.parametrize(
    ("printed", "level"), [("中职", "中职"), ("中等职业", "中职"), ("高等职业教育", "高职")]
)
def test_levels_as_printed(tmp_path: Path, printed: str, level: str) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"名称,年份,层次,指标,值\n某校,2023,{printed},毕业生人数,100\n", encoding="utf-8")
    result = _run(path)
    assert result.dataset is not None and result.dataset.attributes == {"某校": {"level": level}}
    assert result.value("某校", 2023, "毕业生人数") == 100


@pytest.mark.parametrize("printed", ["本科", "高中", "职业", "1"])
def test_a_level_neither_gaozhi_nor_zhongzhi_is_an_error(tmp_path: Path, printed: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(f"名称,年份,层次,类型,毕业生人数\n某校,2023,{printed},师范,100\n", encoding="utf-8")
    result = _run(path)
    (bad,) = [f for f in result.findings if f.rule == "bad_level"]
    assert bad.severity == "error" and not bad.cell
    assert f"{path}:2: 层次: level {printed!r} is not 高职 or 中职" in bad.message
    assert (bad.entity, bad.actual, bad.provenance[0].line) == ("某校", printed, 2)
    assert result.dataset is not None and result.dataset.attributes == {"某校": {"type": "师范"}}
    assert result.value("某校", 2023, "毕业生人数") == 100
    _accounted(result)


def test_rows_of_one_school_that_disagree_keep_the_first(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "名称,年份,指标,值,类型,层次\n"
        "甲校,2023,毕业生人数,100,综合,高职\n"
        "乙校,2023,毕业生人数,200,农林,中职\n"
        "甲校,2023,全日制在校生人数,900,工科,高等职业\n"
        "甲校,2022,毕业生人数,90,综合,中职\n",
        encoding="utf-8",
    )
    result = _run(path)
    type_conflict, level_conflict = [f for f in result.findings if f.rule == "attribute_conflict"]
    assert type_conflict.severity == level_conflict.severity == "error"
    assert (
        f"{path}:4: 类型: type of 甲校 given as '工科' here and as '综合' at {path}:2"
        in type_conflict.message
    )
    assert [p.line for p in type_conflict.provenance] == [4, 2]
    assert (
        f"{path}:5: 层次: level of 甲校 given as '中职' here and as '高职' at {path}:2"
        in level_conflict.message
    )
    assert (level_conflict.entity, level_conflict.year) == ("甲校", 2022)
    assert result.dataset is not None
    assert result.dataset.attributes == {
        "甲校": {"type": "综合", "level": "高职"},  # 高等职业 on line 4 is the same level: no conflict
        "乙校": {"type": "农林", "level": "中职"},
    }
    assert result.summary.figures == 4
    _accounted(result)


def test_an_attribute_of_a_row_without_entity_is_an_error_and_a_placeholder_is_none(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("名称,年份,类型,层次,毕业生人数\n,2023,综合,—,1\n某校,2023,无,-,2\n", encoding="utf-8")
    result = _run(path)
    (lost,) = [f for f in result.findings if f.rule == "no_entity" and not f.cell]
    assert lost.severity == "error" and f"{path}:2: 类型: '综合' belongs to no entity" in lost.message
    assert [f.rule for f in result.findings if f.cell] == ["no_entity"]  # the figure of that row
    assert result.dataset is not None and result.dataset.attributes == {"某校": {}}
    _accounted(result)


def test_type_and_level_on_the_input_override_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("名称,年份,类型,层次,毕业生人数\n某校,2023,综合,高职,1\n", encoding="utf-8")
    result = _run(path, type="工科", level="中职")
    assert result.dataset is not None and result.dataset.attributes == {
        "某校": {"type": "工科", "level": "中职"}
    }


def _books_compliance(path: Path, **spec: object) -> dict[str, dict[str, object]]:
    config = Config.build(
        [{"path": str(path), **spec}], plugins={"entry_points": False}, compliance=[{"rules": str(RULES)}]
    )
    results = run(config).compliance[0].to_record()["results"]
    return {r["entity"]: r for r in results if r["rule_id"] == "books_per_student"}


def test_the_type_column_decides_the_compliance_threshold(tmp_path: Path) -> None:
    # 70 万册 over 10000 students: 70 册/生, below 综合's 80 and above 工科's 60 (教发〔2004〕2号);
    # 折合在校生数 is given, so the value is the official one, not an upper bound of it.
    path = tmp_path / "schools.csv"
    path.write_text(
        "名称,年份,类型,层次,纸质图书,全日制在校生人数,折合在校生数\n"
        "综合学院,2023,综合,高职,70,10000,10000\n工科学院,2023,工科,高职,70,10000,10000\n",
        encoding="utf-8",
    )
    books = _books_compliance(path)
    assert [(e, r["type"], r["value"], r["threshold"], r["status"]) for e, r in sorted(books.items())] == [
        ("工科学院", "工科", 70.0, 60.0, "pass"),
        ("综合学院", "综合", 70.0, 80.0, "fail"),
    ]
    assert {r["status"] for r in _books_compliance(path, type="工科").values()} == {"pass"}
