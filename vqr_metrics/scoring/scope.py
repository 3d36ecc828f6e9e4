"""The ``entities`` / ``years`` / ``level`` filters of a scorecard or rule set.

Which dataset rows they keep, and a warning when they name an entity
or year the inputs do not hold, or keep nothing at all — a filter that
silently selects nothing looks like a run with no results."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ..dataset import Dataset
from ..model import Finding
from ..names import did_you_mean


@attrs.frozen
class Scope:
    entities: tuple[str, ...]
    years: tuple[int, ...]
    level: str | None
    # Rule sets judge entities whose level is unknown; scorecards only rank entities of the level.
    unknown_level_matches: bool = False

    def rows(self, dataset: Dataset) -> npt.NDArray[np.intp]:
        """Indexes of the dataset rows the filters keep, in dataset order
        (decided per entity, then for every row at once)."""
        names = dataset.entity_names
        levels = [dataset.attributes.get(entity, {}).get("level") for entity in names]
        per_entity = np.array(
            [
                (not self.entities or entity in self.entities)
                and (not self.level or level == self.level or (level is None and self.unknown_level_matches))
                for entity, level in zip(names, levels, strict=True)
            ],
            dtype=bool,
        )
        keep = per_entity[dataset.entity_codes] if names else np.zeros(dataset.size, dtype=bool)
        if self.years:
            keep &= np.isin(dataset.row_years, list(self.years))
        return np.flatnonzero(keep)

    def finding(self, rule: str, what: str, dataset: Dataset, kept: npt.NDArray[np.intp]) -> Finding | None:
        """One warning naming ``what`` (e.g. ``scorecard 'x'``) and every filter
        value that matches no input, or None when every value matched and
        some row is kept."""
        entities = dataset.entities()
        years = dataset.years()
        problems = []
        for name in self.entities:
            if name not in entities:
                problems.append(
                    f"entities: {name!r} is not an entity of the inputs{did_you_mean(name, entities)}"
                )
        absent = [y for y in self.years if y not in years]
        if absent:
            problems.append(
                f"years: {', '.join(map(str, absent))} not in the inputs "
                f"(they hold {', '.join(map(str, years)) or 'no year'})"
            )
        if not len(kept) and dataset.size:
            given = [
                f"{key} = {value!r}"
                for key, value in (
                    ("level", self.level),
                    ("entities", list(self.entities)),
                    ("years", list(self.years)),
                )
                if value
            ]
            problems.append(f"its filters ({', '.join(given)}) keep no entity-year, so it has no results")
        if not problems:
            return None
        return Finding("warning", rule, f"{what}: {'; '.join(problems)}")
