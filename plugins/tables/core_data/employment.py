"""就业情况核心数据 (core-data table printed with two year columns)."""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_employment"

ROWS = (
    core_row("emp_initial_rate", "应届生初次就业率", "%"),
    core_row("emp_direct_rate", "应届生直接就业率", "%"),
    core_row("emp_matched_rate", "应届生对口就业率", "%"),
    core_row("emp_quality_rate", "应届生高质量就业率", "%"),
    core_row("emp_further_study_rate", "应届生升学率", "%"),
    core_row("emp_prior_year_end_rate", "上届学生年终就业率", "%"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "就业情况核心数据",
            ROWS,
            aliases=("就业情况核心数据列表", "就业情况核心数据"),
            description="Core data: employment (two year columns).",
        )
    )
