"""A run's metrics and relational checks computed in a database backend, handed back to the engine.

``[engine] backend = "duckdb"`` or ``"postgres"``: the figures (scanned by
DuckDB from CSV and Parquet where it can, else parsed by the readers; the
summary's ``inputs`` says which) go to the backend as the
:data:`~.views.SOURCE` table, the views of
:func:`~.views.render` (as temporary tables) compute every metric there, and
the engine takes the metric columns back in its own row order (one Arrow
fetch, no object per value).  It works out why a null is null on those rows
alone (:func:`vqr_metrics.engine.evaluate_metrics` with ``computed``).  The
checks with an SQL form find their rows there too and word them in the engine
(:func:`~.findings.relational_findings`), and the scorecards with an SQL form
are scored there (:class:`~.scorer.DatabaseScorer`); the other checks and
scorecards and compliance run in the engine.  What ran where is said in the
result's summary.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlglot import exp

from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from ..findings import Findings
from .backend import open_backend
from .compile import identifier
from .dialect import to_sql
from .findings import relational_findings
from .scorer import DatabaseScorer
from .views import METRICS, SOURCE, render

ROWS = "vqr_rows"
KEY = ("entity", "year")


class InDatabase:
    """One run's session with its backend: load, compute, fetch, close."""

    def __init__(self, config: Config, catalog: Catalog, inputs: str) -> None:
        self.config, self.catalog = config, catalog
        self.inputs = inputs  # who read which input (reading.Inputs.read_by)
        self.backend = open_backend(config)
        self.scorer = DatabaseScorer(self.backend, catalog)
        self.columns = pa.table({})
        self.checked: tuple[str, ...] = ()

    def compute_metrics(self, dataset: Dataset, figures: pa.Table) -> None:
        """Every metric over ``figures``, fetched in ``dataset``'s row order."""
        backend = self.backend
        backend.load(SOURCE, figures)
        entities = pa.array(dataset.entity_names, pa.string()).take(pa.array(dataset.entity_codes))
        rows = {"entity": entities, "year": pa.array(dataset.row_years, pa.int64())}
        backend.load(ROWS, pa.table(rows | {"row": pa.array(np.arange(dataset.size, dtype=np.int64))}))
        backend.execute(render(self.catalog, backend.dialect, materialize=True))
        query = (
            exp.select(*(identifier(k, "m") for k in self.catalog.metric_order()))
            .from_(_aliased(ROWS, "r"))
            .join(
                _aliased(METRICS, "m"),
                on=exp.and_(
                    *(
                        exp.EQ(this=identifier(c, "r"), expression=identifier(c, "m"))
                        for c in ("entity", "year")
                    )
                ),
                join_type="LEFT",
            )
            .order_by(identifier("row", "r"))
        )
        self.columns = backend.fetch(to_sql(query, backend.dialect))

    def column(self, key: str) -> npt.NDArray[np.float64]:
        values: npt.NDArray[np.float64] = self.columns[key].to_numpy().astype(np.float64)
        return values

    def findings(self, dataset: Dataset) -> dict[str, Findings]:
        """The findings of the checks with an SQL form, by check id (after the metrics)."""
        found = relational_findings(self.backend, self.catalog, dataset, self.config)
        self.checked = tuple(found)
        return found

    @property
    def ran(self) -> dict[str, str]:
        """Which parts of the run ran where."""
        where = self.backend.dialect
        return {
            "inputs": self.inputs,
            "metrics": where,
            "checks": f"{where}: {', '.join(self.checked)}; engine: the others" if self.checked else "engine",
            "scorecards": self.scorer.ran(),
            "compliance": "engine",
        }

    def close(self) -> None:
        self.backend.close()


def _aliased(name: str, alias: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
    )
