"""Evaluating a scorecard tree, group by group (a year, or all years).

Leaves are normalised; each node weighs its children (the weighting sees
the normalised matrix with NaN for every cell that is missing or rests on an
imputed value, so data-driven weights come from reported data only), drops
the children an entity did not report and
renormalises the rest (``reweight``; below ``min_coverage`` of the weight
the node has no score), then aggregates.  Contributions are carried down:
a child's contribution to its parent is split over the child's leaves in
proportion to their contributions to the child's own score, so the leaf
contributions add up to the score through the whole tree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np

from ..errors import ScoringError
from ..findings import FindingBuilder, Findings, arguments, at_rows, in_row_order, literal
from .aggregate import NonPositiveValue
from .data import Array, CardData, Index, Mask
from .normalize import competition_rank
from .spec import Leaf, Methods, Node, Scorecard
from .weights import renormalize

TOLERANCE = 1e-9


@attrs.frozen
class Variant:
    """A change to the configured methods (sensitivity analysis): method ids
    replacing every node's, and a function adjusting a node's weights."""

    normalize: str | None = None
    aggregate: str | None = None
    weights: str | None = None
    adjust: Callable[[Node, Array], Array] | None = None


@attrs.define
class _Out:
    score: Array
    contrib: dict[str, Array]  # leaf label -> contribution to this node's score
    share: dict[str, Array]  # leaf label -> effective weight within this node
    coverage: Array  # share of the weight backed by reported (not imputed) values
    imputed: Mask  # the score rests on an imputed value


@attrs.define
class Scores:
    """One evaluation: arrays over the scorecard's rows."""

    score: Array
    rank: Array
    contrib: dict[str, Array]
    weight: dict[str, Array]
    normalized: dict[str, Array]
    coverage: Array
    dimensions: dict[str, Array]
    dimension_ranks: dict[str, Array]
    weights: list[dict[str, Any]] = attrs.field(factory=list)
    findings: Findings = attrs.field(factory=Findings)


class _Evaluator:
    def __init__(
        self, card: Scorecard, data: CardData, methods: Methods, variant: Variant, given: Mapping[str, Array]
    ) -> None:
        self.card, self.data, self.methods, self.variant = card, data, methods, variant
        self.given = given
        n = data.size
        self.normalized = {leaf.label: np.full(n, np.nan) for leaf in card.root.leaves()}
        self.dimensions = {node.label: np.full(n, np.nan) for node in card.root.nodes()[1:]}
        self.weights: list[dict[str, Any]] = []
        self.dropped: list[tuple[Node, Index, Array]] = []  # rows a node could not score, with coverage

    def fail(self, where: str, message: str) -> ScoringError:
        return ScoringError(f"scorecard {self.card.name!r}: {where}: {message}")

    def leaf(self, leaf: Leaf, index: Index, group: int | str) -> _Out:
        values = self.data.values[leaf.label][index]
        given = self.given.get(leaf.label)
        if given is not None and not np.any(np.isnan(given[index]) & ~np.isnan(values)):
            return self.leaf_out(leaf, index, given[index])
        method = self.variant.normalize or leaf.normalize
        normalizer = self.methods.normalizers[method]
        params = {k: v for k, v in leaf.params.items() if k in normalizer.parameters}
        try:
            out = np.asarray(normalizer.normalize(values.copy(), leaf.higher, params), dtype=np.float64)
        except ValueError as exc:
            raise self.fail(f"{leaf.label} ({group})", f"normalize = {method!r}: {exc}") from None
        if out.shape != values.shape:
            raise self.fail(
                leaf.label, f"normalize = {method!r} returned {out.shape} values for {values.shape}"
            )
        out = np.where(np.isnan(values), np.nan, out)
        if np.any((out < -TOLERANCE) | (out > 100 + TOLERANCE)) or np.any(np.isnan(out) & ~np.isnan(values)):
            raise self.fail(
                f"{leaf.label} ({group})", f"normalize = {method!r} returned values outside 0–100"
            )
        return self.leaf_out(leaf, index, np.clip(out, 0.0, 100.0))

    def leaf_out(self, leaf: Leaf, index: Index, out: Array) -> _Out:
        self.normalized[leaf.label][index] = out
        reported = self.data.reported(leaf.label)[index]
        imputed = self.data.imputed[leaf.label][index]
        return _Out(
            out, {leaf.label: out}, {leaf.label: np.ones(index.size)}, reported.astype(np.float64), imputed
        )

    def node(self, node: Node, index: Index, group: int | str) -> _Out:
        outs = [
            self.node(c, index, group) if isinstance(c, Node) else self.leaf(c, index, group)
            for c in node.children
        ]
        labels = [c.label for c in node.children]
        matrix = np.column_stack([o.score for o in outs])
        imputed = np.column_stack([o.imputed for o in outs])
        w = self.base_weights(node, np.where(imputed, np.nan, matrix), group, labels)
        present = ~np.isnan(matrix)
        rows = np.where(present, w, 0.0)
        coverage = rows.sum(axis=1)
        ok = (coverage >= node.min_coverage - TOLERANCE) & (coverage > 0)
        rows[ok] /= coverage[ok, None]
        if not ok.all():
            self.dropped.append((node, index[~ok], coverage[~ok]))
        filled = np.where(present, matrix, 0.0)
        score = np.full(index.size, np.nan)
        contributions = np.zeros_like(matrix)
        if ok.any():
            score[ok], contributions[ok] = self.aggregate(node, filled[ok], rows[ok], index[ok], labels)
        contrib: dict[str, Array] = {}
        share: dict[str, Array] = {}
        for j, out in enumerate(outs):
            child_score, c_j = out.score, contributions[:, j]
            nonzero = present[:, j] & (np.abs(np.nan_to_num(child_score)) > TOLERANCE)
            factor = np.divide(c_j, child_score, out=np.zeros_like(c_j), where=nonzero)
            for label in out.contrib:
                inner_share = np.nan_to_num(out.share[label])
                split = np.where(nonzero, np.nan_to_num(out.contrib[label]) * factor, c_j * inner_share)
                contrib[label] = np.where(ok & present[:, j], split, np.where(ok, 0.0, np.nan))
                share[label] = np.where(ok, rows[:, j] * inner_share, np.nan)
        data_coverage = (w * np.where(present, np.column_stack([o.coverage for o in outs]), 0.0)).sum(axis=1)
        if node is not self.card.root:
            self.dimensions[node.label][index] = score
        return _Out(score, contrib, share, data_coverage, ok & np.any(imputed & (rows > 0), axis=1))

    def base_weights(self, node: Node, matrix: Array, group: int | str, labels: list[str]) -> Array:
        method = self.variant.weights or node.weights
        explicit = np.array([c.weight if c.weight is not None else 1.0 for c in node.children])
        try:
            w = np.asarray(self.methods.weightings[method].weigh(matrix, explicit), dtype=np.float64)
        except ValueError as exc:
            raise self.fail(f"{node.label} ({group})", f"weights = {method!r}: {exc}") from None
        if w.shape != (len(labels),) or not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
            raise self.fail(
                node.label,
                f"weights = {method!r} returned {w!r}, not {len(labels)} finite weights ≥ 0, not all 0",
            )
        w = renormalize(w)
        if self.variant.adjust is not None:
            w = self.variant.adjust(node, w)
        for label, weight in zip(labels, w, strict=True):
            self.weights.append({"year": group, "node": node.label, "child": label, "weight": float(weight)})
        return w

    def aggregate(
        self, node: Node, matrix: Array, weights: Array, index: Index, labels: list[str]
    ) -> tuple[Array, Array]:
        method = self.variant.aggregate or node.aggregate
        aggregator = self.methods.aggregators[method]
        offset = node.offset if aggregator.takes_offset else 0.0
        # The offset shifts values off zero and rescales them back onto 0–100,
        # so the aggregator always sees the 0–100 scale it is written for.
        scale = (100.0 + offset) / 100.0
        try:
            scores, contributions = aggregator.aggregate((matrix + offset) / scale, weights)
        except NonPositiveValue as exc:
            entity, year = self.data.rows[int(index[exc.row])]
            raise self.fail(
                f"{node.label} ({entity} {year})",
                f"aggregate = {method!r} needs values > 0 but {labels[exc.column]} is {exc.value:g}; "
                "set offset = 1 (or more) on the node, or use a normalisation that never gives 0 "
                "(ratio_to_best, ratio_to_threshold, percentile)",
            ) from None
        except ValueError as exc:
            raise self.fail(node.label, f"aggregate = {method!r}: {exc}") from None
        scores = np.asarray(scores, dtype=np.float64) * scale - offset
        contributions = np.asarray(contributions, dtype=np.float64) * scale - weights * offset
        if scores.shape != (matrix.shape[0],) or contributions.shape != matrix.shape:
            raise self.fail(node.label, f"aggregate = {method!r} returned arrays of the wrong shape")
        if np.any((scores < -1e-7) | (scores > 100 + 1e-7)) or not np.all(np.isfinite(scores)):
            raise self.fail(node.label, f"aggregate = {method!r} returned scores outside 0–100")
        if not np.allclose(contributions.sum(axis=1), scores, rtol=1e-9, atol=1e-7):
            raise self.fail(
                node.label, f"aggregate = {method!r} returned contributions that do not sum to the score"
            )
        return np.clip(scores, 0.0, 100.0), contributions  # float noise such as 100.00000000000001


def ranks(scores: Array, groups: list[Index]) -> Array:
    """Rank 1 = best within each group; ties (to 1e-9) share the lower rank."""
    out = np.full(scores.shape, np.nan)
    for index in groups:
        out[index] = competition_rank(_snap_ties(scores[index]), higher=True)
    return out


def _snap_ties(values: Array, tolerance: float = 1e-9) -> Array:
    """Scores within ``tolerance`` of their neighbour in sorted order become
    one value, so float noise never splits a tie (rounding would split
    50.0000000004999 from 50.0000000005001)."""
    out: Array = values.copy()
    order = np.argsort(values)
    order = order[~np.isnan(values[order])]
    if order.size:
        sorted_values = values[order]
        starts = np.concatenate(([True], np.diff(sorted_values) > tolerance))
        out[order] = sorted_values[starts][np.cumsum(starts) - 1]
    return out


def evaluate(
    card: Scorecard,
    data: CardData,
    methods: Methods,
    variant: Variant = Variant(),
    normalized: Mapping[str, Array] | None = None,
) -> Scores:
    """Score every row of ``data``; NaN where a row falls below ``min_coverage``.

    ``normalized`` (leaf label -> values over the rows, as a database computed
    them) stands in for the normalisers; a group where it lacks a value the
    data has is normalised here, so that the method's refusal is raised."""
    ev = _Evaluator(card, data, methods, variant, normalized or {})
    n = data.size
    score, coverage = np.full(n, np.nan), np.zeros(n)
    leaves = [leaf.label for leaf in card.root.leaves()]
    contrib = {label: np.full(n, np.nan) for label in leaves}
    weight = {label: np.full(n, np.nan) for label in leaves}
    for group, index in data.groups:
        out = ev.node(card.root, index, group)
        score[index], coverage[index] = out.score, out.coverage
        for label in leaves:
            contrib[label][index], weight[label][index] = out.contrib[label], out.share[label]
    dims = [node.label for node in card.root.nodes()[1:]]
    return Scores(
        score=score,
        rank=ranks(score, data.rank_groups),
        contrib=contrib,
        weight=weight,
        normalized=ev.normalized,
        coverage=coverage,
        dimensions=ev.dimensions,
        dimension_ranks={label: ranks(ev.dimensions[label], data.rank_groups) for label in dims},
        weights=ev.weights,
        findings=_coverage_findings(card, data, score, ev.dropped),
    )


def dimension_contributions(card: Scorecard, scores: Scores) -> dict[str, Array]:
    """What each dimension adds to the total: the sum of its leaves' contributions."""
    return {
        node.label: np.where(
            np.isnan(scores.score),
            np.nan,
            np.sum([scores.contrib[leaf.label] for leaf in node.leaves()], axis=0),
        )
        for node in card.root.nodes()[1:]
    }


def _coverage_findings(
    card: Scorecard, data: CardData, score: Array, dropped: list[tuple[Node, Index, Array]]
) -> Findings:
    """A warning for each row left without a score, an info for each
    dimension a scored row was scored without; rows missing the same
    indicators share one message template."""
    out = FindingBuilder()
    for node, index, coverage in dropped:
        if node is not card.root:  # a row not scored at all: its own warning says enough
            keep = ~np.isnan(score[index])
            index, coverage = index[keep], coverage[keep]
        leaves = [leaf.label for leaf in node.leaves()]
        absent = np.vstack([np.isnan(data.values[label][index]) for label in leaves]).T
        patterns, group = np.unique(absent, axis=0, return_inverse=True)
        parts = []
        for g, pattern in enumerate(patterns):
            at = np.flatnonzero(group.ravel() == g)
            missing = [label for label, gone in zip(leaves, pattern, strict=True) if gone]
            why = (
                literal("the indicators it reports carry ")
                + "{0:.0%}"
                + literal(
                    f" of the weight of {node.label} (min_coverage {node.min_coverage:.0%}); "
                    f"missing: {', '.join(missing)}"
                )
            )
            what = (
                "not scored: " if node is card.root else literal(f"scored without dimension {node.label}: ")
            )
            part = FindingBuilder()
            part.columns(
                len(at),
                severity="warning" if node is card.root else "info",
                rule="scorecard_coverage",
                message=literal(f"scorecard {card.name!r}: ") + "{entity} {year} " + what + ": " + why,
                args=arguments([coverage[at]], len(at)),
                indicators=missing,
                **at_rows(data.dataset, data.dataset_rows[index[at]]),
            )
            parts.append((at, part.build()))
        out.extend(in_row_order(parts))
    return out.build()
