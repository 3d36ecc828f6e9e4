"""The built-in scoring methods: normalisations, weightings, aggregations.

Formulas, edge cases and how contributions are defined are in
docs/scoring.md; the code is in ``vqr_metrics.scoring``.  A third-party
plugin adds a method the same way, under a new id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vqr_metrics.model import Aggregator, Normalizer, Weighting
from vqr_metrics.scoring import aggregate, normalize, weights


def _sql(name: str) -> Callable[..., Any]:
    """The SQL form ``name`` of :mod:`.methods_sql`, imported when first used (it needs the sql extra)."""

    def form(*args: Any) -> Any:
        from . import methods_sql

        return getattr(methods_sql, name)(*args)

    return form


def register_normalizers(register: Callable[[Normalizer], None]) -> None:
    register(
        Normalizer(
            "minmax", "100·(x − min)/(max − min) within the group", normalize.minmax, sql=_sql("minmax")
        )
    )
    register(
        Normalizer(
            "zscore",
            "center + spread·z, clipped to 0–100 (default 50 + 10·z)",
            normalize.zscore,
            ("center", "spread"),
            sql=_sql("zscore"),
        )
    )
    register(
        Normalizer(
            "rank", "100·(n − rank)/(n − 1), ties share the better rank", normalize.rank, sql=_sql("rank")
        )
    )
    register(
        Normalizer(
            "percentile",
            "100 · share of entities not better",
            normalize.percentile,
            sql=_sql("percentile"),
        )
    )
    register(
        Normalizer(
            "goalposts",
            "100·(x − low)/(high − low), clipped",
            normalize.goalposts,
            ("low", "high"),
            sql=_sql("goalposts"),
        )
    )
    register(
        Normalizer(
            "ratio_to_best", "100·x/best (ARWU style)", normalize.ratio_to_best, sql=_sql("ratio_to_best")
        )
    )
    register(
        Normalizer(
            "ratio_to_threshold",
            "100·min(x/threshold, cap)/cap, 0 below floor",
            normalize.ratio_to_threshold,
            ("threshold", "cap", "floor"),
            sql=_sql("ratio_to_threshold"),
        )
    )


def register_weightings(register: Callable[[Weighting], None]) -> None:
    # explicit_weights: a child's weight is needed by explicit, a mistake next to the others;
    # explicit and equal weights read no data, so SQL takes them as numbers
    for id_, description, weigh, use, data in (
        ("explicit", "the configured weights, renormalised", weights.explicit, "required", False),
        ("equal", "equal weights", weights.equal, "ignored", False),
        ("entropy", "entropy weights (0·ln0 = 0)", weights.entropy, "ignored", True),
        ("critic", "CRITIC: spread × conflict", weights.critic, "ignored", True),
    ):
        register(Weighting(id_, description, weigh, explicit_weights=use, depends_on_data=data))


def register_aggregators(register: Callable[[Aggregator], None]) -> None:
    register(
        Aggregator("arithmetic", "weighted arithmetic mean", aggregate.arithmetic, sql=_sql("arithmetic"))
    )
    register(
        Aggregator(
            "geometric",
            "weighted geometric mean (values > 0, or an offset)",
            aggregate.geometric,
            takes_offset=True,
            sql=_sql("geometric"),
        )
    )
    register(Aggregator("topsis", "TOPSIS closeness to the ideal, × 100", aggregate.topsis))
