"""师资队伍核心数据 (core-data table printed with two year columns).

专任教师数 is the quantity 落实政策表 prints as 专任教师总数 and 行业导师数 the
one it prints as 聘请行业导师人数 (declared here with ``same_as``).  The
recomputed shares are compared with the ones 教学资源表 prints by the checks
``recompute_dual_qualified_share`` and ``recompute_senior_title_share``.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Metric, Table

from ..rows import core_row

TABLE = "core_faculty"

ROWS = (
    core_row("fac_full_time_teachers", "专任教师数", "人", same_as="full_time_teachers"),
    core_row(
        "fac_senior_title",
        "专任教师高级职称人数",
        "人",
        "专任教师高级专业技术职务人数",
        parent="fac_full_time_teachers",
        relation="subset",
    ),
    core_row(
        "fac_dual_qualified",
        "专任教师“双师”人数",
        "人",
        "专任教师双师人数",
        "双师素质专任教师数",
        parent="fac_full_time_teachers",
        relation="subset",
    ),
    core_row("fac_internal_part_time", "校内兼课教师数", "人"),
    core_row("fac_external_teachers", "校外教师数", "人", "聘请校外教师数", "校外兼职教师数"),
    core_row("fac_industry_mentors", "行业导师数", "人", same_as="pol_industry_mentors"),
    core_row(
        "fac_postgraduate",
        "专任教师硕士以上学位人数",
        "人",
        parent="fac_full_time_teachers",
        relation="subset",
    ),
    core_row("fac_foreign_teachers", "外籍教师数", "人"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "师资队伍核心数据",
            ROWS,
            aliases=("师资队伍核心数据列表", "师资队伍核心数据"),
            description="Core data: teaching staff (two year columns).",
        )
    )


def _share(key: str, name: str, part: str, description: str) -> Metric:
    return Metric(key, name, f"{part} / full_time_teachers * 100", "%", TABLE, description, bounds=(0, 100))


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(
        _share(
            "dual_qualified_share_recomputed",
            "双师素质专任教师比例（复算）",
            "fac_dual_qualified",
            "专任教师“双师”人数 / 专任教师数 × 100",
        )
    )
    register(
        _share(
            "senior_title_share_recomputed",
            "高级职称专任教师比例（复算）",
            "fac_senior_title",
            "专任教师高级职称人数 / 专任教师数 × 100",
        )
    )
    register(
        _share(
            "postgraduate_degree_share",
            "研究生学位专任教师比例",
            "fac_postgraduate",
            "专任教师硕士以上学位人数 / 专任教师数 × 100",
        )
    )
