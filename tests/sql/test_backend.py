"""``[engine] backend = "duckdb"``: the whole run gives the numpy engine's Result, and says what ran where."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np
import pytest

from vqr_metrics.cli import main
from vqr_metrics.config import load_config
from vqr_metrics.pipeline import prepare, run
from vqr_metrics.result import Result

from .test_backend_scores import same_scores

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"


def _with_backend(source: Path, target: Path, backend: str) -> Path:
    """``source`` (a config) with ``[engine] backend``, written beside the inputs it cites."""
    text = source.read_text(encoding="utf-8")
    target.write_text(f'{text}\n[engine]\nbackend = "{backend}"\n', encoding="utf-8")
    return target


def _same(a: Result, b: Result) -> None:
    assert a.values == b.values
    assert a.findings == b.findings
    assert len(a.scorecards) == len(b.scorecards)
    for x, y in zip(a.scorecards, b.scorecards, strict=True):
        same_scores(x, y)
    assert a.compliance == b.compliance
    assert a.summary.to_record() | {"ran": {}} == b.summary.to_record() | {"ran": {}}


def test_the_seeds_give_the_engines_result() -> None:
    config = EXAMPLE.parent / "_backend_duckdb.toml"  # beside it: the config cites its inputs relatively
    try:
        got = run(_with_backend(EXAMPLE, config, "duckdb"))
    finally:
        config.unlink()
    _same(got, run(EXAMPLE))
    ran = got.summary.ran
    assert ran["metrics"] == "duckdb" and ran["compliance"] == "engine"
    assert ran["scorecards"] == (
        "duckdb: normalisation, scores and ranks of '学生发展指数（高职）', '学生发展指数（中职）'; "
        "engine: the values they score, contributions and effective weights"
    )
    assert ran["checks"].startswith("duckdb: metric_bounds, non_negative, percent_range, relation_other_unit")
    assert ran["checks"].endswith("; engine: the others")
    assert got.summary.to_record()["ran"]["metrics"] == "duckdb"
    assert "ran" not in run(EXAMPLE).summary.to_record()  # the numpy engine's output is as it was


def _generated(path: Path, seed: int) -> None:
    """Long figures of the 人才培养质量计分卡 inputs for 40 entities over six years:
    blanks, zeros (zero denominators), gap years (prev() of nothing), a figure
    printed twice with two values (a conflict) and unreadable cells."""
    catalog = prepare(load_config(EXAMPLE))
    keys = [k for k, ind in catalog.indicators.items() if ind.table == "scorecard" and not ind.column]
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["entity", "year", "key", "value"])
        for e in range(40):
            gap = int(rng.integers(2018, 2024)) if e % 3 == 0 else None
            for year in range(2018, 2024):
                if year == gap:
                    continue
                for key in keys:
                    draw = rng.random()
                    if draw < 0.1:
                        continue
                    value = "0" if draw < 0.2 else f"{rng.uniform(0, 5000):.{int(rng.integers(0, 3))}f}"
                    rows.writerow([f"学校{e:02d}", year, key, "—" if draw > 0.99 else value])
                    if draw > 0.98:
                        rows.writerow([f"学校{e:02d}", year, key, f"{rng.uniform(0, 5000):.0f}"])


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_data_gives_the_engines_result(tmp_path: Path, seed: int) -> None:
    data = tmp_path / "figures.csv"
    _generated(data, seed)
    plain = tmp_path / "numpy.toml"
    plain.write_text(
        '[[inputs]]\npath = "figures.csv"\nlevel = "高职"\n\n[plugins]\nentry_points = false\n\n'
        '[[scorecards]]\nname = "计分"\nnormalize = "minmax"\nweights = "equal"\n'
        '  [[scorecards.indicators]]\n  metric = "毕业去向落实率"\n'
        '  [[scorecards.indicators]]\n  metric = "月收入"\n',
        encoding="utf-8",
    )
    want = run(plain)
    got = run(_with_backend(plain, tmp_path / "duckdb.toml", "duckdb"))
    assert want.findings.count("rule")["zero_denominator"] > 0
    assert want.findings.count("rule")["source_conflict"] > 0
    _same(got, want)


def test_a_table_of_a_duckdb_file_reads_as_its_csv(tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    _generated(data, 2)
    con = duckdb.connect(str(tmp_path / "figures.duckdb"))
    con.execute("CREATE SCHEMA 省")
    con.execute(f"CREATE TABLE 省.\"填报 数据\" AS SELECT * FROM read_csv('{data}', all_varchar=true)")
    con.close()
    from_csv = run(load_config(_config(tmp_path, 'path = "figures.csv"'))).values.to_arrow()
    from_db = run(
        load_config(_config(tmp_path, 'path = "figures.duckdb"\ntable = "省.填报 数据"'))
    ).values.to_arrow()
    for name in from_csv.column_names:
        if name != "provenance":
            assert from_db[name].to_pylist() == from_csv[name].to_pylist(), name
    cited = [[(p["file"], p["line"], p["raw"]) for p in ps] for ps in from_db["provenance"].to_pylist()]
    assert {f for ps in cited for f, _, _ in ps} == {str(tmp_path / "figures.duckdb")}
    lines = [[(p["line"] + 1, p["raw"]) for p in ps] for ps in from_db["provenance"].to_pylist()]
    assert lines == [[(p["line"], p["raw"]) for p in ps] for ps in from_csv["provenance"].to_pylist()]


def _config(folder: Path, where: str) -> Path:
    path = folder / f"c{abs(hash(where))}.toml"
    path.write_text(f"[[inputs]]\n{where}\n\n[plugins]\nentry_points = false\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("declaration", "says"),
    [
        ('formula = "不存在的指标 / 2"', "不存在的指标"),
        ('formula = "graduate_count["', "formula"),
    ],
)
def test_a_metric_that_cannot_compile_is_one_line(
    tmp_path: Path, declaration: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        '[[inputs]]\npath = "x.csv"\n\n[engine]\nbackend = "duckdb"\n\n'
        f'[[metrics]]\nkey = "odd"\nname = "怪指标"\n{declaration}\n',
        encoding="utf-8",
    )
    for command in (["sql", str(config)], [str(config)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1, err


def test_a_missing_table_of_a_duckdb_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    for where in ('path = "empty.duckdb"\ntable = "figures"', 'path = "empty.duckdb"'):
        assert main([str(_config(tmp_path, where)), "-q"]) == 2
        err = capsys.readouterr().err
        assert "empty.duckdb" in err and err.count("\n") == 1, err
