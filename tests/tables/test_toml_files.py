"""Each table's TOML file against the seeds' printed tables: 序号, name and
unit of every row, in order, read straight from the seed text; what a
printing does differently is written out below, per caption."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from tests.support.seeds import GAOZHI, TABLE_PLUGINS, ZHONGZHI, SeedTable, printed_rows, table_catalog
from vqr_metrics.declarative import DeclarativePlugin, load_declarations
from vqr_metrics.model import Indicator

MODULES: tuple[ModuleType, ...] = tuple(importlib.import_module(p) for p in TABLE_PLUGINS if ".tables." in p)


def toml_of(module: ModuleType) -> Path:
    return Path(module.__file__ or "").with_suffix(".toml")


FILES: dict[str, DeclarativePlugin] = {}
for _module in MODULES:
    _declared = load_declarations(toml_of(_module))
    FILES[_declared.tables[0].key] = _declared


@attrs.frozen
class Printing:
    """How a printing differs from the file: ``numbering`` is "declared" (the
    file's 序号), "sequential" (1, 2, 3 … down every row) or "none" (no 序号
    column); ``names`` and ``units`` are the rows it prints otherwise, by key;
    ``omitted`` the rows it leaves out."""

    numbering: str = "declared"
    names: Mapping[str, str] = attrs.field(factory=dict)
    units: Mapping[str, str] = attrs.field(factory=dict)
    omitted: tuple[str, ...] = ()


_COURSES_AS = {
    "res_courses": "教学计划的课程总数",
    "res_course_hours": "教学计划的课程总数",
    "res_cert_courses": "教学计划的课程{}课证融通课程数",
    "res_cert_course_hours": "教学计划的课程{}课证融通课程数",
    "res_online_courses": "教学计划的课程{}网络教学课程数",
    "res_online_course_hours": "教学计划的课程{}网络教学课程数",
}


def courses_as(dash: str) -> dict[str, str]:
    """The 教学计划的课程 spellings of the course rows, with the dash a seed prints."""
    return {key: name.format(dash) for key, name in _COURSES_AS.items()}


PRINTINGS: dict[str, Printing] = {
    # 000, body tables (2023 and 2022 columns)
    "表 2.1 内蒙古自治区高职院校办学条件核心数据 2022-2023 年比较列表": Printing(),
    "表 2.2 内蒙古自治区学生情况核心数据 2022-2023 年比较列表": Printing(),
    "表 2.5 满意度调查表": Printing("none", names={"sat_general_course": "公共基础课（不含思想政治课）"}),
    "表 2.6 内蒙古自治区就业情况核心数据列表": Printing(),
    "表 2.7 服务贡献表": Printing("none", names={"svc_employed": "毕业生就业人数"}),
    "表 2.8 内蒙古自治区人才培养核心数据列表": Printing(),
    "表 2.9 人才培养质量计分卡": Printing("none"),
    "表 3.1 内蒙古自治区专业课程核心数据列表": Printing(),
    "表 3.2 教学资源表": Printing("sequential", names=courses_as("-")),
    "表 3.4 内蒙古自治区师资队伍核心数据列表": Printing(units={"fac_senior_title": ""}),
    "表 3.6 落实政策表": Printing(
        "none",
        names={
            "pol_staff_quota": "教职工额定编制数",
            "pol_certificate_holders": "职业技能等级证书（含职业资格证书）获",
            "pol_practice_centres": "与企业共建开放型区域产教融合实践中",
        },
    ),
    "表 5.1 国际影响表": Printing("none"),
    "表 6.1 内蒙古自治区产教融合核心数据列表": Printing(),
    "表 7.1 内蒙古自治区高职院校经费情况核心数据列表": Printing(),
    "表 7.2 内蒙古自治区科研服务核心数据列表": Printing(),
    # 000, appendix: the template as issued
    "表 1 计分卡": Printing(),
    "表 2 满意度调查表": Printing(),
    "表 3 教学资源表": Printing(omitted=("res_banks_school_platform",)),
    "表 4 国际影响表": Printing(),
    "表 5 服务贡献表": Printing(),
    "表 6 落实政策表": Printing(),
    # 002, appendix: every row numbered in sequence
    "附表 1：人才培养质量计分卡": Printing("sequential"),
    "附表 2：满意度调查表": Printing("sequential"),
    "附表 3：服务贡献表": Printing("sequential"),
    "附表 4：教学资源表": Printing("sequential", names=courses_as("—")),
    "附表 5：国际影响表": Printing("sequential"),
    "附表 6：落实政策表": Printing("sequential", names={"pol_special_appropriation": "年度财政专项拨款"}),
}


def expected(rows: tuple[Indicator, ...], printing: Printing) -> list[tuple[str, str, str]]:
    kept = [row for row in rows if row.key not in printing.omitted]
    numbers = {
        "declared": [row.number for row in kept],
        "sequential": [str(n) for n in range(1, len(kept) + 1)],
        "none": [""] * len(kept),
    }[printing.numbering]
    return [
        (number, printing.names.get(row.key, row.name), printing.units.get(row.key, row.unit))
        for number, row in zip(numbers, kept, strict=True)
    ]


@pytest.mark.parametrize("printed", GAOZHI + ZHONGZHI, ids=lambda t: t.caption)
def test_the_file_lists_the_printed_rows_in_order(printed: SeedTable) -> None:
    rows = printed_rows(printed)
    file_rows = FILES[printed.table].tables[0].rows
    assert [(r.number, r.name, r.unit) for r in rows] == expected(file_rows, PRINTINGS[printed.caption])
    # the transcription's values sit on these very lines
    assert [r.line for r in rows] == [line for line, *_ in printed.rows]


@pytest.mark.parametrize("caption", PRINTINGS)
def test_a_printing_spells_a_name_the_reader_matches(caption: str) -> None:
    (printed,) = [t for t in GAOZHI + ZHONGZHI if t.caption == caption]
    rows = {row.key: row for row in FILES[printed.table].tables[0].rows}
    for key, name in PRINTINGS[caption].names.items():
        assert name in rows[key].aliases or rows[key].name.startswith(name), key


def test_every_printing_is_described_and_every_file_is_printed() -> None:
    assert set(PRINTINGS) == {t.caption for t in GAOZHI + ZHONGZHI}
    assert set(FILES) == {t.table for t in GAOZHI + ZHONGZHI}
    assert len(FILES) == len(MODULES) == 15
    assert all(len(declared.tables) == 1 for declared in FILES.values())


def test_the_appendix_tables_are_printed_in_both_seeds() -> None:
    appendix = {
        declared.tables[0].key
        for declared in FILES.values()
        if Path(declared.source).parent.name == "appendix"
    }
    assert len(appendix) == 6
    assert appendix <= {t.table for t in ZHONGZHI} and appendix <= {t.table for t in GAOZHI}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_a_table_module_registers_what_its_file_declares(module: ModuleType) -> None:
    declared = load_declarations(toml_of(module))
    catalog = table_catalog()
    mine = catalog.registered_by(module.__name__)
    assert mine.get("table", []) == [t.key for t in declared.tables]
    rows = [row.key for t in declared.tables for row in t.rows]
    assert mine.get("indicator", []) == rows + [ind.key for ind in declared.indicators]
    assert mine.get("metric", []) == [m.key for m in declared.metrics]
    for metric in declared.metrics:
        assert catalog.metrics[metric.key] == metric
    assert [catalog.indicators[key].number for key in rows] == [
        row.number for t in declared.tables for row in t.rows
    ]
