"""Derived values of both seed reports, worked out by hand from the printed
figures."""

from __future__ import annotations

import pytest

from tests.support.seeds import GAOZHI_ENTITY as NM
from tests.support.seeds import ZHONGZHI_ENTITY as HH
from tests.support.seeds import SeedRun, run_seed


@pytest.fixture(scope="module")
def zhongzhi() -> SeedRun:
    return run_seed("zhongzhi")


@pytest.fixture(scope="module")
def gaozhi() -> SeedRun:
    return run_seed("gaozhi")


ZHONGZHI_2023 = {
    "graduate_placement_rate": 7093 / 7146 * 100,
    "graduate_further_study_rate": 6218 / 7146 * 100,
    "bachelor_share_of_further_study": 105 / 6218 * 100,
    "graduate_employment_rate": 536 / 7146 * 100,
    "primary_industry_share": 38 / 536 * 100,
    "secondary_industry_share": 53 / 536 * 100,
    "tertiary_industry_share": 445 / 536 * 100,
    "overall_satisfaction": (80.07 * 6493 + 94.31 * 6881 + 96.14 * 2061 + 89.25 * 999 + 94.22 * 6181)
    / (6493 + 6881 + 2061 + 999 + 6181),
    "student_teacher_ratio_simple": 24069 / 1854,
    "full_time_teacher_share": 1854 / 2638 * 100,
    "staffing_quota_usage": 2638 / 2231 * 100,
    "students_per_ideology_teacher": 24069 / 111,
    "students_per_counselor": 24069 / 48,
    "fitness_test_participation": 20847 / 24069 * 100,
    "mentor_hours_per_mentor": 11916 / 97,
    "mentor_pay_per_hour": 61.19 * 10000 / 11916,  # 万元 → 元
    "internship_insurance_share": 12.58 / 413.36 * 100,
    "local_employment_share": 431 / 1173 * 100,
    "west_northeast_employment_share": 306 / 1173 * 100,
    "sme_grassroots_employment_share": 223 / 1173 * 100,
    "large_enterprise_employment_share": 67 / 1173 * 100,
    "invention_patent_share": 1 / 10 * 100,
    "horizontal_service_income_per_teacher": 0.0,
    "training_hours_per_project": 4963 / 28,
    "certificate_course_share": 110 / 1978 * 100,
    "online_course_share": 90 / 1978 * 100,
    "resource_bank_platform_share": (2 + 1 + 1) / 48 * 100,
    "quality_course_platform_share": 0.0,
    "virtual_base_platform_share": (0 + 1 + 0) / 17 * 100,
    "international_students_per_1000": 1 / 24069 * 1000,
    "sino_foreign_student_share": 10 / 24069 * 100,
}


@pytest.mark.parametrize(("key", "expected"), sorted(ZHONGZHI_2023.items()))
def test_zhongzhi_metrics(zhongzhi: SeedRun, key: str, expected: float) -> None:
    assert zhongzhi.value(HH, 2023, key) == pytest.approx(expected, rel=1e-12)


def test_zhongzhi_student_teacher_ratio_simple_is_about_13(zhongzhi: SeedRun) -> None:
    assert round(zhongzhi.value(HH, 2023, "student_teacher_ratio_simple") or 0, 2) == 12.98


GAOZHI_2023 = {
    "dual_qualified_share_recomputed": 6452 / 12200 * 100,
    "senior_title_share_recomputed": 4366 / 12200 * 100,
    "postgraduate_degree_share": 6535 / 12200 * 100,
    "teachers_total": 12200 + 883 * 0.5,
    "teaching_admin_space_per_student": (378.33 + 38.10) * 10000 / 238735,  # 万平方米 → m²
    "land_area_per_student": 1760.65 * 10000 / 238735,
    "dormitory_area_per_student": 184.18 * 10000 / 238735,
    "computers_per_100_students": 77042 / 238735 * 100,
    "new_equipment_share": 48734.95 / (448636.22 - 48734.95) * 100,
    # no 折合在校生数 in the report: over 全日制在校生人数 (and an info finding says so)
    "equipment_value_per_student_recomputed": 448636.22 * 10000 / 238735,  # 万元 → 元
    "books_per_student": 1410 * 10000 / 238735,  # 万册 → 册
    "horizontal_service_income_per_teacher": 2580.17 * 10000 / 12200,
    "graduate_placement_rate": 64060 / 69684 * 100,
    "full_time_students_yoy": (238735 - 212696) / 212696 * 100,
    "graduate_placement_rate_yoy": (64060 / 69684 - 59556 / 65283) / (59556 / 65283) * 100,
}


@pytest.mark.parametrize(("key", "expected"), sorted(GAOZHI_2023.items()))
def test_gaozhi_metrics(gaozhi: SeedRun, key: str, expected: float) -> None:
    assert gaozhi.value(NM, 2023, key) == pytest.approx(expected, rel=1e-12)


def test_gaozhi_2022_uses_the_appendix_row_of_a_conflicting_twin(gaozhi: SeedRun) -> None:
    # 落实政策表 prints 8668 专任教师 for 2022, the 师资队伍 core table 11500: the
    # canonical (appendix) row is kept and the conflict is reported.
    assert gaozhi.value(NM, 2022, "full_time_teachers") == 8668
    assert gaozhi.value(NM, 2022, "dual_qualified_share_recomputed") == pytest.approx(6421 / 8668 * 100)


def test_official_ratio_needs_the_equivalent_student_count(gaozhi: SeedRun) -> None:
    assert gaozhi.value(NM, 2023, "equivalent_students") is None
    assert gaozhi.value(NM, 2023, "student_teacher_ratio_official") is None
    missing = [
        f for f in gaozhi.rule("missing_input") if f.indicators[0] == "折合在校生数（教发〔2004〕2号）"
    ]
    assert {f.year for f in missing} == {2022, 2023}
    assert "硕士生数" in missing[0].message


def test_entrepreneurship_rate_is_kept_as_printed(gaozhi: SeedRun, zhongzhi: SeedRun) -> None:
    assert gaozhi.value(NM, 2023, "sc_entrepreneurship_rate") == 2.16
    assert gaozhi.value(NM, 2022, "sc_entrepreneurship_rate") == 2.42
    assert zhongzhi.value(HH, 2023, "sc_entrepreneurship_rate") == 1.68


def test_printed_rates_stay_as_inputs(zhongzhi: SeedRun) -> None:
    assert zhongzhi.value(HH, 2023, "student_teacher_ratio") == 12.40
    assert zhongzhi.value(HH, 2023, "equipment_value_per_student") == 11579.65
    assert zhongzhi.value(HH, 2023, "sat_students_respondents") == 6493
