"""专业课程核心数据 (core-data table printed with two year columns).

开设专业总数 is the quantity 教学资源表 prints as 专业数量.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_majors"

ROWS = (
    core_row("maj_majors", "开设专业总数", "个", same_as="res_majors"),
    core_row("maj_key_majors", "重点专业数", "个", "重点专业数总数", parent="maj_majors", relation="subset"),
    core_row("maj_bachelor_majors", "开设本科专业数", "个", parent="maj_majors", relation="subset"),
    core_row("maj_coop_courses", "校企合作开发课程数", "门"),
    core_row("maj_coop_textbooks", "校企合作开发教材数", "部"),
    core_row("maj_quality_courses", "省级以上精品在线课程数", "门"),
    core_row("maj_teacher_textbooks", "学校教师主编出版教材数", "部"),
    core_row(
        "maj_textbook_awards",
        "学校教师主编教材获奖数",
        "部",
        parent="maj_teacher_textbooks",
        relation="subset",
    ),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "专业课程核心数据",
            ROWS,
            aliases=("专业课程核心数据列表", "专业课程核心数据"),
            description="Core data: majors and courses (two year columns).",
        )
    )
