"""Judging a compliance rule over an untrusted value (suspect, or resting on conflicting sources).

A suspect value proves
nothing; a value resting on sources that disagree is judged under each source's figure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..catalog import Catalog
from ..cells import parse_cell
from ..checks import Recomputation, number_text
from ..dataset import Dataset
from ..suspect import flagged_behind, suspect_reason


def judge_untrusted(
    dataset: Dataset,
    catalog: Catalog,
    key: str,
    row: int,
    value: float,
    holds: Callable[[float], bool],
) -> tuple[str, str] | None:
    """``(status, reason)`` when the value of ``key`` in ``row`` cannot be taken
    at its word: ``inconclusive`` for a suspect one; for a conflicted one
    ``pass``/``fail`` when every source's figure agrees (with the reason
    saying so), else ``inconclusive`` naming each.  None for a trusted value."""
    label = catalog.label(key)
    if dataset.suspect.at(key, row):
        return "inconclusive", (
            f"{label} {value:g} is suspect: it rests on {suspect_reason(dataset, catalog, key, row)}, "
            "which carry errors, so it proves neither a pass nor a failure"
        )
    if not dataset.in_conflict(key, row):
        return None
    under = _under_each_source(dataset, catalog, key, row, value)
    if under is None:
        names = "、".join(catalog.label(k) for k in flagged_behind(catalog, dataset.in_conflict, (key,), row))
        return (
            "inconclusive",
            f"{label} rests on {names}, whose sources disagree, in a way it cannot be recomputed",
        )
    outcomes = {holds(v) for _, _, v in under}
    each = "; ".join(f"with {what} it is {v:g} ({'pass' if holds(v) else 'fail'})" for what, _, v in under)
    if len(outcomes) == 1:
        return ("pass" if outcomes.pop() else "fail"), f"the same under every source: {each}"
    return "inconclusive", f"the sources disagree and so does the rule: {each}"


def _under_each_source(
    dataset: Dataset, catalog: Catalog, key: str, row: int, kept: float
) -> list[tuple[str, float, float]] | None:
    """``(which source, its figure, the value under it)`` for every printed
    figure of each conflicted input behind ``key``; None when a value cannot
    be recomputed with one of them (an input not used directly)."""
    out: list[tuple[str, float, float]] = []
    how = None if key in catalog.indicators else Recomputation.of_metric(catalog, key)
    for source_key in flagged_behind(catalog, dataset.in_conflict, (key,), row):
        if how is not None and source_key not in how.deps.values():
            return None
        for prov in dataset.provenance(row, source_key):
            cell = parse_cell(prov.raw or "")
            if cell.kind != "number" or cell.value is None:
                continue
            value = cell.value if how is None else how.at(dataset, row, source_key, cell.value)
            if value is None:
                return None
            where = f"{Path(prov.file).name}:{prov.line}" if prov.line else Path(prov.file).name
            out.append(
                (f"{catalog.label(source_key)} {number_text(cell.value)} ({where})", cell.value, value)
            )
    return out or None
