"""学生情况核心数据 (core-data table printed with two year columns).

折合在校生数 (教发〔2004〕2号) = 普通本、专科生 + 硕士 × 1.5 + 博士 × 2 +
留学生 × 3 + 预科 + 进修 + 成人脱产 + 夜大（业余） × 0.3 + 函授 × 0.1.  Reports
print neither 折合在校生数 nor most of its parts, so those are indicators
registered outside the template for CSV/XLSX users.  ``equivalent_students``
takes 折合在校生数 as supplied, otherwise computes it when every part is
present (a school without, say, 博士生 supplies 0) — never from some parts.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Indicator, Metric, Table

from ..rows import NOT_PRINTED, core_row

TABLE = "core_students"

ROWS = (
    core_row("stu_junior_college", "全日制专科生数", "人", "普通专科生数"),
    core_row("stu_bachelor", "全日制本科生数", "人", "普通本科生数"),
    core_row("stu_secondary_through", "中高职贯通培养人数", "人"),
    core_row("stu_bachelor_through", "高职本科贯通培养人数", "人"),
    core_row("stu_from_high_school", "普通高中生源数", "人"),
    core_row("stu_from_secondary_vocational", "中职生源数", "人"),
    core_row("stu_international", "留学生人数", "人", "留学生数"),
    core_row("stu_social_enrolment", "社会招生人数", "人"),
)

# (key, name, weight in 折合在校生数)
PARTS = (
    ("stu_masters", "硕士生数", 1.5),
    ("stu_doctoral", "博士生数", 2.0),
    ("stu_preparatory", "预科生数", 1.0),
    ("stu_advanced", "进修生数", 1.0),
    ("stu_adult_full_time", "成人脱产班学生数", 1.0),
    ("stu_evening", "夜大（业余）学生数", 0.3),
    ("stu_correspondence", "函授生数", 0.1),
)

EXTRA = (
    *(core_row(key, name, "人", description=NOT_PRINTED, table=TABLE) for key, name, _ in PARTS),
    core_row(
        "stu_equivalent",
        "折合在校生数",
        "人",
        description=NOT_PRINTED + " When given it is used as is; otherwise it is computed from its parts.",
        table=TABLE,
    ),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "学生情况核心数据",
            ROWS,
            aliases=("学生情况核心数据列表", "学生情况核心数据"),
            description="Core data: students (two year columns).",
        )
    )


def register_indicators(register: Callable[[Indicator], None]) -> None:
    for ind in EXTRA:
        register(ind)


def _weighted(key: str, weight: float) -> str:
    return key if weight == 1.0 else f"{key} * {weight:g}"


def register_metrics(register: Callable[[Metric], None]) -> None:
    parts = " + ".join(
        [
            "stu_junior_college",
            "stu_bachelor",
            _weighted("stu_international", 3.0),
            *(_weighted(key, weight) for key, _, weight in PARTS),
        ]
    )
    register(
        Metric(
            "equivalent_students",
            "折合在校生数（教发〔2004〕2号）",
            f"coalesce(stu_equivalent, {parts})",
            "人",
            TABLE,
            "折合在校生数 as supplied, else computed from all its parts (教发〔2004〕2号)",
            bounds=(0, None),
        )
    )
