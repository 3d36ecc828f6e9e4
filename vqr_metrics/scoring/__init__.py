"""Scorecards and compliance rules (placeholder until the scoring issue lands)."""

from __future__ import annotations

from typing import Any

import attrs

from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from ..errors import ConfigError
from ..model import Finding


@attrs.frozen
class ScoringOutcome:
    scorecards: tuple[Any, ...] = ()
    compliance: tuple[Any, ...] = ()
    findings: tuple[Finding, ...] = ()


@attrs.frozen
class ScoringPlan:
    def run(self, dataset: Dataset) -> ScoringOutcome:
        return ScoringOutcome()


def prepare_scoring(config: Config, catalog: Catalog) -> ScoringPlan:
    if config.scorecards or config.compliance:
        raise ConfigError(f"{config.source}: scorecards are not supported yet")
    return ScoringPlan()
