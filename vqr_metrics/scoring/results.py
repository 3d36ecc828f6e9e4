"""What scoring hands back: one object per scorecard and per compliance
rule set, each turning into the plain records of the JSON output."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from ..model import Finding
from .data import CardData
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
class ScorecardResult:
    """Scores, ranks and contributions of one scorecard.  ``rows()`` makes
    the per entity-year records from the score arrays each time it is
    called, so a national run holds arrays, not a dict per school."""

    name: str
    description: str
    methods: Mapping[str, Any]
    rows: Callable[[], Iterator[Mapping[str, Any]]] = attrs.field(eq=False, repr=False)
    weights: tuple[Mapping[str, Any], ...] = ()
    sensitivity: Mapping[str, Any] | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "methods": dict(self.methods),
            "results": [dict(r) for r in self.rows()],
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
    results: tuple[Mapping[str, Any], ...]
    verdicts: tuple[Mapping[str, Any], ...]

    def to_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "file": self.file,
            "level": self.level,
            "results": [dict(r) for r in self.results],
            "verdicts": [dict(v) for v in self.verdicts],
        }


@attrs.frozen
class ScoringOutcome:
    scorecards: tuple[ScorecardResult, ...] = ()
    compliance: tuple[ComplianceResult, ...] = ()
    findings: tuple[Finding, ...] = ()


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


def score_rows(card: Scorecard, data: CardData, scores: Scores) -> Iterator[dict[str, Any]]:
    """One record per entity-year: score, rank, contributions per indicator
    (summing to the score), the dimensions, and every indicator's raw and
    normalised value with its status (reported, imputed or missing)."""
    leaves = card.root.leaves()
    dim_contrib = dimension_contributions(card, scores)
    for i, (entity, year) in enumerate(data.rows):
        scored = not math.isnan(scores.score[i])
        indicators = {}
        for leaf in leaves:
            value = data.values[leaf.label][i]
            status = (
                "missing" if np.isnan(value) else "imputed" if data.imputed[leaf.label][i] else "reported"
            )
            indicators[leaf.label] = {
                "metric": data.keys[leaf.label][i] or leaf.keys[0],
                "value": number(value),
                "status": status,
                "normalized": number(scores.normalized[leaf.label][i]),
                "weight": number(scores.weight[leaf.label][i]),
                "contribution": number(scores.contrib[leaf.label][i]),
            }
        yield (
            {
                "entity": entity,
                "year": year,
                "score": number(scores.score[i]),
                "rank": whole(scores.rank[i]),
                "contributions": {leaf.label: number(scores.contrib[leaf.label][i]) for leaf in leaves}
                if scored
                else {},
                "dimensions": {
                    label: {
                        "score": number(scores.dimensions[label][i]),
                        "rank": whole(scores.dimension_ranks[label][i]),
                        "contribution": number(dim_contrib[label][i]),
                    }
                    for label in scores.dimensions
                },
                "coverage": number(scores.coverage[i]) if scored else None,
                "imputed": [leaf.label for leaf in leaves if data.imputed[leaf.label][i]],
                "missing": [leaf.label for leaf in leaves if np.isnan(data.values[leaf.label][i])],
                "indicators": indicators,
            }
        )
