"""A parsed formula compiled to a sqlglot expression with the numpy engine's null semantics.

The engine (:func:`vqr_metrics.formula.evaluate`) computes in IEEE doubles with
NaN as null and turns a non-finite result into null at the end.  The SQL keeps
the same model: every value is NULL (the engine's NaN) or a double that may be
±infinity on the way; an operation that gives NaN (``inf - inf``, ``0 * inf``,
a negative number to a fractional power) gives NULL instead, as in the engine,
and the result is NULL where it is not finite.  Comparisons and and/or/not give
1.0/0.0, NULL when any operand is NULL.  No input text reaches the SQL as text:
names become quoted identifiers and numbers typed literals.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence

import attrs
from sqlglot import exp

from ..errors import FormulaError, shown
from ..formula import Formula
from .dialect import FINITE, MARK, POWER, TRUTH

DOUBLE = exp.DataType.build("DOUBLE")


@attrs.frozen
class Frame:
    """The relation a compiled formula reads: each row as ``current``, joined
    (by :func:`with_previous`) to the same entity's row one year earlier as
    ``previous`` — NULL in a gap year, as ``Dataset.prev_index``.  A join
    rather than ``LAG`` windows: hundreds of windows in one query (a
    ``<key>_yoy`` per indicator) take DuckDB's planner minutes."""

    entity: str = "entity"
    year: str = "year"
    current: str = "cur"
    previous: str = "prev"


def identifier(name: str, table: str | None = None) -> exp.Column:
    """A column named ``name`` (of ``table``), always quoted (Chinese and odd names are safe)."""
    return exp.column(
        exp.to_identifier(name, quoted=True), table=exp.to_identifier(table, quoted=True) if table else None
    )


def with_previous(source: str, frame: Frame = Frame()) -> exp.Select:
    """``SELECT … FROM source`` with each row's previous year joined, to add columns to."""

    def of(table: str, name: str) -> exp.Column:
        return identifier(name, table)

    cur, prev = frame.current, frame.previous
    same_entity = exp.EQ(this=of(prev, frame.entity), expression=of(cur, frame.entity))
    year_before = exp.EQ(
        this=of(prev, frame.year),
        expression=exp.Sub(this=of(cur, frame.year), expression=exp.Literal.number(1)),
    )
    table = exp.to_identifier(source, quoted=True)
    return (
        exp.select()
        .from_(exp.Table(this=table, alias=exp.TableAlias(this=exp.to_identifier(cur, quoted=True))))
        .join(
            exp.Table(this=table.copy(), alias=exp.TableAlias(this=exp.to_identifier(prev, quoted=True))),
            on=exp.and_(same_entity, year_before),
            join_type="LEFT",
        )
    )


def number(value: float) -> exp.Expression:
    """A double literal (a bare ``0.1`` is a DECIMAL in DuckDB and Spark)."""
    return exp.cast(exp.Literal.number(repr(float(value))), DOUBLE)


def special(text: str) -> exp.Expression:
    """``NaN`` or ``Infinity`` as a double: each dialect casts the text."""
    return exp.cast(exp.Literal.string(text), DOUBLE)


def compile_formula(formula: Formula, keys: Mapping[str, str], frame: Frame = Frame()) -> exp.Expression:
    """``formula`` as one SQL expression over columns named by ``keys`` (the
    formula's names as written -> column names); NULL wherever the engine's
    value is null."""
    tree = formula.tree.body
    body = _paren(_Compiler(formula, keys, frame).visit(tree))
    if not _unbounded(tree):
        return body
    finite = exp.LT(this=exp.Abs(this=body), expression=special("Infinity"))
    return _marked(exp.Case(ifs=[exp.If(this=finite, true=body.copy())]), FINITE)


# Each guard repeats its operand in SQL (NULLIF(x, y) is CASE WHEN x = y …), so
# guards nested blindly grow a formula exponentially: they go only where the
# engine's value can be infinite or NaN on the way.
def _unbounded(node: ast.AST) -> bool:
    """Whether the engine's value of ``node`` may be ±infinity on the way (an overflow)."""
    if isinstance(node, ast.BinOp):
        return not (isinstance(node.op, ast.Pow) and _exponent(node.right) == 0)
    if isinstance(node, ast.UnaryOp):
        return not isinstance(node.op, ast.Not) and _unbounded(node.operand)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return False  # numbers, columns (finite or null), comparisons, and/or
    name = node.func.id
    if name == "sum_of":
        return True
    return name != "prev" and any(_unbounded(a) for a in node.args[name == "where" :])


def _may_be_nan(node: ast.BinOp) -> bool:
    """Whether IEEE arithmetic can give NaN here (inf − inf, 0 × inf, inf / inf,
    a negative number to a fractional power), which the engine counts as null."""
    left, right = _unbounded(node.left), _unbounded(node.right)
    if isinstance(node.op, ast.Pow):
        return not _exponent(node.right).is_integer()
    if isinstance(node.op, ast.Mult):
        return (left and not _nonzero(node.right)) or (right and not _nonzero(node.left))
    return left and right


def _nonzero(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and node.value != 0


def _paren(node: exp.Expression) -> exp.Expression:
    return node if isinstance(node, (exp.Column, exp.Paren, exp.Cast)) else exp.Paren(this=node)


def _not_nan(node: exp.Expression) -> exp.Expression:
    """NULL where ``node`` is NaN (NaN equals NaN in DuckDB, PostgreSQL and Spark)."""
    return exp.Nullif(this=node, expression=special("NaN"))


def _truth(condition: exp.Expression) -> exp.Expression:
    """A boolean as 1.0/0.0; NULL stays NULL."""
    return _marked(exp.cast(exp.Paren(this=condition), DOUBLE), TRUTH)


def _marked(node: exp.Expression, mark: str, **meta: object) -> exp.Expression:
    """``node`` marked for :func:`.dialect.for_dialect` (a dialect that spells it otherwise)."""
    node.meta.update({mark: True, **meta})
    return node


_ARITHMETIC: dict[type[ast.operator], Callable[..., exp.Expression]] = {
    ast.Add: exp.Add,
    ast.Sub: exp.Sub,
    ast.Mult: exp.Mul,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[..., exp.Expression]] = {
    ast.Lt: exp.LT,
    ast.LtE: exp.LTE,
    ast.Gt: exp.GT,
    ast.GtE: exp.GTE,
    ast.Eq: exp.EQ,
    ast.NotEq: exp.NEQ,
}


class _Compiler:
    def __init__(self, formula: Formula, keys: Mapping[str, str], frame: Frame) -> None:
        self.formula = formula
        self.keys = keys
        self.frame = frame

    def column(self, node: ast.Name, table: str | None = None) -> exp.Column:
        name = self.formula.name_of(node)
        if name not in self.keys:
            raise FormulaError(f"formula {shown(self.formula.text)}: no column for {name!r}")
        return identifier(self.keys[name], table or self.frame.current)

    def visit(self, node: ast.AST) -> exp.Expression:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float))
            return number(node.value)
        if isinstance(node, ast.Name):
            return self.column(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            operand = _paren(self.visit(node.operand))
            if isinstance(node.op, ast.USub):
                return exp.Neg(this=operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return _truth(exp.EQ(this=operand, expression=number(0)))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            return self._boolop(node)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self._call(node.func.id, node.args)

    def _binop(self, node: ast.BinOp) -> exp.Expression:
        left = _paren(self.visit(node.left))
        out: exp.Expression
        if isinstance(node.op, ast.Pow):
            power = _exponent(node.right)
            if power == 0:  # x ** 0 is 1 in IEEE (and numpy), even for a null x
                return number(1.0)
            out = _marked(exp.Pow(this=left, expression=number(power)), MARK, **{POWER: power})
        elif isinstance(node.op, ast.Div):
            den = exp.Nullif(this=_paren(self.visit(node.right)), expression=number(0))
            out = _marked(exp.Div(this=left, expression=den, typed=True), MARK)
        else:
            out = _ARITHMETIC[type(node.op)](this=left, expression=_paren(self.visit(node.right)))
            out = _marked(out, MARK)
        return _not_nan(out) if _may_be_nan(node) else out

    def _compare(self, node: ast.Compare) -> exp.Expression:
        # a < b < c: 1.0 when every link holds, NULL when any operand is NULL
        operands = [_paren(self.visit(n)) for n in (node.left, *node.comparators)]
        links = [
            _truth(_COMPARISONS[type(op)](this=operands[i], expression=operands[i + 1]))
            for i, op in enumerate(node.ops)
        ]
        return _product(links)

    def _boolop(self, node: ast.BoolOp) -> exp.Expression:
        truths = [_truth(exp.NEQ(this=_paren(self.visit(v)), expression=number(0))) for v in node.values]
        if isinstance(node.op, ast.And):
            return _product(truths)
        # a or b = 1 − (1 − a)(1 − b) on 0/1: NULL when any is NULL, as the engine
        falses = [exp.Paren(this=exp.Sub(this=number(1), expression=t)) for t in truths]
        return exp.Sub(this=number(1), expression=_product(falses))

    def _call(self, name: str, args: list[ast.expr]) -> exp.Expression:
        if name == "prev":  # the same entity's row one year earlier (see Frame)
            assert isinstance(args[0], ast.Name)
            return self.column(args[0], self.frame.previous)
        values = [_paren(self.visit(a)) for a in args]
        if name in ("min", "max"):
            return _extreme(values, exp.LTE if name == "min" else exp.GTE)
        if name == "abs":
            return exp.Abs(this=values[0])
        if name == "where":
            cond, yes, no = values
            # simple CASE on the truth: a NULL condition matches neither branch
            return exp.Case(
                this=exp.Paren(this=exp.NEQ(this=cond, expression=number(0))),
                ifs=[exp.If(this=exp.true(), true=yes), exp.If(this=exp.false(), true=no)],
            )
        if name == "coalesce":
            return exp.Coalesce(this=values[0], expressions=values[1:])
        # sum_of: nulls count as 0, unless every argument is null
        infinite = sum(_unbounded(a) for a in args)
        total: exp.Expression = exp.Coalesce(this=values[0], expressions=[number(0)])
        for value in values[1:]:
            total = _marked(
                exp.Add(this=total, expression=exp.Coalesce(this=value, expressions=[number(0)])), MARK
            )
        first = exp.Coalesce(this=values[0], expressions=values[1:])
        present = exp.Not(this=exp.Is(this=first, expression=exp.Null()))
        return exp.Case(ifs=[exp.If(this=present, true=_not_nan(total) if infinite > 1 else total)])


def _exponent(node: ast.AST) -> float:
    """The exponent, a signed number (``parse`` allows nothing else)."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    assert isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
    return sign * float(node.value)


def _product(factors: Sequence[exp.Expression]) -> exp.Expression:
    out = factors[0]
    for factor in factors[1:]:
        out = exp.Mul(this=out, expression=factor)
    return out


def _extreme(values: list[exp.Expression], beats: Callable[..., exp.Expression]) -> exp.Expression:
    """min/max as CASE: the argument no other beats; NULL when any is NULL
    (every condition that names a NULL is unknown, so no branch is taken)."""
    ifs = []
    for i, value in enumerate(values):
        conditions = [beats(this=value, expression=other) for j, other in enumerate(values) if j != i]
        ifs.append(exp.If(this=exp.and_(*conditions), true=value))
    return exp.Case(ifs=ifs)
