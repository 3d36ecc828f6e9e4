"""Generic consistency checks, driven by what templates declare: relations
between rows, units, metric bounds, and the year before.  No table is named
here; table-specific checks live in their table's module and reuse the
helpers below (``finding_for``, ``label``, ``recompute_check``).

Severities: a certain contradiction (parts above the whole, a percentage
above 100, a fractional head count) is an error; a suspicious figure (a
published rate far from its recomputation, a jump between years) is a
warning.  Counts are compared exactly; other figures get half a unit in the
last printed place per figure involved.

A comparison that rests on a figure whose sources disagree (the engine
reports that as ``source_conflict``) is not a problem of its own: it becomes
an info note naming the conflicted figure.  Option values are type-checked
by the core; their ranges are checked here, when a check starts.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from vqr_metrics import formula as formula_mod
from vqr_metrics.catalog import Catalog
from vqr_metrics.cells import parse_cell
from vqr_metrics.dataset import Column, Dataset, decimals
from vqr_metrics.errors import ConfigError, FormulaError
from vqr_metrics.model import Check, CheckContext, Finding, Severity
from vqr_metrics.names import did_you_mean, normalize_unit

# Units of things counted one by one: their figures are whole and exact.
COUNT_UNITS = frozenset(normalize_unit(u) for u in ("人", "个", "门", "所", "项", "本", "部", "台", "人次"))
PERCENT = "%"

_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


# --- naming ------------------------------------------------------------------


def readable(catalog: Catalog, metric: str) -> str:
    """A metric's formula with the keys it names shown as Chinese names."""
    deps = catalog.dependencies.get(metric, {})
    return _WORD.sub(
        lambda m: catalog.label(deps[m[0]]) if m[0] in deps else m[0], catalog.metrics[metric].formula
    )


def table_name(catalog: Catalog, key: str) -> str:
    table = catalog.get(key).table
    found = catalog.tables.get(table)
    return found.name if found else table


def finding_for(
    context: CheckContext,
    i: int,
    *,
    severity: Severity,
    rule: str,
    message: str,
    keys: Sequence[str],
    expected: float | str | None = None,
    actual: float | str | None = None,
    tolerance: float | None = None,
    conflicted: Sequence[str] = (),
    conflict_rule: str = "compared_with_conflict",
) -> Finding:
    """A finding about row ``i`` of the dataset naming the indicators
    ``keys`` by Chinese name, their tables, and where their values came from.

    ``conflicted`` (see :func:`conflicted_inputs`) are the figures compared
    whose sources disagree: the finding is then an info note ``conflict_rule``
    saying so, since the source_conflict error already reports the problem."""
    catalog, data = context.catalog, context.dataset
    entity, year = data.rows[i]
    if conflicted:
        names = "、".join(catalog.label(k) for k in conflicted)
        message = (
            f"{message}; not a {severity}: it rests on {names}, whose sources disagree (see source_conflict)"
        )
        severity, rule, keys = "info", conflict_rule, (*keys, *conflicted)
    tables = dict.fromkeys(t for t in (table_name(catalog, k) for k in keys) if t)
    provenance = [p for k in keys for p in data.provenance(i, catalog.canonical(k))]
    return Finding(
        severity=severity,
        rule=rule,
        message=f"{entity} {year}: {message}",
        entity=entity,
        year=year,
        indicators=tuple(dict.fromkeys(catalog.label(k) for k in keys)),
        expected=expected,
        actual=actual,
        tolerance=tolerance,
        table=" / ".join(tables) or None,
        provenance=tuple(dict.fromkeys(provenance)),
    )


def conflicted_inputs(context: CheckContext, keys: Iterable[str], *rows: int) -> tuple[str, ...]:
    """The printed figures behind ``keys`` (indicators or metrics) whose
    sources disagree in any of ``rows``; a metric conflicted only through
    prev() is named itself."""
    data, catalog = context.dataset, context.catalog
    found: list[str] = []
    for i in rows:
        pending = [catalog.canonical(k) for k in keys]
        seen: set[str] = set()
        while pending:
            key = pending.pop(0)
            if key in seen or not data.in_conflict(key, i):
                continue
            seen.add(key)
            behind = [d for d in catalog.dependencies.get(key, {}).values() if data.in_conflict(d, i)]
            if behind:
                pending.extend(behind)
            else:
                found.append(key)
    return tuple(dict.fromkeys(found))


# --- options ---------------------------------------------------------------------


def number_option(
    context: CheckContext, name: str, *, above: float | None = None, at_least: float | None = None
) -> float:
    """The ``[checks]`` option ``name``: a finite number greater than
    ``above`` and at least ``at_least``, else a :class:`ConfigError`."""
    value = context.options[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"[checks] {name} must be a finite number, not {value!r}")
    if above is not None and not value > above:
        raise ConfigError(f"[checks] {name} must be greater than {above:g}, not {value!r}")
    if at_least is not None and not value >= at_least:
        raise ConfigError(f"[checks] {name} must be at least {at_least:g}, not {value!r}")
    return float(value)


def indicator_option(context: CheckContext, name: str) -> str:
    """The canonical key of the input indicator the ``[checks]`` option
    ``name`` names, else a :class:`ConfigError` (with did-you-mean)."""
    catalog = context.catalog
    value = str(context.options[name])
    try:
        key = catalog.resolve(value)
    except FormulaError as exc:
        raise ConfigError(f"[checks] {name}: {exc}") from None
    if key not in catalog.indicators:
        known = [catalog.label(k) for k in catalog.indicators]
        raise ConfigError(
            f"[checks] {name} must name an input indicator, not the metric {value!r}"
            f"{did_you_mean(value, known)}"
        )
    return key


# --- recomputations ----------------------------------------------------------------


@attrs.frozen
class Recomputation:
    """A formula over dataset columns, evaluated by the engine's formula
    machinery (a zero or missing denominator gives null, never inf)."""

    formula: formula_mod.Formula
    # Each name the formula uses → the canonical key it refers to.
    deps: Mapping[str, str]

    @classmethod
    def of_metric(cls, catalog: Catalog, key: str) -> Recomputation:
        return cls(catalog.formulas[key], catalog.dependencies[key])

    @classmethod
    def parse(cls, catalog: Catalog, text: str) -> Recomputation:
        formula = formula_mod.parse(text)
        return cls(formula, {name: catalog.resolve(name) for name in formula.names})

    def column(self, data: Dataset) -> Column:
        return formula_mod.evaluate(
            self.formula, lambda name: data.column(self.deps[name]), data.size, data.prev_index()
        ).values

    def at(self, data: Dataset, i: int, key: str, value: float) -> float | None:
        """Row ``i`` recomputed with ``value`` in place of ``key`` (null with prev())."""

        def column(name: str) -> Column:
            dep = self.deps[name]
            return np.array([value if dep == key else data.column(dep)[i]], dtype=np.float64)

        out = float(formula_mod.evaluate(self.formula, column, 1).values[0])
        return None if math.isnan(out) else out


def with_each_source(context: CheckContext, how: Recomputation, i: int, conflicted: Sequence[str]) -> str:
    """What ``how`` gives in row ``i`` with each printed value of a
    conflicted input it uses directly, the kept one first (``""`` when that
    is not simple)."""
    data, catalog = context.dataset, context.catalog
    parts: list[str] = []
    for key in conflicted:
        if key not in how.deps.values():
            continue
        kept = float(data.column(key)[i])
        cells = [parse_cell(p.raw) for p in data.provenance(i, key)]
        printed = dict.fromkeys(
            [kept, *(c.value for c in cells if c.kind == "number" and c.value is not None)]
        )
        gives = [(v, how.at(data, i, key, v)) for v in printed]
        if len(gives) > 1 and all(out is not None for _, out in gives):
            each = [f"with {_fmt(v)} it gives {out:.4g}" for v, out in gives]
            parts.append(f"{catalog.label(key)}: {each[0]} (kept), {', '.join(each[1:])}")
    return "".join(f"; {part}" for part in parts)


# --- tolerances ----------------------------------------------------------------


def is_count(catalog: Catalog, key: str) -> bool:
    return normalize_unit(catalog.get(key).unit) in COUNT_UNITS


def half_unit(context: CheckContext, key: str, i: int) -> float:
    """Half a unit in the last place row ``i`` of ``key`` was printed with
    (the coarsest of its sources); 0 for counts, which are exact."""
    catalog = context.catalog
    if is_count(catalog, key):
        return 0.0
    provs = context.dataset.provenance(i, catalog.canonical(key))
    return 0.5 / 10.0 ** min((decimals(p.raw) for p in provs if p.raw), default=0)


def _fmt(value: float) -> str:
    return f"{value:.6g}" if not float(value).is_integer() else f"{value:.0f}"


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


def check_partition(context: CheckContext) -> Iterator[Finding]:
    """Disjoint parts add up to at most the whole."""
    data, catalog = context.dataset, context.catalog
    for parent, parts in _children(catalog, "partition").items():
        whole = data.column(parent)
        stack = np.vstack([data.column(k) for k in parts])
        present = ~np.isnan(stack)
        total = np.nansum(stack, axis=0)
        for i in np.flatnonzero(present.any(axis=0) & (total > whole)):
            shown = [k for k, ok in zip(parts, present[:, i], strict=True) if ok]
            tol = sum(half_unit(context, k, int(i)) for k in (parent, *shown))
            if total[i] <= whole[i] + tol + 1e-9:
                continue
            terms = " + ".join(f"{catalog.label(k)} {_fmt(data.column(k)[i])}" for k in shown)
            yield finding_for(
                context,
                int(i),
                severity="error",
                rule="relation_partition",
                message=(
                    f"{terms} = {_fmt(total[i])} exceeds {catalog.label(parent)} {_fmt(whole[i])}: "
                    f"the parts are disjoint and add up to at most the whole (tolerance {tol:g})"
                ),
                keys=(parent, *shown),
                expected=float(whole[i]),
                actual=float(total[i]),
                tolerance=tol,
                conflicted=conflicted_inputs(context, (parent, *shown), int(i)),
            )


def check_subset(context: CheckContext) -> Iterator[Finding]:
    """Each overlapping subset is at most the whole."""
    data, catalog = context.dataset, context.catalog
    for parent, subsets in _children(catalog, "subset").items():
        whole = data.column(parent)
        for child in subsets:
            part = data.column(child)
            for i in np.flatnonzero(part > whole):
                tol = half_unit(context, parent, int(i)) + half_unit(context, child, int(i))
                if part[i] <= whole[i] + tol + 1e-9:
                    continue
                yield finding_for(
                    context,
                    int(i),
                    severity="error",
                    rule="relation_subset",
                    message=(
                        f"{catalog.label(child)} {_fmt(part[i])} exceeds {catalog.label(parent)} "
                        f"{_fmt(whole[i])}, which it is part of (tolerance {tol:g})"
                    ),
                    keys=(parent, child),
                    expected=float(whole[i]),
                    actual=float(part[i]),
                    tolerance=tol,
                    conflicted=conflicted_inputs(context, (parent, child), int(i)),
                )


def check_other_unit(context: CheckContext) -> Iterator[Finding]:
    """A row in another unit cannot be positive while the row it qualifies is zero."""
    data, catalog = context.dataset, context.catalog
    for parent, children in _children(catalog, "other_unit").items():
        whole = data.column(parent)
        for child in children:
            part = data.column(child)
            for i in np.flatnonzero((whole == 0) & (part > 0)):
                yield finding_for(
                    context,
                    int(i),
                    severity="error",
                    rule="relation_other_unit",
                    message=(
                        f"{catalog.label(child)} is {_fmt(part[i])} {catalog.get(child).unit} "
                        f"while {catalog.label(parent)} is 0"
                    ),
                    keys=(parent, child),
                    expected=0.0,
                    actual=float(part[i]),
                    tolerance=0.0,
                    conflicted=conflicted_inputs(context, (parent, child), int(i)),
                )


# --- units and bounds ------------------------------------------------------------


def _inputs(catalog: Catalog) -> list[str]:
    """Canonical input indicator keys, each once."""
    return list(dict.fromkeys(catalog.canonical(k) for k in catalog.indicators))


def _each_input(
    context: CheckContext,
    rule: str,
    applies: Callable[[str], bool],
    bad: Callable[[np.ndarray], np.ndarray],
    describe: Callable[[str, float], tuple[str, str | float]],
) -> Iterator[Finding]:
    """One error per printed figure ``bad`` flags, among the inputs ``applies``
    to; ``describe(key, value)`` gives the message and the expected value."""
    data = context.dataset
    for key in _inputs(context.catalog):
        if not applies(key):
            continue
        values = data.column(key)
        with np.errstate(invalid="ignore"):
            flagged = np.flatnonzero(bad(values))
        for i in flagged:
            message, expected = describe(key, float(values[i]))
            yield finding_for(
                context,
                int(i),
                severity="error",
                rule=rule,
                message=message,
                keys=(key,),
                expected=expected,
                actual=float(values[i]),
                tolerance=0.0,
            )


def check_percent_range(context: CheckContext) -> Iterator[Finding]:
    """Printed percentages lie within 0–100."""
    catalog = context.catalog
    return _each_input(
        context,
        "percent_range",
        lambda key: normalize_unit(catalog.get(key).unit) == PERCENT,
        lambda values: (values < 0) | (values > 100),
        lambda key, value: (f"{catalog.label(key)} is {_fmt(value)}%, outside 0–100", "0–100"),
    )


def check_non_negative(context: CheckContext) -> Iterator[Finding]:
    """No printed figure is negative (rates of change are metrics, not inputs)."""
    catalog = context.catalog
    return _each_input(
        context,
        "non_negative",
        lambda key: True,
        lambda values: values < 0,
        lambda key, value: (f"{catalog.label(key)} is negative: {_fmt(value)}", ">= 0"),
    )


def check_whole_counts(context: CheckContext) -> Iterator[Finding]:
    """Counts (人, 个, 门, 所, 项, 本, 部, 台, 人次) are whole numbers."""
    catalog = context.catalog
    return _each_input(
        context,
        "whole_counts",
        lambda key: is_count(catalog, key),
        lambda values: ~np.isnan(values) & (values != np.round(values)),
        lambda key, value: (
            f"{catalog.label(key)} is {_fmt(value)} {catalog.get(key).unit}: a count must be a whole number",
            float(np.round(value)),
        ),
    )


def check_metric_bounds(context: CheckContext) -> Iterator[Finding]:
    """Derived values outside their declared bounds mean inconsistent inputs."""
    data, catalog = context.dataset, context.catalog
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
        for i in np.flatnonzero(out):
            given = ", ".join(f"{catalog.label(k)} {_fmt(data.column(k)[i])}" for k in inputs)
            yield finding_for(
                context,
                int(i),
                severity="warning",
                rule="metric_bounds",
                message=(
                    f"{catalog.label(key)} = {_fmt(values[i])} is outside {_bounds(low, high)} "
                    f"({readable(catalog, key)} with {given})"
                ),
                keys=(key, *inputs),
                expected=_bounds(low, high),
                actual=float(values[i]),
                tolerance=0.0,
                conflicted=conflicted_inputs(context, (key,), int(i)),
            )


def _bounds(low: float | None, high: float | None) -> str:
    return f"{'' if low is None else _fmt(low)}–{'' if high is None else _fmt(high)}"


# --- year over year --------------------------------------------------------------


def check_yoy_jump(context: CheckContext) -> Iterator[Finding]:
    """A printed figure that grew or shrank by more than ``yoy_jump_factor``
    times since the year before (both years positive).  Derived values follow
    their inputs, so only inputs are looked at."""
    data, catalog = context.dataset, context.catalog
    factor = number_option(context, "yoy_jump_factor", above=1)
    prev = data.prev_index()
    has = prev >= 0
    for key in _inputs(catalog):
        values = data.column(key)
        before = np.where(has, values[np.where(has, prev, 0)], np.nan)
        with np.errstate(all="ignore"):
            ratio = values / before
        jump = (before > 0) & (values > 0) & ((ratio > factor) | (ratio < 1 / factor))
        for i in np.flatnonzero(jump):
            yield finding_for(
                context,
                int(i),
                severity="warning",
                rule="yoy_jump",
                message=(
                    f"{catalog.label(key)} went from {_fmt(before[i])} to {_fmt(values[i])} "
                    f"(× {ratio[i]:.3g}), beyond the factor {factor:g} allowed between years"
                ),
                keys=(key,),
                expected=float(before[i]),
                actual=float(values[i]),
                tolerance=factor,
                conflicted=conflicted_inputs(context, (key,), int(i), int(prev[i])),
            )


# --- published vs recomputed -------------------------------------------------------


def recompute_findings(
    context: CheckContext,
    *,
    rule: str,
    published: str,
    recomputed: Column,
    how: str,
    inputs: Iterable[str],
    tolerance: float,
    recomputation: Recomputation,
    rows: npt.NDArray[np.bool_] | None = None,
) -> Iterator[Finding]:
    """Warnings where the printed ``published`` differs from ``recomputed``
    (computed by ``recomputation``, described as ``how``, from ``inputs``) by
    more than ``tolerance``; an info note ``recompute_from_conflict`` with
    what each source's value gives where an input's sources disagree."""
    data, catalog = context.dataset, context.catalog
    printed = data.column(published)
    off = np.abs(printed - recomputed) > tolerance
    if rows is not None:
        off &= rows
    inputs = tuple(inputs)
    for i in np.flatnonzero(off):
        conflicted = conflicted_inputs(context, (published, *inputs), int(i))
        finding = finding_for(
            context,
            int(i),
            severity="warning",
            rule=rule,
            message=(
                f"{catalog.label(published)} is printed as {_fmt(printed[i])} but {how} gives "
                f"{recomputed[i]:.4g} (tolerance ±{tolerance:g})"
            ),
            keys=(published, *inputs),
            expected=round(float(recomputed[i]), 6),
            actual=float(printed[i]),
            tolerance=tolerance,
            conflicted=conflicted,
            conflict_rule="recompute_from_conflict",
        )
        detail = with_each_source(context, recomputation, int(i), conflicted)
        yield attrs.evolve(finding, message=finding.message + detail) if detail else finding


def recompute_check(
    check_id: str, *, published: str, recomputed: Sequence[str], option: str, default: float
) -> Check:
    """A check comparing a printed rate with the first of ``recomputed``
    (metric keys, in order of preference) that has a value for the row."""

    def run(context: CheckContext) -> Iterator[Finding]:
        data, catalog = context.dataset, context.catalog
        tolerance = number_option(context, option, at_least=0)
        taken = np.zeros(data.size, dtype=bool)
        for key in recomputed:
            values = data.column(key)
            rows = ~taken & ~np.isnan(values)
            yield from recompute_findings(
                context,
                rule=check_id,
                published=published,
                recomputed=values,
                how=f"{catalog.label(key)} = {readable(catalog, key)}",
                inputs=(key, *dict.fromkeys(catalog.dependencies[key].values())),
                tolerance=tolerance,
                recomputation=Recomputation.of_metric(catalog, key),
                rows=rows,
            )
            taken |= rows

    return Check(
        check_id,
        f"printed {published} vs {' or '.join(recomputed)} beyond {option} (warning)",
        run,
        {option: default},
    )


# --- registration ----------------------------------------------------------------

CHECKS: tuple[tuple[str, Callable[[CheckContext], Iterator[Finding]], dict[str, object]], ...] = (
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
