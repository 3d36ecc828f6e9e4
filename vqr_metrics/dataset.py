"""The columnar dataset: an entity-year index × one float64 column per indicator and metric.

Figures from every reader are merged here, column-wise: one value per (entity,
year, canonical indicator).  When two sources report the same quantity (a body
table and its appendix twin, or twin rows declared with ``same_as``) and
disagree beyond print rounding, the conflict becomes a finding naming both
sources and both values.  Only such duplicated cells take a slow path.

Provenance is one Arrow table, sorted by key and row, so a value's sources are
a slice of it; conflicted flags are boolean arrays per column.  Only readers and
the engine fill it: the values scorecards impute are an output of scoring.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import PROVENANCE, as_figures, encoded, figure_objects, full_raw, provenance_objects
from .catalog import Catalog
from .model import Figure, Finding, Provenance
from .statements import empty_statements

Column = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

_PROVENANCE_COLUMNS = ("file", "line", "raw", "table", "column")
# Why a cell is null, as the codes of :meth:`Dataset.null_reasons` (0: it has a value).
NULL_REASONS = (
    "",
    "not_reported",
    "missing_input",
    "zero_denominator",
    "no_previous_year",
    "not_a_number",
    "not_in_edition",
)


class Dataset:
    """Rows are ``(entity, year)`` pairs held as two arrays (entity codes into
    ``entity_names``, years); ``columns`` map keys to float columns, NaN for
    missing.  Stages change it only through its methods."""

    def __init__(
        self,
        rows: Sequence[tuple[str, int]] = (),
        columns: Mapping[str, Column] | None = None,
        attributes: Mapping[str, Mapping[str, str]] | None = None,
        *,
        index: tuple[Sequence[str], npt.NDArray[np.int32], npt.NDArray[np.int32]] | None = None,
    ) -> None:
        if index is None:
            names = list(dict.fromkeys(entity for entity, _ in rows))
            code = {name: i for i, name in enumerate(names)}
            index = (
                names,
                np.array([code[e] for e, _ in rows], dtype=np.int32),
                np.array([y for _, y in rows], dtype=np.int32),
            )
        self.entity_names: list[str] = list(index[0])
        self.entity_codes: npt.NDArray[np.int32] = index[1]
        self.row_years: npt.NDArray[np.int32] = index[2]
        self.columns: dict[str, Column] = dict(columns or {})
        self.attributes: dict[str, dict[str, str]] = {k: dict(v) for k, v in (attributes or {}).items()}
        self.derived: set[str] = set()
        # Rows of a key whose sources disagree (source_conflict), and of every
        # derived value computed from such a figure: they stay visible as such.
        self.conflicted: dict[str, Mask] = {}
        # Rows of a key an error-level finding is about (other than a
        # source_conflict), and of every value computed from one: never trusted.
        self.suspect = SparseMasks(self.size)
        self._suspect_rules: dict[tuple[str, int], tuple[str, ...]] = {}
        self._reasons: dict[str, npt.NDArray[np.int8]] = {}  # metrics: why null (NULL_REASONS)
        # What the inputs' prose says (vqr_metrics.statements.STATEMENTS), for checks to compare.
        self.statements: pa.Table = empty_statements()
        self._sources: pa.Table | None = None  # provenance, sorted by key then row
        self._segments: dict[str, tuple[int, int]] = {}
        self._source_rows: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._rows: list[tuple[str, int]] | None = None
        self._index: dict[tuple[str, int], int] | None = None

    # --- the index -----------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.row_years)

    @property
    def rows(self) -> list[tuple[str, int]]:
        """The rows as ``(entity, year)`` tuples (made once, for slow paths)."""
        if self._rows is None:
            names = self.entity_names
            self._rows = [
                (names[c], y)
                for c, y in zip(self.entity_codes.tolist(), self.row_years.tolist(), strict=True)
            ]
        return self._rows

    def index(self) -> dict[tuple[str, int], int]:
        if self._index is None:
            self._index = {row: i for i, row in enumerate(self.rows)}
        return self._index

    def prev_index(self) -> npt.NDArray[np.intp]:
        """For each row, the row of the same entity one year earlier, or -1."""
        if not self.size:
            return np.zeros(0, dtype=np.intp)
        years = self.row_years.astype(np.int64)
        span = int(years.max() - years.min()) + 2
        code = self.entity_codes.astype(np.int64) * span + (years - years.min() + 1)
        order = np.argsort(code, kind="stable")
        wanted = code - 1
        at = np.searchsorted(code[order], wanted)
        at_clipped = np.minimum(at, self.size - 1)
        found = code[order][at_clipped] == wanted
        return np.where(found, order[at_clipped], -1).astype(np.intp)

    def years(self) -> list[int]:
        return sorted(set(np.unique(self.row_years).tolist()))

    def entities(self) -> list[str]:
        """Entities in row order of first appearance."""
        seen = np.unique(self.entity_codes, return_index=True)
        return [self.entity_names[int(c)] for c in seen[0][np.argsort(seen[1])]]

    # --- values ---------------------------------------------------------------

    def column(self, key: str) -> Column:
        """The column for ``key``; all-NaN when nothing reported it."""
        found = self.columns.get(key)
        return found if found is not None else np.full(self.size, np.nan)

    def value(self, entity: str, year: int, key: str) -> float | None:
        i = self.index().get((entity, year))
        if i is None or key not in self.columns:
            return None
        v = float(self.columns[key][i].item())
        return None if math.isnan(v) else v

    def set_column(self, key: str, values: Column, *, derived: bool) -> None:
        self.columns[key] = values
        if derived:
            self.derived.add(key)

    def set_null_reasons(self, key: str, reasons: npt.NDArray[np.int8]) -> None:
        self._reasons[key] = reasons

    def null_reasons(self, key: str) -> npt.NDArray[np.int8]:
        """Per row, why ``key`` is null, as an index into :data:`NULL_REASONS`
        (0 where it has a value; an input without one was not reported)."""
        found = self._reasons.get(key)
        if found is not None:
            return found
        return np.where(np.isnan(self.column(key)), 1, 0).astype(np.int8)

    def mark_conflicted(self, key: str, rows: Mask) -> None:
        if rows.any():
            self.conflicted[key] = rows

    def mark_suspect(self, key: str, rows: Mask, rules: Mapping[int, tuple[str, ...]] | None = None) -> None:
        """Flag ``rows`` of ``key`` as suspect; ``rules`` are the rules of the
        findings about each row a finding is directly about."""
        self.suspect.add(key, rows)
        for row, named in (rules or {}).items():
            self._suspect_rules[(key, row)] = tuple(
                dict.fromkeys((*self._suspect_rules.get((key, row), ()), *named))
            )

    def suspect_rules(self, key: str, i: int) -> tuple[str, ...]:
        """The rules of the error findings about row ``i`` of ``key`` (empty when it is suspect only
        through what it was computed from)."""
        return self._suspect_rules.get((key, i), ())

    def untrusted(self, key: str) -> Mask:
        """Rows of ``key`` that are suspect or rest on sources that disagree."""
        out = np.zeros(self.size, dtype=bool)
        for masks in (self.suspect, self.conflicted):
            if key in masks:
                out |= masks[key]
        return out

    def in_conflict(self, key: str, i: int) -> bool:
        """Whether row ``i`` of ``key`` rests on sources that disagree."""
        found = self.conflicted.get(key)
        return bool(found[i]) if found is not None else False

    # --- provenance -------------------------------------------------------------

    def provenance(self, i: int, key: str) -> tuple[Provenance, ...]:
        """Where the value of row ``i``, column ``key`` was read (empty if derived)."""
        seg = self._segments.get(key)
        if seg is None or self._sources is None:
            return ()
        lo, hi = seg
        rows = self._source_rows[lo:hi]
        start, stop = np.searchsorted(rows, i, "left"), np.searchsorted(rows, i, "right")
        if start == stop:
            return ()
        part = self._sources.slice(lo + int(start), int(stop - start))
        return provenance_objects(_structs(part).to_pylist())

    def provenance_lists(self, key: str, rows: npt.NDArray[np.intp]) -> pa.Array:
        """The sources of each of ``rows`` (ascending) of ``key``, as a
        list-of-structs column."""
        seg = self._segments.get(key)
        counts = np.zeros(len(rows), dtype=np.int64)
        child: pa.Array = pa.array([], PROVENANCE)
        if seg is not None and self._sources is not None:
            lo, hi = seg
            sourced = self._source_rows[lo:hi]
            start = np.searchsorted(sourced, rows, "left")
            counts = np.searchsorted(sourced, rows, "right") - start
            part = self._sources.slice(lo, hi - lo)
            if counts.sum() < hi - lo:  # only some rows: their sources alone
                first = np.repeat(start - (np.cumsum(counts) - counts), counts)
                part = part.take(pa.array(first + np.arange(counts.sum())))
            child = _structs(part)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), child)

    def set_sources(self, sources: pa.Table, keys: Sequence[str]) -> None:
        """Provenance rows ``(key_id, row, value, file, line, raw, table, column)``
        sorted by key id then row; ``keys`` names the key ids."""
        ids = sources["key_id"].to_numpy()
        self._source_rows = sources["row"].to_numpy().astype(np.int32)
        self._sources = sources.drop_columns(["key_id", "row"])
        bounds = np.searchsorted(ids, np.arange(len(keys) + 1))
        self._segments = {
            key: (int(bounds[k]), int(bounds[k + 1]))
            for k, key in enumerate(keys)
            if bounds[k + 1] > bounds[k]
        }


class SparseMasks(Mapping[str, Mask]):
    """Row masks per key kept as the rows they flag: a flag that touches a
    few rows of each of hundreds of keys costs those rows, not a mask each."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: dict[str, npt.NDArray[np.int32]] = {}

    def add(self, key: str, mask: Mask) -> None:
        rows = np.flatnonzero(mask).astype(np.int32)
        if len(rows):
            found = self._rows.get(key)
            self._rows[key] = rows if found is None else np.union1d(found, rows).astype(np.int32)

    def at(self, key: str, i: int) -> bool:
        """Whether row ``i`` of ``key`` is flagged (without making its mask)."""
        rows = self._rows.get(key)
        if rows is None:
            return False
        j = int(np.searchsorted(rows, i))
        return j < len(rows) and int(rows[j]) == i

    def __getitem__(self, key: str) -> Mask:
        mask = np.zeros(self.size, dtype=bool)
        mask[self._rows[key]] = True
        return mask

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows


def _structs(part: pa.Table) -> pa.Array:
    """Provenance structs of a slice of the sources table, raw text filled in."""
    part = part.combine_chunks()
    raw = full_raw(part["raw"], part["value"])
    arrays = [raw if name == "raw" else part[name] for name in _PROVENANCE_COLUMNS]
    chunks = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    return pa.StructArray.from_arrays(chunks, fields=list(PROVENANCE))


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
    sources = table.select(["value", *_PROVENANCE_COLUMNS]).take(pa.array(sort))
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
