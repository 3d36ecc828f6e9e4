"""XLSX input (needs openpyxl: ``pip install 'vqr-metrics[xlsx]'``).

Each sheet is either a long or wide table (its header names the entity or
the year, as in a CSV input) or one table in the report layout: a caption
(a one-cell first row, else the sheet name), maybe a ``名称：…`` row, a
header row and the rows, read through the table templates exactly like
report text.  ``sheet = "…"`` on the input reads one sheet only.

A long or wide sheet may give each school's type in a column ``类型``
(also ``type``, ``学校类型``, ``院校类型``: 综合, 师范, 民族, 工科, 农林, …)
and its level in a column ``层次`` (also ``level``, ``办学层次``,
``学校层次``: 高职 or 中职, or 高等职业/中等职业), as in a CSV input: the
compliance rules read them; all rows and sheets of one school must agree;
``level``/``type`` on the input override them.  A label merged over
several rows (an entity, a year, an indicator name) labels each of them.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import FindingRule, InputSpec, Provenance, Reader, ReadOutput
from vqr_metrics.names import did_you_mean

from ..writers.excel_cells import unguard
from .conventions import require_content, warn_if_nothing_read
from .report.layout import name_line, parse_layout
from .report.matching import Defaults, TableReader
from .report.text import SourceLine
from .tabular import EntityAttributes, is_tabular, read_rows
from .xlsx_merges import fill, merges

_PLACES = re.compile(r"0\.(0+)")
_ZIP = b"PK\x03\x04"
# Whole numbers from here on are shown in full (a float would round them, or overflow).
_WHOLE = 10**15


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell as it shows in Excel: percent formats as ``17.25%``, the decimal
    places of the number format kept (they set the print-rounding tolerance)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        return unguard(str(value))  # a cell our outputs made Excel-safe ('=…) reads as it was
    percent = number_format.rstrip().endswith("%")
    number = value * 100 if percent else value
    places = _PLACES.search(number_format)
    if isinstance(number, int) and abs(number) >= _WHOLE:
        text = str(number)
    elif places:
        text = f"{number:.{len(places.group(1))}f}"
    elif float(number).is_integer() and abs(number) < _WHOLE:
        text = str(int(number))
    else:
        text = repr(round(float(number), 10))
    return text + ("%" if percent else "")


class _Collector(Collector):
    """Reports a formula cell that has no saved value (a file written by a
    program and never recalculated) as such, not as a blank."""

    def __init__(self, catalog: Catalog, spec: InputSpec) -> None:
        super().__init__(catalog, spec)
        self.formulas: set[tuple[str, int, str]] = set()  # (file, row, formula text)

    def cell(
        self,
        entity: str | None,
        year: int | None,
        key: str,
        raw: object,
        provenance: Provenance,
        unit: str | None = None,
    ) -> None:
        if (provenance.file, provenance.line, raw) not in self.formulas:
            super().cell(entity, year, key, raw, provenance, unit)
            return
        self.cells += 1
        name = self.catalog.label(key)
        self.cell_finding(
            "error",
            "formula_without_value",
            f"{name}: formula {raw} without a saved value; open and save the file in Excel/WPS "
            "(recalculate) or export values",
            entity,
            year,
            (name,),
            provenance,
            actual=str(raw),
        )


class _Book:
    """A workbook in read-only mode; a second, formula view is opened only
    for sheets with cells stored without a value."""

    def __init__(self, openpyxl: Any, path: str) -> None:
        self.openpyxl = openpyxl
        self.path = path
        self.values = self._load(data_only=True)
        self.formulas: Any = None

    def _load(self, data_only: bool) -> Any:
        try:
            return self.openpyxl.load_workbook(self.path, read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for bad files
            with contextlib.suppress(OSError):
                require_content(self.path, Path(self.path).read_bytes())
            raise InputError(
                f"input {self.path}: not a readable .xlsx workbook ({type(exc).__name__})"
            ) from None

    def close(self) -> None:
        for book in (self.values, self.formulas):
            if book is not None:
                book.close()

    def lines(self, title: str) -> tuple[list[SourceLine], dict[tuple[int, int], str]]:
        """The rows of sheet ``title`` as shown, the text of a formula standing
        in for its missing value; and those formulas by (row, column)."""
        try:
            rows, blanks = _cells(self.values[title])
            blanks -= fill(rows, merges(self.values[title]))  # rows under a merged label keep it
            formulas: dict[tuple[int, int], str] = {}
            if blanks:
                self.formulas = self.formulas or self._load(data_only=False)
                formulas = _formulas(self.formulas[title], blanks)
        except InputError:
            raise
        except Exception as exc:  # in read-only mode a sheet's XML is parsed only now
            detail = " ".join(str(exc).split())[:100]
            raise InputError(
                f"input {self.path}: sheet {title!r} cannot be read ({type(exc).__name__}: {detail})"
            ) from None
        lines = []
        for number, row in enumerate(rows, 1):
            cells = [formulas.get((number, col), text) for col, text in enumerate(row, 1)]
            while cells and not cells[-1].strip():
                cells.pop()
            lines.append(SourceLine(number, tuple(cells)))
        return lines, formulas


def _cells(sheet: Any) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """The cells as shown, and where cells are stored without a value (a
    formula never calculated, or a blank cell with a style)."""
    sheet.reset_dimensions()  # read-only sheets trust the stored size, which some writers get wrong
    rows: list[list[str]] = []
    blanks: set[tuple[int, int]] = set()
    for number, row in enumerate(sheet.iter_rows(), 1):
        rows.append([cell_text(c.value, getattr(c, "number_format", None) or "General") for c in row])
        # cells padding a row have no coordinates: only stored cells can hold a formula
        blanks.update(
            (number, col)
            for col, c in enumerate(row, 1)
            if c.value is None and c.data_type == "n" and hasattr(c, "row")
        )
    return rows, blanks


def _formulas(sheet: Any, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The formula text of those ``cells`` (row, column) that hold one."""
    sheet.reset_dimensions()
    found: dict[tuple[int, int], str] = {}
    for number, row in enumerate(sheet.iter_rows(max_row=max(r for r, _ in cells)), 1):
        for col, c in enumerate(row, 1):
            if c.data_type == "f" and (number, col) in cells:
                # an array formula is an object that holds its text
                text = c.value if isinstance(c.value, str) else getattr(c.value, "text", None)
                text = text.strip() if isinstance(text, str) else ""
                found[(number, col)] = text or "=(formula)"
    return found


def read_xlsx(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            f"input {spec.path}: reading .xlsx needs openpyxl: pip install 'vqr-metrics[xlsx]'"
        ) from None
    book = _Book(openpyxl, spec.path)
    try:
        names = list(book.values.sheetnames)
        if spec.sheet is not None and spec.sheet not in names:
            raise InputError(
                f"input {spec.path}: no sheet {spec.sheet!r}; sheets: {', '.join(names)}"
                f"{did_you_mean(spec.sheet, names)}"
            )
        collect = _Collector(catalog, spec)
        attributes = EntityAttributes(collect)
        for title in [spec.sheet] if spec.sheet is not None else names:
            lines, formulas = book.lines(title)
            file = f"{spec.path}#{title}"
            collect.formulas.update((file, row, text) for (row, _), text in formulas.items())
            _read_sheet(spec, catalog, collect, attributes, title, lines)
    finally:
        book.close()
    warn_if_nothing_read(
        collect,
        f"sheet {spec.sheet!r} holds no table with figures"
        if spec.sheet is not None
        else "no sheet holds a table with figures",
    )
    return collect.output()


def _read_sheet(
    spec: InputSpec,
    catalog: Catalog,
    collect: Collector,
    attributes: EntityAttributes,
    title: str,
    lines: list[SourceLine],
) -> None:
    file = f"{spec.path}#{title}"
    filled = [line for line in lines if not line.blank]
    if not filled:
        return
    first = filled[0]
    if is_tabular(first.cells):
        body = [(line.number, line.cells) for line in filled[1:]]
        read_rows(file, first.number, first.cells, body, collect, attributes)
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


def register_rules(register: Callable[[FindingRule], None]) -> None:
    # (the rules of the readers' shared helpers are the core's: vqr_metrics.rules)
    register(
        FindingRule(
            "formula_without_value",
            "error",
            "a cell holds a formula the workbook has no saved value for; it is not used",
            "open and save the file in Excel or WPS (so it recalculates), or export values",
        )
    )
