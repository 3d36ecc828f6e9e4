"""Reading one printed cell: a number, a placeholder, or garbage.

Reports print ``1,234``, ``17.25%``, ``12.4:1``, full-width digits, and
``—``/``——``/blank for "not reported".  Every reader parses cells here so a
cell means the same thing in every format.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Literal

import attrs

CellKind = Literal["number", "placeholder", "garbage"]

PLACEHOLDERS = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "暂无", "n/a", "na", "null", "none"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_WIDTH_FORMS = ("<wide>", "<narrow>", "<noBreak>")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@attrs.frozen
class Cell:
    kind: CellKind
    value: float | None
    raw: str


def _fold_width(text: str) -> str:
    """Full-width digits and signs (１２３４, ％, ：) as ASCII.  Only width is
    folded: full NFKC would read the footnote mark of ``1234①`` or ``1234¹``
    as a fifth digit."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if unicodedata.decomposition(ch).startswith(_WIDTH_FORMS) else ch
        for ch in text
    )


def parse_cell(raw: object) -> Cell:
    """Parse a printed cell.  ``value`` is set only for ``kind == "number"``."""
    if raw is None:
        return Cell("placeholder", None, "")
    if isinstance(raw, bool):
        return Cell("garbage", None, str(raw))
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond float range
            return Cell("garbage", None, str(raw)[:40])
        return Cell("number", value, str(raw)) if math.isfinite(value) else Cell("garbage", None, str(raw))
    text = str(raw)
    s = _fold_width(text).strip().replace(" ", "")
    if s.lower() in PLACEHOLDERS or set(s) <= {"-", "—", "–"}:
        return Cell("placeholder", None, text.strip())
    if s.endswith("%"):
        s = s[:-1]
    elif s.endswith(":1"):  # a ratio printed as 12.4:1
        s = s[:-2]
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if _NUMBER.match(s):
        value = float(s)
        if math.isfinite(value):
            return Cell("number", value, text.strip())
    return Cell("garbage", None, text.strip())
