"""人才培养质量计分卡 (appendix table 1): rows and metrics in ``scorecard.toml``; here the 自主创业率 check.

自主创业率 is kept as printed: its official denominator is not settled
(毕业生人数 or 毕业去向落实人数).  The reports print no count of
self-employed graduates, so the recomputation needs 自主创业人数 from
CSV/XLSX; the check ``entrepreneurship_rate`` divides it by the indicator the
``[checks] entrepreneurship_denominator`` option names (default 毕业生人数).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vqr_metrics.checks import Recomputation, indicator_option, number_option, recompute_findings
from vqr_metrics.declarative import load_declarations
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))


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


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "entrepreneurship_rate",
            "warning",
            "the printed 自主创业率 differs from 自主创业人数 / <entrepreneurship_denominator> × 100",
            "check which denominator the report used and set [checks] entrepreneurship_denominator "
            "to it, or correct 自主创业率 or 自主创业人数",
        )
    )
