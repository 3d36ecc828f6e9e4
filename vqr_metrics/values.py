"""The values of a result as one Arrow table: inputs (merged) and derived metrics, with provenance.

Built column by column from the dataset; a :class:`~vqr_metrics.model.Value`
object is made only when a caller iterates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import PROVENANCE_LIST, provenance_objects, to_pandas, to_polars
from .catalog import Catalog
from .dataset import Dataset
from .model import Value

_TEXT = pa.dictionary(pa.int32(), pa.string())
VALUES = pa.schema(
    [
        pa.field("entity", _TEXT),
        pa.field("year", pa.int32()),
        pa.field("key", _TEXT),
        pa.field("name", _TEXT),
        pa.field("label", _TEXT),
        pa.field("unit", _TEXT),
        pa.field("value", pa.float64()),
        pa.field("derived", pa.bool_()),
        pa.field("imputed", pa.bool_()),
        pa.field("conflicted", pa.bool_()),
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
    )


class Values:
    """An immutable table of values (:data:`VALUES`).  Iterating yields
    :class:`Value` objects, chunk by chunk; ``to_arrow()`` is the table."""

    def __init__(self, table: pa.Table | None = None) -> None:
        self._table = VALUES.empty_table() if table is None else table

    def to_arrow(self) -> pa.Table:
        return self._table

    def to_pandas(self) -> Any:
        return to_pandas(self._table)

    def to_polars(self) -> Any:
        return to_polars(self._table)

    def __len__(self) -> int:
        return int(self._table.num_rows)

    def __iter__(self) -> Iterator[Value]:
        for batch in self._table.to_batches(max_chunksize=4096):
            yield from (_value(r) for r in batch.to_pylist())

    def __getitem__(self, i: int) -> Value:
        return _value(self._table.slice(i, 1).to_pylist()[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Values) and self._table.equals(other._table)

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<Values: {len(self)} rows>"

    def derived_count(self) -> int:
        return int(pc.sum(self._table["derived"]).as_py() or 0) if len(self) else 0

    def lookup(self, entity: str, year: int, key: str) -> float | None:
        t = self._table
        mask = pc.and_(
            pc.and_(pc.equal(t["entity"].cast(pa.string()), entity), pc.equal(t["year"], year)),
            pc.equal(t["key"].cast(pa.string()), key),
        )
        found = t.filter(mask)
        return None if not found.num_rows else found["value"][0].as_py()


def value_order(dataset: Dataset, catalog: Catalog) -> list[str]:
    """Inputs first, then derived metrics, each in catalog order."""
    order = [k for k in catalog.indicators if k in dataset.columns and k not in dataset.derived]
    order += [k for k in catalog.metric_order() if k in dataset.columns]
    seen = set(order)
    return order + [k for k in dataset.columns if k not in seen]


def collect_values(dataset: Dataset, catalog: Catalog) -> Values:
    """Every non-null value of the dataset, inputs first, then derived, each
    in catalog order and, within a key, in row order."""
    keys = value_order(dataset, catalog)
    rows, key_ids, values, imputed, conflicted, provenance = [], [], [], [], [], []
    for k, key in enumerate(keys):
        column = dataset.columns[key]
        at = np.flatnonzero(~np.isnan(column))
        rows.append(at)
        key_ids.append(np.full(at.size, k, dtype=np.int32))
        values.append(column[at])
        flags = dataset.imputed.get(key)
        imputed.append(flags[at] if flags is not None else np.zeros(at.size, dtype=bool))
        mask = dataset.conflicted.get(key)
        conflicted.append(mask[at] if mask is not None else np.zeros(at.size, dtype=bool))
        provenance.append(dataset.provenance_lists(key, at))
    if not keys:
        return Values()
    row = np.concatenate(rows)
    key_id = np.concatenate(key_ids)
    items = [catalog.get(key) for key in keys]

    def per_key(texts: list[str]) -> pa.DictionaryArray:
        """A text of each value's key, its dictionary without repeats (pandas needs that)."""
        unique = list(dict.fromkeys(texts))
        remap = np.array([unique.index(t) for t in texts], dtype=np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(remap[key_id]), pa.array(unique, pa.string()))

    entity = pa.DictionaryArray.from_arrays(
        pa.array(dataset.entity_codes[row], pa.int32()), pa.array(dataset.entity_names, pa.string())
    )
    derived = np.isin(key_id, [k for k, key in enumerate(keys) if key in dataset.derived])
    table = pa.Table.from_arrays(
        [
            entity,
            pa.array(dataset.row_years[row], pa.int32()),
            per_key(keys),
            per_key([item.name for item in items]),
            per_key([catalog.label(key) or item.name for key, item in zip(keys, items, strict=True)]),
            per_key([item.unit for item in items]),
            pa.array(np.concatenate(values), pa.float64()),
            pa.array(derived, pa.bool_()),
            pa.array(np.concatenate(imputed), pa.bool_()),
            pa.array(np.concatenate(conflicted), pa.bool_()),
            pa.chunked_array(provenance, PROVENANCE_LIST),
        ],
        schema=VALUES,
    )
    return Values(table)
