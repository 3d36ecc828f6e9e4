"""Suspect values: those an error-level finding is about, and every value computed from them.

A suspect value never passes a compliance rule and is kept out of
scorecards unless a card says otherwise.  A figure whose sources disagree
(``source_conflict``) is not suspect by this mark: it is judged under each
source's figure instead (``dataset.conflicted``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .catalog import Catalog
from .dataset import Dataset, Mask
from .findings import Findings

# Error findings that do not make a value suspect: a conflict is judged per source.
NOT_SUSPECT = frozenset({"source_conflict"})


def inherited(
    masks: Mapping[str, Mask], deps: Sequence[str], uses_prev: bool, prev_index: npt.NDArray[np.intp]
) -> Mask | None:
    """The rows a value computed from ``deps`` inherits a flag in (this
    year's, or last year's through prev()); None when no dependency has one."""
    found = [masks[dep] for dep in deps if dep in masks]
    if not found:
        return None
    rows = np.logical_or.reduce(found)
    if uses_prev:
        rows = rows | ((prev_index >= 0) & rows[np.maximum(prev_index, 0)])
    return np.asarray(rows, dtype=bool)


def flagged_behind(
    catalog: Catalog, flagged: Callable[[str, int], bool], keys: Iterable[str], *rows: int
) -> tuple[str, ...]:
    """The figures behind ``keys`` that ``flagged(key, row)`` in any of
    ``rows``, followed down the dependency graph to the ones flagged
    themselves (a metric flagged only through prev() is named itself)."""
    found: list[str] = []
    for i in rows:
        pending = [catalog.canonical(k) for k in keys]
        seen: set[str] = set()
        while pending:
            key = pending.pop(0)
            if key in seen or not flagged(key, i):
                continue
            seen.add(key)
            behind = [d for d in catalog.dependencies.get(key, {}).values() if flagged(d, i)]
            if behind:
                pending.extend(behind)
            else:
                found.append(key)
    return tuple(dict.fromkeys(found))


def mark_suspects(dataset: Dataset, catalog: Catalog, findings: Findings) -> None:
    """Flag the values the error findings are about, then every metric computed from them."""
    rules = sorted({r for r in findings.count("rule") if r not in NOT_SUSPECT})
    errors = findings.where(pc.and_(findings.having("severity", ["error"]), findings.having("rule", rules)))
    table = errors.to_arrow(rendered=False).select(["rule", "entity", "year", "indicators"])
    table = table.filter(pc.and_(pc.is_valid(table["entity"]), pc.is_valid(table["year"])))
    if table.num_rows:
        _mark_named(dataset, catalog, table)
    prev_index = dataset.prev_index()
    for key in catalog.metric_order():
        deps = list(dict.fromkeys(catalog.dependencies[key].values()))
        rows = inherited(dataset.suspect, deps, catalog.formulas[key].uses_prev, prev_index)
        if rows is not None:
            dataset.mark_suspect(key, rows)


def _mark_named(dataset: Dataset, catalog: Catalog, errors: pa.Table) -> None:
    """Flag each (row, indicator) an error finding names."""
    labels = {catalog.label(k): catalog.canonical(k) for k in (*catalog.indicators, *catalog.metrics)}
    names = errors["indicators"].combine_chunks()
    owner = pc.list_parent_indices(names).to_numpy(zero_copy_only=False)
    named = pc.list_flatten(names).cast(pa.string()).to_pylist()
    code = {name: i for i, name in enumerate(dataset.entity_names)}
    entities = [code.get(e, -1) for e in errors["entity"].cast(pa.string()).to_pylist()]
    years = errors["year"].to_numpy(zero_copy_only=False)
    rules = errors["rule"].cast(pa.string()).to_pylist()
    rows = _rows_of(dataset, np.array(entities, dtype=np.int64), years.astype(np.int64))
    by_key: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for j, label in zip(owner.tolist(), named, strict=True):
        key, row = labels.get(label), int(rows[j])
        if key is not None and row >= 0:
            by_key[key][row].append(rules[j])
    for key, at in by_key.items():
        mask = np.zeros(dataset.size, dtype=bool)
        mask[list(at)] = True
        dataset.mark_suspect(key, mask, {row: tuple(r) for row, r in at.items()})


def _rows_of(
    dataset: Dataset, codes: npt.NDArray[np.int64], years: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The dataset row of each (entity code, year), -1 where there is none."""
    if not dataset.size:
        return np.full(len(codes), -1, dtype=np.int64)
    span = int(max(dataset.row_years.max(initial=0), years.max(initial=0))) + 1
    have = dataset.entity_codes.astype(np.int64) * span + dataset.row_years
    order = np.argsort(have, kind="stable")
    want = codes * span + years
    at = np.searchsorted(have[order], want)
    at = np.minimum(at, len(order) - 1)
    found = (codes >= 0) & (have[order][at] == want)
    return np.where(found, order[at], -1)


def suspect_reason(dataset: Dataset, catalog: Catalog, key: str, row: int) -> str:
    """Why row ``row`` of ``key`` is suspect: the figures behind it and the errors found in them."""
    behind = flagged_behind(catalog, dataset.suspect.at, (key,), row)
    parts = []
    for k in behind:
        rules = dataset.suspect_rules(k, row)
        parts.append(f"{catalog.label(k)} ({', '.join(rules)})" if rules else catalog.label(k))
    return "、".join(parts)
