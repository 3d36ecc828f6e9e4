"""The typed records of scoring: a scorecard's row per entity-year, a rule's result, a verdict.

Writers read their attributes; ``to_record()`` gives the plain dict of the
JSON output (keys in the printed order).  Numbers are ``None`` where there
is none (never NaN).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs


@attrs.frozen
class IndicatorScore:
    """One indicator of a scored entity-year: the metric its value came from,
    the raw and normalised value, where the value came from (``status``:
    reported, imputed, suspect or missing), its effective weight in the
    total and its contribution to the score."""

    metric: str
    value: float | None
    status: str
    normalized: float | None
    weight: float | None
    contribution: float | None

    def to_record(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "status": self.status,
            "normalized": self.normalized,
            "weight": self.weight,
            "contribution": self.contribution,
        }


@attrs.frozen
class DimensionScore:
    """A dimension of a scored entity-year: its score, the rank on it, its contribution to the total."""

    score: float | None
    rank: int | None
    contribution: float | None

    def to_record(self) -> dict[str, Any]:
        return {"score": self.score, "rank": self.rank, "contribution": self.contribution}


@attrs.frozen
class ScoreRow:
    """A scorecard's result for one entity-year: score, rank, each indicator's
    contribution (they sum to the score; empty when unscored), the dimensions,
    the coverage, which indicators were imputed or missing, and every
    indicator's details, all by label."""

    entity: str
    year: int
    score: float | None
    rank: int | None
    contributions: Mapping[str, float | None]
    dimensions: Mapping[str, DimensionScore]
    coverage: float | None
    imputed: tuple[str, ...]
    missing: tuple[str, ...]
    indicators: Mapping[str, IndicatorScore]

    def to_record(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "year": self.year,
            "score": self.score,
            "rank": self.rank,
            "contributions": dict(self.contributions),
            "dimensions": {label: d.to_record() for label, d in self.dimensions.items()},
            "coverage": self.coverage,
            "imputed": list(self.imputed),
            "missing": list(self.missing),
            "indicators": {label: i.to_record() for label, i in self.indicators.items()},
        }


@attrs.frozen
class RuleResult:
    """One compliance rule applied to one entity-year.  ``status`` is
    ``pass``, ``fail``, ``not assessed`` or ``inconclusive``; ``margin`` is
    how far the value clears the threshold (negative: short of it); ``note``
    says why a rule was not assessed or is inconclusive, how conflicting
    sources agree, or is the rule's own note."""

    entity: str
    year: int
    school_type: str | None
    rule: str  # the rule's name
    rule_id: str
    metric: str  # the key the value came from (the rule's first when none)
    metric_name: str
    value: float | None
    op: str
    threshold: float | None
    unit: str
    status: str
    margin: float | None
    proxy: str | None
    counts: bool  # whether the verdict counts it
    source: str  # the citation of the standard
    note: str

    @property
    def passed(self) -> bool | None:
        """True for a pass, False for a failure, None otherwise."""
        return {"pass": True, "fail": False}.get(self.status)

    def to_record(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "year": self.year,
            "type": self.school_type,
            "rule": self.rule,
            "rule_id": self.rule_id,
            "metric": self.metric,
            "metric_name": self.metric_name,
            "value": self.value,
            "op": self.op,
            "threshold": self.threshold,
            "unit": self.unit,
            "passed": self.passed,
            "status": self.status,
            "margin": self.margin,
            "proxy": self.proxy,
            "counts": self.counts,
            "source": self.source,
            "note": self.note,
        }


@attrs.frozen
class Verdict:
    """A rule set's verdict on one entity-year, from the rules it counts:
    ``verdict`` and ``card`` when the open rules cannot change it
    (``determined``), else 未能判定 with the range ``at_least`` – ``at_most``."""

    entity: str
    year: int
    school_type: str | None
    verdict: str
    card: str
    passed: int
    failed_rules: tuple[str, ...]
    not_assessed_rules: tuple[str, ...]
    inconclusive_rules: tuple[str, ...]
    at_least: str
    at_most: str
    determined: bool

    def to_record(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "year": self.year,
            "type": self.school_type,
            "verdict": self.verdict,
            "card": self.card,
            "failed": len(self.failed_rules),
            "passed": self.passed,
            "not_assessed": len(self.not_assessed_rules),
            "inconclusive": len(self.inconclusive_rules),
            "failed_rules": list(self.failed_rules),
            "not_assessed_rules": list(self.not_assessed_rules),
            "inconclusive_rules": list(self.inconclusive_rules),
            "at_least": self.at_least,
            "at_most": self.at_most,
            "determined": self.determined,
        }
