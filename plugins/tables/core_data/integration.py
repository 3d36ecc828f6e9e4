"""产教融合核心数据 (core-data table printed with two year columns)."""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_integration"

ROWS = (
    core_row("ie_partner_companies", "校企合作企业总数", "个"),
    core_row("ie_donated_equipment", "企业（准）捐赠设备值", "万元"),
    core_row("ie_tech_contract_income", "技术合同年收入", "万元"),
    core_row("ie_joint_achievements", "校企联合申报科技成果数", "个"),
    core_row("ie_internship_hosts", "合作企业接收顶岗实习人数", "人"),
    core_row("ie_graduate_hires", "合作企业接收应届毕业生就业人数", "人"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "产教融合核心数据",
            ROWS,
            aliases=("产教融合核心数据列表", "产教融合核心数据"),
            description="Core data: industry-education integration (two year columns).",
        )
    )
