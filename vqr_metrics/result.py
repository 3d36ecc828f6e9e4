"""What a run returns: values and findings as Arrow tables, scorecards and a summary.

The same as plain records (the JSON output is ``to_records()``, streamed)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pyarrow as pa

from .catalog import Catalog
from .dataset import Dataset
from .findings import Findings
from .model import Provenance
from .values import Values

if TYPE_CHECKING:
    from .config import Config
    from .scoring.results import ComplianceResult, ScorecardResult


def provenance_record(p: Provenance) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "raw": p.raw, "table": p.table, "column": p.column}


def _number(x: Any) -> Any:
    """JSON-safe numbers: never NaN or inf."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def value_records(values: Values, chunk: int = 8192) -> Iterator[list[dict[str, Any]]]:
    """The values as JSON records, a chunk at a time (their columns are the
    records' keys, in order)."""
    for batch in values.batches():
        for part in pa.Table.from_batches([batch]).to_batches(max_chunksize=chunk):
            yield part.to_pylist()


def _either(number: float | None, text: str | None) -> Any:
    return text if text is not None else _number(number)


def finding_records(findings: Findings, chunk: int = 8192) -> Iterator[list[dict[str, Any]]]:
    """The findings as JSON records, a chunk at a time."""
    for batch in findings.batches(chunk):
        yield [
            {
                "severity": r["severity"],
                "rule": r["rule"],
                "entity": r["entity"],
                "year": r["year"],
                "table": r["table"],
                "indicators": r["indicators"],
                "expected": _either(r["expected"], r["expected_text"]),
                "actual": _either(r["actual"], r["actual_text"]),
                "tolerance": _number(r["tolerance"]),
                "message": r["message"],
                "provenance": r["provenance"],
            }
            for r in batch.to_pylist()
        ]


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
    # Statements of the prose: read, matched, agreeing, disagreeing, without_figure, unmatched.
    statements: Mapping[str, int] = attrs.field(factory=dict)
    # Where each part ran, when not all in the engine: {"metrics": "duckdb", …} ([engine] backend).
    ran: Mapping[str, str] = attrs.field(factory=dict)

    def to_record(self) -> dict[str, Any]:
        where = {"ran": dict(self.ran)} if self.ran else {}
        return where | {
            "inputs": list(self.inputs),
            "cells_read": self.cells,
            "figures": self.figures,
            "cells_with_findings": self.cell_findings,
            "values": self.values,
            "derived_values": self.derived,
            "findings": dict(self.findings),
            "findings_by_rule": dict(self.rules),
            "statements": dict(self.statements),
        }


def summarize(
    inputs: Sequence[str],
    cells: int,
    figures: int,
    values: Values,
    findings: Findings,
    statements: Mapping[str, int] | None = None,
    ran: Mapping[str, str] | None = None,
) -> Summary:
    severities = findings.count("severity")
    derived = values.derived_count()
    return Summary(
        inputs=tuple(inputs),
        cells=cells,
        figures=figures,
        cell_findings=findings.cell_count(),
        values=len(values) - derived,
        derived=derived,
        findings={s: severities.get(s, 0) for s in ("error", "warning", "info")},
        rules=dict(sorted(findings.count("rule").items())),
        statements=dict(statements or {}),
        ran=dict(ran or {}),
    )


@attrs.frozen
class Result:
    """The outcome of :func:`vqr_metrics.run`."""

    values: Values
    findings: Findings
    summary: Summary
    scorecards: tuple[ScorecardResult, ...] = ()
    compliance: tuple[ComplianceResult, ...] = ()
    dataset: Dataset | None = attrs.field(default=None, eq=False, repr=False)
    catalog: Catalog | None = attrs.field(default=None, eq=False, repr=False)
    # the run's config: writers read its [output] options and cite paths relative to it
    config: Config | None = attrs.field(default=None, eq=False, repr=False)

    def value(self, entity: str, year: int, name: str) -> float | None:
        """One value by entity, year and key or Chinese name (None if absent)."""
        key = self.catalog.resolve(name) if self.catalog else name
        return self.values.lookup(entity, year, key)

    def to_records(self) -> dict[str, Any]:
        """Plain dicts and lists, as written by the JSON output."""
        return {
            "summary": self.summary.to_record(),
            "values": [r for chunk in value_records(self.values) for r in chunk],
            "findings": [r for chunk in finding_records(self.findings) for r in chunk],
            "scorecards": [s.to_record() for s in self.scorecards],
            "compliance": [c.to_record() for c in self.compliance],
        }

    def _scoring_records(self) -> dict[str, list[dict[str, Any]]]:
        blocks = self.compliance
        return {
            "scores": [{"scorecard": s.name, **row.to_record()} for s in self.scorecards for row in s.rows()],
            "compliance": [{"rule_set": b.name, **r.to_record()} for b in blocks for r in b.results()],
            "verdicts": [{"rule_set": b.name, **v.to_record()} for b in blocks for v in b.verdicts()],
        }

    def to_pandas(self) -> dict[str, Any]:
        """``{"values", "findings", "scores", "compliance", "verdicts"}`` as
        pandas DataFrames (values and findings straight from their Arrow tables).

        pandas is not a dependency; this needs it installed."""
        values = self.values.to_pandas()
        import pandas as pd

        return {
            "values": values,
            "findings": self.findings.to_pandas(),
            **{name: pd.DataFrame(rows) for name, rows in self._scoring_records().items()},
        }

    def to_polars(self) -> dict[str, Any]:
        """The same frames as :meth:`to_pandas`, in polars (not a dependency either)."""
        values = self.values.to_polars()
        import polars as pl

        return {
            "values": values,
            "findings": self.findings.to_polars(),
            **{
                name: pl.DataFrame(rows, infer_schema_length=None)
                for name, rows in self._scoring_records().items()
            },
        }
