"""How exact a printed figure is: counts are exact, others good to half a unit in the last printed place."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import Catalog
from ..dataset import decimals
from ..model import CheckContext
from ..names import normalize_unit

# Units of things counted one by one: their figures are whole and exact.
COUNT_UNITS = frozenset(normalize_unit(u) for u in ("人", "个", "门", "所", "项", "本", "部", "台", "人次"))
PERCENT = "%"


def is_count(catalog: Catalog, key: str) -> bool:
    return normalize_unit(catalog.get(key).unit) in COUNT_UNITS


def half_units(context: CheckContext, key: str, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    """Half a unit in the last place each of ``rows`` (ascending) of ``key``
    was printed with, the coarsest of its sources; 0 for counts, which are exact."""
    catalog = context.catalog
    if is_count(catalog, key) or not len(rows):
        return np.zeros(len(rows))
    lists = context.dataset.provenance_lists(catalog.canonical(key), rows)
    raw = pc.struct_field(lists.flatten(), "raw")
    owner = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    places = np.full(len(rows), np.iinfo(np.int64).max)
    if len(raw):
        # Decimals are counted once per distinct spelling, not once per cell.
        spellings = pc.unique(raw)
        counted = pa.array([decimals(t) if t else None for t in spellings.to_pylist()], pa.int64())
        per_cell = pc.take(counted, pc.index_in(raw, spellings)).to_numpy(zero_copy_only=False)
        known = ~np.isnan(per_cell)
        np.minimum.at(places, owner[known], per_cell[known].astype(np.int64))
    places[places == np.iinfo(np.int64).max] = 0
    return 0.5 / 10.0 ** places.astype(np.float64)
