"""New yearly indicators without touching the core: TOML indicator files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vqr_metrics import cli, run
from vqr_metrics.config import load_config
from vqr_metrics.declarative import load_declarations
from vqr_metrics.errors import ConfigError, FormulaError, PluginError
from vqr_metrics.testing import SEEDS, make_catalog, seed_dir

SEED_002 = (seed_dir() or Path("examples/seeds")) / SEEDS["zhongzhi"]

INDICATORS_2024 = """
[[indicators]]
key = "psych_counsellors"
name = "心理健康教育专职教师数"
table = "落实政策表"
unit = "人"
since = 2023
aliases = ["专职心理健康教育教师数"]

[[metrics]]
key = "students_per_psych_counsellor"
name = "心理健康教育教师生师比"
formula = "全日制在校生人数 / psych_counsellors"
unit = ":1"

[[tables]]
key = "mental_health"
name = "心理健康教育情况表"
aliases = ["心理健康表"]

[[indicators]]
key = "counselling_rooms"
name = "心理咨询室数"
table = "mental_health"
unit = "间"
"""


TABLE_WITH_ROWS = """
[[tables]]
key = "mental_health"
name = "心理健康教育情况表"

[[tables.rows]]
no = 1
key = "mh_counsellors"
name = "心理健康教育专职教师数"
unit = "人"
aliases = ["专职心理健康教育教师数"]

[[tables.rows]]
no = ""
key = "mh_certified"
name = "持证教师数"
unit = "人"
parent = "mh_counsellors"
relation = "subset"

[[tables.rows]]
no = "2"
key = "mh_rooms"
name = "心理咨询室数"
unit = "间"

[[tables.rows]]
no = ""
key = "mh_rooms_area"
name = "心理咨询室数"
unit = "平方米"
parent = "mh_rooms"
relation = "other_unit"

[[indicators]]
no = "3"
key = "mh_hotlines"
name = "心理援助热线数"
table = "心理健康教育情况表"
unit = "条"

[[metrics]]
key = "mh_certified_share"
name = "持证心理教师比例"
formula = "持证教师数 / 心理健康教育专职教师数 * 100"
unit = "%"
bounds = [0, 100]

[[metrics]]
key = "mh_area_per_room"
name = "心理咨询室平均面积"
formula = "mh_rooms_area / mh_rooms"
unit = "平方米"
bounds = [0, inf]
"""


def policy_table_with_new_row(year_line: bool = True) -> str:
    """Seed 002's 附表 6 as printed, plus the new row a 2024 notice adds."""
    lines = SEED_002.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("附表 6："))  # not the contents page
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("22\t"))
    table = lines[start : end + 1]
    table.append("23\t心理健康教育专职教师数\t人\t60")
    head = ["呼和浩特市中等职业教育质量年度报告（2023 年度）", ""] if year_line else []
    return "\n".join(head + table) + "\n"


def write_config(folder: Path, inputs: str, extra: str = "") -> Path:
    (folder / "indicators").mkdir(exist_ok=True)
    (folder / "indicators" / "2024.toml").write_text(INDICATORS_2024, encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(
        '[plugins]\nentry_points = false\nfiles = ["indicators/2024.toml"]\n\n' + inputs + extra,
        encoding="utf-8",
    )
    return config


def test_new_indicator_flows_from_a_csv_column_into_a_metric_and_a_scorecard(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(
        "entity,year,全日制在校生人数,心理健康教育专职教师数,心理咨询室数\n甲校,2023,9000,3,4\n乙校,2023,8000,4,2\n",
        encoding="utf-8",
    )
    scorecard = """
[[scorecards]]
name = "心理健康配备"
normalize = "ratio_to_best"
weights = "equal"
  [[scorecards.indicators]]
  metric = "心理健康教育教师生师比"
  direction = "lower"
  [[scorecards.indicators]]
  metric = "心理咨询室数"
"""
    result = run(write_config(tmp_path, '[[inputs]]\npath = "d.csv"\n', scorecard))
    assert result.value("甲校", 2023, "students_per_psych_counsellor") == 3000
    assert result.value("乙校", 2023, "心理健康教育教师生师比") == 2000
    assert result.value("甲校", 2023, "counselling_rooms") == 4
    (card,) = result.to_records()["scorecards"]
    ranks = {r["entity"]: r["rank"] for r in card["results"]}
    assert set(ranks) == {"甲校", "乙校"} and sorted(ranks.values()) == [1, 2]


def test_a_table_with_its_rows_in_one_file_reads_from_a_csv(tmp_path: Path) -> None:
    (tmp_path / "mh.toml").write_text(TABLE_WITH_ROWS, encoding="utf-8")
    (tmp_path / "d.csv").write_text(
        "entity,year,专职心理健康教育教师数,持证教师数,mh_rooms,mh_rooms_area,心理援助热线数\n甲校,2023,4,3,2,90,1\n",
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\nfiles = ["mh.toml"]\n[[inputs]]\npath = "d.csv"\n', encoding="utf-8"
    )
    config = load_config(tmp_path / "c.toml")
    catalog = make_catalog(load_declarations(tmp_path / "mh.toml"))
    rows = catalog.rows_of("mental_health")
    assert [(r.number, r.key, r.unit) for r in rows] == [
        ("1", "mh_counsellors", "人"),
        ("", "mh_certified", "人"),
        ("2", "mh_rooms", "间"),
        ("", "mh_rooms_area", "平方米"),
        ("3", "mh_hotlines", "条"),
    ]
    assert [c.key for c in catalog.children("mh_rooms")] == ["mh_rooms_area"]
    assert catalog.metrics["mh_area_per_room"].bounds == (0, None)
    result = run(config)
    assert result.value("甲校", 2023, "mh_counsellors") == 4
    assert result.value("甲校", 2023, "持证心理教师比例") == 75
    assert result.value("甲校", 2023, "mh_area_per_room") == 45
    assert result.value("甲校", 2023, "心理援助热线数") == 1
    assert not [f for f in result.findings if f.severity == "error"]


def test_new_indicator_flows_from_a_report_row(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(policy_table_with_new_row(), encoding="utf-8")
    inputs = '[[inputs]]\npath = "report.txt"\nentity = "呼和浩特市"\n'
    result = run(write_config(tmp_path, inputs))
    assert result.value("呼和浩特市", 2023, "psych_counsellors") == 60
    assert result.value("呼和浩特市", 2023, "心理健康教育教师生师比") == pytest.approx(24069 / 60)
    (value,) = [v for v in result.values if v.key == "psych_counsellors"]
    assert value.provenance[0].line == len(policy_table_with_new_row().splitlines())
    assert value.provenance[0].table.startswith("附表 6")
    assert not [f for f in result.findings if f.rule == "unknown_indicator"]


def test_without_the_indicator_file_the_row_is_a_finding_not_lost(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(policy_table_with_new_row(), encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(
        '[plugins]\nentry_points = false\n[[inputs]]\npath = "report.txt"\nentity = "呼和浩特市"\n',
        encoding="utf-8",
    )
    result = run(config)
    unmatched = [f for f in result.findings if f.cell and "心理健康教育专职教师数" in f.message]
    assert len(unmatched) == 1 and unmatched[0].severity == "error"
    assert result.summary.cells == result.summary.figures + result.summary.cell_findings


def test_a_since_after_the_data_year_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(
        "entity,year,全日制在校生人数,心理健康教育专职教师数\n甲校,2022,9000,3\n", encoding="utf-8"
    )
    result = run(write_config(tmp_path, '[[inputs]]\npath = "d.csv"\n'))
    assert result.value("甲校", 2022, "psych_counsellors") is None
    (finding,) = [f for f in result.findings if f.rule == "indicator_not_in_year"]
    assert finding.year == 2022 and "2023" in finding.message and finding.cell


def test_versioned_indicator_serves_two_editions(tmp_path: Path) -> None:
    (tmp_path / "ind.toml").write_text(
        '[[indicators]]\nkey = "old_row"\nname = "旧口径人数"\ntable = "落实政策表"\nuntil = 2023\n'
        '[[indicators]]\nkey = "new_row"\nname = "新口径人数"\ntable = "落实政策表"\nsince = 2024\n',
        encoding="utf-8",
    )
    (tmp_path / "d.csv").write_text(
        "entity,year,indicator,value\n甲校,2023,旧口径人数,5\n甲校,2024,新口径人数,6\n甲校,2024,旧口径人数,7\n",
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\nfiles = ["ind.toml"]\n[[inputs]]\npath = "d.csv"\n',
        encoding="utf-8",
    )
    result = run(tmp_path / "c.toml")
    assert result.value("甲校", 2023, "old_row") == 5
    assert result.value("甲校", 2024, "new_row") == 6
    assert result.value("甲校", 2024, "old_row") is None
    assert [f.year for f in result.findings if f.rule == "indicator_not_in_year"] == [2024]


@pytest.mark.parametrize(
    ("declaration", "error", "message"),
    [
        (
            '[[metrics]]\nkey = "m1"\nname = "甲"\nformula = "全日制在校生数 / 2"\n',
            FormulaError,
            "unknown indicator or metric '全日制在校生数' (did you mean: 全日制在校生人数",
        ),
        (
            '[[metrics]]\nkey = "m1"\nname = "甲"\nformula = "m2 + 1"\n'
            '[[metrics]]\nkey = "m2"\nname = "乙"\nformula = "m1 + 1"\n',
            FormulaError,
            "cycle: m1 -> m2 -> m1",
        ),
        (
            '[[metrics]]\nkey = "m1"\nname = "甲"\nformula = "全日制在校生人数 + 年财政专项拨款"\n',
            FormulaError,
            "mixes units '人' and '万元'",
        ),
        (
            '[[metrics]]\nkey = "graduate_placement_rate"\nname = "甲"\nformula = "1"\n',
            PluginError,
            "duplicate metric id 'graduate_placement_rate': registered by plugin 'vqr_metrics_plugins.",
        ),
        (
            '[[indicators]]\nkey = "x1"\nname = "甲"\ntable = "落实政策"\n',
            PluginError,
            "names unknown table '落实政策' (did you mean: 落实政策表?)",
        ),
        ('[[indicators]]\nkey = "x1"\nnmae = "甲"\n', ConfigError, "unknown key 'nmae' in indicators #1"),
        ('[[metrics]]\nkey = "x1"\nname = "甲"\n', ConfigError, "metrics #1 needs a 'formula'"),
        ("[[metric]]\n", ConfigError, "unknown key 'metric' in the indicator file (did you mean: metrics?)"),
        (
            '[[tables]]\nkey = "t1"\nname = "甲表"\n[[tables.rows]]\nkey = "r1"\nnmae = "甲"\n',
            ConfigError,
            "unknown key 'nmae' in tables #1.rows #1 (did you mean: name?)",
        ),
        (
            '[[tables]]\nkey = "t1"\nname = "甲表"\n[[tables.rows]]\nkey = "r1"\nname = "甲"\ntable = "t1"\n',
            ConfigError,
            "unknown key 'table' in tables #1.rows #1",
        ),
        (
            '[[tables]]\nkey = "t1"\nname = "甲表"\n[[tables.rows]]\nkey = "r1"\nname = "甲"\nno = 1.5\n',
            ConfigError,
            "tables #1.rows #1.no must be a str or int, not float",
        ),
        (
            '[[metrics]]\nkey = "m1"\nname = "甲"\nformula = "1"\nbounds = [0]\n',
            ConfigError,
            "metrics #1.bounds must be [low, high] (-inf or inf for an open side)",
        ),
    ],
)
def test_declared_entries_get_the_same_checks(
    tmp_path: Path, declaration: str, error: type[Exception], message: str
) -> None:
    (tmp_path / "bad.toml").write_text(declaration, encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\nfiles = ["bad.toml"]\n', encoding="utf-8"
    )
    with pytest.raises(error) as info:
        run(tmp_path / "c.toml")
    assert message in str(info.value)


def test_bad_indicator_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.toml").write_text("[[indicators]\nkey =", encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\nfiles = ["bad.toml"]\n', encoding="utf-8"
    )
    assert cli.main([str(tmp_path / "c.toml")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: invalid TOML" in err and err.count("\n") == 1


def test_config_may_declare_metrics_directly(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(
        "entity,year,全日制在校生人数,专任教师总数\n甲校,2023,900,60\n", encoding="utf-8"
    )
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\n[[inputs]]\npath = "d.csv"\n'
        '[[metrics]]\nkey = "teachers_per_100"\nname = "百名学生专任教师数"\n'
        'formula = "专任教师总数 / 全日制在校生人数 * 100"\nunit = "人"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "c.toml")
    result = run(config)
    assert result.value("甲校", 2023, "百名学生专任教师数") == pytest.approx(60 / 9)
    assert result.value("甲校", 2023, "teachers_per_100") == pytest.approx(60 / 9)


def test_indicator_file_shows_up_in_plugins_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "")
    assert cli.main(["plugins", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "2024.toml" in out and "students_per_psych_counsellor" in out and "mental_health" in out


def test_a_table_versioned_by_year_takes_its_rows_with_it(tmp_path: Path) -> None:
    (tmp_path / "ind.toml").write_text(
        '[[tables]]\nkey = "pilot"\nname = "试点情况表"\nsince = 2024\n'
        '[[indicators]]\nkey = "pilot_schools"\nname = "试点学校数"\ntable = "pilot"\nunit = "所"\n',
        encoding="utf-8",
    )
    (tmp_path / "d.csv").write_text("entity,year,试点学校数\n甲校,2023,2\n甲校,2024,3\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        '[plugins]\nentry_points = false\nfiles = ["ind.toml"]\n[[inputs]]\npath = "d.csv"\n',
        encoding="utf-8",
    )
    result = run(tmp_path / "c.toml")
    assert result.value("甲校", 2024, "pilot_schools") == 3
    assert result.value("甲校", 2023, "pilot_schools") is None
    (finding,) = [f for f in result.findings if f.rule == "indicator_not_in_year"]
    assert finding.year == 2023 and "2024–" in finding.message
