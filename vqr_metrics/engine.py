"""The engine: evaluates metrics column-wise in dependency order and runs
checks.  It knows no table by name; everything comes from the catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from . import formula as formula_mod
from .catalog import Catalog
from .dataset import Dataset
from .errors import PluginError, guarded
from .model import CheckContext, Finding


def evaluate_metrics(dataset: Dataset, catalog: Catalog) -> list[Finding]:
    """Add one column per metric; report the nulls that need explaining.

    A null caused by a zero denominator is a warning; one caused by a missing
    input is info, and only when some input of that row was reported (a row
    with none of the inputs simply has nothing to compute).
    """
    findings: list[Finding] = []
    prev_index = dataset.prev_index()
    years = np.array([year for _, year in dataset.rows], dtype=np.int64)
    unique_years = [int(y) for y in np.unique(years)]
    for key in catalog.metric_order():
        metric = catalog.metrics[key]
        parsed = catalog.formulas[key]
        deps = catalog.dependencies[key]

        def column(name: str, deps: Mapping[str, str] = deps) -> formula_mod.Column:
            return dataset.column(deps[name])

        ev = formula_mod.evaluate(parsed, column, dataset.size, prev_index)
        applies = np.isin(years, [y for y in unique_years if metric.applies_to(y)])
        values = np.where(applies, ev.values, np.nan)
        dataset.columns[key] = values
        dataset.derived.add(key)
        _propagate_conflicts(dataset, key, set(deps.values()), parsed.uses_prev, prev_index)
        present = np.zeros(dataset.size, dtype=bool)
        for dep in set(deps.values()):
            present |= ~np.isnan(dataset.column(dep))
        null = np.isnan(values) & applies & present & ~ev.no_prev
        explained = [_null_finding(dataset, catalog, key, int(i), ev) for i in np.flatnonzero(null)]
        findings += _summarize_missing([f for f in explained if f is not None], dataset, catalog, key)
    return findings


def _summarize_missing(
    findings: list[Finding], dataset: Dataset, catalog: Catalog, key: str
) -> list[Finding]:
    """One finding instead of one per entity when a metric misses the same
    inputs for every entity of a year: the table was not supplied at all."""
    per_year: dict[tuple[int | None, tuple[str, ...]], list[Finding]] = {}
    for f in findings:
        if f.rule == "missing_input":
            per_year.setdefault((f.year, f.indicators), []).append(f)
    entities_of: dict[int, set[str]] = {}
    for entity, year in dataset.rows:
        entities_of.setdefault(year, set()).add(entity)
    out = [f for f in findings if f.rule != "missing_input"]
    for (when, names), group in per_year.items():
        everyone = entities_of.get(when or 0, set())
        if len(group) > 1 and {f.entity for f in group} == everyone:
            out.append(
                attrs.evolve(
                    group[0],
                    entity=None,
                    message=f"{catalog.label(key)} not computed for any of the {len(group)} entities of "
                    f"{when}: no value for {', '.join(names[1:])}",
                )
            )
        else:
            out += group
    return out


def _propagate_conflicts(
    dataset: Dataset, key: str, deps: set[str], uses_prev: bool, prev_index: np.ndarray
) -> None:
    """A value computed from a conflicted figure (this year's, or last
    year's through prev()) is conflicted too."""
    rows = set().union(*(dataset.conflicted.get(dep, set()) for dep in deps))
    if uses_prev and rows:
        rows |= {i for i, p in enumerate(prev_index.tolist()) if p in rows}
    values = dataset.columns[key]
    rows = {i for i in rows if not np.isnan(values[i])}
    if rows:
        dataset.conflicted[key] = rows


def _null_finding(
    dataset: Dataset, catalog: Catalog, key: str, i: int, ev: formula_mod.Evaluation
) -> Finding | None:
    """Why a metric has no value in row ``i``, or None when there is nothing
    to say: a figure of the year before (prev()) was never printed, or the
    missing inputs do not exist in that year's edition of the tables."""
    metric = catalog.metrics[key]
    entity, year = dataset.rows[i]
    deps = list(dict.fromkeys(catalog.dependencies[key].values()))
    absent = [dep for dep in deps if np.isnan(dataset.column(dep)[i])]
    if ev.zero_division[i] and not absent:
        severity, rule = "warning", "zero_denominator"
        message = f"{catalog.label(key)}: denominator is zero in {metric.formula}"
    elif absent:
        if not any(catalog.in_edition(dep, year) for dep in absent):
            return None
        severity, rule = "info", "missing_input"
        message = f"{catalog.label(key)} not computed: no value for {', '.join(map(catalog.label, absent))}"
    elif ev.missing[i]:
        return None
    else:
        severity, rule = "warning", "not_a_number"
        message = f"{catalog.label(key)}: {metric.formula} is not a finite number"
    return Finding(
        severity=severity,  # type: ignore[arg-type]
        rule=rule,
        message=message,
        entity=entity,
        year=year,
        indicators=(catalog.label(key), *map(catalog.label, absent)),
        table=metric.table or None,
    )


def check_options(catalog: Catalog, configured: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each check's options: its declared defaults overridden by ``[checks]``."""
    out: dict[str, dict[str, Any]] = {}
    for check_id, check in catalog.items["check"].items():
        options = dict(check.options)
        for name in options:
            if name in configured:
                options[name] = configured[name]
        out[check_id] = options
    return out


def _findings_of(run: Callable[[CheckContext], Iterable[Finding]], context: CheckContext) -> list[Finding]:
    return list(run(context))


def run_checks(
    dataset: Dataset,
    catalog: Catalog,
    configured: Mapping[str, Any] | None = None,
    disabled: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Run every registered check not disabled; a check that raises is a
    plugin error naming it, never a traceback."""
    findings: list[Finding] = []
    options = check_options(catalog, configured or {})
    for check_id in sorted(catalog.items["check"]):
        if check_id in disabled:
            continue
        check = catalog.items["check"][check_id]
        context = CheckContext(dataset=dataset, catalog=catalog, options=options[check_id])
        origin = catalog.origins[("check", check_id)]
        produced = guarded(
            f"check {check_id!r} ({origin})", lambda run, ctx: list(run(ctx)), check.run, context
        )
        for finding in produced:
            if not isinstance(finding, Finding):
                origin = catalog.origins[("check", check_id)]
                raise PluginError(f"check {check_id!r} ({origin}) yielded {finding!r:.60}")
            findings.append(finding)
    return findings
