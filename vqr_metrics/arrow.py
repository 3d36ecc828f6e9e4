"""Arrow schemas of the columnar store: figures, provenance, and interop with pandas and polars.

Everything that scales with the data (cells, values, provenance, findings) is a
column in one of these layouts; a Python object is made only on request, for the
rare row a message or a test needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .model import Figure, Provenance

# One source of one figure.  ``raw`` is null where the cell printed the figure's
# plain spelling (what ``plain_spelling`` gives), so the common cell costs no text.
# Texts repeated across cells (file, caption, column header, key, entity) are
# dictionary-encoded: a cell costs an index, not a copy of its file name.
TEXT = pa.dictionary(pa.int32(), pa.string())
PROVENANCE_FIELDS = (
    pa.field("file", TEXT),
    pa.field("line", pa.int32()),
    pa.field("raw", pa.string()),
    pa.field("table", TEXT),
    pa.field("column", TEXT),
)
PROVENANCE = pa.struct(list(PROVENANCE_FIELDS))
PROVENANCE_LIST = pa.list_(PROVENANCE)

FIGURES = pa.schema(
    [
        pa.field("entity", TEXT),
        pa.field("year", pa.int32()),
        pa.field("key", TEXT),
        pa.field("value", pa.float64()),
        *PROVENANCE_FIELDS,
    ]
)


def plain_spelling(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The shortest text that reads back as each float (``7146``, ``17.25``)."""
    return pc.cast(values, pa.string())


def compact_raw(raw: pa.Array | pa.ChunkedArray, values: pa.Array | pa.ChunkedArray) -> Any:
    """``raw`` with null where it is the plain spelling of the value."""
    same = pc.fill_null(pc.equal(raw, plain_spelling(values)), False)
    return pc.if_else(same, pa.scalar(None, pa.string()), raw)


def full_raw(raw: pa.Array | pa.ChunkedArray, values: pa.Array | pa.ChunkedArray) -> Any:
    """The raw text of each cell again: the stored one, else the plain spelling."""
    return pc.coalesce(raw, plain_spelling(values))


def constant(value: str, n: int) -> pa.DictionaryArray:
    """``value`` ``n`` times, as one dictionary entry and ``n`` indexes."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string())
    )


def encoded(column: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """A text column as one dictionary array (its dictionary without repeats)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode() if not _unique(column.dictionary) else column
    return column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)


def distinct(column: pa.ChunkedArray) -> set[str]:
    """The texts a (dictionary) column holds; a dictionary's unused entries do not count."""
    out: set[str] = set()
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            out.update(chunk.dictionary.take(pc.unique(chunk.indices.drop_null())).to_pylist())
        else:
            out.update(v for v in pc.unique(chunk).to_pylist() if v is not None)
    return out


def _unique(dictionary: pa.Array) -> bool:
    return len(pc.unique(dictionary)) == len(dictionary)


def line_number(line: int | None) -> int | None:
    """A line number as the int32 column holds it: one past its range (a
    read-back file's garbage) is no line."""
    return line if line is not None and 0 <= line < 2**31 else None


def figures_table(columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    """A figures table from Python columns (the slow path of readers)."""
    columns = {**columns, "line": [line_number(x) for x in columns["line"]]}
    table = pa.table({f.name: pa.array(columns[f.name], f.type) for f in FIGURES}, schema=FIGURES)
    return table.set_column(
        table.schema.get_field_index("raw"), "raw", compact_raw(table["raw"], table["value"])
    )


def figures_from_objects(figures: Iterable[Figure]) -> pa.Table:
    """The figures table of :class:`Figure` objects (plugin readers may return either)."""
    cols: dict[str, list[Any]] = {f.name: [] for f in FIGURES}
    for fig in figures:
        p = fig.provenance
        for name, value in (
            ("entity", fig.entity),
            ("year", fig.year),
            ("key", fig.key),
            ("value", fig.value),
            ("file", p.file),
            ("line", p.line),
            ("raw", p.raw),
            ("table", p.table),
            ("column", p.column),
        ):
            cols[name].append(value)
    return figures_table(cols)


def as_figures(items: Any) -> pa.Table:
    """A reader's figures as a table: a table is checked against the layout, objects converted."""
    if isinstance(items, pa.Table):
        missing = [f.name for f in FIGURES if f.name not in items.column_names]
        if missing:
            raise TypeError(f"a figures table lacks the columns {', '.join(missing)}")
        table = items.select([f.name for f in FIGURES])
        return table if table.schema.equals(FIGURES) else table.cast(FIGURES)
    return figures_from_objects(items)


def figure_objects(table: pa.Table) -> list[Figure]:
    """:class:`Figure` objects of a figures table (for tests and small inputs)."""
    raw = full_raw(table["raw"], table["value"]).to_pylist()
    rows = table.drop_columns(["raw"]).to_pylist()
    return [
        Figure(
            r["entity"],
            r["year"],
            r["key"],
            r["value"],
            Provenance(r["file"], r["line"], text, r["table"] or "", r["column"] or ""),
        )
        for r, text in zip(rows, raw, strict=True)
    ]


def provenance_objects(items: Sequence[dict[str, Any]] | None) -> tuple[Provenance, ...]:
    """:class:`Provenance` objects of provenance structs (``raw`` already filled)."""
    return tuple(
        Provenance(p["file"], p["line"], p["raw"] or "", p["table"] or "", p["column"] or "")
        for p in items or ()
    )


def provenance_structs(items: Iterable[Provenance]) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "line": line_number(p.line), "raw": p.raw, "table": p.table, "column": p.column}
        for p in items
    ]


def to_pandas(table: pa.Table) -> Any:
    """A pandas DataFrame of an Arrow table; pandas is optional."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install pandas") from None
    return table.to_pandas()


def to_polars(table: pa.Table) -> Any:
    """A polars DataFrame of an Arrow table; polars is optional."""
    try:
        import polars as pl
    except ImportError:
        raise ImportError("to_polars() needs polars: pip install polars") from None
    return pl.from_arrow(table)
