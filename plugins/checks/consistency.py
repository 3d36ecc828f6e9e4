"""Generic consistency checks, driven by what templates declare: row relations, units, bounds, year before.

No table is named
here; table-specific checks live in their table's module and use the same
toolkit (:mod:`vqr_metrics.checks`).

Severities: a certain contradiction (parts above the whole, a percentage
above 100, a fractional head count) is an error; a suspicious figure (a
published rate far from its recomputation, a jump between years) is a
warning.  Counts are compared exactly; other figures get half a unit in the
last printed place per figure involved.  Every check finds its rows
column-wise and returns its findings as one table.  The checks of single
figures (ranges, counts, bounds, the year before) live in :mod:`.figures`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from vqr_metrics.catalog import Catalog
from vqr_metrics.checks import findings_at, half_units, in_row_order, literal
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule

from .figures import (
    Emit,
    Flag,
    Flags,
    Rows,
    emit_metric_bounds,
    emit_non_negative,
    emit_percent_range,
    emit_whole_counts,
    emit_yoy_jump,
    flag_metric_bounds,
    flag_non_negative,
    flag_percent_range,
    flag_whole_counts,
    flag_yoy_jump,
    flagged,
)

if TYPE_CHECKING:
    from vqr_metrics.sql.findings import SqlCheckContext, SqlForm


# --- declared relations ----------------------------------------------------------
# Each check is split in two: ``flag_*`` finds the rows (the SQL forms in
# :mod:`.consistency_sql` find the same ones in a database) and ``emit_*``
# words them, so a finding reads the same wherever its rows were found.


def children(catalog: Catalog, relation: str) -> dict[str, list[str]]:
    """Canonical parent key → canonical child keys declared with ``relation``."""
    out: dict[str, list[str]] = defaultdict(list)
    for key, ind in catalog.indicators.items():
        if ind.relation == relation and ind.parent is not None and not ind.column:
            parent, child = catalog.canonical(ind.parent), catalog.canonical(key)
            if child not in out[parent]:
                out[parent].append(child)
    return out


def _partition_sums(
    context: CheckContext, parent: str, parts: list[str], rows: Rows
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Which parts each of ``rows`` prints, their sum, and the tolerance: half
    a unit of the whole and of each part printed."""
    stack = np.vstack([context.dataset.column(k)[rows] for k in parts])
    present = ~np.isnan(stack)
    tol = half_units(context, parent, rows)
    for k, key in enumerate(parts):
        tol = tol + np.where(present[k], half_units(context, key, rows), 0.0)
    return present, np.nansum(stack, axis=0), tol


def flag_partition(context: CheckContext) -> Flags:
    """Disjoint parts add up to at most the whole."""
    data = context.dataset
    flags: dict[tuple[str, ...], Rows] = {}
    for parent, parts in children(context.catalog, "partition").items():
        whole = data.column(parent)
        stack = np.vstack([data.column(k) for k in parts])
        rows = np.flatnonzero(~np.isnan(stack).all(axis=0) & (np.nansum(stack, axis=0) > whole))
        _, total, tol = _partition_sums(context, parent, parts, rows)
        flags[(parent,)] = rows[total > whole[rows] + tol + 1e-9]
    return flags


def emit_partition(context: CheckContext, flags: Flags) -> Findings:
    found = []
    for parent, parts in children(context.catalog, "partition").items():
        rows = flagged(flags, parent)
        shown, total, tol = _partition_sums(context, parent, parts, rows)
        whole = context.dataset.column(parent)[rows]
        # Rows that print the same parts share one message template.
        patterns, group = np.unique(shown.T, axis=0, return_inverse=True)
        groups = []
        for g, pattern in enumerate(patterns):
            at = np.flatnonzero(group.ravel() == g)
            keys = [k for k, ok in zip(parts, pattern, strict=True) if ok]
            groups.append((at, _partition(context, parent, keys, rows[at], total[at], whole[at], tol[at])))
        found.append(in_row_order(groups))
    return Findings.concat(found)


def _partition(
    context: CheckContext,
    parent: str,
    parts: list[str],
    rows: Rows,
    total: npt.NDArray[np.float64],
    whole: npt.NDArray[np.float64],
    tol: npt.NDArray[np.float64],
) -> Findings:
    """The partition errors of ``rows``, which all print the same ``parts``."""
    data, catalog = context.dataset, context.catalog
    n = len(parts)
    terms = " + ".join(literal(catalog.label(k)) + f" {{{i}:n}}" for i, k in enumerate(parts))
    return findings_at(
        context,
        rows,
        severity="error",
        rule="relation_partition",
        message=f"{terms} = {{{n}:n}}"
        + literal(f" exceeds {catalog.label(parent)} ")
        + f"{{{n + 1}:n}}: the parts are disjoint and add up to at most the whole (tolerance {{{n + 2}:g}})",
        args=[*(data.column(k)[rows] for k in parts), total, whole, tol],
        keys=(parent, *parts),
        expected=whole,
        actual=total,
        tolerance=tol,
    )


def _subset_tolerance(context: CheckContext, parent: str, child: str, rows: Rows) -> npt.NDArray[np.float64]:
    return half_units(context, parent, rows) + half_units(context, child, rows)


def flag_subset(context: CheckContext) -> Flags:
    """Each overlapping subset is at most the whole."""
    data = context.dataset
    flags: dict[tuple[str, ...], Rows] = {}
    for parent, subsets in children(context.catalog, "subset").items():
        whole = data.column(parent)
        for child in subsets:
            part = data.column(child)
            rows = np.flatnonzero(part > whole)
            tol = _subset_tolerance(context, parent, child, rows)
            flags[(parent, child)] = rows[part[rows] > whole[rows] + tol + 1e-9]
    return flags


def emit_subset(context: CheckContext, flags: Flags) -> Findings:
    data, catalog = context.dataset, context.catalog
    found = []
    for parent, subsets in children(catalog, "subset").items():
        for child in subsets:
            rows = flagged(flags, parent, child)
            part, whole = data.column(child)[rows], data.column(parent)[rows]
            tol = _subset_tolerance(context, parent, child, rows)
            found.append(
                findings_at(
                    context,
                    rows,
                    severity="error",
                    rule="relation_subset",
                    message=literal(f"{catalog.label(child)} ")
                    + "{0:n}"
                    + literal(f" exceeds {catalog.label(parent)} ")
                    + "{1:n}, which it is part of (tolerance {2:g})",
                    args=(part, whole, tol),
                    keys=(parent, child),
                    expected=whole,
                    actual=part,
                    tolerance=tol,
                )
            )
    return Findings.concat(found)


def flag_other_unit(context: CheckContext) -> Flags:
    """A row in another unit cannot be positive while the row it qualifies is zero."""
    data = context.dataset
    return {
        (parent, child): np.flatnonzero((data.column(parent) == 0) & (data.column(child) > 0))
        for parent, kids in children(context.catalog, "other_unit").items()
        for child in kids
    }


def emit_other_unit(context: CheckContext, flags: Flags) -> Findings:
    data, catalog = context.dataset, context.catalog
    found = []
    for parent, kids in children(catalog, "other_unit").items():
        for child in kids:
            rows = flagged(flags, parent, child)
            part = data.column(child)[rows]
            found.append(
                findings_at(
                    context,
                    rows,
                    severity="error",
                    rule="relation_other_unit",
                    message=literal(f"{catalog.label(child)} is ")
                    + "{0:n}"
                    + literal(f" {catalog.get(child).unit} while {catalog.label(parent)} is 0"),
                    args=(part,),
                    keys=(parent, child),
                    expected=0.0,
                    actual=part,
                    tolerance=0.0,
                )
            )
    return Findings.concat(found)


# --- registration ----------------------------------------------------------------

CHECKS: tuple[tuple[str, Flag, Emit, dict[str, object]], ...] = (
    ("relation_partition", flag_partition, emit_partition, {}),
    ("relation_subset", flag_subset, emit_subset, {}),
    ("relation_other_unit", flag_other_unit, emit_other_unit, {}),
    ("percent_range", flag_percent_range, emit_percent_range, {}),
    ("non_negative", flag_non_negative, emit_non_negative, {}),
    ("whole_counts", flag_whole_counts, emit_whole_counts, {}),
    ("metric_bounds", flag_metric_bounds, emit_metric_bounds, {}),
    ("yoy_jump", flag_yoy_jump, emit_yoy_jump, {"yoy_jump_factor": 3.0}),
)


def _run(flag: Flag, emit: Emit) -> Callable[[CheckContext], Findings]:
    return lambda context: emit(context, flag(context))


def _in_sql(check_id: str, emit: Emit) -> Callable[[SqlCheckContext], SqlForm]:
    def form(context: SqlCheckContext) -> SqlForm:
        from .consistency_sql import FORMS  # sqlglot is an optional extra: loaded when SQL is asked for

        return FORMS[check_id](context, emit)

    return form


def register_checks(register: Callable[[Check], None]) -> None:
    for check_id, flag, emit, options in CHECKS:
        description = (flag.__doc__ or check_id).split("\n")[0]
        register(Check(check_id, description, _run(flag, emit), options, sql=_in_sql(check_id, emit)))


_FIX = "find which figure is wrong and correct it in the source"

# One rule per check, under the check's id.
RULES: tuple[FindingRule, ...] = (
    FindingRule(
        "relation_partition",
        "error",
        "the disjoint parts of a figure add up to more than the whole",
        _FIX + " (the parts and the whole are named)",
    ),
    FindingRule("relation_subset", "error", "a part of a figure is greater than the whole", _FIX),
    FindingRule(
        "relation_other_unit",
        "error",
        "a figure counted in another unit (e.g. 人次 of 人) is smaller than the figure it counts",
        _FIX,
    ),
    FindingRule("percent_range", "error", "a printed percentage lies outside 0–100", _FIX),
    FindingRule("non_negative", "error", "a printed figure is negative", _FIX),
    FindingRule("whole_counts", "error", "a count (人, 个, 门 …) is printed with a fraction", _FIX),
    FindingRule(
        "metric_bounds",
        "warning",
        "a derived value lies outside its declared bounds, so the figures it is computed from disagree",
        "check the inputs named in the finding",
    ),
    FindingRule(
        "yoy_jump",
        "warning",
        "a figure changed from the year before by more than [checks] yoy_jump_factor times",
        "check both years' figures; raise yoy_jump_factor if such changes are expected",
    ),
)


def register_rules(register: Callable[[FindingRule], None]) -> None:
    for rule in RULES:
        register(rule)
