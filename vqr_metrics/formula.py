"""The metric formula language: parsed once with ``ast``, evaluated column-wise.

A formula is an arithmetic expression over indicator and metric names::

    毕业去向落实人数 / 毕业生人数 * 100
    [专任教师“双师”人数] / 专任教师数 × 100
    where(折合在校生数 > 0, 折合在校生数, 全日制在校生人数)

Names are keys or Chinese names; a name that is not a Python identifier is
quoted in square brackets.  Only numbers, names, + − × ÷ **, unary minus,
comparisons, and/or/not, parentheses and the functions in ``FUNCTIONS`` are
allowed.  Evaluation works on whole numpy columns (one element per
entity-year) with NaN as null; a zero or missing denominator gives null and
is reported, so no inf or NaN ever leaves the engine.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .errors import FormulaError, shown
from .units import normalize_unit

Column = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_EXPONENT = 16

FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    # name: (min args, max args or None, what it does)
    "min": (2, None, "smallest argument; null if any is null"),
    "max": (2, None, "largest argument; null if any is null"),
    "abs": (1, 1, "absolute value"),
    "sum_of": (1, None, "sum skipping nulls; null only when all are null"),
    "coalesce": (1, None, "first argument that is not null"),
    "where": (3, 3, "where(condition, if_true, if_false)"),
    "prev": (1, 1, "the same entity's value one year earlier"),
}

_BIN = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_CMP = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_QUOTED = re.compile(r"\[([^\[\]]+)\]")
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")", "，": ","})


@attrs.frozen
class Formula:
    """A parsed, validated formula.  ``names`` are the names as written."""

    text: str
    tree: ast.Expression = attrs.field(eq=False, repr=False)
    names: tuple[str, ...]
    quoted: Mapping[str, str] = attrs.field(eq=False, repr=False)
    uses_prev: bool = False

    def name_of(self, node: ast.Name) -> str:
        return self.quoted.get(node.id, node.id)


def parse(text: str) -> Formula:
    """Parse and validate ``text``; raises :class:`FormulaError` with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is longer than {MAX_LENGTH} characters")
    quoted: dict[str, str] = {}

    def _quote(match: re.Match[str]) -> str:
        placeholder = f"_q{len(quoted)}_"
        quoted[placeholder] = match.group(1).strip()
        return f" {placeholder} "

    # Quoted names first, so symbols inside a name are left alone.
    source = _QUOTED.sub(_quote, text).translate(_SYMBOLS)
    if "[" in source or "]" in source:
        raise FormulaError(f"unbalanced [ ] in formula {shown(text)}")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        reason = getattr(exc, "msg", None) or type(exc).__name__
        raise FormulaError(f"cannot parse formula {shown(text)}: {reason}") from None
    names: list[str] = []
    _validate(tree.body, text, quoted, names, 1)
    uses_prev = any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "prev"
        for n in ast.walk(tree)
    )
    return Formula(
        text=text, tree=tree, names=tuple(dict.fromkeys(names)), quoted=quoted, uses_prev=uses_prev
    )


def _validate(node: ast.AST, text: str, quoted: dict[str, str], names: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"formula {shown(text)} is nested deeper than {MAX_DEPTH} levels")

    def sub(child: ast.AST) -> None:
        _validate(child, text, quoted, names, depth + 1)

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {shown(text)}: only numbers are allowed as constants")
        if not math.isfinite(_as_float(node.value)):
            raise FormulaError(f"formula {shown(text)}: the number {str(node.value)[:20]}… is too large")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError(f"formula {shown(text)}: {node.id} is a function; call it")
        names.append(quoted.get(node.id, node.id))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _BIN):
        if isinstance(node.op, ast.Pow):
            exp = node.right
            if isinstance(exp, ast.UnaryOp) and isinstance(exp.op, (ast.USub, ast.UAdd)):
                exp = exp.operand
            number = isinstance(exp, ast.Constant) and type(exp.value) in (int, float)
            power = _constant(node.right, 0)
            if power is not None and abs(power) > MAX_EXPONENT:  # 9**9**9 too: said, never computed
                raise FormulaError(
                    f"formula {shown(text)}: the exponent {shown(ast.unparse(node.right), 40)} is too large "
                    f"(at most {MAX_EXPONENT})"
                )
            if not number:
                raise FormulaError(f"formula {shown(text)}: an exponent must be a number")
        sub(node.left)
        sub(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        sub(node.operand)
    elif isinstance(node, ast.Compare) and all(isinstance(op, _CMP) for op in node.ops):
        sub(node.left)
        for comparator in node.comparators:
            sub(comparator)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            sub(value)
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            called = func.id if isinstance(func, ast.Name) else ast.unparse(func)
            raise FormulaError(
                f"formula {shown(text)}: {called}() is not allowed; functions: {', '.join(FUNCTIONS)}"
            )
        if node.keywords:
            raise FormulaError(f"formula {shown(text)}: {func.id}() takes no keyword arguments")
        low, high, _ = FUNCTIONS[func.id]
        if len(node.args) < low or (high is not None and len(node.args) > high):
            raise FormulaError(f"formula {shown(text)}: wrong number of arguments to {func.id}()")
        if func.id == "prev" and not isinstance(node.args[0], ast.Name):
            raise FormulaError(f"formula {shown(text)}: prev() takes a name")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise FormulaError(f"formula {shown(text)}: * arguments are not allowed")
            sub(arg)
    else:
        raise FormulaError(f"formula {shown(text)}: {type(node).__name__} is not allowed")


def _constant(node: ast.AST, depth: int) -> float | None:
    """The value of an expression of numbers alone, ``inf`` where it
    overflows, ``nan`` where it is undefined; ``None`` when it holds
    anything else (a name, a call) or is nested too deep to look at."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        return _as_float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant(node.operand, depth + 1)
        return None if value is None else -value if isinstance(node.op, ast.USub) else value
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, _BIN)):
        return None
    left, right = _constant(node.left, depth + 1), _constant(node.right, depth + 1)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Pow) and not abs(right) <= MAX_EXPONENT:
        return math.inf
    try:
        result = _FOLD[type(node.op)](left, right)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.nan
    return result if isinstance(result, float) else math.nan  # a negative number to a fractional power


_FOLD: dict[type[ast.operator], Callable[[float, float], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _as_float(value: float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


@attrs.define
class Evaluation:
    """A formula's column with the reasons its nulls have.

    ``zero_division``: a denominator was 0.  ``missing``: an input was null.
    ``no_prev``: ``prev()`` had no earlier year for that entity (not an error).
    ``invalid``: overflow or an undefined power, turned into null.
    """

    values: Column
    zero_division: Mask
    missing: Mask
    no_prev: Mask
    invalid: Mask
    steps: int = 0


def evaluate(
    formula: Formula,
    column: Callable[[str], Column],
    rows: int,
    prev_index: npt.NDArray[np.intp] | None = None,
) -> Evaluation:
    """Evaluate over ``rows`` entity-years.  ``column(name)`` gives a name's
    column; ``prev_index[i]`` is the row one year earlier, or -1."""
    ev = _Evaluator(formula, column, rows, prev_index)
    with np.errstate(all="ignore"):
        out = np.broadcast_to(ev.visit(formula.tree.body), (rows,)).astype(np.float64)
    bad = ~np.isfinite(out) & ~np.isnan(out)
    ev.invalid |= bad
    out[bad] = np.nan
    ev.invalid &= np.isnan(out)
    return Evaluation(out, ev.zero, ev.missing, ev.no_prev, ev.invalid, ev.steps)


class _Evaluator:
    def __init__(
        self,
        formula: Formula,
        column: Callable[[str], Column],
        rows: int,
        prev_index: npt.NDArray[np.intp] | None,
    ) -> None:
        self.formula = formula
        self.column = column
        self.rows = rows
        self.prev_index = prev_index
        self.zero = np.zeros(rows, dtype=bool)
        self.missing = np.zeros(rows, dtype=bool)
        self.no_prev = np.zeros(rows, dtype=bool)
        self.invalid = np.zeros(rows, dtype=bool)
        self.steps = 0

    def visit(self, node: ast.AST) -> Column | float:
        self.steps += 1  # one step per node, whatever the number of rows
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float))
            return float(node.value)
        if isinstance(node, ast.Name):
            values = self.column(self.formula.name_of(node))
            self.missing |= np.isnan(values)
            return values
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.USub):
                return np.negative(operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return _truth(np.asarray(operand) == 0, operand)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            operands = [self._full(self.visit(v)) for v in node.values]
            nulls = np.logical_or.reduce([np.isnan(v) for v in operands])
            truths = [np.nan_to_num(v) != 0 for v in operands]
            joined = (
                np.logical_and.reduce(truths)
                if isinstance(node.op, ast.And)
                else np.logical_or.reduce(truths)
            )
            return np.where(nulls, np.nan, joined.astype(np.float64))
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self._call(node.func.id, node.args)

    def _binop(self, node: ast.BinOp) -> Column | float:
        left = self.visit(node.left)
        right = self.visit(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            return np.add(left, right)
        if isinstance(op, ast.Sub):
            return np.subtract(left, right)
        if isinstance(op, ast.Mult):
            return np.multiply(left, right)
        if isinstance(op, ast.Pow):
            result = np.power(np.asarray(left, dtype=np.float64), right)
            self.invalid |= np.broadcast_to(
                np.isnan(result) & ~np.isnan(np.asarray(left, dtype=np.float64)), (self.rows,)
            )
            return result
        den = np.broadcast_to(np.asarray(right, dtype=np.float64), (self.rows,))
        zero = den == 0
        self.zero |= zero
        return np.where(zero, np.nan, np.divide(left, np.where(zero, 1.0, den)))

    def _compare(self, node: ast.Compare) -> Column:
        left = np.asarray(self.visit(node.left), dtype=np.float64)
        result = np.ones(self.rows, dtype=bool)
        nulls = np.broadcast_to(np.isnan(left), (self.rows,)).copy()
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = np.asarray(self.visit(comp), dtype=np.float64)
            nulls |= np.isnan(right)
            result &= _COMPARE[type(op)](left, right)
            left = right
        return np.where(nulls, np.nan, result.astype(np.float64))

    def _call(self, name: str, args: list[ast.expr]) -> Column | float:
        if name == "prev":
            return self._prev(args[0])
        values = [np.broadcast_to(np.asarray(self.visit(a), np.float64), (self.rows,)) for a in args]
        if name == "min":
            return np.asarray(np.minimum.reduce(values), np.float64)
        if name == "max":
            return np.asarray(np.maximum.reduce(values), np.float64)
        if name == "abs":
            return np.abs(values[0])
        if name == "where":
            cond, yes, no = values
            return np.where(np.isnan(cond), np.nan, np.where(cond != 0, yes, no))
        stack = np.vstack(values)
        present = ~np.isnan(stack)
        if name == "sum_of":
            return np.where(present.any(axis=0), np.nansum(stack, axis=0), np.nan)
        # coalesce: the first present argument, row by row, as one vector operation
        first = np.argmax(present, axis=0)
        picked = stack[first, np.arange(self.rows)]
        return np.where(present.any(axis=0), picked, np.nan)

    def _full(self, x: Column | float) -> Column:
        return np.broadcast_to(np.asarray(x, np.float64), (self.rows,))

    def _prev(self, arg: ast.expr) -> Column:
        assert isinstance(arg, ast.Name)
        self.steps += 1
        values = self.column(self.formula.name_of(arg))
        index = np.full(self.rows, -1, np.intp) if self.prev_index is None else self.prev_index
        has = index >= 0
        self.no_prev |= ~has
        out = np.where(has, values[np.where(has, index, 0)], np.nan)
        self.missing |= has & np.isnan(out)
        return out


_COMPARE: dict[type, Callable[[Column, Column], Mask]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


def _truth(mask: Mask, like: Column | float) -> Column:
    return np.where(np.isnan(like), np.nan, mask.astype(np.float64))


def infer_unit(formula: Formula, unit_of: Callable[[str], str]) -> str | None:
    """The unit a formula's result carries, or None when it is unknown
    (products, quotients, powers).  Raises :class:`FormulaError` when a sum,
    difference, comparison or choice mixes two known, different units —
    adding 人 to 万元 is always a mistake."""

    def unit(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant):
            return None
        if isinstance(node, ast.Name):
            return unit_of(formula.name_of(node)) or None
        if isinstance(node, ast.UnaryOp):
            return unit(node.operand) if not isinstance(node.op, ast.Not) else None
        if isinstance(node, ast.BinOp):
            left, right = unit(node.left), unit(node.right)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return same(left, right, node)
            return None
        if isinstance(node, ast.Compare):
            units = [unit(node.left), *(unit(c) for c in node.comparators)]
            for a, b in itertools.pairwise(units):
                same(a, b, node)
            return None
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                unit(v)
            return None
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = [unit(a) for a in node.args]
        name = node.func.id
        if name == "where":
            return same(args[1], args[2], node)
        if name in ("min", "max", "sum_of", "coalesce"):
            result: str | None = None
            for a in args:
                result = same(result, a, node)
            return result
        return args[0]  # abs, prev

    def same(a: str | None, b: str | None, node: ast.AST) -> str | None:
        if a is not None and b is not None and normalize_unit(a) != normalize_unit(b):
            part = ast.unparse(node)
            for placeholder, name in formula.quoted.items():
                part = part.replace(placeholder, f"[{name}]")
            raise FormulaError(f"formula {shown(formula.text)} mixes units {a!r} and {b!r} in {part}")
        return a if a is not None else b

    return unit(formula.tree.body)
