"""The appendix and core-data tables of the two seed reports, transcribed
row by row with the values exactly as printed (line numbers refer to the
copies in ``examples/seeds``), and the pipeline that turns them into a
dataset the way a reader would: every cell through
:class:`vqr_metrics.collect.Collector`, so placeholders (—, ——, blank) and
garbage (``96?``) become findings, then merging, metrics and checks.

``GAOZHI`` is 000 (内蒙古自治区, 高职): body tables with 2023 and 2022 columns,
then the appendix twins (2023 only).  Its appendix 教学资源表 does not print
the 接入国家智慧教育平台数量 under 专业教学资源库 校级数量 (the body does).
``ZHONGZHI`` is 002 (呼和浩特市, 中职): appendix tables only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from vqr_metrics.catalog import Catalog
from vqr_metrics.checking import run_checks
from vqr_metrics.collect import Collector
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.merge import build_dataset
from vqr_metrics.model import Finding, InputSpec, Provenance, ReadOutput
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS
from vqr_metrics.testing import make_catalog

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI_FILE = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI_FILE = SEEDS / "002_7d1635ab68301fb1.txt"
GAOZHI_ENTITY = "内蒙古自治区"
ZHONGZHI_ENTITY = "呼和浩特市"
# The plugins this issue adds (plus the core I/O ones); tests of the tables
# do not depend on what other built-ins happen to register.
TABLE_PLUGINS = tuple(
    p
    for p in DEFAULT_PLUGINS
    if p.endswith((".csv_reader", ".text_writers", ".consistency", ".year_over_year")) or ".tables." in p
)


@attrs.frozen
class SeedTable:
    """One printed table: ``rows`` are ``(line, key, values per year[, 调查人次])``."""

    table: str
    caption: str
    years: tuple[int, ...]
    rows: tuple[tuple[Any, ...], ...]


@attrs.frozen
class SeedRun:
    catalog: Catalog
    dataset: Dataset
    findings: tuple[Finding, ...]
    read: ReadOutput

    def value(self, entity: str, year: int, key: str) -> float | None:
        return self.dataset.value(entity, year, self.catalog.canonical(key))

    def rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]


@cache
def table_catalog() -> Catalog:
    return make_catalog(builtins=TABLE_PLUGINS)


@attrs.frozen
class PrintedRow:
    """One row of a printed table as the seed text has it: its line, 序号,
    name (without the 其中： that opens a group) and unit."""

    line: int
    number: str
    name: str
    unit: str


_NUMBER = re.compile(r"\d*(\.\d+)*")
_QIZHONG = re.compile(r"^其中\s*[：:]\s*")
_BRACKETED_UNIT = re.compile(r"\s*[（(]([^（）()]*)[）)]$")


def printed_rows(table: SeedTable) -> tuple[PrintedRow, ...]:
    """The rows of ``table`` read straight from its seed's text: the lines
    with a tab after its caption's header, up to the first line of prose.
    The header says which column holds the 序号 and which the unit; a table
    without a 单位 column prints the unit in brackets after the name
    (专任教师数（人）).  A row without a name continues the row above in
    another unit (学时 under 门), and a row whose first cell is not a 序号
    was printed shifted one cell left."""
    path = GAOZHI_FILE if table in GAOZHI else ZHONGZHI_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    at = max(i for i, line in enumerate(lines) if line.strip() == table.caption)  # not the contents page
    head = next(i for i in range(at + 1, len(lines)) if "\t" in lines[i])
    header = lines[head].split("\t")
    number_at = header.index("序号") if "序号" in header else None
    name_at = 0 if number_at is None else number_at + 1
    unit_at = header.index("单位") if "单位" in header else None
    rows: list[PrintedRow] = []
    for i in range(head + 1, len(lines)):
        cells = lines[i].split("\t")
        if "\t" not in lines[i]:
            if lines[i].strip():
                break
            continue
        if number_at is not None and not _NUMBER.fullmatch(cells[number_at].strip()):
            cells.insert(number_at, "")
        name = _QIZHONG.sub("", cells[name_at].strip()) or rows[-1].name
        if unit_at is None:
            bracket = _BRACKETED_UNIT.search(name)
            unit = bracket[1] if bracket else ""
            name = name[: bracket.start()] if bracket else name
        else:
            unit = cells[unit_at].strip()
        number = "" if number_at is None else cells[number_at].strip()
        rows.append(PrintedRow(i + 1, number, name, unit))
    return tuple(rows)


def read_seed(catalog: Catalog, path: Path, entity: str, tables: tuple[SeedTable, ...]) -> ReadOutput:
    """What a reader of the printed tables yields: one figure or finding per cell."""
    collect = Collector(catalog, InputSpec(str(path), entity=entity))
    for table in tables:
        for line, key, values, *respondents in table.rows:
            for year, raw in zip(table.years, values, strict=True):
                prov = Provenance(str(path), line, raw, table.caption, str(year))
                collect.cell(entity, year, key, raw, prov)
            for raw in respondents:
                prov = Provenance(str(path), line, raw, table.caption, "调查人次")
                collect.cell(entity, table.years[0], f"{key}_respondents", raw, prov)
    return collect.output()


def run_seed(which: str, options: Mapping[str, Any] | None = None, catalog: Catalog | None = None) -> SeedRun:
    """Read, merge, evaluate and check one seed (``"gaozhi"`` or ``"zhongzhi"``)."""
    catalog = catalog or table_catalog()
    path, entity, tables = {
        "gaozhi": (GAOZHI_FILE, GAOZHI_ENTITY, GAOZHI),
        "zhongzhi": (ZHONGZHI_FILE, ZHONGZHI_ENTITY, ZHONGZHI),
    }[which]
    read = read_seed(catalog, path, entity, tables)
    dataset, findings = build_dataset(read.figures, catalog)
    findings += list(read.findings)
    findings += evaluate_metrics(dataset, catalog)
    findings += run_checks(dataset, catalog, options or {})
    return SeedRun(catalog, dataset, tuple(findings), read)


GAOZHI = (
    SeedTable(
        "core_conditions",
        "表 2.1 内蒙古自治区高职院校办学条件核心数据 2022-2023 年比较列表",
        (2023, 2022),
        (
            (296, "cond_teaching_space", ("378.33", "383.07")),  # 教学用科研及辅助用房面积（万平方米）
            (297, "cond_land_area", ("1760.65", "1787.04")),  # 占地面积（万平方米）
            (298, "cond_admin_space", ("38.10", "44.89")),  # 行政用房面积（万平方米）
            (299, "cond_dormitory_area", ("184.18", "187.20")),  # 学生宿舍面积（万平方米）
            (300, "cond_paper_books", ("1410", "1330")),  # 纸质图书资源量（万册）
            (301, "cond_fixed_assets", ("2350272.36", "2292093.39")),  # 固定资产总值（万元）
            (302, "cond_digital_resources", ("5764", "5265")),  # 折合数字资源量（万册）
            (303, "cond_equipment_value", ("448636.22", "414099.15")),  # 教学科研仪器设备资产总值（万元）
            (304, "cond_computers", ("77042", "71572")),  # 教学用计算机（终端）总数（台）
            (305, "cond_new_equipment_value", ("48734.95", "45832")),  # 当年新增教学科研仪器设备值（万元）
        ),
    ),
    SeedTable(
        "core_students",
        "表 2.2 内蒙古自治区学生情况核心数据 2022-2023 年比较列表",
        (2023, 2022),
        (
            (318, "stu_junior_college", ("214252", "212347")),  # 全日制专科生数（人）
            (319, "stu_bachelor", ("83", "83")),  # 全日制本科生数（人）
            (320, "stu_secondary_through", ("12837", "12056")),  # 中高职贯通培养人数（人）
            (321, "stu_bachelor_through", ("83", "83")),  # 高职本科贯通培养人数（人）
            (322, "stu_from_high_school", ("103856", "105453")),  # 普通高中生源数（人）
            (323, "stu_from_secondary_vocational", ("77848", "59114")),  # 中职生源数（人）
            (324, "stu_international", ("16", "19")),  # 留学生人数（人）
            (325, "stu_social_enrolment", ("6297", "5071")),  # 社会招生人数（人）
        ),
    ),
    SeedTable(
        "satisfaction",
        "表 2.5 满意度调查表",
        (2023,),
        (
            (474, "sat_students", ("90.24",), "55637"),  # 在校生满意度
            (475, "sat_classroom", ("90.05",), "55637"),  # 其中：课堂育人满意度
            (476, "sat_extracurricular", ("88.79",), "55637"),  # 课外育人满意度
            (477, "sat_ideology_course", ("95.43",), "55637"),  # 思想政治课教学满意度
            (478, "sat_general_course", ("94.11",), "55637"),  # 公共基础课（不含思想政治课）
            (479, "sat_major_course", ("94.29",), "55637"),  # 专业课教学满意度
            (480, "sat_graduates", ("90.88",), "39800"),  # 毕业生满意度
            (481, "sat_new_graduates", ("90.88",), "28600"),  # 其中：应届毕业生满意度
            (482, "sat_graduates_3y", ("92.86",), "16100"),  # 毕业三年内毕业生满意度
            (483, "sat_staff", ("95.25",), "9600"),  # 教职工满意度
            (484, "sat_employers", ("91.32",), "3600"),  # 用人单位满意度
            (485, "sat_parents", ("93.56",), "8500"),  # 家长满意度
        ),
    ),
    SeedTable(
        "core_employment",
        "表 2.6 内蒙古自治区就业情况核心数据列表",
        (2023, 2022),
        (
            (498, "emp_initial_rate", ("92.19", "86.71")),  # 应届生初次就业率 (%)
            (499, "emp_direct_rate", ("72.81", "64.33")),  # 应届生直接就业率 (%)
            (500, "emp_matched_rate", ("76.37", "71.41")),  # 应届生对口就业率 (%)
            (501, "emp_quality_rate", ("37.02", "34.17")),  # 应届生高质量就业率 (%)
            (502, "emp_further_study_rate", ("18.09", "17.81")),  # 应届生升学率 (%)
            (503, "emp_prior_year_end_rate", ("91.71", "86.43")),  # 上届学生年终就业率 (%)
        ),
    ),
    SeedTable(
        "service_contribution",
        "表 2.7 服务贡献表",
        (2023, 2022),
        (
            (510, "svc_employed", ("49253", "46289")),  # 毕业生就业人数
            (511, "svc_local", ("27719", "17243")),  # 其中：A类：留在当地就业
            (512, "svc_west_northeast", ("43266", "27523")),  # B类：到西部和东北地区就业
            (513, "svc_sme_grassroots", ("41593", "32977")),  # C类：到中小微企业等基层就业
            (514, "svc_large_enterprise", ("7154", "9040")),  # D类：到大型企业就业
            (515, "svc_horizontal_income", ("2580.17", "3993.09")),  # 横向技术服务到款额
            (516, "svc_horizontal_benefit", ("17126.34", "18447.90")),  # 横向技术服务产生的经济效益
            (517, "svc_vertical_funding", ("2257.76", "1523.10")),  # 纵向科研经费到款额
            (518, "svc_tech_transfer_income", ("317.65", "385.10")),  # 技术产权交易收入
            (519, "svc_ip_projects", ("276", "580")),  # 知识产权项目数
            (520, "svc_patents", ("229", "502")),  # 其中：专利授权数量
            (521, "svc_invention_patents", ("40", "26")),  # 发明专利授权数量
            (522, "svc_patent_transfers", ("27", "—")),  # 专利转让数量
            (523, "svc_patent_conversion_income", ("301.10", "32")),  # 专利成果转化到款额
            (524, "svc_training_projects", ("1419", "2246")),  # 非学历培训项目数
            (526, "svc_training_hours", ("289232.60", "236908")),  # 非学历培训学时
            (527, "svc_public_training_hours", ("24429", "32151")),  # 公益项目培训学时
            (528, "svc_training_income", ("9766.19", "9391.09")),  # 非学历培训到账经费
        ),
    ),
    SeedTable(
        "core_training",
        "表 2.8 内蒙古自治区人才培养核心数据列表",
        (2023, 2022),
        (
            (539, "trn_order_students", ("12803", "10497")),  # 订单培养人数(人)
            (540, "trn_apprentices", ("3848", "2611")),  # 现代学徒制人数(人)
            (541, "trn_internal_sites", ("3495", "3184")),  # 校内实践教学场所数(个)
            (542, "trn_external_sites", ("3139", "2605")),  # 校外实践教学场所数(个)
            (543, "trn_training_bases", ("52", "67")),  # 省级以上实训基地数(个)
            (544, "trn_planned_textbooks", ("5887", "4498")),  # 选用省级以上规划教材数(部)
            (545, "trn_internship_match_rate", ("90.14", "87.17")),  # 顶岗实习对口率(%)
            (546, "trn_internship_insured_share", ("88.58", "83.07")),  # 顶岗实习购买保险比例(%)
        ),
    ),
    SeedTable(
        "scorecard",
        "表 2.9 人才培养质量计分卡",
        (2023, 2022),
        (
            (553, "sc_graduates", ("69684", "65283")),  # 毕业生人数
            (554, "sc_placed", ("64060", "59556")),  # 毕业去向落实人数
            (555, "sc_further_study", ("12024", "12838")),  # 其中: 毕业生升学人数
            (556, "sc_bachelor", ("11909", "—")),  # 升入本科人数
            (557, "sc_local_placement_rate", ("81.48", "73.76")),  # 毕业生本省去向落实率
            (558, "sc_monthly_income", ("3705", "3647")),  # 月收入
            (559, "sc_employed", ("49658", "45372")),  # 毕业生面向三次产业就业人数
            (560, "sc_primary", ("3392", "1715")),  # 其中: 面向第一产业
            (561, "sc_secondary", ("13396", "12639")),  # 面向第二产业
            (562, "sc_tertiary", ("32870", "31018")),  # 面向第三产业
            (563, "sc_entrepreneurship_rate", ("2.16", "2.42")),  # 自主创业率
            (564, "sc_promotion_rate", ("33.45", "39.42")),  # 毕业三年晋升比例
        ),
    ),
    SeedTable(
        "core_majors",
        "表 3.1 内蒙古自治区专业课程核心数据列表",
        (2023, 2022),
        (
            (593, "maj_majors", ("1434", "1187")),  # 开设专业总数（个）
            (594, "maj_key_majors", ("302", "324")),  # 重点专业数（个）
            (595, "maj_bachelor_majors", ("2", "2")),  # 开设本科专业数（个）
            (596, "maj_coop_courses", ("2696", "1980")),  # 校企合作开发课程数（门）
            (597, "maj_coop_textbooks", ("219", "158")),  # 校企合作开发教材数（部）
            (598, "maj_quality_courses", ("147", "233")),  # 省级以上精品在线课程数（门）
            (599, "maj_teacher_textbooks", ("758", "440")),  # 学校教师主编出版教材数（部）
            (600, "maj_textbook_awards", ("67", "55")),  # 学校教师主编教材获奖数（部）
        ),
    ),
    SeedTable(
        "teaching_resources",
        "表 3.2 教学资源表",
        (2023, 2022),
        (
            (607, "student_teacher_ratio", ("17.25", "17.78")),  # 生师比
            (608, "dual_qualified_teacher_share", ("48.77", "51.76")),  # 双师素质专任教师比例
            (609, "senior_title_teacher_share", ("33.55", "34.69")),  # 高级专业技术职务专任教师比例
            (610, "res_specialty_groups", ("142", "——")),  # 专业群数量
            (611, "res_majors", ("1434", "——")),  # 专业数量
            (612, "res_courses", ("28845", "24830")),  # 教学计划的课程总数
            (613, "res_course_hours", ("3534956", "3066403")),  # 教学计划的课程总数
            (614, "res_cert_courses", ("3039", "8422")),  # 教学计划的课程-课证融通课程数
            (615, "res_cert_course_hours", ("285583", "259297")),  # 教学计划的课程-课证融通课程数
            (616, "res_online_courses", ("3274", "6042")),  # 教学计划的课程-网络教学课程数
            (617, "res_online_course_hours", ("349449", "489768")),  # 教学计划的课程-网络教学课程数
            (618, "res_banks", ("2502", "2253")),  # 专业教学资源库数
            (619, "res_banks_national", ("4", "7")),  # 其中：国家级数量
            (620, "res_banks_national_platform", ("2", "12")),  # 接入国家智慧教育平台数量
            (622, "res_banks_provincial", ("31", "115")),  # 省级数量
            (623, "res_banks_provincial_platform", ("2", "9967")),  # 接入国家智慧教育平台数量
            (624, "res_banks_school", ("2464", "22535")),  # 校级数量
            (625, "res_banks_school_platform", ("39", "9")),  # 接入国家智慧教育平台数量
            (626, "res_quality_courses", ("12546", "1042")),  # 在线精品课程数
            (627, "res_quality_course_hours", ("172112.1", "143281")),  # 在线精品课程数
            (628, "res_quality_course_students", ("200", "358")),  # 在线精品课程课均学生数
            (629, "res_quality_national", ("16", "25")),  # 其中：国家级数量
            (630, "res_quality_national_platform", ("28", "4")),  # 接入国家智慧教育平台数量
            (631, "res_quality_provincial", ("129", "117")),  # 省级数量
            (632, "res_quality_provincial_platform", ("34", "23")),  # 接入国家智慧教育平台数量
            (633, "res_quality_school", ("855", "556")),  # 校级数量
            (634, "res_quality_school_platform", ("63", "64")),  # 接入国家智慧教育平台数量
            (635, "res_virtual_bases", ("122", "")),  # 虚拟仿真实训基地数
            (636, "res_virtual_national", ("4", "")),  # 其中：国家级数量
            (637, "res_virtual_national_platform", ("0", "")),  # 接入国家智慧教育平台数量
            (638, "res_virtual_provincial", ("5", "")),  # 省级数量
            (639, "res_virtual_provincial_platform", ("0", "")),  # 接入国家智慧教育平台数量
            (640, "res_virtual_school", ("130", "")),  # 校级数量
            (641, "res_virtual_school_platform", ("3", "")),  # 接入国家智慧教育平台数量
            (642, "res_textbooks", ("1264", "1070")),  # 编写教材数
            (643, "res_textbooks_national_plan", ("261", "104")),  # 其中：国家规划教材数量
            (644, "res_textbooks_coop", ("336", "362")),  # 校企合作编写教材数量
            (645, "res_textbooks_new_form", ("211", "139")),  # 新形态教材数量
            (646, "res_textbooks_platform", ("29", "15")),  # 接入国家智慧教育平台数量
            (647, "res_internet_bandwidth", ("5490.89", "4474")),  # 互联网出口带宽
            (648, "res_backbone_bandwidth", ("7826.12", "6911")),  # 校园网主干最大带宽
            (649, "res_practice_stations_per_student", ("0.53", "96?")),  # 生均校内实践教学工位数
            (650, "equipment_value_per_student", ("17087.62", "14849")),  # 生均教学科研仪器设备值
        ),
    ),
    SeedTable(
        "core_faculty",
        "表 3.4 内蒙古自治区师资队伍核心数据列表",
        (2023, 2022),
        (
            (754, "fac_full_time_teachers", ("12200", "11500")),  # 专任教师数（人）
            (755, "fac_senior_title", ("4366", "4231")),  # 专任教师高级职称人数
            (756, "fac_dual_qualified", ("6452", "6421")),  # 专任教师“双师”人数（人）
            (757, "fac_internal_part_time", ("1121", "1309")),  # 校内兼课教师数（人）
            (758, "fac_external_teachers", ("883", "1023")),  # 校外教师数（人）
            (759, "fac_industry_mentors", ("2408", "2220")),  # 行业导师数（人）
            (760, "fac_postgraduate", ("6535", "5813")),  # 专任教师硕士以上学位人数（人）
            (761, "fac_foreign_teachers", ("14", "12")),  # 外籍教师数（人）
        ),
    ),
    SeedTable(
        "policy",
        "表 3.6 落实政策表",
        (2023, 2022),
        (
            (768, "full_time_students", ("238735", "212696")),  # 全日制在校生人数
            (769, "pol_appropriation_per_student", ("13325.33", "13619")),  # 年生均财政拨款水平
            (770, "pol_special_appropriation", ("154854.37", "121737")),  # 年财政专项拨款
            (771, "pol_staff_quota", ("15424", "11561")),  # 教职工额定编制数
            (772, "pol_staff", ("16594", "12089")),  # 教职工总数
            (773, "full_time_teachers", ("12200", "8668")),  # 其中：专任教师总数
            (774, "pol_ideology_teachers", ("652", "")),  # 思政课教师数
            (775, "pol_pe_teachers", ("517", "")),  # 体育课专任教师数
            (776, "pol_art_teachers", ("122", "")),  # 美育课专任教师数
            (777, "pol_counselors", ("1195", "")),  # 辅导员人数
            (778, "pol_class_teachers", ("2097", "")),  # 班主任人数
            (779, "pol_fitness_tested", ("145471", "")),  # 参加国家学生体质健康标准测试人数
            (780, "pol_fitness_pass_rate", ("68.23", "")),  # 其中：学生体质测评合格率
            (782, "pol_certificate_holders", ("47365", "")),  # 职业技能等级证书（含职业资格证书）获
            (783, "pol_enterprise_equipment", ("12934.86", "2621")),  # 企业提供的校内实践教学设备值
            (784, "pol_practice_centres", ("277", "")),  # 与企业共建开放型区域产教融合实践中
            (785, "pol_industry_mentors", ("2408", "")),  # 聘请行业导师人数
            (786, "pol_master_craftsmen", ("47", "")),  # 其中：聘请大国工匠、劳动模范人数
            (787, "pol_mentor_hours", ("678616", "")),  # 行业导师年课时总量
            (788, "pol_mentor_pay", ("2582.21", "")),  # 年支付行业导师课酬
            (789, "pol_internship_funding", ("2593.32", "")),  # 年实习专项经费
            (790, "pol_internship_insurance", ("317.11", "")),  # 其中：年实习责任保险经费
        ),
    ),
    SeedTable(
        "international",
        "表 5.1 国际影响表",
        (2023, 2022),
        (
            (918, "intl_student_majors", ("8", "7")),  # 接收国外留学生专业数
            (919, "intl_students", ("85", "37")),  # 接收国外留学生人数
            (920, "intl_visiting_teachers", ("83", "—")),  # 接收国外访学教师人数
            (921, "intl_standards", ("74", "27")),  # 开发并被国外采用的职业教育标准数量
            (922, "intl_standards_major", ("12", "—")),  # 其中：专业标准
            (923, "intl_standards_course", ("68", "—")),  # 课程标准
            (924, "intl_resources", ("83", "—")),  # 开发并被国外采用的职业教育资源数量
            (925, "intl_equipment", ("0", "—")),  # 开发并被国外采用的职业教育装备数量
            (926, "intl_schools_abroad", ("2", "1")),  # 在国外开办学校数
            (927, "intl_schools_abroad_majors", ("2", "1")),  # 其中：专业数量
            (928, "intl_schools_abroad_students", ("30", "18")),  # 在校生数
            (929, "intl_sino_foreign_majors", ("15", "1")),  # 中外合作办学专业数
            (930, "intl_sino_foreign_students", ("1105", "60")),  # 其中：在校生数
            (931, "intl_teacher_days_abroad", ("611", "14")),  # 专任教师赴国外指导和开展培训时间
            (932, "intl_teachers_in_foreign_bodies", ("9", "2")),  # 在国外组织担任职务的专任教师数
            (933, "intl_competition_awards", ("49", "12")),  # 国外技能大赛获奖数量
        ),
    ),
    SeedTable(
        "core_integration",
        "表 6.1 内蒙古自治区产教融合核心数据列表",
        (2023, 2022),
        (
            (968, "ie_partner_companies", ("3574", "3079")),  # 校企合作企业总数（个）
            (969, "ie_donated_equipment", ("10767.30", "6053.95")),  # 企业（准）捐赠设备值（万元）
            (970, "ie_tech_contract_income", ("2701.26", "640.49")),  # 技术合同年收入（万元）
            (971, "ie_joint_achievements", ("89", "81")),  # 校企联合申报科技成果数（个）
            (972, "ie_internship_hosts", ("31117", "24112")),  # 合作企业接收顶岗实习人数（人）
            (973, "ie_graduate_hires", ("9122", "13988")),  # 合作企业接收应届毕业生就业人数（人）
        ),
    ),
    SeedTable(
        "core_funding",
        "表 7.1 内蒙古自治区高职院校经费情况核心数据列表",
        (2023, 2022),
        (
            (1069, "fund_income", ("609241.96", "595767.08")),  # 学校年度经费总收入（万元）
            (1070, "fund_appropriation", ("280611.04", "248481.56")),  # 财政生均拨款收入（万元）
            (1071, "fund_expenditure", ("580737.93", "558290.44")),  # 学校年度经费总支出（万元）
            (1072, "fund_teaching_expenditure", ("44598.89", "45501.29")),  # 日常教学经费支出（万元）
        ),
    ),
    SeedTable(
        "core_research",
        "表 7.2 内蒙古自治区科研服务核心数据列表",
        (2023, 2022),
        (
            (1115, "rs_horizontal_funding", ("2394.57", "3993.09")),  # 横向科研经费到账（万元）
            (1116, "rs_vertical_funding", ("2257.76", "18447.90")),  # 纵向科研经费到账（万元）
            (1117, "rs_ip_projects", ("276", "580")),  # 获得知识产权项目数（个）
            (1118, "rs_tech_transfer_income", ("317.65", "385.10")),  # 技术产权交易收入（万元）
            (1119, "rs_social_training", ("433384", "346832")),  # 社会培训总量（人次）
            (1120, "rs_social_training_income", ("7709.07", "8031.42")),  # 社会培训总收入（万元）
        ),
    ),
    SeedTable(
        "scorecard",
        "表 1 计分卡",
        (2023,),
        (
            (1141, "sc_graduates", ("69684",)),  # 毕业生人数
            (1142, "sc_placed", ("64060",)),  # 毕业去向落实人数
            (1143, "sc_further_study", ("12024",)),  # 其中：毕业生升学人数
            (1144, "sc_bachelor", ("11909",)),  # 升入本科人数
            (1145, "sc_local_placement_rate", ("81.48",)),  # 毕业生本省去向落实率
            (1146, "sc_monthly_income", ("3705",)),  # 月收入
            (1147, "sc_employed", ("49658",)),  # 毕业生面向三次产业就业人数
            (1148, "sc_primary", ("3392",)),  # 其中：面向第一产业
            (1149, "sc_secondary", ("13396",)),  # 面向第二产业
            (1150, "sc_tertiary", ("32870",)),  # 面向第三产业
            (1151, "sc_entrepreneurship_rate", ("2.16",)),  # 自主创业率
            (1152, "sc_promotion_rate", ("33.45",)),  # 毕业三年晋升比例
        ),
    ),
    SeedTable(
        "satisfaction",
        "表 2 满意度调查表",
        (2023,),
        (
            (1159, "sat_students", ("90.24",), "55637"),  # 在校生满意度
            (1160, "sat_classroom", ("90.05",), "55637"),  # 其中：课堂育人满意度
            (1161, "sat_extracurricular", ("88.79",), "55637"),  # 课外育人满意度
            (1162, "sat_ideology_course", ("95.43",), "55637"),  # 思想政治课教学满意度
            (1163, "sat_general_course", ("94.11",), "55637"),  # 公共基础课（不含思想政治课）教学满意度
            (1164, "sat_major_course", ("94.29",), "55637"),  # 专业课教学满意度
            (1165, "sat_graduates", ("90.88",), "39800"),  # 毕业生满意度
            (1166, "sat_new_graduates", ("90.88",), "28600"),  # 其中：应届毕业生满意度
            (1167, "sat_graduates_3y", ("92.86",), "16100"),  # 毕业三年内毕业生满意度
            (1168, "sat_staff", ("95.25",), "9600"),  # 教职工满意度
            (1169, "sat_employers", ("91.32",), "3600"),  # 用人单位满意度
            (1170, "sat_parents", ("93.56",), "8500"),  # 家长满意度
        ),
    ),
    SeedTable(
        "teaching_resources",
        "表 3 教学资源表",
        (2023,),
        (
            (1177, "student_teacher_ratio", ("17.25",)),  # 生师比
            (1178, "dual_qualified_teacher_share", ("48.77",)),  # 双师素质专任教师比例
            (1179, "senior_title_teacher_share", ("33.55",)),  # 高级专业技术职务专任教师比例
            (1180, "res_specialty_groups", ("142",)),  # 专业群数量
            (1181, "res_majors", ("1434",)),  # 专业数量
            (1182, "res_courses", ("28845",)),  # 教学计划内课程总数
            (1183, "res_course_hours", ("3534956",)),  # (continued)
            (1184, "res_cert_courses", ("3039",)),  # 其中：课证融通课程数
            (1185, "res_cert_course_hours", ("285583",)),  # (continued)
            (1186, "res_online_courses", ("3274",)),  # 网络教学课程数
            (1187, "res_online_course_hours", ("349449",)),  # (continued)
            (1188, "res_banks", ("2502",)),  # 专业教学资源库数
            (1189, "res_banks_national", ("4",)),  # 其中：国家级数量
            (1190, "res_banks_national_platform", ("2",)),  # 接入国家智慧教育平台数量
            (1191, "res_banks_provincial", ("31",)),  # 省级数量
            (1192, "res_banks_provincial_platform", ("2",)),  # 接入国家智慧教育平台数量
            (1193, "res_banks_school", ("2464",)),  # 校级数量
            (1194, "res_quality_courses", ("12546",)),  # 在线精品课程数
            (1195, "res_quality_course_hours", ("172112.12",)),  # (continued)
            (1196, "res_quality_course_students", ("200",)),  # 在线精品课程课均学生数
            (1197, "res_quality_national", ("16",)),  # 其中：国家级数量
            (1198, "res_quality_national_platform", ("28",)),  # 接入国家智慧教育平台数量
            (1199, "res_quality_provincial", ("129",)),  # 省级数量
            (1200, "res_quality_provincial_platform", ("34",)),  # 接入国家智慧教育平台数量
            (1201, "res_quality_school", ("855",)),  # 校级数量
            (1202, "res_quality_school_platform", ("63",)),  # 接入国家智慧教育平台数量
            (1203, "res_virtual_bases", ("122",)),  # 虚拟仿真实训基地数
            (1204, "res_virtual_national", ("4",)),  # 其中：国家级数量
            (1205, "res_virtual_national_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1206, "res_virtual_provincial", ("5",)),  # 省级数量
            (1207, "res_virtual_provincial_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1208, "res_virtual_school", ("130",)),  # 校级数量
            (1209, "res_virtual_school_platform", ("3",)),  # 接入国家智慧教育平台数量
            (1210, "res_textbooks", ("1264",)),  # 编写教材数
            (1211, "res_textbooks_national_plan", ("261",)),  # 其中：国家规划教材数量
            (1212, "res_textbooks_coop", ("336",)),  # 校企合作编写教材数量
            (1213, "res_textbooks_new_form", ("211",)),  # 新形态教材数量
            (1214, "res_textbooks_platform", ("29",)),  # 接入国家智慧教育平台数量
            (1215, "res_internet_bandwidth", ("5490.89",)),  # 互联网出口带宽
            (1216, "res_backbone_bandwidth", ("7826.12",)),  # 校园网主干最大带宽
            (1217, "res_practice_stations_per_student", ("0.53",)),  # 生均校内实践教学工位数
            (1218, "equipment_value_per_student", ("17087.62",)),  # 生均教学科研仪器设备值
        ),
    ),
    SeedTable(
        "international",
        "表 4 国际影响表",
        (2023,),
        (
            (1225, "intl_student_majors", ("8",)),  # 接收国外留学生专业数
            (1226, "intl_students", ("85",)),  # 接收国外留学生人数
            (1227, "intl_visiting_teachers", ("83",)),  # 接收国外访学教师人数
            (1228, "intl_standards", ("74",)),  # 开发并被国外采用的职业教育标准数量
            (1229, "intl_standards_major", ("12",)),  # 其中：专业标准
            (1230, "intl_standards_course", ("68",)),  # 课程标准
            (1231, "intl_resources", ("83",)),  # 开发并被国外采用的职业教育资源数量
            (1232, "intl_equipment", ("0",)),  # 开发并被国外采用的职业教育装备数量
            (1233, "intl_schools_abroad", ("2",)),  # 在国外开办学校数
            (1234, "intl_schools_abroad_majors", ("2",)),  # 其中：专业数量
            (1235, "intl_schools_abroad_students", ("30",)),  # 在校生数
            (1236, "intl_sino_foreign_majors", ("15",)),  # 中外合作办学专业数
            (1237, "intl_sino_foreign_students", ("1105",)),  # 其中：在校生数
            (1238, "intl_teacher_days_abroad", ("611",)),  # 专任教师赴国外指导和开展培训时间
            (1239, "intl_teachers_in_foreign_bodies", ("9",)),  # 在国外组织担任职务的专任教师数
            (1240, "intl_competition_awards", ("49",)),  # 国外技能大赛获奖数量
        ),
    ),
    SeedTable(
        "service_contribution",
        "表 5 服务贡献表",
        (2023,),
        (
            (1247, "svc_employed", ("49253",)),  # 毕业生初次就业人数
            (1248, "svc_local", ("27719",)),  # 其中：A类：留在当地就业
            (1249, "svc_west_northeast", ("43266",)),  # B类：到西部和东北地区就业
            (1250, "svc_sme_grassroots", ("41593",)),  # C类：到中小微企业等基层就业
            (1251, "svc_large_enterprise", ("7154",)),  # D类：到大型企业就业
            (1252, "svc_horizontal_income", ("2580.17",)),  # 横向技术服务到款额
            (1253, "svc_horizontal_benefit", ("17126.34",)),  # 横向技术服务产生的经济效益
            (1254, "svc_vertical_funding", ("2257.76",)),  # 纵向科研经费到款额
            (1255, "svc_tech_transfer_income", ("317.65",)),  # 技术产权交易收入
            (1256, "svc_ip_projects", ("276",)),  # 知识产权项目数
            (1257, "svc_patents", ("229",)),  # 其中：专利授权数量
            (1258, "svc_invention_patents", ("40",)),  # 发明专利授权数量
            (1259, "svc_patent_transfers", ("27",)),  # 专利转让数量
            (1260, "svc_patent_conversion_income", ("301.10",)),  # 专利成果转化到款额
            (1261, "svc_training_projects", ("1419",)),  # 非学历培训项目数
            (1262, "svc_training_hours", ("289232.60",)),  # 非学历培训学时
            (1263, "svc_public_training_hours", ("24429",)),  # 公益项目培训学时
            (1264, "svc_training_income", ("9766.19",)),  # 非学历培训到账经费
        ),
    ),
    SeedTable(
        "policy",
        "表 6 落实政策表",
        (2023,),
        (
            (1271, "full_time_students", ("238735",)),  # 全日制在校生人数
            (1272, "pol_appropriation_per_student", ("13325.33",)),  # 年生均财政拨款水平
            (1273, "pol_special_appropriation", ("154854.37",)),  # 年财政专项拨款
            (1274, "pol_staff_quota", ("15424",)),  # 教职员工额定编制数
            (1275, "pol_staff", ("16594",)),  # 教职工总数
            (1276, "full_time_teachers", ("12200",)),  # 其中：专任教师总数
            (1277, "pol_ideology_teachers", ("652",)),  # 思政课教师数
            (1278, "pol_pe_teachers", ("517",)),  # 体育课专任教师数
            (1279, "pol_art_teachers", ("122",)),  # 美育课专任教师数
            (1280, "pol_counselors", ("1195",)),  # 辅导员人数
            (1281, "pol_class_teachers", ("2097",)),  # 班主任人数
            (1282, "pol_fitness_tested", ("145471",)),  # 参加国家学生体质健康标准测试人数
            (1283, "pol_fitness_pass_rate", ("68.23",)),  # 其中：学生体质测评合格率
            (1284, "pol_certificate_holders", ("47365",)),  # 职业技能等级证书（含职业资格证书）获取人数
            (1285, "pol_enterprise_equipment", ("12934.86",)),  # 企业提供的校内实践教学设备值
            (1286, "pol_practice_centres", ("277",)),  # 与企业共建开放型区域产教融合实践中心
            (1287, "pol_industry_mentors", ("2408",)),  # 聘请行业导师人数
            (1288, "pol_master_craftsmen", ("47",)),  # 其中：聘请大国工匠、劳动模范人数
            (1289, "pol_mentor_hours", ("678616",)),  # 行业导师年课时总量
            (1290, "pol_mentor_pay", ("2582.21",)),  # 年支付行业导师课酬
            (1291, "pol_internship_funding", ("2593.32",)),  # 年实习专项经费
            (1292, "pol_internship_insurance", ("317.11",)),  # 其中：年实习责任保险经费
        ),
    ),
)

ZHONGZHI = (
    SeedTable(
        "scorecard",
        "附表 1：人才培养质量计分卡",
        (2023,),
        (
            (938, "sc_graduates", ("7146",)),  # 毕业生人数
            (939, "sc_placed", ("7093",)),  # 毕业去向落实人数
            (940, "sc_further_study", ("6218",)),  # 其中：毕业生升学人数
            (941, "sc_bachelor", ("105",)),  # 升入本科人数
            (942, "sc_local_placement_rate", ("89.74",)),  # 毕业生本省去向落实率
            (943, "sc_monthly_income", ("2068",)),  # 月收入
            (944, "sc_employed", ("536",)),  # 毕业生面向三次产业就业人数
            (945, "sc_primary", ("38",)),  # 其中：面向第一产业
            (946, "sc_secondary", ("53",)),  # 面向第二产业
            (947, "sc_tertiary", ("445",)),  # 面向第三产业
            (948, "sc_entrepreneurship_rate", ("1.68",)),  # 自主创业率
            (949, "sc_promotion_rate", ("22.20",)),  # 毕业三年晋升比例
        ),
    ),
    SeedTable(
        "satisfaction",
        "附表 2：满意度调查表",
        (2023,),
        (
            (954, "sat_students", ("80.07",), "6493"),  # 在校生满意度
            (955, "sat_classroom", ("80.92",), "6493"),  # 其中：课堂育人满意度
            (956, "sat_extracurricular", ("80.41",), "6493"),  # 课外育人满意度
            (957, "sat_ideology_course", ("84.85",), "6493"),  # 思想政治课教学满意度
            (958, "sat_general_course", ("83.18",), "6493"),  # 公共基础课（不含思想政治课）教学满意度
            (959, "sat_major_course", ("84.05",), "6493"),  # 专业课教学满意度
            (960, "sat_graduates", ("94.31",), "6881"),  # 毕业生满意度
            (961, "sat_new_graduates", ("94.53",), "4421"),  # 其中：应届毕业生满意度
            (962, "sat_graduates_3y", ("92.97",), "5929"),  # 毕业三年内毕业生满意度
            (963, "sat_staff", ("96.14",), "2061"),  # 教职工满意度
            (964, "sat_employers", ("89.25",), "999"),  # 用人单位满意度
            (965, "sat_parents", ("94.22",), "6181"),  # 家长满意度
        ),
    ),
    SeedTable(
        "service_contribution",
        "附表 3：服务贡献表",
        (2023,),
        (
            (970, "svc_employed", ("1173",)),  # 毕业生初次就业人数
            (971, "svc_local", ("431",)),  # 其中：A类：留在当地就业
            (972, "svc_west_northeast", ("306",)),  # B类：到西部和东北地区就业
            (973, "svc_sme_grassroots", ("223",)),  # C类：到中小微企业等基层就业
            (974, "svc_large_enterprise", ("67",)),  # D类：到大型企业就业
            (975, "svc_horizontal_income", ("0",)),  # 横向技术服务到款额
            (976, "svc_horizontal_benefit", ("0",)),  # 横向技术服务产生的经济效益
            (977, "svc_vertical_funding", ("0",)),  # 纵向科研经费到款额
            (978, "svc_tech_transfer_income", ("0",)),  # 技术产权交易收入
            (979, "svc_ip_projects", ("10",)),  # 知识产权项目数
            (980, "svc_patents", ("10",)),  # 其中：专利授权数量
            (981, "svc_invention_patents", ("1",)),  # 发明专利授权数量
            (982, "svc_patent_transfers", ("0",)),  # 专利转让数量
            (983, "svc_patent_conversion_income", ("0",)),  # 专利成果转化到款额
            (984, "svc_training_projects", ("28",)),  # 非学历培训项目数
            (985, "svc_training_hours", ("4963",)),  # 非学历培训学时
            (986, "svc_public_training_hours", ("13398.2",)),  # 公益项目培训学时
            (987, "svc_training_income", ("47.5",)),  # 非学历培训到账经费
        ),
    ),
    SeedTable(
        "teaching_resources",
        "附表 4：教学资源表",
        (2023,),
        (
            (992, "student_teacher_ratio", ("12.40",)),  # 生师比
            (993, "dual_qualified_teacher_share", ("24.11",)),  # 双师素质专任教师比例
            (994, "senior_title_teacher_share", ("13.53",)),  # 高级专业技术职务专任教师比例
            (995, "res_specialty_groups", ("16",)),  # 专业群数量
            (996, "res_majors", ("98",)),  # 专业数量
            (997, "res_courses", ("1978",)),  # 教学计划的课程总数
            (998, "res_course_hours", ("341709",)),  # 教学计划的课程总数
            (999, "res_cert_courses", ("110",)),  # 教学计划的课程—课证融通课程数
            (1000, "res_cert_course_hours", ("16054",)),  # 教学计划的课程—课证融通课程数
            (1001, "res_online_courses", ("90",)),  # 教学计划的课程—网络教学课程数
            (1002, "res_online_course_hours", ("13974",)),  # 教学计划的课程—网络教学课程数
            (1003, "res_banks", ("48",)),  # 专业教学资源库数
            (1004, "res_banks_national", ("1",)),  # 其中：国家级数量
            (1005, "res_banks_national_platform", ("2",)),  # 接入国家智慧教育平台数量
            (1006, "res_banks_provincial", ("0",)),  # 省级数量
            (1007, "res_banks_provincial_platform", ("1",)),  # 接入国家智慧教育平台数量
            (1008, "res_banks_school", ("1654",)),  # 校级数量
            (1009, "res_banks_school_platform", ("1",)),  # 接入国家智慧教育平台数量
            (1010, "res_quality_courses", ("22",)),  # 在线精品课程数
            (1011, "res_quality_course_hours", ("21",)),  # 在线精品课程数
            (1012, "res_quality_course_students", ("330",)),  # 在线精品课程课均学生数
            (1013, "res_quality_national", ("0",)),  # 其中：国家级数量
            (1014, "res_quality_national_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1015, "res_quality_provincial", ("0",)),  # 省级数量
            (1016, "res_quality_provincial_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1017, "res_quality_school", ("26",)),  # 校级数量
            (1018, "res_quality_school_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1019, "res_virtual_bases", ("17",)),  # 虚拟仿真实训基地数
            (1020, "res_virtual_national", ("0",)),  # 其中：国家级数量
            (1021, "res_virtual_national_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1022, "res_virtual_provincial", ("1",)),  # 省级数量
            (1023, "res_virtual_provincial_platform", ("1",)),  # 接入国家智慧教育平台数量
            (1024, "res_virtual_school", ("16",)),  # 校级数量
            (1025, "res_virtual_school_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1026, "res_textbooks", ("33",)),  # 编写教材数
            (1027, "res_textbooks_national_plan", ("1",)),  # 其中：国家规划教材数量
            (1028, "res_textbooks_coop", ("4",)),  # 校企合作编写教材数量
            (1029, "res_textbooks_new_form", ("2",)),  # 新形态教材数量
            (1030, "res_textbooks_platform", ("0",)),  # 接入国家智慧教育平台数量
            (1031, "res_internet_bandwidth", ("1106.12",)),  # 互联网出口带宽
            (1033, "res_backbone_bandwidth", ("1407.88",)),  # 校园网主干最大带宽
            (1034, "res_practice_stations_per_student", ("3.40",)),  # 生均校内实践教学工位数
            (1035, "equipment_value_per_student", ("11579.65",)),  # 生均教学科研仪器设备值
        ),
    ),
    SeedTable(
        "international",
        "附表 5：国际影响表",
        (2023,),
        (
            (1040, "intl_student_majors", ("1",)),  # 接收国外留学生专业数
            (1041, "intl_students", ("1",)),  # 接收国外留学生人数
            (1042, "intl_visiting_teachers", ("0",)),  # 接收国外访学教师人数
            (1043, "intl_standards", ("0",)),  # 开发并被国外采用的职业教育标准数量
            (1044, "intl_standards_major", ("0",)),  # 其中：专业标准
            (1045, "intl_standards_course", ("0",)),  # 课程标准
            (1046, "intl_resources", ("0",)),  # 开发并被国外采用的职业教育资源数量
            (1047, "intl_equipment", ("0",)),  # 开发并被国外采用的职业教育装备数量
            (1048, "intl_schools_abroad", ("0",)),  # 在国外开办学校数
            (1049, "intl_schools_abroad_majors", ("0",)),  # 其中：专业数量
            (1050, "intl_schools_abroad_students", ("1",)),  # 在校生数
            (1051, "intl_sino_foreign_majors", ("1",)),  # 中外合作办学专业数
            (1052, "intl_sino_foreign_students", ("10",)),  # 其中：在校生数
            (1053, "intl_teacher_days_abroad", ("0",)),  # 专任教师赴国外指导和开展培训时间
            (1054, "intl_teachers_in_foreign_bodies", ("0",)),  # 在国外组织担任职务的专任教师数
            (1055, "intl_competition_awards", ("0",)),  # 国外技能大赛获奖数量
        ),
    ),
    SeedTable(
        "policy",
        "附表 6：落实政策表",
        (2023,),
        (
            (1060, "full_time_students", ("24069",)),  # 全日制在校生人数
            (1061, "pol_appropriation_per_student", ("3077.71",)),  # 年生均财政拨款水平
            (1062, "pol_special_appropriation", ("23058.91",)),  # 年度财政专项拨款
            (1063, "pol_staff_quota", ("2231",)),  # 教职员工额定编制数
            (1064, "pol_staff", ("2638",)),  # 教职工总数
            (1065, "full_time_teachers", ("1854",)),  # 其中：专任教师总数
            (1066, "pol_ideology_teachers", ("111",)),  # 思政课教师数
            (1067, "pol_pe_teachers", ("108",)),  # 体育课专任教师数
            (1068, "pol_art_teachers", ("150",)),  # 美育课专任教师数
            (1069, "pol_counselors", ("48",)),  # 辅导员人数
            (1070, "pol_class_teachers", ("535",)),  # 班主任人数
            (1071, "pol_fitness_tested", ("20847",)),  # 参加国家学生体质健康标准测试人数
            (1072, "pol_fitness_pass_rate", ("91.64",)),  # 其中：学生体质测评合格率
            (1073, "pol_certificate_holders", ("1478",)),  # 职业技能等级证书（含职业资格证书）获取人数
            (1074, "pol_enterprise_equipment", ("757",)),  # 企业提供的校内实践教学设备值
            (1075, "pol_practice_centres", ("15",)),  # 与企业共建开放型区域产教融合实践中心
            (1076, "pol_industry_mentors", ("97",)),  # 聘请行业导师人数
            (1077, "pol_master_craftsmen", ("5",)),  # 其中：聘请大国工匠、劳动模范人数
            (1078, "pol_mentor_hours", ("11916",)),  # 行业导师年课时总量
            (1079, "pol_mentor_pay", ("61.19",)),  # 年支付行业导师课酬
            (1080, "pol_internship_funding", ("413.36",)),  # 年实习专项经费
            (1081, "pol_internship_insurance", ("12.58",)),  # 其中：年实习责任保险经费
        ),
    ),
)
