"""``vqr-score rules`` and ``vqr-score explain``: the finding rules the loaded plugins register."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vqr_metrics_plugins.checks import consistency

from vqr_metrics import cli
from vqr_metrics.testing import make_catalog

NO_EP = "--no-entry-points"  # tests never load whatever happens to be installed

PLUGIN = """
from vqr_metrics.model import FindingRule


def register_rules(register):
    register(FindingRule("tiny_rule", "warning", "a tiny thing is off", "look at it"))
"""


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.main([*args, NO_EP]) == 0
    return capsys.readouterr().out


def test_rules_lists_every_registered_rule_with_its_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _out(capsys, "rules").splitlines()
    assert lines[0].split() == ["code", "severity", "also", "summary", "action", "plugin"]
    first_words = [line.split()[0] for line in lines[2:] if line and not line.startswith(" ")]
    assert first_words == list(make_catalog().rules)
    (conflict,) = [line for line in lines if line.startswith("source_conflict ")]
    assert conflict.split()[1] == "error" and conflict.rstrip().endswith("vqr_metrics.core")


def test_rules_as_json_are_records_of_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    records = json.loads(_out(capsys, "rules", "--format", "json"))
    catalog = make_catalog()
    assert [r["code"] for r in records] == list(catalog.rules)
    by_code = {r["code"]: r for r in records}
    assert by_code["table_layout"] == {
        "code": "table_layout",
        "severity": "warning",
        "also": ["info"],
        "summary": catalog.rules["table_layout"].summary,
        "action": catalog.rules["table_layout"].action,
        "plugin": "vqr_metrics.core",
    }
    assert by_code["yoy_jump"]["plugin"] == "vqr_metrics_plugins.checks.consistency"
    assert all(r["summary"] and r["action"] for r in records)


@pytest.mark.parametrize(
    "name", ["consistency", "checks.consistency", "vqr_metrics_plugins.checks.consistency"]
)
def test_rules_of_one_plugin_by_any_of_its_names(capsys: pytest.CaptureFixture[str], name: str) -> None:
    records = json.loads(_out(capsys, "rules", "--plugin", name, "-f", "json"))
    assert [r["code"] for r in records] == [rule.code for rule in consistency.RULES]


def test_explain_shows_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    rule = make_catalog().rules["compliance_not_assessed"]
    out = _out(capsys, "explain", "compliance_not_assessed")
    assert out.splitlines()[0] == "compliance_not_assessed (warning or info)"
    assert " ".join(out.split()).count(rule.summary) == 1
    assert f"what to do: {rule.action}" in " ".join(out.split())
    assert out.splitlines()[-1] == "registered by: plugin 'vqr_metrics.core'"


def test_explain_a_rule_a_config_plugin_registers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "tiny_rules.py").write_text(PLUGIN, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text('[plugins]\nfiles = ["tiny_rules.py"]\n', encoding="utf-8")
    out = _out(capsys, "explain", "tiny_rule", "--config", str(config))
    assert out.splitlines()[0] == "tiny_rule (warning)"
    assert out.splitlines()[-1] == f"registered by: plugin '{tmp_path / 'tiny_rules.py'}'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["explain", "source_confict"],
            "explain: no finding rule 'source_confict' (did you mean: source_conflict",
        ),
        (
            ["rules", "--plugin", "consistancy"],
            "rules: no plugin 'consistancy' registers rules (did you mean:",
        ),
    ],
)
def test_an_unknown_rule_or_plugin_is_one_line_with_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.main([*args, NO_EP]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"vqr-score: error: {message}")
    assert captured.err.count("\n") == 1 and not captured.out
