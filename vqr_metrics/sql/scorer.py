"""Scorecards scored in a database backend: extracted values in; normalised values, scores, ranks out.

The engine still extracts a card's values (:func:`vqr_metrics.scoring.data.extract`:
its rows, suspect values left out, ``missing`` applied), so the database
scores exactly what the numpy engine would.  The database then normalises
(window functions over each group), aggregates every node and ranks the
total and each dimension (:func:`~.scores.scored_query`, the layers of the
card's view).  From its normalised values the engine works out what the view
does not give: contributions, effective weights, the share of the weight
backed by reported values and the coverage findings.  A card with a method
that has no SQL form is scored by the engine alone.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..catalog import Catalog
from ..scoring.data import Array, CardData
from ..scoring.spec import Methods, Scorecard
from ..scoring.tree import Scores, evaluate
from .backend import Backend
from .dialect import to_sql
from .scores import lacking_sql, scored_query

CARD = "vqr_card"


def _column(values: Array) -> pa.Array:
    return pa.array(values, pa.float64(), mask=np.isnan(values))


class DatabaseScorer:
    """Scores each scorecard in ``backend`` where it can, and says which ran where."""

    def __init__(self, backend: Backend, catalog: Catalog) -> None:
        self.backend, self.catalog = backend, catalog
        self.methods = Methods.of(catalog)
        self.scored: list[str] = []  # cards scored in the database
        self.engine: list[str] = []  # cards scored by the engine, each with why
        self.analysed: list[str] = []  # cards whose sensitivity analysis the engine runs

    def __call__(self, card: Scorecard, data: CardData) -> Scores:
        if card.sensitivity is not None:
            self.analysed.append(repr(card.name))
        lacking = list(lacking_sql(card, self.methods))
        if lacking:
            self.engine.append(f"{card.name!r} (no SQL form for {', '.join(lacking)})")
            return evaluate(card, data, self.methods)
        leaves, nodes = card.root.leaves(), card.root.nodes()
        table = pa.table(
            {
                "_row": pa.array(np.arange(data.size, dtype=np.int64)),
                "entity": pa.array([e for e, _ in data.rows], pa.string()),
                "year": pa.array([y for _, y in data.rows], pa.int64()),
                **{f"_v{i}": _column(data.values[leaf.label]) for i, leaf in enumerate(leaves)},
            }
        )
        self.backend.load(CARD, table)
        query = scored_query(card, self.catalog, self.methods, CARD)
        got = self.backend.fetch(to_sql(query, self.backend.dialect))

        def column(name: str) -> npt.NDArray[np.float64]:
            return np.asarray(got[name].to_numpy(zero_copy_only=False), dtype=np.float64)

        normalized = {leaf.label: column(f"_n{i}") for i, leaf in enumerate(leaves)}
        scores = evaluate(card, data, self.methods, normalized=normalized)  # contributions, weights, findings
        self.scored.append(repr(card.name))
        dims = list(enumerate(nodes))[1:]
        return attrs.evolve(
            scores,
            score=column("_s0"),
            rank=column("_rank0"),
            dimensions={node.label: column(f"_s{j}") for j, node in dims},
            dimension_ranks={node.label: column(f"_rank{j}") for j, node in dims},
        )

    def ran(self) -> str:
        """Where the scorecards were scored, for the summary."""
        parts, engine = [], []
        if self.scored:
            names = ", ".join(self.scored)
            parts.append(f"{self.backend.dialect}: normalisation, scores and ranks of {names}")
            engine.append("the values they score, contributions and effective weights")
        if self.analysed:
            engine.append(f"the sensitivity analysis of {', '.join(self.analysed)}")
        engine += self.engine
        if engine:
            parts.append(f"engine: {'; '.join(engine)}")
        return "; ".join(parts) or "none"
