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

from ..findings import Findings, render
from .data import CardData, Imputations
from .records import DimensionScore, IndicatorScore, RuleResult, ScoreRow, Verdict
from .rulefiles import UNDETERMINED, Decision, Rule
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


# A rule's outcome per row, as the codes of its status column.
STATUSES = ("pass", "fail", "not assessed", "inconclusive")
PASS, FAIL, OPEN, INCONCLUSIVE = range(len(STATUSES))


@attrs.frozen
class RuleColumns:
    """One rule applied to every row of its rule set, column by column."""

    rule: Rule
    source: str  # the citation of the standard
    metrics: tuple[tuple[str, str, str], ...]  # per key of the rule: (key, label, unit)
    key: npt.NDArray[np.int8]  # which key the value came from, -1 where none was reported
    value: npt.NDArray[np.float64]
    threshold: npt.NDArray[np.float64]
    margin: npt.NDArray[np.float64]
    status: npt.NDArray[np.int8]  # index into STATUSES
    proxy: npt.NDArray[np.bool_]  # the value is a rule.proxy of the standard's quantity
    # Why a row is not assessed or inconclusive: an index into ``reasons``,
    # templates over the row's value {0} and threshold {1} (0: no reason).
    reason: npt.NDArray[np.int32]
    reasons: tuple[str, ...]
    agreed: Mapping[int, str]  # row -> how every source of its conflicted value gives the outcome

    def note(self, i: int) -> str:
        if self.reason[i]:
            args = [repr(float(self.value[i])), repr(float(self.threshold[i]))]
            return render(self.reasons[self.reason[i]], args, None, None)
        return self.agreed.get(i) or self.rule.note

    def record(self, i: int, entity: str, year: int, school_type: str | None) -> RuleResult:
        rule = self.rule
        key, label, unit = self.metrics[max(int(self.key[i]), 0)]
        return RuleResult(
            entity=entity,
            year=year,
            school_type=school_type,
            rule=rule.name,
            rule_id=rule.id,
            metric=key,
            metric_name=label,
            value=number(self.value[i]),
            op=rule.op,
            threshold=number(self.threshold[i]),
            unit=unit,
            status=STATUSES[self.status[i]],
            margin=number(self.margin[i]),
            proxy=rule.proxy if self.proxy[i] else None,
            counts=rule.counts,
            source=self.source,
            note=self.note(i),
        )


@attrs.frozen
class ComplianceColumns:
    """A rule set over its entity-years: each rule's columns and the verdict's."""

    names: list[str]  # the dataset's entity names, which ``entity`` codes
    entity: npt.NDArray[np.int32]
    year: npt.NDArray[np.int32]
    types: tuple[str, ...]
    type: npt.NDArray[np.int32]  # index into types, -1 where the school type is not set
    rules: tuple[RuleColumns, ...]
    decisions: tuple[Decision, ...]
    low: npt.NDArray[np.intp]  # the decision of the failed rules (index into decisions)
    high: npt.NDArray[np.intp]  # … were every open rule failed too

    def rows(self) -> Iterator[tuple[int, str, int, str | None]]:
        types = self.types
        for i, (e, y, t) in enumerate(
            zip(self.entity.tolist(), self.year.tolist(), self.type.tolist(), strict=True)
        ):
            yield i, self.names[e], y, (types[t] if t >= 0 else None)


def rule_results(c: ComplianceColumns) -> Iterator[RuleResult]:
    """Every rule's result, entity-year by entity-year, made as it is read."""
    for i, entity, year, school_type in c.rows():
        for rule in c.rules:
            yield rule.record(i, entity, year, school_type)


def rule_verdicts(c: ComplianceColumns) -> Iterator[Verdict]:
    """The verdict per entity-year, made as it is read."""
    counted = [r for r in c.rules if r.rule.counts]
    for i, entity, year, school_type in c.rows():
        named = {s: tuple(r.rule.name for r in counted if r.status[i] == s) for s in range(len(STATUSES))}
        low, high = c.decisions[c.low[i]], c.decisions[c.high[i]]
        determined = c.low[i] == c.high[i]
        yield Verdict(
            entity=entity,
            year=year,
            school_type=school_type,
            verdict=low.verdict if determined else UNDETERMINED,
            card=low.card if determined else "",
            passed=len(named[PASS]),
            failed_rules=named[FAIL],
            not_assessed_rules=named[OPEN],
            inconclusive_rules=named[INCONCLUSIVE],
            at_least=low.verdict,
            at_most=high.verdict,
            determined=bool(determined),
        )


@attrs.frozen
class ComplianceResult:
    """Pass/fail per rule and the verdict per entity and year of one rule set,
    held as ``columns``; ``results()`` and ``verdicts()`` make the records
    from them each time they are called."""

    name: str
    source: str
    file: str
    level: str | None
    columns: ComplianceColumns = attrs.field(eq=False, repr=False)

    def results(self) -> Iterator[RuleResult]:
        return rule_results(self.columns)

    def verdicts(self) -> Iterator[Verdict]:
        return rule_verdicts(self.columns)

    def to_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "file": self.file,
            "level": self.level,
            "results": [r.to_record() for r in self.results()],
            "verdicts": [v.to_record() for v in self.verdicts()],
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
