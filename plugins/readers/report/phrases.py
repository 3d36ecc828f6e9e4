"""Numeric phrases of a report's prose matched to indicators and metrics: the report's statements.

The statements are a :data:`vqr_metrics.statements.STATEMENTS` table.

A phrase's name is matched by the names, aliases and qualified labels the
catalog knows, as printed or in the variants reports print (国（境）外 for
国外, …总数 for …数, 教职工 for 教职工总数), on the whole name or its end
(全区各高职院校教学用科研及辅助用房总面积 names 教学用科研及辅助用房面积).
A short name that names nothing takes its subject from the phrase before it
in the paragraph (``应届毕业生满意度 94.53%，调查人次 4371 人``, ``毕业去向落实人数
7093 人，落实率 99.26%``).  A name several indicators print (在校生数 of which
table, 专业数量 of which row) is told apart by the phrase before it — a
sibling or child of its subject — then by the words it shares with the
printed name and the section heading; if that leaves more than one, the
phrase matches nothing.  A figure whose unit cannot be the indicator's (a
percentage for a count) matches nothing either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

import pyarrow as pa

from vqr_metrics.catalog import Catalog
from vqr_metrics.model import Indicator
from vqr_metrics.names import normalize_name
from vqr_metrics.statements import STATEMENTS
from vqr_metrics.units import prose_factor

from .prose import Phrase

_ABROAD = re.compile(r"[(（]境[)）]")
_TOTAL = re.compile(r"总(数|面积)$")
# What a name cut short of its measure word may end in (教职工 → 教职工总数).
_COUNT_ENDINGS = ("数", "人数", "总数")
_MEASURED = re.compile(r"(?:数|率|额|量|值|比|比例|面积|收入|经费|时间|人次)$")
# A name shorter than this is never looked up on its own (其中, 全区, 新增).
_MIN_NAME = 3


class NameIndex:
    """Every name, alias and qualified label of the catalog's indicators and
    metrics, in normal form, to the canonical keys printed under it (each
    with the key of the row that prints it, whose label the outputs show)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.keys: dict[str, dict[str, str]] = {}
        items: list[tuple[str, Sequence[str]]] = [
            (k, (i.name, *i.aliases)) for k, i in catalog.indicators.items()
        ]
        items += [(k, (m.name,)) for k, m in catalog.metrics.items()]
        for key, names in items:
            for name in (*names, catalog.label(key)):
                self.keys.setdefault(normalize_name(name), {}).setdefault(catalog.canonical(key), key)

    def lookup(self, name: str) -> dict[str, str]:
        """The keys a name (or one of its printed variants) names."""
        base = _ABROAD.sub("", normalize_name(name))
        variants = [base, _TOTAL.sub(r"\1", base)]
        if not _MEASURED.search(base):
            variants += [base + ending for ending in _COUNT_ENDINGS]
        for variant in variants:
            if len(variant) >= _MIN_NAME and variant in self.keys:
                return self.keys[variant]
        return {}


def match_phrases(
    phrases: Sequence[Phrase],
    catalog: Catalog,
    entity: str | None,
    report_year: int | None,
    file: str,
) -> pa.Table:
    """The statements of a report: one row per phrase, ``key`` null where
    the phrase matches no indicator."""
    index = NameIndex(catalog)
    columns: dict[str, list[object]] = {name: [] for name in STATEMENTS.names}
    subject: str | None = None  # the key the last phrase of the paragraph matched
    paragraph = -1
    for phrase in phrases:
        if phrase.paragraph != paragraph:
            subject, paragraph = None, phrase.paragraph
        key, own = _match(index, phrase, subject)
        factor = prose_factor(phrase.unit, catalog.get(key).unit) if key is not None else None
        if factor is None:
            key = own = None
        places = len(phrase.raw.partition(".")[2])
        value = float(phrase.raw) * (factor or 1.0)
        row = {
            "entity": entity,
            "year": phrase.year if phrase.year is not None else report_year,
            "key": key,
            "label": catalog.label(own) if own is not None else None,
            "name": phrase.name,
            "value": value,
            "raw": phrase.raw,
            "unit": phrase.unit,
            "step": 0.5 / 10.0**places * (factor or 1.0),
            "file": file,
            "line": phrase.line,
            "sentence": phrase.sentence,
            "section": phrase.section,
        }
        for name, item in row.items():
            columns[name].append(item)
        subject = key if key is not None else subject
    return pa.table(columns, schema=STATEMENTS)


def _match(index: NameIndex, phrase: Phrase, subject: str | None) -> tuple[str | None, str | None]:
    """The canonical key a phrase names and the key of the row printing it."""
    name = normalize_name(phrase.name)
    found = index.lookup(name)
    if not found and subject is not None:
        found = _follow_up(index, name, subject)
    start = 1
    while not found and len(name) - start >= _MIN_NAME - 1:
        found = index.lookup(name[start:])
        start += 1
    keys = set(found)
    if len(keys) > 1:
        keys = _tell_apart(index.catalog, keys, subject, name + normalize_name(phrase.section))
    if len(keys) != 1:
        return None, None
    (key,) = keys
    return key, found[key]


def _follow_up(index: NameIndex, name: str, subject: str) -> dict[str, str]:
    """``调查人次`` after 应届毕业生满意度, ``落实率`` after 毕业去向落实人数: the
    subject's name, or its start, before the name."""
    printed = normalize_name(index.catalog.get(subject).name)
    for cut in range(len(printed), 1, -1):
        found = index.keys.get(printed[:cut] + name)
        if found:
            return found
    return {}


def _tell_apart(catalog: Catalog, keys: set[str], subject: str | None, context: str) -> set[str]:
    """Among keys sharing a name: the subject's children or siblings, else
    those whose label shares the most with the printed name and heading."""
    if subject is not None:
        parent = _parent(catalog, subject)
        near = {k for k in keys if _parent(catalog, k) in ({subject, parent} - {None})}
        keys = near or keys
    if len(keys) <= 1:
        return keys
    score = {k: _shared(catalog.label(k), context) for k in keys}
    best = max(score.values())
    return {k for k, s in score.items() if s == best}


def _parent(catalog: Catalog, key: str) -> str | None:
    item = catalog.get(key)
    return catalog.canonical(item.parent) if isinstance(item, Indicator) and item.parent else None


def _shared(label: str, context: str) -> int:
    """The longest run of characters a label shares with the context."""
    a, b = normalize_name(label), context
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size
