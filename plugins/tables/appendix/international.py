"""国际影响表 (appendix table 5 in 中职 reports, 4 in 高职 reports; 2023 template).

专业标准 and 课程标准 partition 开发并被国外采用的职业教育标准数量.  The
专业数量 and 在校生数 printed under 在国外开办学校数 (and 在校生数 under
中外合作办学专业数) count other things than their parent: not comparable by
size, but positive while the parent is zero is a contradiction
(relation ``other_unit``).  Reports also print 国（境）外 for 国外; both match.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Indicator, Metric, Relation, Table

from ..rows import row

TABLE = "international"


def intl(
    key: str, name: str, unit: str, *aliases: str, parent: str | None = None, relation: Relation = "none"
) -> Indicator:
    """A row also matched with 国（境）外 in place of 国外."""
    variants = tuple(n.replace("国外", "国（境）外") for n in (name, *aliases) if "国外" in n)
    return row(key, name, unit, *aliases, *variants, parent=parent, relation=relation)


ROWS = (
    intl("intl_student_majors", "接收国外留学生专业数", "个"),
    intl("intl_students", "接收国外留学生人数", "人"),
    intl("intl_visiting_teachers", "接收国外访学教师人数", "人"),
    intl("intl_standards", "开发并被国外采用的职业教育标准数量", "个"),
    intl("intl_standards_major", "专业标准", "个", parent="intl_standards", relation="partition"),
    intl("intl_standards_course", "课程标准", "个", parent="intl_standards", relation="partition"),
    intl("intl_resources", "开发并被国外采用的职业教育资源数量", "个"),
    intl("intl_equipment", "开发并被国外采用的职业教育装备数量", "个"),
    intl("intl_schools_abroad", "在国外开办学校数", "所"),
    intl(
        "intl_schools_abroad_majors",
        "专业数量",
        "个",
        "在国外开办学校专业数量",
        parent="intl_schools_abroad",
        relation="other_unit",
    ),
    intl(
        "intl_schools_abroad_students",
        "在校生数",
        "人",
        "在国外开办学校在校生数",
        parent="intl_schools_abroad",
        relation="other_unit",
    ),
    intl("intl_sino_foreign_majors", "中外合作办学专业数", "个"),
    intl(
        "intl_sino_foreign_students",
        "在校生数",
        "人",
        "中外合作办学在校生数",
        parent="intl_sino_foreign_majors",
        relation="other_unit",
    ),
    intl("intl_teacher_days_abroad", "专任教师赴国外指导和开展培训时间", "人日"),
    intl("intl_teachers_in_foreign_bodies", "在国外组织担任职务的专任教师数", "人"),
    intl("intl_competition_awards", "国外技能大赛获奖数量", "项"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "国际影响表",
            ROWS,
            description="Appendix table of the 2023 annual-report template (国际影响).",
        )
    )


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(
        Metric(
            "international_students_per_1000",
            "每千名在校生留学生数",
            "intl_students / full_time_students * 1000",
            "人",
            TABLE,
            "接收国外留学生人数 per 1000 全日制在校生",
            bounds=(0, None),
        )
    )
    register(
        Metric(
            "sino_foreign_student_share",
            "中外合作办学在校生占比",
            "intl_sino_foreign_students / full_time_students * 100",
            "%",
            TABLE,
            "中外合作办学在校生数 / 全日制在校生人数 × 100",
            bounds=(0, 100),
        )
    )
