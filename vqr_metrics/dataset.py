"""The columnar dataset: entity-year rows × indicator columns.

Figures from every reader are merged here: one value per (entity, year,
canonical indicator).  When two sources report the same quantity (a body
table and its appendix twin, or twin rows declared with ``same_as``) and
disagree beyond print rounding, the conflict becomes a finding naming both
sources and both values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import numpy as np
import numpy.typing as npt

from .catalog import Catalog
from .model import Figure, Finding, Provenance

Column = npt.NDArray[np.float64]


@attrs.define
class Dataset:
    """Rows are ``(entity, year)``; ``columns`` map keys to float columns with
    NaN for missing.  Mutable only while the engine adds derived columns."""

    rows: list[tuple[str, int]]
    columns: dict[str, Column] = attrs.field(factory=dict)
    # Per column, per row: the sources of the value.  One reference a cell
    # (a single source is stored bare) keeps large datasets near their raw size.
    sources: dict[str, list[Provenance | tuple[Provenance, ...] | None]] = attrs.field(factory=dict)
    attributes: dict[str, dict[str, str]] = attrs.field(factory=dict)
    derived: set[str] = attrs.field(factory=set)
    imputed: dict[str, npt.NDArray[np.bool_]] = attrs.field(factory=dict)
    # Rows of a key whose sources disagree (source_conflict), and of every
    # derived value computed from such a figure: they stay visible as such.
    conflicted: dict[str, set[int]] = attrs.field(factory=dict)

    @property
    def size(self) -> int:
        return len(self.rows)

    def in_conflict(self, key: str, i: int) -> bool:
        """Whether row ``i`` of ``key`` rests on sources that disagree."""
        return i in self.conflicted.get(key, ())

    def provenance(self, i: int, key: str) -> tuple[Provenance, ...]:
        """Where the value of row ``i``, column ``key`` was read (empty if derived)."""
        found = self.sources.get(key)
        cell = found[i] if found is not None else None
        if cell is None:
            return ()
        return cell if isinstance(cell, tuple) else (cell,)

    def column(self, key: str) -> Column:
        """The column for ``key``; all-NaN when nothing reported it."""
        found = self.columns.get(key)
        return found if found is not None else np.full(self.size, np.nan)

    def index(self) -> dict[tuple[str, int], int]:
        return {row: i for i, row in enumerate(self.rows)}

    def prev_index(self) -> npt.NDArray[np.intp]:
        """For each row, the row of the same entity one year earlier, or -1."""
        where = self.index()
        return np.array([where.get((entity, year - 1), -1) for entity, year in self.rows], dtype=np.intp)

    def years(self) -> list[int]:
        return sorted({year for _, year in self.rows})

    def entities(self) -> list[str]:
        return list(dict.fromkeys(entity for entity, _ in self.rows))

    def value(self, entity: str, year: int, key: str) -> float | None:
        i = self.index().get((entity, year))
        if i is None or key not in self.columns:
            return None
        v = float(self.columns[key][i].item())
        return None if math.isnan(v) else v


def decimals(raw: str) -> int:
    """Decimal places as printed (``17.25%`` → 2, ``1,234`` → 0)."""
    text = raw.strip().replace(",", "").rstrip("%")
    digits = text.split(".", 1)
    return len(digits[1].rstrip("%: ")) if len(digits) == 2 and digits[1][:1].isdigit() else 0


def rounding_tolerance(a: Provenance, b: Provenance) -> float:
    """Half a unit in the last place of the coarser of two printed figures."""
    places = min(decimals(a.raw or "0"), decimals(b.raw or "0"))
    return 0.5 / 10.0**places + 1e-9


def build_dataset(
    figures: Iterable[Figure],
    catalog: Catalog,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Dataset, list[Finding]]:
    """Merge figures into a dataset; conflicting sources become findings."""
    grouped: dict[tuple[str, int, str], list[Figure]] = defaultdict(list)
    for fig in figures:
        grouped[(fig.entity, fig.year, catalog.canonical(fig.key))].append(fig)
    rows = sorted({(entity, year) for entity, year, _ in grouped}, key=lambda r: (r[0], r[1]))
    dataset = Dataset(rows=rows, attributes={k: dict(v) for k, v in (attributes or {}).items()})
    index = dataset.index()
    findings: list[Finding] = []
    for (entity, year, key), figs in grouped.items():
        kept = _choose(figs, key)
        for other in figs:
            if other is kept:
                continue
            tol = rounding_tolerance(kept.provenance, other.provenance)
            if abs(kept.value - other.value) > tol:
                findings.append(_conflict(catalog, entity, year, key, kept, other, tol))
                dataset.conflicted.setdefault(key, set()).add(index[(entity, year)])
        column = dataset.columns.get(key)
        if column is None:
            column = dataset.columns[key] = np.full(len(rows), np.nan)
            dataset.sources[key] = [None] * len(rows)
        i = index[(entity, year)]
        column[i] = kept.value
        dataset.sources[key][i] = figs[0].provenance if len(figs) == 1 else tuple(f.provenance for f in figs)
    for entity in dataset.entities():
        dataset.attributes.setdefault(entity, {})
    return dataset, findings


def _choose(figs: list[Figure], key: str) -> Figure:
    """The figure kept: from the canonical row rather than a twin, then the
    most precisely printed, then the first read."""
    return min(
        enumerate(figs),
        key=lambda item: (item[1].key != key, -decimals(item[1].provenance.raw), item[0]),
    )[1]


def _conflict(
    catalog: Catalog, entity: str, year: int, key: str, kept: Figure, other: Figure, tol: float
) -> Finding:
    a, b = kept.provenance, other.provenance
    names = tuple(dict.fromkeys(catalog.label(f.key) for f in (kept, other)))
    where_a, where_b = _where(a), _where(b)
    return Finding(
        severity="error",
        rule="source_conflict",
        message=(
            f"{' / '.join(names)} {year}: {where_a} prints {a.raw or kept.value} but "
            f"{where_b} prints {b.raw or other.value}; kept {kept.value:g} from {where_a}"
        ),
        entity=entity,
        year=year,
        indicators=names,
        expected=kept.value,
        actual=other.value,
        tolerance=tol,
        table=f"{a.table or a.file} / {b.table or b.file}",
        provenance=(a, b),
    )


def _where(p: Provenance) -> str:
    """A source as a person looks it up: the caption (or file) and the line."""
    place = p.table or Path(p.file).name
    at = [f"line {p.line}"] if p.line is not None else []
    at += [f"column {p.column}"] if p.column else []
    return f"{place} ({', '.join(at)})" if at else place
