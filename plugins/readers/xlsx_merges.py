"""Merged cells of an XLSX sheet: where they are, and their labels filled into every cell they cover."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vqr_metrics.cells import parse_cell

from .tabular import role

# <mergeCell ref="A2:A5"/>, with or without a namespace prefix
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CHUNK = 1 << 20
# Roles of columns whose cells label a row (a merged year spans the rows of its schools).
_LABELS = ("entity", "year", "type", "level", "indicator", "unit")

Box = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def merges(sheet: Any) -> list[Box]:
    """The merged ranges of a sheet.  A read-only sheet does not parse them:
    they follow the cells in its XML, which is scanned for them in chunks."""
    ranges = getattr(sheet, "merged_cells", None)
    if ranges is not None:
        return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ranges.ranges]
    return list(_scan(sheet))


def _scan(sheet: Any) -> Iterator[Box]:
    tail = b""
    with sheet._get_source() as source:  # openpyxl's own stream of the sheet's XML
        while chunk := source.read(_CHUNK):
            data = tail + chunk
            last = 0
            for match in _MERGE.finditer(data):
                c1, r1, c2, r2 = match.groups()
                yield int(r1), _column(c1), int(r2 or r1), _column(c2 or c1)
                last = match.end()
            tail = data[max(last, len(data) - 200) :]  # a tag cut by the chunk's end is read next time


def fill(rows: list[list[str]], boxes: list[Box]) -> set[tuple[int, int]]:
    """Write each merged range's top-left text down into the rows it covers,
    so no row under a merged label loses its label; returns the cells filled.
    A merged number is left in its first cell (copying it would invent
    figures) unless it labels the row, in a column whose header says so."""
    header = next((row for row in rows if any(c.strip() for c in row)), [])
    done: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in boxes:
        if r1 > len(rows) or c1 > len(rows[r1 - 1]):
            continue
        text = rows[r1 - 1][c1 - 1]
        if not text.strip():
            continue
        label = parse_cell(text).kind != "number" or any(
            col <= len(header) and role(header[col - 1]) in _LABELS for col in range(c1, c2 + 1)
        )
        if not label:
            continue
        for r in range(r1 + 1, min(r2, len(rows)) + 1):  # down only: a caption merged across stays one cell
            row = rows[r - 1]
            row.extend([""] * (c1 - len(row)))
            if not row[c1 - 1].strip():
                row[c1 - 1] = text
                done.add((r, c1))
    return done
