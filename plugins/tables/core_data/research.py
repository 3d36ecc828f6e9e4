"""科研服务核心数据 (core-data table printed with two year columns).

纵向科研经费到账, 获得知识产权项目数 and 技术产权交易收入 are the quantities
服务贡献表 prints as 纵向科研经费到款额, 知识产权项目数 and 技术产权交易收入.
横向科研经费到账 is not declared the twin of 横向技术服务到款额: 横向 research
funding also counts commissioned research, not only technical services.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Table

from ..rows import core_row

TABLE = "core_research"

ROWS = (
    core_row("rs_horizontal_funding", "横向科研经费到账", "万元"),
    core_row("rs_vertical_funding", "纵向科研经费到账", "万元", same_as="svc_vertical_funding"),
    core_row("rs_ip_projects", "获得知识产权项目数", "个", same_as="svc_ip_projects"),
    core_row("rs_tech_transfer_income", "技术产权交易收入", "万元", same_as="svc_tech_transfer_income"),
    core_row("rs_social_training", "社会培训总量", "人次"),
    core_row("rs_social_training_income", "社会培训总收入", "万元"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "科研服务核心数据",
            ROWS,
            aliases=("科研服务核心数据列表", "科研服务核心数据"),
            description="Core data: research and services (two year columns).",
        )
    )
