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

from vqr_metrics.model import Check, CheckContext, Finding, FindingRule, Provenance
from vqr_metrics.result import Result, finding_records
from vqr_metrics.statements import compare

# The section of the table and markdown outputs.
TITLE = "正文与表格不一致"
HEADERS = ["指标", "entity", "year", "正文", "正文行", "表格", "表格行", "句子"]
# What an unchecked phrase is, by whether it names an indicator at all.
_KINDS = {
    True: "numeric phrases of the prose name no indicator",
    False: "name an indicator no table gives for that entity and year",
}
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


def _lines(lines: Sequence[int]) -> str:
    """``lines 169, 183, …``: the first ``_LINES`` of them."""
    shown = ", ".join(str(n) for n in lines[:_LINES])
    return f"line{'s' if len(lines) > 1 else ''} {shown}{', …' if len(lines) > _LINES else ''}"


def _unchecked(compared: pa.Table) -> Iterator[Finding]:
    """One info finding per file: how many phrases name no indicator, or one
    no table gives for that year, and on which lines (grouped column-wise)."""
    status = compared["status"].cast(pa.string())
    rest = pa.table(
        {"file": compared["file"], "line": compared["line"], "unmatched": pc.equal(status, "unmatched")}
    ).filter(pc.is_in(status, pa.array(["unmatched", "no_figure"])))
    group = ["file", "unmatched"]
    counted = rest.group_by(group, use_threads=False).aggregate([("line", "count")])
    distinct = rest.group_by([*group, "line"], use_threads=False).aggregate([]).sort_by("line")
    listed = distinct.group_by(group, use_threads=False).aggregate([("line", "list")])
    lines = {(r["file"], r["unmatched"]): r["line_list"] for r in listed.to_pylist()}
    found: dict[str, dict[bool, tuple[int, list[int]]]] = {}
    for r in counted.to_pylist():
        found.setdefault(r["file"], {})[r["unmatched"]] = (
            r["line_count"],
            lines[(r["file"], r["unmatched"])],
        )
    for file, kinds in sorted(found.items()):
        parts = []
        for unmatched in (True, False):
            if unmatched in kinds:
                count, at = kinds[unmatched]
                parts.append(f"{count} {_KINDS[unmatched]} ({_lines(at)})")
        first = min(at[0] for _, at in kinds.values())
        yield Finding(
            "info",
            "narrative_unchecked",
            f"{file.rsplit('/', 1)[-1]}: {'; '.join(parts)}; not compared with the tables",
            provenance=(Provenance(file, first, "", "正文"),),
        )


def check_narrative(context: CheckContext) -> Iterator[Finding]:
    """The prose restates a table's figure differently."""
    compared = compare(context.statements, context.dataset)
    status = compared["status"].cast(pa.string())
    for r in compared.filter(pc.equal(status, "disagree")).to_pylist():
        yield _conflict(context, r)
    yield from _unchecked(compared)


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


def register_rules(register: Callable[[FindingRule], None]) -> None:
    register(
        FindingRule(
            "narrative_conflict",
            "warning",
            "a report's prose states a figure differently from its own tables",
            "find which is right, the sentence or the table, and correct the other",
        )
    )
    register(
        FindingRule(
            "narrative_unchecked",
            "info",
            "figures in a report's prose that name no indicator, or one no table gives for that year",
            "nothing; declare the indicator if the prose should be checked against it",
        )
    )
