"""The example plugin tested the way vqr-metrics tests itself (vqr_metrics.testing fixtures)."""

from __future__ import annotations

import vqr_psych_health  # type: ignore[import-not-found,unused-ignore]
from hypothesis import given
from hypothesis import strategies as st

from vqr_metrics.testing import ConfigBuilder, evaluate_metric, make_catalog


def run_with(vqr_config: ConfigBuilder, rows: list[list[object]]):  # type: ignore[no-untyped-def]
    path = vqr_config.csv(
        "policy.csv", [["entity", "year", "全日制在校生人数", "心理健康教育专职教师数"], *rows]
    )
    return vqr_config.add_input(path).run(vqr_psych_health)


def test_ratio_and_check(vqr_config: ConfigBuilder) -> None:
    result = run_with(vqr_config, [["甲校", 2024, 9000, 2], ["乙校", 2024, 6000, 2]])
    assert result.value("甲校", 2024, "心理健康教育教师生师比") == 4500
    assert result.value("乙校", 2024, "students_per_psych_teacher") == 3000
    flagged = [f for f in result.findings if f.rule == "psych_teacher_staffing"]
    assert [(f.entity, f.actual) for f in flagged] == [("甲校", 4500)]
    (finding,) = flagged
    assert finding.message.startswith("甲校 2024: 心理健康教育教师生师比 4500:1 is above 4000:1")
    assert finding.indicators == ("心理健康教育教师生师比", "全日制在校生人数", "心理健康教育专职教师数")
    assert [(p.line, p.raw) for p in finding.provenance] == [(2, "9000"), (2, "2")]


def test_limit_is_configurable(vqr_config: ConfigBuilder) -> None:
    path = vqr_config.csv(
        "p.csv", [["entity", "year", "全日制在校生人数", "psych_teachers"], ["甲校", 2024, 9000, 2]]
    )
    vqr_config.add_input(path)
    result = vqr_config.run(vqr_psych_health, checks={"psych_students_per_teacher": 5000})
    assert not [f for f in result.findings if f.rule == "psych_teacher_staffing"]


def test_indicator_is_not_read_before_2024(vqr_config: ConfigBuilder) -> None:
    result = run_with(vqr_config, [["甲校", 2023, 9000, 2]])
    assert result.value("甲校", 2023, "psych_teachers") is None
    (finding,) = [f for f in result.findings if f.rule == "indicator_not_in_year"]
    assert "2024" in finding.message and finding.year == 2023


def test_zero_teachers_is_a_finding_not_a_crash(vqr_config: ConfigBuilder) -> None:
    result = run_with(vqr_config, [["甲校", 2024, 9000, 0]])
    assert result.value("甲校", 2024, "students_per_psych_teacher") is None
    assert [
        f.rule for f in result.findings if f.entity == "甲校" and "心理健康教育教师生师比" in f.indicators
    ][:1] == ["zero_denominator"]


def test_installed_plugin_shows_up_in_vqr_score_plugins(capsys) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import entry_points

    from vqr_metrics import cli

    (entry_point,) = [ep for ep in entry_points(group="vqr_metrics") if ep.name == "psych_health"]
    assert entry_point.load() is vqr_psych_health
    assert cli.main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "psych_health" in out and "vqr-psych-health 0.1.0" in out
    assert "students_per_psych_teacher" in out and "psych_teacher_staffing" in out


CATALOG = make_catalog(vqr_psych_health)


@given(students=st.integers(0, 100_000), teachers=st.integers(0, 100))
def test_ratio_property(students: int, teachers: int) -> None:
    inputs = {"全日制在校生人数": students, "心理健康教育专职教师数": teachers}
    ratio = evaluate_metric(CATALOG, "students_per_psych_teacher", inputs)
    if teachers == 0:
        assert ratio is None
    else:
        assert ratio == students / teachers
        fewer = evaluate_metric(
            CATALOG, "students_per_psych_teacher", {**inputs, "心理健康教育专职教师数": teachers + 1}
        )
        assert fewer is not None and fewer <= ratio
