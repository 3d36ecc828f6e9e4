"""满意度调查表 (appendix table 2): rows, 调查人次, 综合满意度 in ``satisfaction.toml``; here a check.

The check ``satisfaction_groups`` compares the printed 在校生满意度 and
毕业生满意度 with their sub-rows' mean weighted by 调查人次.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vqr_metrics.checks import Recomputation, number_option, recompute_findings
from vqr_metrics.declarative import load_declarations
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule

DECLARATIONS = load_declarations(Path(__file__).with_suffix(".toml"))
ROWS = DECLARATIONS.tables[0].rows
RESPONDENTS = "调查人次"


def weighted_mean(keys: Sequence[str]) -> str:
    """The formula of the mean of ``keys`` weighted by their 调查人次 (as 综合满意度 is)."""
    weighted = " + ".join(f"{k} * {k}_respondents" for k in keys)
    total = " + ".join(f"{k}_respondents" for k in keys)
    return f"({weighted}) / ({total})"


def _groups(context: CheckContext) -> Findings:
    catalog = context.catalog
    tolerance = number_option(context, "satisfaction_tolerance", at_least=0)
    found = []
    for group in ("sat_students", "sat_graduates"):
        subs = [ind.key for ind in ROWS if ind.parent == group]
        recomputation = Recomputation.parse(catalog, weighted_mean(subs))
        names = "、".join(catalog.label(k) for k in subs)
        found.append(
            recompute_findings(
                context,
                rule="satisfaction_groups",
                published=group,
                recomputed=recomputation.column(context.dataset),
                how=f"the mean of its sub-rows ({names}) weighted by {RESPONDENTS}",
                inputs=(*subs, *(f"{k}_respondents" for k in subs)),
                tolerance=tolerance,
                recomputation=recomputation,
            )
        )
    return Findings.concat(found)


def register_checks(register: Callable[[Check], None]) -> None:
    register(
        Check(
            "satisfaction_groups",
            "在校生/毕业生满意度 vs their sub-rows weighted by 调查人次, beyond "
            "satisfaction_tolerance percentage points (warning)",
            _groups,
            {"satisfaction_tolerance": 3.0},
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "satisfaction_groups",
            "warning",
            "a printed 在校生/毕业生满意度 differs from its sub-rows' mean weighted by 调查人次",
            "check the group's figure and its sub-rows' 满意度 and 调查人次; raise [checks] "
            "satisfaction_tolerance if the survey weighs its groups otherwise",
        )
    )
