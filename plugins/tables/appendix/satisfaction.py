"""满意度调查表 (appendix table 2, 2023 template, 高职 and 中职).

Every row prints a satisfaction (%) and its 调查人次; the 调查人次 column is an
indicator of its own (``<row>_respondents``, ``column="调查人次"``), so
综合满意度 can weight the five top-level groups by the people asked.  The
其中 rows under 在校生满意度 are aspects asked of the same students, those
under 毕业生满意度 are groups of graduates; neither adds up, so they carry no
relation.  The check ``satisfaction_groups`` compares each group's printed
satisfaction with its sub-rows' mean weighted by 调查人次.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vqr_metrics.checks import Recomputation, number_option, recompute_findings
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, Indicator, Metric, Table

from ..rows import row

TABLE = "satisfaction"
RESPONDENTS = "调查人次"

ROWS = (
    row("sat_students", "在校生满意度", "%"),
    row("sat_classroom", "课堂育人满意度", "%", parent="sat_students"),
    row("sat_extracurricular", "课外育人满意度", "%", parent="sat_students"),
    row("sat_ideology_course", "思想政治课教学满意度", "%", parent="sat_students"),
    # The body table of seed 000 cuts this name short; the reader matches the
    # unambiguous prefix and says so.
    row("sat_general_course", "公共基础课（不含思想政治课）教学满意度", "%", parent="sat_students"),
    row("sat_major_course", "专业课教学满意度", "%", parent="sat_students"),
    row("sat_graduates", "毕业生满意度", "%"),
    row("sat_new_graduates", "应届毕业生满意度", "%", parent="sat_graduates"),
    row("sat_graduates_3y", "毕业三年内毕业生满意度", "%", parent="sat_graduates"),
    row("sat_staff", "教职工满意度", "%"),
    row("sat_employers", "用人单位满意度", "%"),
    row("sat_parents", "家长满意度", "%"),
)

# The five groups 综合满意度 averages over.
GROUPS = ("sat_students", "sat_graduates", "sat_staff", "sat_employers", "sat_parents")


def respondents(ind: Indicator) -> Indicator:
    return Indicator(
        key=f"{ind.key}_respondents",
        name=f"{ind.name}{RESPONDENTS}",
        unit="人次",
        table=TABLE,
        aliases=tuple(f"{alias}{RESPONDENTS}" for alias in ind.aliases),
        parent=ind.key,
        column=RESPONDENTS,
    )


def register_tables(register: Callable[[Table], None]) -> None:
    register(
        Table(
            TABLE,
            "满意度调查表",
            ROWS,
            text_columns=("调查方式",),
            description="Appendix table 2 of the 2023 annual-report template.",
        )
    )


def register_indicators(register: Callable[[Indicator], None]) -> None:
    for ind in ROWS:
        register(respondents(ind))


def weighted_mean(keys: Sequence[str]) -> str:
    """The formula of the mean of ``keys`` weighted by their 调查人次."""
    weighted = " + ".join(f"{k} * {k}_respondents" for k in keys)
    total = " + ".join(f"{k}_respondents" for k in keys)
    return f"({weighted}) / ({total})"


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(
        Metric(
            "overall_satisfaction",
            "综合满意度",
            weighted_mean(GROUPS),
            "%",
            TABLE,
            "Σ(满意度 × 调查人次) / Σ调查人次 over 在校生, 毕业生, 教职工, 用人单位, 家长",
            bounds=(0, 100),
        )
    )


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
