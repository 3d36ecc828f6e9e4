"""Where a delimited file's table starts: its header line and separator, below any title rows."""

from __future__ import annotations

import codecs
import csv

import attrs

from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError, shown
from vqr_metrics.model import Finding, Provenance

from .tabular import is_tabular

# Comma (CSV), tab (Excel's text exports) and semicolon (Excel where the decimal mark is a comma).
DELIMITERS = (",", "\t", ";")
_NAMES = {",": "commas", "\t": "tabs", ";": "semicolons"}
# Filled lines looked at for a header: a title or two, a date, a note above the table.
SEARCH = 10


@attrs.frozen
class Header:
    """The header is line ``line`` (1-based) split by ``delimiter``; the
    filled lines above it are ``titles`` (line numbers)."""

    line: int
    delimiter: str
    titles: tuple[int, ...] = ()


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _filled(lines: list[str]) -> list[int]:
    """Indexes of the first SEARCH lines with a filled cell (``,,,`` is none)."""
    out = []
    for i, line in enumerate(lines):
        if line.strip(" \t\r,;"):
            out.append(i)
            if len(out) == SEARCH:
                break
    return out


def _tabular_header(lines: list[str]) -> Header | None:
    """The first line among the first filled ones that, split by one of the
    DELIMITERS, names the entity or the year column."""
    filled = _filled(lines)
    for at, i in enumerate(filled):
        for delimiter in DELIMITERS:
            if delimiter in lines[i] and is_tabular(_split(lines[i], delimiter)):
                return Header(i + 1, delimiter, tuple(n + 1 for n in filled[:at]))
    return None


def find_header(path: str, lines: list[str], entity_given: bool) -> Header:
    """The header of the table in ``lines``.  A header that names neither the
    entity nor the year is the first filled line (the input's ``entity``
    and ``year`` place its rows); without an ``entity`` on the input such a
    file is refused, saying what its first line holds."""
    found = _tabular_header(lines)
    if found is not None:
        return found
    filled = _filled(lines)
    first = lines[filled[0]] if filled else ""
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    if not entity_given and filled:
        cells, n = _split(first, delimiter), filled[0] + 1
        raise InputError(
            f"input {path}:{n}: no entity column and no entity = ... on the input: no header naming "
            f"entity, 名称, 学校 … in the first {len(filled)} filled lines; line {n} holds {len(cells)} "
            f"cell(s) split by {_NAMES[delimiter]}: {shown(first.strip())}"
        )
    return Header(filled[0] + 1 if filled else 1, delimiter)


def sniff_table(head: bytes) -> bool:
    """Whether the first bytes of a file hold a long or wide table's header
    (below at most a few title rows), in UTF-16 with its BOM (Excel's
    "Unicode text"), UTF-8 or GBK."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
    elif b"\x00" in head:
        return False
    else:
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:  # cut at the end of the head, or GBK
            text = head[: exc.start].decode("utf-8-sig") if exc.end == len(head) else ""
            text = text or head.decode("gb18030", errors="ignore")
    return _tabular_header(text.split("\n")) is not None


def note_titles(collect: Collector, path: str, lines: list[str], header: Header) -> None:
    """Title rows above the header hold no figure; each is named in an info finding."""
    for n in header.titles:
        title = lines[n - 1].strip()
        collect.note(
            Finding(
                "info",
                "title_row",
                f"{path}:{n}: {shown(title)} read as a title above the header on line {header.line}",
                provenance=(Provenance(path, n, shown(title, 200)),),
            )
        )
