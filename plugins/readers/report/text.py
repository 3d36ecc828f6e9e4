"""A report file as numbered source lines of cells; telling report text from other files by its first bytes.

The file is decoded by :func:`vqr_metrics.textio.read_text` (UTF-8, UTF-16
with its BOM, GBK).  Cells are split on tabs, or, in a line copied out of a
PDF, on runs of spaces.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import attrs

# Copied out of a PDF, cells are set apart by runs of spaces instead of tabs.
_SPACES = re.compile(r"\s{2,}|\u3000+")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def nfkc(text: str) -> str:
    """``text`` in NFKC (full-width letters, digits and signs as ASCII), stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def compact(text: str) -> str:
    """``text`` in NFKC without any whitespace: the form printed labels are compared in."""
    return re.sub(r"\s+", "", nfkc(text))


@attrs.frozen
class SourceLine:
    """One printed line (or spreadsheet row) split into cells."""

    number: int
    cells: tuple[str, ...]
    spaced: bool = False  # cells split on runs of spaces: blank cells were not printed

    @property
    def text(self) -> str:
        return " ".join(c.strip() for c in self.cells if c.strip())

    @property
    def filled(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.cells if c.strip())

    @property
    def blank(self) -> bool:
        return not self.filled

    @property
    def tabular(self) -> bool:
        return len(self.cells) > 1


def text_lines(text: str) -> list[SourceLine]:
    """The lines of a report, numbered from 1, cells split on tabs; a line
    without a tab is split on runs of two or more spaces (a PDF copy)."""
    lines = []
    for n, line in enumerate(text.splitlines(), 1):
        spaced = "\t" not in line and bool(_SPACES.search(line.strip()))
        cells = _SPACES.split(line.strip()) if spaced else line.split("\t")
        lines.append(SourceLine(n, tuple(cells), spaced))
    return lines


def sniff(head: bytes) -> bool:
    """Text, not a spreadsheet or other binary file: UTF-8 or GBK without a
    NUL byte, or UTF-16 after its BOM (Word's and Notepad's "Unicode" text)."""
    if head.startswith(_UTF16_BOMS):
        return "\x00" not in head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
    return b"\x00" not in head and not head.startswith(b"PK\x03\x04")
