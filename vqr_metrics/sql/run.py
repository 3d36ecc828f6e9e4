"""A run's metrics computed in a database backend, handed back to the engine as columns.

``[engine] backend = "duckdb"`` or ``"postgres"``: the merged figures go to the
backend as the :data:`~.views.SOURCE` table, the views of
:func:`~.views.render` compute every metric there, and the engine takes the
metric columns back in its own row order (one Arrow fetch, no object per
value).  It still works out why a null is null on those rows alone
(:func:`vqr_metrics.engine.evaluate_metrics` with ``computed``), runs the
checks and scores.  What ran where is said in the result's summary.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlglot import exp

from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from .backend import Backend, open_backend
from .compile import identifier
from .views import METRICS, SOURCE, render

ROWS = "vqr_rows"


@attrs.frozen
class Computed:
    """Metric columns computed in a backend, in the dataset's row order."""

    columns: pa.Table
    where: str

    def column(self, key: str) -> npt.NDArray[np.float64]:
        values: npt.NDArray[np.float64] = self.columns[key].to_numpy().astype(np.float64)
        return values

    @property
    def ran(self) -> dict[str, str]:
        """Which parts of the run ran where."""
        return {"metrics": self.where, "checks": "engine", "scorecards": "engine"}


def compute(config: Config, catalog: Catalog, dataset: Dataset, figures: pa.Table) -> Computed:
    """Every metric of ``catalog`` over ``figures``, computed in the config's backend."""
    backend = open_backend(config)
    try:
        return Computed(_metrics(backend, catalog, dataset, figures), backend.dialect)
    finally:
        backend.close()


def _metrics(backend: Backend, catalog: Catalog, dataset: Dataset, figures: pa.Table) -> pa.Table:
    backend.load(SOURCE, figures)
    rows = pa.table(
        {
            "entity": pa.array(dataset.entity_names, pa.string()).take(pa.array(dataset.entity_codes)),
            "year": pa.array(dataset.row_years, pa.int64()),
            "row": pa.array(np.arange(dataset.size, dtype=np.int64)),
        }
    )
    backend.load(ROWS, rows)
    backend.execute(render(catalog, backend.dialect, materialize=True))
    keys = catalog.metric_order()
    of_row = exp.to_identifier("r", quoted=True)
    of_metric = exp.to_identifier("m", quoted=True)
    query = (
        exp.select(*(identifier(k, "m") for k in keys))
        .from_(exp.Table(this=exp.to_identifier(ROWS, quoted=True), alias=exp.TableAlias(this=of_row)))
        .join(
            exp.Table(this=exp.to_identifier(METRICS, quoted=True), alias=exp.TableAlias(this=of_metric)),
            on=exp.and_(
                exp.EQ(this=identifier("entity", "r"), expression=identifier("entity", "m")),
                exp.EQ(this=identifier("year", "r"), expression=identifier("year", "m")),
            ),
            join_type="LEFT",
        )
        .order_by(identifier("row", "r"))
    )
    return backend.fetch(query.sql(backend.dialect))
