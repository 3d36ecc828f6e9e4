"""CSV input, long and wide (see :mod:`.tabular`), in any of the encodings Excel saves.

UTF-8 (with or without BOM) or GBK/GB18030 as Excel on Chinese Windows saves it, or UTF-16 with
its BOM (Excel's "Unicode 文本" export, tab-separated, often a ``.txt``):
detected, or set with ``encoding = "…"`` on the input.  Cells are separated
by commas, tabs or semicolons; title rows above the header are skipped
(an info finding names each).

One file may hold schools of different types and levels: a column ``类型``
(also ``type``, ``学校类型``, ``院校类型``: 综合, 师范, 民族, 工科, 农林, …)
gives each row's school type, a column ``层次`` (also ``level``,
``办学层次``, ``学校层次``: 高职 or 中职, or 高等职业/中等职业) its level.
They are not figures but attributes of the school, which the compliance
rules read; all rows of one school must agree; ``level``/``type`` on the
input override them.

Arrow parses the file — DuckDB scans it under ``[engine] backend = "duckdb"``
(:mod:`.duckdb_scan`), Arrow where DuckDB cannot (GBK, a file it fails on) —
and the figures are read column-wise; only the odd cell takes the per-cell
path (see :mod:`.tabular_fast`).  Ragged rows and line breaks in quoted cells
are read by the csv module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import FindingRule, InputSpec, Reader, ReadOutput
from vqr_metrics.textio import read_text

from ..writers.excel_cells import unguard, unguard_column
from .conventions import require_content, warn_if_nothing_read
from .csv_header import find_header, note_titles, sniff_table
from .duckdb_scan import SCANNER, csv_encoding, scan_csv, wanted
from .tabular import read_rows
from .tabular_fast import read_wide


def read_csv(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    text, cut = read_text(spec.path, spec.encoding)
    require_content(spec.path, text)
    collect = Collector(catalog, spec)
    if cut is not None:
        collect.note(cut)
    lines = text.split("\n")
    found = find_header(spec.path, lines, spec.entity is not None)
    note_titles(collect, spec.path, lines, found)
    delimiter, skip = found.delimiter, found.line - 1
    body = lines[skip:]  # from the header on; line numbers count from skip
    text = "\n".join(body) if skip else text
    del lines
    filled = [n for n, line in enumerate(body, 1) if line.rstrip("\r")]
    header = _split(body[filled[0] - 1], delimiter) if filled else []
    del body
    table, scan = _scanned(spec, text, cut is not None, delimiter, skip, header, len(filled))
    if table is None and header:
        table = _parse(text, delimiter, len(header), len(filled))
    if table is not None and _read_fast(spec.path, table, filled, collect, skip):
        warn_if_nothing_read(collect, "no rows under a header")
        return attrs.evolve(collect.output(), scan=scan)
    try:
        # a cell our outputs made Excel-safe ('=…) reads as it was
        rows = [
            [unguard(c) for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise InputError(f"input {spec.path}: not valid CSV: {exc}") from None
    numbered = [(n, row) for n, row in enumerate(rows, skip + 1) if any(c.strip() for c in row)]
    if numbered:
        (header_line, first), body_rows = numbered[0], numbered[1:]
        read_rows(spec.path, header_line, first, body_rows, collect)
    warn_if_nothing_read(collect, "no rows under a header" if numbered else "no filled cells")
    return attrs.evolve(collect.output(), scan=scan)


def _scanned(
    spec: InputSpec, text: str, cut: bool, delimiter: str, skip: int, header: list[str], rows: int
) -> tuple[pa.Table | None, str]:
    """DuckDB's scan of the file from its header on (``text``, line ``skip +
    1`` on), one row a filled line, and ``"duckdb"``; or None and why DuckDB
    did not scan it (the reader then parses it itself); None and "" for a
    run whose backend scans no file."""
    if not wanted(spec):
        return None, ""
    if cut:  # DuckDB refuses the broken character
        return None, "cut off at the end"
    if not header:
        return None, "no header DuckDB can split"
    encoding, why = csv_encoding(spec.path, spec.encoding, text)
    if encoding is None:
        return None, why
    table = scan_csv(spec.path, encoding=encoding, delimiter=delimiter, skip=skip, width=len(header))
    if isinstance(table, str):
        return None, table
    if table.num_rows != rows:  # DuckDB reads a line break inside quotes as part of the cell
        return None, "rows across lines"
    if [c[0].as_py() for c in table.columns] != header:  # (a BOM, a line the skip counted differently)
        return None, "its header read otherwise"
    return table, SCANNER


def _parse(text: str, delimiter: str, width: int, rows: int) -> pa.Table | None:
    """Arrow's parse of ``text`` as ``width`` text columns, one row a filled
    line; None for a file it cannot map line for line — ragged rows, line
    breaks inside quoted cells — which the csv module then reads."""
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=True),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.num_rows != rows or any(t != pa.string() for t in table.schema.types):
        return None
    return table


def _read_fast(path: str, table: pa.Table, filled: list[int], collect: Collector, skip: int) -> bool:
    """Read the text columns of ``table`` (row ``i`` is line ``filled[i] +
    skip``) column-wise (:mod:`.tabular_fast`); False when no row has a cell."""
    table = pa.table([unguard_column(c) for c in table.columns], names=table.column_names)
    at = 0  # the header is the first line with a filled cell (``,,,`` above it is not one)
    while at < table.num_rows and not any(str(c).strip() for c in table.slice(at, 1).to_pylist()[0].values()):
        at += 1
    if at == table.num_rows:
        return False
    header = [str(c) for c in table.slice(at, 1).to_pylist()[0].values()]
    body = table.slice(at + 1)
    numbers = np.array(filled[at + 1 :], dtype=np.int32) + skip
    read_wide(
        path, filled[at] + skip, header, [body.column(i) for i in range(body.num_columns)], numbers, collect
    )
    return True


def _split(line: str, delimiter: str) -> list[str]:
    """The header line's cells ([] when the csv module cannot split it)."""
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except csv.Error:
        return []


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "csv",
            "CSV, long (entity,year,indicator,value) or wide (entity,year,<indicator>…); UTF-8 or GBK",
            (".csv", ".tsv", ".txt"),  # .txt: Excel's text exports, told from a report by sniffing
            read_csv,
            sniff_table,
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    # (the rules of the readers' shared helpers are the core's: vqr_metrics.rules)
    register(
        FindingRule(
            "title_row",
            "info",
            "a line above the header row was read as a title; it holds no figure",
            "nothing, unless it holds figures: then put them below the header",
        )
    )
