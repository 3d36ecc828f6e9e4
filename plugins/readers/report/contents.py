"""Tables a report's contents (表目录, 附表目录) list whose text is absent.

A report copied out of a PDF is often cut short (after 附表 4, the rest of
the appendix gone); its own contents still list every table.  Each entry
whose table is not in the text — neither its number (附表 5) nor its title
(a table renumbered in the text) is captioned anywhere — is named in a
warning, so nothing the report promises vanishes without a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

import attrs

from vqr_metrics.model import Finding, Provenance

from .layout import CAPTION, LEADER, Layout, caption_of, is_toc
from .text import SourceLine

# The number of a caption: 表 2.1, 附表 5, 表5, 附件 1 (kind and number, in normal form).
_NUMBER = re.compile(r"^(附表|附件|附录|表)\s*(\d+(?:\s*[.．-]\s*\d+)*|[一二三四五六七八九十]{1,3})")
_PAGE = re.compile(r"\s*\d{1,3}\s*$")


@attrs.frozen
class Entry:
    """A contents entry naming a table."""

    line: int
    caption: str  # as listed, without leaders and page number
    number: str  # kind and number in normal form (附表5, 表2.1)
    title: str  # in normal form


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("．", ".")


def _split(caption: str) -> tuple[str, str] | None:
    text = unicodedata.normalize("NFKC", caption).strip()
    number = _NUMBER.match(text)
    match = CAPTION.match(text)
    if number is None or match is None:
        return None
    return _normal(number.group(1) + number.group(2)), _normal(match["title"]).strip(":：、.")


def contents_entries(lines: Sequence[SourceLine]) -> Iterator[Entry]:
    """The entries of the report's contents that name a table (表 N …, 附表 N：…)."""
    for line in lines:
        if not line.filled or not is_toc(line) or caption_of(line) is not None:
            continue
        text = _PAGE.sub("", LEADER.split(line.filled[0])[0]) if len(line.filled) == 1 else line.filled[0]
        caption = LEADER.split(text)[0].strip()
        parts = _split(caption)
        if parts is not None:
            yield Entry(line.number, caption, *parts)


def _answers(entry: Entry, printed: tuple[str, str], kind: str) -> bool:
    number, title = printed
    if kind == "both":
        return (entry.number, entry.title) == printed
    if kind == "number":
        return entry.number == number
    return bool(entry.title) and entry.title == title


def missing_tables(lines: Sequence[SourceLine], layout: Layout) -> list[Entry]:
    """Listed tables the text never captions.  Each printed caption answers
    one entry: first the entry it matches by number and title, then one by
    number (a title printed differently), then one by title (a table
    renumbered in the text) — so an appendix twin (表 2 满意度调查表) is not
    taken for the body table of the same title (表 2.5 满意度调查表)."""
    printed = [parts for block in layout.tables if (parts := _split(block.caption or "")) is not None]
    unanswered = list(dict.fromkeys(contents_entries(lines)))
    for kind in ("both", "number", "title"):
        for entry in list(unanswered):
            found = next((i for i, parts in enumerate(printed) if _answers(entry, parts, kind)), None)
            if found is not None:
                del printed[found]
                unanswered.remove(entry)
    return unanswered


def missing_table_findings(lines: Sequence[SourceLine], layout: Layout, file: str) -> list[Finding]:
    """One warning per listed table whose text is absent."""
    return [
        Finding(
            "warning",
            "listed_table_missing",
            f"{entry.caption}: listed in the report's contents (line {entry.line}) but absent from its "
            "text; the report may have been cut short",
            table=entry.caption,
            provenance=(Provenance(file, entry.line, entry.caption, entry.caption),),
        )
        for entry in missing_tables(lines, layout)
    ]
