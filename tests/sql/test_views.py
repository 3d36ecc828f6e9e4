"""The views of a catalog, run in DuckDB over the seeds' figures, give every metric the engine gives."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlglot

from vqr_metrics.arrow import as_figures
from vqr_metrics.catalog import Catalog
from vqr_metrics.config import load_config
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.merge import build_dataset
from vqr_metrics.model import Metric
from vqr_metrics.pipeline import prepare
from vqr_metrics.reading import read_inputs
from vqr_metrics.sql.views import DIALECTS, METRICS, SOURCE, TABLE, render, views
from vqr_metrics.testing import make_catalog

CONFIG = Path(__file__).parents[2] / "configs" / "example.toml"
# Every dialect's text parses back; PostgreSQL's and Spark's (slow to parse: half a minute for
# PostgreSQL's IEEE guards) in the runs that execute them on a real engine.
PARSED = [
    pytest.param(d, marks=[getattr(pytest.mark, d)] if d in ("postgres", "spark") else []) for d in DIALECTS
]


@cache
def _seeds() -> tuple[Catalog, pa.Table, Dataset]:
    """The figures the engine reads from the seed config, and its dataset after the metrics."""
    config = load_config(CONFIG)
    catalog = prepare(config)
    figures = as_figures(read_inputs(config.inputs, catalog).figures)
    dataset, _ = build_dataset(figures, catalog)
    evaluate_metrics(dataset, catalog)
    return catalog, figures, dataset


def _run(catalog: Catalog, figures: pa.Table) -> dict[tuple[str, int], dict[str, float | None]]:
    con = duckdb.connect()
    con.register(SOURCE, figures)
    con.execute(render(catalog, "duckdb", materialize=True))  # the plain views run in test_cli
    table = con.sql(f'SELECT * FROM "{METRICS}"').to_arrow_table()
    return {(row.pop("entity"), row.pop("year")): row for row in table.to_pylist()}


def test_every_metric_of_the_seeds_equals_the_engine() -> None:
    catalog, figures, dataset = _seeds()
    got = _run(catalog, figures)
    assert set(got) == set(dataset.rows)
    compared = present = 0
    for i, row in enumerate(dataset.rows):
        for key in catalog.metric_order():
            want = float(dataset.columns[key][i])
            value = got[row][key]
            compared += 1
            if math.isnan(want):
                assert value is None, f"{row} {key}: engine null, DuckDB {value}"
            else:
                present += 1
                assert value is not None and math.isclose(value, want, rel_tol=1e-9), (
                    f"{row} {key}: engine {want}, DuckDB {value}"
                )
    assert present > 50 and compared == len(dataset.rows) * len(catalog.metrics)


class Editions:
    """Metrics with editions, over a metric and a previous year, for the seeds' catalog."""

    @staticmethod
    def register_metrics(register: Callable[[Metric], None]) -> None:
        register(Metric("sql_old", "旧版落实比", "sc_placed / sc_graduates", until=2022))
        register(Metric("sql_new", "新版增量", "prev(sql_old) + sc_placed", since=2023))


def test_twins_editions_and_previous_years_follow_the_engine() -> None:
    """Twins land under their canonical key; a metric outside its edition is
    null; prev() reaches the year before, through a metric."""
    _, figures, _ = _seeds()
    catalog = make_catalog(Editions)
    twins = {k for k in catalog.indicators if catalog.canonical(k) != k}
    assert twins & set(figures["key"].to_pylist()), "the seeds print twin rows"
    # the seeds' 2023 figures again as 2022 (0.9 of each), so both editions have a year
    later = figures.filter(pc.equal(figures["year"], 2023))
    earlier = later.set_column(1, "year", pa.array(np.full(later.num_rows, 2022, np.int32)))
    earlier = earlier.set_column(3, "value", pc.multiply(earlier["value"], 0.9))
    both = pa.concat_tables([figures.filter(pc.not_equal(figures["year"], 2022)), earlier])
    engine, _ = build_dataset(both, catalog)
    evaluate_metrics(engine, catalog)
    got = _run(catalog, both)
    seen = set()
    for i, row in enumerate(engine.rows):
        for key in ("sql_old", "sql_new"):
            want = float(engine.columns[key][i])
            value = got[row][key]
            if math.isnan(want):
                assert value is None, (row, key, value)
            else:
                assert value is not None and math.isclose(value, want, rel_tol=1e-9), (row, key, value)
                seen.add((key, row[1]))
    assert {("sql_old", 2022), ("sql_new", 2023)} <= seen
    assert not {("sql_old", 2023), ("sql_new", 2022)} & seen


@pytest.mark.parametrize("dialect", PARSED)
def test_every_dialect_parses_back(dialect: str) -> None:
    catalog, _, _ = _seeds()
    for view in views(catalog):
        text = view.sql(dialect)
        parsed = sqlglot.parse(text, read=dialect)
        assert len(parsed) == 1 and parsed[0] is not None
        assert parsed[0].find(sqlglot.exp.Create) is not None, view.name


def test_each_table_has_a_view_of_its_metrics() -> None:
    catalog, figures, _ = _seeds()
    con = duckdb.connect()
    con.register(SOURCE, figures)
    con.execute(render(catalog, "duckdb", materialize=True))  # the same queries, bound once
    every = con.sql(f'SELECT * FROM "{METRICS}" ORDER BY entity, year').to_arrow_table()
    seen: list[str] = []
    for table in {m.table for m in catalog.metrics.values()}:
        keys = [k for k in every.column_names[2:] if catalog.metrics[k].table == table]
        got = con.sql(f'SELECT * FROM "{TABLE}{table}" ORDER BY entity, year').to_arrow_table()
        assert got.column_names == ["entity", "year", *keys]
        assert got.equals(every.select(["entity", "year", *keys]))
        seen.extend(keys)
    assert sorted(seen) == sorted(catalog.metrics)
