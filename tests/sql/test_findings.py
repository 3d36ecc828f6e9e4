"""The relational findings in SQL: DuckDB flags the rows the engine's checks flag, worded alike."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlglot

from vqr_metrics.catalog import Catalog
from vqr_metrics.checking import check_options
from vqr_metrics.config import Config
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.findings import Findings
from vqr_metrics.merge import build_dataset
from vqr_metrics.model import CheckContext
from vqr_metrics.sql.backend import DuckDBBackend
from vqr_metrics.sql.findings import FINDINGS, finding_views, relational_findings
from vqr_metrics.sql.views import SOURCE, View, views

from .test_views import PARSED, _seeds

Row = tuple[str, str, int, tuple[str, ...]]
# the rules the planted errors (and the seeds) trip
PLANTED = {
    "relation_partition",
    "relation_subset",
    "percent_range",
    "non_negative",
    "whole_counts",
    "yoy_jump",
    "zero_denominator",
}


def _planted() -> pa.Table:
    """The seeds' figures with a copy of each entity in which errors are
    planted: parts above the whole, percentages out of range, a negative
    figure, a fractional count, a jump from the year before, zero
    denominators, and a twin printed twice with different values."""
    catalog, figures, _ = _seeds()
    ind = catalog.indicators
    partition = next(k for k, i in ind.items() if i.relation == "partition" and k in _keys(figures))
    subset = next(k for k, i in ind.items() if i.relation == "subset" and k in _keys(figures))
    percent = next(k for k in _keys(figures) if ind[k].unit == "%")
    count = next(k for k in _keys(figures) if ind[k].unit == "人")
    entity = pc.binary_join_element_wise(pc.cast(figures["entity"], pa.string()), "（测）", "")
    copy = figures.set_column(0, "entity", pc.cast(entity, figures.schema.field("entity").type))
    key, value = copy["key"].to_pylist(), copy["value"].to_numpy().copy()
    for i, k in enumerate(key):
        if k in (partition, subset):
            value[i] = value[i] * 1000 + 1
        elif k == percent:
            value[i] = 150.0
        elif k == count:
            value[i] = -2.5
    # a jump: the 2022 figures a tenth of the 2023 ones for one entity
    years = copy["year"].to_numpy()
    value[(years == 2022) & (np.arange(len(value)) % 3 == 0)] /= 10
    # zero denominators: every figure of one key zero
    zero = next(k for k in sorted(_keys(figures)) if _is_denominator(catalog, k))
    value[np.array([k == zero for k in key])] = 0.0
    copy = copy.set_column(3, "value", pa.array(value, figures.schema.field("value").type))
    # a source conflict: the first figure printed again, a little different
    again = copy.slice(0, 1)
    again = again.set_column(3, "value", pc.add(again["value"], 7.0))
    return pa.concat_tables([figures, copy, again])


def _keys(figures: pa.Table) -> set[str]:
    return set(pc.unique(figures["key"]).to_pylist())


def _is_denominator(catalog: Catalog, key: str) -> bool:
    return any(f"/ {key}" in m.formula for m in catalog.metrics.values())


@cache
def _case() -> tuple[Catalog, Dataset, Findings, list[View], duckdb.DuckDBPyConnection]:
    """The planted figures (the seeds' own among them) in DuckDB, and the engine's dataset of them."""
    catalog, _, _ = _seeds()
    figures = _planted()
    dataset, _ = build_dataset(figures, catalog)
    metric_findings = evaluate_metrics(dataset, catalog)
    con = duckdb.connect()
    con.register(SOURCE, figures)
    for view in views(catalog):
        con.execute(view.sql("duckdb", materialize=True))
    # the frames as tables under their views' names: the findings' hundreds of
    # parts would recompute views in each part
    made = finding_views(catalog, check_options(catalog, {}))
    for view in made[:-1]:
        con.execute(f'CREATE TABLE "{view.name}" AS {view.query.sql("duckdb")}')
    con.execute(made[-1].sql("duckdb"))
    return catalog, dataset, metric_findings, made, con


def _engine(catalog: Catalog, dataset: Dataset) -> dict[str, Findings]:
    options = check_options(catalog, {})
    out = {}
    for check_id in sorted(catalog.checks):
        check = catalog.checks[check_id]
        if check.sql is not None:
            context = CheckContext(dataset=dataset, catalog=catalog, options=options[check_id])
            out[check_id] = Findings.of(check.run(context))
    return out


def _number(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def test_the_view_flags_what_the_engine_finds() -> None:
    catalog, dataset, metric_findings, _, con = _case()
    found = con.sql(f'SELECT * FROM "{FINDINGS}"').to_arrow_table()
    assert same_findings(catalog, dataset, metric_findings, found) >= PLANTED


def same_findings(catalog: Catalog, dataset: Dataset, metric_findings: Findings, found: pa.Table) -> set[str]:
    """Asserts that ``found``, rows of :data:`FINDINGS`, are the engine's findings of the
    checks with an SQL form and its zero denominators, row for row; the rules found."""
    table = found.to_pylist()
    got: dict[Row, tuple[Any, ...]] = {}
    for r in table:
        labels = tuple(dict.fromkeys(catalog.label(k) for k in r["keys"].split(",")))
        row = (r["rule"], r["entity"], r["year"], labels)
        assert row not in got, row
        got[row] = (r["severity"], _number(r["expected"]), r["expected_text"], r["actual"], r["tolerance"])
    want: dict[Row, tuple[Any, ...]] = {}
    conflicts = 0
    every = {**_engine(catalog, dataset), "zero_denominator": metric_findings}
    for check_id, findings in every.items():
        for f in findings.to_arrow().to_pylist():
            if f["rule"] not in (check_id, "compared_with_conflict"):
                continue
            labels = tuple(f["indicators"])
            severity = f["severity"]
            if f["rule"] == "compared_with_conflict":  # the SQL names the keys compared, not the conflicts
                conflicts += 1
                named = tuple(f["indicators"])
                labels = next(
                    g[3]
                    for g in got
                    if g[:3] == (check_id, f["entity"], f["year"]) and named[: len(g[3])] == g[3]
                )
                severity = catalog.rules[check_id].severity
            want[(check_id, f["entity"], f["year"], labels)] = (
                severity,
                _number(f["expected"]),
                f["expected_text"],
                _number(f["actual"]),
                _number(f["tolerance"]),
            )
    assert set(got) == set(want)
    for row, values in want.items():
        assert got[row][0] == values[0], row
        for a, b in zip(got[row][1:], values[1:], strict=True):
            assert a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b)), (
                row,
                a,
                b,
            )
    seeds = set(_seeds()[2].entity_names)
    assert any(row[1] in seeds for row in want), "the seeds' own findings are among them"
    assert conflicts, "a planted conflict is compared"
    return {row[0] for row in want}


def test_relational_findings_equal_the_engines() -> None:
    catalog, dataset, _, _, con = _case()
    found = relational_findings(DuckDBBackend(con), catalog, dataset, Config())
    engine = _engine(catalog, dataset)
    assert set(found) == set(engine)
    assert sum(len(f) for f in engine.values()) > 20
    for check_id, want in engine.items():
        assert found[check_id].to_arrow().equals(want.to_arrow()), check_id


def test_a_disabled_check_is_left_out() -> None:
    catalog, _, _ = _seeds()
    options = check_options(catalog, {})
    del options["yoy_jump"]
    text = finding_views(catalog, options)[-1].sql("duckdb")
    assert "'yoy_jump'" not in text and "'percent_range'" in text


@pytest.mark.parametrize("dialect", PARSED)
def test_every_dialect_parses_back(dialect: str) -> None:
    for view in _case()[3]:
        parsed = sqlglot.parse(view.sql(dialect), read=dialect)
        assert len(parsed) == 1 and parsed[0] is not None
        assert parsed[0].find(sqlglot.exp.Create) is not None, view.name
