"""Statements a report's prose makes, and their comparison with the values its tables give.

A statement is an indicator, a figure, a year and the line it was read from.

A reader that reads prose returns its statements as one Arrow table in the
:data:`STATEMENTS` layout (``ReadOutput.statements``); ``key`` is the
indicator or metric the reader matched the printed name to, null when it
matched none.  :func:`compare` lines each matched statement up with the
dataset's value for the same entity, year and key, column-wise: they agree
when they are equal within the printed precision of the coarser of the two
(``1410.50`` in the text against ``1410`` in a table agrees, ``378.68``
against ``378.33`` does not); a derived metric is compared at the text's own
precision.  Checks and the run's summary both use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from .dataset import Dataset

STATEMENTS = pa.schema(
    [
        pa.field("entity", pa.string()),
        pa.field("year", pa.int32()),
        pa.field("key", pa.string()),  # canonical indicator or metric key; null: matched nothing
        pa.field("label", pa.string()),  # the name the outputs show for the row the name is printed as
        pa.field("name", pa.string()),  # the name as printed
        pa.field("value", pa.float64()),  # in the unit of ``key`` (converted from the printed one)
        pa.field("raw", pa.string()),  # the figure as printed (1489, 378.68, 99.26)
        pa.field("unit", pa.string()),  # the unit as printed (个, 万平方米, %)
        pa.field("step", pa.float64()),  # half a unit in the figure's last printed place, in key's unit
        pa.field("file", pa.string()),
        pa.field("line", pa.int32()),
        pa.field("sentence", pa.string()),
        pa.field("section", pa.string()),  # the heading the paragraph is under
    ]
)

# What comparing a statement with the tables found (the ``status`` column of :func:`compare`).
STATUSES = ("agree", "disagree", "no_figure", "unmatched")
# Floating-point slack on top of the rounding tolerance.
_EPSILON = 1e-9


def empty_statements() -> pa.Table:
    return STATEMENTS.empty_table()


def as_statements(items: Any) -> pa.Table:
    """A statements table (an empty one for ``()`` or ``None``), checked against the layout."""
    if items is None or (isinstance(items, (tuple, list)) and not items):
        return empty_statements()
    if not isinstance(items, pa.Table):
        raise TypeError(
            f"statements must be an Arrow table in the STATEMENTS layout, not {type(items).__name__}"
        )
    return items.select(STATEMENTS.names).cast(STATEMENTS)


def decimals(raw: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Decimal places of each printed figure (``17.25%`` → 2, ``1,234`` → 0, null → 0)."""
    after = pc.struct_field(pc.extract_regex(pc.fill_null(raw, ""), r"\.(?P<d>\d*)"), "d")
    return np.asarray(pc.fill_null(pc.utf8_length(after), 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def compare(statements: pa.Table, dataset: Dataset) -> pa.Table:
    """The statements with what the tables say: ``status`` (one of
    :data:`STATUSES`), the table's ``table_value``, the ``tolerance`` used,
    and where the table prints it (``table_raw``, ``table_file``,
    ``table_line``, ``table_caption``; null for a derived metric)."""
    n = statements.num_rows
    status = np.full(n, STATUSES.index("unmatched"), dtype=np.int8)
    table_value = np.full(n, np.nan)
    tolerance = np.full(n, np.nan)
    sourced = np.full(n, -1, dtype=np.int64)  # each statement's row in ``sources``
    sources: list[pa.Table] = []
    keys = statements["key"]
    status[_mask(pc.is_valid(keys))] = STATUSES.index("no_figure")
    row_of = _dataset_rows(statements, dataset)
    text_step = np.nan_to_num(statements["step"].to_numpy(zero_copy_only=False), nan=0.0)
    values = statements["value"].to_numpy(zero_copy_only=False)
    taken = 0
    for key in sorted(set(pc.unique(keys.drop_null()).to_pylist()) & set(dataset.columns)):
        at = np.flatnonzero(_mask(pc.equal(keys, key)) & (row_of >= 0))
        present = ~np.isnan(dataset.columns[key][row_of[at]])
        at = at[present]
        if not at.size:
            continue
        rows = row_of[at]
        table_value[at] = dataset.columns[key][rows]
        step: np.ndarray[Any, np.dtype[np.float64]] = np.zeros(at.size)
        if key not in dataset.derived:
            unique, back = np.unique(rows, return_inverse=True)
            lists = dataset.provenance_lists(key, unique.astype(np.intp))
            nearest = _nearest_sources(lists, back, statements.take(pa.array(at)))
            step = np.asarray(0.5 / 10.0 ** decimals(nearest["raw"]), dtype=np.float64)
            sourced[at] = taken + np.arange(at.size)
            taken += at.size
            sources.append(nearest)
        tolerance[at] = np.maximum(text_step[at], step)
        agree = np.abs(values[at] - table_value[at]) <= tolerance[at] + _EPSILON
        status[at] = np.where(agree, STATUSES.index("agree"), STATUSES.index("disagree"))
    where = pa.array(np.maximum(sourced, 0), mask=sourced < 0)
    found = pa.concat_tables(sources) if sources else None
    for name, type_ in (
        ("raw", pa.string()),
        ("file", pa.string()),
        ("line", pa.int32()),
        ("table", pa.string()),
    ):
        column = found[name].combine_chunks().cast(type_).take(where) if found else pa.nulls(n, type_)
        statements = statements.append_column(f"table_{'caption' if name == 'table' else name}", column)
    statements = statements.append_column("table_value", pa.array(table_value, mask=np.isnan(table_value)))
    statements = statements.append_column("tolerance", pa.array(tolerance, mask=np.isnan(tolerance)))
    codes = pa.DictionaryArray.from_arrays(pa.array(status, pa.int8()), pa.array(STATUSES))
    return statements.append_column("status", codes)


def counts(compared: pa.Table) -> dict[str, int]:
    """How many statements were read, matched, agreed, disagreed, had no
    table figure to compare with, and matched no indicator."""
    tally = dict.fromkeys(STATUSES, 0)
    if compared.num_rows:
        found = pc.value_counts(compared["status"].cast(pa.string()))
        tally.update(zip(found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True))
    return {
        "read": compared.num_rows,
        "matched": compared.num_rows - tally["unmatched"],
        "agreeing": tally["agree"],
        "disagreeing": tally["disagree"],
        "without_figure": tally["no_figure"],
        "unmatched": tally["unmatched"],
    }


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _dataset_rows(statements: pa.Table, dataset: Dataset) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The dataset row of each statement's entity and year, or -1."""
    codes_of = {name: code for code, name in enumerate(dataset.entity_names)}
    entities = pc.fill_null(statements["entity"], "")
    unique = pc.unique(entities)
    code_of = np.array([codes_of.get(e, -1) for e in unique.to_pylist()] + [-1], dtype=np.int64)
    codes = code_of[np.asarray(pc.index_in(entities, unique).to_numpy(zero_copy_only=False), dtype=np.int64)]
    years = np.asarray(pc.fill_null(statements["year"], -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    span = int(max(dataset.row_years.max(initial=0), years.max(initial=0))) + 2
    have = dataset.entity_codes.astype(np.int64) * span + dataset.row_years.astype(np.int64)
    order = np.argsort(have, kind="stable")
    wanted = codes * span + years
    at = np.minimum(np.searchsorted(have[order], wanted), max(have.size - 1, 0))
    if not have.size:
        return np.full(statements.num_rows, -1, dtype=np.int64)
    hit = (codes >= 0) & (years >= 0) & (have[order][at] == wanted)
    return np.where(hit, order[at], -1)


def _nearest_sources(lists: pa.ListArray, back: np.ndarray[Any, Any], said: pa.Table) -> pa.Table:
    """For each statement, the source of its value printed nearest to it:
    in its own file, closest in lines (the table the sentence restates)."""
    offsets = lists.offsets.to_numpy().astype(np.int64)
    lengths = np.diff(offsets)[back]
    owner = np.repeat(np.arange(len(back)), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    flat = pa.Table.from_struct_array(lists.values).take(pa.array(offsets[back][owner] + within))
    same_file = _mask(pc.equal(flat["file"].cast(pa.string()), said["file"].take(pa.array(owner))))
    lines = np.asarray(pc.fill_null(flat["line"], 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    distance = np.abs(lines - said["line"].to_numpy(zero_copy_only=False)[owner]) + (~same_file) * (1 << 40)
    order = np.lexsort((distance, owner))
    _, first = np.unique(owner[order], return_index=True)
    return flat.take(pa.array(order[first]))
