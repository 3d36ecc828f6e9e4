"""Parquet input and in-memory frames (pandas, polars, Arrow), long or wide, read column-wise.

Columns of any type are read as the text a cell would print (a null or NaN is a
blank, reported as not reported), so a frame's cells go through the same fast
path and the same per-cell findings as a CSV file's.  A Parquet file written by
``--format parquet`` reads back: its ``value`` records that were read, not
derived, are the figures.  Under ``[engine] backend = "duckdb"`` DuckDB scans a
Parquet file (:mod:`.duckdb_scan`), pyarrow where it fails; the columns go the
same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, Reader, ReadOutput

from .conventions import note_skipped, warn_if_nothing_read
from .duckdb_scan import SCANNER, scan_parquet, wanted
from .tabular_fast import read_wide


def as_arrow(frame: Any) -> pa.Table:
    """An Arrow table of a pandas or polars DataFrame or an Arrow table."""
    if isinstance(frame, pa.Table):
        return frame
    if isinstance(frame, pa.RecordBatch):
        return pa.Table.from_batches([frame])
    to_arrow = getattr(frame, "to_arrow", None)  # polars
    if callable(to_arrow):
        table = to_arrow()
        if isinstance(table, pa.Table):
            return table
    if type(frame).__module__.startswith("pandas"):
        return pa.Table.from_pandas(frame, preserve_index=False)
    raise InputError(f"data: a pandas, polars or Arrow table is needed, not {type(frame).__name__}")


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as the text its cells would print; null and NaN as blanks."""
    if pa.types.is_floating(column.type):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    try:
        text = pc.cast(column, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pa.chunked_array([pa.array([None if v is None else str(v) for v in column.to_pylist()])])
    return pc.fill_null(text, "")


def read_table(table: pa.Table, spec: InputSpec, catalog: Catalog, *, first_line: int = 1) -> ReadOutput:
    """Read a long or wide table; row ``i`` is cited as line ``first_line + i``."""
    collect = Collector(catalog, spec)
    if "record" in table.column_names and "derived" in table.column_names:
        table = _read_back(table, spec, collect)
    columns = [c for c in table.column_names if c != "provenance"]
    cells = [_as_text(table[c]) for c in columns]
    lines = np.arange(first_line, first_line + table.num_rows, dtype=np.int32)
    read_wide(spec.path, max(first_line - 1, 1), columns, cells, lines, collect)
    warn_if_nothing_read(collect, "no rows" if not table.num_rows else "no known indicator column")
    return collect.output()


def _read_back(table: pa.Table, spec: InputSpec, collect: Collector) -> pa.Table:
    """The figures of a result written as Parquet: its read ``value`` records."""
    values = pc.equal(table["record"], "value")
    read = pc.and_(values, pc.invert(pc.fill_null(table["derived"], False)))
    imputed = pc.fill_null(table["imputed"], False) if "imputed" in table.column_names else None
    if imputed is not None:
        read = pc.and_(read, pc.invert(imputed))
    note_skipped(collect, int(pc.sum(values).as_py() or 0) - int(pc.sum(read).as_py() or 0))
    return table.filter(read).select(
        [c for c in ("entity", "year", "key", "value", "unit") if c in table.column_names]
    )


def read_parquet(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    """Scanned by DuckDB under its backend, else (or where DuckDB fails) by pyarrow."""
    import pyarrow.parquet as pq

    scanned = scan_parquet(spec.path) if wanted(spec) else ""
    if isinstance(scanned, pa.Table):
        return attrs.evolve(read_table(scanned, spec, catalog), scan=SCANNER)
    try:
        table = pq.read_table(spec.path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"input {spec.path}: not a readable Parquet file: {exc}") from None
    return attrs.evolve(read_table(table, spec, catalog), scan=scanned)


def read_frame(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    """A frame handed to ``run(config, data=…)``; its rows are cited as lines 1, 2, …"""
    return read_table(as_arrow(spec.options["data"]), spec, catalog)


def sniff(head: bytes) -> bool:
    return head.startswith(b"PAR1")


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "parquet",
            "Parquet, long (entity,year,indicator,value) or wide (entity,year,<indicator>…), or a result",
            (".parquet",),
            read_parquet,
            sniff,
        )
    )
    register(
        Reader(
            "frame",
            "a pandas, polars or Arrow frame given as run(config, data=…), long or wide",
            (),
            read_frame,
        )
    )
