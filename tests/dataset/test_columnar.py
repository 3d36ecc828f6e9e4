"""The columnar path: Arrow results, frames as input, Parquet in and out, the CSV fast path."""

from __future__ import annotations

import csv
import functools
import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vqr_metrics_plugins.readers import csv_reader
from vqr_metrics_plugins.readers.conventions import warn_if_nothing_read
from vqr_metrics_plugins.readers.tabular import read_rows

from vqr_metrics import Config, load_config, run
from vqr_metrics.api import render
from vqr_metrics.arrow import figure_objects
from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.dataset import NULL_REASONS
from vqr_metrics.model import InputSpec
from vqr_metrics.testing import make_catalog

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "examples" / "seeds"
HEADER = ["entity", "year", "全日制在校生人数", "专任教师总数"]


def _config(*paths: Path | str) -> Config:
    return Config.build([str(p) for p in paths], plugins={"entry_points": False})


def _values(result: object) -> dict[tuple[str, int, str], float | None]:
    return {(v.entity, v.year, v.key): v.value for v in result.values}  # type: ignore[attr-defined]


def test_values_and_findings_are_arrow_tables_with_pandas_and_polars_views() -> None:
    result = run(_config(*sorted(SEEDS.glob("*.txt"))))
    values, findings = result.values.to_arrow(), result.findings.to_arrow()
    assert isinstance(values, pa.Table) and values.num_rows == len(result.values)
    assert isinstance(findings, pa.Table) and findings.num_rows == len(result.findings)
    frame = result.values.to_pandas()
    assert len(frame) == len(result.values) and set(frame["entity"]) == {"内蒙古自治区", "呼和浩特市"}
    assert result.findings.to_polars().height == len(result.findings)
    frames = result.to_polars()
    assert set(frames) == {"values", "findings", "scores", "compliance", "verdicts"}
    # provenance is a column of structs, the raw text filled in where the figure was printed
    sources = [p for row in values.column("provenance").to_pylist() for p in row]
    assert sources and all(p["raw"] and p["file"] and p["line"] for p in sources)


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_run_takes_a_frame_in_the_wide_or_long_layout(kind: str) -> None:
    wide = {"entity": ["甲校", "乙校"], "year": [2023, 2023], "全日制在校生人数": [1800.0, None]}
    wide["专任教师总数"] = [100.0, 50.0]
    long = {
        "entity": ["甲校", "甲校", "乙校"],
        "year": [2023, 2023, 2023],
        "indicator": ["全日制在校生人数", "专任教师总数", "专任教师总数"],
        "value": [1800.0, 100.0, 50.0],
    }
    frames = []
    for data in (wide, long):
        if kind == "pandas":
            pd = pytest.importorskip("pandas")
            frames.append(pd.DataFrame(data))
        elif kind == "polars":
            pl = pytest.importorskip("polars")
            frames.append(pl.DataFrame(data))
        else:
            frames.append(pa.table(data))
    for frame in frames:
        result = run(_config(), data=frame)
        assert result.value("甲校", 2023, "全日制在校生人数") == 1800
        assert result.value("乙校", 2023, "专任教师总数") == 50
        assert result.summary.cells == result.summary.figures + result.summary.cell_findings
    # the null cell of the wide frame is reported, not dropped
    blank = [f for f in run(_config(), data=frames[0]).findings if f.cell]
    assert [(f.rule, f.entity, f.provenance[0].line) for f in blank] == [("missing_value", "乙校", 2)]
    named = run(_config(), data={"学校表": frames[0]})
    assert {p.file for v in named.values for p in v.provenance} == {"学校表"}


def test_parquet_output_reads_back_as_input(tmp_path: Path) -> None:
    config = load_config(ROOT / "configs" / "example.toml")
    original = run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))
    path = tmp_path / "result.parquet"
    path.write_bytes(bytes(render(original, "parquet")))  # type: ignore[arg-type]
    table = pq.read_table(path)
    assert table.schema.field("value").type == pa.float64()
    assert table.schema.field("year").type == pa.int32()
    assert set(table.column("record").to_pylist()) >= {"summary", "value", "finding", "score", "compliance"}
    back = run(_config(path))
    read = {k: v for k, v in _values(original).items() if not k[2].endswith("_yoy")}
    inputs = {(v.entity, v.year, v.key): v.value for v in original.values if not v.derived}
    assert {(v.entity, v.year, v.key): v.value for v in back.values if not v.derived} == inputs
    assert set(read) <= set(_values(back))
    (skipped,) = [f for f in back.findings if f.rule == "derived_skipped"]
    assert str(original.summary.derived) in skipped.message


def test_csv_output_is_long_with_bom_and_no_float_artefacts(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("entity,year,全日制在校生人数,专任教师总数\n甲校,2023,0.015,0.1\n", encoding="utf-8")
    text = str(render(run(_config(path)), "csv"))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    values = {r["key"]: r["value"] for r in rows if r["record"] == "value" and r["derived"] == "否"}
    assert values == {"full_time_students": "0.015", "full_time_teachers": "0.1"}


@functools.cache
def _catalog() -> Catalog:
    return make_catalog()


def _slow(path: Path, catalog: object) -> Collector:
    """The per-cell reader alone, on rows the csv module split."""
    spec = InputSpec(str(path))
    collect = Collector(catalog, spec)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    numbered = [(n, row) for n, row in enumerate(rows, 1) if any(c.strip() for c in row)]
    read_rows(str(path), numbered[0][0], numbered[0][1], numbered[1:], collect)
    warn_if_nothing_read(collect, "no rows under a header")
    return collect


CELLS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(
        ["", "—", "96?", "1,234", "１２", "12%", "  7 ", "1e999", "-3", "+4.50", "无", "\xa07\u3000"]
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["甲校", "乙校", "", "丙校", "甲校\xa0", "\u3000"]),
            st.sampled_from(["2022", "2023", "", "20x3", "2023年"]),
            CELLS,
            CELLS,
            st.sampled_from(["高职", "中职", "高等职业", "", "—", "大学"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_the_fast_path_reads_exactly_what_the_per_cell_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]], level: bool
) -> None:
    catalog = _catalog()
    header = [*HEADER, "层次"] if level else HEADER
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *[r if level else r[:-1] for r in rows]])
    path = tmp_path_factory.mktemp("fast") / "d.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    fast = csv_reader.read_csv(InputSpec(str(path)), catalog)
    slow = _slow(path, catalog).output()
    key = lambda f: (f.provenance.line, f.provenance.column)  # noqa: E731
    assert sorted(figure_objects(fast.figures), key=key) == sorted(figure_objects(slow.figures), key=key)
    assert list(fast.findings) == list(slow.findings)  # the odd cells, in file order
    assert fast.cells == slow.cells == fast.figures.num_rows + fast.findings.cell_count()
    assert fast.entities == slow.entities


def test_bad_cells_of_a_large_file_each_become_a_finding_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = ["entity,year,全日制在校生人数,专任教师总数"]
    bad = {}
    for i in range(100_000):
        students = "96?" if i % 2500 == 7 else str(1000 + i % 500)
        if students == "96?":
            bad[i + 2] = students
        lines.append(f"学校{i:06d},2023,{students},{50 + i % 30}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(_config(path))
    table = result.findings.to_arrow()  # over a million missing_input notes: filter the columns first
    found = list(result.findings.where(pc.equal(table["rule"].cast(pa.string()), "unparsable_value")))
    assert {f.provenance[0].line: f.provenance[0].raw for f in found} == bad
    assert {f.provenance[0].column for f in found} == {"全日制在校生人数"}
    assert str(render(result, "csv")).count('"unparsable_value"') == len(bad)  # streamed in chunks
    assert result.summary.figures == 200_000 - len(bad)
    assert result.summary.cells == result.summary.figures + result.summary.cell_findings


def test_version_and_help_import_nothing_heavy() -> None:
    code = (
        "import sys\nfrom vqr_metrics.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'pyarrow', 'numpy', 'openpyxl', 'pluggy'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1].replace("'", '"')) == []


def test_the_dataset_says_why_each_null_is_null(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "entity,year,全日制在校生人数,专任教师总数\n甲校,2022,1800,0\n甲校,2023,1800,100\n乙校,2023,—,50\n",
        encoding="utf-8",
    )
    result = run(_config(path))
    data = result.dataset
    assert data is not None and result.catalog is not None
    rows = data.index()
    deps = result.catalog.dependencies
    wanted = {"full_time_students", "full_time_teachers"}
    ratio = next(k for k in result.catalog.metrics if set(deps[k].values()) == wanted and "prev" not in k)
    reasons = [NULL_REASONS[r] for r in data.null_reasons(ratio)]
    assert reasons[rows[("甲校", 2022)]] == "zero_denominator"
    assert reasons[rows[("甲校", 2023)]] == ""
    assert reasons[rows[("乙校", 2023)]] == "missing_input"
    growth = f"{ratio}_yoy"
    assert NULL_REASONS[data.null_reasons(growth)[rows[("甲校", 2022)]]] == "no_previous_year"
    assert NULL_REASONS[data.null_reasons("full_time_students")[rows[("乙校", 2023)]]] == "not_reported"


def test_a_check_may_return_its_findings_in_bulk(tmp_path: Path) -> None:
    from collections.abc import Callable

    from vqr_metrics.findings import FindingBuilder, Findings
    from vqr_metrics.model import Check, CheckContext
    from vqr_metrics.testing import ConfigBuilder

    def too_many_students(context: CheckContext) -> Findings:
        data = context.dataset
        rows = (data.column("full_time_students") > 1000).nonzero()[0]
        out = FindingBuilder()
        entities = [data.entity_names[c] for c in data.entity_codes[rows]]
        out.bulk("warning", "bulk_students", "more than 1000 students", entities, data.row_years[rows])
        return out.build()

    class Bulk:
        @staticmethod
        def register_checks(register: Callable[[Check], None]) -> None:
            register(Check("bulk_students", "a bulk check", too_many_students))

    config = ConfigBuilder(tmp_path)
    path = config.csv(
        "d.csv", [["entity", "year", "全日制在校生人数"], *[[f"校{i}", 2023, 900 + i] for i in range(200)]]
    )
    result = config.add_input(path).run(Bulk)
    flagged = result.findings.where(
        pc.equal(result.findings.to_arrow()["rule"].cast(pa.string()), "bulk_students")
    )
    assert sorted(f.entity for f in flagged) == sorted(f"校{i}" for i in range(101, 200))


def test_the_fast_path_finds_a_header_below_a_blank_row_and_keeps_file_order(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        ',,,\nentity,year,全日制在校生人数,专任教师总数\n甲校,2023,"1,800",100\n甲校,2023,1900,100\n',
        encoding="utf-8",
    )
    result = run(_config(path))
    assert (
        result.value("甲校", 2023, "全日制在校生人数") == 1800
    )  # the first printed, as the per-cell reader keeps
    (conflict,) = [f for f in result.findings if f.rule == "source_conflict"]
    assert [p.line for p in conflict.provenance] == [3, 4]
