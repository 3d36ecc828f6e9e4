"""Output formats for people: a terminal table and Markdown (CSV, JSON and
Parquet stream from Arrow in :mod:`.stream_writers`).

Both present ``Result.to_records()``.

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

import re
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from tabulate import tabulate

from vqr_metrics.model import Writer
from vqr_metrics.result import Result

Section = tuple[str, list[str], list[list[str]]]


def _fmt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4f}".rstrip("0").rstrip(".") if abs(x) < 1e15 else f"{x:g}"
    return str(x)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MARKS = " (* imputed by a scorecard; ! rests on a figure two sources print differently)"


# Entity-year columns a values table holds before it is split: one table per
# year, at most this many entities wide, so 30 schools × 3 years stay readable.
MAX_COLUMNS = 6


def _natural(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key comparing the numbers in a name as numbers: 第2 before 第10."""
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


def _pivot(
    records: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, int]], headers: Sequence[str]
) -> tuple[list[str], list[list[str]]]:
    """Values as rows of indicators × the given entity-year columns."""
    where = {c: i for i, c in enumerate(columns)}
    rows: dict[str, list[str]] = {}
    for r in records:
        row = rows.setdefault(r["key"], [r["label"], r["unit"], *([""] * len(columns))])
        marks = ("*" if r.get("imputed") else "") + ("!" if r.get("conflicted") else "")
        row[2 + where[(r["entity"], r["year"])]] = _fmt(r["value"]) + marks
    return ["指标", "单位", *headers], list(rows.values())


def _value_sections(title: str, records: Sequence[Mapping[str, Any]]) -> list[Section]:
    """Indicators × entity-years as reports print them (each entity's years,
    latest first); with more than ``MAX_COLUMNS`` columns, one table per year
    and slice of at most ``MAX_COLUMNS`` entities."""
    columns = sorted({(r["entity"], r["year"]) for r in records}, key=lambda c: (_natural(c[0]), -c[1]))
    if len(columns) <= MAX_COLUMNS:
        return [(f"{title}{MARKS}", *_pivot(records, columns, [f"{e} {y}" for e, y in columns]))]
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
                heading += f", entities {start + 1}–{start + len(chunk)} of {len(entities)}"
            wanted = set(chunk)
            mine = [r for r in by_year[year] if r["entity"] in wanted]
            out.append((f"{heading}{MARKS}", *_pivot(mine, [(e, year) for e in chunk], chunk)))
    return out


def _by_year_and_entity(records: Sequence[Mapping[str, Any]], *then: str) -> list[Mapping[str, Any]]:
    """Records of one year together, in rank (or other) order within it; a
    missing value of a ``then`` key last; stable, so rules keep their order."""

    def key(r: Mapping[str, Any]) -> tuple[Any, ...]:
        ranked = tuple((r.get(k) is None, r.get(k) or 0) for k in then)
        return (r["year"], *ranked, _natural(r["entity"]))

    return sorted(records, key=key)


def _sections(result: Result) -> list[Section]:
    records = result.to_records()
    out: list[Section] = []
    summary = records["summary"]
    out.append(
        (
            "Summary",
            [
                "cells read",
                "values",
                "derived",
                "cells with findings",
                "errors",
                "warnings",
                "info",
            ],
            [
                [
                    _fmt(summary["cells_read"]),
                    _fmt(summary["values"]),
                    _fmt(summary["derived_values"]),
                    _fmt(summary["cells_with_findings"]),
                    *(_fmt(summary["findings"][s]) for s in ("error", "warning", "info")),
                ]
            ],
        )
    )
    inputs = [v for v in records["values"] if not v["derived"]]
    derived = [v for v in records["values"] if v["derived"]]
    if inputs:
        out += _value_sections("Values", inputs)
    if derived:
        out += _value_sections("Derived metrics", derived)
    for card in records["scorecards"]:
        out += _scorecard_sections(card)
    for block in records["compliance"]:
        out += _compliance_sections(block)
    findings = [
        [
            f["severity"],
            f["rule"],
            f["entity"] or "",
            _fmt(f["year"]),
            f["message"],
            "; ".join(
                f"{p['file'].rsplit('/', 1)[-1]}:{p['line']}" if p["line"] else p["file"].rsplit("/", 1)[-1]
                for p in f["provenance"]
            ),
        ]
        for f in sorted(records["findings"], key=lambda f: _SEVERITY_ORDER[f["severity"]])
    ]
    if findings:
        title = "Findings (errors first, then warnings, then info)"
        out.append((title, ["severity", "rule", "entity", "year", "message", "where"], findings))
    return out


# Columns shown for compliance results and verdicts (JSON keeps every key).
_RULE_COLUMNS = (
    "entity",
    "year",
    "type",
    "rule",
    "metric_name",
    "value",
    "op",
    "threshold",
    "status",
    "margin",
)
_VERDICT_COLUMNS = (
    "entity",
    "year",
    "type",
    "verdict",
    "card",
    "failed",
    "not_assessed",
    "inconclusive",
    "failed_rules",
    "at_least",
    "at_most",
)
_SENSITIVITY_COLUMNS = (
    "entity",
    "year",
    "rank",
    "median_rank",
    "rank_p05",
    "rank_p95",
    "score_p05",
    "score_p95",
)


def _cell(x: Any) -> str:
    return "、".join(_fmt(v) for v in x) if isinstance(x, list) else _fmt(x)


def _columns(records: Sequence[Mapping[str, Any]], preferred: Sequence[str]) -> list[str]:
    keys = list(records[0]) if records else []
    return [k for k in preferred if k in keys] or keys


def _table(title: str, records: Sequence[Mapping[str, Any]], preferred: Sequence[str] = ()) -> Section:
    headers = _columns(records, preferred)
    return (title, headers, [[_cell(r.get(h)) for h in headers] for r in records])


def _scorecard_sections(card: Mapping[str, Any]) -> list[Section]:
    """Scores and ranks (with each dimension's score), then the sensitivity
    summary when the scorecard ran one."""
    results = card.get("results", [])
    dims = list(results[0].get("dimensions", {})) if results else []
    rows = [
        [r["entity"], _fmt(r["year"]), _fmt(r["score"]), _fmt(r["rank"])]
        + [_fmt(r["dimensions"][d]["score"]) for d in dims]
        for r in _by_year_and_entity(results, "rank")
    ]
    out = [(f"Scorecard: {card['name']}", ["entity", "year", "score", "rank", *dims], rows)]
    sensitivity = card.get("sensitivity")
    if sensitivity:
        title = f"Sensitivity: {card['name']} ({sensitivity['draws']} draws, seed {sensitivity['seed']})"
        ordered = _by_year_and_entity(sensitivity["results"], "median_rank")
        out.append(_table(title, ordered, _SENSITIVITY_COLUMNS))
    return out


def _compliance_sections(block: Mapping[str, Any]) -> list[Section]:
    results = _by_year_and_entity(block.get("results", []))
    out = [_table(f"Compliance: {block['name']}", results, _RULE_COLUMNS)]
    if block.get("verdicts"):
        verdicts = _by_year_and_entity(block["verdicts"])
        out.append(_table(f"Verdicts: {block['name']}", verdicts, _VERDICT_COLUMNS))
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


def _table_text(result: Result) -> str:
    parts = [
        f"{title}\n{tabulate(rows, headers=headers, tablefmt='simple', disable_numparse=True)}"
        for title, headers, rows in _escaped(_sections(result), _terminal_text)
    ]
    return "\n\n".join(parts) + "\n"


def _markdown_document(result: Result) -> str:
    parts = [
        f"## {title}\n\n{tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True)}"
        for title, headers, rows in _escaped(_sections(result), _markdown_text)
    ]
    return "# vqr-score\n\n" + "\n\n".join(parts) + "\n"


def write_table(result: Result, out: IO[bytes]) -> None:
    out.write(_table_text(result).encode("utf-8"))


def write_markdown(result: Result, out: IO[bytes]) -> None:
    out.write(_markdown_document(result).encode("utf-8"))


def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("table", "plain-text tables for the terminal", write_table, suffixes=(".txt",)))
    register(Writer("markdown", "Markdown tables", write_markdown, suffixes=(".md",)))
