"""DuckDB scanning a CSV or Parquet file into Arrow for its reader, under ``[engine] backend = "duckdb"``.

The readers ask for the scan where their own pyarrow parse would run and hand
its columns to the same downstream code; what DuckDB cannot scan (GBK, a
UTF-16 file without Excel's byte-order mark, a file it fails on) comes back as
the reason, and the reader parses the file itself.  The file name and every
option are query parameters, never spliced into the SQL.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from vqr_metrics.model import InputSpec

# The backend that scans: InputSpec.scan names it, ReadOutput.scan says it did.
SCANNER = "duckdb"

# Python's names of the encodings DuckDB decodes without an extension → DuckDB's.
_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "iso8859-1": "latin-1", "utf-16": "utf-16"}

_CSV = (
    "SELECT * FROM read_csv($path, header = false, all_varchar = true, auto_detect = false, "
    "columns = $columns, delim = $delim, quote = '\"', escape = '\"', skip = $skip, "
    "encoding = $encoding, strict_mode = true, null_padding = false)"
)
_PARQUET = "SELECT * FROM read_parquet($path)"


def wanted(spec: InputSpec) -> bool:
    """Whether the run's backend scans the input's file (:data:`SCANNER`)."""
    return spec.scan == SCANNER


def csv_encoding(path: str, given: str | None, text: str) -> tuple[str | None, str]:
    """DuckDB's name of the encoding the file was decoded in (``text``, by
    :func:`vqr_metrics.textio.read_text`), or None and why DuckDB cannot decode it."""
    with open(path, "rb") as fh:
        head = fh.read(2)
    if given:
        name = codecs.lookup(given).name
        known = _ENCODINGS.get(name) if name != "utf-16" or head == codecs.BOM_UTF16_LE else None
        return known, "" if known else given
    if head == codecs.BOM_UTF16_BE:
        return None, "UTF-16 BE"
    if head == codecs.BOM_UTF16_LE:  # Excel's "Unicode text"
        return "utf-16", ""
    return ("utf-8", "") if text.isascii() or _is_utf8(path) else (None, "GBK")


def scan_csv(path: str, *, encoding: str, delimiter: str, skip: int, width: int) -> pa.Table | str:
    """The file from line ``skip + 1`` on as ``width`` text columns (blanks
    ``""``, as pyarrow's parse gives them), or why DuckDB could not."""
    columns = {f"f{i}": "VARCHAR" for i in range(width)}
    params = {"path": path, "columns": columns, "delim": delimiter, "skip": skip, "encoding": encoding}
    table = _query(_CSV, params)
    if isinstance(table, str):
        return table
    return pa.table([pc.fill_null(c.cast(pa.string()), "") for c in table.columns], names=list(columns))


def scan_parquet(path: str) -> pa.Table | str:
    """The Parquet file's columns as DuckDB types them, or why DuckDB could not read it."""
    return _query(_PARQUET, {"path": path})


def _query(sql: str, params: dict[str, object]) -> pa.Table | str:
    try:
        import duckdb
    except ImportError:
        return "no duckdb"
    try:
        with duckdb.connect() as con:
            return con.sql(sql, params=params).to_arrow_table()
    except duckdb.Error as exc:
        return _reason(str(exc))


def _reason(message: str) -> str:
    """DuckDB's error in a few words: ``line 6: Value with unterminated quote found.``"""
    # the line DuckDB was on (its text may run over several), the error, then its advice
    lines = message.split("\nPossible fixes:", 1)[0].strip().splitlines()
    first = lines[0].split(": ", 1)[-1]
    if first.startswith("CSV Error on Line: ") and len(lines) > 2:
        return f"line {first.removeprefix('CSV Error on Line: ')}: {lines[-1].strip()}"
    return first


def _is_utf8(path: str) -> bool:
    try:
        Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
