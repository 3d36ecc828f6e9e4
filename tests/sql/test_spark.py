"""The spark dialect's views, run on a local Spark session, give the engine's metrics and scores (-m spark).

Spark 4 runs in ANSI mode by default, where a division by zero or an invalid
cast raises: the session keeps that default, so the SQL is held to be
ANSI-safe.  ``.ci/with-spark`` provides Java and pyspark; without them the
module is skipped.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlglot
from hypothesis import given, settings
from sqlglot import TokenType

from vqr_metrics.catalog import Catalog
from vqr_metrics.checking import check_options
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.formula import parse
from vqr_metrics.merge import build_dataset
from vqr_metrics.reading import read_inputs
from vqr_metrics.scoring import prepare_scoring
from vqr_metrics.sql.compile import compile_formula, identifier, with_previous
from vqr_metrics.sql.findings import FINDINGS, KEPT, VALUES, finding_views
from vqr_metrics.sql.scores import ENTITIES, entities_table, score_views
from vqr_metrics.sql.script import script
from vqr_metrics.sql.views import METRICS, SOURCE, TABLE, WIDE, render

from .test_compile import COLUMNS, ROWS, _numpy_values, columns, formulas
from .test_findings import PLANTED, _planted, same_findings
from .test_scores import _columns, _compare, _generated, _seed
from .test_views import _seeds

pytestmark = pytest.mark.spark
pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install -e '.[spark]', or .ci/with-spark)"
)
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("no Java runtime for Spark (.ci/with-spark installs Debian's)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402  (only once pyspark is known to be there)

Rows = dict[tuple[str, int], dict[str, Any]]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("vqr-metrics tests")
        .config("spark.ui.enabled", "false")
        # planning the nested views takes more than the default 1 GiB heap
        .config("spark.driver.memory", "6g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _statements(text: str) -> list[str]:
    """``text``'s statements as written, cut at the semicolon tokens (never inside a literal or name)."""
    tokens = sqlglot.Dialect.get_or_raise("spark").tokenize(text)
    cuts = [t.end for t in tokens if t.token_type == TokenType.SEMICOLON]
    starts = [0, *(c + 1 for c in cuts)]
    return [s for s in (text[a:b].strip() for a, b in zip(starts, cuts, strict=False)) if s]


def _register(spark: SparkSession, name: str, table: pa.Table) -> None:
    spark.createDataFrame(table).createOrReplaceTempView(name)


def _rows(spark: SparkSession, name: str) -> list[dict[str, Any]]:
    return spark.sql(f"SELECT * FROM `{name}`").toArrow().to_pylist()  # type: ignore[no-any-return]


def _by_row(rows: list[dict[str, Any]]) -> Rows:
    return {(row.pop("entity"), row.pop("year")): row for row in rows}


def _same(want: float, got: float | None, what: str) -> bool:
    """Whether ``got`` is present where ``want`` is, asserting it equal (1e-9 relative)."""
    if math.isnan(want):
        assert got is None, f"{what}: engine null, Spark {got}"
        return False
    assert got is not None and math.isclose(got, want, rel_tol=1e-9), f"{what}: engine {want}, Spark {got}"
    return True


def _generated_figures(figures: pa.Table) -> pa.Table:
    """Two more schools from the seeds' 2023 figures (twin rows included, so
    twins disagree): random multiples, a fifth of them zero (zero
    denominators), a tenth dropped, and gap years so prev() finds nothing."""
    rng = np.random.default_rng(14)
    base = figures.filter(pc.equal(figures["year"], 2023))
    parts = []
    for entity, years in (("生成甲", (2019, 2020, 2022)), ("生成乙", (2021, 2023))):
        for year in years:
            n = base.num_rows
            values = np.round(base["value"].to_numpy(zero_copy_only=False) * rng.uniform(0.5, 1.5, n), 2)
            values[rng.random(n) < 0.2] = 0.0
            names = pc.cast(pa.array([entity] * n, pa.string()), base.schema.field("entity").type)
            part = base.set_column(0, "entity", names)
            part = part.set_column(1, "year", pa.array(np.full(n, year, np.int32)))
            part = part.set_column(3, "value", pa.array(values, pa.float64()))
            part = part.set_column(part.schema.get_field_index("raw"), "raw", pa.nulls(n, pa.string()))
            parts.append(part.filter(pa.array(rng.random(n) > 0.1)))
    return pa.concat_tables(parts)


@cache
def _data() -> tuple[Catalog, pa.Table, Dataset]:
    """The seeds' figures and the generated ones, and the engine's dataset of both."""
    catalog, seeds, _ = _seeds()
    figures = pa.concat_tables([seeds, _generated_figures(seeds)])
    dataset, _ = build_dataset(figures, catalog)
    evaluate_metrics(dataset, catalog)
    return catalog, figures, dataset


@pytest.fixture(scope="module")
def metrics(spark: SparkSession) -> dict[str, Rows]:
    """Every view of ``render(catalog, "spark")`` run over the figures: each view's rows by entity-year."""
    catalog, figures, _ = _data()
    _register(spark, SOURCE, figures)
    names = _create(spark, render(catalog, "spark"), _level)
    # the per-table views read vqr_metrics: computed once, not once a view (a result cache, same rows)
    spark.catalog.cacheTable(METRICS)
    return {name: _by_row(_rows(spark, name)) for name in names if name == METRICS or name.startswith(TABLE)}


def _level(name: str) -> bool:
    """Whether ``name`` is a view of the metrics' levels (the wide figures, the first)."""
    return name == WIDE or name.startswith(f"{METRICS}_")


def _create(spark: SparkSession, text: str, checkpoint: Callable[[str], bool]) -> list[str]:
    """Runs ``text`` statement by statement; the names of the views made.  The rows of those
    ``checkpoint`` names are checkpointed once made: each level reads the one before twice, and
    Spark binds nested views whole, so the plans above them stay small (the heap ran out without)."""
    names = []
    for statement in _statements(text):
        spark.sql(statement)
        name = sqlglot.parse_one(statement, read="spark").this.name
        names.append(name)
        if checkpoint(name):
            spark.table(f"`{name}`").localCheckpoint().createOrReplaceTempView(name)
    return names


def test_every_metric_equals_the_engine(metrics: dict[str, Rows]) -> None:
    catalog, _, dataset = _data()
    got = metrics[METRICS]
    assert set(got) == set(dataset.rows)
    assert {("生成甲", 2022), ("生成乙", 2023)} <= set(got), "gap years are there"
    present = 0
    for i, row in enumerate(dataset.rows):
        for key in catalog.metric_order():
            present += _same(float(dataset.columns[key][i]), got[row][key], f"{row} {key}")
    made = [m for (entity, _), m in got.items() if entity.startswith("生成")]
    generated = sum(v is not None for m in made for v in m.values())
    assert present > 100 and generated > 50


def test_each_table_view_holds_its_metrics(metrics: dict[str, Rows]) -> None:
    catalog, _, dataset = _data()
    tables = {name: rows for name, rows in metrics.items() if name.startswith(TABLE)}
    assert tables
    seen = set()
    for name, rows in tables.items():
        assert set(rows) == set(dataset.rows), name
        for i, row in enumerate(dataset.rows):
            for key, value in rows[row].items():
                _same(float(dataset.columns[key][i]), value, f"{name} {row} {key}")
                seen.add(key)
    assert seen == set(catalog.metric_order())


def test_scorecards_equal_the_engine(spark: SparkSession) -> None:
    """The score views of a seed config and of generated data (gaps, ties), in Spark."""
    config, result = _seed("national_index.toml")
    gen_catalog, gen_config, gen_dataset = _generated(0)
    generated = prepare_scoring(gen_config, gen_catalog).run(gen_dataset)
    compared = 0
    for catalog, cards, dataset, scored in (
        (result.catalog, config, result.dataset, result.scorecards),
        (gen_catalog, gen_config, gen_dataset, generated.scorecards),
    ):
        indicators = [k for k in catalog.indicators if catalog.canonical(k) == k]
        spark.createDataFrame(_columns(dataset, indicators)).createOrReplaceTempView(WIDE)
        spark.createDataFrame(_columns(dataset, list(catalog.metric_order()))).createOrReplaceTempView(
            METRICS
        )
        spark.createDataFrame(entities_table(dataset.attributes)).createOrReplaceTempView(ENTITIES)
        made, _ = score_views(catalog, cards)
        by_view = {f"scorecard {card.name!r}": card for card in scored}
        assert made
        for view in made:
            for statement in _statements(view.sql("spark")):
                spark.sql(statement)
            compared += _compare(by_view[view.about], _rows(spark, view.name))
    assert compared > 100


def test_the_findings_view_flags_what_the_engine_finds(spark: SparkSession) -> None:
    """``vqr_findings`` over the seeds with planted errors and the generated schools (gap years,
    zero denominators), in a session of its own: the engine's findings, row for row."""
    catalog, seeds, _ = _seeds()
    figures = pa.concat_tables([_planted(), _generated_figures(seeds)])
    dataset, _ = build_dataset(figures, catalog)
    zero = evaluate_metrics(dataset, catalog)
    session = spark.newSession()
    _register(session, SOURCE, figures)
    made = finding_views(catalog, check_options(catalog, {}))
    frames = {view.name for view in made[:-1]}
    text = render(catalog, "spark") + "".join(view.sql("spark") for view in made)
    _create(session, text, lambda name: name in frames or _level(name))
    found = session.table(FINDINGS).toArrow()
    assert same_findings(catalog, dataset, zero, found) >= PLANTED
    assert any(entity.startswith("生成") for entity in found["entity"].to_pylist())


def test_the_materialized_script_runs_with_the_engines_metrics(spark: SparkSession, tmp_path: Path) -> None:
    """``vqr-score sql --dialect spark --materialize`` over the seeds: the views other views read
    are Parquet tables of the current database (the lineage cut where each is made), the script
    runs statement by statement, ``vqr_metrics`` holds the engine's metrics and a score view the
    engine's rows."""
    catalog, figures, dataset = _seeds()
    config, result = _seed("example.toml")
    session = spark.newSession()
    session.sql(f"CREATE DATABASE vqr_materialized LOCATION '{tmp_path.as_posix()}'")
    session.sql("USE vqr_materialized")
    _register(session, SOURCE, figures)
    _register(session, ENTITIES, entities_table(read_inputs(config.inputs, catalog).attributes))
    for statement in _statements(script(catalog, config, "spark", materialize=True)):
        session.sql(statement)
    tables = {t.name for t in session.catalog.listTables("vqr_materialized") if not t.isTemporary}
    assert {WIDE, METRICS, f"{METRICS}_1", KEPT, VALUES} <= tables
    assert not any(name.startswith((TABLE, "vqr_score_")) or name == FINDINGS for name in tables)
    got = _by_row(_rows(session, METRICS))
    assert set(got) == set(dataset.rows)
    present = sum(
        _same(float(dataset.columns[key][i]), got[row][key], f"{row} {key}")
        for i, row in enumerate(dataset.rows)
        for key in catalog.metric_order()
    )
    assert present > 100
    scored = result.scorecards[0]
    assert session.table("vqr_score_1").count() == len(scored.columns().entity) > 0


def _alike(spark: SparkSession, text: str, data: dict[str, list[float]]) -> None:
    """``text`` gives in Spark what the engine gives, row by row."""
    table = pa.table(
        {
            "i": list(range(len(ROWS))),
            "entity": [e for e, _ in ROWS],
            "year": pa.array([y for _, y in ROWS], pa.int32()),
            **{col: pa.array(values, pa.float64(), mask=np.isnan(values)) for col, values in data.items()},
        }
    )
    _register(spark, "t", table)
    query = with_previous("t").select(identifier("i", "cur"), compile_formula(parse(text), COLUMNS))
    rows = spark.sql(query.order_by(identifier("i", "cur")).sql("spark")).collect()
    for i, (want, row) in enumerate(zip(_numpy_values(text, data), rows, strict=True)):
        _same(math.nan if want is None else want, row[1], f"{text} row {i}")


@pytest.mark.parametrize(
    "text",
    [
        "a / b",  # a zero denominator: NULL, not ANSI mode's error
        "a * 1e300 * 1e300 > 0",  # an overflow stays infinite on the way
        "(a * 1e300 * 1e300) - (a * 1e300 * 1e300)",  # inf - inf: null
        "a ** 0.5",  # a negative base: null
        "b ** -1",  # a zero base: infinite, so null at the end
        "min(a, b) + sum_of(a, b) + where(a > 0, b, a) + prev(a)",
    ],
)
def test_semantics_the_engine_has(spark: SparkSession, text: str) -> None:
    data = {"a": [math.nan, 0.0, -4.0, 4.0, 2.0], "b": [1.0, 0.0, math.nan, 2.0, -0.5]}
    data["毕业 生“双师”"] = data["a"]
    _alike(spark, text, data)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(formulas, columns, columns, columns)
def test_random_formulas_evaluate_alike(
    spark: SparkSession, text: str, a: list[float], b: list[float], c: list[float]
) -> None:
    data = {"a": a, "b": b, "毕业 生“双师”": c}
    _alike(spark, text, data)
