"""Findings about dataset rows: many at once as columns, with labels, provenance and conflict handling.

A finding names the indicators compared by their Chinese names, their tables,
and every source cell of the figures involved.  A comparison that rests on a
figure whose sources disagree (the engine reports that as ``source_conflict``)
is not a problem of its own: it becomes an info note naming the conflicted
figure.  Such rows are rare and take the slow path, one object each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..arrow import PROVENANCE_LIST
from ..catalog import Catalog
from ..findings import FindingBuilder, Findings, arguments, at_rows, render
from ..model import CheckContext, Finding, Severity
from ..suspect import flagged_behind

Rows = npt.NDArray[np.intp]
# A value for every row, or one for all.
PerRow = float | str | None | npt.NDArray[np.float64]

_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


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


def _tables(catalog: Catalog, keys: Iterable[str]) -> str | None:
    return " / ".join(dict.fromkeys(t for t in (table_name(catalog, k) for k in keys) if t)) or None


def conflicted_inputs(context: CheckContext, keys: Iterable[str], *rows: int) -> tuple[str, ...]:
    """The printed figures behind ``keys`` (indicators or metrics) whose
    sources disagree in any of ``rows``; a metric conflicted only through
    prev() is named itself."""
    return flagged_behind(context.catalog, context.dataset.in_conflict, keys, *rows)


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
    """One finding about row ``i`` (the slow path; :func:`findings_at` makes
    many).  ``conflicted`` (see :func:`conflicted_inputs`) are the figures
    compared whose sources disagree: the finding is then an info note
    ``conflict_rule`` saying so, since source_conflict already reports the problem."""
    catalog, data = context.catalog, context.dataset
    entity, year = data.rows[i]
    if conflicted:
        names = "、".join(catalog.label(k) for k in conflicted)
        message = (
            f"{message}; not a {severity}: it rests on {names}, whose sources disagree (see source_conflict)"
        )
        severity, rule, keys = "info", conflict_rule, (*keys, *conflicted)
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
        table=_tables(catalog, keys),
        provenance=tuple(dict.fromkeys(provenance)),
    )


def findings_at(
    context: CheckContext,
    rows: Rows,
    *,
    severity: Severity,
    rule: str,
    message: str,
    keys: Sequence[str],
    args: Sequence[npt.NDArray[np.float64] | pa.Array] = (),
    expected: PerRow = None,
    actual: PerRow = None,
    tolerance: PerRow = None,
    also_rows: Rows | None = None,
    conflict_keys: Sequence[str] | None = None,
    conflict_rule: str = "compared_with_conflict",
    on_conflict: Callable[[int, tuple[str, ...], Finding], Finding] | None = None,
) -> Findings:
    """One finding per row of ``rows`` (ascending) about ``keys``, as columns.

    ``message`` is a template (see :func:`~vqr_metrics.findings.literal` for
    its fixed text): ``{0}``, ``{1:n}`` … are the ``args``, one value per row
    (numbers take a format spec; ``n`` spells them as the reports do); the
    ``entity year:`` prefix is added.  ``expected``, ``actual`` and
    ``tolerance`` are one value for all or an array per row.  Rows whose
    figures rest on disagreeing sources (those of ``conflict_keys``, default
    ``keys``; also in ``also_rows``, e.g. the year before) become info notes
    ``conflict_rule``, one object each, passed through
    ``on_conflict(row, conflicted, finding)`` for extra detail."""
    data, catalog = context.dataset, context.catalog
    rows = np.asarray(rows, dtype=np.intp)
    if not len(rows):  # the common case: nothing found, nothing built
        return Findings()
    canon = list(dict.fromkeys(catalog.canonical(k) for k in keys))
    watched = keys if conflict_keys is None else conflict_keys
    slow = np.zeros(len(rows), dtype=bool)
    for key in dict.fromkeys(catalog.canonical(k) for k in watched):
        mask = data.conflicted.get(key)
        if mask is not None:
            slow |= mask[rows] | (mask[also_rows] if also_rows is not None else False)
    texts = [pc.cast(pa.array(a) if isinstance(a, np.ndarray) else a, pa.string()) for a in args]
    built = FindingBuilder()
    fast = np.flatnonzero(~slow)
    if len(fast):
        at = rows[fast]
        built.columns(
            len(fast),
            severity=severity,
            rule=rule,
            message="{entity} {year}: " + message,
            args=arguments([t.take(pa.array(fast)) for t in texts], len(fast)),
            **at_rows(data, at),
            indicators=list(dict.fromkeys(catalog.label(k) for k in keys)),
            table=_tables(catalog, keys),
            provenance=_provenance(context, canon, at),
            **_number_or_text("expected", expected, fast),
            **_number_or_text("actual", actual, fast),
            tolerance=_per_row(tolerance, fast),
        )
    for j in np.flatnonzero(slow).tolist():
        i = int(rows[j])
        extra = () if also_rows is None else (int(also_rows[j]),)
        conflicted = conflicted_inputs(context, watched, i, *extra)
        finding = finding_for(
            context,
            i,
            severity=severity,
            rule=rule,
            message=render(message, [t[j].as_py() for t in texts], None, None),
            keys=keys,
            expected=_scalar(expected, j),
            actual=_scalar(actual, j),
            tolerance=_scalar(tolerance, j),  # type: ignore[arg-type]
            conflicted=conflicted,
            conflict_rule=conflict_rule,
        )
        built.add(on_conflict(i, conflicted, finding) if on_conflict else finding)
    order = np.concatenate([fast, np.flatnonzero(slow)])
    return Findings(built.build().to_arrow(rendered=False).take(pa.array(np.argsort(order, kind="stable"))))


# --- columns --------------------------------------------------------------------


def _provenance(context: CheckContext, keys: Sequence[str], rows: Rows) -> pa.Array:
    """Each row's sources of every key, key by key (rows ascending)."""
    lists = [context.dataset.provenance_lists(k, rows) for k in keys]
    if len(lists) == 1:
        return lists[0]
    counts = np.vstack([np.diff(a.offsets.to_numpy()) for a in lists])
    offsets = np.concatenate([[0], np.cumsum(counts.sum(axis=0))]).astype(np.int32)
    before = np.cumsum(counts, axis=0) - counts  # sources of earlier keys in the same row
    place = []
    for k, array in enumerate(lists):
        owner = np.repeat(np.arange(len(rows)), counts[k])
        local = np.arange(counts[k].sum()) - np.repeat(array.offsets.to_numpy()[:-1], counts[k])
        place.append(offsets[:-1][owner] + before[k][owner] + local)
    child = pa.concat_arrays([a.flatten() for a in lists])
    target = np.concatenate(place).astype(np.int64)
    ordered = child.take(pa.array(np.argsort(target, kind="stable")))
    return pa.ListArray.from_arrays(pa.array(offsets), ordered).cast(PROVENANCE_LIST)


def _per_row(value: PerRow, picked: npt.NDArray[np.intp]) -> Any:
    if isinstance(value, np.ndarray):
        return pa.array(value[picked], pa.float64())
    return value


def _number_or_text(name: str, value: PerRow, picked: npt.NDArray[np.intp]) -> dict[str, Any]:
    if isinstance(value, str):
        return {f"{name}_text": value}
    return {name: None if value is None else _per_row(value, picked)}


def _scalar(value: PerRow, j: int) -> float | str | None:
    return float(value[j]) if isinstance(value, np.ndarray) else value
