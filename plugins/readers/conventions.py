"""What every reader decides the same way: empty inputs, years, levels.

An empty file is an error, an input that yields no cell at all is a
warning, a year is a whole number in a sane range (anything else is a typo
or a misread cell, never truncated or guessed), and a level is 高职 or 中职,
however it is written."""

from __future__ import annotations

import re
import unicodedata

from vqr_metrics.collect import Collector
from vqr_metrics.config import FIRST_YEAR, LAST_YEAR, LEVELS
from vqr_metrics.errors import InputError, shown
from vqr_metrics.model import Finding, Provenance

_YEAR_TEXT = re.compile(r"^(?P<year>\d{4})(?:\.0*)?(?:年度?)?$")
# How a level is written (in a cell, or within a report title) → the level.
LEVEL_WORDS = {"高等职业": "高职", "高职": "高职", "中等职业": "中职", "中职": "中职"}
# How a school's name ends → its level (职业技术学院 is 高职; 职业技术学校 is 中职).
_SCHOOL_LEVELS = {
    "职业技术大学": "高职",
    "职业大学": "高职",
    "职业技术学院": "高职",
    "职业学院": "高职",
    "高等专科学校": "高职",
    "中等职业学校": "中职",
    "中等专业学校": "中职",
    "职业技术学校": "中职",
    "职业高级中学": "中职",
    "职业中学": "中职",
    "职业中专": "中职",
    "技工学校": "中职",
    "职业教育中心": "中职",
    "职教中心": "中职",
}


def require_content(path: str, content: str | bytes) -> None:
    """A file of nothing but whitespace is one error, in every format."""
    if not content.strip():
        raise InputError(f"input {path}: the file is empty")


def note_skipped(collect: Collector, skipped: int) -> None:
    """A written result read back: its derived and imputed values are computed again, not read."""
    if skipped:
        path = collect.spec.path
        collect.note(
            Finding(
                "info",
                "derived_skipped",
                f"{path}: {skipped} derived or imputed values skipped; they are computed, not read",
                provenance=(Provenance(path),),
            )
        )


def warn_if_nothing_read(collect: Collector, why: str) -> None:
    """A file with content that yields no cell at all is a warning (other
    inputs of the run still count)."""
    if collect.cells == 0:
        path = collect.spec.path
        collect.note(
            Finding(
                "warning",
                "no_tables",
                f"{path}: no figures read: {why}",
                provenance=(Provenance(path),),
            )
        )


def parse_year(value: object) -> int | None:
    """``2023``, ``2023.0``, ``"2023"``, ``"2023年度"`` → 2023; ``None`` for
    anything that is not a whole year from FIRST_YEAR to LAST_YEAR."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        match = _YEAR_TEXT.match(unicodedata.normalize("NFKC", value).strip().replace(" ", ""))
        value = int(match["year"]) if match else None
    if isinstance(value, int) and FIRST_YEAR <= value <= LAST_YEAR:
        return value
    return None


def year_error(year: object) -> str:
    return f"year {shown(year, 40)} is not a year (a whole number from {FIRST_YEAR} to {LAST_YEAR})"


def parse_level(text: str) -> str | None:
    """``高职``, ``高等职业`` or ``高等职业教育`` → 高职 (likewise 中职);
    ``None`` for anything else."""
    word = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    return LEVEL_WORDS.get(word.removesuffix("教育"))


def school_level(name: str) -> str | None:
    """The level a school's name says (内蒙古机电职业技术学院 → 高职); ``None``
    for a region or a name that does not say."""
    name = unicodedata.normalize("NFKC", name).strip()
    return next((level for end, level in _SCHOOL_LEVELS.items() if name.endswith(end)), None)


def level_error(text: str) -> str:
    return f"level {text!r} is not {' or '.join(LEVELS)} (or 高等职业/中等职业)"
