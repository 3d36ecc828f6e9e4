"""Turning cells into figures or findings, the same way for every reader.

A reader hands each cell that should hold a figure to :class:`Collector`;
the cell becomes exactly one figure or one finding, and the collector
counts it, so a run can prove that nothing was lost.  Figures and findings
are kept as columns: a reader with a vectorised fast path (CSV, Parquet)
hands whole batches to :meth:`Collector.batch` and only its odd cells to
:meth:`Collector.cell`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from .arrow import FIGURES, distinct, figures_table
from .catalog import Catalog
from .cells import parse_cell
from .errors import FormulaError, shown
from .findings import FindingBuilder
from .model import Finding, InputSpec, Provenance, ReadOutput, Severity
from .units import split_unit, unit_factor


class Collector:
    """Accumulates one input's figures, findings and cell count."""

    def __init__(self, catalog: Catalog, spec: InputSpec) -> None:
        self.catalog = catalog
        self.spec = spec
        self._columns: dict[str, list[Any]] = {f.name: [] for f in FIGURES}
        self._batches: list[pa.Table] = []
        self._findings = FindingBuilder()
        self.cells = 0
        self.entities: dict[str, dict[str, str]] = {}
        self.header_units: dict[str, str] = {}  # header as printed -> the unit in its brackets
        self._converted: set[tuple[str, str]] = set()

    def resolve(self, name: str) -> tuple[str | None, str]:
        """``(key, "")`` for a known input indicator, else ``(None, reason)``.

        A header with its unit in brackets, as spreadsheets print them
        (全日制在校生人数(人), 年财政专项拨款（元）), resolves to the indicator
        when the unit is the indicator's or converts to it; the cells under
        it are then read in that unit."""
        key, reason = self._resolve(name)
        bare, unit = split_unit(name)
        if key is None and unit is not None and not self._names_metric(name):
            base, _ = self._resolve(bare)
            if base is not None:
                wanted = self.catalog.indicators[base].unit
                if unit_factor(unit, wanted) is None:
                    return None, f"{self.catalog.label(base)} is in {wanted!r}, not {unit!r}"
                self.header_units[name] = unit
                return base, ""
        return key, reason

    def _names_metric(self, name: str) -> bool:
        try:
            return self.catalog.resolve(name) in self.catalog.metrics
        except FormulaError:
            return False

    def _resolve(self, name: str) -> tuple[str | None, str]:
        try:
            key = self.catalog.resolve(name, canonical=False)
        except FormulaError as exc:
            return None, str(exc)
        if key not in self.catalog.indicators:
            return None, f"{name!r} is a derived metric; it is computed, not read"
        return key, ""

    def cell(
        self,
        entity: str | None,
        year: int | None,
        key: str,
        raw: object,
        provenance: Provenance,
        unit: str | None = None,
    ) -> None:
        """One cell of a known indicator ``key`` (a row key, not yet canonical)."""
        self.cells += 1
        indicator = self.catalog.indicators[key]
        cell = parse_cell(raw)
        label = self.catalog.label(key)
        names = (label,)
        if entity is None or year is None:
            what = "entity" if entity is None else "year"
            self.cell_finding(
                "error",
                f"no_{what}",
                f"{label}: no {what} for this value (set {what} = ... on the input)",
                entity,
                year,
                names,
                provenance,
            )
            return
        if cell.kind == "placeholder":
            self.cell_finding(
                "info",
                "missing_value",
                f"{label}: not reported ({cell.raw or 'blank'})",
                entity,
                year,
                names,
                provenance,
            )
            return
        if cell.kind == "garbage":
            self._unparsable(
                f"{label}: {shown(cell.raw)} is not a number", cell.raw, entity, year, names, provenance
            )
            return
        unit = unit or self.header_units.get(provenance.column)
        factor = unit_factor(unit, indicator.unit) if unit and indicator.unit else 1.0
        if factor is None:
            self.cell_finding(
                "error",
                "unit_mismatch",
                f"{label}: unit {unit!r} given, the indicator is in {indicator.unit!r}; value not used",
                entity,
                year,
                names,
                provenance,
                expected=indicator.unit,
                actual=unit,
            )
            return
        if not self.catalog.in_edition(key, year):
            table = self.catalog.tables.get(indicator.table)
            dated = indicator if indicator.since or indicator.until or table is None else table
            span = f"{dated.since or ''}–{dated.until or ''}"
            self.cell_finding(
                "error",
                "indicator_not_in_year",
                f"{label} is declared for report years {span}, not {year}; value not used",
                entity,
                year,
                names,
                provenance,
            )
            return
        assert cell.value is not None
        if factor != 1.0 and unit and (unit, key) not in self._converted:
            self._converted.add((unit, key))
            self.note(
                Finding(
                    "info",
                    "unit_converted",
                    f"{label}: values given in {unit} were converted to {indicator.unit} (× {factor:g})",
                    entity,
                    year,
                    names,
                    table=provenance.table or None,
                    provenance=(provenance,),
                )
            )
        value = cell.value * (factor or 1.0)
        if not math.isfinite(value):  # 1e305 万元 in 元
            message = f"{label}: {shown(cell.raw)} {unit} is beyond any number in {indicator.unit}"
            self._unparsable(message, cell.raw, entity, year, names, provenance)
            return
        self._figure(entity, year, key, value, provenance)

    def _unparsable(
        self, message: str, raw: str, entity: str, year: int, names: tuple[str, ...], provenance: Provenance
    ) -> None:
        self.cell_finding("error", "unparsable_value", message, entity, year, names, provenance, actual=raw)

    def _figure(self, entity: str, year: int, key: str, value: float, p: Provenance) -> None:
        for name, item in (
            ("entity", entity),
            ("year", year),
            ("key", key),
            ("value", value),
            ("file", p.file),
            ("line", p.line),
            ("raw", p.raw),
            ("table", p.table),
            ("column", p.column),
        ):
            self._columns[name].append(item)

    def batch(self, figures: pa.Table, cells: int | None = None) -> None:
        """Figures parsed in bulk (a table of the :data:`~vqr_metrics.arrow.FIGURES`
        layout), each standing for one cell unless ``cells`` says otherwise."""
        self._flush()
        self._batches.append(figures)
        self.cells += figures.num_rows if cells is None else cells

    def _flush(self) -> None:
        if self._columns["key"]:
            self._batches.append(figures_table(self._columns))
            self._columns = {f.name: [] for f in FIGURES}

    def unknown(
        self,
        entity: str | None,
        year: int | None,
        name: str,
        reason: str,
        provenance: Provenance,
        rule: str = "unknown_indicator",
    ) -> None:
        """A cell no indicator claims (an unknown name, a cell past the last
        column): one finding, counted as a cell."""
        self.cells += 1
        self.cell_finding("error", rule, reason, entity, year, (name,), provenance)

    def cell_finding(
        self,
        severity: Severity,
        rule: str,
        message: str,
        entity: str | None,
        year: int | None,
        indicators: tuple[str, ...],
        provenance: Provenance,
        expected: str | float | None = None,
        actual: str | float | None = None,
    ) -> None:
        self._findings.add(
            Finding(
                severity=severity,
                rule=rule,
                message=message,
                entity=entity,
                year=year,
                indicators=indicators,
                expected=expected,
                actual=actual,
                table=provenance.table or None,
                provenance=(provenance,),
                cell=True,
            )
        )

    def note(self, finding: Finding) -> None:
        """A finding about the input that stands for no cell (a header, a table)."""
        self._findings.add(finding)

    def sort_figures(self, columns: Mapping[str, int]) -> None:
        """Put the figures read so far in file order: by line, then by the
        position of their column (``columns``: header name → position)."""
        self._flush()
        if len(self._batches) < 2:
            return
        table = pa.concat_tables(self._batches)  # chunks side by side, nothing copied yet
        positions = []
        for names in table["column"].chunks:
            of = np.array([columns.get(n, len(columns)) for n in names.dictionary.to_pylist()], np.int64)
            positions.append(of[names.indices.to_numpy(zero_copy_only=False)])
        lines = np.concatenate([c.to_numpy(zero_copy_only=False) for c in table["line"].chunks])
        order = np.lexsort((np.concatenate(positions), np.nan_to_num(lines, nan=-1)))
        if not (np.diff(order) == 1).all():
            self._batches = [table.take(pa.array(order))]

    def figure_entities(self) -> set[str]:
        """The entities the figures read so far belong to."""
        self._flush()
        return {e for t in self._batches for e in distinct(t["entity"])}

    def output(self) -> ReadOutput:
        self._flush()
        figures = pa.concat_tables(self._batches) if self._batches else FIGURES.empty_table()
        return ReadOutput(figures, self._findings.build(), self.cells, self.entities)
