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


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """`` (did you mean: a, b?)`` or an empty string when nothing is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        norm = {normalize_name(c): c for c in pool}
        close = [norm[m] for m in difflib.get_close_matches(normalize_name(word), norm, n, 0.5)]
    return f" (did you mean: {', '.join(close)}?)" if close else ""
