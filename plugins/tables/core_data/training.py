"""人才培养核心数据 (core-data table printed with two year columns)."""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_training"

ROWS = (
    core_row("trn_order_students", "订单培养人数", "人"),
    core_row("trn_apprentices", "现代学徒制人数", "人"),
    core_row("trn_internal_sites", "校内实践教学场所数", "个"),
    core_row("trn_external_sites", "校外实践教学场所数", "个"),
    core_row("trn_training_bases", "省级以上实训基地数", "个"),
    core_row("trn_planned_textbooks", "选用省级以上规划教材数", "部"),
    core_row("trn_internship_match_rate", "顶岗实习对口率", "%"),
    core_row("trn_internship_insured_share", "顶岗实习购买保险比例", "%"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "人才培养核心数据",
            ROWS,
            aliases=("人才培养核心数据列表", "人才培养核心数据"),
            description="Core data: training (two year columns).",
        )
    )
