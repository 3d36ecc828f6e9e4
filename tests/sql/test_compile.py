"""Formulas compiled to SQL give in DuckDB what the numpy engine gives: same nulls, same values."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pyarrow as pa
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from vqr_metrics.dataset import Dataset
from vqr_metrics.errors import FormulaError
from vqr_metrics.formula import evaluate, parse
from vqr_metrics.sql.compile import compile_formula, identifier, with_previous

NAMES = ("a", "b", "[毕业 生“双师”]")
COLUMNS = {"a": "a", "b": "b", "毕业 生“双师”": "毕业 生“双师”"}
# nulls, zeros, signs, magnitudes that overflow when multiplied or squared
VALUES = (math.nan, 0.0, 1.0, -1.0, 2.5, -7.0, 0.5, 1e300, -1e300, 1e-300, 123456.789)
# two entities, a gap year (2022) so prev() has nothing in 2023
ROWS = (("甲", 2020), ("甲", 2021), ("甲", 2023), ("乙", 2021), ("乙", 2022))

leaves = st.sampled_from(NAMES) | st.sampled_from(("0", "1", "2", "0.5", "3.25", "1e300", "100"))


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two = st.tuples(inner, inner)
    three = st.tuples(inner, inner, inner)
    return st.one_of(
        st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(("0", "1", "2", "3", "-1", "-2", "0.5"))).map(
            lambda t: f"({t[0]}) ** {t[1]}"
        ),
        st.tuples(inner, st.sampled_from(("<", "<=", ">", ">=", "==", "!=")), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        three.map(lambda t: f"({t[0]} <= {t[1]} < {t[2]})"),
        st.tuples(inner, st.sampled_from(("and", "or")), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"(not {x})"),
        inner.map(lambda x: f"(-{x})"),
        st.tuples(st.sampled_from(("min", "max", "sum_of", "coalesce")), two).map(
            lambda t: f"{t[0]}({t[1][0]}, {t[1][1]})"
        ),
        st.tuples(st.sampled_from(("min", "max", "sum_of", "coalesce")), three).map(
            lambda t: f"{t[0]}({t[1][0]}, {t[1][1]}, {t[1][2]})"
        ),
        inner.map(lambda x: f"abs({x})"),
        three.map(lambda t: f"where({t[0]}, {t[1]}, {t[2]})"),
        st.sampled_from(NAMES).map(lambda n: f"prev({n})"),
    )


formulas = st.recursive(leaves, _grow, max_leaves=10)
columns = st.lists(st.sampled_from(VALUES), min_size=len(ROWS), max_size=len(ROWS))


def _duckdb_values(text: str, data: dict[str, list[float]]) -> list[float | None]:
    table = pa.table(
        {
            "i": list(range(len(ROWS))),
            "entity": [e for e, _ in ROWS],
            "year": [y for _, y in ROWS],
            # NaN is the engine's null; DuckDB is given a real NULL
            **{col: pa.array(values, pa.float64(), mask=np.isnan(values)) for col, values in data.items()},
        }
    )
    con = duckdb.connect()
    con.register("t", table)
    query = with_previous("t").select(identifier("i", "cur"), compile_formula(parse(text), COLUMNS))
    rows = con.sql(query.order_by(identifier("i", "cur")).sql("duckdb")).fetchall()
    return [v for _, v in rows]


def _numpy_values(text: str, data: dict[str, list[float]]) -> list[float | None]:
    dataset = Dataset(ROWS)
    got = evaluate(parse(text), lambda name: np.array(data[name]), len(ROWS), dataset.prev_index())
    return [None if math.isnan(v) else v for v in got.values.tolist()]


def _same(text: str, data: dict[str, list[float]]) -> None:
    engine, sql = _numpy_values(text, data), _duckdb_values(text, data)
    for row, (want, got) in enumerate(zip(engine, sql, strict=True)):
        if want is None or got is None:
            assert want is got, f"{text} row {row}: engine {want}, DuckDB {got}"
        else:
            assert math.isclose(want, got, rel_tol=1e-9), f"{text} row {row}: engine {want}, DuckDB {got}"


def formulas_alike(text: str, a: list[float], b: list[float], c: list[float]) -> None:
    """A random formula gives what the engine gives; 40 examples here, 2,000 in the fuzz run."""
    _same(text, {"a": a, "b": b, "毕业 生“双师”": c})


test_random_formulas_evaluate_alike = settings(max_examples=40, deadline=None)(
    given(formulas, columns, columns, columns)(formulas_alike)
)


@pytest.mark.parametrize(
    "text",
    [
        "a / b",  # zero and null denominators
        "min(a, b)",  # null if any is null
        "max(a, b, 3)",
        "sum_of(a, b)",  # null only when all are
        "where(a > 0, b, a)",  # a null condition gives null
        "prev(a)",  # a gap year gives null
        "a * 1e300 * 1e300 > 0",  # an overflow stays infinite on the way, as in numpy
        "1 / (a * 1e300 * 1e300)",
        "(a * 1e300 * 1e300) - (a * 1e300 * 1e300)",  # inf - inf: null
        "a ** 0.5",  # a negative base: null
        "b ** -1",  # a zero base: infinite, so null at the end
        "a ** 0",  # 1, even for a null a (IEEE)
        "(a or b) + (not a)",
    ],
)
def test_semantics_the_engine_has(text: str) -> None:
    a = [math.nan, 0.0, -4.0, 4.0, 2.0]
    b = [1.0, 0.0, math.nan, 2.0, -0.5]
    _same(text, {"a": a, "b": b, "毕业 生“双师”": a})


def test_names_are_quoted_identifiers_never_text() -> None:
    tricky = 'x"; DROP TABLE t; --'
    compiled = compile_formula(parse(f"[{tricky}] + 1"), {tricky: tricky})
    assert {c.name for c in compiled.find_all(exp.Column)} == {tricky}
    for dialect in ("duckdb", "postgres", "spark"):
        back = sqlglot.parse_one(compiled.sql(dialect), read=dialect)
        assert {c.name for c in back.find_all(exp.Column)} == {tricky}
    con = duckdb.connect()
    con.register("t", pa.table({"entity": ["甲"], "year": [2023], tricky: [2.0]}))
    assert con.sql(with_previous("t").select(compiled).sql("duckdb")).fetchall() == [(3.0,)]
    assert con.sql("SELECT count(*) FROM t").fetchall() == [(1,)]  # still there


def test_a_name_without_a_column_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="no column for 'c'"):
        compile_formula(parse("a + c"), {"a": "a"})
