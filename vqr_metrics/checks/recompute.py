"""Checks of a printed rate against its recomputation from the figures it is made of."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .. import formula as formula_mod
from ..catalog import Catalog
from ..cells import parse_cell
from ..dataset import Column, Dataset
from ..findings import Findings, literal, number_text
from ..model import Check, CheckContext, Finding
from .emit import findings_at, readable
from .options import number_option


@attrs.frozen
class Recomputation:
    """A formula over dataset columns, evaluated by the engine's formula
    machinery (a zero or missing denominator gives null, never inf)."""

    formula: formula_mod.Formula
    # Each name the formula uses → the canonical key it refers to.
    deps: Mapping[str, str]

    @classmethod
    def of_metric(cls, catalog: Catalog, key: str) -> Recomputation:
        return cls(catalog.formulas[key], catalog.dependencies[key])

    @classmethod
    def parse(cls, catalog: Catalog, text: str) -> Recomputation:
        formula = formula_mod.parse(text)
        return cls(formula, {name: catalog.resolve(name) for name in formula.names})

    def column(self, data: Dataset) -> Column:
        return formula_mod.evaluate(
            self.formula, lambda name: data.column(self.deps[name]), data.size, data.prev_index()
        ).values

    def at(self, data: Dataset, i: int, key: str, value: float) -> float | None:
        """Row ``i`` recomputed with ``value`` in place of ``key`` (null with prev())."""

        def column(name: str) -> Column:
            dep = self.deps[name]
            return np.array([value if dep == key else data.column(dep)[i]], dtype=np.float64)

        out = float(formula_mod.evaluate(self.formula, column, 1).values[0])
        return None if math.isnan(out) else out


def with_each_source(context: CheckContext, how: Recomputation, i: int, conflicted: Sequence[str]) -> str:
    """What ``how`` gives in row ``i`` with each printed value of a
    conflicted input it uses directly, the kept one first (``""`` when that
    is not simple)."""
    data, catalog = context.dataset, context.catalog
    parts: list[str] = []
    for key in conflicted:
        if key not in how.deps.values():
            continue
        kept = float(data.column(key)[i])
        cells = [parse_cell(p.raw) for p in data.provenance(i, key)]
        printed = dict.fromkeys(
            [kept, *(c.value for c in cells if c.kind == "number" and c.value is not None)]
        )
        gives = [(v, how.at(data, i, key, v)) for v in printed]
        if len(gives) > 1 and all(out is not None for _, out in gives):
            each = [f"with {number_text(v)} it gives {out:.4g}" for v, out in gives]
            parts.append(f"{catalog.label(key)}: {each[0]} (kept), {', '.join(each[1:])}")
    return "".join(f"; {part}" for part in parts)


def recompute_findings(
    context: CheckContext,
    *,
    rule: str,
    published: str,
    recomputed: Column,
    how: str,
    inputs: Iterable[str],
    tolerance: float,
    recomputation: Recomputation,
    rows: npt.NDArray[np.bool_] | None = None,
) -> Findings:
    """Warnings where the printed ``published`` differs from ``recomputed``
    (computed by ``recomputation``, described as ``how``, from ``inputs``) by
    more than ``tolerance``; an info note ``recompute_from_conflict`` with
    what each source's value gives where an input's sources disagree."""
    data, catalog = context.dataset, context.catalog
    printed = data.column(published)
    off = np.abs(printed - recomputed) > tolerance
    if rows is not None:
        off &= rows
    at = np.flatnonzero(off)

    def detail(i: int, conflicted: tuple[str, ...], finding: Finding) -> Finding:
        extra = with_each_source(context, recomputation, i, conflicted)
        return attrs.evolve(finding, message=finding.message + extra) if extra else finding

    return findings_at(
        context,
        at,
        severity="warning",
        rule=rule,
        message=(
            literal(f"{catalog.label(published)} is printed as ")
            + "{0:n}"
            + literal(f" but {how} gives ")
            + "{1:.4g}"
            + literal(f" (tolerance ±{tolerance:g})")
        ),
        args=(printed[at], recomputed[at]),
        keys=(published, *inputs),
        expected=np.round(recomputed[at], 6),
        actual=printed[at],
        tolerance=tolerance,
        conflict_rule="recompute_from_conflict",
        on_conflict=detail,
    )


def recompute_check(
    check_id: str, *, published: str, recomputed: Sequence[str], option: str, default: float
) -> Check:
    """A check comparing a printed rate with the first of ``recomputed``
    (metric keys, in order of preference) that has a value for the row."""

    def run(context: CheckContext) -> Findings:
        data, catalog = context.dataset, context.catalog
        tolerance = number_option(context, option, at_least=0)
        taken = np.zeros(data.size, dtype=bool)
        parts = []
        for key in recomputed:
            values = data.column(key)
            rows = ~taken & ~np.isnan(values)
            found = recompute_findings(
                context,
                rule=check_id,
                published=published,
                recomputed=values,
                how=f"{catalog.label(key)} = {readable(catalog, key)}",
                inputs=(key, *dict.fromkeys(catalog.dependencies[key].values())),
                tolerance=tolerance,
                recomputation=Recomputation.of_metric(catalog, key),
                rows=rows,
            )
            parts.append(found)
            taken |= rows
        return Findings.concat(parts)

    return Check(
        check_id,
        f"printed {published} vs {' or '.join(recomputed)} beyond {option} (warning)",
        run,
        {option: default},
    )
