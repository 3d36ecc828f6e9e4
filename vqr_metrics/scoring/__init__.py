"""Scorecards, compliance rules and sensitivity analysis.

``prepare_scoring(config, catalog)`` validates every ``[[scorecards]]`` and
``[[compliance]]`` section before any input is read; ``plan.run(dataset)``
scores the evaluated dataset, leaving it as it was: the values scorecards
impute are part of the outcome (``ScoringOutcome.imputations``).  The methods (normalisers, weightings,
aggregators) are plugins looked up in the catalog, so a third-party plugin
adds a method by registering it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import attrs

from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from ..findings import FindingBuilder
from .compliance import evaluate_rules
from .data import CardData, Imputation, Imputations, extract
from .results import (
    ComplianceResult,
    ScorecardResult,
    ScoringOutcome,
    methods_of,
    score_columns,
    score_rows,
)
from .rulefiles import RuleSet, parse_compliance
from .sensitivity import analyse
from .spec import Methods, Scorecard, parse_scorecards
from .tree import Scores, evaluate

Scorer = Callable[[Scorecard, CardData], Scores]


@attrs.frozen
class ScoringPlan:
    """Validated scorecards and rule sets, ready to run on a dataset."""

    scorecards: tuple[Scorecard, ...]
    compliance: tuple[RuleSet, ...]
    methods: Methods
    catalog: Catalog

    def run(self, dataset: Dataset, scorer: Scorer | None = None) -> ScoringOutcome:
        """Compliance and scorecards over ``dataset``; ``scorer`` (a backend's)
        scores a card in place of :func:`~.tree.evaluate`."""
        findings = FindingBuilder()
        compliance: list[ComplianceResult] = []
        for ruleset in self.compliance:
            result, found = evaluate_rules(ruleset, dataset, self.catalog)
            compliance.append(result)
            findings.extend(found)
        cards: list[ScorecardResult] = []
        imputations: list[Imputation] = []
        for card in self.scorecards:
            data = extract(card, dataset, self.catalog)
            scores = scorer(card, data) if scorer is not None else evaluate(card, data, self.methods)
            findings.extend(data.findings.build())
            findings.extend(scores.findings)
            imputations += data.imputations
            cards.append(
                ScorecardResult(
                    name=card.name,
                    description=card.description,
                    methods=methods_of(card),
                    rows=functools.partial(score_rows, card, data, scores),
                    columns=functools.partial(score_columns, card, data, scores),
                    weights=tuple(scores.weights),
                    sensitivity=analyse(card, data, self.methods, scores) if card.sensitivity else None,
                )
            )
        return ScoringOutcome(
            scorecards=tuple(cards),
            compliance=tuple(compliance),
            findings=findings.build(),
            imputations=Imputations.agreed(dataset, imputations),
        )


def prepare_scoring(config: Config, catalog: Catalog) -> ScoringPlan:
    """Validate the config's scoring sections against the loaded plugins."""
    return ScoringPlan(
        scorecards=parse_scorecards(config.scorecards, catalog, config.source),
        compliance=parse_compliance(config.compliance, catalog, config.source, config.base_dir),
        methods=Methods.of(catalog),
        catalog=catalog,
    )


__all__ = ["Imputations", "ScoringOutcome", "ScoringPlan", "prepare_scoring"]
