"""The ``narrative_conflict`` check: a report's prose against its own tables.

Each statement the prose makes (see :mod:`vqr_metrics.statements`) is lined up
with the value the tables give for the same entity, year and indicator, or
with the recomputed metric (落实率 99.26% against 毕业去向落实率).  A figure
that differs beyond the printed precision of both is a warning naming the
indicator, both figures, both lines, the sentence and the table's caption;
agreeing statements raise nothing.  Phrases that name no indicator, or one
no table gives for that year, are counted in one info finding per report,
never a warning.  ``[checks] disable = ["narrative_conflict"]`` turns it off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from vqr_metrics.model import Check, CheckContext, Finding, Provenance
from vqr_metrics.result import Result, finding_records
from vqr_metrics.statements import compare

# The section of the table and markdown outputs.
TITLE = "正文与表格不一致"
HEADERS = ["指标", "entity", "year", "正文", "正文行", "表格", "表格行", "句子"]
# How much of a sentence a message quotes, and how many lines it lists.
_QUOTE = 120
_LINES = 10


def _quote(sentence: str, name: str) -> str:
    """The sentence, cut to at most ``_QUOTE`` characters around the name."""
    if len(sentence) <= _QUOTE:
        return sentence
    at = max(sentence.find(name), 0)
    start = max(0, min(at - _QUOTE // 3, len(sentence) - _QUOTE + 1))
    cut = sentence[start : start + _QUOTE - 1]
    return ("…" if start else "") + cut + ("…" if start + _QUOTE - 1 < len(sentence) else "")


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _unit(unit: str) -> str:
    return "" if not unit else (" : 1" if unit == ":1" else unit if unit == "%" else f" {unit}")


def _conflict(context: CheckContext, r: Mapping[str, Any]) -> Finding:
    catalog = context.catalog
    label = r["label"]
    sentence = _quote(r["sentence"], r["name"])
    said = Provenance(r["file"], r["line"], sentence, f"正文 {r['section']}".strip(), r["name"])
    text = f"{label} {r['year']}: the text says {r['raw']}{_unit(r['unit'])} (line {r['line']}: “{sentence}”)"
    if r["table_caption"] is None:  # a derived metric
        formula = catalog.metrics[r["key"]].formula
        message = f"{text} but {label} recomputed as {formula} is {_number(r['table_value'])}"
        provenance: tuple[Provenance, ...] = (said,)
    else:
        printed = Provenance(r["table_file"], r["table_line"], r["table_raw"], r["table_caption"])
        message = f"{text} but {r['table_caption']} prints {r['table_raw']} (line {r['table_line']})"
        provenance = (said, printed)
    return Finding(
        "warning",
        "narrative_conflict",
        message,
        entity=r["entity"],
        year=r["year"],
        indicators=(label,),
        expected=r["table_value"],
        actual=r["value"],
        tolerance=r["tolerance"],
        table=r["table_caption"],
        provenance=provenance,
    )


def _lines(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_LINES])
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{', …' if len(numbers) > _LINES else ''}"


def _unchecked(file: str, unmatched: Sequence[int], absent: Sequence[int]) -> Finding:
    parts = []
    if unmatched:
        parts.append(f"{len(unmatched)} numeric phrases of the prose name no indicator ({_lines(unmatched)})")
    if absent:
        parts.append(f"{len(absent)} name one no table gives for that year ({_lines(absent)})")
    return Finding(
        "info",
        "narrative_unchecked",
        f"{file.rsplit('/', 1)[-1]}: {'; '.join(parts)}; not compared with the tables",
        provenance=(Provenance(file, (unmatched or absent)[0], "", "正文"),),
    )


def check_narrative(context: CheckContext) -> Iterator[Finding]:
    """The prose restates a table's figure differently."""
    compared = compare(context.statements, context.dataset)
    status = compared["status"].cast(pa.string())
    for r in compared.filter(pc.equal(status, "disagree")).to_pylist():
        yield _conflict(context, r)
    rest = compared.filter(pc.is_in(status, pa.array(["unmatched", "no_figure"]))).select(
        ["file", "line", "status"]
    )
    by_file: dict[str, tuple[list[int], list[int]]] = {}
    for file, line, state in zip(*(rest[c].to_pylist() for c in rest.column_names), strict=True):
        unmatched, absent = by_file.setdefault(file, ([], []))
        (unmatched if state == "unmatched" else absent).append(line)
    for file, (unmatched, absent) in by_file.items():
        yield _unchecked(file, unmatched, absent)


def narrative_sections(findings: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[str], list[list[str]]]]:
    """The section 正文与表格不一致 of the outputs, from the findings' records:
    one row per conflict (none when the prose agrees with the tables)."""
    rows = []
    for f in findings:
        if f["rule"] != "narrative_conflict":
            continue
        said, *printed = f["provenance"]
        table = (
            f"{printed[0]['raw']} ({printed[0]['table']})"
            if printed
            else f"{_number(f['expected'])} (recomputed)"
        )
        line = str(printed[0]["line"]) if printed else ""
        rows.append(
            [
                f["indicators"][0],
                f["entity"] or "",
                str(f["year"]),
                _number(f["actual"]),
                str(said["line"]),
                table,
                line,
                said["raw"],
            ]
        )
    return [(TITLE, HEADERS, rows)] if rows else []


def result_sections(result: Result) -> list[tuple[str, list[str], list[list[str]]]]:
    """:func:`narrative_sections` of a result's findings."""
    return narrative_sections(f for part in finding_records(result.findings) for f in part)


def register_checks(register: Callable[[Check], None]) -> None:
    register(Check("narrative_conflict", "the prose restates a table's figure differently", check_narrative))
