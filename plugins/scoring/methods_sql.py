"""The SQL forms of the built-in normalisations and aggregations (see ``Normalizer.sql``, ``Aggregator.sql``).

Each computes what its numpy method in :mod:`vqr_metrics.scoring` computes,
in the same order of operations; the scorecard view
(:mod:`vqr_metrics.sql.scores`) keeps a missing value missing and clips to
0–100, as the engine does, so the methods leave that clip to it.  Where the
numpy method refuses its input (a negative value in a group under a ratio,
a value ≤ 0 in a geometric mean) the engine stops the run; the SQL gives
NULL there.  Imported only for SQL: it needs the optional sqlglot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from vqr_metrics.scoring.normalize import number as parameter
from vqr_metrics.sql.compile import number
from vqr_metrics.sql.scores import Group, clip, divide


def _hundred(value: exp.Expr) -> exp.Expr:
    return exp.Mul(this=number(100), expression=exp.Paren(this=value))


def _constant(group: Group) -> exp.Expr:
    """No reported value, or every reported value equal."""
    return exp.or_(
        exp.EQ(this=group.count, expression=exp.Literal.number(0)),
        exp.EQ(this=group.max, expression=group.min),
    )


def _case(*branches: tuple[exp.Expr, exp.Expr], default: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in branches], default=default)


def _negative(group: Group) -> exp.Expr:
    return exp.LT(this=group.min, expression=number(0))


def minmax(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    x, lo, hi = group.value, group.min, group.max
    above = (
        exp.Sub(this=x.copy(), expression=lo.copy())
        if higher
        else exp.Sub(this=hi.copy(), expression=x.copy())
    )
    scaled = divide(above, exp.Sub(this=hi, expression=lo))
    return _case((_constant(group), number(100)), default=_hundred(scaled))


def zscore(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    center, spread = parameter(params, "center", 50.0), parameter(params, "spread", 10.0)
    z: exp.Expr = divide(exp.Sub(this=group.value.copy(), expression=group.mean), group.std)
    if not higher:
        z = exp.Neg(this=z)
    score = exp.Add(this=number(center), expression=exp.Mul(this=number(spread), expression=z))
    return _case((_constant(group), number(center)), default=score)


def rank(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    n = group.count
    behind = _hundred(exp.Sub(this=n.copy(), expression=group.rank(higher)))
    one = exp.LTE(this=n.copy(), expression=exp.Literal.number(1))
    return _case(
        (one, number(100)), default=divide(behind, exp.Sub(this=n, expression=exp.Literal.number(1)))
    )


def percentile(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    return divide(_hundred(group.not_better(higher)), group.count)


def goalposts(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    low, high = number(parameter(params, "low")), number(parameter(params, "high"))
    x = group.value
    above = (
        exp.Sub(this=x.copy(), expression=low.copy())
        if higher
        else exp.Sub(this=high.copy(), expression=x.copy())
    )
    return _hundred(clip(divide(above, exp.Sub(this=high, expression=low)), 0, 1))


def ratio_to_best(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    x, lo = group.value, group.min
    if higher:
        ratio = divide(_hundred(x), group.max)
    else:
        ratio = _case(
            (exp.EQ(this=x.copy(), expression=lo.copy()), number(100)), default=divide(_hundred(lo), x)
        )
    return _case((_negative(group), exp.Null()), (_constant(group), number(100)), default=ratio)


def ratio_to_threshold(group: Group, higher: bool, params: Mapping[str, Any]) -> exp.Expr:
    threshold = parameter(params, "threshold")
    cap, floor = parameter(params, "cap", 1.0), parameter(params, "floor", 0.0)
    x = group.value
    ratio = divide(x, number(threshold)) if higher else divide(number(threshold), x)
    capped = _case((exp.LT(this=ratio.copy(), expression=number(cap)), ratio.copy()), default=number(cap))
    scored = divide(_hundred(capped), number(cap))
    # threshold / 0 is infinite in the engine: over any cap, so full marks
    infinite = exp.EQ(this=x.copy(), expression=number(0)) if not higher else exp.false()
    return _case(
        (_negative(group), exp.Null()),
        (infinite, number(100)),
        (exp.LT(this=ratio, expression=number(floor)), number(0)),
        default=scored,
    )


def arithmetic(values: list[exp.Expr], weights: list[exp.Expr]) -> exp.Expr:
    terms: list[exp.Expr] = [exp.Mul(this=w, expression=x) for x, w in zip(values, weights, strict=True)]
    return _total(terms)


def geometric(values: list[exp.Expr], weights: list[exp.Expr]) -> exp.Expr:
    """100 · exp(Σ w_j ln(x_j / 100)) over the children with weight; NULL where one is ≤ 0."""
    terms, refused = [], []
    for x, w in zip(values, weights, strict=True):
        used = exp.GT(this=w.copy(), expression=number(0))
        positive = exp.GT(this=x.copy(), expression=number(0))
        log = exp.Ln(this=exp.Div(this=x.copy(), expression=number(100), typed=True))
        terms.append(
            _case((exp.and_(used, positive), exp.Mul(this=w.copy(), expression=log)), default=number(0))
        )
        refused.append(exp.and_(used.copy(), exp.Not(this=exp.Paren(this=positive.copy()))))
    mean = _hundred(exp.Exp(this=_total(terms)))
    return _case((exp.or_(*refused), exp.Null()), default=mean)


def _total(terms: list[exp.Expr]) -> exp.Expr:
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return exp.Paren(this=total)
