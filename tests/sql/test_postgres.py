"""On a real PostgreSQL server (``.ci/with-postgres``): the postgres views (metrics, scorecards),
database inputs and ``backend = "postgres"`` give the numpy engine's values, nulls, overflows and all."""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from hypothesis import given, settings

from vqr_metrics.catalog import Catalog
from vqr_metrics.config import Config, redacted
from vqr_metrics.dataset import Dataset
from vqr_metrics.formula import parse
from vqr_metrics.pipeline import run
from vqr_metrics.scoring import prepare_scoring
from vqr_metrics.sql.compile import compile_formula, identifier, with_previous
from vqr_metrics.sql.dialect import for_dialect
from vqr_metrics.sql.postgres import PostgresBackend, connect
from vqr_metrics.sql.scores import score_views
from vqr_metrics.sql.views import METRICS, TABLE, render, views

from .test_backend import _generated, _same
from .test_compile import COLUMNS, ROWS, _numpy_values, columns, formulas
from .test_scores import _compare, _inputs, _seed
from .test_scores import _generated as _cards_data
from .test_views import _seeds

URL = os.environ.get("VQR_TEST_POSTGRES", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="VQR_TEST_POSTGRES is unset: run under .ci/with-postgres"),
]


@pytest.fixture(scope="module")
def session() -> Iterator[PostgresBackend]:
    """One session for the formula tests (each query is a round trip, not a connection)."""
    with PostgresBackend(URL) as backend:
        yield backend


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema of its own for a test's lasting tables, dropped after it."""
    name = f"测试_{uuid.uuid4().hex[:8]}"
    with PostgresBackend(URL) as db:
        db.execute(f'CREATE SCHEMA "{name}"')
    yield name
    with PostgresBackend(URL) as db:
        db.execute(f'DROP SCHEMA "{name}" CASCADE')


def _postgres_values(backend: PostgresBackend, text: str, data: dict[str, list[float]]) -> list[float | None]:
    table = pa.table(
        {
            "i": list(range(len(ROWS))),
            "entity": [e for e, _ in ROWS],
            "year": [y for _, y in ROWS],
            **{col: pa.array(values, pa.float64(), mask=np.isnan(values)) for col, values in data.items()},
        }
    )
    backend.load("t", table)
    query = with_previous("t").select(identifier("i", "cur"), compile_formula(parse(text), COLUMNS))
    query = query.order_by(identifier("i", "cur"))
    got = backend.fetch(for_dialect(query, "postgres").sql("postgres"))
    return list(got.column(1).to_pylist())


def _same_values(backend: PostgresBackend, text: str, data: dict[str, list[float]]) -> None:
    engine, sql = _numpy_values(text, data), _postgres_values(backend, text, data)
    for row, (want, got) in enumerate(zip(engine, sql, strict=True)):
        if want is None or got is None:
            assert want is got, f"{text} row {row}: engine {want}, PostgreSQL {got}"
        else:
            assert math.isclose(want, got, rel_tol=1e-9), f"{text} row {row}: engine {want}, PostgreSQL {got}"


@pytest.mark.parametrize(
    "text",
    [
        "a * 1e300 * 1e300 > 0",  # an overflow: infinite on the way (PostgreSQL would raise)
        "1 / (a * 1e300 * 1e300)",
        "(a * 1e300 * 1e300) - (a * 1e300 * 1e300)",  # inf - inf: null
        "a * 1e-300 * 1e-300 == 0",  # an underflow to zero (PostgreSQL would raise)
        "(a * 1e-200) / 1e200",
        "a * 1e300 + a * 1e300 > 0",  # a sum that overflows
        "a ** 0.5",  # a negative base: null (PostgreSQL would raise)
        "b ** -1",  # a zero base to a negative power: infinite, null at the end (PostgreSQL would raise)
        "(b ** -1) > 0",
        "(-b) ** -3 < 0",  # -0 ** -3 is -inf
        "(a * 1e100) ** 4 > 1",  # a power that overflows
        "(a * 1e-100) ** 4",  # a power that underflows
        "a / b",
        "where(a > 0, b, a)",
        "(a or b) + (not a)",
    ],
)
def test_semantics_the_engine_has(session: PostgresBackend, text: str) -> None:
    a = [math.nan, 0.0, -4.0, 4.0, 2.0]
    b = [1.0, 0.0, math.nan, 2.0, -0.5]
    _same_values(session, text, {"a": a, "b": b, "毕业 生“双师”": a})


@settings(max_examples=60, deadline=None)
@given(formulas, columns, columns, columns)
def test_random_formulas_evaluate_alike(
    session: PostgresBackend, text: str, a: list[float], b: list[float], c: list[float]
) -> None:
    _same_values(session, text, {"a": a, "b": b, "毕业 生“双师”": c})


def test_every_view_of_the_seeds_over_a_server_table_equals_the_engine(schema: str) -> None:
    """The figures already on the server: no upload, a temporary view over their table."""
    catalog, figures, dataset = _seeds()
    plain = pa.table(
        [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in figures.columns],
        names=figures.column_names,
    )
    loader = connect(URL, "test")
    with loader.cursor() as cursor:
        cursor.adbc_ingest("填报", plain, mode="create", db_schema_name=schema)
    loader.close()
    with PostgresBackend(URL) as db:
        db.figures_view(f"{schema}.填报")
        db.execute(render(catalog, "postgres", materialize=True))
        rows = db.fetch(f'SELECT * FROM "{METRICS}"').to_pylist()
        names = [v.name for v in views(catalog) if v.name.startswith(TABLE)]
        tables = {name: db.fetch(f'SELECT * FROM "{name}"') for name in names}
    got = {(r.pop("entity"), r.pop("year")): r for r in rows}
    assert set(got) == set(dataset.rows)
    present = 0
    for i, row in enumerate(dataset.rows):
        for key in catalog.metric_order():
            want, value = float(dataset.columns[key][i]), got[row][key]
            if math.isnan(want):
                assert value is None, f"{row} {key}: engine null, PostgreSQL {value}"
            else:
                present += 1
                assert value is not None and math.isclose(value, want, rel_tol=1e-9), (row, key, value, want)
    assert present > 50
    for name, table in tables.items():  # each table's view holds the same values as vqr_metrics
        for row in table.to_pylist():
            at = (row.pop("entity"), row.pop("year"))
            assert row == {k: got[at][k] for k in row}, name


@pytest.mark.parametrize("seed", [0, 1])
def test_backend_postgres_gives_the_engines_result(tmp_path: Path, seed: int) -> None:
    _generated(tmp_path / "figures.csv", seed)
    body = (
        '[[inputs]]\npath = "figures.csv"\nlevel = "高职"\n\n[plugins]\nentry_points = false\n\n'
        '[[scorecards]]\nname = "计分"\nnormalize = "minmax"\nweights = "equal"\n'
        '  [[scorecards.indicators]]\n  metric = "毕业去向落实率"\n'
        '  [[scorecards.indicators]]\n  metric = "月收入"\n'
    )
    (tmp_path / "numpy.toml").write_text(body, encoding="utf-8")
    engine = f'\n[engine]\nbackend = "postgres"\ndatabase = "{URL}"\n'
    (tmp_path / "postgres.toml").write_text(body + engine, encoding="utf-8")
    want, got = run(tmp_path / "numpy.toml"), run(tmp_path / "postgres.toml")
    assert want.findings.count("rule")["zero_denominator"] > 0
    _same(got, want)
    assert got.summary.ran["metrics"] == "postgres"
    assert got.summary.ran["scorecards"].startswith("postgres: normalisation, scores and ranks of '计分'")


def test_a_database_input_reads_as_its_csv(tmp_path: Path, schema: str) -> None:
    data = tmp_path / "figures.csv"
    _generated(data, 2)
    text = dict.fromkeys(["entity", "year", "key", "value"], pa.string())  # as written, "—" and all
    table = pa_csv.read_csv(data, convert_options=pa_csv.ConvertOptions(column_types=text))
    loader = connect(URL, "test")
    with loader.cursor() as cursor:
        cursor.adbc_ingest("填报 数据", table, mode="create", db_schema_name=schema)
    loader.close()

    def values(where: str) -> pa.Table:
        config = tmp_path / f"c{abs(hash(where))}.toml"
        config.write_text(f"[[inputs]]\n{where}\n\n[plugins]\nentry_points = false\n", encoding="utf-8")
        return run(config).values.to_arrow()

    from_csv = values('path = "figures.csv"')
    from_db = values(f'database = "{URL}"\ntable = "{schema}.填报 数据"')
    assert from_csv.num_rows > 1000
    for name in from_csv.column_names:
        if name != "provenance":
            assert from_db[name].to_pylist() == from_csv[name].to_pylist(), name
    cited = {p["file"] for ps in from_db["provenance"].to_pylist() for p in ps}
    assert cited == {f"{redacted(URL)}#{schema}.填报 数据"}  # the password never shown
    lines = [[(p["line"] + 1, p["raw"]) for p in ps] for ps in from_db["provenance"].to_pylist()]
    assert lines == [[(p["line"], p["raw"]) for p in ps] for ps in from_csv["provenance"].to_pylist()]


def _scores(catalog: Catalog, config: Config, dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Each postgres score view's rows on the server, by the scorecard named in its comment,
    over the engine's dataset uploaded as the tables the views read."""
    made, _ = score_views(catalog, config)
    with PostgresBackend(URL) as db:
        for name, table in _inputs(catalog, dataset).items():
            db.load(name, table)
        for view in made:
            db.execute(view.sql("postgres"))
        return {view.about: db.fetch(f'SELECT * FROM "{view.name}"').to_pylist() for view in made}


@pytest.mark.parametrize("name", ["example.toml", "national_index.toml", "sensitivity.toml"])
def test_seed_scorecard_views_equal_the_engine(name: str) -> None:
    config, result = _seed(name)
    got = _scores(result.catalog, config, result.dataset)
    viewed = [card for card in result.scorecards if f"scorecard {card.name!r}" in got]
    assert viewed and len(viewed) == len(got)
    assert sum(_compare(card, got[f"scorecard {card.name!r}"]) for card in viewed) > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_scorecard_views_equal_the_engine(seed: int) -> None:
    """Every method with an SQL form, trees, gaps, ties, ``impute_p25``'s PERCENTILE_CONT."""
    catalog, config, dataset = _cards_data(seed)
    outcome = prepare_scoring(config, catalog).run(dataset)
    got = _scores(catalog, config, dataset)
    cards = [card for card in outcome.scorecards if card.name != "entropy"]  # entropy: engine only
    assert len(got) == len(cards)
    assert sum(_compare(card, got[f"scorecard {card.name!r}"]) for card in cards) > 100
