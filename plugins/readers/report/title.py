"""What the first pages of a report say: its title, and from it the entity and level; the report year."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import attrs

from ..conventions import LEVEL_WORDS, school_level
from .layout import caption_of
from .text import SourceLine, compact, nfkc

_TOC_HEADING = re.compile(r"^(?:附表|表|图|案例)?目录$")
_REPORT_YEAR = re.compile(r"\(\s*((?:19|20)\d{2})\s*年\s*度?\s*\)")
_TITLE = re.compile(
    r"^(?P<entity>.+?)(?P<level>高等职业教育|中等职业教育|高等职业|中等职业|职业教育|高职|中职)?"
    r"(?:教育)?质量(?:年度)?(?:报告|年报)(?:\((?P<year>(?:19|20)\d{2})(?:年度?)?\))?$"
)
_YEAR_WORDS = re.compile(r"((?:19|20)\d{2})(?:年度?)?")
# The year alone on the cover (002 prints 2023 above its title).
_COVER_YEAR = re.compile(r"^((?:19|20)\d{2})(?:年度)?$")
# A longer "title" is a sentence that quotes the title.
_TITLE_MAX = 40
# How far into the report the title and report year are looked for.
_HEAD_LINES = 150


@attrs.frozen
class Head:
    """What the first page says: title, entity, level, report year."""

    title: str | None = None
    title_line: int | None = None
    entity: str | None = None
    level: str | None = None
    year: int | None = None
    year_line: int | None = None


def read_head(lines: Sequence[SourceLine]) -> Head:
    """The report title (and from it the entity and level) and the report
    year, from the lines before the table of contents or the first table.
    The year printed in the title (``…质量年度报告（2024）``, ``… 2024 年度质量报告``)
    comes first, then one in brackets on the first pages (``(2023年度)``),
    then a year alone on the cover."""
    head: list[SourceLine] = []
    for line in lines[:_HEAD_LINES]:
        if _TOC_HEADING.match(compact(line.text)) or caption_of(line) is not None:
            break
        if not line.blank:
            head.append(line)
    found = next(
        ((line.number, int(m.group(1))) for line in head if (m := _REPORT_YEAR.search(nfkc(line.text)))),
        None,
    ) or next(
        ((line.number, int(m.group(1))) for line in head if (m := _COVER_YEAR.match(compact(line.text)))),
        None,
    )
    year_line, year = found if found else (None, None)
    # A title on one line first, then one broken over two lines.
    candidates = [(line, line.text) for line in head]
    candidates += [(line, line.text + nxt.text) for line, nxt in itertools.pairwise(head)]
    for line, text in candidates:
        plain = compact(text).strip("《》")
        match = _TITLE.match(plain) if len(plain) <= _TITLE_MAX else None
        entity = _YEAR_WORDS.sub("", match["entity"]) if match else ""
        if not match or not entity:
            continue
        printed = match["year"] or next((m.group(1) for m in _YEAR_WORDS.finditer(match["entity"])), None)
        level = next((level for word, level in LEVEL_WORDS.items() if word in plain), None)
        return Head(
            title=text,
            title_line=line.number,
            entity=entity,
            level=level or school_level(entity),
            year=int(printed) if printed else year,
            year_line=line.number if printed else year_line,
        )
    return Head(year=year, year_line=year_line)
