"""Figures from every reader merged into the dataset, column-wise: one value per entity, year and indicator.

When two sources report the same quantity (a body table and its appendix
twin, or twin rows declared with ``same_as``) and disagree beyond print
rounding, the conflict becomes a finding naming both sources and both
values.  Only such duplicated cells take a slow path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import as_figures, encoded, figure_objects
from .catalog import Catalog
from .dataset import PROVENANCE_COLUMNS, Column, Dataset, Mask
from .model import Figure, Finding, Provenance


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
    figures: pa.Table | Iterable[Any],
    catalog: Catalog,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Dataset, list[Finding]]:
    """Merge figures (a figures table, or :class:`Figure` objects) into a
    dataset; conflicting sources become findings."""
    table = as_figures(figures)
    if table.num_rows and not pc.all(pc.is_finite(table["value"])).as_py():
        raise ValueError("a figure is not a finite number (a reader reports such a cell as a finding)")
    n = table.num_rows
    if not n:
        dataset = Dataset(attributes=attributes)
        for entity in dataset.attributes:
            dataset.attributes.setdefault(entity, {})
        return dataset, []
    entity_enc = encoded(table["entity"])
    names = entity_enc.dictionary.to_pylist()
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    years = table["year"].to_numpy()
    ymin = int(years.min())
    span = int(years.max()) - ymin + 1
    cell_row = rank[entity_enc.indices.to_numpy()] * span + (years - ymin)
    unique_rows, inverse = np.unique(cell_row, return_inverse=True)
    del cell_row
    row_of = inverse.astype(np.int32).reshape(-1)
    del inverse
    used = np.unique(unique_rows // span)  # a dictionary may hold texts no figure uses
    dataset = Dataset(
        attributes=attributes,
        index=(
            [names[order[int(r)]] for r in used],
            np.searchsorted(used, unique_rows // span).astype(np.int32),
            (unique_rows % span + ymin).astype(np.int32),
        ),
    )
    key_enc = encoded(table["key"])
    canon_names = [catalog.canonical(k) for k in key_enc.dictionary.to_pylist()]
    canon_keys = list(dict.fromkeys(canon_names))
    canon_id = np.array([canon_keys.index(c) for c in canon_names], dtype=np.int32)
    key_of = canon_id[key_enc.indices.to_numpy()]
    # Columns in the order their key first appears among the figures.
    firsts = np.unique(key_of, return_index=True)
    appearance = [canon_keys[int(k)] for k in firsts[0][np.argsort(firsts[1])]]
    # one stable sort by (key, row): ties keep the order the figures were read in
    group = key_of.astype(np.int64) * dataset.size + row_of
    sort = np.argsort(group, kind="stable")
    group = group[sort]
    sorted_keys, sorted_rows = key_of[sort], row_of[sort]
    del key_of, row_of
    values = table["value"].to_numpy()
    bounds = np.searchsorted(sorted_keys, np.arange(len(canon_keys) + 1))
    columns: dict[str, Column] = {}
    for k, key in enumerate(canon_keys):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        column = np.full(dataset.size, np.nan)
        column[sorted_rows[lo:hi]] = values[sort[lo:hi]]
        columns[key] = column
    for key in appearance:
        dataset.set_column(key, columns[key], derived=False)
    starts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    counts = np.diff(np.concatenate([starts, [n]]))
    findings = _merge_duplicates(table, catalog, dataset, sort, starts, counts)
    del group
    sources = table.select(["value", *PROVENANCE_COLUMNS]).take(pa.array(sort))
    sources = sources.add_column(0, "row", pa.array(sorted_rows.astype(np.int32)))
    dataset.set_sources(sources.add_column(0, "key_id", pa.array(sorted_keys)), canon_keys)
    for entity in dataset.entity_names:
        dataset.attributes.setdefault(entity, {})
    return dataset, findings


def _merge_duplicates(
    table: pa.Table,
    catalog: Catalog,
    dataset: Dataset,
    sort: npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp],
    counts: npt.NDArray[np.intp],
) -> list[Finding]:
    """The slow path: cells printed more than once.  The kept figure wins the
    column; every other one that disagrees beyond rounding is a finding.
    Groups are visited in the order their first figure was read."""
    dup = counts > 1
    groups = sorted(zip(sort[starts[dup]].tolist(), starts[dup].tolist(), counts[dup].tolist(), strict=True))
    findings: list[Finding] = []
    conflicted: dict[str, Mask] = {}
    where = dataset.index() if groups else {}
    for _, start, count in groups:
        figs = _figures_at(table, sort[start : start + count])
        key = catalog.canonical(figs[0].key)
        kept = _choose(figs, key)
        entity, year = kept.entity, kept.year
        row = where[(entity, year)]
        for other in figs:
            if other is kept:
                continue
            tol = rounding_tolerance(kept.provenance, other.provenance)
            if abs(kept.value - other.value) > tol:
                findings.append(_conflict(catalog, entity, year, key, kept, other, tol))
                conflicted.setdefault(key, np.zeros(dataset.size, dtype=bool))[row] = True
        dataset.columns[key][row] = kept.value
    for key, mask in conflicted.items():
        dataset.mark_conflicted(key, mask)
    return findings


def _figures_at(table: pa.Table, rows: npt.NDArray[np.intp]) -> list[Figure]:
    return figure_objects(table.take(pa.array(rows)))


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
