"""Units: the form they are compared in, conversions between scales, counts and percentages, 名称（单位）."""

from __future__ import annotations

import re
import unicodedata

PERCENT = "%"

_SYNONYMS = {"m2": "平方米", "㎡": "平方米", "万m2": "万平方米"}
# Units printed at another scale: the factor from the first to the second.
_SCALES = {
    ("元", "万元"): 1e-4,
    ("册", "万册"): 1e-4,
    ("平方米", "万平方米"): 1e-4,
    ("人", "万人"): 1e-4,
}
# Scale words a unit printed in prose may open with (10.4 万人次), and what they multiply by.
_SCALE_WORDS = {"万": 1e4, "亿": 1e8}
# A unit in brackets after a name, in full-width or ASCII brackets: 年财政专项拨款（元）, 在校生数(人).
_BRACKETED = re.compile(r"^(?P<name>.+?)\s*[(（]\s*(?P<unit>[^()（）\s][^()（）]*?)\s*[)）]$")


def normalize_unit(unit: str) -> str:
    """The form units are compared in: NFKC (full-width to ASCII, so ``：``
    and ``:`` alike), no spaces, case folded, and ㎡, m² and 平方米 alike."""
    s = unicodedata.normalize("NFKC", "".join(unicodedata.normalize("NFKC", unit).lower().split()))
    return _SYNONYMS.get(s, s)


# Units of things counted one by one: their figures are whole and exact.
COUNT_UNITS = frozenset(normalize_unit(u) for u in ("人", "个", "门", "所", "项", "本", "部", "台", "人次"))


def is_count(unit: str) -> bool:
    """Whether figures in ``unit`` count things one by one (人, 个, 人次 …)."""
    return normalize_unit(unit) in COUNT_UNITS


def is_percent(unit: str) -> bool:
    return normalize_unit(unit) == PERCENT


def unit_factor(given: str, wanted: str) -> float | None:
    """What a value in unit ``given`` is multiplied by to be in ``wanted``:
    1 for the same unit, 1e-4 for 元 → 万元 (and back), None when the two
    cannot be converted."""
    a, b = normalize_unit(given), normalize_unit(wanted)
    if a == b:
        return 1.0
    if (a, b) in _SCALES:
        return _SCALES[(a, b)]
    if (b, a) in _SCALES:
        return 1 / _SCALES[(b, a)]
    return None


def prose_factor(printed: str, wanted: str) -> float | None:
    """What a figure printed in prose in unit ``printed`` is multiplied by to
    be in ``wanted``: a known conversion, or a scale word (10.4 万人次 for
    人次); 1 when either is missing and for measure words alike in kind
    (4371 人 for 人次, 12 项 for 个); None when the unit cannot be the wanted
    one (a percentage for a count, 万元 for 人)."""
    if not printed or not wanted:
        return 1.0
    factor = unit_factor(printed, wanted)
    if factor is not None:
        return factor
    given, want = normalize_unit(printed), normalize_unit(wanted)
    for scale, times in _SCALE_WORDS.items():
        if given == scale + want:
            return times
        if want == scale + given:
            return 1 / times
    if given[:1] in _SCALE_WORDS or want[:1] in _SCALE_WORDS:
        return None
    percent = {given == PERCENT, want == PERCENT}
    ratio = {given.startswith(":"), want.startswith(":")}
    return None if len(percent) > 1 or len(ratio) > 1 else 1.0


def with_unit(name: str, unit: str | None, brackets: tuple[str, str] = ("（", "）")) -> str:
    """``name（unit）`` as tables print a name with its unit (专任教师数（人）);
    ``name`` alone without a unit.  ``brackets`` spells them otherwise (ASCII)."""
    return f"{name}{brackets[0]}{unit}{brackets[1]}" if unit else name


def split_unit(text: str, longest: int | None = None) -> tuple[str, str | None]:
    """A printed name and the unit in brackets at its end, in either kind of
    bracket: ``教学用计算机（终端）总数（台）`` → (``教学用计算机（终端）总数``,
    ``台``), ``在校生数 (人)`` → (``在校生数``, ``人``); ``(text, None)`` without
    one, or when the bracket holds more than ``longest`` characters (a
    bracket such as （教发〔2004〕2号） then stays part of the name)."""
    text = text.strip()
    match = _BRACKETED.match(text)
    if match is None or (longest is not None and len(match["unit"]) > longest):
        return text, None
    return match["name"], match["unit"]
