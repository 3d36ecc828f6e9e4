"""Output formats for people: a terminal table and Markdown.

CSV, JSON and Parquet stream from Arrow in :mod:`.stream_writers`.

Both present ``Result.to_records()``: the summary, the findings (errors
first), the values as reports print them, the derived metrics, scorecards
and compliance — the parts ``[output] sections`` names, headed in
``[output] lang`` (Chinese by default; see :mod:`._labels`).  The terminal
table aligns by display width (a Chinese character is two columns wide,
through tabulate's wcwidth support) and wraps its longest text columns to
fit the terminal.  Figures show at most four decimals below 1 and two
from 1 up, whole numbers in full.

The terminal and Markdown tables list values as rows of indicators ×
columns of entity-years, as reports print them; with more than
``MAX_COLUMNS`` entity-years, one table per year, at most ``MAX_COLUMNS``
entities wide.  Entities sort with the numbers in their names compared as
numbers (第2 before 第10).  Scores are listed by year, then rank; the
sensitivity summary by year, then median rank; rule results and verdicts by
year, then entity (rules in their file's order).  A line break inside a
cell is shown as ``\\n`` (terminal) or ``<br>`` (Markdown); Markdown
backslash-escapes ``\\ ` * _ | [ ] ~`` and writes ``&``, ``<`` and ``>`` as
entities in every cell, header and title, so no name or raw cell can break
its table or render as markup.

The JSON alone holds each scorecard's methods and per-node weights (see
:mod:`.stream_writers` for the layout of the CSV and Parquet output).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import IO, Any, TypeVar

from tabulate import tabulate
from wcwidth import wcswidth

from vqr_metrics.model import Writer
from vqr_metrics.result import Result, finding_records, value_records
from vqr_metrics.scoring.records import RuleResult, ScoreRow, Verdict
from vqr_metrics.scoring.results import ComplianceResult, ScorecardResult

from ..checks.narrative import narrative_sections
from .labels import colon, output_options, summary_rows, text, word
from .wide_layout import natural as _natural

Section = tuple[str, list[str], list[list[str]]]
R = TypeVar("R")
# The columns of a table of records: each column's key (its header, translated) and how to read it.
Columns = tuple[tuple[str, Callable[[R], Any]], ...]


def _fmt(x: Any) -> str:
    """A figure with sensible precision: whole numbers in full, two decimals
    from 1 up, four below (trailing zeros dropped)."""
    if x is None:
        return ""
    if isinstance(x, float):
        if abs(x) >= 1e15:
            return f"{x:g}"
        shown = f"{x:.2f}" if abs(x) >= 1 else f"{x:.4f}"
        shown = shown.rstrip("0").rstrip(".") if "." in shown else shown
        return "0" if shown == "-0" else shown
    return str(x)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# Entity-year columns a values table holds before it is split: one table per
# year, at most this many entities wide, so 30 schools × 3 years stay readable.
MAX_COLUMNS = 6


def _pivot(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, int]],
    headers: Sequence[str],
    lang: str = "zh",
) -> tuple[list[str], list[list[str]]]:
    """Values as rows of indicators × the given entity-year columns."""
    where = {c: i for i, c in enumerate(columns)}
    rows: dict[str, list[str]] = {}
    for r in records:
        row = rows.setdefault(r["key"], [r["label"], r["unit"], *([""] * len(columns))])
        marks = ("*" if r.get("imputed") else "") + ("!" if r.get("conflicted") else "")
        marks += "?" if r.get("suspect") and not r.get("conflicted") else ""
        row[2 + where[(r["entity"], r["year"])]] = _fmt(r["value"]) + marks
    return [text("indicator", lang), text("unit", lang), *headers], list(rows.values())


def _value_sections(title: str, records: Sequence[Mapping[str, Any]], lang: str = "zh") -> list[Section]:
    """Indicators × entity-years as reports print them (each entity's years,
    latest first); with more than ``MAX_COLUMNS`` columns, one table per year
    and slice of at most ``MAX_COLUMNS`` entities."""
    marks = text("marks", lang)
    columns = sorted({(r["entity"], r["year"]) for r in records}, key=lambda c: (_natural(c[0]), -c[1]))
    if len(columns) <= MAX_COLUMNS:
        return [(f"{title}{marks}", *_pivot(records, columns, [f"{e} {y}" for e, y in columns], lang))]
    by_year: dict[int, list[Mapping[str, Any]]] = {}
    for r in records:
        by_year.setdefault(r["year"], []).append(r)
    out: list[Section] = []
    for year in sorted(by_year):
        entities = [e for e, y in columns if y == year]
        for start in range(0, len(entities), MAX_COLUMNS):
            chunk = entities[start : start + MAX_COLUMNS]
            heading = f"{title} {year}"
            if len(entities) > MAX_COLUMNS:
                span = f"{start + 1}–{start + len(chunk)}"
                heading += (
                    f"，{text('entities', lang)} {span}（{text('of', lang)} {len(entities)}）"
                    if lang == "zh"
                    else f", entities {span} of {len(entities)}"
                )
            wanted = set(chunk)
            mine = [r for r in by_year[year] if r["entity"] in wanted]
            out.append((f"{heading}{marks}", *_pivot(mine, [(e, year) for e in chunk], chunk, lang)))
    return out


def _by_year_and_entity(
    records: Iterable[R], where: Callable[[R], tuple[int, str]], *then: Callable[[R], Any]
) -> list[R]:
    """Records of one year together (``where``: a record's year and entity),
    in rank (or other ``then``) order within it, a missing one last; stable,
    so rules keep their order."""

    def key(r: R) -> tuple[Any, ...]:
        year, entity = where(r)
        ranked = tuple((value is None, value or 0) for value in (f(r) for f in then))
        return (year, *ranked, _natural(entity))

    return sorted(records, key=key)


def _at(r: ScoreRow | RuleResult | Verdict) -> tuple[int, str]:
    return r.year, r.entity


def _sections(result: Result, lang: str | None = None, parts: Sequence[str] | None = None) -> list[Section]:
    """The parts of the result, in order: summary, findings, values, metrics, scores, compliance."""
    configured_lang, configured_parts = output_options(result)
    lang = lang or configured_lang
    wanted = set(parts or configured_parts)
    out: list[Section] = []
    if "summary" in wanted:
        counts = summary_rows(result.summary.to_record())
        out.append(
            (text("Summary", lang), [text(k, lang) for k, _ in counts], [[_fmt(v) for _, v in counts]])
        )
    if "findings" in wanted:
        findings = [f for chunk in finding_records(result.findings) for f in chunk]
        out += _finding_sections(findings, lang)
        out += narrative_sections(findings)
    shows_values = bool({"values", "metrics"} & wanted)
    values = [v for chunk in value_records(result.values) for v in chunk] if shows_values else []
    if "values" in wanted:
        inputs = [v for v in values if not v["derived"]]
        out += _value_sections(text("Values", lang), inputs, lang) if inputs else []
    if "metrics" in wanted:
        derived = [v for v in values if v["derived"]]
        out += _value_sections(text("Derived metrics", lang), derived, lang) if derived else []
    if "scores" in wanted:
        for card in result.scorecards:
            out += _scorecard_sections(card, lang)
    if "compliance" in wanted:
        for block in result.compliance:
            out += _compliance_sections(block, lang)
    return out


def _finding_sections(findings: Sequence[Mapping[str, Any]], lang: str) -> list[Section]:
    rows = [
        [
            word(f["severity"], lang),
            f["rule"],
            f["entity"] or "",
            _fmt(f["year"]),
            f["message"],
            "; ".join(
                f"{p['file'].rsplit('/', 1)[-1]}:{p['line']}" if p["line"] else p["file"].rsplit("/", 1)[-1]
                for p in f["provenance"]
            ),
        ]
        for f in sorted(findings, key=lambda f: _SEVERITY_ORDER[f["severity"]])
    ]
    if not rows:
        return []
    headers = [text(h, lang) for h in ("severity", "rule", "entity", "year", "message", "where")]
    return [(text("Findings (errors first, then warnings, then info)", lang), headers, rows)]


# Columns shown for compliance results and verdicts, under their JSON keys (the JSON keeps every key).
_RULE_COLUMNS: Columns[RuleResult] = (
    ("entity", lambda r: r.entity),
    ("year", lambda r: r.year),
    ("type", lambda r: r.school_type),
    ("rule", lambda r: r.rule),
    ("metric_name", lambda r: r.metric_name),
    ("value", lambda r: r.value),
    ("op", lambda r: r.op),
    ("threshold", lambda r: r.threshold),
    ("status", lambda r: r.status),
    ("margin", lambda r: r.margin),
)
_VERDICT_COLUMNS: Columns[Verdict] = (
    ("entity", lambda v: v.entity),
    ("year", lambda v: v.year),
    ("type", lambda v: v.school_type),
    ("verdict", lambda v: v.verdict),
    ("card", lambda v: v.card),
    ("failed", lambda v: len(v.failed_rules)),
    ("not_assessed", lambda v: len(v.not_assessed_rules)),
    ("inconclusive", lambda v: len(v.inconclusive_rules)),
    ("failed_rules", lambda v: v.failed_rules),
    ("at_least", lambda v: v.at_least),
    ("at_most", lambda v: v.at_most),
)
# The sensitivity summary is a plain record (see vqr_metrics.scoring.sensitivity).
_SENSITIVITY_COLUMNS: Columns[Mapping[str, Any]] = tuple(
    (k, itemgetter(k))
    for k in ("entity", "year", "rank", "median_rank", "rank_p05", "rank_p95", "score_p05", "score_p95")
)


def _cell(x: Any, lang: str = "en") -> str:
    return "、".join(_fmt(v) for v in x) if isinstance(x, (list, tuple)) else _fmt(word(x, lang))


def _table(title: str, records: Sequence[R], columns: Columns[R], lang: str = "en") -> Section:
    shown = columns if records else ()  # an empty table has no header either
    headers = [text(k, lang) for k, _ in shown]
    return (title, headers, [[_cell(get(r), lang) for _, get in shown] for r in records])


def _scorecard_sections(card: ScorecardResult, lang: str = "en") -> list[Section]:
    """Scores and ranks (with each dimension's score), then the sensitivity
    summary when the scorecard ran one."""
    results = _by_year_and_entity(card.rows(), _at, lambda r: r.rank)
    dims = list(results[0].dimensions) if results else []
    rows = [
        [r.entity, _fmt(r.year), _fmt(r.score), _fmt(r.rank)] + [_fmt(r.dimensions[d].score) for d in dims]
        for r in results
    ]
    headers = [text(h, lang) for h in ("entity", "year", "score", "rank")]
    out = [(f"{text('Scorecard', lang)}{colon(lang)}{card.name}", [*headers, *dims], rows)]
    sensitivity = card.sensitivity
    if sensitivity:
        draws = f"{sensitivity['draws']} {text('draws', lang)}, {text('seed', lang)} {sensitivity['seed']}"
        title = f"{text('Sensitivity', lang)}{colon(lang)}{card.name} ({draws})"
        ordered = _by_year_and_entity(
            sensitivity["results"], lambda r: (r["year"], r["entity"]), itemgetter("median_rank")
        )
        out.append(_table(title, ordered, _SENSITIVITY_COLUMNS, lang))
    return out


def _compliance_sections(block: ComplianceResult, lang: str = "en") -> list[Section]:
    results = _by_year_and_entity(block.results(), _at)
    out = [_table(f"{text('Compliance', lang)}{colon(lang)}{block.name}", results, _RULE_COLUMNS, lang)]
    verdicts = _by_year_and_entity(block.verdicts(), _at)
    if verdicts:
        title = f"{text('Verdicts', lang)}{colon(lang)}{block.name}"
        out.append(_table(title, verdicts, _VERDICT_COLUMNS, lang))
    return out


# Every line break str.splitlines knows: tabulate would split a cell on them.
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _escaped(sections: list[Section], escape: Callable[[str], str]) -> list[Section]:
    return [
        (escape(title), [escape(h) for h in headers], [[escape(c) for c in row] for row in rows])
        for title, headers, rows in sections
    ]


def _terminal_text(text: str) -> str:
    return _LINE_BREAK.sub("\\\\n", text)


# Markdown specials: backslash-escaped in one pass, so that an escape added
# cannot be undone by a backslash of the input before it.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_|\[\]~])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _markdown_text(text: str) -> str:
    """Text that stays literal in a table cell or a heading: no pipe ends
    the cell, no ``<b>``, ``*``, ``_``, backtick or link renders as markup."""
    return _LINE_BREAK.sub("<br>", _MARKDOWN_SPECIAL.sub(r"\\\1", text.translate(_HTML)))


def _table_text(result: Result, width: int = 0) -> str:
    """The sections as aligned text, each at most ``width`` columns wide where
    wrapping its long text columns can make it so (0: no limit)."""
    parts = []
    for title, headers, rows in _escaped(_sections(result), _terminal_text):
        limits = _fit(headers, rows, width) if width else None
        table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, maxcolwidths=limits)
        parts.append(f"{title}\n{table}")
    return "\n\n".join(parts) + "\n"


# Columns narrower than this are never wrapped (numbers, years, short names).
_MIN_WRAP = 16
_GAP = 2  # tabulate's "simple" format puts two spaces between columns


def _fit(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int | None] | None:
    """Wrap widths that bring the table within ``width``: columns wider than
    their header and ``_MIN_WRAP`` share the room left in proportion to their
    natural widths (so a long message keeps most of it), never narrower than that."""
    # tabulate pads each header by two (MIN_PADDING), so a column is at least that wide
    widths = [max([_shown(headers[i]) + 2, *(_shown(row[i]) for row in rows)]) for i in range(len(headers))]
    if sum(widths) + _GAP * (len(widths) - 1) <= width:
        return None
    limits: list[int | None] = [None] * len(widths)
    # a header is never wrapped: only columns whose cells are wider than it and _MIN_WRAP are
    floor = [max(_MIN_WRAP, _shown(h) + 2) for h in headers]
    flexible = {i for i, w in enumerate(widths) if w > floor[i]}
    room = width - _GAP * (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i not in flexible)
    while flexible:  # a column its share would make narrower than _MIN_WRAP gets _MIN_WRAP
        share = room / sum(widths[i] for i in flexible)
        narrow = {i for i in flexible if widths[i] * share < floor[i]}
        if not narrow:
            break
        for i in narrow:
            limits[i] = floor[i]
        room -= sum(floor[i] for i in narrow)
        flexible -= narrow
    for i in flexible:
        limits[i] = int(widths[i] * share)
    return limits


def _shown(cell: str) -> int:
    """Display width (a control character, which wcwidth cannot measure, as one)."""
    width = wcswidth(cell)
    return width if width >= 0 else len(cell)


def _terminal_width(out: IO[bytes]) -> int:
    """The terminal's width (``COLUMNS`` overrides it) when writing to one;
    a file or a pipe gets whole lines (0: no limit)."""
    try:
        if not out.isatty():
            return 0
        columns = os.environ.get("COLUMNS", "")
        return int(columns) if columns.isdigit() else os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0


def _markdown_document(result: Result) -> str:
    parts = [
        f"## {title}\n\n{tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True)}"
        for title, headers, rows in _escaped(_sections(result), _markdown_text)
    ]
    return "# vqr-score\n\n" + "\n\n".join(parts) + "\n"


def write_table(result: Result, out: IO[bytes]) -> None:
    out.write(_table_text(result, _terminal_width(out)).encode("utf-8"))


def write_markdown(result: Result, out: IO[bytes]) -> None:
    out.write(_markdown_document(result).encode("utf-8"))


def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("table", "plain-text tables for the terminal", write_table, suffixes=(".txt",)))
    register(Writer("markdown", "Markdown tables", write_markdown, suffixes=(".md",)))
