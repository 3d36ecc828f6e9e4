"""Config validation and the vqr-score command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from vqr_metrics import cli
from vqr_metrics.config import Config, load_config
from vqr_metrics.errors import ConfigError

TINY = (Path(__file__).parents[1] / "support" / "plugins" / "tiny.py").as_posix()


def write_config(folder: Path, body: str, data: str | None = None) -> Path:
    if data is not None:
        (folder / "data").mkdir(exist_ok=True)
        (folder / "data" / "d.csv").write_text(data, encoding="utf-8")
    path = folder / "config.toml"
    head = f'[plugins]\nentry_points = false\nfiles = ["{TINY}"]\n\n'
    path.write_text(head + body, encoding="utf-8")
    return path


DATA = "entity,year,测试在校生数,测试教师数\n甲校,2023,300,20\n乙校,2023,100,0\n"
INPUT = '[[inputs]]\npath = "data/d.csv"\n'


def test_paths_are_relative_to_the_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, INPUT + '[output]\npath = "out/r.json"\n', DATA))
    assert config.inputs[0].path == str(tmp_path / "data" / "d.csv")
    assert config.output.path == str(tmp_path / "out" / "r.json")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[inputs]]\npaht = "x.csv"\n', "unknown key 'paht' in inputs #1 (did you mean: path?)"),
        ("[[inputs]]\nyear = 2023\n", "inputs #1 needs a path (or a database and a table)"),
        ('[[inputs]]\npath = "x.csv"\nyear = "2023"\n', "inputs #1.year must be a int, not str"),
        ('[[inputs]]\npath = "x.csv"\nlevel = "本科"\n', "level must be one of 高职, 中职"),
        ('[ouput]\nformat = "json"\n', "unknown key 'ouput' in the config (did you mean: output?)"),
        ('[output]\nfromat = "json"\n', "unknown key 'fromat' in [output] (did you mean: format?)"),
        ("[engine]\nyear_over_yaer = true\n", "(did you mean: year_over_year?)"),
        ("this is not toml", "invalid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_key_and_file(tmp_path: Path, body: str, message: str) -> None:
    path = write_config(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_check_option_and_format_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, INPUT + "[checks]\nfactr = 2\n", DATA)
    assert cli.main([str(path)]) == 2
    assert "unknown key 'factr' in [checks] (did you mean: factor?)" in capsys.readouterr().err
    path = write_config(tmp_path, INPUT + '[output]\nformat = "jsn"\n', DATA)
    assert cli.main([str(path)]) == 2
    assert "unknown output format 'jsn'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "data", "message"),
    [
        ('[[inputs]]\npath = "missing.csv"\n', None, "missing.csv does not exist"),
        ('[[inputs]]\npath = "data/d.csv"\nformat = "xls"\n', DATA, "unknown format 'xls'"),
        ('[[inputs]]\npath = "data/d.csv"\nencoding = "klingon"\n', DATA, "unknown encoding 'klingon'"),
        ('[[inputs]]\npath = "data/d.csv"\n', "", "the file is empty"),
        ('[[inputs]]\npath = "data/d.csv"\n', "year,x\n2023,1\n", "no entity column"),
        ('[[metrics]]\nkey = "m"\nname = "甲"\nformula = "测试在校生数 /"\n', None, "cannot parse formula"),
        ('[[metrics]]\nkey = "m"\nname = "甲"\nformula = "在校人数 / 2"\n', None, "did you mean"),
        ('[[metrics]]\nkey = "M"\nname = "甲"\nformula = "1"\n', None, "lower-case ASCII"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, data: str | None, message: str
) -> None:
    path = write_config(tmp_path, body, data)
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_config_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["/no/such/config.toml"]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_every_format_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    path = write_config(tmp_path, INPUT, DATA)
    assert cli.main([str(path), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "甲校" in out and "15" in out


def test_json_output_shape_and_output_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, INPUT + '[output]\nformat = "table"\npath = "out/x.txt"\n', DATA)
    target = tmp_path / "elsewhere.json"
    assert cli.main([str(path), "-f", "json", "-o", str(target)]) == 0
    assert not (tmp_path / "out").exists()
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert set(doc) == {"summary", "values", "findings", "scorecards", "compliance"}
    value = next(v for v in doc["values"] if v["key"] == "tiny_ratio" and v["entity"] == "甲校")
    assert {"entity", "year", "key", "name", "unit", "value", "derived"} <= set(value)
    assert value["value"] == 15 and value["derived"] is True and value["name"] == "生师比（测试）"
    finding = next(f for f in doc["findings"] if f["rule"] == "zero_denominator")
    assert {"severity", "rule", "entity", "year", "indicators", "message"} <= set(finding)
    assert finding["entity"] == "乙校" and finding["severity"] == "warning"
    assert doc["summary"]["cells_read"] == 4


def test_output_path_from_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, INPUT + '[output]\nformat = "csv"\npath = "out/r.csv"\n', DATA)
    assert cli.main([str(path)]) == 0
    text = (tmp_path / "out" / "r.csv").read_text(encoding="utf-8")
    assert text.startswith('\ufeff"record","entity","year","key"')
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert any(
        r["record"] == "value" and (r["entity"], r["year"], r["key"]) == ("甲校", "2023", "tiny_ratio")
        for r in rows
    )
    summary = {r["key"]: r["value"] for r in rows if r["record"] == "summary"}
    assert (summary["cells_read"], summary["findings_warning"]) == ("4", "1")


def test_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, INPUT, DATA)
    assert cli.main([str(path), "--fail-on", "error"]) == 0
    assert cli.main([str(path), "--fail-on", "warning"]) == 1  # the zero denominator


def test_config_declared_metric(tmp_path: Path) -> None:
    metric = (
        'key = "teachers_per_100"\nname = "百名学生测试教师数"\nformula = "测试教师数 / 测试在校生数 * 100"\n'
    )
    body = INPUT + "[[metrics]]\n" + metric
    path = write_config(tmp_path, body, DATA)
    from vqr_metrics import run

    result = run(path)
    assert result.value("甲校", 2023, "百名学生测试教师数") == pytest.approx(20 / 3)


def test_build_in_python_matches_toml(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    config = Config.build(
        ["d.csv"],
        base_dir=tmp_path,
        plugins={"entry_points": False, "files": [TINY]},
        output={"format": "json"},
    )
    assert config.inputs[0].path == str(tmp_path / "d.csv")
    from vqr_metrics import run

    assert run(config).value("甲校", 2023, "tiny_ratio") == 15
    with pytest.raises(ConfigError, match="unknown key 'ouptut'"):
        Config.build([], ouptut={})


def test_to_pandas_without_pandas_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from vqr_metrics import run

    result = run(write_config(tmp_path, INPUT, DATA))
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        result.to_pandas()


def test_to_pandas_when_installed(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    from vqr_metrics import run

    frames = run(write_config(tmp_path, INPUT, DATA)).to_pandas()
    values = frames["values"]
    assert set(frames) == {"values", "findings", "scores", "compliance", "verdicts"}
    assert values.loc[(values.key == "tiny_ratio") & (values.entity == "甲校"), "value"].item() == 15


def test_checks_must_be_a_table_and_option_values_keep_their_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="checks must be a table"):
        Config.build([], checks=5)
    path = write_config(tmp_path, INPUT + '[checks]\nfactor = "two"\n', DATA)
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "[checks].factor must be a number like its default 1.0, not 'two'" in err and str(path) in err
    path = write_config(tmp_path, INPUT + "[checks]\nfactor = true\n", DATA)
    assert cli.main([str(path)]) == 2
    assert "not True" in capsys.readouterr().err


def test_output_never_overwrites_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, INPUT, DATA)
    before = (tmp_path / "data" / "d.csv").read_text(encoding="utf-8")
    assert cli.main([str(path), "-o", str(tmp_path / "data" / "d.csv")]) == 2
    assert "is also read by this run" in capsys.readouterr().err
    assert cli.main([str(path), "-o", str(path)]) == 2
    assert (tmp_path / "data" / "d.csv").read_text(encoding="utf-8") == before


def test_output_format_follows_the_output_suffix(tmp_path: Path) -> None:
    path = write_config(tmp_path, INPUT + '[output]\nformat = "table"\n', DATA)
    assert cli.main([str(path), "-o", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["cells_read"] == 4
    assert cli.main([str(path), "-o", str(tmp_path / "r.md")]) == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# vqr-score")
    assert cli.main([str(path), "-o", str(tmp_path / "r.out")]) == 2  # a suffix no writer knows
    assert not (tmp_path / "r.out").exists()
    path = write_config(tmp_path, INPUT + '[output]\npath = "x.csv"\n', DATA)
    assert cli.main([str(path)]) == 0
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").startswith('\ufeff"record",')


def test_a_folder_as_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data").mkdir()
    path = write_config(tmp_path, '[[inputs]]\npath = "data"\n')
    assert cli.main([str(path)]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


def test_units_in_headers_and_scaled_units(vqr_config) -> None:  # type: ignore[no-untyped-def]
    path = vqr_config.csv(
        "u.csv",
        [
            ["entity", "year", "测试在校生数(人)", "测试经费（元）", "测试教师数（万元）"],
            ["甲校", 2023, 900, 1234500, 3],
        ],
    )
    long = vqr_config.csv(
        "l.csv", [["entity", "year", "indicator", "value", "unit"], ["乙校", 2023, "测试经费", 20000, "元"]]
    )
    from tests.support.plugins import tiny

    result = (
        vqr_config.add_input(path)
        .add_input(long)
        .run(
            tiny,
            builtins=("vqr_metrics_plugins.readers.csv_reader", "vqr_metrics_plugins.writers.text_writers"),
        )
    )
    assert result.value("甲校", 2023, "tiny_students") == 900
    assert result.value("甲校", 2023, "测试经费") == pytest.approx(123.45)
    assert result.value("乙校", 2023, "测试经费") == pytest.approx(2)
    notes = [f for f in result.findings if f.rule == "unit_converted"]
    assert len(notes) == 2 and not any(f.cell for f in notes)
    (wrong,) = [f for f in result.findings if f.rule == "unknown_indicator"]
    assert "测试教师数 is in '人', not '万元'" in wrong.message
    assert result.summary.cells == result.summary.figures + result.summary.cell_findings


def test_utf16_with_bom_is_read(vqr_config) -> None:  # type: ignore[no-untyped-def]
    from tests.support.plugins import tiny

    path = vqr_config.write("u16.csv", "\ufeffentity,year,测试在校生数\n甲校,2023,5\n", encoding="utf-16-le")
    result = vqr_config.add_input(path).run(
        tiny, builtins=("vqr_metrics_plugins.readers.csv_reader", "vqr_metrics_plugins.writers.text_writers")
    )
    assert result.value("甲校", 2023, "tiny_students") == 5


def test_output_never_overwrites_rule_or_plugin_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, INPUT, DATA)
    assert cli.main([str(path), "-o", TINY]) == 2
    assert "is also read by this run" in capsys.readouterr().err
    (tmp_path / "rules.toml").write_text('name = "x"\n', encoding="utf-8")
    body = INPUT + '[[compliance]]\nrules = "rules.toml"\n'
    path = write_config(tmp_path, body, DATA)
    assert cli.main([str(path), "-o", str(tmp_path / "rules.toml")]) == 2
    assert (tmp_path / "rules.toml").read_text(encoding="utf-8") == 'name = "x"\n'


def test_entity_override_reports_attributes_it_cannot_merge(vqr_config) -> None:  # type: ignore[no-untyped-def]
    from tests.support.plugins import tiny

    path = vqr_config.csv(
        "two.csv",
        [["entity", "year", "类型", "测试在校生数"], ["甲校", 2023, "综合", 5], ["乙校", 2023, "工科", 6]],
    )
    result = vqr_config.add_input(path, entity="全市").run(
        tiny, builtins=("vqr_metrics_plugins.readers.csv_reader", "vqr_metrics_plugins.writers.text_writers")
    )
    (note,) = [f for f in result.findings if f.rule == "attribute_conflict"]
    assert note.entity == "全市" and "'综合', '工科'" in note.message
    assert result.dataset is not None and result.dataset.attributes["全市"]["type"] == "综合"
    assert [f.rule for f in result.findings if f.rule == "source_conflict"] == ["source_conflict"]
