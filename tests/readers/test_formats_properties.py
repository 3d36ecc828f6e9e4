"""Whatever is fed to the CSV, JSON and XLSX readers, they yield figures and
findings with every cell accounted for, or one clear InputError naming the
file — never another exception.  (Report text: test_read_report_properties.)"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from vqr_metrics_plugins.readers.conventions import FIRST_YEAR, LAST_YEAR
from vqr_metrics_plugins.readers.csv_reader import read_csv
from vqr_metrics_plugins.readers.json_reader import read_json
from vqr_metrics_plugins.readers.xlsx_reader import read_xlsx

from vqr_metrics.arrow import figure_objects
from vqr_metrics.catalog import Catalog
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, ReadOutput
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager

CATALOG: Catalog = build_catalog(make_plugin_manager(entry_points=False))
_counter = itertools.count()
_FIXTURE = [HealthCheck.function_scoped_fixture]

Read = Callable[[InputSpec, Catalog], ReadOutput]

# Header words of long and wide tables and of the report layout, indicator names and keys, and near misses.
_NAMES = [
    "名称",
    "年份",
    "指标",
    "值",
    "单位",
    "entity",
    "year",
    "序号",
    "毕业生人数",
    "全日制在校生人数",
    "生师比",
    "sc_graduates",
    "毕业生总数",
    "毕业去向落实率",
    "类型",
    "层次",
    "",
]
# Cells as printed, and as they go wrong.
_PRINTED = [
    "2023",
    "2022年",
    "2023.7",
    "inf",
    "-inf",
    "nan",
    "1e400",
    "1" + "0" * 400,
    "1,234",
    "17.25%",
    "12.4:1",
    "６９６８４",
    "—",
    "",
    "96?",
    "内蒙古自治区",
    "=C2-10",
    "综合",
    "高职",
    "中等职业",
]
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)
_cell_text = st.one_of(st.sampled_from(_NAMES + _PRINTED), _text)
# Long, wide and report-layout headers, and any header at all.
_templates = st.sampled_from(
    [
        ["名称", "年份", "指标", "值", "单位"],
        ["名称", "年份", "毕业生人数", "全日制在校生人数"],
        ["名称", "年份", "类型", "层次", "毕业生人数"],
        ["year", "sc_graduates", "生师比"],
        ["序号", "指标", "单位", "值"],
        ["指标", "单位", "2023年", "2022年"],
    ]
)
_headers = st.one_of(_templates, st.lists(st.sampled_from(_NAMES), min_size=1, max_size=6))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inputs")


def _read(reader: Read, path: Path, **spec: Any) -> ReadOutput | None:
    """Read ``path``: one InputError naming it, or every cell accounted for
    and every figure a finite number of a sane year."""
    try:
        out = reader(InputSpec(str(path), **spec), CATALOG)
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        event("InputError " + str(exc).split(":")[-1][:30])
        return None
    for f in out.findings:
        event(f.rule)
    event("cells>0" if out.cells else "no cells")
    assert isinstance(out, ReadOutput)
    assert out.cells == len(out.figures) + sum(1 for f in out.findings if f.cell)
    for fig in figure_objects(out.figures):
        assert math.isfinite(fig.value)
        assert fig.year is not None and FIRST_YEAR <= fig.year <= LAST_YEAR
    assert (out.cells == 0) == any(f.rule == "no_tables" for f in out.findings)
    assert all(a.get("level", "高职") in ("高职", "中职") for a in out.entities.values())
    return out


def _write(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"input{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


# --- CSV ----------------------------------------------------------------------------------------

_csv_rows = st.lists(st.lists(_cell_text, max_size=6), max_size=8)


def _csv(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE)
@given(
    header=_headers,
    rows=_csv_rows,
    delimiter=st.sampled_from([",", "\t"]),
    spec=st.sampled_from([{}, {"entity": "某校", "year": 2023}]),
)
def test_any_csv_table_reads_or_fails_cleanly(
    folder: Path, header: list[str], rows: list[list[str]], delimiter: str, spec: dict[str, Any]
) -> None:
    path = _write(folder, ".csv", _csv([header, *rows], delimiter).encode("utf-8"))
    _read(read_csv, path, **spec)


@settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURE)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_as_csv_read_or_fail_cleanly(folder: Path, data: bytes) -> None:
    _read(read_csv, _write(folder, ".csv", data), entity="某校")


# --- JSON ---------------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2023, 2023.0, 2023.5, "2023", "二〇二三", 1800, *_PRINTED]),
    _text,
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_provenance = st.lists(
    st.fixed_dictionaries({"file": _text}, optional={"line": _json, "raw": _json, "table": _json}),
    max_size=2,
)
_record = st.fixed_dictionaries(
    {},
    optional={
        "entity": st.one_of(st.sampled_from(["某校", ""]), _json),
        "year": _json,
        "key": st.one_of(st.sampled_from(_NAMES), _json),
        "name": st.one_of(st.sampled_from(_NAMES), _json),
        "value": _json,
        "unit": st.one_of(st.sampled_from(["人", "%", "万元"]), _json),
        "derived": _json,
        "imputed": _json,
        "provenance": st.one_of(_provenance, _json),
    },
)
_documents = st.one_of(
    st.lists(st.one_of(_record, _json), max_size=6),
    st.lists(_record, max_size=6).map(lambda values: {"values": values}),
    _json,
)


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE)
@given(document=_documents, spec=st.sampled_from([{}, {"entity": "某校", "year": 2023}]))
def test_any_json_document_reads_or_fails_cleanly(folder: Path, document: Any, spec: dict[str, Any]) -> None:
    path = _write(folder, ".json", json.dumps(document, ensure_ascii=False).encode("utf-8"))
    _read(read_json, path, **spec)


@settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURE)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_as_json_read_or_fail_cleanly(folder: Path, data: bytes) -> None:
    _read(read_json, _write(folder, ".json", data))


# --- XLSX ---------------------------------------------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")

_excel_values = st.one_of(
    st.none(),
    _cell_text,
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["=C2-10", "=SUM(A1:A3)", '="毕业生"&"人数"', "=1/0", 2023, 2023.7, True]),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
)
_excel_row = st.one_of(
    st.lists(_excel_values, min_size=1, max_size=5),
    # rows shaped like those under the templates: entity and year first, or 序号, 指标 and 单位
    st.tuples(
        st.sampled_from(["某校", "", None]),
        st.one_of(st.sampled_from([2023, 2022, "2023年", 2023.7, "=B1+1"]), _excel_values),
        st.lists(_excel_values, max_size=3),
    ),
    st.tuples(st.integers(1, 3), st.sampled_from(_NAMES), st.sampled_from(["人", "%", ""]), _excel_values),
).map(lambda row: [*row[:-1], *row[-1]] if isinstance(row[-1], list) else list(row))
_sheet = st.tuples(
    st.sampled_from(["Sheet", "教学资源表", "计分卡", "附表 3：服务贡献表", "学生"]),
    st.one_of(_templates, _headers, st.just([])),
    st.lists(_excel_row, min_size=2, max_size=6),
)


def _workbook(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, (title, header, rows) in enumerate(sheets):
        sheet = book.create_sheet(f"{title}{n}")
        for row in [header, *rows] if header else rows:
            sheet.append(row)
        sheet["B2"].number_format = "0.00%"  # a percent cell, whatever it holds
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damage(data: bytes, at: float, noise: bytes) -> bytes:
    """The workbook with its first sheet's XML cut short at ``at`` (no noise),
    or with ``noise`` written over it there."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = int(len(content) * at)
                content = (
                    content[:start] + noise + content[start + len(noise) :] if noise else content[:start]
                )
            target.writestr(item, content)
    return out.getvalue()


@settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURE)
@given(
    sheets=st.lists(_sheet, min_size=1, max_size=2),
    damage=st.one_of(st.none(), st.none(), st.tuples(st.floats(0, 1), st.binary(max_size=8))),
    spec=st.sampled_from([{}, {"entity": "某校", "year": 2023}]),
)
def test_any_workbook_reads_or_fails_cleanly(
    folder: Path,
    sheets: list[tuple[str, list[str], list[list[Any]]]],
    damage: tuple[float, bytes] | None,
    spec: dict[str, Any],
) -> None:
    data = _workbook(sheets)
    path = _write(folder, ".xlsx", data if damage is None else _damage(data, *damage))
    out = _read(read_xlsx, path, **spec)
    if damage is None and spec:
        assert out is not None  # a whole workbook with the entity given is always readable


@settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURE)
@given(data=st.binary(max_size=300))
def test_any_bytes_as_xlsx_read_or_fail_cleanly(folder: Path, data: bytes) -> None:
    _read(read_xlsx, _write(folder, ".xlsx", b"PK\x03\x04" + data))
