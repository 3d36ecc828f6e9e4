"""Suspect values never pass: a value an error-level finding is about, and every metric computed
from it, is flagged in the outputs, 未能判定 under a compliance rule, and kept out of scorecards
unless the card says otherwise; a figure whose sources disagree is judged under each source."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vqr_metrics.api import render
from vqr_metrics.errors import ScoringError
from vqr_metrics.testing import ConfigBuilder

RULES = """
name = "测试规则"
source = "测试"
[[rules]]
id = "ratio"
name = "生师比"
metric = "student_teacher_ratio_simple"
op = "<="
threshold = 18
"""
HEADER = ["学校", "年份", "全日制在校生人数", "专任教师总数"]
CARD = {
    "name": "师资指数",
    "normalize": "minmax",
    "weights": "equal",
    "indicators": [{"metric": "生师比（简算）", "direction": "lower"}],
}


def _run(tmp_path: Path, *files: list[list[object]], header: list[str] = HEADER, **sections: Any) -> Any:
    builder = ConfigBuilder(tmp_path)
    builder.write("rules.toml", RULES)
    for n, rows in enumerate(files):
        builder.add_input(builder.csv(f"in{n}.csv", [header, *rows]))
    return builder.run(compliance=[{"rules": "rules.toml"}], **sections)


def _rule(result: Any, entity: str) -> dict[str, Any]:
    (record,) = [r for r in result.compliance[0].to_record()["results"] if r["entity"] == entity]
    return record


def test_negative_counts_never_pass_and_their_ratio_is_flagged(tmp_path: Path) -> None:
    result = _run(tmp_path, [["甲校", 2023, -1800, -100], ["乙校", 2023, 1800, 100]])
    bad, good = _rule(result, "甲校"), _rule(result, "乙校")
    assert bad["value"] == 18.0 and bad["status"] == "inconclusive" and bad["passed"] is None
    assert "suspect" in bad["note"] and "全日制在校生人数 (non_negative)" in bad["note"]
    assert "专任教师总数 (non_negative)" in bad["note"]
    assert (good["status"], good["value"]) == ("pass", 18.0)
    flagged = {(v.entity, v.key) for v in result.values if v.suspect}
    assert flagged == {
        ("甲校", "full_time_students"),
        ("甲校", "full_time_teachers"),
        ("甲校", "student_teacher_ratio_simple"),
    }
    (verdict,) = [v for v in result.compliance[0].to_record()["verdicts"] if v["entity"] == "甲校"]
    assert verdict["verdict"] != "合格"
    records = json.loads(render(result, "json"))["values"]
    ratio = [v for v in records if v["key"] == "student_teacher_ratio_simple"]
    assert sorted((v["entity"], v["suspect"]) for v in ratio) == [("乙校", False), ("甲校", True)]
    csv_text = str(render(result, "csv")).lstrip("\ufeff")
    assert '"suspect"' in csv_text.splitlines()[0].split(",")


@pytest.mark.parametrize(
    ("other", "status"),
    [(110, "pass"), (90, "inconclusive")],  # 1800/110 = 16.4 passes like 18; 1800/90 = 20 does not
)
def test_a_conflicted_figure_is_judged_under_each_source(tmp_path: Path, other: int, status: str) -> None:
    result = _run(tmp_path, [["甲校", 2023, 1800, 100]], [["甲校", 2023, 1800, other]])
    assert any(f.rule == "source_conflict" for f in result.findings)
    record = _rule(result, "甲校")
    assert record["status"] == status
    assert (
        "专任教师总数 100 (in0.csv:2)" in record["note"]
        and f"专任教师总数 {other} (in1.csv:2)" in record["note"]
    )
    if status == "pass":
        assert record["note"].startswith("the same under every source")
    else:
        assert "it is 18 (pass)" in record["note"] and "it is 20 (fail)" in record["note"]
        assert any(f.rule == "compliance_inconclusive" and f.entity == "甲校" for f in result.findings)


def _scores(result: Any) -> dict[str, Any]:
    return {r.entity: r.to_record() for r in result.scorecards[0].rows()}


def test_a_card_leaves_suspect_values_out_by_default(tmp_path: Path) -> None:
    rows = [["甲校", 2023, -1800, -100, 500], ["乙校", 2023, 1800, 100, 400], ["丙校", 2023, 1500, 100, 300]]
    graduates = {"metric": "毕业生人数"}
    card = {**CARD, "indicators": [*CARD["indicators"], graduates]}  # type: ignore[list-item]
    result = _run(tmp_path, rows, header=[*HEADER, "毕业生人数"], scorecards=[card])
    scores = _scores(result)
    ratio = scores["甲校"]["indicators"]["生师比（简算）"]
    assert (ratio["status"], ratio["value"]) == ("suspect", None)
    assert scores["甲校"]["missing"] == ["生师比（简算）"]  # reweighted: scored on 毕业生人数 alone
    assert scores["甲校"]["score"] == 100 and scores["丙校"]["score"] == 50
    (warning,) = [f for f in result.findings if f.rule == "scorecard_suspect"]
    assert (warning.severity, warning.entity, warning.actual) == ("warning", "甲校", 18.0)
    alone = _run(tmp_path / "alone", rows[:1] + rows[1:], header=[*HEADER, "毕业生人数"], scorecards=[CARD])
    assert "甲校" not in _scores(alone)  # nothing left to score it on
    assert any(f.rule == "scorecard_no_data" and f.entity == "甲校" for f in alone.findings)


def test_a_card_may_use_suspect_values_or_stop_at_them(tmp_path: Path) -> None:
    rows = [["甲校", 2023, -1800, -100], ["乙校", 2023, 1800, 110], ["丙校", 2023, 1500, 100]]
    used = _run(tmp_path / "use", rows, scorecards=[{**CARD, "suspect": "use"}])
    assert _scores(used)["甲校"]["score"] == 0 and not any(
        f.rule == "scorecard_suspect" for f in used.findings
    )
    with pytest.raises(ScoringError, match=r"生师比（简算） of 甲校 2023 is suspect; suspect = \"fail\""):
        _run(tmp_path / "fail", rows, scorecards=[{**CARD, "suspect": "fail"}])
    with pytest.raises(Exception, match=r"suspect must be one of exclude, use, fail"):
        _run(tmp_path / "typo", rows, scorecards=[{**CARD, "suspect": "exclud"}])


@settings(max_examples=10, deadline=None)
@given(
    students=st.integers(-5000, 5000),
    teachers=st.integers(-300, 300),
)
def test_no_rule_over_a_negative_input_passes(tmp_path_factory: Any, students: int, teachers: int) -> None:
    result = _run(tmp_path_factory.mktemp("neg"), [["甲校", 2023, students, teachers]])
    record = _rule(result, "甲校")
    if (students < 0 or teachers < 0) and record["value"] is not None:
        assert record["status"] == "inconclusive"
    elif record["value"] is not None and math.isfinite(record["value"]):
        assert record["status"] == ("pass" if record["value"] <= 18 else "fail")
