"""What a run returns: values, findings, scorecards and a summary, as attrs
objects and as plain records (the JSON output is ``to_records()``)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from .catalog import Catalog
from .dataset import Dataset
from .model import Finding, Provenance, Value


class Recordable(Protocol):
    def to_record(self) -> dict[str, Any]: ...


def provenance_record(p: Provenance) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "raw": p.raw, "table": p.table, "column": p.column}


def _number(x: Any) -> Any:
    """JSON-safe numbers: never NaN or inf."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def value_record(v: Value) -> dict[str, Any]:
    return {
        "entity": v.entity,
        "year": v.year,
        "key": v.key,
        "name": v.name,
        "label": v.label or v.name,
        "unit": v.unit,
        "value": _number(v.value),
        "derived": v.derived,
        "imputed": v.imputed,
        "conflicted": v.conflicted,
        "provenance": [provenance_record(p) for p in v.provenance],
    }


def finding_record(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity,
        "rule": f.rule,
        "entity": f.entity,
        "year": f.year,
        "table": f.table,
        "indicators": list(f.indicators),
        "expected": _number(f.expected),
        "actual": _number(f.actual),
        "tolerance": _number(f.tolerance),
        "message": f.message,
        "provenance": [provenance_record(p) for p in f.provenance],
    }


@attrs.frozen
class Summary:
    """How the inputs were accounted for: every cell read is a value or a finding."""

    inputs: tuple[str, ...]
    cells: int
    figures: int
    cell_findings: int
    values: int
    derived: int
    findings: Mapping[str, int]
    rules: Mapping[str, int]

    def to_record(self) -> dict[str, Any]:
        return {
            "inputs": list(self.inputs),
            "cells_read": self.cells,
            "figures": self.figures,
            "cells_with_findings": self.cell_findings,
            "values": self.values,
            "derived_values": self.derived,
            "findings": dict(self.findings),
            "findings_by_rule": dict(self.rules),
        }


def summarize(
    inputs: Sequence[str],
    cells: int,
    figures: int,
    values: Sequence[Value],
    findings: Sequence[Finding],
) -> Summary:
    severities = Counter(f.severity for f in findings)
    return Summary(
        inputs=tuple(inputs),
        cells=cells,
        figures=figures,
        cell_findings=sum(1 for f in findings if f.cell),
        values=sum(1 for v in values if not v.derived),
        derived=sum(1 for v in values if v.derived),
        findings={s: severities.get(s, 0) for s in ("error", "warning", "info")},
        rules=dict(sorted(Counter(f.rule for f in findings).items())),
    )


@attrs.frozen
class Result:
    """The outcome of :func:`vqr_metrics.run`."""

    values: tuple[Value, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    scorecards: tuple[Recordable, ...] = ()
    compliance: tuple[Recordable, ...] = ()
    dataset: Dataset | None = attrs.field(default=None, eq=False, repr=False)
    catalog: Catalog | None = attrs.field(default=None, eq=False, repr=False)

    def value(self, entity: str, year: int, name: str) -> float | None:
        """One value by entity, year and key or Chinese name (None if absent)."""
        key = self.catalog.resolve(name) if self.catalog else name
        for v in self.values:
            if v.entity == entity and v.year == year and v.key == key:
                return v.value
        return None

    def to_records(self) -> dict[str, Any]:
        """Plain dicts and lists, as written by the JSON output."""
        return {
            "summary": self.summary.to_record(),
            "values": [value_record(v) for v in self.values],
            "findings": [finding_record(f) for f in self.findings],
            "scorecards": [s.to_record() for s in self.scorecards],
            "compliance": [c.to_record() for c in self.compliance],
        }

    def to_pandas(self) -> dict[str, Any]:
        """``{"values", "findings", "scores", "compliance", "verdicts"}`` as
        pandas DataFrames.

        pandas is not a dependency; this needs it installed."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from None
        records = self.to_records()
        scores = [
            {"scorecard": card["name"], **row}
            for card in records["scorecards"]
            for row in card.get("results", [])
        ]
        compliance, verdicts = (
            [
                {"rule_set": block["name"], **row}
                for block in records["compliance"]
                for row in block.get(part, [])
            ]
            for part in ("results", "verdicts")
        )
        return {
            "values": pd.DataFrame(records["values"]),
            "findings": pd.DataFrame(records["findings"]),
            "scores": pd.DataFrame(scores),
            "compliance": pd.DataFrame(compliance),
            "verdicts": pd.DataFrame(verdicts),
        }
