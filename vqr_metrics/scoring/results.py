"""What scoring hands back: one object per scorecard and per compliance rule set, with typed records.

Each turns into the plain records of the JSON output (``to_record()``); the
records themselves are in :mod:`.records`."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..findings import Findings
from .data import CardData, Imputations
from .records import DimensionScore, IndicatorScore, RuleResult, ScoreRow, Verdict
from .spec import Scorecard
from .tree import Scores, dimension_contributions


def number(x: Any) -> float | None:
    """A float for JSON: None for NaN."""
    value = float(x)
    return None if math.isnan(value) else value


def whole(x: Any) -> int | None:
    """A rank for JSON: an int, None for NaN."""
    value = float(x)
    return None if math.isnan(value) else int(value)


@attrs.frozen
class ScoreColumns:
    """A scorecard's results as arrays over its entity-years, for writers
    that stream: what :func:`score_rows` says row by row, column by column."""

    entity: list[str]
    year: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    rank: npt.NDArray[np.float64]
    coverage: npt.NDArray[np.float64]  # NaN where unscored
    # dimension label -> (score, rank, contribution to the total)
    dimensions: dict[str, tuple[npt.NDArray[np.float64], ...]]
    # indicator label -> (metric key, value, status, normalized, weight, contribution)
    indicators: dict[str, tuple[Any, ...]]


def statuses(data: CardData, label: str) -> npt.NDArray[np.str_]:
    """Per row, where a leaf's value came from: ``reported``, ``imputed``,
    ``missing``, or ``suspect`` (left out for carrying an error, see the card's ``suspect``)."""
    value = data.values[label]
    gone = np.where(data.excluded[label], "suspect", "missing")
    return np.where(np.isnan(value), gone, np.where(data.imputed[label], "imputed", "reported"))


def score_columns(card: Scorecard, data: CardData, scores: Scores) -> ScoreColumns:
    dim_contrib = dimension_contributions(card, scores)
    indicators: dict[str, tuple[Any, ...]] = {}
    for leaf in card.root.leaves():
        value = data.values[leaf.label]
        status = statuses(data, leaf.label)
        metric = [k or leaf.keys[0] for k in data.keys[leaf.label]]
        weight, contrib = scores.weight[leaf.label], scores.contrib[leaf.label]
        indicators[leaf.label] = (metric, value, status, scores.normalized[leaf.label], weight, contrib)
    return ScoreColumns(
        entity=[e for e, _ in data.rows],
        year=np.array([y for _, y in data.rows], dtype=np.int64),
        score=scores.score,
        rank=scores.rank,
        coverage=np.where(np.isnan(scores.score), np.nan, scores.coverage),
        dimensions={
            label: (scores.dimensions[label], scores.dimension_ranks[label], dim_contrib[label])
            for label in scores.dimensions
        },
        indicators=indicators,
    )


@attrs.frozen
class ScorecardResult:
    """Scores, ranks and contributions of one scorecard.  ``rows()`` makes
    the per entity-year records from the score arrays each time it is
    called, so a national run holds arrays, not a dict per school."""

    name: str
    description: str
    methods: Mapping[str, Any]
    rows: Callable[[], Iterator[ScoreRow]] = attrs.field(eq=False, repr=False)
    columns: Callable[[], ScoreColumns] = attrs.field(eq=False, repr=False)
    weights: tuple[Mapping[str, Any], ...] = ()
    sensitivity: Mapping[str, Any] | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "methods": dict(self.methods),
            "results": [r.to_record() for r in self.rows()],
            "weights": [dict(w) for w in self.weights],
        }
        if self.sensitivity is not None:
            record["sensitivity"] = dict(self.sensitivity)
        return record


@attrs.frozen
class ComplianceResult:
    """Pass/fail per rule and the verdict per entity and year of one rule set."""

    name: str
    source: str
    file: str
    level: str | None
    results: tuple[RuleResult, ...]
    verdicts: tuple[Verdict, ...]

    def to_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "file": self.file,
            "level": self.level,
            "results": [r.to_record() for r in self.results],
            "verdicts": [v.to_record() for v in self.verdicts],
        }


@attrs.frozen
class ScoringOutcome:
    """What scoring a dataset gives: results, findings, and the values the
    scorecards imputed (for the values output; the dataset is left as it was)."""

    scorecards: tuple[ScorecardResult, ...] = ()
    compliance: tuple[ComplianceResult, ...] = ()
    findings: Findings = attrs.field(factory=Findings)
    imputations: Imputations = attrs.field(factory=Imputations)


def methods_of(card: Scorecard) -> dict[str, Any]:
    root = card.root
    leaves = root.leaves()
    return {
        "normalize": sorted({leaf.normalize for leaf in leaves}),
        "aggregate": sorted({node.aggregate for node in root.nodes()}),
        "weights": sorted({node.weights for node in root.nodes()}),
        "missing": sorted({leaf.missing for leaf in leaves}),
        "normalize_within": card.normalize_within,
        "rank_within": card.rank_within,
    }


def score_rows(card: Scorecard, data: CardData, scores: Scores) -> Iterator[ScoreRow]:
    """One row per entity-year, made from the score arrays as it is read:
    score, rank, contributions per indicator (summing to the score), the
    dimensions, and every indicator's raw and normalised value with its status."""
    leaves = card.root.leaves()
    dim_contrib = dimension_contributions(card, scores)
    status = {leaf.label: statuses(data, leaf.label).tolist() for leaf in leaves}
    for i, (entity, year) in enumerate(data.rows):
        scored = not math.isnan(scores.score[i])
        indicators = {
            leaf.label: IndicatorScore(
                metric=data.keys[leaf.label][i] or leaf.keys[0],
                value=number(data.values[leaf.label][i]),
                status=status[leaf.label][i],
                normalized=number(scores.normalized[leaf.label][i]),
                weight=number(scores.weight[leaf.label][i]),
                contribution=number(scores.contrib[leaf.label][i]),
            )
            for leaf in leaves
        }
        yield ScoreRow(
            entity=entity,
            year=year,
            score=number(scores.score[i]),
            rank=whole(scores.rank[i]),
            contributions={label: i.contribution for label, i in indicators.items()} if scored else {},
            dimensions={
                label: DimensionScore(
                    score=number(scores.dimensions[label][i]),
                    rank=whole(scores.dimension_ranks[label][i]),
                    contribution=number(dim_contrib[label][i]),
                )
                for label in scores.dimensions
            },
            coverage=number(scores.coverage[i]) if scored else None,
            imputed=tuple(leaf.label for leaf in leaves if data.imputed[leaf.label][i]),
            missing=tuple(leaf.label for leaf in leaves if np.isnan(data.values[leaf.label][i])),
            indicators=indicators,
        )
