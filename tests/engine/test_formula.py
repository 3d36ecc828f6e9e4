"""The formula language: parsing, the allowlist, column-wise evaluation."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vqr_metrics import formula
from vqr_metrics.errors import FormulaError

NAMES = ("a", "b", "c")


def cols(**columns: list[float | None]) -> tuple[dict[str, np.ndarray], int]:
    arrays = {k: np.array([np.nan if v is None else v for v in vs], float) for k, vs in columns.items()}
    return arrays, len(next(iter(arrays.values())))


def run(text: str, **columns: list[float | None]) -> formula.Evaluation:
    arrays, rows = cols(**columns)
    return formula.evaluate(formula.parse(text), arrays.__getitem__, rows)


# --- parsing -------------------------------------------------------------


def test_chinese_names_and_quoted_names() -> None:
    parsed = formula.parse("[专任教师“双师”人数] / 专任教师数 × 100")
    assert parsed.names == ("专任教师“双师”人数", "专任教师数")


def test_quoted_name_with_brackets_and_operators_inside() -> None:
    parsed = formula.parse("[毕业生就业率（三次产业）] - [a-b]")
    assert parsed.names == ("毕业生就业率（三次产业）", "a-b")


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "a.b",
        "a[0]",
        "lambda: 1",
        "open('x')",
        "a if b else c",
        "(x for x in a)",
        "'text'",
        "True",
        "a ** b",
        "2 ** 100",
        "f(a)",
        "min(a=1, b=2)",
        "min(*a)",
        "(a := 1)",
        "{a: 1}",
        "a @ b",
        "a // b",
        "a % b",
        "prev(1)",
        "abs(a, b)",
        "min",
        "",
        "   ",
        "a +",
        "[a",
    ],
)
def test_disallowed_or_malformed_is_rejected(text: str) -> None:
    with pytest.raises(FormulaError):
        formula.parse(text)


def test_length_and_depth_caps() -> None:
    with pytest.raises(FormulaError, match="longer than"):
        formula.parse("a + " * 600 + "a")
    with pytest.raises(FormulaError, match=r"nested deeper|cannot parse"):
        formula.parse("abs(" * 60 + "a" + ")" * 60)
    with pytest.raises(FormulaError, match="nested deeper"):
        formula.parse("-" * 50 + "a")


DISALLOWED_NODES = [
    ast.Attribute(value=ast.Name(id="a", ctx=ast.Load()), attr="x", ctx=ast.Load()),
    ast.Subscript(value=ast.Name(id="a", ctx=ast.Load()), slice=ast.Constant(0), ctx=ast.Load()),
    ast.Lambda(
        args=ast.arguments(
            posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[], vararg=None, kwarg=None
        ),
        body=ast.Constant(1),
    ),
    ast.Call(func=ast.Name(id="eval", ctx=ast.Load()), args=[ast.Constant("1")], keywords=[]),
    ast.Constant("text"),
    ast.IfExp(test=ast.Name(id="a", ctx=ast.Load()), body=ast.Constant(1), orelse=ast.Constant(2)),
    ast.BinOp(left=ast.Name(id="a", ctx=ast.Load()), op=ast.FloorDiv(), right=ast.Constant(2)),
    ast.Tuple(elts=[ast.Constant(1), ast.Constant(2)], ctx=ast.Load()),
    ast.Set(elts=[ast.Constant(1)]),
]


@st.composite
def tree_with_disallowed(draw: st.DrawFn) -> ast.expr:
    """An allowed expression with one disallowed node planted at a random place."""
    bad: ast.expr = draw(st.sampled_from(DISALLOWED_NODES))
    node = bad
    for _ in range(draw(st.integers(0, 5))):
        other = ast.Name(id=draw(st.sampled_from(NAMES)), ctx=ast.Load())
        kind = draw(st.sampled_from(["bin", "neg", "call", "cmp"]))
        if kind == "bin":
            op = draw(st.sampled_from([ast.Add(), ast.Sub(), ast.Mult(), ast.Div()]))
            left, right = (node, other) if draw(st.booleans()) else (other, node)
            node = ast.BinOp(left=left, op=op, right=right)
        elif kind == "neg":
            node = ast.UnaryOp(op=ast.USub(), operand=node)
        elif kind == "call":
            node = ast.Call(func=ast.Name(id="max", ctx=ast.Load()), args=[node, other], keywords=[])
        else:
            node = ast.Compare(left=node, ops=[ast.Lt()], comparators=[other])
    return node


@settings(max_examples=200)
@given(tree_with_disallowed())
def test_random_trees_with_a_disallowed_node_are_always_rejected(tree: ast.expr) -> None:
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    with pytest.raises(FormulaError):
        formula.parse(text)


# --- evaluation --------------------------------------------------------


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 4 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return draw(st.sampled_from(NAMES))
        return repr(draw(st.integers(-5, 5)))
    kind = draw(st.sampled_from(["+", "-", "*", "/", "neg", "min", "max", "abs", "cmp"]))
    left = draw(expressions(depth + 1))
    if kind == "neg":
        return f"(-{left})"
    if kind == "abs":
        return f"abs({left})"
    right = draw(expressions(depth + 1))
    if kind in ("min", "max"):
        return f"{kind}({left}, {right})"
    if kind == "cmp":
        return f"({left} < {right})"
    return f"({left} {kind} {right})"


def python_reference(text: str, env: dict[str, float | None]) -> tuple[float | None, bool]:
    """The same expression evaluated element by element in plain Python.
    Returns (value, zero_division_seen)."""
    zero = False

    def ev(node: ast.AST) -> float | None:
        nonlocal zero
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return None if v is None else -v
        if isinstance(node, ast.Compare):
            a, b = ev(node.left), ev(node.comparators[0])
            return None if a is None or b is None else float(a < b)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            args = [ev(a) for a in node.args]
            if any(a is None for a in args):
                return None
            fn = {"min": min, "max": max, "abs": abs}[node.func.id]
            return float(fn(*args))  # type: ignore[operator]
        assert isinstance(node, ast.BinOp)
        a, b = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div) and b == 0:
            zero = True
            return None
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        return a / b

    value = ev(ast.parse(text, mode="eval").body)
    if value is not None and not math.isfinite(value):
        value = None
    return value, zero


values = st.one_of(st.none(), st.integers(-20, 20).map(float), st.floats(-1e3, 1e3, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(expressions(), st.lists(st.tuples(values, values, values), min_size=1, max_size=8))
def test_column_wise_equals_element_wise(text: str, rows: list[tuple[float | None, ...]]) -> None:
    columns = {name: [r[i] for r in rows] for i, name in enumerate(NAMES)}
    ev = run(text, **columns)
    assert not np.isinf(ev.values).any()
    for i, row in enumerate(rows):
        expected, zero = python_reference(text, dict(zip(NAMES, row, strict=True)))
        got = float(ev.values[i])
        if expected is None:
            assert math.isnan(got), (text, row)
        else:
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (text, row)
        if zero and math.isnan(got):
            assert ev.zero_division[i] or ev.missing[i]


def test_zero_and_missing_denominators_are_null_and_flagged() -> None:
    ev = run("a / b * 100", a=[1, 2, None], b=[0, None, 4])
    assert np.isnan(ev.values).all()
    assert ev.zero_division.tolist() == [True, False, False]
    assert ev.missing.tolist() == [False, True, True]


def test_functions() -> None:
    ev = run("sum_of(a, b)", a=[1, None, None], b=[2, 3, None])
    assert ev.values[:2].tolist() == [3, 3] and math.isnan(ev.values[2])
    ev = run("coalesce(a, b)", a=[1, None, None], b=[2, 3, None])
    assert ev.values[:2].tolist() == [1, 3] and math.isnan(ev.values[2])
    ev = run("where(a > 0, a, b)", a=[1, -1, None], b=[5, 5, 5])
    assert ev.values[:2].tolist() == [1, 5] and math.isnan(ev.values[2])
    ev = run("a ** 2 + abs(b)", a=[3], b=[-2])
    assert ev.values.tolist() == [11]
    ev = run("(a > 1) and (b < 1) or not a", a=[2, 0, 2], b=[0, 5, 5])
    assert ev.values.tolist() == [1, 1, 0]


def test_overflow_becomes_null_not_inf() -> None:
    ev = run("a * a * a * a", a=[1e300])
    assert math.isnan(ev.values[0]) and ev.invalid[0]


def test_prev_uses_the_previous_year_row() -> None:
    parsed = formula.parse("(a - prev(a)) / prev(a) * 100")
    arrays, rows = cols(a=[100, 110, 50])
    ev = formula.evaluate(parsed, arrays.__getitem__, rows, np.array([-1, 0, -1]))
    assert math.isnan(ev.values[0]) and ev.no_prev[0]
    assert ev.values[1] == pytest.approx(10)
    assert ev.no_prev[2]


@given(st.integers(1, 2000))
def test_work_is_per_node_not_per_row(rows: int) -> None:
    """Column-wise: the number of evaluation steps depends on the formula only."""
    parsed = formula.parse("max(a, b) / (a + b) * 100 - abs(a - b)")
    arrays = {"a": np.arange(rows, dtype=float), "b": np.ones(rows)}
    ev = formula.evaluate(parsed, arrays.__getitem__, rows)
    small = formula.evaluate(parsed, {"a": np.zeros(1), "b": np.ones(1)}.__getitem__, 1)
    assert ev.steps == small.steps


def test_numbers_beyond_float_range_are_rejected() -> None:
    with pytest.raises(FormulaError, match="too large"):
        formula.parse("1" + "0" * 400 + " * a")
    with pytest.raises(FormulaError, match="too large"):
        formula.parse("1e400 * a")
