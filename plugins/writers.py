"""Output formats: a terminal table, Markdown, CSV and JSON.

JSON is ``Result.to_records()``; the others present the same records.

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

The CSV is UTF-8 with a byte order mark, which Excel needs to read it as
UTF-8 (without one, Excel on Chinese Windows decodes it as GBK).  It is
one long table; the ``record`` column says what a row is and which other
columns it fills:

- ``summary``: ``key`` (a count of the summary), ``value``.
- ``value``: ``entity``, ``year``, ``key``, ``name`` (as printed, shared by
  rows of several tables), ``label`` (the name as the other outputs show it,
  qualified by its unit, parent or table when several rows print it),
  ``unit``, ``value``, ``derived``, ``imputed``, ``conflicted``, ``where``
  (file:line of each source).
- ``finding``: ``entity``, ``year``, ``name`` (the indicators, `` / ``-joined),
  ``severity``, ``rule``, ``message``, ``where``.
- ``score``: ``scorecard``, ``entity``, ``year``, ``value`` (the score),
  ``rank``, ``coverage``.
- ``dimension``: ``scorecard``, ``entity``, ``year``, ``name`` (the
  dimension), ``value`` (its score), ``rank`` (on it), ``contribution`` (to
  the total).
- ``contribution``: one per scorecard, entity, year and indicator:
  ``scorecard``, ``entity``, ``year``, ``name`` (the indicator's label),
  ``key`` (the metric used), ``value`` (raw), ``status`` (reported, imputed,
  missing), ``normalized``, ``weight`` (effective, in the total),
  ``contribution`` (to the score; they add up to it).
- ``sensitivity``: ``scorecard``, ``entity``, ``year``, ``value`` and
  ``rank`` (as configured), ``median_rank``, ``rank_p05``, ``rank_p95``,
  ``score_median``, ``score_p05``, ``score_p95``, ``scored_draws``.
- ``sweep``: ``scorecard``, ``node``, ``name`` (the weight scaled),
  ``factor``, ``entity``, ``year``, ``value`` (score), ``rank``, ``rank_change``.
- ``compliance``: one per rule set, entity, year and rule: ``ruleset``,
  ``entity``, ``year``, ``type``, ``rule`` (its id), ``name`` (its name),
  ``key`` (the metric used), ``unit``, ``value``, ``op``, ``threshold``,
  ``status`` (pass, fail, not assessed, inconclusive), ``margin``,
  ``proxy``, ``message`` (the note), ``where`` (the citation).
- ``verdict``: ``ruleset``, ``entity``, ``year``, ``type``, ``verdict``,
  ``card``, ``status`` (determined or undetermined), ``at_least``,
  ``at_most``, ``message`` (the rules failed, not assessed, inconclusive).

The JSON alone holds each scorecard's methods and per-node weights.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

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


def write_table(result: Result) -> str:
    parts = [
        f"{title}\n{tabulate(rows, headers=headers, tablefmt='simple', disable_numparse=True)}"
        for title, headers, rows in _escaped(_sections(result), _terminal_text)
    ]
    return "\n\n".join(parts) + "\n"


def write_markdown(result: Result) -> str:
    parts = [
        f"## {title}\n\n{tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True)}"
        for title, headers, rows in _escaped(_sections(result), _markdown_text)
    ]
    return "# vqr-score\n\n" + "\n\n".join(parts) + "\n"


CSV_COLUMNS = (
    "record",
    "entity",
    "year",
    "key",
    "name",
    "label",
    "unit",
    "value",
    "derived",
    "severity",
    "rule",
    "message",
    "where",
    "scorecard",
    "rank",
    "imputed",
    "conflicted",
    "coverage",
    "status",
    "normalized",
    "weight",
    "contribution",
    "median_rank",
    "rank_p05",
    "rank_p95",
    "score_median",
    "score_p05",
    "score_p95",
    "scored_draws",
    "node",
    "factor",
    "rank_change",
    "ruleset",
    "type",
    "op",
    "threshold",
    "margin",
    "proxy",
    "verdict",
    "card",
    "at_least",
    "at_most",
)
_SENSITIVITY_CSV = ("median_rank", "rank_p05", "rank_p95", "score_median", "score_p05", "score_p95")


def write_csv(result: Result) -> str:
    """One long CSV with a byte order mark; the module docstring lists the
    record types and their columns."""
    records = result.to_records()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    summary = records["summary"]
    counts = {k: v for k, v in summary.items() if isinstance(v, int)}
    counts.update({f"findings_{k}": v for k, v in summary["findings"].items()})
    for name, count in counts.items():
        writer.writerow({"record": "summary", "key": name, "value": count})
    for v in records["values"]:
        writer.writerow(
            {
                "record": "value",
                **{k: v[k] for k in ("entity", "year", "key", "name", "label", "unit", "value", "derived")},
                "imputed": v.get("imputed"),
                "conflicted": v.get("conflicted"),
                "where": "; ".join(_where(p) for p in v["provenance"]),
            }
        )
    for f in records["findings"]:
        writer.writerow(
            {
                "record": "finding",
                "entity": f["entity"],
                "year": f["year"],
                "name": " / ".join(f["indicators"]),
                "severity": f["severity"],
                "rule": f["rule"],
                "message": f["message"],
                "where": "; ".join(_where(p) for p in f["provenance"]),
            }
        )
    for card in records["scorecards"]:
        writer.writerows(_scorecard_rows(card))
    for block in records["compliance"]:
        writer.writerows(_compliance_rows(block))
    return "\ufeff" + buf.getvalue()


def _scorecard_rows(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    name = card["name"]
    rows: list[dict[str, Any]] = []
    for r in card.get("results", []):
        at = {"scorecard": name, "entity": r["entity"], "year": r["year"]}
        rows.append(
            {"record": "score", **at, "value": r["score"], "rank": r["rank"], "coverage": r["coverage"]}
        )
        for label, d in r.get("dimensions", {}).items():
            rows.append(
                {"record": "dimension", **at, "name": label, "value": d["score"], "rank": d["rank"]}
                | {"contribution": d["contribution"]}
            )
        for label, i in r.get("indicators", {}).items():
            rows.append(
                {"record": "contribution", **at, "name": label, "key": i["metric"], "value": i["value"]}
                | {k: i[k] for k in ("status", "normalized", "weight", "contribution")}
            )
    sensitivity = card.get("sensitivity") or {}
    for r in sensitivity.get("results", []):
        rows.append(
            {"record": "sensitivity", "scorecard": name, "entity": r["entity"], "year": r["year"]}
            | {"value": r["score"], "rank": r["rank"], "scored_draws": r["scored_draws"]}
            | {k: r[k] for k in _SENSITIVITY_CSV}
        )
    for r in sensitivity.get("sweep", []):
        rows.append(
            {"record": "sweep", "scorecard": name, "node": r["node"], "name": r["weight"]}
            | {k: r[k] for k in ("factor", "entity", "year", "rank", "rank_change")}
            | {"value": r["score"]}
        )
    return rows


def _compliance_rows(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    name = block["name"]
    rows: list[dict[str, Any]] = []
    for r in block.get("results", []):
        rows.append(
            {
                "record": "compliance",
                "ruleset": name,
                "rule": r["rule_id"],
                "name": r["rule"],
                "key": r["metric"],
            }
            | {k: r.get(k) for k in ("entity", "year", "type", "unit", "value", "op", "threshold", "status")}
            | {"margin": r["margin"], "proxy": r.get("proxy"), "message": r["note"], "where": r["source"]}
        )
    for v in block.get("verdicts", []):
        lists = (
            ("failed", v["failed_rules"]),
            ("not assessed", v["not_assessed_rules"]),
            ("inconclusive", v.get("inconclusive_rules", [])),
        )
        rows.append(
            {"record": "verdict", "ruleset": name}
            | {k: v[k] for k in ("entity", "year", "type", "verdict", "card", "at_least", "at_most")}
            | {"status": "determined" if v["determined"] else "undetermined"}
            | {"message": "; ".join(f"{what}: {'、'.join(names)}" for what, names in lists if names)}
        )
    return rows


def _where(p: Mapping[str, Any]) -> str:
    return f"{p['file']}:{p['line']}" if p.get("line") else str(p["file"])


def write_json(result: Result) -> str:
    return json.dumps(result.to_records(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("table", "plain-text tables for the terminal", write_table, suffixes=(".txt",)))
    register(Writer("markdown", "Markdown tables", write_markdown, suffixes=(".md",)))
    register(Writer("csv", "one long CSV of every record (a record column)", write_csv, suffixes=(".csv",)))
    register(Writer("json", "the JSON document described in the README", write_json, suffixes=(".json",)))
