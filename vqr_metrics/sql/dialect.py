"""What a dialect needs beyond sqlglot's transpiling: PostgreSQL's float arithmetic made IEEE's.

DuckDB and Spark compute in IEEE doubles, as the engine does: an overflow is
±infinity, an underflow zero.  PostgreSQL raises an error instead (``value out
of range``), and on ``0 ^ -1`` and a negative number to a fractional power.
:func:`for_dialect` rewrites, for PostgreSQL only, each formula operation
:mod:`.compile` marked (``+ - * /`` and ``**``) into one that gives the IEEE
value without the error: the plain operation where the operands' magnitudes
make it safe (nearly always), else the operation in NUMERIC, whose range is
far wider, turned double only after a comparison with where a double rounds
to infinity or to zero.  (PostgreSQL turns a double to NUMERIC with 15
digits, so a result within a part in 10^15 of those edges may fall the other
way; anywhere else the value is the plain operation's.)  A compound operand
is bound once, in a ``(SELECT … FROM (SELECT x OFFSET 0))`` scalar subquery
(``OFFSET 0`` keeps the planner from inlining it back), so a guard that reads
its operands many times never copies their SQL: a formula's SQL grows
linearly with its depth, not exponentially.  Booleans cast to double through
an integer (PostgreSQL has none from boolean), ``REGEXP_EXTRACT`` is
``SUBSTRING(… FROM pattern)`` (which gives the pattern's first group), and
every common table expression is ``MATERIALIZED``: PostgreSQL inlines one read
once, pasting its columns' expressions into the next, and a scorecard view's
layers each read a column several times (a clip, a guard), so the inlined
expression grows exponentially with the card's depth (a three-level card ran
a 23 GB server out of memory; materialized, it takes a fifth of a second).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from sqlglot import exp

DOUBLE = exp.DataType.build("DOUBLE")
NUMERIC = exp.DataType.build("DECIMAL")
# the meta keys compile.py marks nodes with: an operation, a power's exponent, a boolean made 1.0/0.0
MARK = "vqr_ieee"
POWER = "vqr_power"
TRUTH = "vqr_truth"
FINITE = "vqr_finite"  # CASE WHEN |body| < inf THEN body END, the formula's result

# in NUMERIC: the largest value a double rounds to the largest double, and
# the smallest it does not round to zero (half the least subnormal)
_ROUNDS_TO_MAX = "1.7976931348623158e308"
_ROUNDS_TO_ZERO = "2.4703282292062328e-324"
# operands within these magnitudes cannot overflow or underflow a product, a quotient or a sum
_BIG, _SMALL = 1e150, 1e-150
# a result within these is the plain operation's, exactly
_FAR = 1e300


def to_sql(expression: exp.Expr, dialect: str) -> str:
    """``expression`` as SQL text of ``dialect``: every query a backend runs goes through here."""
    return for_dialect(expression, dialect).sql(dialect)


def for_dialect(expression: exp.Expr, dialect: str) -> exp.Expr:
    """``expression`` as ``dialect`` needs it: a rewritten copy for PostgreSQL, else itself."""
    if dialect != "postgres":
        return expression
    tree = expression.copy()
    # innermost first (a node's descendants follow it in pre-order), so each
    # rewrite builds on its operands' rewrites
    for node in reversed(list(tree.walk())):
        new = _postgres(node)
        if new is not node:
            if node is tree:
                return new
            node.replace(new)
    return tree


def _postgres(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.RegexpExtract):
        return exp.Substring(this=node.this, start=node.expression)
    if isinstance(node, exp.CTE):
        node.set("materialized", True)
        return node
    if node.meta.get(TRUTH):
        return exp.cast(exp.cast(node.this, exp.DataType.build("INT")), DOUBLE)
    if node.meta.get(FINITE):
        body = node.args["ifs"][0].args["true"]
        infinity = _special("Infinity")
        return _bound([body], lambda v: _case((exp.LT(this=_abs(v), expression=infinity), v.copy())))
    if not node.meta.get(MARK):
        return node
    if isinstance(node, exp.Pow):
        return _bound([node.this], lambda x: _power(x, float(node.meta[POWER])))
    guard = _GUARDS[type(node)]
    return _bound([node.this, node.expression], lambda x, y: guard(x, y))


def _bound(operands: list[exp.Expr], build: Callable[..., exp.Expr], names: str = "xy") -> exp.Expr:
    """``build`` over the operands, each bound once when it is not a column or a number."""
    if all(_simple(o) for o in operands):
        return exp.Paren(this=build(*(o.copy() for o in operands)))
    # the relation is named by its columns: a CASE on n inside one on x, y still sees x and y
    table = f"vqr_{names}"
    columns = [f"vqr_{n}" for n in names[: len(operands)]]
    inner = exp.select(*(exp.alias_(o, n, quoted=True) for o, n in zip(operands, columns, strict=True)))
    bound = exp.Subquery(this=inner.offset(0), alias=exp.TableAlias(this=exp.to_identifier(table)))
    value = build(*(exp.column(n, table=table, quoted=True) for n in columns))
    return exp.Subquery(this=exp.select(value).from_(bound))


def _simple(node: exp.Expr) -> bool:
    while isinstance(node, (exp.Paren, exp.Neg)):
        node = node.this
    return isinstance(node, (exp.Column, exp.Literal)) or (
        isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal)
    )


def _num(value: float | str) -> exp.Expr:
    """A literal PostgreSQL reads as NUMERIC, turned double where compared with one."""
    return exp.Literal.number(value if isinstance(value, str) else repr(value))


def _special(text: str) -> exp.Expr:
    return exp.cast(exp.Literal.string(text), DOUBLE)


def _abs(x: exp.Expr) -> exp.Expr:
    return exp.Abs(this=x.copy())


def _case(*ifs: tuple[exp.Expr, exp.Expr], default: exp.Expr | None = None) -> exp.Case:
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in ifs], default=default)


def _op(kind: type[exp.Expr], x: exp.Expr, y: exp.Expr) -> exp.Expr:
    extra = {"typed": True} if kind is exp.Div else {}
    return kind(this=exp.Paren(this=x.copy()), expression=exp.Paren(this=y.copy()), **extra)


def _within(x: exp.Expr, low: float, high: float) -> exp.Expr:
    return exp.Between(this=_abs(x), low=_num(low), high=_num(high))


def _tame(x: exp.Expr) -> exp.Expr:
    """Whether ``x`` is infinite or NaN: PostgreSQL raises nothing on those."""
    return exp.GTE(this=_abs(x), expression=_special("Infinity"))


def _zero(x: exp.Expr) -> exp.Expr:
    return exp.EQ(this=x.copy(), expression=_num(0.0))


def _as_double(n: exp.Expr, plain: exp.Expr, sign: exp.Expr | None = None) -> exp.Expr:
    """NUMERIC ``n`` as the double IEEE arithmetic gives: ``plain`` (the double
    operation, exact) where ``n`` is far from the edges, else ±infinity past
    the largest double, ±0 under the least, the nearest double in between.
    ``sign`` (a double ±1) is the sign of a product, quotient or power, whose
    NUMERIC may have come to an unsigned zero (NUMERIC keeps finitely many
    digits); without it, ``n`` is a sum, whose zero is exact."""

    def build(n: exp.Expr) -> exp.Expr:
        signed = sign.copy() if sign is not None else exp.cast(exp.Sign(this=n.copy()), DOUBLE)
        far = _within(n, 1 / _FAR, _FAR)
        infinite = _op(exp.Mul, signed, _special("Infinity"))
        return _case(
            (far if sign is not None else exp.or_(_zero(n), far), plain),
            (exp.GT(this=_abs(n), expression=_num(_ROUNDS_TO_MAX)), infinite),
            (exp.LT(this=_abs(n), expression=_num(_ROUNDS_TO_ZERO)), _op(exp.Mul, signed.copy(), _num(0.0))),
            default=exp.cast(n.copy(), DOUBLE),
        )

    # bound too (copies of it make the SQL longer and the plan slower), in the
    # ELSE of the operation's CASE: computed only for a row that gets there
    return _bound([n], build, "n")


def _arithmetic(kind: type[exp.Expr]) -> Callable[[exp.Expr, exp.Expr], exp.Expr]:
    """``x op y`` for ``+ - * /``: PostgreSQL raises on an overflow, and for
    ``*`` and ``/`` on an underflow to zero, of finite operands."""

    def build(x: exp.Expr, y: exp.Expr) -> exp.Expr:
        # GREATEST and LEAST skip a NULL: with one, the other decides, and NULL op y raises nothing
        larger = exp.Greatest(this=_abs(x), expressions=[_abs(y)])
        moderate: exp.Expr = exp.LTE(this=larger, expression=_num(_BIG))
        if kind in (exp.Mul, exp.Div):  # x / y: y is never 0 (compile.py made it NULL)
            smaller = exp.Least(this=_abs(x), expressions=[_abs(y)])
            zero = [_zero(x), _zero(y)] if kind is exp.Mul else [_zero(x)]
            moderate = exp.and_(moderate, exp.or_(exp.GTE(this=smaller, expression=_num(_SMALL)), *zero))
        safe = exp.or_(moderate, exp.GTE(this=larger.copy(), expression=_special("Infinity")))
        n = _op(kind, exp.cast(x.copy(), NUMERIC), exp.cast(y.copy(), NUMERIC))
        sign = None
        if kind in (exp.Mul, exp.Div):
            sign = _op(exp.Mul, exp.Sign(this=x.copy()), exp.Sign(this=y.copy()))
        return _case((safe, _op(kind, x, y)), default=_as_double(n, _op(kind, x, y), sign))

    return build


def _power(x: exp.Expr, p: float) -> exp.Expr:
    """``x ** p`` as IEEE ``pow`` (and numpy) gives it, for a constant ``p`` ≠ 0."""
    integer = p.is_integer()
    power = exp.Pow(this=x.copy(), expression=_num(p))
    odd = integer and p % 2 == 1
    ifs: list[tuple[exp.Expr, exp.Expr]] = []
    if p < 0:  # 0 ** -p is infinite, of the zero's sign for an odd p
        infinity = _special("Infinity")
        if odd:
            text = exp.cast(x.copy(), exp.DataType.build("TEXT"))
            negative_zero = exp.EQ(this=text, expression=exp.Literal.string("-0"))
            infinity = _case((negative_zero, _special("-Infinity")), default=infinity)
        ifs.append((_zero(x), infinity))
    if not integer:  # a negative base: NaN; but -inf ** p is inf (p > 0) or 0
        minus_infinity = exp.EQ(this=x.copy(), expression=_special("-Infinity"))
        edge = _special("Infinity") if p > 0 else _num(0.0)
        negative = exp.LT(this=x.copy(), expression=_num(0.0))
        ifs.append((negative, _case((minus_infinity, edge), default=_special("NaN"))))
    # |x| ** p within 10^±300 where |x| is within 10^(±300/|p|)
    reach = 10.0 ** min(math.log10(_FAR) / abs(p), 300.0)
    safe = exp.or_(_tame(x), _zero(x), _within(x, 1 / reach, reach))
    ifs.append((safe, power))
    n = exp.Pow(this=exp.cast(x.copy(), NUMERIC), expression=exp.cast(_num(p), NUMERIC))
    sign = exp.Sign(this=x.copy()) if odd else _num(1.0)
    return _case(*ifs, default=_as_double(n, power.copy(), sign))


_GUARDS: dict[type[exp.Expr], Callable[[exp.Expr, exp.Expr], exp.Expr]] = {
    kind: _arithmetic(kind) for kind in (exp.Add, exp.Sub, exp.Mul, exp.Div)
}
