"""Matching the names reports print: one normal form, and did-you-mean."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_QUOTES = str.maketrans({c: '"' for c in "“”„‟\"'‘’「」『』"})
_DASHES = re.compile(r"[—–―‐‑‒−－-]+")
_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"^(其中)[:：]?")


def normalize_name(text: str) -> str:
    """The form names are compared in: NFKC (full-width to ASCII), no spaces,
    one kind of quote and dash, without a leading 其中：."""
    s = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    s = _SPACE.sub("", s)
    s = _DASHES.sub("-", s)
    return _LEAD.sub("", s)


def normalize_unit(unit: str) -> str:
    """The form units are compared in: ``：`` and ``:`` alike, ㎡, m² and
    平方米 alike, case folded."""
    s = unicodedata.normalize("NFKC", unit).strip().lower().replace("²", "2")
    return _UNIT_SYNONYMS.get(s, s)


_UNIT_SYNONYMS = {"m2": "平方米", "㎡": "平方米", "万m2": "万平方米"}
# Units printed at another scale: the factor from the first to the second.
_UNIT_SCALES = {
    ("元", "万元"): 1e-4,
    ("册", "万册"): 1e-4,
    ("平方米", "万平方米"): 1e-4,
    ("人", "万人"): 1e-4,
}


def unit_factor(given: str, wanted: str) -> float | None:
    """What a value in unit ``given`` is multiplied by to be in ``wanted``:
    1 for the same unit, 1e-4 for 元 → 万元 (and back), None when the two
    cannot be converted."""
    a, b = normalize_unit(given), normalize_unit(wanted)
    if a == b:
        return 1.0
    if (a, b) in _UNIT_SCALES:
        return _UNIT_SCALES[(a, b)]
    if (b, a) in _UNIT_SCALES:
        return 1 / _UNIT_SCALES[(b, a)]
    return None


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """`` (did you mean: a, b?)`` or an empty string when nothing is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        norm = {normalize_name(c): c for c in pool}
        close = [norm[m] for m in difflib.get_close_matches(normalize_name(word), norm, n, 0.5)]
    return f" (did you mean: {', '.join(close)}?)" if close else ""
