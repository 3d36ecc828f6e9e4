"""经费情况核心数据 (core-data table printed with two year columns; the
table of contents calls it 经费情况表)."""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_funding"

ROWS = (
    core_row("fund_income", "学校年度经费总收入", "万元"),
    core_row("fund_appropriation", "财政生均拨款收入", "万元", parent="fund_income", relation="subset"),
    core_row("fund_expenditure", "学校年度经费总支出", "万元"),
    core_row(
        "fund_teaching_expenditure",
        "日常教学经费支出",
        "万元",
        parent="fund_expenditure",
        relation="subset",
    ),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "经费情况核心数据",
            ROWS,
            aliases=("经费情况核心数据列表", "经费情况核心数据", "经费情况表"),
            description="Core data: funding (two year columns).",
        )
    )
