"""教学资源表 (appendix table 3): rows and metrics in ``resources.toml``; here the recompute checks.

The printed 生师比, 双师素质专任教师比例 and 高级专业技术职务专任教师比例 are
compared with their recomputation from the core tables (checks
``recompute_*``, warnings beyond a tolerance the ``[checks]`` options set).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vqr_metrics.checks import recompute_check
from vqr_metrics.declarative import load_declarations
from vqr_metrics.model import Check, FindingRule

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))

_FIX = "correct the misprinted figure (the printed rate or its inputs in the core tables), or raise"


def register_checks(register: Callable[[Check], None]) -> None:
    register(
        recompute_check(
            "recompute_student_teacher_ratio",
            published="student_teacher_ratio",
            recomputed=("student_teacher_ratio_official", "student_teacher_ratio_simple"),
            option="student_teacher_ratio_tolerance",
            default=0.5,
        )
    )
    register(
        recompute_check(
            "recompute_dual_qualified_share",
            published="dual_qualified_teacher_share",
            recomputed=("dual_qualified_share_recomputed",),
            option="share_tolerance",
            default=1.0,
        )
    )
    register(
        recompute_check(
            "recompute_senior_title_share",
            published="senior_title_teacher_share",
            recomputed=("senior_title_share_recomputed",),
            option="share_tolerance",
            default=1.0,
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "recompute_student_teacher_ratio",
            "warning",
            "the printed 生师比 differs from 折合在校生数 / 教师总数 (else 全日制在校生人数 / 专任教师总数)",
            f"{_FIX} [checks] student_teacher_ratio_tolerance if the report rounds differently",
        )
    )
    register(
        FindingRule(
            "recompute_dual_qualified_share",
            "warning",
            "the printed 双师素质专任教师比例 differs from 专任教师“双师”人数 / 专任教师数 × 100",
            f"{_FIX} [checks] share_tolerance if the report rounds differently",
        )
    )
    register(
        FindingRule(
            "recompute_senior_title_share",
            "warning",
            "the printed 高级专业技术职务专任教师比例 differs from 专任教师高级职称人数 / 专任教师数 × 100",
            f"{_FIX} [checks] share_tolerance if the report rounds differently",
        )
    )
