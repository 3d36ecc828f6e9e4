"""A table of a PostgreSQL database (``[[inputs]] database = "postgresql://…"``, ``table``), long or wide.

The table comes over ADBC straight into Arrow (:func:`vqr_metrics.sql.postgres.read_figures`)
and its cells then go the way a frame's do (:func:`.arrow_reader.read_table`):
figures, per-cell findings, row ``i`` of the result cited as line ``i + 1``
(a table has no order of its own: the server's).  The driver comes with the
``postgres`` extra.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.catalog import Catalog
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, Reader, ReadOutput

from .arrow_reader import read_table


def read_postgres(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    if not spec.database or not spec.table:
        raise InputError(f'input {spec.path}: a PostgreSQL input needs database = "…" and table = "…"')
    try:
        from vqr_metrics.sql.postgres import read_figures
    except ImportError:
        raise InputError(
            f"input {spec.path}: reading PostgreSQL needs the postgres extra: "
            "pip install 'vqr-metrics[postgres]'"
        ) from None
    return read_table(read_figures(spec.database, spec.table, f"input {spec.path}"), spec, catalog)


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "postgres",
            "a table of a PostgreSQL database (database = URL, table = [schema.]name), long or wide",
            (),
            read_postgres,
            schemes=("postgresql", "postgres"),
        )
    )
