"""Whatever text is fed to the report reader, it yields figures and findings
with every cell accounted for, or one clear InputError — never another
exception."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vqr_metrics_plugins.readers.report.reader import read_report

from vqr_metrics.arrow import figure_objects
from vqr_metrics.catalog import Catalog
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, ReadOutput
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
SEED_LINES = [
    line
    for name in ("000_26576409a80910f8.txt", "002_7d1635ab68301fb1.txt")
    for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()
    if len(line) < 120
]
CATALOG: Catalog = build_catalog(make_plugin_manager(entry_points=False))
_counter = itertools.count()

# Pieces reports are made of, to put the parser in every state.
_pieces = st.sampled_from(
    [
        "表 2.9 人才培养质量计分卡",
        "附表 3：服务贡献表",
        "表5：",
        "表 1 计分卡.....\t42",
        "名称：内蒙古自治区(150000)",
        "名称：(",
        "序号\t指标\t单位\t2023年\t调查人次\t调查方式",
        "指标\t单位\t值",
        "\t\t学时\t3534956",
        "接入国家智慧教育平台数量\t门\t63\t",
        "（数据来源：平台）",
        "12",
        "",
        "\t",
        "\t\t\t\t\t\t\t",
        "96?\t——\t—\t1,234\t17.25%\t12.4:1\t６９６８４",
        "内蒙古自治区职业教育质量报告",
        "(2023年度)",
        "目录",
    ]
)
_cells = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(["", "—", "1", "2023", "序号", "值", "单位", "%"])),
    max_size=7,
).map("\t".join)
_lines = st.one_of(st.sampled_from(SEED_LINES), _pieces, _cells, st.text(max_size=40))
_reports = st.lists(_lines, max_size=40).map("\n".join)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


def _read(folder: Path, data: bytes, **spec: object) -> ReadOutput | None:
    """Read ``data``; check the accounting and, for UTF-8 input, that every
    figure's provenance points at a line holding its raw text."""
    path = folder / f"report{next(_counter)}.txt"
    path.write_bytes(data)
    try:
        out = read_report(InputSpec(str(path), **spec), CATALOG)  # type: ignore[arg-type]
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return None
    assert isinstance(out, ReadOutput)
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)
    assert (out.cells == 0) == any(f.rule == "no_tables" for f in out.findings)
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return out
    for fig in figure_objects(out.figures):
        p = fig.provenance
        assert p.line is not None and 1 <= p.line <= len(lines)
        assert p.raw in {c.strip() for c in lines[p.line - 1].split("\t")}
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_reports)
def test_any_report_text_reads_or_fails_cleanly(folder: Path, text: str) -> None:
    _read(folder, text.encode("utf-8"))
    _read(folder, text.encode("utf-8"), entity="某校", year=2023, level="高职")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_unicode_text_reads_or_fails_cleanly(folder: Path, text: str) -> None:
    _read(folder, text.encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_read_or_fail_cleanly(folder: Path, data: bytes) -> None:
    _read(folder, data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drop=st.sets(st.integers(0, 200), max_size=30), seed_line=st.integers(1100, 1280))
def test_damaged_appendix_still_accounts_for_every_cell(folder: Path, drop: set[int], seed_line: int) -> None:
    # the appendix of 000 with lines lost, as a bad copy-paste loses them
    lines = (SEEDS / "000_26576409a80910f8.txt").read_text(encoding="utf-8").splitlines()[seed_line:]
    text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    out = _read(folder, text.encode("utf-8"))
    assert out is not None
