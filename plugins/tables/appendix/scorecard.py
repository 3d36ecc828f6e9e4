"""人才培养质量计分卡 (appendix table 1, 2023 template, 高职 and 中职).

毕业去向落实人数 and 毕业生面向三次产业就业人数 are declared subsets of the
graduates they count from; 升入本科人数 is a subset of 毕业生升学人数; the
three industries partition 毕业生面向三次产业就业人数.

自主创业率 is kept as printed: its official denominator is not settled
(毕业生人数 or 毕业去向落实人数).  The reports print no
count of self-employed graduates, so the recomputation needs 自主创业人数 from
CSV/XLSX; the check ``entrepreneurship_rate`` divides it by the indicator the
``[checks] entrepreneurship_denominator`` option names (default 毕业生人数).
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.checks import Recomputation, indicator_option, number_option, recompute_findings
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, Indicator, Metric, Table

from ..rows import NOT_PRINTED, row

TABLE = "scorecard"

ROWS = (
    row("sc_graduates", "毕业生人数", "人"),
    row("sc_placed", "毕业去向落实人数", "人", parent="sc_graduates", relation="subset"),
    row("sc_further_study", "毕业生升学人数", "人", parent="sc_placed", relation="subset"),
    row("sc_bachelor", "升入本科人数", "人", parent="sc_further_study", relation="subset"),
    row("sc_local_placement_rate", "毕业生本省去向落实率", "%"),
    row("sc_monthly_income", "月收入", "元"),
    row("sc_employed", "毕业生面向三次产业就业人数", "人", parent="sc_placed", relation="subset"),
    row("sc_primary", "面向第一产业", "人", parent="sc_employed", relation="partition"),
    row("sc_secondary", "面向第二产业", "人", parent="sc_employed", relation="partition"),
    row("sc_tertiary", "面向第三产业", "人", parent="sc_employed", relation="partition"),
    row("sc_entrepreneurship_rate", "自主创业率", "%"),
    row("sc_promotion_rate", "毕业三年晋升比例", "%"),
)

EXTRA = row(
    "sc_entrepreneurs",
    "自主创业人数",
    "人",
    parent="sc_graduates",
    relation="subset",
    description=NOT_PRINTED + " Used to recompute 自主创业率.",
    table=TABLE,
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "人才培养质量计分卡",
            ROWS,
            aliases=("计分卡",),
            description="Appendix table 1 of the 2023 annual-report template.",
        )
    )


def register_indicators(register: Callable[[Indicator], None]) -> None:
    register(EXTRA)


def _share(key: str, name: str, part: str, whole: str) -> Metric:
    return Metric(key, name, f"{part} / {whole} * 100", "%", TABLE, bounds=(0, 100))


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(_share("graduate_placement_rate", "毕业去向落实率", "sc_placed", "sc_graduates"))
    register(_share("graduate_further_study_rate", "毕业生升学率", "sc_further_study", "sc_graduates"))
    register(
        _share("bachelor_share_of_further_study", "升入本科占升学比例", "sc_bachelor", "sc_further_study")
    )
    register(_share("graduate_employment_rate", "毕业生就业率（三次产业）", "sc_employed", "sc_graduates"))
    register(_share("primary_industry_share", "第一产业就业占比", "sc_primary", "sc_employed"))
    register(_share("secondary_industry_share", "第二产业就业占比", "sc_secondary", "sc_employed"))
    register(_share("tertiary_industry_share", "第三产业就业占比", "sc_tertiary", "sc_employed"))


def _entrepreneurship(context: CheckContext) -> Findings:
    catalog = context.catalog
    denominator = indicator_option(context, "entrepreneurship_denominator")
    tolerance = number_option(context, "entrepreneurship_tolerance", at_least=0)
    recomputation = Recomputation.parse(catalog, f"sc_entrepreneurs / [{denominator}] * 100")
    return recompute_findings(
        context,
        rule="entrepreneurship_rate",
        published="sc_entrepreneurship_rate",
        recomputed=recomputation.column(context.dataset),
        how=f"{catalog.label('sc_entrepreneurs')} / {catalog.label(denominator)} × 100",
        inputs=("sc_entrepreneurs", denominator),
        tolerance=tolerance,
        recomputation=recomputation,
    )


def register_checks(register: Callable[[Check], None]) -> None:
    register(
        Check(
            "entrepreneurship_rate",
            "自主创业率 as printed vs 自主创业人数 / <entrepreneurship_denominator> × 100 (warning)",
            _entrepreneurship,
            {"entrepreneurship_denominator": "毕业生人数", "entrepreneurship_tolerance": 0.1},
        )
    )
