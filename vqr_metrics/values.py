"""The values of a result as one Arrow table: inputs (merged) and derived metrics, with provenance.

Built column by column from the dataset and the values scorecards imputed
(:class:`~vqr_metrics.scoring.data.Imputations`, shown flagged ``imputed``);
a :class:`~vqr_metrics.model.Value` object is made only when a caller iterates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import PROVENANCE_LIST, TEXT, constant, provenance_objects, to_pandas, to_polars
from .catalog import Catalog
from .dataset import Dataset
from .model import Value

if TYPE_CHECKING:
    from .scoring.data import Imputations

VALUES = pa.schema(
    [
        pa.field("entity", TEXT),
        pa.field("year", pa.int32()),
        pa.field("key", TEXT),
        pa.field("name", TEXT),
        pa.field("label", TEXT),
        pa.field("unit", TEXT),
        pa.field("value", pa.float64()),
        pa.field("derived", pa.bool_()),
        pa.field("imputed", pa.bool_()),
        pa.field("conflicted", pa.bool_()),
        # Carries an error-level finding (a source_conflict included) or is computed from one.
        pa.field("suspect", pa.bool_()),
        pa.field("provenance", PROVENANCE_LIST),
    ]
)


def _value(r: dict[str, Any]) -> Value:
    return Value(
        entity=r["entity"],
        year=r["year"],
        key=r["key"],
        name=r["name"],
        unit=r["unit"],
        value=r["value"],
        derived=r["derived"],
        provenance=provenance_objects(r["provenance"]),
        imputed=r["imputed"],
        label=r["label"],
        conflicted=r["conflicted"],
        suspect=r["suspect"],
    )


class Values:
    """The values of a result (:data:`VALUES`), made a key at a time from
    the dataset when a writer streams them (``batches()``); ``to_arrow()``
    builds the whole table once, on request.  Iterating yields :class:`Value`
    objects, a batch at a time."""

    def __init__(self, table: pa.Table | None = None, *, source: _Source | None = None) -> None:
        self._table = table if table is not None or source is not None else VALUES.empty_table()
        self._source = source

    def batches(self) -> Iterator[pa.RecordBatch]:
        if self._table is not None:
            yield from self._table.to_batches()
        else:
            assert self._source is not None
            yield from self._source.batches()

    def to_arrow(self) -> pa.Table:
        if self._table is None:
            self._table = pa.Table.from_batches(list(self.batches()), schema=VALUES)
        return self._table

    def to_pandas(self) -> Any:
        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        return to_polars(self.to_arrow())

    def __len__(self) -> int:
        return self._source.count if self._source is not None else int(self.to_arrow().num_rows)

    def __iter__(self) -> Iterator[Value]:
        for batch in self.batches():
            for chunk in pa.Table.from_batches([batch]).to_batches(max_chunksize=4096):
                yield from (_value(r) for r in chunk.to_pylist())

    def __getitem__(self, i: int) -> Value:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"value {i} of {n}")
        return _value(self.to_arrow().slice(i % n, 1).to_pylist()[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Values) and self.to_arrow().equals(other.to_arrow())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<Values: {len(self)} rows>"

    def derived_count(self) -> int:
        if self._source is not None:
            return self._source.derived
        t = self.to_arrow()
        return int(pc.sum(t["derived"]).as_py() or 0) if t.num_rows else 0

    def lookup(self, entity: str, year: int, key: str) -> float | None:
        if self._source is not None:
            return self._source.value(entity, year, key)
        t = self.to_arrow()
        mask = pc.and_(
            pc.and_(pc.equal(t["entity"].cast(pa.string()), entity), pc.equal(t["year"], year)),
            pc.equal(t["key"].cast(pa.string()), key),
        )
        found = t.filter(mask)
        return None if not found.num_rows else found["value"][0].as_py()


def value_order(dataset: Dataset, catalog: Catalog, imputed: Iterable[str] = ()) -> list[str]:
    """Inputs first, then derived metrics, each in catalog order (with the
    keys only scorecards filled, ``imputed``)."""
    present = {*dataset.columns, *imputed}
    order = [k for k in catalog.indicators if k in present and k not in dataset.derived]
    order += [k for k in catalog.metric_order() if k in present]
    seen = set(order)
    return order + [k for k in dataset.columns if k not in seen]


class _Source:
    """Values drawn from a finished dataset and what scoring imputed, one batch per key, in value order."""

    def __init__(self, dataset: Dataset, catalog: Catalog, imputations: Imputations | None) -> None:
        self.dataset = dataset
        self.imputations = imputations
        self.keys = value_order(dataset, catalog, imputations.rows if imputations else ())
        self.items = [catalog.get(key) for key in self.keys]
        self.labels = [
            catalog.label(key) or item.name for key, item in zip(self.keys, self.items, strict=True)
        ]
        counts = [int(np.count_nonzero(~np.isnan(self.column(key)[0]))) for key in self.keys]
        self.count = sum(counts)
        self.derived = sum(c for c, key in zip(counts, self.keys, strict=True) if key in dataset.derived)

    def column(self, key: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None]:
        """The values of ``key`` with the imputed ones filled in, and which those are."""
        if self.imputations is None:
            return self.dataset.column(key), None
        return self.imputations.column(key, self.dataset)

    def value(self, entity: str, year: int, key: str) -> float | None:
        i = self.dataset.index().get((entity, year))
        if i is None:
            return None
        v = float(self.column(key)[0][i])
        return None if math.isnan(v) else v

    def batches(self) -> Iterator[pa.RecordBatch]:
        data = self.dataset
        names = pa.array(data.entity_names, pa.string())
        for key, item, label in zip(self.keys, self.items, self.labels, strict=True):
            column, flags = self.column(key)
            at = np.flatnonzero(~np.isnan(column))
            if not at.size:
                continue
            n = at.size
            mask = data.conflicted.get(key)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.DictionaryArray.from_arrays(pa.array(data.entity_codes[at], pa.int32()), names),
                    pa.array(data.row_years[at], pa.int32()),
                    constant(key, n),
                    constant(item.name, n),
                    constant(label, n),
                    constant(item.unit, n),
                    pa.array(column[at], pa.float64()),
                    pa.array(np.full(n, key in data.derived), pa.bool_()),
                    pa.array(flags[at] if flags is not None else np.zeros(n, dtype=bool), pa.bool_()),
                    pa.array(mask[at] if mask is not None else np.zeros(n, dtype=bool), pa.bool_()),
                    pa.array(data.untrusted(key)[at], pa.bool_()),
                    data.provenance_lists(key, at),
                ],
                schema=VALUES,
            )


def collect_values(dataset: Dataset, catalog: Catalog, imputations: Imputations | None = None) -> Values:
    """Every non-null value of the dataset, and every value scorecards
    ``imputed`` (flagged), inputs first, then derived, each in catalog order
    and, within a key, in row order (made when read)."""
    return Values(source=_Source(dataset, catalog, imputations))
