"""The consistency checks in SQL: the rows each flags, found by a database (the checks word them).

Each form finds the rows its ``flag_*`` twin in :mod:`.consistency` or
:mod:`.figures` finds, with the same arithmetic in the same order (sums left
to right, ``whole + tolerance + 1e-9``), so a database and the engine flag
the same rows; the findings are then worded by the check's ``emit_*``.
Relations compare columns of the wide frame, one query per group of keys;
checks of single figures read the kept figures long, one query each.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from vqr_metrics.checks import number_option
from vqr_metrics.sql.compile import number
from vqr_metrics.sql.findings import SqlCheckContext, SqlForm
from vqr_metrics.units import is_count, is_percent

from .consistency import children
from .figures import Emit, bounded, bounds_text, inputs

Form = Callable[[SqlCheckContext, Emit], SqlForm]


def _present(value: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Is(this=value, expression=exp.Null()))


def _plus(*terms: exp.Expr) -> exp.Expr:
    """``a + b + c`` added left to right, as numpy adds."""
    out = terms[0]
    for term in terms[1:]:
        out = exp.Add(this=out, expression=term)
    return exp.Paren(this=out)


def _beyond(part: exp.Expr, whole: exp.Expr, tolerance: exp.Expr) -> exp.Expr:
    """``part > whole + tolerance + 1e-9``."""
    return exp.GT(this=part, expression=_plus(whole, tolerance, number(1e-9)))


def _key_list(*keys: str | exp.Expr) -> exp.Expr:
    """Keys joined by commas; a NULL one is skipped."""
    parts = [exp.Literal.string(k) if isinstance(k, str) else k for k in keys]
    return exp.ConcatWs(expressions=[exp.Literal.string(","), *parts])


def partition(context: SqlCheckContext, emit: Emit) -> SqlForm:
    queries = []
    for parent, parts in children(context.catalog, "partition").items():
        whole, values = context.value(parent), [context.value(k) for k in parts]
        total = _plus(*(exp.Coalesce(this=v, expressions=[number(0.0)]) for v in values))
        shown = [
            exp.Case(ifs=[exp.If(this=_present(v), true=context.half_units(k))], default=number(0.0))
            for k, v in zip(parts, values, strict=True)
        ]
        tolerance = _plus(context.half_units(parent), *shown)
        printed = [
            exp.Case(ifs=[exp.If(this=_present(v), true=exp.Literal.string(k))])
            for k, v in zip(parts, values, strict=True)
        ]
        queries.append(
            context.flagged(
                context.wide(),
                exp.and_(exp.or_(*(_present(v) for v in values)), _beyond(total, whole, tolerance)),
                rule="relation_partition",
                severity="error",
                subject=parent,
                keys=_key_list(parent, *printed),
                expected=whole,
                actual=total,
                tolerance=tolerance,
            )
        )
    return SqlForm(tuple(queries), emit)


def subset(context: SqlCheckContext, emit: Emit) -> SqlForm:
    queries = []
    for parent, kids in children(context.catalog, "subset").items():
        for child in kids:
            whole, part = context.value(parent), context.value(child)
            tolerance = _plus(context.half_units(parent), context.half_units(child))
            queries.append(
                context.flagged(
                    context.wide(),
                    _beyond(part, whole, tolerance),
                    rule="relation_subset",
                    severity="error",
                    subject=f"{parent},{child}",
                    keys=f"{parent},{child}",
                    expected=whole,
                    actual=part,
                    tolerance=tolerance,
                )
            )
    return SqlForm(tuple(queries), emit)


def other_unit(context: SqlCheckContext, emit: Emit) -> SqlForm:
    queries = [
        context.flagged(
            context.wide(),
            exp.and_(
                exp.EQ(this=context.value(parent), expression=number(0.0)),
                exp.GT(this=context.value(child), expression=number(0.0)),
            ),
            rule="relation_other_unit",
            severity="error",
            subject=f"{parent},{child}",
            keys=f"{parent},{child}",
            expected=0.0,
            actual=context.value(child),
            tolerance=0.0,
        )
        for parent, kids in children(context.catalog, "other_unit").items()
        for child in kids
    ]
    return SqlForm(tuple(queries), emit)


def metric_bounds(context: SqlCheckContext, emit: Emit) -> SqlForm:
    catalog = context.catalog
    queries = []
    for key, (low, high) in bounded(catalog).items():
        value = context.value(key)
        out = [
            exp.LT(this=value, expression=number(low)) if low is not None else None,
            exp.GT(this=value, expression=number(high)) if high is not None else None,
        ]
        deps = dict.fromkeys(catalog.dependencies.get(key, {}).values())
        queries.append(
            context.flagged(
                context.wide(),
                exp.or_(*(o for o in out if o is not None)),
                rule="metric_bounds",
                severity="warning",
                subject=key,
                keys=",".join((key, *deps)),
                expected=bounds_text(low, high),
                actual=value,
                tolerance=0.0,
            )
        )
    return SqlForm(tuple(queries), emit)


# --- single figures, long -------------------------------------------------------


def _figures(
    context: SqlCheckContext,
    emit: Emit,
    rule: str,
    applies: Callable[[str], bool],
    bad: Callable[[exp.Expr], exp.Expr],
    expected: str | Callable[[exp.Expr], exp.Expr],
) -> SqlForm:
    """One query over the kept figures of the inputs ``applies`` to, where ``bad`` holds."""
    keys = [k for k in inputs(context.catalog) if applies(k)]
    if not keys:
        return SqlForm((), emit)
    cur = context.frame.current
    key, value = _of(cur, "key"), _of(cur, "value")
    ours = exp.In(this=key, expressions=[exp.Literal.string(k) for k in keys])
    query = context.flagged(
        context.long(),
        exp.and_(ours, bad(value)),
        rule=rule,
        severity="error",
        subject=key,
        keys=key.copy(),
        expected=expected if isinstance(expected, str) else expected(value),
        actual=value,
        tolerance=0.0,
    )
    return SqlForm((query,), emit)


def _of(table: str, name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True), table=exp.to_identifier(table, quoted=True))


def percent_range(context: SqlCheckContext, emit: Emit) -> SqlForm:
    catalog = context.catalog
    return _figures(
        context,
        emit,
        "percent_range",
        lambda k: is_percent(catalog.get(k).unit),
        lambda v: exp.or_(exp.LT(this=v, expression=number(0.0)), exp.GT(this=v, expression=number(100.0))),
        "0–100",
    )


def non_negative(context: SqlCheckContext, emit: Emit) -> SqlForm:
    return _figures(
        context,
        emit,
        "non_negative",
        lambda k: True,
        lambda v: exp.LT(this=v, expression=number(0.0)),
        ">= 0",
    )


def _round_half_even(value: exp.Expr) -> exp.Expr:
    """``value`` to the nearest whole number, a half to the even one (as numpy's round)."""

    def low() -> exp.Expr:
        return exp.Floor(this=value.copy())

    rest = exp.Paren(this=exp.Sub(this=value.copy(), expression=low()))
    half = exp.Div(this=low(), expression=number(2.0), typed=True)
    odd = exp.NEQ(this=low(), expression=exp.Mul(this=number(2.0), expression=exp.Floor(this=half)))
    up = exp.or_(
        exp.GT(this=rest, expression=number(0.5)),
        exp.and_(exp.EQ(this=rest.copy(), expression=number(0.5)), odd),
    )
    return exp.Case(ifs=[exp.If(this=up, true=exp.Add(this=low(), expression=number(1.0)))], default=low())


def whole_counts(context: SqlCheckContext, emit: Emit) -> SqlForm:
    catalog = context.catalog
    return _figures(
        context,
        emit,
        "whole_counts",
        lambda k: is_count(catalog.get(k).unit),
        lambda v: exp.NEQ(this=v, expression=exp.Floor(this=v.copy())),
        _round_half_even,
    )


def yoy_jump(context: SqlCheckContext, emit: Emit) -> SqlForm:
    factor = number_option(context.options_context(), "yoy_jump_factor", above=1)
    cur, prev = context.frame.current, context.frame.previous
    key, now, before = _of(cur, "key"), _of(cur, "value"), _of(prev, "value")
    ratio = exp.Div(this=now, expression=before, typed=True)
    ours = exp.In(this=key, expressions=[exp.Literal.string(k) for k in inputs(context.catalog)])
    jump = exp.or_(
        exp.GT(this=ratio, expression=number(factor)),
        exp.LT(this=ratio.copy(), expression=number(1 / factor)),
    )
    where = exp.and_(
        ours,
        exp.GT(this=before, expression=number(0.0)),
        exp.GT(this=now, expression=number(0.0)),
        exp.Paren(this=jump),
    )
    query = context.flagged(
        context.long(),
        where,
        rule="yoy_jump",
        severity="warning",
        subject=key,
        keys=key.copy(),
        expected=before.copy(),
        actual=now.copy(),
        tolerance=factor,
    )
    return SqlForm((query,), emit)


# The SQL form of each check, by check id.
FORMS: dict[str, Form] = {
    "relation_partition": partition,
    "relation_subset": subset,
    "relation_other_unit": other_unit,
    "percent_range": percent_range,
    "non_negative": non_negative,
    "whole_counts": whole_counts,
    "metric_bounds": metric_bounds,
    "yoy_jump": yoy_jump,
}
