"""办学条件核心数据 (core data): rows and 教发〔2004〕2号 ratios in ``conditions.toml``; here a check.

生均教学科研仪器设备值 and 生均图书 are over 折合在校生数 and fall back to
全日制在校生人数 when 折合在校生数 is absent; the check
``equivalent_students_fallback`` says so for each entity-year.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from vqr_metrics.checks import findings_at, literal
from vqr_metrics.declarative import load_declarations
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))

# Per-student metrics whose denominator falls back from 折合 to 全日制.
FALLBACK = ("equipment_value_per_student_recomputed", "books_per_student")


def _fallback(context: CheckContext) -> Findings:
    data, catalog = context.dataset, context.catalog
    used = np.isnan(data.column("equivalent_students")) & ~np.isnan(data.column("full_time_students"))
    return Findings.concat(
        findings_at(
            context,
            np.flatnonzero(used & ~np.isnan(data.column(key))),
            severity="info",
            rule="equivalent_students_fallback",
            message=literal(
                f"{catalog.label(key)} is over {catalog.label('full_time_students')}: "
                f"{catalog.label('stu_equivalent')} is not known (教发〔2004〕2号 asks for it)"
            ),
            keys=(key, "stu_equivalent", "full_time_students"),
        )
        for key in FALLBACK
    )


def register_checks(register: Callable[[Check], None]) -> None:
    register(
        Check(
            "equivalent_students_fallback",
            "info where a per-student ratio uses 全日制在校生人数 because 折合在校生数 is absent",
            _fallback,
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "equivalent_students_fallback",
            "info",
            "a per-student ratio is over 全日制在校生人数 because 折合在校生数 is not known",
            "supply 折合在校生数, or all of its parts (硕士生数, 博士生数 …), through CSV/XLSX",
        )
    )
