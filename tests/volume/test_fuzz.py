"""Fuzzing at volume (``pytest -m fuzz``, run by ``.ci/run`` with ``--hypothesis-seed=0``).

Each target takes FUZZ_EXAMPLES (10,000) generated inputs: the config loader,
the formula parser and evaluator, formulas compiled to SQL against DuckDB
(2,000: each runs a query), the report-text reader on the seed reports
mutated by bytes, lines and cells, and the CSV and XLSX readers.  Whatever the
input, the only exception allowed is the project's own (:class:`VqrError`,
which the command line turns into one line and exit 2), and a reader keeps
the invariant that every cell it read became exactly one value or one finding.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL
from vqr_metrics_plugins.readers.csv_reader import read_csv
from vqr_metrics_plugins.readers.report.reader import read_report
from vqr_metrics_plugins.readers.xlsx_reader import read_xlsx

from tests.sql.test_compile import columns, formulas, formulas_alike
from vqr_metrics import formula
from vqr_metrics.config import FIRST_YEAR, LAST_YEAR, load_config
from vqr_metrics.errors import VqrError
from vqr_metrics.model import InputSpec, ReadOutput
from vqr_metrics.testing import SEEDS, make_catalog, seed_dir

pytestmark = pytest.mark.fuzz

FUZZ_EXAMPLES = int(os.environ.get("VQR_FUZZ_EXAMPLES", "10000"))
VOLUME = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CATALOG = make_catalog()
FOLDER = Path(tempfile.mkdtemp(prefix="vqr-fuzz-"))
_SEEDS = seed_dir()
assert _SEEDS is not None, "the fuzz run needs examples/seeds of a source checkout"
SEED_LINES = {name: (_SEEDS / file).read_bytes().split(b"\n") for name, file in SEEDS.items()}

# Cells as reports and spreadsheets print them, and the odd ones readers must survive.
CELL_TEXT = st.one_of(
    st.integers(-(10**6), 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            " ",
            "—",
            "——",
            "-",
            "无",
            "96?",
            "1,234",
            "１２３",
            "12.5%",
            "17.3:1",
            "1e999",
            "-0",
            "nan",
            "inf",
            "2023",
            "2023年",
            "9" * 400,
            "=SUM(A1:A3)",
            "@SUM(1)",
            "'=1",
            "\u3000",
            "\xa07",
            "全日制在校生人数",
            "专任教师总数",
            "名称：某校",
            "表 1 测试表",
            "附表 1：人才培养质量计分卡",
            '"',
            "\t",
            "\r",
            "\x00",
            "\ufeff",
            "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        ]
    ),
    st.text(max_size=12),
)
NAMES = [ind.name for ind in CATALOG.indicators.values()][:60] + list(CATALOG.indicators)[:20]
_ROLES = ["entity", "year", "名称", "年份", "indicator", "value", "unit", "类型", "层次", "备注"]
# Most headers are names the catalog knows: an unknown one costs a did-you-mean search over all names.
HEADER = st.integers(0, 7).flatmap(
    lambda pick: (
        st.text(max_size=8)
        if pick == 0
        else st.sampled_from(_ROLES)
        if pick < 3
        else st.sampled_from(NAMES).map(lambda n: f"{n}(人)")
        if pick == 3
        else st.sampled_from(NAMES)
    )
)


def _path(name: str) -> Path:
    """One file per worker and target, overwritten by every example."""
    return FOLDER / f"{os.getpid()}-{name}"


def _check(out: ReadOutput) -> None:
    """Every cell became one value or one finding; every value a finite number."""
    assert out.cells == out.figures.num_rows + out.findings.cell_count()
    if out.figures.num_rows:
        assert pc.all(pc.is_finite(out.figures["value"])).as_py()


def _read(reader: Any, path: Path, **options: Any) -> ReadOutput | None:
    try:
        out = reader(InputSpec(str(path), **options), CATALOG)
    except VqrError as exc:
        assert "\n" not in str(exc)  # one line on stderr
        return None
    _check(out)
    return out


# -- the config loader ---------------------------------------------------------------------------

_TOML_VALUE = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["2023", "0", "99999", "true", "1.5", "[]", "{}", '"高职"', '"x.csv"', '["a.py"]']),
    st.text(max_size=10).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)
_TOML_KEY = st.sampled_from(
    [
        "path",
        "entity",
        "year",
        "level",
        "type",
        "format",
        "encoding",
        "sheet",
        "files",
        "modules",
        "entry_points",
        "year_over_year",
        "disable",
        "key",
        "name",
        "formula",
        "weights",
        "indicators",
        "pth",
    ]
)
_SECTION = st.sampled_from(
    [
        "[[inputs]]",
        "[output]",
        "[plugins]",
        "[engine]",
        "[checks]",
        "[[metrics]]",
        "[[indicators]]",
        "[[tables]]",
        "[[scorecards]]",
        "[[compliance]]",
        "[inputs]",
        "[bogus]",
        "",
    ]
)
CONFIG_TEXT = st.one_of(
    st.lists(
        st.tuples(_SECTION, st.lists(st.tuples(_TOML_KEY, _TOML_VALUE), max_size=5)),
        max_size=5,
    ).map(lambda parts: "".join(f"{s}\n" + "".join(f"{k} = {v}\n" for k, v in kv) for s, kv in parts)),
    st.text(max_size=200),
)


@VOLUME
@given(text=CONFIG_TEXT, junk=st.binary(max_size=4))
def test_config_loader(text: str, junk: bytes) -> None:
    path = _path("config.toml")
    path.write_bytes(text.encode("utf-8", "surrogatepass") + junk)
    try:
        config = load_config(path)
    except VqrError as exc:
        assert "\n" not in str(exc)
        return
    for spec in config.inputs:
        assert spec.year is None or FIRST_YEAR <= spec.year <= LAST_YEAR


# -- the formula parser and evaluator ------------------------------------------------------------

_FORMULA_ATOM = st.one_of(
    st.sampled_from(
        ["全日制在校生人数", "专任教师总数", "[专任教师“双师”人数]", "x", "prev(x)", "1e308", "0"]
    ),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False).map(repr),
)
FORMULA_TEXT = st.one_of(
    st.recursive(
        _FORMULA_ATOM,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from([*"+-*/×÷−", "**", " > ", " and ", " or "]), inner).map("".join),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"-{e}"),
            st.tuples(
                st.sampled_from(["min", "max", "abs", "sum_of", "coalesce", "where", "prev", "eval"]),
                st.lists(inner, max_size=4),
            ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        ),
        max_leaves=12,
    ),
    st.text(alphabet="9*()+-/xy[]，（）<>=!. ", max_size=60),
    st.text(max_size=40),
)
_COLUMN = st.lists(
    st.sampled_from([0.0, 1.0, -1.0, 2.5, 1e308, -1e308, 1e-308, math.nan, 18.0]), min_size=4, max_size=4
)


@VOLUME
@given(text=FORMULA_TEXT, column=_COLUMN)
def test_formula_parser(text: str, column: list[float]) -> None:
    try:
        parsed = formula.parse(text)
    except VqrError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400  # an echoed formula is cut to 120 characters
        return
    values = np.array(column, dtype=np.float64)
    prev = np.array([-1, 0, 1, -1], dtype=np.intp)
    out = formula.evaluate(parsed, lambda name: values, 4, prev).values
    assert not np.isinf(out).any()  # inf never leaves the engine


# a query and a DuckDB connection per example (60 ms): 2,000 of them rather than FUZZ_EXAMPLES
@settings(VOLUME, max_examples=min(FUZZ_EXAMPLES, 2000))
@given(formulas, columns, columns, columns)
def test_formulas_in_duckdb(text: str, a: list[float], b: list[float], c: list[float]) -> None:
    formulas_alike(text, a, b, c)


# -- the report-text reader on mutated seed reports ----------------------------------------------

_MUTATION = st.one_of(
    st.tuples(st.just("byte"), st.integers(0, 10**6), st.binary(min_size=0, max_size=3)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("line_drop"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("line_copy"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("cell"), st.integers(0, 10**6), CELL_TEXT.map(lambda t: t.encode("utf-8", "replace"))),
)


def _mutate(lines: list[bytes], mutation: tuple[str, int, bytes]) -> list[bytes]:
    kind, at, data = mutation
    if not lines:
        return lines
    i = at % len(lines)
    if kind == "line_drop":
        return lines[:i] + lines[i + 1 :]
    if kind == "line_copy":
        return lines[: i + 1] + lines[i:]
    line = lines[i]
    if kind == "cell":  # one tab-separated cell replaced
        cells = line.split(b"\t")
        cells[at % len(cells)] = data
        return [*lines[:i], b"\t".join(cells), *lines[i + 1 :]]
    pos = at % (len(line) + 1)
    if kind == "cut":  # the report ends here, maybe inside a character
        return [*lines[:i], line[:pos]]
    return [*lines[:i], line[:pos] + data + line[pos + len(data) :], *lines[i + 1 :]]


@VOLUME
@given(
    seed=st.sampled_from(sorted(SEED_LINES)),
    start=st.integers(0, 10**6),
    size=st.integers(1, 160),
    head=st.booleans(),
    mutations=st.lists(_MUTATION, max_size=6),
)
def test_report_text_reader(
    seed: str, start: int, size: int, head: bool, mutations: list[tuple[str, int, bytes]]
) -> None:
    lines = SEED_LINES[seed]
    first = 0 if head else start % len(lines)  # a window of the report: its title page, or any tables
    window = lines[:12] + lines[first : first + size] if not head else lines[:size]
    for mutation in mutations:
        window = _mutate(window, mutation)
    path = _path("report.txt")
    path.write_bytes(b"\n".join(window))
    _read(read_report, path)


# -- the CSV reader ------------------------------------------------------------------------------

_ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


@VOLUME
@given(
    header=st.lists(HEADER, min_size=1, max_size=6),
    rows=st.lists(st.lists(CELL_TEXT, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", "\t", ";"]),
    titles=st.lists(
        st.sampled_from(["某市2023年职业教育数据", "单位：人", "", "注：—表示未填报"]), max_size=2
    ),
    encoding=st.sampled_from(_ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n"]),
    entity=st.sampled_from([None, "甲校"]),
    year=st.sampled_from([None, 2023]),
    damage=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=2)), max_size=2),
)
def test_csv_reader(
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    titles: list[str],
    encoding: str,
    newline: str,
    entity: str | None,
    year: int | None,
    damage: list[tuple[int, bytes]],
) -> None:
    def line(cells: list[str]) -> str:
        quoted = [
            '"' + c.replace('"', '""') + '"' if set(c) & {delimiter, '"', "\n", "\r"} else c for c in cells
        ]
        return delimiter.join(quoted)

    text = newline.join([*titles, line(header), *(line(r) for r in rows)]) + newline
    data = text.encode(encoding, errors="replace")
    for at, junk in damage:
        pos = at % (len(data) + 1)
        data = data[:pos] + junk + data[pos + len(junk) :]
    path = _path("table.csv")
    path.write_bytes(data)
    out = _read(read_csv, path, entity=entity, year=year)
    indicators = [h for h in header if _indicator(h)]
    plain = not damage and not titles and len(set(header)) == len(header) == len(indicators) + 2
    if out is not None and plain and header[:2] == ["entity", "year"]:
        # a wide table of known indicators: each filled row's indicator cells, each one value or finding
        filled = [r for r in rows if any(c.strip() for c in r)]
        beyond = sum(1 for r in filled for c in r[len(header) :] if c.strip())
        assert out.cells == len(filled) * len(indicators) + beyond


def _indicator(name: str) -> bool:
    """Whether a header is one of the indicator names headers are drawn from."""
    return name in NAMES


# -- the XLSX reader -----------------------------------------------------------------------------
# Workbooks are written as their XML parts (openpyxl's writer would take most of the time), so the
# sheets can hold what real files hold and openpyxl's writer would refuse: formulas without a
# saved value, error cells, booleans, merges over any range, broken bytes.

_XLSX_CELL = st.one_of(
    st.none(),
    st.integers(-(10**16), 10**16).map(lambda n: ("n", str(n))),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: ("n", repr(x))),
    st.sampled_from(
        [("b", "1"), ("b", "0"), ("e", "#DIV/0!"), ("f", "SUM(A1:A2)"), ("fv", "1+1"), ("n", "")]
    ),
    st.one_of(HEADER, CELL_TEXT).filter(lambda t: not ILLEGAL.search(t)).map(lambda t: ("s", t)),
)
_SHEET_ROW = st.lists(_XLSX_CELL, max_size=6)
_MERGE_BOX = st.tuples(st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(0, 1))


def _column_name(n: int) -> str:
    return chr(64 + n)  # A–Z suffice for these sheets


def _sheet_xml(rows: list[list[tuple[str, str] | None]], boxes: list[tuple[int, int, int, int]]) -> str:
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, cell in enumerate(row, 1):
            if cell is None:
                continue
            kind, text = cell
            ref = f'r="{_column_name(c)}{r}"'
            body = escape(text)
            cells.append(
                {
                    "n": f"<c {ref}><v>{body}</v></c>",
                    "b": f'<c {ref} t="b"><v>{body}</v></c>',
                    "e": f'<c {ref} t="e"><v>{body}</v></c>',
                    "f": f"<c {ref}><f>{body}</f></c>",  # never calculated: no saved value
                    "fv": f"<c {ref}><f>{body}</f><v>2</v></c>",
                    "s": f'<c {ref} t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>',
                }[kind]
            )
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    merges = "".join(
        f'<mergeCell ref="{_column_name(c)}{r}:{_column_name(c + w)}{r + down}"/>' for r, c, down, w in boxes
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{"".join(out)}</sheetData>'
        + (f'<mergeCells count="{len(boxes)}">{merges}</mergeCells>' if boxes else "")
        + "</worksheet>"
    )


def _workbook(sheets: list[str]) -> bytes:
    ns = "http://schemas.openxmlformats.org"
    rel, kind = f"{ns}/officeDocument/2006/relationships", "application/vnd.openxmlformats-"
    listing = f'<Relationships xmlns="{ns}/package/2006/relationships">'
    numbers = range(1, len(sheets) + 1)
    listed = "".join(f'<sheet name="表{n}" sheetId="{n}" r:id="rId{n}"/>' for n in numbers)
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in numbers
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{kind}officedocument.spreadsheetml.worksheet+xml"/>'
        for n in numbers
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{kind}package.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" '
        f'ContentType="{kind}officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'{listing}<Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{rel}">'
        f"<sheets>{listed}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f"{listing}{links}</Relationships>",
        **{f"xl/worksheets/sheet{n}.xml": xml for n, xml in enumerate(sheets, 1)},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@VOLUME
@given(
    sheets=st.lists(
        st.tuples(st.lists(_SHEET_ROW, min_size=1, max_size=7), st.lists(_MERGE_BOX, max_size=2)),
        min_size=1,
        max_size=3,
    ),
    damage=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=2)), max_size=1),
    entity=st.sampled_from([None, "甲校"]),
)
def test_xlsx_reader(
    sheets: list[tuple[list[list[tuple[str, str] | None]], list[tuple[int, int, int, int]]]],
    damage: list[tuple[int, bytes]],
    entity: str | None,
) -> None:
    data = _workbook([_sheet_xml(rows, boxes) for rows, boxes in sheets])
    for at, junk in damage:
        pos = at % len(data)
        data = data[:pos] + junk + data[pos + len(junk) :]
    path = _path("book.xlsx")
    path.write_bytes(data)
    _read(read_xlsx, path, entity=entity, year=2023)
