"""Compliance rule sets: hand data, the shipped rule files, and the seeds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.scoring.support import dataset, plan
from vqr_metrics.api import run
from vqr_metrics.config import Config, load_config
from vqr_metrics.result import Result

ROOT = Path(__file__).parents[2]
RULES = """
name = "测试办学条件"
source = "测试〔2024〕1号"
level = "高职"

[[rules]]
id = "ratio"
name = "生师比"
metric = ["a", "b"]
op = "<="
thresholds = { "综合/师范" = 18, "工科" = 16 }

[[rules]]
id = "share"
name = "双师比例"
metric = "c"
op = ">="
threshold = 30
source = "测试〔2024〕1号 第二条"

[[rules]]
id = "monitor"
name = "监测指标"
metric = "d"
op = ">"
threshold = 5
counts = false

[[decision]]
failed = 1
verdict = "限制招生"
card = "黄牌"

[[decision]]
failed = 2
verdict = "暂停招生"
card = "红牌"
"""


def outcome(tmp_path: Path, values: dict[tuple[str, int], dict[str, float | None]], **entry: Any) -> Any:
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    attributes = {
        "甲": {"type": "综合", "level": "高职"},
        "乙": {"type": "工科"},
        "丙": {},
        "丁": {"level": "中职"},
    }
    data = dataset(values, attributes=attributes)
    return plan(compliance=[{"rules": "rules.toml", **entry}], base_dir=tmp_path).run(data)


def by_rule(record: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["entity"], r["rule_id"]): r for r in record["results"]}


def test_pass_fail_margin_and_verdict_by_hand(tmp_path: Path) -> None:
    out = outcome(
        tmp_path,
        {
            ("甲", 2023): {"a": 17.0, "c": 25.0, "d": 1.0},  # ratio passes by 1, share fails by 5
            ("乙", 2023): {"b": 17.0, "c": 31.0, "d": 9.0},  # 工科: 17 > 16 fails (a missing: b used)
        },
    )
    record = out.compliance[0].to_record()
    rules = by_rule(record)
    assert (rules[("甲", "ratio")]["passed"], rules[("甲", "ratio")]["margin"]) == (True, 1.0)
    assert (rules[("甲", "share")]["passed"], rules[("甲", "share")]["margin"]) == (False, -5.0)
    assert rules[("甲", "share")]["source"] == "测试〔2024〕1号 第二条"
    assert rules[("甲", "ratio")]["source"] == "测试〔2024〕1号"
    assert (rules[("乙", "ratio")]["metric"], rules[("乙", "ratio")]["threshold"]) == ("b", 16.0)
    assert rules[("乙", "ratio")]["status"] == "fail"
    verdicts = {v["entity"]: v for v in record["verdicts"]}
    # the monitoring rule (counts = false) fails for 甲 but is not counted
    assert (verdicts["甲"]["verdict"], verdicts["甲"]["card"], verdicts["甲"]["failed"]) == (
        "限制招生",
        "黄牌",
        1,
    )
    assert verdicts["乙"]["verdict"] == "限制招生"
    assert record["source"] == "测试〔2024〕1号" and record["level"] == "高职"


def test_two_failures_suspend_enrolment(tmp_path: Path) -> None:
    out = outcome(tmp_path, {("甲", 2023): {"a": 19.0, "c": 10.0}})
    verdict = out.compliance[0].to_record()["verdicts"][0]
    assert (verdict["verdict"], verdict["card"], verdict["failed_rules"]) == (
        "暂停招生",
        "红牌",
        ["生师比", "双师比例"],
    )
    assert verdict["determined"] is True


def test_missing_inputs_are_not_assessed_never_passed(tmp_path: Path) -> None:
    out = outcome(tmp_path, {("甲", 2023): {"a": 17.0}})
    record = out.compliance[0].to_record()
    rules = by_rule(record)
    assert rules[("甲", "share")]["passed"] is None
    assert rules[("甲", "share")]["status"] == "not assessed"
    verdict = record["verdicts"][0]
    # 0 failed, 1 counted rule open: 合格 … 限制招生 — not determined
    assert (verdict["verdict"], verdict["at_least"], verdict["at_most"]) == ("未能判定", "合格", "限制招生")
    info = [f for f in out.findings if f.rule == "compliance_not_assessed"]
    assert {(f.severity, f.indicators) for f in info} == {("info", ("丙指标",)), ("info", ("丁指标",))}


def test_school_type_from_config_or_entry(tmp_path: Path) -> None:
    values = {("丙", 2023): {"a": 17.0, "c": 40.0, "d": 6.0}}
    out = outcome(tmp_path, values)
    rule = by_rule(out.compliance[0].to_record())[("丙", "ratio")]
    assert rule["status"] == "not assessed" and "type" in rule["note"]
    assert any(f.severity == "warning" and "school type is not set" in f.message for f in out.findings)
    out = outcome(tmp_path, values, type="工科")
    rule = by_rule(out.compliance[0].to_record())[("丙", "ratio")]
    assert (rule["threshold"], rule["status"], rule["type"]) == (16.0, "fail", "工科")


def test_rule_sets_apply_to_their_level_only(tmp_path: Path) -> None:
    out = outcome(tmp_path, {("丁", 2023): {"a": 1.0}, ("甲", 2023): {"a": 1.0}})
    assert {v["entity"] for v in out.compliance[0].to_record()["verdicts"]} == {"甲"}


def test_imputed_values_are_never_judged(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    data = dataset(
        {
            ("甲", 2023): {"a": 10.0, "c": 40.0},
            ("乙", 2023): {"a": 30.0, "c": 10.0},
            ("丙", 2023): {"c": 20.0},
        }
    )
    card = {
        "name": "x",
        "missing": "impute_mean",
        "indicators": [{"metric": "a", "weight": 1}, {"metric": "c", "weight": 1}],
    }
    scored = plan([card], [{"rules": "rules.toml", "type": "综合"}], base_dir=tmp_path).run(data)
    # the scorecard imputed 20 for 丙; the dataset the rules read stays as reported
    assert scored.imputations.values["a"].tolist() == [20.0] and data.value("丙", 2023, "a") is None
    assert by_rule(scored.compliance[0].to_record())[("丙", "ratio")]["status"] == "not assessed"


PROXY_RULES = """
name = "代理指标"
source = "测试〔2024〕2号"

[[rules]]
id = "r"
name = "代理"
metric = "a"
op = "{op}"
threshold = 30
proxy = "{proxy}"
note = "报告口径与标准口径不同"

[[decision]]
failed = 1
verdict = "不达标"
"""


@pytest.mark.parametrize(
    ("proxy", "op", "value", "status"),
    [
        # a lower bound (the standard's value ≥ the reported one) proves a pass of ≥ and a failure of ≤
        ("lower_bound", ">=", 35.0, "pass"),
        ("lower_bound", ">=", 30.0, "pass"),
        ("lower_bound", ">=", 25.0, "inconclusive"),
        ("lower_bound", ">", 30.0, "inconclusive"),
        ("lower_bound", "<=", 35.0, "fail"),
        ("lower_bound", "<=", 25.0, "inconclusive"),
        ("lower_bound", "<", 30.0, "fail"),
        # an upper bound (the standard's value ≤ the reported one): the mirror image
        ("upper_bound", "<=", 25.0, "pass"),
        ("upper_bound", "<=", 35.0, "inconclusive"),
        ("upper_bound", ">=", 25.0, "fail"),
        ("upper_bound", ">=", 35.0, "inconclusive"),
        ("upper_bound", "<", 30.0, "inconclusive"),
        ("upper_bound", ">", 30.0, "fail"),
    ],
)
def test_a_proxy_proves_only_one_direction(
    tmp_path: Path, proxy: str, op: str, value: float, status: str
) -> None:
    (tmp_path / "rules.toml").write_text(PROXY_RULES.format(op=op, proxy=proxy), encoding="utf-8")
    out = plan(compliance=[{"rules": "rules.toml"}], base_dir=tmp_path).run(
        dataset({("甲", 2023): {"a": value}})
    )
    record = out.compliance[0].to_record()
    (rule,) = record["results"]
    assert (rule["status"], rule["proxy"]) == (status, proxy)
    assert rule["passed"] is {"pass": True, "fail": False, "inconclusive": None}[status]
    (verdict,) = record["verdicts"]
    inconclusive = [f for f in out.findings if f.rule == "compliance_inconclusive"]
    if status == "inconclusive":
        assert (verdict["failed"], verdict["inconclusive_rules"], verdict["not_assessed_rules"]) == (
            0,
            ["代理"],
            [],
        )
        assert (verdict["verdict"], verdict["at_least"], verdict["at_most"]) == ("未能判定", "合格", "不达标")
        assert "proves no" in rule["note"] and "报告口径与标准口径不同" in rule["note"]
        assert [f.severity for f in inconclusive] == ["info"]
    else:
        assert verdict["verdict"] == ("合格" if status == "pass" else "不达标")
        assert verdict["determined"] and not inconclusive
        assert rule["note"] == "报告口径与标准口径不同"


def test_rule_set_filters_that_match_nothing_are_said_so(tmp_path: Path) -> None:
    values = {("甲", 2023): {"a": 17.0}, ("乙", 2023): {"a": 17.0}}
    out = outcome(tmp_path, values, entities=["甲", "不存在"], years=[2023, 2030])
    assert {v["entity"] for v in out.compliance[0].to_record()["verdicts"]} == {"甲"}
    (warning,) = [f for f in out.findings if f.rule == "compliance_filter"]
    assert warning.severity == "warning" and warning.message.startswith("测试办学条件: ")
    assert "'不存在' is not an entity of the inputs" in warning.message
    assert "years: 2030 not in the inputs (they hold 2023)" in warning.message
    out = outcome(tmp_path, values, years=[2030])
    assert out.compliance[0].to_record()["verdicts"] == []
    (warning,) = [f for f in out.findings if f.rule == "compliance_filter"]
    assert "its filters (level = '高职', years = [2030]) keep no entity-year" in warning.message
    assert not [
        f for f in outcome(tmp_path, values, entities=["乙"]).findings if f.rule == "compliance_filter"
    ]


# --- the shipped rule files on the seed reports --------------------------------


def run_seed(tmp_path: Path, seed: str, rules: str, **input_options: Any) -> Result:
    config = Config.build(
        [{"path": str(ROOT / "examples/seeds" / seed), **input_options}],
        plugins={"entry_points": False},
        compliance=[{"rules": str(ROOT / "configs/rules" / rules)}],
    )
    return run(config)


def verdicts(result: Result) -> dict[tuple[str, int], dict[str, Any]]:
    return {(v["entity"], v["year"]): v for v in result.compliance[0].to_record()["verdicts"]}


def test_zhongzhi_seed_fails_one_rule_and_the_dual_share_proves_nothing(tmp_path: Path) -> None:
    result = run_seed(tmp_path, "002_7d1635ab68301fb1.txt", "zhongzhi_2010.toml", level="中职")
    rules = {r["rule_id"]: r for r in result.compliance[0].to_record()["results"]}
    senior, dual = rules["senior_title_teacher_share"], rules["dual_qualified_teacher_share"]
    assert (senior["value"], senior["threshold"], senior["status"]) == (13.53, 20.0, "fail")
    assert senior["margin"] == pytest.approx(-6.47)
    # 24.11 % of all 专任教师 is a lower bound of the share of 专业教师 the standard means:
    # below 30 it proves no failure
    assert (dual["value"], dual["threshold"], dual["proxy"]) == (24.11, 30.0, "lower_bound")
    assert (dual["status"], dual["passed"]) == ("inconclusive", None)
    assert dual["margin"] == pytest.approx(-5.89)
    assert "lower bound" in dual["note"] and "专业教师" in dual["note"]
    assert rules["student_teacher_ratio"]["status"] == "pass"
    assert rules["equipment_value_per_student"]["value"] == 11579.65
    verdict = verdicts(result)[("呼和浩特市", 2023)]
    # no longer 红牌 on the 双师型 share: one proven failure is 限制招生 (黄牌); the open rules
    # (三项 not printed, 双师型 inconclusive) could still make it 暂停招生
    assert (verdict["failed"], verdict["failed_rules"]) == (
        1,
        ["具有高级专业技术职务人数占专任教师比例（%）"],
    )
    assert verdict["inconclusive_rules"] == ["“双师型”教师比例（%）"]
    assert (verdict["at_least"], verdict["at_most"]) == ("限制招生", "暂停招生")
    assert (verdict["verdict"], verdict["card"], verdict["determined"]) == ("未能判定", "", False)
    (finding,) = [f for f in result.findings if f.rule == "compliance_inconclusive"]
    assert (finding.severity, finding.entity, finding.actual, finding.expected) == (
        "info",
        "呼和浩特市",
        24.11,
        30,
    )


def zhongzhi_variant(tmp_path: Path, dual_threshold: int) -> dict[str, Any]:
    """The Hohhot verdict under zhongzhi_2010.toml without the three rules the
    report does not print, and the 双师型 threshold set to ``dual_threshold``."""
    text = (ROOT / "configs/rules/zhongzhi_2010.toml").read_text(encoding="utf-8")
    unprinted = r'\[\[rules\]\]\nid = "(books|land_area|building_area)_per_student"\n.*?(?=\[\[)'
    text = re.sub(unprinted, "", text, flags=re.DOTALL)
    assert (text.count("[[rules]]"), text.count("[[decision]]"), text.count("threshold = 30\n")) == (5, 3, 1)
    (tmp_path / "rules.toml").write_text(
        text.replace("threshold = 30\n", f"threshold = {dual_threshold}\n"), encoding="utf-8"
    )
    config = Config.build(
        [{"path": str(ROOT / "examples/seeds/002_7d1635ab68301fb1.txt"), "level": "中职"}],
        plugins={"entry_points": False},
        compliance=[{"rules": str(tmp_path / "rules.toml")}],
    )
    return verdicts(run(config))[("呼和浩特市", 2023)]


def test_on_the_seed_a_proxy_pass_is_a_pass_and_a_proxy_shortfall_stays_open(tmp_path: Path) -> None:
    # 24.11 ≥ 20: a lower bound at or above the threshold proves the standard's share is too
    verdict = zhongzhi_variant(tmp_path, 20)
    assert (verdict["passed"], verdict["inconclusive"], verdict["not_assessed"]) == (4, 0, 0)
    assert (verdict["verdict"], verdict["card"], verdict["determined"]) == ("限制招生", "黄牌", True)
    # 24.11 < 30 proves nothing: the verdict is 限制招生 at least, 暂停招生 if the share really is short
    verdict = zhongzhi_variant(tmp_path, 30)
    assert (verdict["passed"], verdict["inconclusive"], verdict["failed"]) == (3, 1, 1)
    assert (verdict["verdict"], verdict["at_least"], verdict["at_most"]) == (
        "未能判定",
        "限制招生",
        "暂停招生",
    )


def test_gaozhi_seed_by_school_type(tmp_path: Path) -> None:
    result = run_seed(tmp_path, "000_26576409a80910f8.txt", "gaozhi_2004.toml", level="高职", type="综合")
    rules = {(r["year"], r["rule_id"]): r for r in result.compliance[0].to_record()["results"]}
    books = rules[(2023, "books_per_student")]
    # 1410 万册 over 238735 students ≈ 59.06 册 < 80
    assert books["status"] == "fail" and books["threshold"] == 80.0
    assert books["value"] == pytest.approx(14_100_000 / 238_735, rel=1e-3)
    assert rules[(2023, "student_teacher_ratio")]["value"] == 17.25  # printed: the official inputs are absent
    assert rules[(2023, "student_teacher_ratio")]["metric"] == "student_teacher_ratio"
    verdict = verdicts(result)[("内蒙古自治区", 2023)]
    assert (verdict["verdict"], verdict["card"], verdict["failed_rules"]) == (
        "限制招生",
        "黄牌",
        ["生均图书（册/生）"],
    )


def shipped(name: str) -> Result:
    config = load_config(ROOT / "configs" / name)
    return run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))


def test_shipped_gaozhi_compliance_config_runs() -> None:
    blocks = {c.to_record()["name"]: c.to_record() for c in shipped("compliance_gaozhi.toml").compliance}
    assert len(blocks) == 3
    ideology = {(v["entity"], v["year"]): v for v in blocks["思政课教师与辅导员配备"]["verdicts"]}
    # 238735 students / 652 思政课教师 = 366 > 350; / 1195 辅导员 = 199.8 ≤ 200
    assert ideology[("内蒙古自治区", 2023)]["failed_rules"] == ["每名思政课教师对应学生数"]
    assert ideology[("内蒙古自治区", 2022)]["verdict"] == "未能判定"  # 2022 prints neither count
    engineering = {
        (v["entity"], v["year"]): v for v in blocks["高职院校基本办学条件（工科/农林）"]["verdicts"]
    }
    # 生均图书 over 全日制 (折合在校生数 is not printed) is an upper bound of the official value:
    # 62.5 ≥ 60 in 2022 proves nothing, 59.06 < 60 in 2023 proves a failure.
    assert engineering[("内蒙古自治区", 2022)]["verdict"] == "未能判定"
    assert engineering[("内蒙古自治区", 2022)]["at_least"] == "合格"
    assert engineering[("内蒙古自治区", 2023)]["verdict"] == "限制招生"


def test_shipped_zhongzhi_compliance_config_runs() -> None:
    (block,) = shipped("compliance_zhongzhi.toml").compliance
    assert [(v["verdict"], v["at_least"]) for v in block.to_record()["verdicts"]] == [
        ("未能判定", "限制招生")
    ]


def test_books_over_full_time_students_prove_a_failure_but_not_a_pass(vqr_config: Any) -> None:
    """教发〔2004〕2号 divides by 折合在校生数; the fallback over 全日制 is an upper bound."""
    rules = Path(__file__).parents[2] / "configs" / "rules" / "gaozhi_2004.toml"
    header = ["entity", "year", "全日制在校生人数", "纸质图书资源量", "折合在校生数"]
    path = vqr_config.csv(
        "books.csv",
        [
            header,
            ["甲校", 2023, 10000, 85, ""],
            ["乙校", 2023, 10000, 70, ""],
            ["丙校", 2023, 10000, 85, 10000],
        ],
    )
    vqr_config.add_input(path, type="综合", level="高职")
    result = vqr_config.run(compliance=[{"rules": str(rules)}])
    (block,) = result.to_records()["compliance"]
    books = {r["entity"]: r for r in block["results"] if r["rule_id"] == "books_per_student"}
    assert (books["甲校"]["status"], books["甲校"]["proxy"]) == ("inconclusive", "upper_bound")
    assert (books["乙校"]["status"], books["乙校"]["passed"]) == ("fail", False)
    assert (books["丙校"]["status"], books["丙校"]["proxy"]) == ("pass", None)
