"""Example plugin: 心理健康教育专职教师 (a 2024 addition to 落实政策表).

Registered through the ``vqr_metrics`` entry-point group; every hook is a
plain module-level function named like the hook.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vqr_metrics.checks import findings_at, literal, number_option
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule, Indicator, Metric

# 教党〔2018〕41号: 专职心理健康教育教师按师生比不低于 1:4000 配备
STUDENTS_PER_TEACHER_LIMIT = 4000.0
SOURCE = "《高等学校学生心理健康教育指导纲要》（教党〔2018〕41号）"


def register_indicators(register: Callable[[Indicator], None]) -> None:
    register(
        Indicator(
            key="psych_teachers",
            name="心理健康教育专职教师数",
            unit="人",
            table="落实政策表",
            since=2024,
            description="new in the 2024 edition of 落实政策表",
        )
    )


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(
        Metric(
            key="students_per_psych_teacher",
            name="心理健康教育教师生师比",
            formula="全日制在校生人数 / psych_teachers",
            unit=":1",
            table="落实政策表",
            bounds=(0, None),
            since=2024,
        )
    )


def _staffing(context: CheckContext) -> Findings:
    # The toolkit finds nothing per row in Python: rows are chosen column-wise and
    # become findings as columns, with each figure's source cells and conflict notes.
    ratio = context.dataset.column("students_per_psych_teacher")
    limit = number_option(context, "psych_students_per_teacher", above=0)
    rows = np.flatnonzero(ratio > limit)
    return findings_at(
        context,
        rows,
        severity="warning",
        rule="psych_teacher_staffing",
        message="心理健康教育教师生师比 {0:.0f}:1" + literal(f" is above {limit:.0f}:1 ({SOURCE})"),
        args=(ratio[rows],),
        keys=("students_per_psych_teacher", "full_time_students", "psych_teachers"),
        expected=limit,
        actual=ratio[rows],
    )


def register_checks(register: Callable[[Check], None]) -> None:
    register(
        Check(
            "psych_teacher_staffing",
            f"students per full-time psychological-health teacher at most 4000 ({SOURCE})",
            _staffing,
            {"psych_students_per_teacher": STUDENTS_PER_TEACHER_LIMIT},
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "psych_teacher_staffing",
            "warning",
            f"more students per full-time psychological-health teacher than {SOURCE} allows (1:4000)",
            "staff more such teachers, or check the two figures; the limit is [checks] "
            "psych_students_per_teacher",
        )
    )
