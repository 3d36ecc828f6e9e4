"""落实政策表 (appendix table 6, 2023 template, 高职 and 中职).

全日制在校生人数 (``full_time_students``) and 专任教师总数
(``full_time_teachers``) are the denominators most metrics share.  The rows
under 教职工总数 (专任教师, 思政课教师, 体育/美育课专任教师, 辅导员, 班主任)
overlap: each is at most the whole.  学生体质测评合格率, 行业导师年课时总量
and 年支付行业导师课酬 are in other units than the row they follow
(``other_unit``).  The body version of the table truncates two names; those
spellings are aliases.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Metric, Table

from ..rows import row

TABLE = "policy"

ROWS = (
    row("full_time_students", "全日制在校生人数", "人"),
    row("pol_appropriation_per_student", "年生均财政拨款水平", "元"),
    row("pol_special_appropriation", "年财政专项拨款", "万元", "年度财政专项拨款"),
    row("pol_staff_quota", "教职员工额定编制数", "人", "教职工额定编制数"),
    row("pol_staff", "教职工总数", "人"),
    row("full_time_teachers", "专任教师总数", "人", parent="pol_staff", relation="subset"),
    row("pol_ideology_teachers", "思政课教师数", "人", parent="pol_staff", relation="subset"),
    row("pol_pe_teachers", "体育课专任教师数", "人", parent="pol_staff", relation="subset"),
    row("pol_art_teachers", "美育课专任教师数", "人", parent="pol_staff", relation="subset"),
    row("pol_counselors", "辅导员人数", "人", parent="pol_staff", relation="subset"),
    row("pol_class_teachers", "班主任人数", "人", parent="pol_staff", relation="subset"),
    row("pol_fitness_tested", "参加国家学生体质健康标准测试人数", "人"),
    row(
        "pol_fitness_pass_rate",
        "学生体质测评合格率",
        "%",
        parent="pol_fitness_tested",
        relation="other_unit",
    ),
    row("pol_certificate_holders", "职业技能等级证书（含职业资格证书）获取人数", "人"),
    row("pol_enterprise_equipment", "企业提供的校内实践教学设备值", "万元"),
    row("pol_practice_centres", "与企业共建开放型区域产教融合实践中心", "个"),
    row("pol_industry_mentors", "聘请行业导师人数", "人"),
    row(
        "pol_master_craftsmen",
        "聘请大国工匠、劳动模范人数",
        "人",
        parent="pol_industry_mentors",
        relation="subset",
    ),
    row(
        "pol_mentor_hours",
        "行业导师年课时总量",
        "课时",
        parent="pol_industry_mentors",
        relation="other_unit",
    ),
    row(
        "pol_mentor_pay",
        "年支付行业导师课酬",
        "万元",
        parent="pol_industry_mentors",
        relation="other_unit",
    ),
    row("pol_internship_funding", "年实习专项经费", "万元"),
    row(
        "pol_internship_insurance",
        "年实习责任保险经费",
        "万元",
        parent="pol_internship_funding",
        relation="subset",
    ),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "落实政策表",
            ROWS,
            description="Appendix table 6 of the 2023 annual-report template.",
        )
    )


def register_metrics(register: Callable[[Metric], None]) -> None:
    def add(key: str, name: str, formula: str, unit: str, bounds: tuple[float | None, float | None]) -> None:
        register(Metric(key, name, formula, unit, TABLE, bounds=bounds))

    add(
        "student_teacher_ratio_simple",
        "生师比（简算）",
        "full_time_students / full_time_teachers",
        ":1",
        (0, None),
    )
    add(
        "full_time_teacher_share",
        "专任教师占教职工比例",
        "full_time_teachers / pol_staff * 100",
        "%",
        (0, 100),
    )
    add("staffing_quota_usage", "编制使用率", "pol_staff / pol_staff_quota * 100", "%", (0, None))
    add(
        "students_per_ideology_teacher",
        "思政课教师生师比",
        "full_time_students / pol_ideology_teachers",
        ":1",
        (0, None),
    )
    add(
        "students_per_counselor",
        "辅导员生师比",
        "full_time_students / pol_counselors",
        ":1",
        (0, None),
    )
    add(
        "fitness_test_participation",
        "体质健康测试参与率",
        "pol_fitness_tested / full_time_students * 100",
        "%",
        (0, 100),
    )
    add(
        "mentor_hours_per_mentor",
        "行业导师人均年课时",
        "pol_mentor_hours / pol_industry_mentors",
        "课时",
        (0, None),
    )
    add(
        "mentor_pay_per_hour",
        "行业导师课时酬金",
        "pol_mentor_pay * 10000 / pol_mentor_hours",
        "元/课时",
        (0, None),
    )
    add(
        "internship_insurance_share",
        "实习责任保险经费占比",
        "pol_internship_insurance / pol_internship_funding * 100",
        "%",
        (0, 100),
    )
