"""Values pivoted wide — entity-year rows × indicator columns — for the CSV ``wide`` layout and XLSX.

Built column-wise from the values table: one float column per key, NaN where
the entity-year has no value.  Values a scorecard imputed are left out (they
are computed, not data), so the table reads back in as the input it was.
Rows are entities in natural order (第2 before 第10), each entity's years
ascending; columns keep the values' order (the catalog's).
"""

from __future__ import annotations

import re

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from vqr_metrics.result import Result
from vqr_metrics.units import with_unit
from vqr_metrics.values import VALUES

# The headers a wide input reads as the row's school attributes.
ATTRIBUTE_HEADERS = {"level": "层次", "type": "类型"}


def natural(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key comparing the numbers in a name as numbers: 第2 before 第10."""
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


@attrs.frozen
class Wide:
    """``entity[i]``, ``year[i]`` of row ``i``; ``columns[j][i]`` the value of key ``keys[j]``."""

    entity: pa.Array
    year: npt.NDArray[np.int32]
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    units: tuple[str, ...]
    columns: tuple[npt.NDArray[np.float64], ...]
    attributes: dict[str, pa.Array]

    def header(self, j: int, open_: str = "(", close: str = ")") -> str:
        """The column's label with its unit in brackets, as a wide input reads it."""
        return with_unit(self.labels[j], self.units[j], (open_, close))


def wide(result: Result, derived: bool) -> Wide:
    """The input values (``derived=False``) or the derived metrics, wide."""
    columns = ["entity", "year", "key", "label", "unit", "value", "derived", "imputed"]
    # batch by batch, so the provenance lists are never held for the whole result
    parts = [pa.Table.from_batches([batch]).select(columns) for batch in result.values.batches()]
    table = pa.concat_tables(parts) if parts else VALUES.empty_table().select(columns)
    table = table.filter(pc.and_(pc.equal(table["derived"], derived), pc.invert(table["imputed"])))
    entity = pc.dictionary_encode(pc.cast(table["entity"], pa.string()).combine_chunks())
    names = entity.dictionary.to_pylist()
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=lambda i: natural(names[i]))] = np.arange(len(names))
    years = table["year"].to_numpy().astype(np.int64)
    low = int(years.min()) if len(years) else 0
    span = int(years.max()) - low + 1 if len(years) else 1
    codes = rank[entity.indices.to_numpy()].astype(np.int64) if len(names) else np.zeros(0, np.int64)
    rows, row_of = np.unique(codes * span + (years - low), return_inverse=True)
    by_rank = np.argsort(rank) if len(names) else np.zeros(0, np.int64)
    entity_at = pa.array(names, pa.string()).take(pa.array(by_rank[rows // span]))
    key = pc.dictionary_encode(pc.cast(table["key"], pa.string()).combine_chunks())
    first = np.unique(key.indices.to_numpy(), return_index=True)[1]
    order = np.argsort(first, kind="stable")  # keys in order of first appearance
    column_of = np.empty(len(order), dtype=np.int64)
    column_of[order] = np.arange(len(order))
    matrix = np.full((len(order), len(rows)), np.nan)
    matrix[column_of[key.indices.to_numpy()], row_of] = table["value"].to_numpy()
    at = first[order]
    labels = pc.cast(table["label"], pa.string()).take(pa.array(at)).to_pylist() if len(at) else []
    units = pc.cast(table["unit"], pa.string()).take(pa.array(at)).to_pylist() if len(at) else []
    return Wide(
        entity=entity_at,
        year=(rows % span + low).astype(np.int32),
        keys=tuple(key.dictionary.take(pa.array(order)).to_pylist()) if len(order) else (),
        labels=tuple(labels),
        units=tuple(u or "" for u in units),
        columns=tuple(matrix),
        attributes=_attributes(result, entity_at),
    )


def _attributes(result: Result, entity: pa.Array) -> dict[str, pa.Array]:
    """Each row's school level and type, where the run knew them (per entity, not per row)."""
    known = result.dataset.attributes if result.dataset is not None else {}
    names = pc.dictionary_encode(entity)
    out = {}
    for attribute, header in ATTRIBUTE_HEADERS.items():
        per_entity = [known.get(n, {}).get(attribute) for n in names.dictionary.to_pylist()]
        if any(per_entity):
            out[header] = pa.array(per_entity, pa.string()).take(names.indices)
    return out
