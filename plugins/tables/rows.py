"""Shorthand for table templates: one call per printed row.

Core-data tables print the unit in brackets after the name (专任教师数（人）);
the template keeps the bare name and the unit apart, and ``core_row`` adds
the bracketed form as an alias so both spellings match.
"""

from __future__ import annotations

from typing import Any

from vqr_metrics.model import Indicator


def row(key: str, name: str, unit: str, *aliases: str, **options: Any) -> Indicator:
    """One template row; ``aliases`` are the other spellings reports print and
    ``options`` the other :class:`Indicator` fields (parent, relation, same_as …)."""
    return Indicator(key=key, name=name, unit=unit, aliases=aliases, **options)


def core_row(key: str, name: str, unit: str, *aliases: str, **options: Any) -> Indicator:
    """A row of a core-data table, also matched as ``name（unit）``."""
    bracketed = (f"{name}（{unit}）",) if unit else ()
    return row(key, name, unit, *bracketed, *aliases, **options)


NOT_PRINTED = "Not printed in the seed reports; supply it through CSV/XLSX to enable the metrics that use it."
