"""Checks of each figure on its own: percentages, signs, whole counts, metric bounds, the year before.

Like the row relations (:mod:`.consistency`, which registers them), each is
split into ``flag_*``, the rows found, and ``emit_*``, their wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from vqr_metrics.catalog import Catalog
from vqr_metrics.checks import findings_at, is_count, literal, number_option, number_text, readable
from vqr_metrics.findings import Findings
from vqr_metrics.model import CheckContext
from vqr_metrics.units import is_percent

Rows = npt.NDArray[np.intp]
# A group of keys a check compares (a parent, a parent and child, an input) → its flagged rows, ascending.
Flags = Mapping[tuple[str, ...], Rows]
Flag = Callable[[CheckContext], Flags]
Emit = Callable[[CheckContext, Flags], Findings]
_NONE: Rows = np.zeros(0, dtype=np.intp)


def flagged(flags: Flags, *group: str) -> Rows:
    """The rows flagged of ``group`` (none if the group is absent)."""
    return flags.get(group, _NONE)


# --- units and bounds ------------------------------------------------------------


def inputs(catalog: Catalog) -> list[str]:
    """Canonical input indicator keys, each once."""
    return list(dict.fromkeys(catalog.canonical(k) for k in catalog.indicators))


def _flag_inputs(
    context: CheckContext,
    applies: Callable[[str], bool],
    bad: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.bool_]],
) -> Flags:
    """The rows ``bad`` flags of each input ``applies`` to."""
    flags: dict[tuple[str, ...], Rows] = {}
    for key in inputs(context.catalog):
        if applies(key):
            with np.errstate(invalid="ignore"):
                flags[(key,)] = np.flatnonzero(bad(context.dataset.column(key)))
    return flags


def _emit_inputs(
    context: CheckContext,
    flags: Flags,
    rule: str,
    message: Callable[[str], str],
    expected: Callable[[npt.NDArray[np.float64]], str | npt.NDArray[np.float64]],
) -> Findings:
    """One error per printed figure flagged; ``message(key)`` is the template
    (``{0}`` the figure), ``expected(values)`` what was expected."""
    found = []
    for key in inputs(context.catalog):
        rows = flagged(flags, key)
        values = context.dataset.column(key)[rows]
        found.append(
            findings_at(
                context,
                rows,
                severity="error",
                rule=rule,
                message=message(key),
                args=(values,),
                keys=(key,),
                expected=expected(values),
                actual=values,
                tolerance=0.0,
            )
        )
    return Findings.concat(found)


def flag_percent_range(context: CheckContext) -> Flags:
    """Printed percentages lie within 0–100."""
    catalog = context.catalog
    return _flag_inputs(
        context, lambda key: is_percent(catalog.get(key).unit), lambda values: (values < 0) | (values > 100)
    )


def emit_percent_range(context: CheckContext, flags: Flags) -> Findings:
    catalog = context.catalog
    return _emit_inputs(
        context,
        flags,
        "percent_range",
        lambda key: literal(f"{catalog.label(key)} is ") + "{0:n}%, outside 0–100",
        lambda values: "0–100",
    )


def flag_non_negative(context: CheckContext) -> Flags:
    """No printed figure is negative (rates of change are metrics, not inputs)."""
    return _flag_inputs(context, lambda key: True, lambda values: values < 0)


def emit_non_negative(context: CheckContext, flags: Flags) -> Findings:
    catalog = context.catalog
    return _emit_inputs(
        context,
        flags,
        "non_negative",
        lambda key: literal(f"{catalog.label(key)} is negative: ") + "{0:n}",
        lambda values: ">= 0",
    )


def flag_whole_counts(context: CheckContext) -> Flags:
    """Counts (人, 个, 门, 所, 项, 本, 部, 台, 人次) are whole numbers."""
    catalog = context.catalog
    return _flag_inputs(
        context,
        lambda key: is_count(catalog, key),
        lambda values: ~np.isnan(values) & (values != np.round(values)),
    )


def emit_whole_counts(context: CheckContext, flags: Flags) -> Findings:
    catalog = context.catalog
    return _emit_inputs(
        context,
        flags,
        "whole_counts",
        lambda key: (
            literal(f"{catalog.label(key)} is ")
            + "{0:n}"
            + literal(f" {catalog.get(key).unit}: a count must be a whole number")
        ),
        np.round,
    )


def bounded(catalog: Catalog) -> dict[str, tuple[float | None, float | None]]:
    """The metrics that declare bounds, with their bounds."""
    return {key: m.bounds for key, m in catalog.metrics.items() if m.bounds != (None, None)}


def flag_metric_bounds(context: CheckContext) -> Flags:
    """Derived values outside their declared bounds mean inconsistent inputs."""
    flags: dict[tuple[str, ...], Rows] = {}
    for key, (low, high) in bounded(context.catalog).items():
        values = context.dataset.column(key)
        out = np.zeros(len(values), dtype=bool)
        if low is not None:
            out |= values < low
        if high is not None:
            out |= values > high
        flags[(key,)] = np.flatnonzero(out)
    return flags


def emit_metric_bounds(context: CheckContext, flags: Flags) -> Findings:
    data, catalog = context.dataset, context.catalog
    found = []
    for key, (low, high) in bounded(catalog).items():
        rows = flagged(flags, key)
        inputs = list(dict.fromkeys(catalog.dependencies.get(key, {}).values()))
        given = ", ".join(literal(catalog.label(k)) + " {" + f"{n + 1}:n" + "}" for n, k in enumerate(inputs))
        values = data.column(key)[rows]
        found.append(
            findings_at(
                context,
                rows,
                severity="warning",
                rule="metric_bounds",
                message=literal(f"{catalog.label(key)} = ")
                + "{0:n}"
                + literal(f" is outside {bounds_text(low, high)} ({readable(catalog, key)} with ")
                + given
                + ")",
                args=(values, *(data.column(k)[rows] for k in inputs)),
                keys=(key, *inputs),
                conflict_keys=(key,),
                expected=bounds_text(low, high),
                actual=values,
                tolerance=0.0,
            )
        )
    return Findings.concat(found)


def bounds_text(low: float | None, high: float | None) -> str:
    return f"{'' if low is None else number_text(low)}–{'' if high is None else number_text(high)}"


# --- year over year --------------------------------------------------------------


def flag_yoy_jump(context: CheckContext) -> Flags:
    """A printed figure that grew or shrank by more than ``yoy_jump_factor``
    times since the year before (both years positive).  Derived values follow
    their inputs, so only inputs are looked at."""
    data = context.dataset
    factor = number_option(context, "yoy_jump_factor", above=1)
    prev = data.prev_index()
    has = prev >= 0
    flags: dict[tuple[str, ...], Rows] = {}
    for key in inputs(context.catalog):
        values = data.column(key)
        before = np.where(has, values[np.where(has, prev, 0)], np.nan)
        with np.errstate(all="ignore"):
            ratio = values / before
        flags[(key,)] = np.flatnonzero(
            (before > 0) & (values > 0) & ((ratio > factor) | (ratio < 1 / factor))
        )
    return flags


def emit_yoy_jump(context: CheckContext, flags: Flags) -> Findings:
    data, catalog = context.dataset, context.catalog
    factor = number_option(context, "yoy_jump_factor", above=1)
    prev = data.prev_index()
    found = []
    for key in inputs(catalog):
        rows = flagged(flags, key)
        values, before = data.column(key)[rows], data.column(key)[prev[rows]]
        found.append(
            findings_at(
                context,
                rows,
                severity="warning",
                rule="yoy_jump",
                message=literal(f"{catalog.label(key)} went from ")
                + "{0:n} to {1:n} (× {2:.3g})"
                + literal(f", beyond the factor {factor:g} allowed between years"),
                args=(before, values, values / before),
                keys=(key,),
                expected=before,
                actual=values,
                tolerance=factor,
                also_rows=prev[rows],
            )
        )
    return Findings.concat(found)
