"""Example plugin: 心理健康教育专职教师 (a 2024 addition to 落实政策表).

Registered through the ``vqr_metrics`` entry-point group; every hook is a
plain module-level function named like the hook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from vqr_metrics.model import Check, CheckContext, Finding, Indicator, Metric

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


def _staffing(context: CheckContext) -> Iterator[Finding]:
    ratio = context.dataset.column("students_per_psych_teacher")
    limit = float(context.options["psych_students_per_teacher"])
    for i in np.flatnonzero(ratio > limit):
        entity, year = context.dataset.rows[int(i)]
        yield Finding(
            severity="warning",
            rule="psych_teacher_staffing",
            message=(f"心理健康教育教师生师比 {ratio[i]:.0f}:1 is above {limit:.0f}:1 ({SOURCE})"),
            entity=entity,
            year=year,
            indicators=("心理健康教育教师生师比", "全日制在校生人数", "心理健康教育专职教师数"),
            expected=limit,
            actual=float(ratio[i]),
            table="落实政策表",
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
