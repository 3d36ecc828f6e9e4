"""Where the tables of a report are, and what their columns mean.

Reports copied out of PDF or Word print each table as a caption line
(``表 2.9 人才培养质量计分卡``, ``附表 3：服务贡献表``, ``表5：…``, ``附件1 …``),
maybe a ``名称：内蒙古自治区(150000)`` line, a header row and tab-separated
rows (or, copied out of a PDF, cells set apart by two or more spaces), ended
by a footer such as ``（数据来源：…）`` or by prose.  This module finds
those pieces and lines the cells up under their header.  It knows no table
by name: matching rows to templates is :mod:`.matching`'s job; the lines
come from :mod:`.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import attrs

from .text import SourceLine, compact, nfkc

ColumnRole = Literal["seq", "name", "unit", "value", "extra"]

# A table caption: 表 2.9 …, 附表 3：…, 附件1 …
CAPTION = re.compile(
    r"^(?:附表|附件|附录|表)\s*(?:\d+(?:\s*[.．-]\s*\d+)*|[一二三四五六七八九十]{1,3})"
    r"(?:\s*[:：、.]\s*|\s+|(?=\D))(?P<title>.*)$"
)
# 续表, 表 3（续）: the table above goes on after a page break.
_CONTINUED = re.compile(r"^续表|[(（]\s*续\s*[)）]$")
# Dot leaders of a table-of-contents entry.
LEADER = re.compile(r"\.{3,}|…{2,}|·{3,}|。{3,}")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_PAGE_LINE = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*页?[-—–\s]*$")
_NAME_LINE = re.compile(r"^(?:单位)?名称\s*:\s*(?P<name>[^()]+?)\s*(?:\(\s*(?P<code>[0-9A-Za-z]+)\s*\))?\s*$")
_FOOTER = re.compile(r"^[(（]?\s*(?:数据来源|资料来源|来源|注|说明|备注)\s*[:：]")
_SEQ = re.compile(r"^[(（]?(?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）.、]?$")
_YEAR = re.compile(r"^((?:19|20)\d{2})年?度?$")
_SEQ_HEADERS = frozenset({"序号", "编号"})
_UNIT_HEADERS = frozenset({"单位", "计量单位"})
_VALUE_HEADERS = frozenset({"值", "数值", "数据", "指标值"})
# A caption longer than this, or with a full stop, is prose that starts with 表.
_CAPTION_MAX = 60
# A short line between a caption and its header is a subtitle (（单位：万元）).
_SUBTITLE_MAX = 30


@attrs.frozen
class Column:
    index: int
    role: ColumnRole
    label: str  # as printed
    year: int | None = None  # for value columns headed by a year


@attrs.frozen
class Header:
    line: int
    columns: tuple[Column, ...]
    spaced: bool = False  # split on spaces, as its rows must be

    def of(self, role: ColumnRole) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == role)

    def index(self, role: ColumnRole) -> int | None:
        found = self.of(role)
        return found[0].index if found else None

    @property
    def figures(self) -> bool:
        """True when rows of this header hold figures: a name and a value column."""
        return bool(self.of("name")) and bool(self.of("value"))

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(compact(c.label) for c in self.columns)


@attrs.frozen
class Row:
    """One data row, its cells lined up under the header."""

    line: int
    cells: tuple[str, ...]
    name: str  # as printed; for a continuation row, the name of the row above
    unit: str
    continued: bool = False  # the 指标 cell was empty: a second unit of the row above
    stray: tuple[str, ...] = ()  # filled cells beyond the last header column
    spaced: bool = False  # split on spaces: a continuation is only taken in its unit
    misaligned: str = ""  # why the cells cannot be lined up (a spaced row with cells left out)


@attrs.frozen
class NameLine:
    line: int
    entity: str
    code: str | None


@attrs.frozen
class Note:
    line: int
    message: str


@attrs.define
class Block:
    """A printed table: caption (None for rows under no caption), header, rows."""

    caption: str | None
    line: int
    name: NameLine | None = None
    header: Header | None = None
    rows: list[Row] = attrs.field(factory=list)
    notes: list[Note] = attrs.field(factory=list)
    last_line: int = 0

    @property
    def lines(self) -> str:
        return f"{self.line}" if self.last_line <= self.line else f"{self.line}–{self.last_line}"


@attrs.frozen
class Layout:
    tables: tuple[Block, ...]  # blocks under a caption
    loose: tuple[Block, ...]  # tab-separated rows under no caption
    names: tuple[NameLine, ...]  # every 名称 line


def caption_of(line: SourceLine) -> str | None:
    """The caption as printed, if the line is a table caption (not a table
    of contents entry, not prose that happens to start with 表)."""
    filled = line.filled
    if not filled or len(filled) > 2:
        return None
    if len(filled) == 2 and _PAGE_NUMBER.match(nfkc(filled[1])):
        return None  # a table-of-contents entry: title, tab, page
    text = " ".join(filled)
    if LEADER.search(text):
        return None
    match = CAPTION.match(nfkc(text))
    if match is None:
        return None
    title = match["title"].strip()
    if len(title) > _CAPTION_MAX or "。" in title:
        return None
    return text


def name_line(line: SourceLine) -> NameLine | None:
    match = _NAME_LINE.match(nfkc("".join(line.filled)))
    if match is None:
        return None
    return NameLine(line.number, match["name"].strip(), match["code"])


def is_footer(line: SourceLine) -> bool:
    return bool(_FOOTER.match(line.text))


def is_toc(line: SourceLine) -> bool:
    """A table-of-contents entry: dot leaders, or title then page number."""
    filled = line.filled
    if LEADER.search(line.text):
        return True
    return (
        1 <= len(filled) <= 2 and line.tabular and (len(filled) == 1 or bool(_PAGE_NUMBER.match(filled[-1])))
    )


def parse_header(line: SourceLine) -> Header:
    """Column roles: 序号, the name column (the first column no other role
    claims), 单位, value columns (值 or a year), and extra columns."""
    columns: list[Column] = []
    have_name = False
    for index, raw in enumerate(line.cells):
        label = raw.strip()
        printed = compact(label)
        year = _YEAR.match(printed)
        if printed in _SEQ_HEADERS:
            columns.append(Column(index, "seq", label))
        elif printed in _UNIT_HEADERS:
            columns.append(Column(index, "unit", label))
        elif printed in _VALUE_HEADERS:
            columns.append(Column(index, "value", label))
        elif year:
            columns.append(Column(index, "value", label, int(year.group(1))))
        elif not have_name and printed:
            columns.append(Column(index, "name", label))
            have_name = True
        elif printed:
            columns.append(Column(index, "extra", label))
    if not have_name:
        # a blank top-left cell heads the names: "\t2023\t2022"
        taken = {c.index for c in columns}
        blank = [i for i, raw in enumerate(line.cells) if i not in taken and not raw.strip()]
        if blank and blank[0] < min((c.index for c in columns if c.role == "value"), default=0):
            columns.append(Column(blank[0], "name", ""))
            columns.sort(key=lambda c: c.index)
    return Header(line.number, tuple(columns), line.spaced)


def _looks_like_header(line: SourceLine) -> bool:
    """Column names: two or more of 序号/单位/值/a year, and no 序号 number first."""
    roles = sum(1 for c in parse_header(line).columns if c.role in ("seq", "unit", "value"))
    return roles >= 2 and not _SEQ.match(nfkc(line.filled[0]))


def _align_spaced(cells: list[str], header: Header, width: int) -> tuple[list[str], str]:
    """A row split on spaces has no blank cells, so only three shapes can be
    told apart: every column printed, the 序号 left out, or the 序号 and the
    name left out (a continuation row).  Any other count is not guessed."""
    seq, name = header.index("seq"), header.index("name")
    starts_with_seq = bool(cells) and bool(_SEQ.match(nfkc(cells[0])))
    left_out: list[int | None] = []
    if len(cells) == width:
        return cells, ""
    if len(cells) == width - 1 and seq is not None and not starts_with_seq:
        left_out = [seq]
    elif len(cells) == width - 1 and seq is None:
        left_out = [name]
    elif len(cells) == width - 2 and seq is not None and not starts_with_seq:
        left_out = [seq, name]
    if not left_out or None in left_out:
        return cells, (
            f"{len(cells)} cells under a header of {width} columns, split on spaces: "
            "which cells were left blank cannot be told"
        )
    for index in sorted(i for i in left_out if i is not None):
        cells.insert(index, "")
    return cells, ""


def align(line: SourceLine, header: Header, previous: Row | None) -> Row:
    """Line a row up under its header: a row printed without its 序号 cell (and
    without the leading tab) moves one column right; empty cells past the
    header are dropped; a row whose name cell is empty continues the row above."""
    cells = [c.strip() for c in line.cells]
    width = max((c.index for c in header.columns), default=-1) + 1
    seq = header.index("seq")
    misaligned = ""
    if line.spaced:
        cells, misaligned = _align_spaced(cells, header, width)
    elif seq == 0 and cells and cells[0] and not _SEQ.match(nfkc(cells[0])):
        cells.insert(0, "")
    elif seq is None and len(cells) > width and not cells[0]:
        del cells[0]
    if misaligned:
        text = [c for c in cells if not _SEQ.match(nfkc(c))]
        return Row(line.number, tuple(cells), text[0] if text else "", "", spaced=True, misaligned=misaligned)
    stray = tuple(c for c in cells[width:] if c)
    cells = (cells + [""] * width)[:width]
    name_at, unit_at = header.index("name"), header.index("unit")
    name = cells[name_at] if name_at is not None else ""
    unit = cells[unit_at] if unit_at is not None else ""
    continued = False
    if not name and unit and previous is not None:
        name, continued = previous.name, True
    return Row(line.number, tuple(cells), name, unit, continued, stray, line.spaced)


class _Parser:
    def __init__(self) -> None:
        self.tables: list[Block] = []
        self.loose: list[Block] = []
        self.names: list[NameLine] = []
        self.block: Block | None = None
        self.gap = False  # a blank line since the last row
        self.title: SourceLine | None = None  # a one-cell line that may title loose rows

    def close(self) -> None:
        if self.block is not None:
            (self.tables if self.block.caption is not None else self.loose).append(self.block)
        self.block = None

    def open(self, caption: str | None, line: SourceLine) -> Block:
        self.close()
        self.block = Block(caption, line.number, last_line=line.number)
        self.gap = False
        return self.block

    def feed(self, line: SourceLine) -> None:
        block = self.block
        if line.blank:
            self.gap = True
            return
        title, self.title = self.title, None
        if self.goes_on(line):
            return
        caption = caption_of(line)
        if caption is not None:
            self.open(caption, line)
            return
        named = name_line(line)
        if named is not None:
            self.names.append(named)
            if block is not None and block.caption is not None and block.header is None:
                block.name = named
            else:
                self.close()
            return
        if is_footer(line):
            self.close()
            return
        # under a tab-separated header, a line split on spaces is prose, not a row
        tabular = line.tabular and not (line.spaced and block and block.header and not block.header.spaced)
        if tabular and block is None and is_toc(line):
            # a one-cell line may title the rows that follow it (else it is a contents entry)
            self.title = line if len(line.filled) == 1 and not LEADER.search(line.text) else None
            return
        if tabular:
            self.row(line, title)
        elif block is not None and block.header is None and len(line.text) <= _SUBTITLE_MAX:
            block.notes.append(Note(line.number, f"text under the caption skipped: {line.text!r}"))
        elif block is not None and block.rows and _PAGE_LINE.match(line.text):
            block.notes.append(Note(line.number, f"{line.text!r} read as a page number"))
        else:
            self.close()

    def goes_on(self, line: SourceLine) -> bool:
        """``续表`` or ``表 3（续）``: the last captioned table goes on."""
        text = compact(line.text)
        if len(text) > _SUBTITLE_MAX or not _CONTINUED.search(text):
            return False
        last = self.block if self.block is not None else (self.tables[-1] if self.tables else None)
        if last is None or last.caption is None or last.header is None:
            return False
        if last is not self.block:
            self.tables.pop()
            self.block = last
        last.notes.append(Note(line.number, f"{line.text!r} read as the table going on"))
        return True

    def row(self, line: SourceLine, title: SourceLine | None = None) -> None:
        block = self.block or self.open(None, title or line)
        header, current = parse_header(line), block.header
        if current is None:
            block.header = header
        elif header.key == current.key:
            pass  # the header printed again after a page break
        elif not current.figures and not block.rows and _looks_like_header(line):
            # what came first was a subtitle split into cells (单位：万元  填报日期：…)
            block.notes.append(Note(current.line, "text under the caption skipped: line split into cells"))
            block.header = header
        elif self.gap and _looks_like_header(line):
            block = self.open(None, line)  # a new table under no caption
            block.header = header
        else:
            block.rows.append(align(line, current, block.rows[-1] if block.rows else None))
        block.last_line = line.number
        self.gap = False


def parse_layout(lines: Iterable[SourceLine], caption: tuple[str, int] | None = None) -> Layout:
    """Find the tables.  ``caption`` opens a table before the first line (a
    spreadsheet whose sheet name is the caption)."""
    parser = _Parser()
    if caption is not None:
        parser.open(caption[0], SourceLine(caption[1], ()))
    for line in lines:
        parser.feed(line)
    parser.close()
    return Layout(tuple(parser.tables), tuple(parser.loose), tuple(parser.names))
