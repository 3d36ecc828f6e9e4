"""A small SVG chart renderer for the HTML output: ranked horizontal bars and year-over-year lines.

Labels are SVG ``<text>``, so Chinese renders in the reader's own fonts and
stays searchable; every chart is an ``<svg class="chart">`` that needs no
script or network.  Text is escaped; a NaN or missing value draws no mark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from wcwidth import wcswidth

PALETTE = ("#4472c4", "#ed7d31", "#70ad47", "#ffc000", "#5b9bd5", "#a5a5a5", "#9e480e", "#264478")
_FONT = 13  # px; a Chinese character is about this wide, a Latin one half
_ROW = 24


def _text_width(text: str) -> float:
    return max(wcswidth(text), len(text)) * _FONT * 0.55


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _label(x: float, y: float, text: str, anchor: str = "start", size: int = _FONT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'dominant-baseline="middle">{escape(text)}</text>'
    )


def bar_chart(items: Sequence[tuple[str, float | None]], title: str, width: int = 720) -> str:
    """Horizontal bars, one per ``(label, value)`` in the order given (rank
    order), scaled to the largest value; the value is printed after its bar."""
    shown = [(label, v) for label, v in items if v is not None and math.isfinite(v)]
    left = max([_text_width(label) for label, _ in shown] + [40]) + 12
    top = 28
    height = top + _ROW * max(len(shown), 1) + 8
    room = width - left - 70
    peak = max([abs(v) for _, v in shown] + [1e-12])
    body = [_label(0, 12, title, size=_FONT + 1)]
    for i, (label, value) in enumerate(shown):
        y = top + i * _ROW
        length = max(1.0, room * abs(value) / peak)
        body.append(_label(left - 8, y + _ROW / 2, label, anchor="end"))
        body.append(
            f'<rect class="bar" x="{left:.1f}" y="{y + 4:.1f}" width="{length:.1f}" height="{_ROW - 8}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:.2f}</title></rect>'
        )
        body.append(_label(left + length + 6, y + _ROW / 2, f"{value:.2f}"))
    return _svg(width, height, title, body)


def line_chart(series: Mapping[str, Sequence[tuple[int, float | None]]], title: str, width: int = 720) -> str:
    """One line per series over the years, with a point and value at each year."""
    points = {
        name: [(x, y) for x, y in pts if y is not None and math.isfinite(y)] for name, pts in series.items()
    }
    xs = sorted({x for pts in points.values() for x, _ in pts})
    ys = [y for pts in points.values() for _, y in pts]
    legend = max([_text_width(name) for name in points] + [40]) + 24
    left, top, bottom, height = 48.0, 48.0, 28.0, 280.0
    plot_w, plot_h = width - left - legend - 16, height - top - bottom
    low, high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if high - low < 1e-12:
        low, high = low - 1, high + 1

    def x_of(x: int) -> float:
        return left + (plot_w * xs.index(x) / (len(xs) - 1) if len(xs) > 1 else plot_w / 2)

    def y_of(y: float) -> float:
        return top + plot_h * (high - y) / (high - low)

    body = [_label(0, 12, title, size=_FONT + 1)]
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>'
    )
    for x in xs:
        body.append(_label(x_of(x), top + plot_h + 16, str(x), anchor="middle"))
    for i, (name, pts) in enumerate(points.items()):
        colour = PALETTE[i % len(PALETTE)]
        coords = " ".join(f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in pts)
        body.append(
            f'<polyline class="line" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for x, y in pts:
            body.append(f'<circle cx="{x_of(x):.1f}" cy="{y_of(y):.1f}" r="3" fill="{colour}"/>')
            body.append(_label(x_of(x) + 5, y_of(y) - 9, f"{y:.2f}", size=_FONT - 2))
        ly = top + i * _ROW
        body.append(
            f'<rect x="{width - legend:.1f}" y="{ly + 6:.1f}" width="12" height="12" fill="{colour}"/>'
        )
        body.append(_label(width - legend + 18, ly + 12, name))
    return _svg(width, height, title, body)
