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

DOUBLE = exp.DataType.build("DOUBLE")


@attrs.frozen
class Frame:
    """The relation a compiled formula reads: its entity and year columns."""

    entity: str = "entity"
    year: str = "year"


def identifier(name: str) -> exp.Column:
    """A column named ``name``, always quoted (Chinese and odd names are safe)."""
    return exp.column(exp.to_identifier(name, quoted=True))


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
    body = _Compiler(formula, keys, frame).visit(formula.tree.body)
    return exp.Nullif(
        this=exp.Nullif(this=_paren(body), expression=special("Infinity")),
        expression=exp.Neg(this=special("Infinity")),
    )


def _paren(node: exp.Expression) -> exp.Expression:
    return node if isinstance(node, (exp.Column, exp.Paren, exp.Cast)) else exp.Paren(this=node)


def _not_nan(node: exp.Expression) -> exp.Expression:
    """NULL where ``node`` is NaN (NaN equals NaN in DuckDB, PostgreSQL and Spark)."""
    return exp.Nullif(this=node, expression=special("NaN"))


def _truth(condition: exp.Expression) -> exp.Expression:
    """A boolean as 1.0/0.0; NULL stays NULL."""
    return exp.cast(exp.Paren(this=condition), DOUBLE)


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

    def column(self, node: ast.Name) -> exp.Column:
        name = self.formula.name_of(node)
        if name not in self.keys:
            raise FormulaError(f"formula {shown(self.formula.text)}: no column for {name!r}")
        return identifier(self.keys[name])

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
        if isinstance(node.op, ast.Pow):
            power = _exponent(node.right)
            if power == 0:  # x ** 0 is 1 in IEEE (and numpy), even for a null x
                return number(1.0)
            return _not_nan(exp.Pow(this=left, expression=number(power)))
        right = _paren(self.visit(node.right))
        if isinstance(node.op, ast.Div):
            den = exp.Nullif(this=right, expression=number(0))
            return _not_nan(exp.Div(this=left, expression=den, typed=True))
        return _not_nan(_ARITHMETIC[type(node.op)](this=left, expression=right))

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
        if name == "prev":
            assert isinstance(args[0], ast.Name)
            return self._prev(self.column(args[0]))
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
        total: exp.Expression = exp.Coalesce(this=values[0], expressions=[number(0)])
        for value in values[1:]:
            total = exp.Add(this=total, expression=exp.Coalesce(this=value, expressions=[number(0)]))
        first = exp.Coalesce(this=values[0], expressions=values[1:])
        present = exp.Not(this=exp.Is(this=first, expression=exp.Null()))
        return exp.Case(ifs=[exp.If(this=present, true=_not_nan(total))])

    def _prev(self, column: exp.Column) -> exp.Expression:
        """The row of the same entity one year earlier; a gap year gives NULL."""

        def lag(of: exp.Expression) -> exp.Window:
            return exp.Window(
                this=exp.Lag(this=of),
                partition_by=[identifier(self.frame.entity)],
                order=exp.Order(expressions=[exp.Ordered(this=identifier(self.frame.year))]),
            )

        year = identifier(self.frame.year)
        last_year = exp.EQ(this=lag(year), expression=exp.Sub(this=year, expression=exp.Literal.number(1)))
        return exp.Case(ifs=[exp.If(this=last_year, true=lag(column))])


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
