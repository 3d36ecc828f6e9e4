"""HTML output: one self-contained page a department can e-mail — no network, no external file.

The parts ``[output] sections`` names, headed in ``[output] lang``: the
summary; the findings in a table filtered by severity and by text as you
type (a few lines of inline script); per scorecard a ranked bar chart of
each year, its dimension scores per entity and, where several years exist,
a line of each entity's score over the years; the compliance matrix
(entity × rule, 合格 / 不合格 / 未能判定 coloured, with each verdict).
Charts are inline SVG drawn by :mod:`._svg`; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import IO, Any

from vqr_metrics.model import Writer
from vqr_metrics.result import Result, finding_records
from vqr_metrics.scoring.results import ComplianceResult, ScorecardResult

from ..checks.narrative import result_sections
from .labels import STATUS_ZH, colon, output_options, summary_rows, text, word
from .svg_charts import bar_chart, line_chart
from .text_writers import _fmt
from .wide_layout import natural

_STYLE = """
body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;white-space:nowrap}
td.text{white-space:normal;min-width:24em;max-width:48em}
.scroll{max-height:520px;overflow:auto;display:inline-block}
th{background:#d9e1f2;white-space:normal;min-width:3em}td.n{text-align:right}
tr.error td{background:#ffc7ce}tr.warning td{background:#ffeb9c}tr.info td{background:#ddebf7}
td.pass{background:#c6efce}td.fail{background:#ffc7ce}td.undecided{background:#ededed}
.filters{margin:8px 0}.filters input{width:24em}
svg.chart{display:block;margin:8px 0;background:#fff}
"""
_SCRIPT = """
(function(){
  var box=document.getElementById('finding-text'),level=document.getElementById('finding-severity');
  var rows=document.querySelectorAll('#findings tbody tr');
  function apply(){
    var t=box.value.toLowerCase(),s=level.value;
    rows.forEach(function(r){
      var ok=(!s||r.className===s)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
      r.style.display=ok?'':'none';
    });
  }
  box.addEventListener('input',apply);level.addEventListener('change',apply);
})();
"""
_STATUS_CLASS = {"pass": "pass", "fail": "fail", "not assessed": "undecided", "inconclusive": "undecided"}


def _table(headers: Sequence[str], rows: Iterable[str], attrs: str = "") -> str:
    """A table of rendered ``<tr>`` rows under escaped headers."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _tr(cells: Iterable[Any]) -> str:
    return "<tr>" + "".join(_td(c) for c in cells) + "</tr>"


def _td(value: Any, cls: str = "") -> str:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    classes = " ".join(c for c in (cls, "n" if number else "") if c)
    return (
        f'<td class="{classes}">{escape(_fmt(value))}</td>' if classes else f"<td>{escape(_fmt(value))}</td>"
    )


def _summary(result: Result, lang: str) -> str:
    summary = result.summary.to_record()
    rows = [_tr([text(k, lang), v]) for k, v in summary_rows(summary)]
    return f"<h2>{escape(text('Summary', lang))}</h2>" + _table(
        [text("indicator", lang), text("value", lang)], rows
    )


def _findings(result: Result, lang: str) -> str:
    order = {"error": 0, "warning": 1, "info": 2}
    records = sorted(
        (f for chunk in finding_records(result.findings) for f in chunk), key=lambda f: order[f["severity"]]
    )
    rows = []
    for f in records:
        where = "; ".join(
            f"{p['file'].rsplit('/', 1)[-1]}:{p['line'] or ''}".rstrip(":") for p in f["provenance"]
        )
        cells = [word(f["severity"], lang), f["rule"], f["entity"] or "", f["year"]]
        tds = "".join(_td(c) for c in cells) + _td(f["message"], "text") + _td(where, "text")
        rows.append(f'<tr class="{f["severity"]}">{tds}</tr>')
    options = "".join(
        f'<option value="{s}">{escape(str(word(s, lang)))}</option>' for s in ("error", "warning", "info")
    )
    every, placeholder = escape(text("all", lang)), escape(text("filter", lang))
    filters = (
        f'<div class="filters"><select id="finding-severity"><option value="">{every}</option>'
        f'{options}</select> <input id="finding-text" type="search" placeholder="{placeholder}"></div>'
    )
    headers = [text(h, lang) for h in ("severity", "rule", "entity", "year", "message", "where")]
    title = text("Findings (errors first, then warnings, then info)", lang)
    table = _table(headers, rows, ' id="findings"')
    return f'<h2>{escape(title)}</h2>{filters}<div class="scroll">{table}</div>'


def _scorecard(card: ScorecardResult, lang: str) -> str:
    results = list(card.rows())
    name = card.name
    parts = [f"<h2>{escape(text('Scorecard', lang) + colon(lang) + name)}</h2>"]
    years = sorted({r.year for r in results})
    for year in years:
        ranked = sorted((r for r in results if r.year == year), key=lambda r: (r.rank is None, r.rank or 0))
        title = f"{name} {year}"
        parts.append(bar_chart([(r.entity, r.score) for r in ranked], title))
    dims = list(results[0].dimensions) if results else []
    if dims:
        rows = [
            _tr([r.entity, r.year, r.score, *(r.dimensions[d].score for d in dims)])
            for r in sorted(results, key=lambda r: (r.year, r.rank is None, r.rank or 0))
        ]
        headers = [text(h, lang) for h in ("entity", "year", "score")] + dims
        parts.append(f"<h3>{escape(text('dimensions', lang))}</h3>" + _table(headers, rows))
    if len(years) > 1:
        series: dict[str, list[tuple[int, float | None]]] = {}
        for r in sorted(results, key=lambda r: (natural(r.entity), r.year)):
            series.setdefault(r.entity, []).append((r.year, r.score))
        trends = {e: pts for e, pts in series.items() if len(pts) > 1}
        if trends:
            parts.append(line_chart(trends, f"{name} {text('trend', lang)}"))
    return "".join(parts)


def _compliance(blocks: Sequence[ComplianceResult], lang: str) -> str:
    parts = []
    for block in blocks:
        rules = list(dict.fromkeys(r.rule for r in block.results()))
        cells: dict[tuple[str, int], dict[str, str]] = {}
        for r in block.results():
            cells.setdefault((r.entity, r.year), {})[r.rule] = r.status
        verdicts = {(v.entity, v.year): v.verdict for v in block.verdicts()}
        rows = []
        for entity, year in sorted(cells, key=lambda k: (natural(k[0]), k[1])):
            mine = cells[(entity, year)]
            tds = _td(entity) + _td(year)
            for rule in rules:
                status = mine.get(rule)
                shown = STATUS_ZH.get(status, status) if lang == "zh" and status else status
                tds += _td(shown or "", _STATUS_CLASS.get(status or "", ""))
            tds += _td(verdicts.get((entity, year), ""))
            rows.append(f"<tr>{tds}</tr>")
        headers = [text("entity", lang), text("year", lang), *rules, text("verdict", lang)]
        parts.append(f"<h2>{escape(text('Compliance', lang) + colon(lang) + block.name)}</h2>")
        parts.append(_table(headers, rows))
    return "".join(parts)


def html_document(result: Result) -> str:
    lang, sections = output_options(result)
    body = []
    if "summary" in sections:
        body.append(_summary(result, lang))
    if "findings" in sections:
        body.append(_findings(result, lang))
        for title, headers, rows in result_sections(result):
            body.append(f"<h2>{escape(title)}</h2>" + _table(headers, [_tr(row) for row in rows]))
    if "scores" in sections:
        body += [_scorecard(card, lang) for card in result.scorecards]
    if "compliance" in sections:
        body.append(_compliance(result.compliance, lang))
    script = f"<script>{_SCRIPT}</script>" if "findings" in sections else ""
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>vqr-score</title><style>{_STYLE}</style></head>"
        f"<body><h1>vqr-score</h1>{''.join(body)}{script}</body></html>\n"
    )


def write_html(result: Result, out: IO[bytes]) -> None:
    out.write(html_document(result).encode("utf-8"))


def register_writers(register: Callable[[Writer], None]) -> None:
    register(
        Writer(
            "html",
            "one self-contained HTML page: summary, findings, score charts, compliance",
            write_html,
            suffixes=(".html", ".htm"),
        )
    )
