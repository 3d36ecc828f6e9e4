"""A table of a DuckDB database file (``[[inputs]] path = "x.duckdb"``, ``table = "…"``), long or wide.

The table is read by DuckDB straight into Arrow and its cells then go the way
a frame's do (:func:`.arrow_reader.read_table`): figures, per-cell findings,
row ``i`` cited as line ``i + 1``.  DuckDB comes with the ``sql`` extra.  (CSV
and Parquet files DuckDB scans for their readers: :mod:`.duckdb_scan`.)
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.catalog import Catalog
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, Reader, ReadOutput

from .arrow_reader import read_table

# How every DuckDB database file begins, after its 8-byte checksum.
_MAGIC = b"DUCK"


def read_duckdb(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    if not spec.table:
        raise InputError(f'input {spec.path}: a DuckDB file needs table = "…", the table to read')
    try:
        import duckdb
        from sqlglot import exp
    except ImportError:
        raise InputError(
            f"input {spec.path}: reading a DuckDB file needs the sql extra: pip install 'vqr-metrics[sql]'"
        ) from None
    *schema, name = spec.table.split(".")
    table = exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema[-1], quoted=True) if schema else None,
    )
    try:
        with duckdb.connect(spec.path, read_only=True) as con:
            arrow = con.sql(exp.select(exp.Star()).from_(table).sql("duckdb")).to_arrow_table()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise InputError(f"input {spec.path}: cannot read table {spec.table!r}: {reason}") from None
    return read_table(arrow, spec, catalog)


def sniff(head: bytes) -> bool:
    return head[8:12] == _MAGIC


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "duckdb",
            "a table of a DuckDB database file (table = …), long or wide, as Parquet",
            (".duckdb", ".ddb"),
            read_duckdb,
            sniff,
        )
    )
