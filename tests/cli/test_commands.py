"""The vqr-score subcommands (check, init, the listings), extends, help, did-you-mean and progress."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from vqr_metrics import cli, progress
from vqr_metrics.config import load_config
from vqr_metrics.errors import ConfigError

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "examples" / "seeds"
EXAMPLE = ROOT / "configs" / "example.toml"
TINY = (Path(__file__).parents[1] / "support" / "plugins" / "tiny.py").as_posix()
NO_EP = "--no-entry-points"  # tests never load whatever happens to be installed


def tiny_config(folder: Path, data: str, body: str = "") -> Path:
    (folder / "d.csv").write_text(data, encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(f'[plugins]\nfiles = ["{TINY}"]\n\n[[inputs]]\npath = "d.csv"\n{body}', encoding="utf-8")
    return path


def test_check_prints_the_seed_findings_errors_first_and_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # findings name their file relative to the working folder
    assert cli.main(["check", str(EXAMPLE), NO_EP]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    severities = [next(w for w in ("error", "warning", "info") if f" {w} [" in f" {line}") for line in lines]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    # the real conflict of 000: 专任教师总数 8668 in 表 3.6 against 11500 in 表 3.4
    (conflict,) = [line for line in lines if ":773: error [source_conflict]" in line]
    assert conflict.startswith(
        "examples/seeds/000_26576409a80910f8.txt:773: error [source_conflict] 内蒙古自治区 2022: "
    )
    assert "prints 8668 but" in conflict and "prints 11500" in conflict
    errors = severities.count("error")
    assert errors > 0
    assert captured.err.splitlines()[-1] == f"vqr-score: {errors} error findings (check)"


def test_check_of_clean_data_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny_config(tmp_path, "entity,year,测试在校生数,测试教师数\n甲校,2023,300,20\n")
    assert cli.main(["check", str(path), NO_EP, "-q"]) == 0
    captured = capsys.readouterr()
    assert "error [" not in captured.out and captured.err == ""


def test_init_writes_a_config_that_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path)
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")  # unreadable: listed commented out
    assert cli.main(["init", str(tmp_path), NO_EP]) == 0
    target = tmp_path / "vqr.toml"
    text = target.read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    inputs = {i["path"]: i for i in doc["inputs"]}
    assert set(inputs) == {"000_26576409a80910f8.txt", "002_7d1635ab68301fb1.txt"}
    assert inputs["000_26576409a80910f8.txt"]["entity"] == "内蒙古自治区"
    assert "level" not in inputs["000_26576409a80910f8.txt"]  # the provincial report does not say
    assert inputs["002_7d1635ab68301fb1.txt"] == {
        "path": "002_7d1635ab68301fb1.txt",
        "entity": "呼和浩特市",
        "level": "中职",
    }
    assert "# year = 2023" in text and "the file holds 2023, 2022" in text
    assert '# path = "notes.txt"' in text and "the file is empty" in text
    (card,) = doc["scorecards"]
    assert card["level"] == "中职" and card["weights"] == "equal" and len(card["indicators"]) == 4
    assert [Path(c["rules"]).name for c in doc["compliance"]] == ["zhongzhi_2010.toml"]
    for option in ("# format = ", "# encoding = ", "# sheet = ", "# sections = ", "# lang = ", "# layout = "):
        assert option in text
    assert "# yoy_jump_factor = 3.0" in text and "# year_over_year = true" in text
    capsys.readouterr()
    assert cli.main([str(target), NO_EP, "-f", "json", "-o", str(tmp_path / "r.json")]) == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (scored,) = result["scorecards"]
    assert {r["entity"] for r in scored["results"]} == {"呼和浩特市"}  # no ranking mixes the levels
    assert cli.main(["init", str(tmp_path), NO_EP]) == 2
    assert "vqr.toml exists; --force overwrites it" in capsys.readouterr().err
    target.write_text("# mine\n", encoding="utf-8")
    assert cli.main(["init", str(tmp_path), NO_EP]) == 2 and target.read_text(encoding="utf-8") == "# mine\n"
    assert cli.main(["init", str(tmp_path), NO_EP, "--force"]) == 0
    assert tomllib.loads(target.read_text(encoding="utf-8"))["inputs"] == doc["inputs"]


def test_init_reads_entities_levels_and_years_of_a_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schools.csv").write_text(
        "entity,year,层次,全日制在校生人数,专任教师总数\n甲职业技术学院,2023,高职,1800,100\n",
        encoding="utf-8",
    )
    assert cli.main(["init", str(tmp_path), NO_EP]) == 0
    doc = tomllib.loads((tmp_path / "vqr.toml").read_text(encoding="utf-8"))
    assert doc["inputs"] == [{"path": "schools.csv", "entity": "甲职业技术学院", "level": "高职"}]
    assert {Path(c["rules"]).name for c in doc["compliance"]} == {
        "gaozhi_2004.toml",
        "ideology_counselor.toml",
    }
    assert cli.main(["init", str(tmp_path / "nowhere"), NO_EP]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["init", str(empty), NO_EP]) == 2
    assert "no report text, CSV or XLSX file" in capsys.readouterr().err


def test_listings_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["metrics", NO_EP, "--format", "json"]) == 0
    metrics = {m["key"]: m for m in json.loads(capsys.readouterr().out)}
    placement = metrics["graduate_placement_rate"]
    assert placement == {
        "key": "graduate_placement_rate",
        "name": "毕业去向落实率",
        "unit": "%",
        "table": "人才培养质量计分卡",
        "formula": "sc_placed / sc_graduates * 100",
        "plugin": "vqr_metrics_plugins.tables.appendix.scorecard",
    }
    assert not any(k.endswith("_yoy") for k in metrics)
    assert cli.main(["metrics", NO_EP, "--format", "json", "--all"]) == 0
    assert "graduate_placement_rate_yoy" in {m["key"] for m in json.loads(capsys.readouterr().out)}
    assert cli.main(["indicators", NO_EP, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeffkey,name,label,unit,table,formula,plugin\n")
    assert (
        "sc_graduates,毕业生人数,毕业生人数,人,人才培养质量计分卡,,vqr_metrics_plugins.tables.appendix.scorecard"
        in out
    )
    assert cli.main(["tables", NO_EP, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| scorecard " in out and "人才培养质量计分卡" in out and "计分卡" in out
    assert cli.main(["tables", NO_EP]) == 0
    assert "满意度调查表" in capsys.readouterr().out
    assert cli.main(["plugins", NO_EP, "--format", "json"]) == 0
    plugins = {p["plugin"]: p for p in json.loads(capsys.readouterr().out)}
    assert plugins["vqr_metrics_plugins.tables.appendix.scorecard"]["tables"] == ["人才培养质量计分卡"]
    assert plugins["vqr_metrics_plugins.tables.core_data.faculty"]["tables"] == ["师资队伍核心数据"]


def test_listing_with_a_config_includes_its_declarations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_config(tmp_path, "entity,year,测试在校生数\n甲校,2023,1\n")
    assert cli.main(["metrics", "--config", str(path), NO_EP, "-f", "json"]) == 0
    ratio = next(m for m in json.loads(capsys.readouterr().out) if m["key"] == "tiny_ratio")
    assert ratio["name"] == "生师比（测试）" and ratio["formula"] == "测试在校生数 / 测试教师数"


def test_extends_merges_deeply_relative_to_each_file(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "d.csv").write_text("entity,year,测试在校生数\n甲校,2023,1\n", encoding="utf-8")
    (tmp_path / "base" / "base.toml").write_text(
        f'[plugins]\nfiles = ["{TINY}"]\n\n[[inputs]]\npath = "d.csv"\n\n'
        '[output]\nformat = "csv"\npath = "out/r.csv"\n\n[checks]\nfactor = 2.0\n',
        encoding="utf-8",
    )
    child = tmp_path / "child.toml"
    child.write_text('extends = ["base/base.toml"]\n\n[output]\nformat = "json"\n', encoding="utf-8")
    config = load_config(child)
    assert [spec.path for spec in config.inputs] == [str(tmp_path / "base" / "d.csv")]
    assert config.output.format == "json"  # the including file wins
    assert config.output.path == str(tmp_path / "base" / "out" / "r.csv")  # the rest of [output] kept
    assert config.checks == {"factor": 2.0}


def test_extends_cycles_and_missing_bases_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = ["b.toml"]\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "a.toml")
    assert f"extends cycle: {tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'} -> {tmp_path / 'a.toml'}" in str(
        info.value
    )
    (tmp_path / "c.toml").write_text('extends = ["gone.toml"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c.toml: extends 'gone.toml', but .*gone.toml does not exist"):
        load_config(tmp_path / "c.toml")
    (tmp_path / "d.toml").write_text("extends = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="extends must be a list of config files"):
        load_config(tmp_path / "d.toml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chek", "x.toml"], "unknown command 'chek' (did you mean: check?)"),
        (["indicatros"], "(did you mean: indicators?)"),
        ([str(EXAMPLE), "--stirct"], "unrecognized arguments: --stirct (did you mean: --strict?)"),
        ([str(EXAMPLE), "--fail-on", "eror"], "invalid choice: 'eror'"),
        (["metrics", "--formt", "json"], "(did you mean: --format?)"),
    ],
)
def test_a_typo_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    if "eror" in message:
        assert "(did you mean: error?)" in err


def test_help_shows_examples_and_exit_codes_and_imports_nothing_heavy() -> None:
    code = (
        "import sys\nfrom vqr_metrics.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "print(sorted({'pyarrow', 'numpy', 'openpyxl', 'pluggy', 'tqdm'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "examples:" in out and "vqr-score check configs/example.toml" in out
    assert "exit codes:" in out and "130" in out and "--fail-on" in out
    assert out.strip().splitlines()[-1] == "[]"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


SENSITIVITY = """
[[scorecards]]
name = "测试指数"
normalize = "minmax"
weights = "explicit"
  [[scorecards.indicators]]
  metric = "测试在校生数"
  weight = 0.5
  [[scorecards.indicators]]
  metric = "测试教师数"
  weight = 0.5
  [scorecards.sensitivity]
  draws = 40
"""


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], terminal: bool
) -> None:
    data = "entity,year,测试在校生数,测试教师数\n甲校,2023,300,20\n乙校,2023,200,30\n丙校,2023,100,10\n"
    path = tiny_config(tmp_path, data, SENSITIVITY)
    monkeypatch.setattr(progress, "DELAY", 0.0)  # the seeds run too fast for the one-second delay
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert cli.main([str(path), NO_EP, "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scorecards"][0]["sensitivity"]["draws"] == 40
    bar = "测试指数: Monte Carlo draws"
    assert (f"{bar}:   0%|" in stderr.getvalue() and "/40 " in stderr.getvalue()) is terminal
    assert ("inputs read:   0%|" in stderr.getvalue() and "0/1 " in stderr.getvalue()) is terminal
    stderr.truncate(0)
    assert cli.main([str(path), NO_EP, "-f", "json", "--no-progress"]) == 0
    assert bar not in stderr.getvalue()


def test_steps_pass_items_through_unchanged() -> None:
    assert list(progress.steps(iter([3, 1, 2]), "x")) == [3, 1, 2]
    with progress.shown(False):
        assert list(progress.steps(range(3), "x")) == [0, 1, 2]
