"""XLSX output (openpyxl, the XLSX dependency): one workbook a report office opens in Excel or WPS.

Sheets: 摘要 (the summary), 数值 (the input values wide: a row per entity and
year, a column per indicator, which reads back in as an input with
``sheet = "数值"``), 派生指标 (the derived metrics, wide), 发现 (the findings,
filterable, coloured by severity), one sheet per scorecard (ranked, with
dimension scores) and 合规 (entity × rule: 合格 / 不合格 / 未能判定, coloured,
and each rule set's verdict).  Headers are Chinese with units, frozen; each
figure column has a number format for its unit with as many decimals as its
figures need (the reader keeps what a format shows); column widths fit
Chinese text; text cells are Excel-safe (:mod:`.excel_cells`).  Written in
openpyxl's write-only mode, a row at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import numpy as np
from wcwidth import wcswidth

from vqr_metrics.errors import VqrError
from vqr_metrics.model import Writer
from vqr_metrics.result import Result, finding_records
from vqr_metrics.scoring.results import ComplianceResult, ScorecardResult

from ..checks.narrative import result_sections
from .excel_cells import guard, rounded
from .labels import STATUS_ZH, summary_rows, text, word
from .wide_layout import Wide, natural, wide

SEVERITY_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
STATUS_FILL = {"合格": "C6EFCE", "不合格": "FFC7CE", "未能判定": "EDEDED"}
HEADER_FILL = "D9E1F2"
# Units whose figures show at least two decimals (money, rates); others from whole numbers up.
_TWO_PLACES = ("%", "万元", "元", "万册", "万平方米", ":1")
_MAX_PLACES = 6
_MAX_WIDTH = 60
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


class _Book:
    """A write-only workbook and the styles its cells share."""

    def __init__(self) -> None:
        try:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.styles import Font, PatternFill
        except ImportError:
            raise VqrError("writing .xlsx needs openpyxl: pip install 'vqr-metrics[xlsx]'") from None
        self.book = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self._fills = {
            c: PatternFill("solid", fgColor=c) for c in (*SEVERITY_FILL.values(), *STATUS_FILL.values())
        }
        self._fills[HEADER_FILL] = PatternFill("solid", fgColor=HEADER_FILL)
        self._bold = Font(bold=True)
        self._titles: set[str] = set()

    def sheet(self, title: str, headers: Sequence[Sequence[str]], widths: Sequence[int]) -> Any:
        """A new sheet with frozen header rows and columns as wide as their text."""
        from openpyxl.utils import get_column_letter

        title = self._title(title)
        ws = self.book.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, max(8, width + 2))
        ws.freeze_panes = f"A{len(headers) + 1}"
        for row in headers:
            ws.append([self.cell(ws, h, fill=HEADER_FILL, bold=True) for h in row])
        return ws

    def _title(self, wanted: str) -> str:
        """A sheet name Excel takes: at most 31 characters, none of []:*?/\\, unique."""
        base = _BAD_TITLE.sub("_", wanted)[:31] or "Sheet"
        title, n = base, 2
        while title in self._titles:
            title = f"{base[: 31 - len(str(n)) - 1]}_{n}"
            n += 1
        self._titles.add(title)
        return title

    def cell(
        self, ws: Any, value: Any, *, fill: str | None = None, bold: bool = False, number_format: str = ""
    ) -> Any:
        if isinstance(value, str):
            value = guard(value)
        elif isinstance(value, float) and not np.isfinite(value):
            value = None
        cell = self._cell(ws, value=value)
        if fill:
            cell.fill = self._fills[fill]
        if bold:
            cell.font = self._bold
        if number_format:
            cell.number_format = number_format
        return cell


def shown_width(values: Iterable[Any]) -> int:
    """The display width of the widest value (a Chinese character counts two)."""
    return max((max(wcswidth(str(v)), len(str(v))) for v in values if v is not None), default=0)


def number_format(unit: str, column: np.ndarray) -> str:
    """``#,##0`` with as many decimals as the unit asks for and the figures need."""
    finite = column[np.isfinite(column)]
    places = 2 if unit in _TWO_PLACES else 0
    while places < _MAX_PLACES and not np.array_equal(np.round(finite, places), finite):
        places += 1
    return "#,##0" + ("." + "0" * places if places else "")


def _summary(book: _Book, result: Result) -> None:
    summary = result.summary.to_record()
    rows: list[tuple[str, Any]] = [(text(k, "zh"), v) for k, v in summary_rows(summary)]
    rows += [(f"{text('rule', 'zh')}：{rule}", n) for rule, n in summary["findings_by_rule"].items()]
    rows += [("输入文件", path) for path in summary["inputs"]]
    ws = book.sheet(
        "摘要", [["项目", "数值"]], [shown_width(k for k, _ in rows), shown_width(v for _, v in rows)]
    )
    for key, value in rows:
        ws.append([book.cell(ws, key), book.cell(ws, value)])


def _wide_sheet(book: _Book, title: str, table: Wide) -> None:
    """Entity-year rows × indicator columns, the header as a wide input reads it."""
    headers = [
        "名称",
        "年份",
        *table.attributes,
        *(table.header(j, "（", "）") for j in range(len(table.keys))),
    ]
    entity = table.entity.to_pylist()
    attributes = [a.to_pylist() for a in table.attributes.values()]
    columns = [rounded(c) for c in table.columns]
    formats = [number_format(u, c) for u, c in zip(table.units, columns, strict=True)]
    widths = [
        shown_width([*entity, "名称"]),
        6,
        *(shown_width([h, *a]) for h, a in zip(table.attributes, attributes, strict=True)),
    ]
    widths += [max(shown_width([table.header(j, "（", "）")]), 10) for j in range(len(table.keys))]
    ws = book.sheet(title, [headers], widths)
    for i, name in enumerate(entity):
        row = [book.cell(ws, name), book.cell(ws, int(table.year[i]))]
        row += [book.cell(ws, a[i]) for a in attributes]
        row += [
            book.cell(ws, None if np.isnan(c[i]) else float(c[i]), number_format=f)
            for c, f in zip(columns, formats, strict=True)
        ]
        ws.append(row)


_FINDING_COLUMNS = ("severity", "rule", "entity", "year", "indicators", "message", "where")


def _findings(book: _Book, result: Result) -> None:
    headers = [text(c, "zh") for c in _FINDING_COLUMNS]
    ws = book.sheet("发现", [headers], [4, 24, 14, 6, 30, _MAX_WIDTH, 40])
    rows = 0
    for chunk in finding_records(result.findings):
        for f in chunk:
            where = "; ".join(
                f"{p['file'].rsplit('/', 1)[-1]}:{p['line'] or ''}".rstrip(":") for p in f["provenance"]
            )
            values = [
                word(f["severity"], "zh"),
                f["rule"],
                f["entity"],
                f["year"],
                " / ".join(f["indicators"]),
            ]
            fill = SEVERITY_FILL[f["severity"]]
            ws.append([book.cell(ws, v, fill=fill) for v in (*values, f["message"], where)])
            rows += 1
    ws.auto_filter.ref = f"A1:G{rows + 1}"


def _scorecard(book: _Book, card: ScorecardResult) -> None:
    results = sorted(card.rows(), key=lambda r: (r.year, r.rank is None, r.rank or 0))
    dims = list(results[0].dimensions) if results else []
    headers = ["年份", "排名", "名称", "得分", *(f"{d}（得分）" for d in dims), "覆盖率"]
    widths = [
        6,
        6,
        shown_width([r.entity for r in results] + ["名称"]),
        8,
        *(shown_width([h]) for h in headers[4:]),
    ]
    ws = book.sheet(f"计分卡_{card.name}", [headers], widths)
    for r in results:
        numbers = [r.score, *(r.dimensions[d].score for d in dims), r.coverage]
        ws.append(
            [book.cell(ws, r.year), book.cell(ws, r.rank), book.cell(ws, r.entity)]
            + [
                book.cell(ws, None if n is None else float(rounded([n])[0]), number_format="0.00")
                for n in numbers
            ]
        )


def _compliance(book: _Book, blocks: Sequence[ComplianceResult]) -> None:
    """Entity-year rows × every rule set's rules (合格 / 不合格 / 未能判定) and its verdict."""
    columns: list[tuple[str, str]] = []  # (rule set, rule) in file order, then (rule set, "") for the verdict
    cells: dict[tuple[str, int], dict[tuple[str, str], tuple[str, str | None]]] = {}
    for block in blocks:
        name = block.name
        for r in block.results():
            if (name, r.rule) not in columns:
                columns.append((name, r.rule))
            shown = STATUS_ZH.get(r.status, r.status)
            cells.setdefault((r.entity, r.year), {})[(name, r.rule)] = (shown, shown)
        columns.append((name, ""))
        for v in block.verdicts():
            cells.setdefault((v.entity, v.year), {})[(name, "")] = (v.verdict, None)
    if not blocks:
        return
    heads = [
        ["规则集", ""] + [name for name, _ in columns],
        ["名称", "年份"] + [rule or "结论" for _, rule in columns],
    ]
    rows = sorted(cells, key=lambda k: (natural(k[0]), k[1]))
    widths = [shown_width([e for e, _ in rows] + ["名称"]), 6]
    widths += [min(24, max(8, shown_width([rule or "结论"]))) for _, rule in columns]
    ws = book.sheet("合规", heads, widths)
    for entity, year in rows:
        mine = cells[(entity, year)]
        row = [book.cell(ws, entity), book.cell(ws, year)]
        for column in columns:
            value, status = mine.get(column, (None, None))
            row.append(book.cell(ws, value, fill=STATUS_FILL.get(status or "")))
        ws.append(row)


def write_xlsx(result: Result, out: IO[bytes]) -> None:
    book = _Book()
    _summary(book, result)
    _wide_sheet(book, "数值", wide(result, derived=False))
    _wide_sheet(book, "派生指标", wide(result, derived=True))
    _findings(book, result)
    for title, headers, rows in result_sections(result):
        widths = [min(_MAX_WIDTH, shown_width([h, *(r[i] for r in rows)])) for i, h in enumerate(headers)]
        ws = book.sheet(title, [headers], widths)
        for row in rows:
            ws.append([book.cell(ws, value) for value in row])
    for card in result.scorecards:
        _scorecard(book, card)
    _compliance(book, result.compliance)
    book.book.save(out)


def register_writers(register: Callable[[Writer], None]) -> None:
    register(
        Writer(
            "xlsx",
            "an Excel workbook: summary, values, metrics, findings, scorecards, compliance",
            write_xlsx,
            binary=True,
            suffixes=(".xlsx",),
        )
    )
