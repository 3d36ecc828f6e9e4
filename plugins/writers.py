"""Output formats: a terminal table, Markdown, CSV and JSON.

JSON is ``Result.to_records()``; the others present the same records.
"""

from __future__ import annotations

import csv
import io
import json
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


def _pivot(records: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Values as rows of indicators × columns of entity-years, as reports print them."""
    columns = sorted({(r["entity"], r["year"]) for r in records}, key=lambda c: (c[0], -c[1]))
    rows: dict[str, list[str]] = {}
    for r in records:
        row = rows.setdefault(r["key"], [r["label"], r["unit"], *([""] * len(columns))])
        row[2 + columns.index((r["entity"], r["year"]))] = _fmt(r["value"]) + (
            "*" if r.get("imputed") else ""
        )
    headers = ["指标", "单位", *[f"{e} {y}" for e, y in columns]]
    return headers, list(rows.values())


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
        out.append(("Values", *_pivot(inputs)))
    if derived:
        out.append(("Derived metrics", *_pivot(derived)))
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
        for f in records["findings"]
    ]
    if findings:
        out.append(("Findings", ["severity", "rule", "entity", "year", "message", "where"], findings))
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
_VERDICT_COLUMNS = ("entity", "year", "type", "verdict", "card", "failed", "not_assessed", "failed_rules")
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
        for r in results
    ]
    out = [(f"Scorecard: {card['name']}", ["entity", "year", "score", "rank", *dims], rows)]
    sensitivity = card.get("sensitivity")
    if sensitivity:
        title = f"Sensitivity: {card['name']} ({sensitivity['draws']} draws, seed {sensitivity['seed']})"
        out.append(_table(title, sensitivity["results"], _SENSITIVITY_COLUMNS))
    return out


def _compliance_sections(block: Mapping[str, Any]) -> list[Section]:
    out = [_table(f"Compliance: {block['name']}", block.get("results", []), _RULE_COLUMNS)]
    if block.get("verdicts"):
        out.append(_table(f"Verdicts: {block['name']}", block["verdicts"], _VERDICT_COLUMNS))
    return out


def write_table(result: Result) -> str:
    parts = [
        f"{title}\n{tabulate(rows, headers=headers, tablefmt='simple', disable_numparse=True)}"
        for title, headers, rows in _sections(result)
    ]
    return "\n\n".join(parts) + "\n"


def write_markdown(result: Result) -> str:
    parts = [
        f"## {title}\n\n{tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True)}"
        for title, headers, rows in _sections(result)
    ]
    return "# vqr-score\n\n" + "\n\n".join(parts) + "\n"


CSV_COLUMNS = (
    "record",
    "entity",
    "year",
    "key",
    "name",
    "unit",
    "value",
    "derived",
    "severity",
    "rule",
    "message",
    "where",
    "scorecard",
    "rank",
)


def write_csv(result: Result) -> str:
    """One long CSV: a ``record`` column says summary, value, finding or score."""
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
                **{k: v[k] for k in ("entity", "year", "key", "name", "unit", "value", "derived")},
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
        for r in card.get("results", []):
            writer.writerow(
                {
                    "record": "score",
                    "entity": r["entity"],
                    "year": r["year"],
                    "value": r["score"],
                    "scorecard": card["name"],
                    "rank": r["rank"],
                }
            )
    return buf.getvalue()


def _where(p: Mapping[str, Any]) -> str:
    return f"{p['file']}:{p['line']}" if p.get("line") else str(p["file"])


def write_json(result: Result) -> str:
    return json.dumps(result.to_records(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("table", "plain-text tables for the terminal", write_table, suffixes=(".txt",)))
    register(Writer("markdown", "Markdown tables", write_markdown, suffixes=(".md",)))
    register(Writer("csv", "one long CSV of values, findings and scores", write_csv, suffixes=(".csv",)))
    register(Writer("json", "the JSON document described in the README", write_json, suffixes=(".json",)))
