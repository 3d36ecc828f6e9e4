"""The engine: metrics evaluated column-wise in the order of their dependency graph.

It knows no table by name; everything comes from the catalog.  Checks run
after it (:mod:`.checking`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from . import formula as formula_mod
from .arrow import TEXT
from .catalog import Catalog
from .dataset import NULL_REASONS, Dataset
from .findings import FindingBuilder, Findings
from .suspect import inherited


def evaluate_metrics(
    dataset: Dataset, catalog: Catalog, computed: Callable[[str], npt.NDArray[np.float64]] | None = None
) -> Findings:
    """Add one column per metric; report the nulls that need explaining.

    A null caused by a zero denominator is a warning; one caused by a missing
    input is info, and only when some input of that row was reported (a row
    with none of the inputs simply has nothing to compute).

    ``computed(key)``, when given, is a metric's column computed elsewhere
    (by a database backend, :mod:`vqr_metrics.sql.run`): only its null rows
    are evaluated here, to learn why each is null.
    """
    out = FindingBuilder()
    prev_index = dataset.prev_index()
    years = dataset.row_years
    unique_years = [int(y) for y in np.unique(years)]
    applies_in: dict[tuple[int, ...], npt.NDArray[np.bool_]] = {}
    for key in catalog.metric_order():
        metric = catalog.metrics[key]
        parsed = catalog.formulas[key]
        deps = catalog.dependencies[key]

        def column(name: str, deps: Mapping[str, str] = deps) -> formula_mod.Column:
            return dataset.column(deps[name])

        kept = tuple(y for y in unique_years if metric.applies_to(y))
        if kept not in applies_in:  # most metrics share one edition range: one mask for all
            applies_in[kept] = np.isin(years, kept)
        applies = applies_in[kept]
        if computed is None:
            ev = formula_mod.evaluate(parsed, column, dataset.size, prev_index)
        else:
            given = computed(key)
            ev = _at_nulls(parsed, column, given, np.flatnonzero(np.isnan(given) & applies), prev_index)
        values = np.where(applies, ev.values, np.nan)
        dataset.set_column(key, values, derived=True)
        dataset.set_null_reasons(key, _null_reasons(values, applies, ev))
        unique_deps = list(dict.fromkeys(deps.values()))
        _propagate_conflicts(dataset, key, unique_deps, parsed.uses_prev, prev_index)
        absent = np.vstack(
            [np.isnan(dataset.column(dep)) for dep in unique_deps] or [np.ones(len(years), bool)]
        )
        null = np.isnan(values) & applies & ~absent.all(axis=0) & ~ev.no_prev
        _explain_nulls(out, dataset, catalog, key, np.flatnonzero(null), absent, ev, unique_deps)
    return out.build()


def _at_nulls(
    parsed: formula_mod.Formula,
    column: Callable[[str], formula_mod.Column],
    values: npt.NDArray[np.float64],
    rows: npt.NDArray[np.intp],
    prev_index: npt.NDArray[np.intp],
) -> formula_mod.Evaluation:
    """The evaluation of a metric computed elsewhere: its ``values``, and why
    each null of ``rows`` is null, from evaluating only those rows (with the
    earlier years prev() reaches) — null rows are few."""
    zero, missing, no_prev, invalid = flags = [np.zeros(len(values), dtype=bool) for _ in range(4)]
    if rows.size:
        reach = rows
        while True:  # the rows, and every earlier year prev() can reach from them
            back = prev_index[reach]
            wider = np.union1d(reach, back[back >= 0])
            if wider.size == reach.size:
                break
            reach = wider
        local = np.searchsorted(reach, prev_index[reach])
        local_prev = np.where(prev_index[reach] >= 0, local, -1).astype(np.intp)
        ev = formula_mod.evaluate(parsed, lambda name: column(name)[reach], reach.size, local_prev)
        at = np.searchsorted(reach, rows)
        for flag, part in zip(flags, (ev.zero_division, ev.missing, ev.no_prev, ev.invalid), strict=True):
            flag[rows] = np.broadcast_to(part, (reach.size,))[at]
    return formula_mod.Evaluation(values, zero, missing, no_prev, invalid)


def _null_reasons(
    values: npt.NDArray[np.float64], applies: npt.NDArray[np.bool_], ev: formula_mod.Evaluation
) -> npt.NDArray[np.int8]:
    """Why each null of a metric is null (codes of :data:`NULL_REASONS`)."""
    code = {name: np.int8(i) for i, name in enumerate(NULL_REASONS)}
    null = np.isnan(values)
    reasons = np.zeros(len(values), dtype=np.int8)
    reasons[null & ~applies] = code["not_in_edition"]
    null &= applies
    reasons[null & ev.no_prev] = code["no_previous_year"]
    null &= ~ev.no_prev
    reasons[null & ev.zero_division & ~ev.missing] = code["zero_denominator"]
    reasons[null & ev.missing] = code["missing_input"]
    reasons[null & ~ev.missing & ~ev.zero_division] = code["not_a_number"]
    return reasons


def _explain_nulls(
    out: FindingBuilder,
    dataset: Dataset,
    catalog: Catalog,
    key: str,
    rows: npt.NDArray[np.intp],
    absent: npt.NDArray[np.bool_],
    ev: formula_mod.Evaluation,
    deps: list[str],
) -> None:
    """Why a metric has no value in each of ``rows``, in bulk.

    A zero denominator (no input absent) or a non-finite result is a warning
    of its own.  Missing inputs are info, one per entity-year, grouped by year
    and by which inputs are absent; where a group covers every entity of its
    year, the table was not supplied at all and one finding says so.  Nothing
    is said when a figure of the year before (prev()) was never printed, or the
    missing inputs do not exist in that year's edition of the tables."""
    metric = catalog.metrics[key]
    label = catalog.label(key)
    table = metric.table or None
    if not rows.size:
        return
    pattern = absent[:, rows]
    any_absent = pattern.any(axis=0)
    zero = ev.zero_division[rows] & ~any_absent
    odd = ~any_absent & ~zero & ~ev.missing[rows]
    odd_rows = rows[zero | odd]
    if odd_rows.size:  # in row order, each with the rule of its own null
        kind = pa.array(np.where(ev.zero_division[odd_rows], 0, 1).astype(np.int32))
        rules = ["zero_denominator", "not_a_number"]
        texts = [
            f"{label}: denominator is zero in {metric.formula}",
            f"{label}: {metric.formula} is not a finite number",
        ]
        out.bulk(
            "warning",
            pa.DictionaryArray.from_arrays(kind, pa.array(rules)),
            pa.DictionaryArray.from_arrays(kind, pa.array(texts)),
            pa.DictionaryArray.from_arrays(
                pa.array(dataset.entity_codes[odd_rows], pa.int32()), pa.array(dataset.entity_names)
            ),
            dataset.row_years[odd_rows],
            (label,),
            table,
        )
    missing = rows[any_absent]
    if not missing.size:
        return
    years = dataset.row_years[missing].astype(np.int64)
    if len(deps) < 40:  # year and absent inputs packed in one integer: a flat unique is fast
        bits = (absent[:, missing].T.astype(np.int64) << np.arange(len(deps), dtype=np.int64)).sum(axis=1)
        firsts = np.unique(
            ((years - years.min()) << len(deps)) | bits, return_index=True, return_inverse=True
        )
    else:
        keys = np.column_stack([years, absent[:, missing].T])
        firsts = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    first, group = firsts[1], firsts[2].reshape(-1)
    sizes = np.bincount(group)
    year_sizes = dict(zip(*np.unique(dataset.row_years, return_counts=True), strict=True))
    messages: list[str] = []
    indicators: list[tuple[str, ...]] = []
    keep = np.zeros(len(first), dtype=bool)  # the group is reported …
    whole = np.zeros(len(first), dtype=bool)  # … by one finding for all entities of its year
    for g, at in enumerate(first.tolist()):
        year = int(dataset.row_years[missing[at]])
        gone = [dep for d, dep in enumerate(deps) if absent[d, missing[at]]]
        names = (label, *map(catalog.label, gone))
        keep[g] = any(catalog.in_edition(dep, year) for dep in gone)
        whole[g] = 1 < sizes[g] == year_sizes[year]
        said = f" for any of the {sizes[g]} entities of {year}: " if whole[g] else ": "
        messages.append(f"{label} not computed{said}no value for {', '.join(names[1:])}")
        indicators.append(names)
    # one row per entity-year, or one for the whole year; groups in the order they first occur
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    rows_of = missing[keep[group] & ~whole[group]]
    groups_of = group[keep[group] & ~whole[group]]
    whole_groups = np.flatnonzero(keep & whole)
    order_key = np.concatenate([rank[groups_of], rank[whole_groups]])
    row_key = np.concatenate([rows_of, missing[first[whole_groups]]])
    gid = np.concatenate([groups_of, whole_groups])
    sort = np.lexsort((row_key, order_key))
    gid, row_key = gid[sort], row_key[sort]
    one = np.concatenate([np.zeros(len(rows_of), bool), np.ones(len(whole_groups), bool)])[sort]
    codes = pa.array(dataset.entity_codes[row_key], pa.int32(), mask=one)
    entities = pa.DictionaryArray.from_arrays(codes, pa.array(dataset.entity_names, pa.string()))
    gids = pa.array(gid, pa.int32())
    out.bulk(
        "info",
        "missing_input",
        pa.DictionaryArray.from_arrays(gids, pa.array(messages, pa.string())),
        entities,
        dataset.row_years[row_key],
        pa.array([list(i) for i in indicators], pa.list_(TEXT)).take(gids),
        table,
    )


def _propagate_conflicts(
    dataset: Dataset, key: str, deps: list[str], uses_prev: bool, prev_index: npt.NDArray[np.intp]
) -> None:
    """A value computed from a conflicted figure (this year's, or last
    year's through prev()) is conflicted too."""
    rows = inherited(dataset.conflicted, deps, uses_prev, prev_index)
    if rows is not None:
        dataset.mark_conflicted(key, rows & ~np.isnan(dataset.columns[key]))
