"""XLSX input (needs openpyxl: ``pip install 'vqr-metrics[xlsx]'``).

Each sheet is either a long or wide table (its header names the entity or
the year, as in a CSV input) or one table in the report layout: a caption
(a one-cell first row, else the sheet name), maybe a ``名称：…`` row, a
header row and the rows, read through the table templates exactly like
report text.  ``sheet = "…"`` on the input reads one sheet only.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, Reader, ReadOutput
from vqr_metrics.names import did_you_mean

from ._report_layout import SourceLine, name_line, parse_layout
from ._report_match import Defaults, TableReader
from ._tabular import is_tabular, read_rows

_PLACES = re.compile(r"0\.(0+)")
_ZIP = b"PK\x03\x04"


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell as it shows in Excel: percent formats as ``17.25%``, the decimal
    places of the number format kept (they set the print-rounding tolerance)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        return str(value)
    percent = number_format.rstrip().endswith("%")
    number = value * 100 if percent else value
    places = _PLACES.search(number_format)
    if places:
        text = f"{number:.{len(places.group(1))}f}"
    elif float(number).is_integer() and abs(number) < 1e15:
        text = str(int(number))
    else:
        text = repr(round(float(number), 10))
    return text + ("%" if percent else "")


def _rows(sheet: Any) -> list[SourceLine]:
    sheet.reset_dimensions()  # read-only sheets trust the stored size, which some writers get wrong
    lines = []
    for number, row in enumerate(sheet.iter_rows(), 1):
        cells = [cell_text(c.value, getattr(c, "number_format", None) or "General") for c in row]
        while cells and not cells[-1].strip():
            cells.pop()
        lines.append(SourceLine(number, tuple(cells)))
    return lines


def read_xlsx(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            f"input {spec.path}: reading .xlsx needs openpyxl: pip install 'vqr-metrics[xlsx]'"
        ) from None
    try:
        book = openpyxl.load_workbook(spec.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for bad files
        raise InputError(f"input {spec.path}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        if spec.sheet is not None and spec.sheet not in book.sheetnames:
            raise InputError(
                f"input {spec.path}: no sheet {spec.sheet!r}; sheets: {', '.join(book.sheetnames)}"
                f"{did_you_mean(spec.sheet, book.sheetnames)}"
            )
        sheets = [book[spec.sheet]] if spec.sheet is not None else list(book.worksheets)
        collect = Collector(catalog, spec)
        for sheet in sheets:
            _read_sheet(spec, catalog, collect, sheet.title, _rows(sheet))
    finally:
        book.close()
    return collect.output()


def _read_sheet(
    spec: InputSpec, catalog: Catalog, collect: Collector, title: str, lines: list[SourceLine]
) -> None:
    file = f"{spec.path}#{title}"
    filled = [line for line in lines if not line.blank]
    if not filled:
        return
    first = filled[0]
    if is_tabular(first.cells):
        read_rows(
            file, first.number, first.cells, [(line.number, line.cells) for line in filled[1:]], collect
        )
        return
    caption = (title, 0)
    if len(first.filled) == 1 and name_line(first) is None:
        caption = (first.filled[0], first.number)
        lines = [line for line in lines if line.number > first.number]
    TableReader(catalog, collect, Defaults(file=file)).read(parse_layout(lines, caption))


def sniff(head: bytes) -> bool:
    return head.startswith(_ZIP)


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "xlsx",
            "XLSX workbooks: long or wide sheets, or one table per sheet in the report layout",
            (".xlsx", ".xlsm"),
            read_xlsx,
            sniff,
        )
    )
