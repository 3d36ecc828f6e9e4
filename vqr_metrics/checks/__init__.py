"""The toolkit for writing checks: findings in bulk, with provenance and conflicts; options; recomputations.

Built-in checks use it the way a third-party check plugin would::

    from vqr_metrics.checks import findings_at, literal

    def run(context):
        rows = np.flatnonzero(context.dataset.column("teachers") > context.dataset.column("staff"))
        return findings_at(
            context, rows, severity="error", rule="teachers_within_staff",
            message=literal("专任教师 ") + "{0:n} exceeds the staff",
            args=[context.dataset.column("teachers")[rows]], keys=("teachers", "staff"),
        )
"""

from ..findings import arguments, in_row_order, literal, number_text
from .emit import conflicted_inputs, finding_for, findings_at, readable, table_name
from .options import indicator_option, number_option
from .recompute import Recomputation, recompute_check, recompute_findings
from .tolerance import COUNT_UNITS, PERCENT, half_units, is_count

__all__ = [
    "COUNT_UNITS",
    "PERCENT",
    "Recomputation",
    "arguments",
    "conflicted_inputs",
    "finding_for",
    "findings_at",
    "half_units",
    "in_row_order",
    "indicator_option",
    "is_count",
    "literal",
    "number_option",
    "number_text",
    "readable",
    "recompute_check",
    "recompute_findings",
    "table_name",
]
