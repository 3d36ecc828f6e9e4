"""The table templates against both seed reports: every printed row, in
order, with the names either report prints, the relations 其中 stands for,
the twins, and captions that find their table."""

from __future__ import annotations

import re

import pytest

from tests.support.seeds import GAOZHI, GAOZHI_FILE, ZHONGZHI, ZHONGZHI_FILE, SeedTable, table_catalog
from vqr_metrics.names import normalize_name

CAT = table_catalog()
SIX = ("scorecard", "satisfaction", "teaching_resources", "international", "service_contribution", "policy")
CORE = (
    "core_conditions",
    "core_students",
    "core_employment",
    "core_training",
    "core_majors",
    "core_faculty",
    "core_integration",
    "core_funding",
    "core_research",
)


def template_keys(table: str) -> list[str]:
    return [row.key for row in CAT.tables[table].rows]


def test_the_six_appendix_tables_and_nine_core_tables_are_registered() -> None:
    assert set(SIX + CORE) <= set(CAT.tables)
    assert [len(CAT.tables[t].rows) for t in SIX] == [12, 12, 43, 16, 18, 22]


@pytest.mark.parametrize("printed", ZHONGZHI, ids=lambda t: t.caption)
def test_zhongzhi_prints_every_template_row_in_order(printed: SeedTable) -> None:
    assert [row[1] for row in printed.rows] == template_keys(printed.table)


@pytest.mark.parametrize("printed", GAOZHI, ids=lambda t: t.caption)
def test_gaozhi_prints_the_template_rows_in_order(printed: SeedTable) -> None:
    keys = [row[1] for row in printed.rows]
    expected = template_keys(printed.table)
    if printed.caption == "表 3 教学资源表":  # this appendix omits one 接入国家智慧教育平台数量
        expected.remove("res_banks_school_platform")
    assert keys == expected


def test_every_core_table_is_printed_by_the_gaozhi_seed() -> None:
    assert set(CORE) <= {t.table for t in GAOZHI}


def names_of(key: str) -> set[str]:
    ind = CAT.indicators[key]
    return {normalize_name(n) for n in (ind.name, *ind.aliases)}


@pytest.mark.parametrize(
    ("key", "printed"),
    [
        ("res_courses", "教学计划内课程总数"),
        ("res_courses", "教学计划的课程总数"),
        ("res_course_hours", "教学计划的课程总数"),
        ("res_cert_courses", "其中：课证融通课程数"),
        ("res_cert_courses", "教学计划的课程-课证融通课程数"),
        ("res_cert_courses", "教学计划的课程—课证融通课程数"),
        ("res_online_course_hours", "教学计划的课程—网络教学课程数"),
        ("pol_special_appropriation", "年财政专项拨款"),
        ("pol_special_appropriation", "年度财政专项拨款"),
        ("pol_staff_quota", "教职工额定编制数"),
        ("pol_staff_quota", "教职员工额定编制数"),
        ("sat_general_course", "公共基础课（不含思想政治课）教学满意度"),
        ("svc_employed", "毕业生就业人数"),
        ("svc_employed", "毕业生初次就业人数"),
        ("sc_further_study", "其中: 毕业生升学人数"),
        ("fac_full_time_teachers", "专任教师数（人）"),
        ("fac_dual_qualified", "专任教师“双师”人数（人）"),
        ("trn_order_students", "订单培养人数(人)"),
        ("emp_initial_rate", "应届生初次就业率 (%)"),
        ("cond_computers", "教学用计算机（终端）总数（台）"),
        ("intl_students", "接收国（境）外留学生人数"),
    ],
)
def test_every_printed_spelling_matches_its_row(key: str, printed: str) -> None:
    assert normalize_name(printed) in names_of(key)


def test_core_rows_keep_the_unit_apart_from_the_name() -> None:
    for table in CORE:
        for row in CAT.tables[table].rows:
            assert "（" not in row.name.replace("（终端）", "").replace("（准）", "")
            assert row.unit
            assert normalize_name(f"{row.name}（{row.unit}）") in names_of(row.key)


def test_keys_are_unique_lower_case_ascii_across_all_tables() -> None:
    keys = [row.key for t in CAT.tables.values() for row in CAT.rows_of(t.key)]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys)


@pytest.mark.parametrize("printed", GAOZHI + ZHONGZHI, ids=lambda t: t.caption)
def test_a_caption_finds_its_table_by_containment(printed: SeedTable) -> None:
    caption = normalize_name(printed.caption)
    found = {
        t.key for t in CAT.tables.values() if any(normalize_name(n) in caption for n in (t.name, *t.aliases))
    }
    assert found == {printed.table}


def test_captions_are_transcribed_as_printed() -> None:
    text = GAOZHI_FILE.read_text(encoding="utf-8") + ZHONGZHI_FILE.read_text(encoding="utf-8")
    for printed in GAOZHI + ZHONGZHI:
        assert printed.caption in text


def test_twins_are_declared_once_towards_the_appendix_rows() -> None:
    twins = {k: i.same_as for k, i in CAT.indicators.items() if i.same_as}
    assert twins == {
        "fac_full_time_teachers": "full_time_teachers",
        "fac_industry_mentors": "pol_industry_mentors",
        "maj_majors": "res_majors",
        "rs_vertical_funding": "svc_vertical_funding",
        "rs_ip_projects": "svc_ip_projects",
        "rs_tech_transfer_income": "svc_tech_transfer_income",
    }
    assert CAT.resolve("专任教师数") == CAT.resolve("专任教师总数") == "full_time_teachers"


def test_the_survey_count_column_is_an_indicator_per_row() -> None:
    table = CAT.tables["satisfaction"]
    assert table.text_columns == ("调查方式",)
    extra = [r for r in CAT.rows_of("satisfaction") if r.column]
    assert [r.parent for r in extra] == template_keys("satisfaction")
    for ind in extra:
        assert ind.key == f"{ind.parent}_respondents"
        assert ind.name == f"{CAT.indicators[ind.parent or ''].name}调查人次"
        assert (ind.unit, ind.column) == ("人次", "调查人次")


@pytest.mark.parametrize(
    ("parent", "relation", "children"),
    [
        ("sc_employed", "partition", ["sc_primary", "sc_secondary", "sc_tertiary"]),
        ("res_banks", "partition", ["res_banks_national", "res_banks_provincial", "res_banks_school"]),
        ("intl_standards", "partition", ["intl_standards_major", "intl_standards_course"]),
        (
            "svc_employed",
            "subset",
            ["svc_local", "svc_west_northeast", "svc_sme_grassroots", "svc_large_enterprise"],
        ),
        ("intl_schools_abroad", "other_unit", ["intl_schools_abroad_majors", "intl_schools_abroad_students"]),
        ("res_courses", "other_unit", ["res_course_hours"]),
        ("res_banks_national", "subset", ["res_banks_national_platform"]),
    ],
)
def test_qizhong_means_what_the_table_means(parent: str, relation: str, children: list[str]) -> None:
    assert [c.key for c in CAT.children(parent) if c.relation == relation] == children


def test_rows_repeated_in_another_unit_share_the_name() -> None:
    for key in (
        "res_course_hours",
        "res_cert_course_hours",
        "res_online_course_hours",
        "res_quality_course_hours",
    ):
        row = CAT.indicators[key]
        parent = CAT.indicators[row.parent or ""]
        assert (row.name, row.unit, row.relation) == (parent.name, "学时", "other_unit")
        assert parent.unit == "门"


def test_inputs_reports_do_not_print_are_indicators_outside_the_template() -> None:
    extra = {
        r.key for t in CAT.tables for r in CAT.rows_of(t) if r.key not in template_keys(t) and not r.column
    }
    assert {"stu_equivalent", "stu_masters", "cond_building_area", "sc_entrepreneurs"} <= extra
    assert all("Not printed" in CAT.indicators[k].description for k in extra)
