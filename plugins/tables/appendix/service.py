"""服务贡献表 (appendix table, 2023 template, 高职 and 中职).

The A/B/C/D 类 rows under 毕业生初次就业人数 overlap (a graduate can stay
local and work at an SME): each is at most the whole, they are not summed.
发明专利 are a subset of 专利授权.  纵向科研经费到款额, 技术产权交易收入 and
知识产权项目数 are the quantities the 科研服务 core table prints as
纵向科研经费到账, 技术产权交易收入 and 获得知识产权项目数 (declared there).
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Metric, Table

from ..rows import row

TABLE = "service_contribution"

ROWS = (
    row("svc_employed", "毕业生初次就业人数", "人", "毕业生就业人数"),
    row("svc_local", "A类：留在当地就业", "人", "留在当地就业", parent="svc_employed", relation="subset"),
    row(
        "svc_west_northeast",
        "B类：到西部和东北地区就业",
        "人",
        "到西部和东北地区就业",
        parent="svc_employed",
        relation="subset",
    ),
    row(
        "svc_sme_grassroots",
        "C类：到中小微企业等基层就业",
        "人",
        "到中小微企业等基层就业",
        parent="svc_employed",
        relation="subset",
    ),
    row(
        "svc_large_enterprise",
        "D类：到大型企业就业",
        "人",
        "到大型企业就业",
        parent="svc_employed",
        relation="subset",
    ),
    row("svc_horizontal_income", "横向技术服务到款额", "万元"),
    row("svc_horizontal_benefit", "横向技术服务产生的经济效益", "万元"),
    row("svc_vertical_funding", "纵向科研经费到款额", "万元"),
    row("svc_tech_transfer_income", "技术产权交易收入", "万元"),
    row("svc_ip_projects", "知识产权项目数", "项"),
    row("svc_patents", "专利授权数量", "项", parent="svc_ip_projects", relation="subset"),
    row("svc_invention_patents", "发明专利授权数量", "项", parent="svc_patents", relation="subset"),
    # Transfers and conversion income may come from earlier years' patents:
    # printed under 其中 but not bounded by this year's projects.
    row("svc_patent_transfers", "专利转让数量", "项", parent="svc_ip_projects"),
    row("svc_patent_conversion_income", "专利成果转化到款额", "万元", parent="svc_ip_projects"),
    row("svc_training_projects", "非学历培训项目数", "项"),
    row(
        "svc_training_hours",
        "非学历培训学时",
        "学时",
        parent="svc_training_projects",
        relation="other_unit",
    ),
    row("svc_public_training_hours", "公益项目培训学时", "学时"),
    row("svc_training_income", "非学历培训到账经费", "万元"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "服务贡献表",
            ROWS,
            description="Appendix table of the 2023 annual-report template (服务贡献).",
        )
    )


def _employment_share(key: str, name: str, part: str) -> Metric:
    return Metric(key, name, f"{part} / svc_employed * 100", "%", TABLE, bounds=(0, 100))


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(_employment_share("local_employment_share", "留在当地就业比例", "svc_local"))
    register(
        _employment_share("west_northeast_employment_share", "到西部和东北地区就业比例", "svc_west_northeast")
    )
    register(
        _employment_share(
            "sme_grassroots_employment_share", "到中小微企业等基层就业比例", "svc_sme_grassroots"
        )
    )
    register(
        _employment_share("large_enterprise_employment_share", "到大型企业就业比例", "svc_large_enterprise")
    )
    register(
        Metric(
            "invention_patent_share",
            "发明专利占比",
            "svc_invention_patents / svc_patents * 100",
            "%",
            TABLE,
            bounds=(0, 100),
        )
    )
    register(
        Metric(
            "horizontal_service_income_per_teacher",
            "专任教师人均横向技术服务到款额",
            "svc_horizontal_income * 10000 / full_time_teachers",
            "元",
            TABLE,
            "横向技术服务到款额 (万元 → 元) / 专任教师总数 (落实政策表)",
            bounds=(0, None),
        )
    )
    register(
        Metric(
            "training_hours_per_project",
            "非学历培训项目平均学时",
            "svc_training_hours / svc_training_projects",
            "学时",
            TABLE,
            bounds=(0, None),
        )
    )
