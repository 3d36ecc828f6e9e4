"""The prose of a report: paragraphs, section headings, sentences and the numeric phrases in them.

Paragraphs are joined across page breaks.

A numeric phrase is a name and the figure printed after it, with its unit:
``开设专业总数 1489（个）``, ``…总面积 378.68 万平方米``, ``毕业生满意度为 94.31%``,
``生师比 12.4 : 1``.  The name is what is printed between the previous
clause mark (，、；：) or phrase and the figure; matching it to an indicator is
:mod:`.phrases`'s job.  Years, dates, ordinals (第 9 届) and document
numbers (〔2023〕28 号) are not figures.  This module knows no indicator.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Iterator, Sequence

import attrs

from .layout import Layout, caption_of, is_toc
from .text import SourceLine

# A section heading: 3.1.1 …, 2.5.1. …, 一、…, 挑战 1：…, 【案例 2】…, 案例 3：…
_HEADING = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*(?!\d)\.?\s*(?=[^\d\s.])|[一二三四五六七八九十]{1,3}、|挑战\s*\d+\s*[:：]"
    r"|【?\s*案例\s*\d+\s*】?\s*[:：]?)"
)
_HEADING_MAX = 45
_FIGURE_CAPTION = re.compile(r"^图(?:片)?\s*\d")
# A line ending so ends its paragraph; any other goes on after a page break.
_PARAGRAPH_END = "。！？!?"
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
# The year a sentence speaks of, when it opens with one (2023 年，… / 2023年订单培养…).
_SENTENCE_YEAR = re.compile(r"^\s*(?:在|截至|截止)?\s*((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# A figure: at most 15 digits before the point and 10 after (a longer run is no figure).
_NUMBER = re.compile(r"(?<![\d.])\d{1,15}(?:\.\d{1,10})?(?![\d.])")
# Measure words and units, longest first; 余/多 (1100 余人) may come first.
_UNIT = re.compile(
    r"\s*(?:[(（]\s*(?P<bracketed>[^()（）\d]{1,8}?)\s*[)）]|(?P<ratio>[:：]\s*1(?![\d.]))|(?P<word>%"
    r"|[余多]?(?:万平方米|平方米|万人次|人次|人日|万元|亿元|元/生|元|万册|册|个/生|个|万人|人|项|门|部|本|所|台|"
    r"学时|课时|Mbps|家|名|种|条|场|间|套|座|支|位|件|期|批|次|届|年|月|日|号|岁|倍|分)))?"
)
# A figure followed by one of these is a date, an ordinal or a count of times, not a statement.
_NOT_FIGURES = frozenset({"年", "月", "日", "号", "届", "期", "批", "岁", "次", "分"})
_CLAUSE_MARKS = "，,。；;：:、！？!?"
# Words between a name and its figure (…占比达 63.10%, 指标名为 94.31%).
_LINKS = re.compile(r"(?:共计|合计|累计|总计|达到|分别为|分别是|约为|共有|为|达|是|共|约|有|计)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@attrs.frozen
class Phrase:
    """A name, the figure printed after it and its unit, in one sentence."""

    name: str  # as printed, between the last clause mark and the figure
    raw: str  # the figure as printed
    unit: str  # "" when none is printed; ":1" for a ratio
    line: int
    sentence: str
    section: str
    year: int | None  # the year the sentence opens with, if any
    paragraph: int  # which paragraph (follow-ups take their subject within it)


@attrs.frozen
class Paragraph:
    """A paragraph's text (its lines joined), where each line starts, its heading."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (offset in text, line number) of each joined line
    section: str

    def line_at(self, offset: int) -> int:
        at = bisect.bisect_right(self.starts, (offset, sys.maxsize)) - 1
        return self.starts[max(at, 0)][1]


# Full-width digits and signs, read as ASCII; the prose keeps its own punctuation.
_WIDE = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _ascii_figures(text: str) -> str:
    return text.translate(_WIDE)


def is_heading(text: str) -> bool:
    """A short numbered line without a full stop: 3.1.1 专业建设稳步提升."""
    return len(text) <= _HEADING_MAX and "。" not in text and bool(_HEADING.match(text))


def prose_lines(lines: Sequence[SourceLine], layout: Layout) -> Iterator[SourceLine]:
    """The lines that are neither tables, contents entries nor captions."""
    taken: set[int] = set()
    for block in (*layout.tables, *layout.loose):
        taken.update(range(block.line, max(block.last_line, block.line) + 1))
    for line in lines:
        if line.number in taken or line.blank or is_toc(line) or caption_of(line) is not None:
            continue
        yield line


def paragraphs(lines: Iterable[SourceLine]) -> Iterator[Paragraph]:
    """Paragraphs under their headings; a line that does not end a sentence
    goes on in the next prose line (a page break or a line break in a PDF copy)."""
    section = ""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length = 0
    for line in lines:
        content = _ascii_figures(line.text).strip()
        heading = is_heading(content)
        ends = content.endswith(tuple(_PARAGRAPH_END))
        if not heading and not _FIGURE_CAPTION.match(content):
            starts.append((length, line.number))
            parts.append(content)
            length += len(content)
        if parts and (ends or heading or _FIGURE_CAPTION.match(content)):
            yield Paragraph("".join(parts), tuple(starts), section)
            parts, starts, length = [], [], 0
        section = content if heading else section
    if parts:
        yield Paragraph("".join(parts), tuple(starts), section)


def phrases(paragraph: Paragraph, index: int) -> Iterator[Phrase]:
    """The numeric phrases of a paragraph, in printed order."""
    for match in _SENTENCE.finditer(paragraph.text):
        sentence, offset = match.group(), match.start()
        opens = _SENTENCE_YEAR.match(sentence)
        year = int(opens.group(1)) if opens else None
        boundary = 0
        for number in _NUMBER.finditer(sentence):
            unit_match = _UNIT.match(sentence, number.end())
            assert unit_match is not None  # every part of it is optional
            unit = (
                ":1" if unit_match["ratio"] else (unit_match["bracketed"] or unit_match["word"] or "").strip()
            )
            before = sentence[boundary : number.start()]
            boundary = unit_match.end()
            if _figure_excluded(sentence, number.start(), number.end(), unit):
                continue
            cut = max(before.rfind(mark) for mark in _CLAUSE_MARKS)
            name = _LINKS.sub("", before[cut + 1 :].strip()).strip()
            if not _CJK.search(name):
                continue
            yield Phrase(
                name=name,
                raw=number.group(),
                unit=unit.lstrip("余多"),
                line=paragraph.line_at(offset + number.start()),
                sentence=sentence.strip(),
                section=paragraph.section,
                year=year,
                paragraph=index,
            )


def _figure_excluded(sentence: str, start: int, end: int, unit: str) -> bool:
    """Dates, ordinals, document numbers, 1+X and 3+2: not figures."""
    before = sentence[max(start - 1, 0) : start]
    after = sentence[end : end + 1]
    return (
        unit.lstrip("余多") in _NOT_FIGURES
        or before in ("第", "〔", "[", "+", "-", "—", "~", "～", "·", "/")
        or after in ("+", "-", "~", "～", "·", "/", "〕", "]")
    )


def report_phrases(lines: Sequence[SourceLine], layout: Layout) -> list[Phrase]:
    """Every numeric phrase of the report's prose."""
    return [
        phrase
        for i, paragraph in enumerate(paragraphs(prose_lines(lines, layout)))
        for phrase in phrases(paragraph, i)
    ]
