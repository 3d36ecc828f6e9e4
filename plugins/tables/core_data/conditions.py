"""办学条件核心数据 (core-data table printed with two year columns) and the
教发〔2004〕2号 ratios computed from it.

Areas are printed in 万平方米, books in 万册 and money in 万元; the per-student
figures are in m², 册 and 元, hence the × 10000.  教师总数 = 专任教师数 +
聘请校外教师数 × 0.5; 生师比（教发〔2004〕2号） = 折合在校生数 / 教师总数.
生均教学科研仪器设备值 and 生均图书 are over 折合在校生数 and fall back to
全日制在校生人数 when 折合在校生数 is absent; the check
``equivalent_students_fallback`` says so for each entity-year.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vqr_metrics.checks import findings_at, literal
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, Indicator, Metric, Table

from ..rows import NOT_PRINTED, core_row

TABLE = "core_conditions"
SQM = "万平方米"

ROWS = (
    core_row(
        "cond_teaching_space",
        "教学用科研及辅助用房面积",
        SQM,
        "教学科研及辅助用房面积",
        "教学及辅助用房面积",
    ),
    core_row("cond_land_area", "占地面积", SQM),
    core_row("cond_admin_space", "行政用房面积", SQM, "行政办公用房面积"),
    core_row("cond_dormitory_area", "学生宿舍面积", SQM),
    core_row("cond_paper_books", "纸质图书资源量", "万册", "纸质图书"),
    core_row("cond_fixed_assets", "固定资产总值", "万元"),
    core_row("cond_digital_resources", "折合数字资源量", "万册"),
    core_row("cond_equipment_value", "教学科研仪器设备资产总值", "万元", "教学科研仪器设备值"),
    core_row("cond_computers", "教学用计算机（终端）总数", "台", "教学用计算机总数"),
    core_row(
        "cond_new_equipment_value",
        "当年新增教学科研仪器设备值",
        "万元",
        parent="cond_equipment_value",
        relation="subset",
    ),
)

EXTRA = (
    core_row(
        "cond_building_area",
        "校舍建筑面积",
        SQM,
        description=NOT_PRINTED + " 中职 reports use it for 生均校舍建筑面积.",
        table=TABLE,
    ),
)

# Per-student metrics whose denominator falls back from 折合 to 全日制.
FALLBACK = ("equipment_value_per_student_recomputed", "books_per_student")
STUDENTS = "coalesce(equivalent_students, full_time_students)"


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "办学条件核心数据",
            ROWS,
            aliases=("办学条件核心数据列表", "办学条件核心数据"),
            description="Core data: school conditions (two year columns).",
        )
    )


def register_indicators(register: Callable[[Indicator], None]) -> None:
    for ind in EXTRA:
        register(ind)


def register_metrics(register: Callable[[Metric], None]) -> None:
    def add(key: str, name: str, formula: str, unit: str, description: str = "") -> None:
        register(Metric(key, name, formula, unit, TABLE, description, bounds=(0, None)))

    add(
        "teachers_total",
        "教师总数（教发〔2004〕2号）",
        "full_time_teachers + fac_external_teachers * 0.5",
        "人",
        "专任教师数 + 聘请校外教师数 × 0.5",
    )
    add(
        "student_teacher_ratio_official",
        "生师比（教发〔2004〕2号）",
        "equivalent_students / teachers_total",
        ":1",
        "折合在校生数 / 教师总数; computed only when 折合在校生数 is known",
    )
    add(
        "equipment_value_per_student_recomputed",
        "生均教学科研仪器设备值（复算）",
        f"cond_equipment_value * 10000 / {STUDENTS}",
        "元/生",
        "教学科研仪器设备资产总值 (万元 → 元) / 折合在校生数 (全日制在校生人数 when absent)",
    )
    add(
        "books_per_student",
        "生均图书",
        f"cond_paper_books * 10000 / {STUDENTS}",
        "册/生",
        "纸质图书资源量 (万册 → 册) / 折合在校生数 (全日制在校生人数 when absent)",
    )
    add(
        "teaching_admin_space_per_student",
        "生均教学行政用房",
        "(cond_teaching_space + cond_admin_space) * 10000 / full_time_students",
        "m²/生",
        "(教学科研及辅助用房 + 行政用房) (万平方米 → m²) / 全日制在校生人数",
    )
    add(
        "land_area_per_student",
        "生均占地面积",
        "cond_land_area * 10000 / full_time_students",
        "m²/生",
    )
    add(
        "dormitory_area_per_student",
        "生均宿舍面积",
        "cond_dormitory_area * 10000 / full_time_students",
        "m²/生",
    )
    add(
        "building_area_per_student",
        "生均校舍建筑面积",
        "cond_building_area * 10000 / full_time_students",
        "m²/生",
        "中职: 校舍建筑面积 (万平方米 → m²) / 全日制在校生人数",
    )
    add(
        "computers_per_100_students",
        "百名学生配教学用计算机台数",
        "cond_computers / full_time_students * 100",
        "台",
    )
    add(
        "new_equipment_share",
        "新增教学科研仪器设备值比例",
        "cond_new_equipment_value / (cond_equipment_value - cond_new_equipment_value) * 100",
        "%",
        "当年新增 / (总值 − 当年新增) × 100",
    )


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
