"""``vqr-score sql``: the file it writes runs in DuckDB; bad input is one line and exit 2."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from vqr_metrics.cli import main
from vqr_metrics.config import load_config
from vqr_metrics.pipeline import run
from vqr_metrics.sql.scores import entities_table

from .test_views import CONFIG, _seeds


def test_sql_writes_views_that_run(tmp_path: Path) -> None:
    out = tmp_path / "metrics.sql"
    assert main(["sql", str(CONFIG), "--output", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("-- vqr-metrics views (duckdb)")
    # the figures' and metrics' views as views: DuckDB binds every nested view again for each
    # view over it, so the per-table views, findings and scorecards (each a plain select over
    # vqr_metrics or the frames) run materialized below, as they run in the backend
    findings = text.rindex("\n-- ", 0, text.index('CREATE OR REPLACE VIEW "vqr_table_'))
    assert 'CREATE OR REPLACE VIEW "vqr_findings"' in text and 'VIEW "vqr_score_1"' in text
    _, figures, dataset = _seeds()
    con = duckdb.connect()
    con.register("vqr_figures", figures)
    con.execute(text[:findings])
    i = dataset.index()[("内蒙古自治区", 2023)]
    [(got,)] = con.sql(
        """SELECT "graduate_placement_rate" FROM vqr_metrics WHERE entity = '内蒙古自治区' AND year = 2023"""
    ).fetchall()
    want = float(dataset.columns["graduate_placement_rate"][i])
    assert not math.isnan(want) and got is not None and math.isclose(got, want, rel_tol=1e-9)


def test_sql_to_stdout_in_another_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(CONFIG), "--dialect", "spark"]) == 0
    assert "CREATE OR REPLACE TEMPORARY VIEW `vqr_metrics` AS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--dialect", "mysql"], "invalid choice: 'mysql'"),
        (["--dialect", "spar"], "did you mean"),
    ],
)
def test_a_bad_dialect_is_one_line(args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(CONFIG), *args]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_a_config_that_fails_to_load_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[inputs]\npath = 1\n", encoding="utf-8")
    assert main(["sql", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and err.count("\n") == 1


def test_materialized_sql_runs_the_findings_and_scorecards(tmp_path: Path) -> None:
    out = tmp_path / "run.sql"
    assert main(["sql", str(CONFIG), "--materialize", "--output", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Runs in the engine" in text and "CREATE TEMPORARY TABLE" in text
    _, figures, _ = _seeds()
    result = run(CONFIG)
    con = duckdb.connect()
    con.register("vqr_figures", figures)
    assert result.dataset is not None
    con.register("vqr_entities", entities_table(result.dataset.attributes))
    con.execute(text)
    found = set(con.sql("SELECT rule, entity, year FROM vqr_findings").fetchall())
    wanted = {"relation_partition", "relation_subset", "yoy_jump"}
    engine = {
        (f["rule"], f["entity"], f["year"])
        for f in result.findings.to_arrow().to_pylist()
        if f["rule"] in wanted
    }
    assert engine and engine <= found
    assert load_config(CONFIG).scorecards
    assert con.sql('SELECT count(*) FROM "vqr_score_1"').fetchall() != [(0,)]
