"""教学资源表 (appendix table 3, 2023 template, 高职 and 中职).

Rows the reports print twice (门 then 学时) are distinct rows: the 学时 row
has the same name and relation ``other_unit`` to its 门 row.  Under 专业教学
资源库数, 在线精品课程数 and 虚拟仿真实训基地数 the 国家级/省级/校级 counts
partition the total, and each is followed by its own 接入国家智慧教育平台数量
(a subset of that level), identified by position.  课证融通 and 网络教学 courses
may overlap (subsets), as may the kinds of textbooks under 编写教材数.

The printed 生师比, 双师素质专任教师比例 and 高级专业技术职务专任教师比例 are
compared with their recomputation from the core tables (checks
``recompute_*``); 专业数量 is the same quantity as the 专业课程 core table's
开设专业总数.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.checks import recompute_check
from vqr_metrics.model import Check, Indicator, Metric, Table

from ..rows import row

TABLE = "teaching_resources"
PLATFORM = "接入国家智慧教育平台数量"
LEVELS = (("national", "国家级"), ("provincial", "省级"), ("school", "校级"))


def levels(prefix: str, subject: str, unit: str, total: str) -> tuple[Indicator, ...]:
    """国家级/省级/校级数量 (a partition of ``total``), each followed by its
    接入国家智慧教育平台数量.  Aliases name the subject so CSV users can tell
    the repeated rows apart."""
    rows: list[Indicator] = []
    for level, level_name in LEVELS:
        key = f"{prefix}_{level}"
        rows.append(
            row(
                key,
                f"{level_name}数量",
                unit,
                f"{level_name}{subject}数量",
                parent=total,
                relation="partition",
            )
        )
        rows.append(
            row(
                f"{key}_platform",
                PLATFORM,
                unit,
                f"{level_name}{subject}{PLATFORM}",
                parent=key,
                relation="subset",
            )
        )
    return tuple(rows)


_COURSES = row("res_courses", "教学计划内课程总数", "门", "教学计划的课程总数", "教学计划内课程总数（门）")
_CERT = row(
    "res_cert_courses",
    "课证融通课程数",
    "门",
    "教学计划的课程-课证融通课程数",
    "教学计划的课程—课证融通课程数",
    "课证融通课程数（门）",
    parent="res_courses",
    relation="subset",
)
_ONLINE = row(
    "res_online_courses",
    "网络教学课程数",
    "门",
    "教学计划的课程-网络教学课程数",
    "教学计划的课程—网络教学课程数",
    "网络教学课程数（门）",
    parent="res_courses",
    relation="subset",
)
_QUALITY = row("res_quality_courses", "在线精品课程数", "门", "在线精品课程数（门）")


def _hours(key: str, of: Indicator) -> Indicator:
    return row(
        key,
        of.name,
        "学时",
        *(a for a in of.aliases if not a.endswith("（门）")),
        f"{of.name}（学时）",
        parent=of.key,
        relation="other_unit",
    )


ROWS = (
    row("student_teacher_ratio", "生师比", ":"),
    row("dual_qualified_teacher_share", "双师素质专任教师比例", "%"),
    row("senior_title_teacher_share", "高级专业技术职务专任教师比例", "%"),
    row("res_specialty_groups", "专业群数量", "个"),
    row("res_majors", "专业数量", "个"),
    _COURSES,
    _hours("res_course_hours", _COURSES),
    _CERT,
    _hours("res_cert_course_hours", _CERT),
    _ONLINE,
    _hours("res_online_course_hours", _ONLINE),
    row("res_banks", "专业教学资源库数", "个"),
    *levels("res_banks", "专业教学资源库", "个", "res_banks"),
    _QUALITY,
    _hours("res_quality_course_hours", _QUALITY),
    row(
        "res_quality_course_students",
        "在线精品课程课均学生数",
        "人",
        parent="res_quality_courses",
        relation="other_unit",
    ),
    *levels("res_quality", "在线精品课程", "门", "res_quality_courses"),
    row("res_virtual_bases", "虚拟仿真实训基地数", "个"),
    *levels("res_virtual", "虚拟仿真实训基地", "个", "res_virtual_bases"),
    row("res_textbooks", "编写教材数", "本"),
    row("res_textbooks_national_plan", "国家规划教材数量", "本", parent="res_textbooks", relation="subset"),
    row("res_textbooks_coop", "校企合作编写教材数量", "本", parent="res_textbooks", relation="subset"),
    row("res_textbooks_new_form", "新形态教材数量", "本", parent="res_textbooks", relation="subset"),
    row(
        "res_textbooks_platform", PLATFORM, "本", f"教材{PLATFORM}", parent="res_textbooks", relation="subset"
    ),
    row("res_internet_bandwidth", "互联网出口带宽", "Mbps"),
    row("res_backbone_bandwidth", "校园网主干最大带宽", "Mbps"),
    row("res_practice_stations_per_student", "生均校内实践教学工位数", "个/生"),
    row("equipment_value_per_student", "生均教学科研仪器设备值", "元/生"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "教学资源表",
            ROWS,
            description="Appendix table 3 of the 2023 annual-report template.",
        )
    )


def _platform_share(key: str, name: str, prefix: str, total: str) -> Metric:
    connected = " + ".join(f"{prefix}_{level}_platform" for level, _ in LEVELS)
    return Metric(key, name, f"({connected}) / {total} * 100", "%", TABLE, bounds=(0, 100))


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(
        Metric(
            "certificate_course_share",
            "课证融通课程占比",
            "res_cert_courses / res_courses * 100",
            "%",
            TABLE,
            "by 门",
            bounds=(0, 100),
        )
    )
    register(
        Metric(
            "online_course_share",
            "网络教学课程占比",
            "res_online_courses / res_courses * 100",
            "%",
            TABLE,
            "by 门",
            bounds=(0, 100),
        )
    )
    register(
        _platform_share(
            "resource_bank_platform_share", "专业教学资源库接入平台比例", "res_banks", "res_banks"
        )
    )
    register(
        _platform_share(
            "quality_course_platform_share", "在线精品课程接入平台比例", "res_quality", "res_quality_courses"
        )
    )
    register(
        _platform_share(
            "virtual_base_platform_share", "虚拟仿真实训基地接入平台比例", "res_virtual", "res_virtual_bases"
        )
    )


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
