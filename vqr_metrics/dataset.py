"""The columnar dataset: an entity-year index × one float64 column per indicator and metric.

:mod:`.merge` fills it from the readers' figures; the engine adds metric columns.

Provenance is one Arrow table, sorted by key and row, so a value's sources are
a slice of it; conflicted flags are boolean arrays per column.  Only readers and
the engine fill it: the values scorecards impute are an output of scoring.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .arrow import PROVENANCE, full_raw, provenance_objects
from .model import Provenance
from .statements import empty_statements

Column = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

PROVENANCE_COLUMNS = ("file", "line", "raw", "table", "column")
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
    arrays = [raw if name == "raw" else part[name] for name in PROVENANCE_COLUMNS]
    chunks = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    return pa.StructArray.from_arrays(chunks, fields=list(PROVENANCE))
