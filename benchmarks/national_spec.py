"""The national benchmark's indicators, derived metrics and scorecard, shared by its scripts.

The 36 indicators come from the six appendix table plugins (``plugins/table_*.py``):
``INDICATORS`` pairs each ASCII key with the header the wide CSV prints (the name
as printed, or the printed alias that names the row alone where a name repeats:
教学计划内课程总数（门） vs its 学时 twin, 中外合作办学在校生数 vs the other 在校生数).

``derived`` holds the built-in metrics (``vqr_metrics`` catalog, ``Metric.formula``)
whose inputs are all among these indicators, written out by hand with the same
operations in the same order, so a baseline's float64 results match the
engine's bit for bit.  ``div`` is the caller's null-on-zero division.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (key, header as printed, decimals in the file)
INDICATORS: tuple[tuple[str, str, int], ...] = (
    # 落实政策表
    ("full_time_students", "全日制在校生人数", 0),
    ("full_time_teachers", "专任教师总数", 0),
    ("pol_staff", "教职工总数", 0),
    ("pol_staff_quota", "教职员工额定编制数", 0),
    ("pol_ideology_teachers", "思政课教师数", 0),
    ("pol_counselors", "辅导员人数", 0),
    ("pol_fitness_tested", "参加国家学生体质健康标准测试人数", 0),
    # 人才培养质量计分卡
    ("sc_graduates", "毕业生人数", 0),
    ("sc_placed", "毕业去向落实人数", 0),
    ("sc_further_study", "毕业生升学人数", 0),
    ("sc_bachelor", "升入本科人数", 0),
    ("sc_employed", "毕业生面向三次产业就业人数", 0),
    ("sc_primary", "面向第一产业", 0),
    ("sc_secondary", "面向第二产业", 0),
    ("sc_tertiary", "面向第三产业", 0),
    ("sc_local_placement_rate", "毕业生本省去向落实率", 2),
    # 满意度调查表
    ("sat_students", "在校生满意度", 2),
    ("sat_graduates", "毕业生满意度", 2),
    ("sat_staff", "教职工满意度", 2),
    ("sat_employers", "用人单位满意度", 2),
    ("sat_parents", "家长满意度", 2),
    ("sat_students_respondents", "在校生满意度调查人次", 0),
    ("sat_graduates_respondents", "毕业生满意度调查人次", 0),
    ("sat_staff_respondents", "教职工满意度调查人次", 0),
    ("sat_employers_respondents", "用人单位满意度调查人次", 0),
    ("sat_parents_respondents", "家长满意度调查人次", 0),
    # 服务贡献表
    ("svc_employed", "毕业生初次就业人数", 0),
    ("svc_local", "A类：留在当地就业", 0),
    ("svc_horizontal_income", "横向技术服务到款额", 2),
    ("svc_patents", "专利授权数量", 0),
    ("svc_invention_patents", "发明专利授权数量", 0),
    # 教学资源表
    ("res_courses", "教学计划内课程总数（门）", 0),
    ("res_cert_courses", "课证融通课程数（门）", 0),
    ("res_online_courses", "网络教学课程数（门）", 0),
    # 国际影响表
    ("intl_students", "接收国外留学生人数", 0),
    ("intl_sino_foreign_students", "中外合作办学在校生数", 0),
)

KEYS: tuple[str, ...] = tuple(key for key, _, _ in INDICATORS)
HEADER_TO_KEY: dict[str, str] = {header: key for key, header, _ in INDICATORS}
LEVEL_COLUMN = "层次"

_SAT = ("sat_students", "sat_graduates", "sat_staff", "sat_employers", "sat_parents")


def derived(col: Callable[[str], Any], div: Callable[[Any, Any], Any]) -> dict[str, Any]:
    """The metrics computable from ``INDICATORS``, by key, as the catalog's formulas."""

    def share(part: str, whole: str) -> Any:
        return div(col(part), col(whole)) * 100

    weighted = col(_SAT[0]) * col(f"{_SAT[0]}_respondents")
    total = col(f"{_SAT[0]}_respondents")
    for key in _SAT[1:]:
        weighted = weighted + col(key) * col(f"{key}_respondents")
        total = total + col(f"{key}_respondents")
    return {
        # tables.appendix.scorecard
        "graduate_placement_rate": share("sc_placed", "sc_graduates"),
        "graduate_further_study_rate": share("sc_further_study", "sc_graduates"),
        "bachelor_share_of_further_study": share("sc_bachelor", "sc_further_study"),
        "graduate_employment_rate": share("sc_employed", "sc_graduates"),
        "primary_industry_share": share("sc_primary", "sc_employed"),
        "secondary_industry_share": share("sc_secondary", "sc_employed"),
        "tertiary_industry_share": share("sc_tertiary", "sc_employed"),
        # tables.appendix.satisfaction
        "overall_satisfaction": div(weighted, total),
        # tables.appendix.resources
        "certificate_course_share": share("res_cert_courses", "res_courses"),
        "online_course_share": share("res_online_courses", "res_courses"),
        # tables.appendix.international
        "international_students_per_1000": div(col("intl_students"), col("full_time_students")) * 1000,
        "sino_foreign_student_share": share("intl_sino_foreign_students", "full_time_students"),
        # tables.appendix.service
        "local_employment_share": share("svc_local", "svc_employed"),
        "invention_patent_share": share("svc_invention_patents", "svc_patents"),
        "horizontal_service_income_per_teacher": div(
            col("svc_horizontal_income") * 10000, col("full_time_teachers")
        ),
        # tables.appendix.policy
        "student_teacher_ratio_simple": div(col("full_time_students"), col("full_time_teachers")),
        "full_time_teacher_share": share("full_time_teachers", "pol_staff"),
        "staffing_quota_usage": share("pol_staff", "pol_staff_quota"),
        "students_per_ideology_teacher": div(col("full_time_students"), col("pol_ideology_teachers")),
        "students_per_counselor": div(col("full_time_students"), col("pol_counselors")),
        "fitness_test_participation": share("pol_fitness_tested", "full_time_students"),
    }


METRIC_KEYS: tuple[str, ...] = tuple(derived(lambda key: 1.0, lambda a, b: a / b))
YOY_SUFFIX = "_yoy"

# The three-indicator min-max scorecard: (metric key, name as printed, higher is better).
SCORECARD_NAME = "全国三指标"
SCORECARD: tuple[tuple[str, str, bool], ...] = (
    ("graduate_placement_rate", "毕业去向落实率", True),
    ("overall_satisfaction", "综合满意度", True),
    ("student_teacher_ratio_simple", "生师比（简算）", False),
)
MIN_COVERAGE = 0.5  # vqr's default: a score needs half of the (equal) weight reported
SCORE_KEY = "score"  # the key the baselines write score rows under


def baseline_main(run: Callable[[Path, Path], int], doc: str, argv: list[str] | None = None) -> int:
    """The command line both baselines share: ``INPUT OUTPUT``; prints values written and seconds."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = run(args.input, args.output)
    print(json.dumps({"values": written, "seconds": round(time.perf_counter() - start, 3)}))
    return 0
