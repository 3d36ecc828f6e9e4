"""Generic consistency checks, driven by what templates declare: row relations, units, bounds, year before.

No table is named
here; table-specific checks live in their table's module and use the same
toolkit (:mod:`vqr_metrics.checks`).

Severities: a certain contradiction (parts above the whole, a percentage
above 100, a fractional head count) is an error; a suspicious figure (a
published rate far from its recomputation, a jump between years) is a
warning.  Counts are compared exactly; other figures get half a unit in the
last printed place per figure involved.  Every check finds its rows
column-wise and returns its findings as one table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from vqr_metrics.catalog import Catalog
from vqr_metrics.checks import (
    findings_at,
    half_units,
    in_row_order,
    is_count,
    literal,
    number_option,
    number_text,
    readable,
)
from vqr_metrics.findings import Findings
from vqr_metrics.model import Check, CheckContext, FindingRule
from vqr_metrics.units import is_percent

Rows = npt.NDArray[np.intp]

# --- declared relations ----------------------------------------------------------


def _children(catalog: Catalog, relation: str) -> dict[str, list[str]]:
    """Canonical parent key → canonical child keys declared with ``relation``."""
    out: dict[str, list[str]] = defaultdict(list)
    for key, ind in catalog.indicators.items():
        if ind.relation == relation and ind.parent is not None and not ind.column:
            parent, child = catalog.canonical(ind.parent), catalog.canonical(key)
            if child not in out[parent]:
                out[parent].append(child)
    return out


def check_partition(context: CheckContext) -> Findings:
    """Disjoint parts add up to at most the whole."""
    data, catalog = context.dataset, context.catalog
    found = []
    for parent, parts in _children(catalog, "partition").items():
        whole = data.column(parent)
        stack = np.vstack([data.column(k) for k in parts])
        present = ~np.isnan(stack)
        total = np.nansum(stack, axis=0)
        rows = np.flatnonzero(present.any(axis=0) & (total > whole))
        shown = present[:, rows]
        tol = half_units(context, parent, rows)
        for k, key in enumerate(parts):
            tol = tol + np.where(shown[k], half_units(context, key, rows), 0.0)
        over = total[rows] > whole[rows] + tol + 1e-9
        rows, shown, tol = rows[over], shown[:, over], tol[over]
        # Rows that print the same parts share one message template.
        patterns, group = np.unique(shown.T, axis=0, return_inverse=True)
        groups = []
        for g, pattern in enumerate(patterns):
            at = np.flatnonzero(group.ravel() == g)
            keys = [k for k, ok in zip(parts, pattern, strict=True) if ok]
            sums = (total[rows[at]], whole[rows[at]], tol[at])
            groups.append((at, _partition(context, parent, keys, rows[at], *sums)))
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


def check_subset(context: CheckContext) -> Findings:
    """Each overlapping subset is at most the whole."""
    data, catalog = context.dataset, context.catalog
    found = []
    for parent, subsets in _children(catalog, "subset").items():
        whole = data.column(parent)
        for child in subsets:
            part = data.column(child)
            rows = np.flatnonzero(part > whole)
            tol = half_units(context, parent, rows) + half_units(context, child, rows)
            over = part[rows] > whole[rows] + tol + 1e-9
            rows, tol = rows[over], tol[over]
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
                    args=(part[rows], whole[rows], tol),
                    keys=(parent, child),
                    expected=whole[rows],
                    actual=part[rows],
                    tolerance=tol,
                )
            )
    return Findings.concat(found)


def check_other_unit(context: CheckContext) -> Findings:
    """A row in another unit cannot be positive while the row it qualifies is zero."""
    data, catalog = context.dataset, context.catalog
    found = []
    for parent, children in _children(catalog, "other_unit").items():
        whole = data.column(parent)
        for child in children:
            part = data.column(child)
            rows = np.flatnonzero((whole == 0) & (part > 0))
            found.append(
                findings_at(
                    context,
                    rows,
                    severity="error",
                    rule="relation_other_unit",
                    message=literal(f"{catalog.label(child)} is ")
                    + "{0:n}"
                    + literal(f" {catalog.get(child).unit} while {catalog.label(parent)} is 0"),
                    args=(part[rows],),
                    keys=(parent, child),
                    expected=0.0,
                    actual=part[rows],
                    tolerance=0.0,
                )
            )
    return Findings.concat(found)


# --- units and bounds ------------------------------------------------------------


def _inputs(catalog: Catalog) -> list[str]:
    """Canonical input indicator keys, each once."""
    return list(dict.fromkeys(catalog.canonical(k) for k in catalog.indicators))


def _each_input(
    context: CheckContext,
    rule: str,
    applies: Callable[[str], bool],
    bad: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.bool_]],
    message: Callable[[str], str],
    expected: Callable[[npt.NDArray[np.float64]], str | npt.NDArray[np.float64]],
) -> Findings:
    """One error per printed figure ``bad`` flags, among the inputs ``applies``
    to; ``message(key)`` is the template (``{0}`` the figure), ``expected(values)``
    what was expected."""
    data = context.dataset
    found = []
    for key in _inputs(context.catalog):
        if not applies(key):
            continue
        values = data.column(key)
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(bad(values))
        found.append(
            findings_at(
                context,
                rows,
                severity="error",
                rule=rule,
                message=message(key),
                args=(values[rows],),
                keys=(key,),
                expected=expected(values[rows]),
                actual=values[rows],
                tolerance=0.0,
            )
        )
    return Findings.concat(found)


def check_percent_range(context: CheckContext) -> Findings:
    """Printed percentages lie within 0–100."""
    catalog = context.catalog
    return _each_input(
        context,
        "percent_range",
        lambda key: is_percent(catalog.get(key).unit),
        lambda values: (values < 0) | (values > 100),
        lambda key: literal(f"{catalog.label(key)} is ") + "{0:n}%, outside 0–100",
        lambda values: "0–100",
    )


def check_non_negative(context: CheckContext) -> Findings:
    """No printed figure is negative (rates of change are metrics, not inputs)."""
    catalog = context.catalog
    return _each_input(
        context,
        "non_negative",
        lambda key: True,
        lambda values: values < 0,
        lambda key: literal(f"{catalog.label(key)} is negative: ") + "{0:n}",
        lambda values: ">= 0",
    )


def check_whole_counts(context: CheckContext) -> Findings:
    """Counts (人, 个, 门, 所, 项, 本, 部, 台, 人次) are whole numbers."""
    catalog = context.catalog
    return _each_input(
        context,
        "whole_counts",
        lambda key: is_count(catalog, key),
        lambda values: ~np.isnan(values) & (values != np.round(values)),
        lambda key: (
            literal(f"{catalog.label(key)} is ")
            + "{0:n}"
            + literal(f" {catalog.get(key).unit}: a count must be a whole number")
        ),
        np.round,
    )


def check_metric_bounds(context: CheckContext) -> Findings:
    """Derived values outside their declared bounds mean inconsistent inputs."""
    data, catalog = context.dataset, context.catalog
    found = []
    for key, metric in catalog.metrics.items():
        low, high = metric.bounds
        if low is None and high is None:
            continue
        values = data.column(key)
        out = np.zeros(data.size, dtype=bool)
        if low is not None:
            out |= values < low
        if high is not None:
            out |= values > high
        inputs = list(dict.fromkeys(catalog.dependencies.get(key, {}).values()))
        rows = np.flatnonzero(out)
        given = ", ".join(literal(catalog.label(k)) + " {" + f"{n + 1}:n" + "}" for n, k in enumerate(inputs))
        found.append(
            findings_at(
                context,
                rows,
                severity="warning",
                rule="metric_bounds",
                message=literal(f"{catalog.label(key)} = ")
                + "{0:n}"
                + literal(f" is outside {_bounds(low, high)} ({readable(catalog, key)} with ")
                + given
                + ")",
                args=(values[rows], *(data.column(k)[rows] for k in inputs)),
                keys=(key, *inputs),
                conflict_keys=(key,),
                expected=_bounds(low, high),
                actual=values[rows],
                tolerance=0.0,
            )
        )
    return Findings.concat(found)


def _bounds(low: float | None, high: float | None) -> str:
    return f"{'' if low is None else number_text(low)}–{'' if high is None else number_text(high)}"


# --- year over year --------------------------------------------------------------


def check_yoy_jump(context: CheckContext) -> Findings:
    """A printed figure that grew or shrank by more than ``yoy_jump_factor``
    times since the year before (both years positive).  Derived values follow
    their inputs, so only inputs are looked at."""
    data, catalog = context.dataset, context.catalog
    factor = number_option(context, "yoy_jump_factor", above=1)
    prev = data.prev_index()
    has = prev >= 0
    found = []
    for key in _inputs(catalog):
        values = data.column(key)
        before = np.where(has, values[np.where(has, prev, 0)], np.nan)
        with np.errstate(all="ignore"):
            ratio = values / before
        rows = np.flatnonzero((before > 0) & (values > 0) & ((ratio > factor) | (ratio < 1 / factor)))
        found.append(
            findings_at(
                context,
                rows,
                severity="warning",
                rule="yoy_jump",
                message=literal(f"{catalog.label(key)} went from ")
                + "{0:n} to {1:n} (× {2:.3g})"
                + literal(f", beyond the factor {factor:g} allowed between years"),
                args=(before[rows], values[rows], ratio[rows]),
                keys=(key,),
                expected=before[rows],
                actual=values[rows],
                tolerance=factor,
                also_rows=prev[rows],
            )
        )
    return Findings.concat(found)


# --- registration ----------------------------------------------------------------

CHECKS: tuple[tuple[str, Callable[[CheckContext], Findings], dict[str, object]], ...] = (
    ("relation_partition", check_partition, {}),
    ("relation_subset", check_subset, {}),
    ("relation_other_unit", check_other_unit, {}),
    ("percent_range", check_percent_range, {}),
    ("non_negative", check_non_negative, {}),
    ("whole_counts", check_whole_counts, {}),
    ("metric_bounds", check_metric_bounds, {}),
    ("yoy_jump", check_yoy_jump, {"yoy_jump_factor": 3.0}),
)


def register_checks(register: Callable[[Check], None]) -> None:
    for check_id, run, options in CHECKS:
        register(Check(check_id, (run.__doc__ or check_id).split("\n")[0], run, options))


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
