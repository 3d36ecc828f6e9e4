"""Sensitivity of a scorecard's ranks: Monte Carlo over weights and methods, and a weight sweep.

The sweep moves one weight at a time.

Each draw picks one of the listed alternative methods (for every node
alike) and perturbs every node's weights, once per node and draw, so a
draw is one coherent weighting scheme applied to all years.  The random
generator is seeded: the same config gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import ScoringError
from ..progress import steps
from .data import Array, CardData
from .results import number, whole
from .spec import Methods, Node, Scorecard, Sensitivity
from .tree import Scores, Variant, evaluate
from .weights import renormalize


def _pick(rng: np.random.Generator, alternatives: Sequence[str]) -> str | None:
    return alternatives[int(rng.integers(len(alternatives)))] if alternatives else None


def perturber(spec: Sensitivity, rng: np.random.Generator) -> Callable[[Node, Array], Array] | None:
    """One draw's weight perturbation: ``share`` multiplies each weight by a
    factor uniform in [1 − share, 1 + share]; ``dirichlet`` draws the weights
    from Dirichlet(concentration · w), whose mean is w.  Both renormalise."""
    if spec.perturb == "none":
        return None
    drawn: dict[tuple[str, bytes], Array] = {}

    def adjust(node: Node, weights: Array) -> Array:
        key = (node.label, weights.tobytes() if spec.perturb == "dirichlet" else b"")
        if key not in drawn:
            if spec.perturb == "share":
                drawn[key] = rng.uniform(1.0 - spec.share, 1.0 + spec.share, size=weights.size)
            else:
                sample = np.zeros(weights.size)
                positive = weights > 0
                sample[positive] = rng.dirichlet(spec.concentration * weights[positive])
                drawn[key] = sample
        new = weights * drawn[key] if spec.perturb == "share" else drawn[key]
        return renormalize(new) if np.any(new > 0) else weights

    return adjust


def _scale_one(target: Node, j: int, factor: float) -> Callable[[Node, Array], Array]:
    def adjust(node: Node, weights: Array) -> Array:
        if node is not target:
            return weights
        new = weights.copy()
        new[j] *= factor
        return renormalize(new) if np.any(new > 0) else weights

    return adjust


def analyse(card: Scorecard, data: CardData, methods: Methods, base: Scores) -> dict[str, Any]:
    """The ``sensitivity`` record of a scorecard."""
    spec = card.sensitivity
    assert spec is not None
    rng = np.random.default_rng(spec.seed)
    ranks = np.full((spec.draws, data.size), np.nan)
    scores = np.full((spec.draws, data.size), np.nan)
    for d in steps(range(spec.draws), f"{card.name}: Monte Carlo draws", "draw"):
        variant = Variant(
            normalize=_pick(rng, spec.normalize),
            aggregate=_pick(rng, spec.aggregate),
            weights=_pick(rng, spec.weights),
            adjust=perturber(spec, rng),
        )
        try:
            out = evaluate(card, data, methods, variant)
        except ScoringError as exc:
            chosen = ", ".join(
                f"{k} = {v!r}"
                for k, v in (
                    ("normalize", variant.normalize),
                    ("aggregate", variant.aggregate),
                    ("weights", variant.weights),
                )
                if v
            )
            raise ScoringError(f"{exc} (sensitivity draw {d + 1}{': ' + chosen if chosen else ''})") from None
        ranks[d], scores[d] = out.rank, out.score
    return {
        "draws": spec.draws,
        "seed": spec.seed,
        "perturb": spec.perturb,
        "share": spec.share if spec.perturb == "share" else None,
        "concentration": spec.concentration if spec.perturb == "dirichlet" else None,
        "normalize": list(spec.normalize),
        "aggregate": list(spec.aggregate),
        "weights": list(spec.weights),
        "results": _summary(data, base, ranks, scores),
        "sweep": _sweep(card, data, methods, base, spec.sweep),
    }


def _summary(data: CardData, base: Scores, ranks: Array, scores: Array) -> list[dict[str, Any]]:
    """Per entity-year: the configured rank, the median rank over the draws
    and the 5–95 % interval (ranks actually drawn: the inverted-CDF quantile)."""
    rows = []
    for i, (entity, year) in enumerate(data.rows):
        r, s = ranks[:, i], scores[:, i]
        r, s = r[~np.isnan(r)], s[~np.isnan(s)]
        row: dict[str, Any] = {
            "entity": entity,
            "year": year,
            "rank": whole(base.rank[i]),
            "median_rank": None,
            "rank_p05": None,
            "rank_p95": None,
            "score": number(base.score[i]),
            "score_median": None,
            "score_p05": None,
            "score_p95": None,
            "scored_draws": int(r.size),
        }
        if r.size:
            low, high = np.quantile(r, [0.05, 0.95], method="inverted_cdf")
            s_low, s_high = np.quantile(s, [0.05, 0.95], method="inverted_cdf")
            row.update(
                median_rank=float(np.median(r)),
                rank_p05=int(low),
                rank_p95=int(high),
                score_median=float(np.median(s)),
                score_p05=float(s_low),
                score_p95=float(s_high),
            )
        rows.append(row)
    return rows


def _sweep(
    card: Scorecard, data: CardData, methods: Methods, base: Scores, factors: Sequence[float]
) -> list[dict[str, Any]]:
    """Each weight of each node with two or more children scaled by each
    factor in turn, the node's other weights keeping their proportions."""
    rows = []
    for node in card.root.nodes():
        if len(node.children) < 2:
            continue
        for j, child in enumerate(node.children):
            for factor in factors:
                out = evaluate(card, data, methods, Variant(adjust=_scale_one(node, j, factor)))
                for i, (entity, year) in enumerate(data.rows):
                    change = out.rank[i] - base.rank[i]
                    rows.append(
                        {
                            "node": node.label,
                            "weight": child.label,
                            "factor": factor,
                            "entity": entity,
                            "year": year,
                            "score": number(out.score[i]),
                            "rank": whole(out.rank[i]),
                            "rank_change": whole(change),
                        }
                    )
    return rows
