"""Scorecards, compliance rules and sensitivity analysis.

``prepare_scoring(config, catalog)`` validates every ``[[scorecards]]`` and
``[[compliance]]`` section before any input is read; ``plan.run(dataset)``
scores the evaluated dataset.  The methods (normalisers, weightings,
aggregators) are plugins looked up in the catalog, so a third-party plugin
adds a method by registering it.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import attrs
import numpy as np

from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from ..findings import FindingBuilder
from .compliance import evaluate_rules
from .data import Imputation, extract
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
from .tree import evaluate


@attrs.frozen
class ScoringPlan:
    """Validated scorecards and rule sets, ready to run on a dataset."""

    scorecards: tuple[Scorecard, ...]
    compliance: tuple[RuleSet, ...]
    methods: Methods
    catalog: Catalog

    def run(self, dataset: Dataset) -> ScoringOutcome:
        findings = FindingBuilder()
        # Compliance first: it must judge reported values only, never imputed ones.
        compliance: list[ComplianceResult] = []
        for ruleset in self.compliance:
            result, found = evaluate_rules(ruleset, dataset, self.catalog)
            compliance.append(result)
            findings.extend(found)
        cards: list[ScorecardResult] = []
        imputations: list[Imputation] = []
        for card in self.scorecards:
            data = extract(card, dataset, self.catalog)
            scores = evaluate(card, data, self.methods)
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
        _record_imputations(dataset, imputations)
        return ScoringOutcome(
            scorecards=tuple(cards), compliance=tuple(compliance), findings=findings.build()
        )


def _record_imputations(dataset: Dataset, imputations: list[Imputation]) -> None:
    """Write imputed values into the dataset, flagged, so the values output
    shows them marked; a cell two scorecards filled differently stays empty
    (each scorecard's results still list its own value)."""
    by_key: dict[str, list[Imputation]] = defaultdict(list)
    for imp in imputations:
        by_key[imp.key].append(imp)
    for key, imps in by_key.items():
        rows = np.concatenate([imp.rows for imp in imps])
        values = np.concatenate([np.full(len(imp.rows), imp.value) for imp in imps])
        order = np.argsort(rows, kind="stable")
        rows, values = rows[order], values[order]
        starts = np.flatnonzero(np.diff(rows, prepend=-1))
        agree = np.minimum.reduceat(values, starts) == np.maximum.reduceat(values, starts)
        dataset.impute(key, rows[starts][agree], values[starts][agree])


def prepare_scoring(config: Config, catalog: Catalog) -> ScoringPlan:
    """Validate the config's scoring sections against the loaded plugins."""
    return ScoringPlan(
        scorecards=parse_scorecards(config.scorecards, catalog, config.source),
        compliance=parse_compliance(config.compliance, catalog, config.source, config.base_dir),
        methods=Methods.of(catalog),
        catalog=catalog,
    )


__all__ = ["ScoringOutcome", "ScoringPlan", "prepare_scoring"]
