"""How exact a printed figure is: counts are exact, others good to half a unit in the last printed place."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .. import units
from ..catalog import Catalog
from ..merge import decimals
from ..model import CheckContext
from ..units import COUNT_UNITS, PERCENT

__all__ = ["COUNT_UNITS", "PERCENT", "half_units", "is_count"]


def is_count(catalog: Catalog, key: str) -> bool:
    """Whether ``key`` counts things one by one (its unit is one of COUNT_UNITS)."""
    return units.is_count(catalog.get(key).unit)


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
