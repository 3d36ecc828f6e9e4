"""JSON input in the shape of the JSON output's values: outputs read back
give the same values, with their provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vqr_metrics import Config, InputError, run
from vqr_metrics.api import render
from vqr_metrics.result import Result

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"


def _run(*paths: Path, fmt: str = "json") -> Result:
    return run(Config.build([str(p) for p in paths], plugins={"entry_points": False}, output={"format": fmt}))


def _values(result: Result, derived: bool) -> dict[tuple[str, int, str], float | None]:
    return {(v.entity, v.year, v.key): v.value for v in result.values if v.derived is derived}


def test_json_output_read_back_gives_the_same_values(tmp_path: Path) -> None:
    original = _run(GAOZHI, ZHONGZHI)
    path = tmp_path / "result.json"
    path.write_text(str(render(original, "json")), encoding="utf-8")

    back = _run(path)
    assert _values(back, False) == _values(original, False)
    assert _values(back, True) == _values(original, True)
    assert back.summary.cells == back.summary.figures == len(_values(original, False))
    (skipped,) = [f for f in back.findings if f.rule == "derived_skipped"]
    assert f"{original.summary.derived} derived" in skipped.message
    # provenance travels: the figure kept from the report, not the JSON file
    (graduates,) = [v for v in back.values if v.key == "sc_graduates" and v.year == 2022]
    (p,) = graduates.provenance
    assert (p.file, p.line, p.raw, p.table) == (str(GAOZHI), 553, "65283", "表 2.9 人才培养质量计分卡")


def test_bare_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "values.json"
    records = [
        {"entity": "某校", "year": 2023, "key": "sc_graduates", "value": 100},
        {"entity": "某校", "year": 2023, "name": "毕业去向落实人数", "value": 90, "unit": "人"},
        {"entity": "某校", "year": 2023, "key": "no_such_key", "value": 1},
        {"entity": "某校", "year": 2023, "key": "sc_bachelor", "value": None},
        {"entity": "某校", "year": 2023, "name": "月收入", "value": 3000, "unit": "人"},
        {"entity": "乙校", "year": 2023, "name": "月收入", "value": 0.3705, "unit": "万元"},
        "not a record",
    ]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = _run(path)
    assert result.value("某校", 2023, "毕业生人数") == 100
    assert result.value("某校", 2023, "毕业去向落实人数") == 90
    assert result.value("乙校", 2023, "月收入") == pytest.approx(3705)  # 万元 converted to 元
    cell_rules = sorted(f.rule for f in result.findings if f.cell)
    assert cell_rules == ["missing_value", "unit_mismatch", "unknown_indicator", "unknown_indicator"]
    assert result.summary.cells == 7 == result.summary.figures + result.summary.cell_findings
    where = [f.provenance[0].column for f in result.findings if f.rule == "unknown_indicator"]
    assert where == ["values[2]", "values[6]"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"values": [1,', r"values.json:1: not valid JSON"),
        ('{"summary": {}}', 'expected a list of values or an object with "values"'),
        ("42", 'expected a list of values or an object with "values"'),
    ],
)
def test_bad_json_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "values.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        _run(path)


def test_a_number_too_big_for_a_float_is_a_cell_finding(tmp_path: Path) -> None:
    path = tmp_path / "values.json"
    big = "1" + "0" * 400
    path.write_text(
        f'[{{"entity": "某校", "year": 2023, "key": "sc_graduates", "value": {big}}},'
        ' {"entity": "某校", "year": 2023, "key": "sc_bachelor", "value": 1e400}]',
        encoding="utf-8",
    )
    result = _run(path)
    assert [f.rule for f in result.findings if f.cell] == ["unparsable_value", "unparsable_value"]
    assert result.summary.cells == 2 and result.summary.figures == 0


@pytest.mark.parametrize("year", ["2023.5", "1" + "0" * 400, "1e400", "true", '"二〇二三"', "1800", "[2023]"])
def test_a_year_that_is_no_whole_year_is_a_cell_finding(tmp_path: Path, year: str) -> None:
    path = tmp_path / "values.json"
    path.write_text(
        f'[{{"entity": "某校", "year": {year}, "key": "sc_graduates", "value": 1}},'
        ' {"entity": "某校", "year": "2023", "key": "sc_bachelor", "value": 2}]',
        encoding="utf-8",
    )
    result = _run(path)
    (bad,) = [f for f in result.findings if f.cell]
    assert bad.rule == "bad_year" and bad.indicators == ("毕业生人数",) and "values[0]" in bad.message
    assert result.value("某校", 2023, "升入本科人数") == 2
    assert result.summary.cells == 2 == result.summary.figures + result.summary.cell_findings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "values.json: not valid JSON: nested too deeply"),
        ('[{"value": 1' + "0" * 5000 + "}]", "values.json: not valid JSON: Exceeds the limit"),
        ("", "values.json: the file is empty"),
        (" \n\t\n", "values.json: the file is empty"),
    ],
)
def test_unreadable_json_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "values.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        _run(path)


@pytest.mark.parametrize(
    "text", ["[]", '{"values": []}', '[{"key": "sc_graduates", "value": 1, "derived": true}]']
)
def test_json_with_nothing_to_read_is_a_warning(tmp_path: Path, text: str) -> None:
    path = tmp_path / "values.json"
    path.write_text(text, encoding="utf-8")
    result = _run(path)
    (warning,) = [f for f in result.findings if f.rule == "no_tables"]
    assert warning.severity == "warning" and str(path) in warning.message
    assert result.summary.cells == 0
