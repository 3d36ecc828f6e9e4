"""Shorthand for table templates: one call per printed row.

Core-data tables print the unit in brackets after the name (专任教师数（人）);
the template keeps the bare name and the unit apart, and ``core_row`` adds
the bracketed form as an alias so both spellings match.
"""

from __future__ import annotations

from vqr_metrics.model import Indicator, Relation


def row(
    key: str,
    name: str,
    unit: str,
    *aliases: str,
    parent: str | None = None,
    relation: Relation = "none",
    same_as: str | None = None,
    description: str = "",
    table: str = "",
) -> Indicator:
    """One template row; ``aliases`` are the other spellings reports print.
    ``table`` is set only for indicators registered outside the template."""
    return Indicator(
        key=key,
        name=name,
        unit=unit,
        table=table,
        aliases=aliases,
        parent=parent,
        relation=relation,
        same_as=same_as,
        description=description,
    )


def core_row(
    key: str,
    name: str,
    unit: str,
    *aliases: str,
    parent: str | None = None,
    relation: Relation = "none",
    same_as: str | None = None,
    description: str = "",
    table: str = "",
) -> Indicator:
    """A row of a core-data table, also matched as ``name（unit）``."""
    bracketed = (f"{name}（{unit}）",) if unit else ()
    return row(
        key,
        name,
        unit,
        *bracketed,
        *aliases,
        parent=parent,
        relation=relation,
        same_as=same_as,
        description=description,
        table=table,
    )


NOT_PRINTED = "Not printed in the seed reports; supply it through CSV/XLSX to enable the metrics that use it."
