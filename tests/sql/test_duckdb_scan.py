"""``[engine] backend = "duckdb"``: DuckDB scans CSV and Parquet inputs, read as the readers read them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vqr_metrics.api import render
from vqr_metrics.catalog import Catalog
from vqr_metrics.cli import main
from vqr_metrics.config import load_config
from vqr_metrics.model import InputSpec, ReadOutput
from vqr_metrics.pipeline import prepare, run
from vqr_metrics.reading import read_input, read_inputs
from vqr_metrics.result import Result

ROOT = Path(__file__).parents[2]
WIDE = ["entity", "year", "毕业生人数", "毕业去向落实人数", "月收入"]


def _rows(school: str, n: int = 6) -> list[list[str]]:
    """Wide rows of one school: plain numbers, then the odd cells the per-cell path reads."""
    odd = ["1,234", "'=5", "—", "96?", " 12 ", "", "３４", "1e999", "=1+1"]
    rows = []
    for i in range(n):
        cells = [str(100 + 7 * i), f"{90 + i}.5", odd[i % len(odd)]]
        rows.append([f"{school}{i}", str(2018 + i % 6), *cells])
    return rows


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _files(folder: Path) -> dict[str, str]:
    """Each generated input → what should read it (``ReadOutput.scan``)."""
    (folder / "utf8.csv").write_text(
        _csv([WIDE, *_rows("甲")[:3]]) + "\n\n" + _csv(_rows("甲")[3:]) + ',,,,\n"乙校, 分校",2023,5,4,3\n',
        encoding="utf-8",
    )
    (folder / "bom.csv").write_text(_csv([WIDE, *_rows("乙")]), encoding="utf-8-sig")
    long = [[f"丙{i}", "2023", WIDE[2 + i % 3], f"{i}.25"] for i in range(9)]
    long = [["学校", "年份", "指标", "数值"], *long, ["丙9", "2023", "毕业生人数", "n/a"]]
    (folder / "long.csv").write_text(_csv(long), encoding="utf-8")
    (folder / "tabs.tsv").write_text(
        "2023年度 质量报告\n填报日期：2024-01-05\n\n" + _csv([WIDE, *_rows("丁")], "\t"), encoding="utf-8"
    )
    (folder / "semicolons.csv").write_text(_csv([WIDE, *_rows("戊")], ";"), encoding="utf-8")
    (folder / "crlf.csv").write_bytes(_csv([WIDE, *_rows("己")]).replace("\n", "\r\n").encode("utf-8"))
    (folder / "unicode.txt").write_bytes(_csv([WIDE, *_rows("庚")], "\t").encode("utf-16"))
    (folder / "gbk.csv").write_bytes(_csv([WIDE, *_rows("辛")]).encode("gbk"))
    (folder / "ragged.csv").write_text(_csv([WIDE, *_rows("壬")]) + "壬9,2023,1\n", encoding="utf-8")
    multiline = [WIDE, *_rows("癸"), ["癸9", "2023", "1\n2", "3", "4"]]
    (folder / "multiline.csv").write_text(_csv(multiline), encoding="utf-8")
    table = pa.table({"entity": ["子0", "子0", "子1"], "year": [2022, 2023, 2023], "key": WIDE[2:]})
    pq.write_table(table.append_column("value", pa.array([1.5, None, 3.0])), folder / "long.parquet")
    wide = {"entity": ["丑0", "丑1"], "year": pa.array([2022, 2023], pa.int32()), "毕业生人数": [10, 20]}
    pq.write_table(
        pa.table(wide | {"月收入": pa.array([4500.5, float("nan")], pa.float32())}), folder / "wide.parquet"
    )
    return {
        "utf8.csv": "duckdb",
        "bom.csv": "duckdb",
        "long.csv": "duckdb",
        "tabs.tsv": "duckdb",
        "semicolons.csv": "duckdb",
        "crlf.csv": "duckdb",
        "unicode.txt": "duckdb",
        "gbk.csv": "GBK",
        "ragged.csv": "line 8: Expected Number of Columns: 5 Found: 3",
        "multiline.csv": "rows across lines",
        "long.parquet": "duckdb",
        "wide.parquet": "duckdb",
    }


def _config(folder: Path, names: list[str], backend: str) -> Path:
    inputs = "".join(f'[[inputs]]\npath = "{name}"\nlevel = "高职"\n\n' for name in names)
    path = folder / f"{backend}.toml"
    path.write_text(f'{inputs}[plugins]\nentry_points = false\n\n[engine]\nbackend = "{backend}"\n', "utf-8")
    return path


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("catalog")
    return prepare(load_config(_config(folder, ["x.csv"], "numpy")))


def _same_output(a: ReadOutput, b: ReadOutput) -> None:
    assert a.figures.equals(b.figures)
    assert a.findings == b.findings
    assert (a.cells, a.entities) == (b.cells, b.entities)


def test_each_file_reads_as_the_readers_read_it(tmp_path: Path, catalog: Catalog) -> None:
    for name, scan in _files(tmp_path).items():
        spec = InputSpec(path=str(tmp_path / name), level="高职")
        want = read_input(spec, catalog)
        got = read_input(attrs.evolve(spec, scan="duckdb"), catalog)
        _same_output(got, want)
        assert (name, got.scan, want.scan) == (name, scan, "")
        assert got.figures.num_rows, name


def _seeds_csv(folder: Path, catalog: Catalog) -> int:
    """The figures the seed reports hold (the shipped configs' inputs), as a long CSV: how many."""
    figures = read_inputs(load_config(ROOT / "configs" / "example.toml").inputs, catalog).figures
    assert figures is not None
    cells = [figures[c].to_pylist() for c in ("entity", "year", "key", "value", "raw")]
    rows = [[e, str(y), k, r or repr(v)] for e, y, k, v, r in zip(*cells, strict=True)]
    (folder / "seeds.csv").write_text(_csv([["entity", "year", "key", "value"], *rows]), encoding="utf-8")
    return len(rows)


def test_the_seeds_figures_as_csv(tmp_path: Path, catalog: Catalog) -> None:
    count = _seeds_csv(tmp_path, catalog)
    spec = InputSpec(path=str(tmp_path / "seeds.csv"))
    got = read_input(attrs.evolve(spec, scan="duckdb"), catalog)
    _same_output(got, read_input(spec, catalog))
    assert got.scan == "duckdb" and got.cells == count and got.figures.num_rows > count * 0.9


def test_a_whole_run_gives_the_engines_result(tmp_path: Path, catalog: Catalog) -> None:
    files = _files(tmp_path)
    _seeds_csv(tmp_path, catalog)
    first = run(_config(tmp_path, ["utf8.csv"], "numpy"))
    (tmp_path / "result.parquet").write_bytes(bytes(render(first, "parquet")))  # type: ignore[arg-type]
    names = [*files, "seeds.csv", "result.parquet"]
    want, got = run(_config(tmp_path, names, "numpy")), run(_config(tmp_path, names, "duckdb"))
    _same(got, want)
    assert {"title_row", "unparsable_value", "missing_value", "derived_skipped"} <= set(
        want.findings.count("rule")
    )
    scanned = ", ".join(str(tmp_path / n) for n in names if files.get(n, "duckdb") == "duckdb")
    parsed = ", ".join(f"{tmp_path / n} ({files[n]})" for n in names if files.get(n, "duckdb") != "duckdb")
    assert got.summary.ran["inputs"] == f"duckdb: {scanned}; readers: {parsed}"
    assert "ran" not in want.summary.to_record()


def _same(a: Result, b: Result) -> None:
    assert a.values == b.values
    assert a.findings == b.findings
    assert a.scorecards == b.scorecards
    assert a.summary.to_record() | {"ran": {}} == b.summary.to_record() | {"ran": {}}


def test_a_file_duckdb_fails_on_reads_as_the_readers_read_it(tmp_path: Path, catalog: Catalog) -> None:
    """A bad line deep in the file (DuckDB fails mid-scan): the readers' result, never a traceback."""
    rows = [WIDE, *(_rows("甲", 3000))]
    rows[2500] = ["甲2500", "2023", '"1', "2"]  # an unterminated quote, and a ragged row
    path = tmp_path / "late.csv"
    path.write_text(_csv(rows).replace('"""1"', '"1'), encoding="utf-8")
    spec = InputSpec(path=str(path))
    got = read_input(attrs.evolve(spec, scan="duckdb"), catalog)
    _same_output(got, read_input(spec, catalog))
    assert got.scan == "line 2501: Value with unterminated quote found."


@pytest.mark.parametrize("name", ["broken.parquet", "broken.csv"])
def test_an_unreadable_file_is_one_line_exit_2(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if name.endswith(".parquet"):
        pq.write_table(pa.table({"entity": ["甲"] * 1000, "year": list(range(1000))}), tmp_path / name)
        data = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(data[:200] + bytes(300) + data[500:])  # the magic kept, pages broken
    else:
        (tmp_path / name).write_bytes(b"entity,year\n\xff\xfe\x00\x01" * 3)  # no encoding decodes it
    said = []
    for backend in ("numpy", "duckdb"):
        assert main([str(_config(tmp_path, [name], backend)), "-q"]) == 2
        said.append(capsys.readouterr().err.strip())
    assert said[0] == said[1] and said[0].startswith(f"vqr-score: error: input {tmp_path / name}: ")
    assert "\n" not in said[0]
