"""The built-in scoring methods: normalisations, weightings, aggregations.

Formulas, edge cases and how contributions are defined are in
docs/scoring.md; the code is in ``vqr_metrics.scoring``.  A third-party
plugin adds a method the same way, under a new id.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Aggregator, Normalizer, Weighting
from vqr_metrics.scoring import aggregate, normalize, weights


def register_normalizers(register: Callable[[Normalizer], None]) -> None:
    register(Normalizer("minmax", "100·(x − min)/(max − min) within the group", normalize.minmax))
    register(
        Normalizer(
            "zscore",
            "center + spread·z, clipped to 0–100 (default 50 + 10·z)",
            normalize.zscore,
            ("center", "spread"),
        )
    )
    register(Normalizer("rank", "100·(n − rank)/(n − 1), ties share the better rank", normalize.rank))
    register(Normalizer("percentile", "100 · share of entities not better", normalize.percentile))
    register(
        Normalizer("goalposts", "100·(x − low)/(high − low), clipped", normalize.goalposts, ("low", "high"))
    )
    register(Normalizer("ratio_to_best", "100·x/best (ARWU style)", normalize.ratio_to_best))
    register(
        Normalizer(
            "ratio_to_threshold",
            "100·min(x/threshold, cap)/cap, 0 below floor",
            normalize.ratio_to_threshold,
            ("threshold", "cap", "floor"),
        )
    )


def register_weightings(register: Callable[[Weighting], None]) -> None:
    # explicit_weights: a child's weight is needed by explicit, a mistake next to the others
    for id_, description, weigh, use in (
        ("explicit", "the configured weights, renormalised", weights.explicit, "required"),
        ("equal", "equal weights", weights.equal, "ignored"),
        ("entropy", "entropy weights (0·ln0 = 0)", weights.entropy, "ignored"),
        ("critic", "CRITIC: spread × conflict", weights.critic, "ignored"),
    ):
        register(Weighting(id_, description, weigh, explicit_weights=use))


def register_aggregators(register: Callable[[Aggregator], None]) -> None:
    register(Aggregator("arithmetic", "weighted arithmetic mean", aggregate.arithmetic))
    register(
        Aggregator(
            "geometric",
            "weighted geometric mean (values > 0, or an offset)",
            aggregate.geometric,
            takes_offset=True,
        )
    )
    register(Aggregator("topsis", "TOPSIS closeness to the ideal, × 100", aggregate.topsis))
