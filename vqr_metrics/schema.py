"""One schema language for every config file: keys with type, required, default, choices and meaning.

Config files, declarative indicator files, scorecards and compliance rule
files are each described once as :class:`Section` objects (derived from the
attrs class a section maps onto, where there is one); :func:`validate` checks
a parsed table against its section with one-line, did-you-mean errors, and
:func:`reference` prints the docs' key tables from the same description.
What is not structure (a metric name resolving, a number's range, "threshold
or thresholds") stays with the parsers.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .errors import ConfigError
from .model import Indicator, Metric, Table
from .names import did_you_mean

Types = type | tuple[type, ...]


class _Unset:
    """The default of a key without one: absent means not given (or, if required, an error)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@attrs.frozen
class Key:
    """One key of a section.  ``kind`` is its type (or types), ``item`` that
    of a list's items (dict: an array of tables) and ``noun`` what one item
    is called in messages; ``section`` holds the keys of a table or of each
    entry of an array of tables."""

    name: str
    kind: Types
    doc: str
    required: bool = False
    default: Any = UNSET
    choices: tuple[str, ...] = ()
    item: type | None = None
    noun: str = "value"
    section: Section | None = None


@attrs.frozen
class Section:
    """The keys of one table of a file, as the docs head it (``title``).
    ``top`` marks a file's top level, whose keys messages name bare; an
    ``open`` section also takes other keys (options its plugins check)."""

    title: str
    keys: tuple[Key, ...]
    top: bool = False
    open: bool = False

    def names(self) -> list[str]:
        return [k.name for k in self.keys]

    def __getitem__(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)

    def defaults(self) -> dict[str, Any]:
        """What each key with a default means when absent."""
        return {k.name: k.default for k in self.keys if k.default is not UNSET}

    def extended(self, title: str, *keys: Key, without: Sequence[str] = ()) -> Section:
        """This section's keys (less ``without``) and then ``keys``, under another title."""
        kept = tuple(k for k in self.keys if k.name not in without)
        return Section(title, (*kept, *keys), self.top, self.open)


def from_attrs(cls: type, title: str, docs: Mapping[str, str], **overrides: Mapping[str, Any]) -> Section:
    """A section whose keys are fields of the attrs class ``cls``: the ones
    ``docs`` gives a meaning, in its order, with type and default from the
    class (a field without a default is required); ``overrides`` sets other
    attributes of a key (choices, noun, section, …)."""
    hints = typing.get_type_hints(cls)
    fields = attrs.fields_dict(cls)
    keys = []
    for name, doc in docs.items():
        kind, item, choices = _kind(hints[name])
        default = fields[name].default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()  # type: ignore[union-attr]
        required = default is attrs.NOTHING
        given: dict[str, Any] = {"name": name, "kind": kind, "doc": doc, "required": required}
        given |= {"default": UNSET if required else default, "item": item, "choices": choices}
        keys.append(Key(**{**given, **overrides.get(name, {})}))
    return Section(title, tuple(keys))


def _kind(hint: Any) -> tuple[Types, type | None, tuple[str, ...]]:
    """The TOML type of a field's annotation, its items' type and its choices (a Literal's values)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (hint,) = [a for a in args if a is not type(None)]
        return _kind(hint)
    if origin is typing.Literal:
        return str, None, tuple(args)
    if origin is tuple:
        return list, args[0] if args[-1] is Ellipsis and isinstance(args[0], type) else None, ()
    if origin in (Mapping, dict) or hint is dict:
        return dict, None, ()
    return hint, None, ()


def validate(
    raw: Mapping[str, Any], section: Section, where: str, source: str, extra: Sequence[str] = ()
) -> None:
    """Reject unknown keys (with did-you-mean; ``extra`` names keys allowed
    besides the section's, of any type), missing required keys, values of the
    wrong type and values outside their choices, naming the place and the file."""
    allowed = [*section.names(), *extra]
    for name in () if section.open else raw:
        if name not in allowed:
            raise ConfigError(f"{source}: unknown key {name!r} in {where}{did_you_mean(str(name), allowed)}")
    for key in section.keys:
        if key.name in raw:
            _check(raw[key.name], key, key.name if section.top else f"{where}.{key.name}", source)
        elif key.required:
            raise ConfigError(f"{source}: {where} needs a {key.name!r}")


def validate_tree(raw: Mapping[str, Any], section: Section, where: str, source: str) -> None:
    """:func:`validate` of a table and of every table and array of tables
    below it that its section describes; an entry is named ``key #n``, below
    the top level ``where.key #n``, a table below the top ``where.key``."""
    validate(raw, section, where, source)
    for key in section.keys:
        if key.section is None or key.name not in raw:
            continue
        place = key.name if section.top else f"{where}.{key.name}"
        if key.item is dict:
            for n, entry in enumerate(entries(raw, key.name, source), 1):
                validate_tree(entry, key.section, f"{place} #{n}", source)
        else:
            validate_tree(raw[key.name], key.section, key.section.title if section.top else place, source)


def _check(value: Any, key: Key, place: str, source: str) -> None:
    if key.item is dict:
        if not isinstance(value, Mapping) and not (
            isinstance(value, list) and all(isinstance(v, Mapping) for v in value)
        ):
            shown = key.section.title if key.section else f"[[{key.name}]]"
            raise ConfigError(f"{source}: {place} must be an array of tables ({shown})")
        return
    if key.kind is dict:
        if not isinstance(value, Mapping):
            shown = key.section.title if key.section else f"[{key.name}]"
            raise ConfigError(f"{source}: {place} must be a table ({shown})")
        return
    kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
    if not _is(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise ConfigError(f"{source}: {place} must be a {names}, not {type(value).__name__}")
    values = value if isinstance(value, list) else [value]
    if key.item is not None and isinstance(value, list) and not all(_is(v, (key.item,)) for v in value):
        raise ConfigError(f"{source}: {place} must be a list of {_PLURALS[key.item]}")
    for one in values if key.choices else ():
        if one not in key.choices:
            known, hint = ", ".join(key.choices), did_you_mean(str(one), key.choices)
            if isinstance(value, list):
                raise ConfigError(f"{source}: {place}: unknown {key.noun} {one!r}; known: {known}{hint}")
            raise ConfigError(f"{source}: {place} must be one of {known}, not {one!r}{hint}")


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    """TOML's view of types: a bool is no number, an integer is a float."""
    if isinstance(value, bool) and bool not in kinds:
        return False
    return isinstance(value, kinds) or (float in kinds and isinstance(value, int))


_PLURALS = {str: "strings", int: "whole numbers", float: "numbers", bool: "booleans", dict: "tables"}
_TYPE_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "table", object: "any"}


def entries(data: Mapping[str, Any], key: str, source: str) -> list[Mapping[str, Any]]:
    """``[[key]]`` entries as a list of tables (a single table is accepted)."""
    value = data.get(key, [])
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f"{source}: {key} must be an array of tables ([[{key}]])")
    return list(value)


def reference(section: Section) -> str:
    """The Markdown table the docs show for ``section``: key, type, default, meaning."""
    lines = [f"`{section.title}`:", "", "| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for key in section.keys:
        lines.append(f"| `{key.name}` | {_type_text(key)} | {_default_text(key)} | {key.doc} |")
    return "\n".join(lines)


def _type_text(key: Key) -> str:
    if key.section is not None:
        return f"`{key.section.title}`" if key.kind is dict else f"array of `{key.section.title}`"
    if key.item is dict:
        return "array of tables"
    kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
    text = " or ".join("list" if k is list else _TYPE_NAMES[k] for k in kinds)
    if key.item is not None:
        text = f"list of {_PLURALS[key.item]}"
    if key.choices:
        text = f"{text}: {', '.join(f'`{c}`' for c in key.choices)}"
    return text


def _default_text(key: Key) -> str:
    if key.required:
        return "required"
    if key.default is UNSET or key.default is None:
        return ""
    value = list(key.default) if isinstance(key.default, tuple) else key.default
    return f"`{json.dumps(value, ensure_ascii=False)}`"


_BLOCK = re.compile(r"(<!-- keys: (\S+) -->\n).*?(<!-- /keys -->)", re.S)


def refresh(text: str, sections: Mapping[str, Sequence[Section]]) -> str:
    """``text`` (Markdown) with each block between ``<!-- keys: NAME -->`` and
    ``<!-- /keys -->`` replaced by the key tables of ``sections[NAME]``."""

    def block(match: re.Match[str]) -> str:
        tables = "\n\n".join(reference(s) for s in sections[match[2]])
        return f"{match[1]}\n{tables}\n\n{match[3]}"

    return _BLOCK.sub(block, text)


# The declarative format: files in ``[plugins] files`` and a config's own tables, indicators, metrics.
_SINCE = "the first year it applies to (empty: always)"
_UNTIL = "the last year it applies to (empty: still)"
_ROW_DOCS = {
    "key": "stable ASCII key",
    "name": "the Chinese name as printed",
    "unit": "the unit as printed (人, 万元, % …)",
    "aliases": "other names it is printed under",
    "parent": "key of the row it is part of",
    "relation": "how it relates to its parent: its parts add up to it, overlap, or count another unit",
    "same_as": "key of an indicator of another table that reports the same quantity",
    "column": "the extra column of the parent row it is printed in (e.g. 调查人次)",
    "since": _SINCE,
    "until": _UNTIL,
    "description": "free text",
}
DECLARATIVE_ROW = Section(
    "[[tables.rows]]",
    (
        Key("no", (str, int), "the 序号 as printed (1, 1.1, （一） …)"),
        *from_attrs(Indicator, "", _ROW_DOCS).keys,
    ),
)
DECLARATIVE_TABLE = from_attrs(
    Table,
    "[[tables]]",
    {
        "key": "stable ASCII key",
        "name": "the table's name as printed",
        "rows": "its rows in printed order",
        "aliases": "other names it is printed under (captions such as 计分卡)",
        "text_columns": "columns that hold words, not figures (调查方式); readers skip them",
        "since": _SINCE,
        "until": _UNTIL,
        "description": "free text",
    },
    rows={"required": False, "default": (), "item": dict, "section": DECLARATIVE_ROW},
)
DECLARATIVE_INDICATOR = DECLARATIVE_ROW.extended(
    "[[indicators]]", *from_attrs(Indicator, "", {"table": "key of its table"}).keys
)
DECLARATIVE_METRIC = from_attrs(
    Metric,
    "[[metrics]]",
    {
        "key": "stable ASCII key",
        "name": "the Chinese name",
        "formula": "arithmetic over indicator and metric names, aliases or keys",
        "unit": "its unit",
        "table": "key of the table it belongs to",
        "description": "free text",
        "bounds": "[low, high]: the range a correct result falls in (-inf or inf for an open side)",
        "since": _SINCE,
        "until": _UNTIL,
    },
    bounds={"default": None},
)
DECLARATIVE_FILE = Section(
    "indicator file",
    (
        Key("tables", list, "tables and their rows", item=dict, section=DECLARATIVE_TABLE),
        Key(
            "indicators",
            list,
            "free-standing indicators (or rows of a table)",
            item=dict,
            section=DECLARATIVE_INDICATOR,
        ),
        Key("metrics", list, "metrics computed by formula", item=dict, section=DECLARATIVE_METRIC),
    ),
    top=True,
)
