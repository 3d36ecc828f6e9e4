"""Compliance rule files: thresholds by school type, proxies and the verdict ladder, parsed and validated.

A rule names one or more metrics (the first an entity reported wins, e.g.
the printed ratio before the recomputed one), a comparison and a threshold,
either one for every school or one per school type (综合/师范/… from the
config).  :mod:`.compliance` applies the parsed rule sets to a dataset.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..catalog import Catalog
from ..config import LEVELS, read_toml
from ..dataset import Dataset, Mask
from ..errors import ConfigError, FormulaError
from ..names import did_you_mean
from ..schema import Key, Section, entries, from_attrs, validate

# On floats, or elementwise on arrays.
OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_OP_ALIASES = {"≤": "<=", "≥": ">="}
_TYPE_SEPARATORS = re.compile(r"[/、,，]")
UNDETERMINED = "未能判定"
# proxy -> the ops for which the bound can prove a pass; for the other ops it can only prove a
# failure.  A lower bound (the standard's value is at least the reported one) that meets ">= t"
# proves a pass; one that breaks "<= t" proves a failure; the other outcomes prove nothing.
PROXIES: dict[str, frozenset[str]] = {
    "lower_bound": frozenset({">=", ">"}),
    "upper_bound": frozenset({"<=", "<"}),
}


@attrs.frozen
class Rule:
    id: str
    name: str
    keys: tuple[str, ...]
    op: str
    threshold: float | None
    thresholds: Mapping[str, float]  # school type -> threshold
    counts: bool
    source: str
    note: str
    proxy: str | None = None
    # The proxy applies only where the metric used rests on one of these
    # inputs and it is missing (a fallback denominator, e.g. 全日制 for 折合在校生数).
    proxy_when_missing: tuple[str, ...] = ()

    def proxied(self, dataset: Dataset, catalog: Catalog, key: str, rows: npt.NDArray[np.intp]) -> Mask:
        """Over ``rows``, where the value of ``key`` is a ``proxy`` of the standard's quantity."""
        if self.proxy is None or not self.proxy_when_missing:
            return np.full(len(rows), self.proxy is not None)
        used = _inputs_of(catalog, key)
        missing = [np.isnan(dataset.column(k)[rows]) for k in self.proxy_when_missing if k in used]
        return np.logical_or.reduce(missing) if missing else np.zeros(len(rows), dtype=bool)

    def proves(self, passed: Mask) -> Mask:
        """Where a proxy's outcome of the comparison holds for the quantity the
        standard means, not only for the reported value."""
        if self.proxy is None:
            return np.ones(len(passed), dtype=bool)
        return passed if self.op in PROXIES[self.proxy] else ~passed


def _inputs_of(catalog: Catalog, key: str) -> set[str]:
    """Every indicator and metric ``key`` is computed from, through metrics."""
    seen: set[str] = set()
    todo = [key]
    while todo:
        for dep in catalog.dependencies.get(todo.pop(), {}).values():
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


@attrs.frozen
class Decision:
    failed: int
    verdict: str
    card: str = ""


@attrs.frozen
class RuleSet:
    """One ``[[compliance]]`` entry with its rule file loaded."""

    name: str
    source: str
    file: str
    level: str | None
    rules: tuple[Rule, ...]
    decisions: tuple[Decision, ...]  # ascending by ``failed``, starting at 0
    type: str | None
    entities: tuple[str, ...]
    years: tuple[int, ...]

    def types(self) -> list[str]:
        return sorted({t for rule in self.rules for t in rule.thresholds})

    def decide(self, failed: int) -> Decision:
        return [d for d in self.decisions if d.failed <= failed][-1]


ENTRY = Section(
    "[[compliance]]",
    (
        Key("rules", str, "the rule file, relative to the config", required=True),
        Key("name", str, "the name shown (by default the rule file's)"),
        Key("type", str, "the school type of every entity (overrides each input's `type`)"),
        Key("entities", list, "only these entities", item=str),
        Key("years", list, "only these years", item=int),
    ),
)
RULE = Section(
    "[[rules]]",
    (
        Key("id", str, "a stable key", required=True),
        Key("name", str, "the name shown, with its unit", required=True),
        Key(
            "metric",
            (str, list),
            "a metric or indicator, or a list: the first an entity reported",
            required=True,
        ),
        Key(
            "op",
            str,
            "the comparison (≤ and ≥ are read as <= and >=)",
            required=True,
            choices=(*OPS, *_OP_ALIASES),
        ),
        Key("threshold", float, "the threshold for every school type"),
        Key("thresholds", dict, 'the threshold per school type: `{ "综合/师范" = 80, "工科" = 60 }`'),
        Key("counts", bool, "false: reported, but not counted in the verdict", default=True),
        Key("proxy", str, "the metric only bounds the standard's quantity", choices=tuple(PROXIES)),
        Key(
            "proxy_when_missing",
            list,
            "the proxy applies only where the metric rests on these and they are missing",
            item=str,
        ),
        Key("source", str, "the rule's own citation (by default the file's)", default=""),
        Key("note", str, "shown with the result", default=""),
    ),
)
DECISION = from_attrs(
    Decision,
    "[[decision]]",
    {
        "failed": "the number of failed rules from which it applies",
        "verdict": "the verdict",
        "card": "a card shown with it (黄牌, 红牌 …)",
    },
)
RULE_FILE = Section(
    "rule file",
    (
        Key("name", str, "the rule set's name", required=True),
        Key("source", str, "the citation of the standard", required=True),
        Key("description", str, "free text", default=""),
        Key(
            "level", str, "only entities of this level (entities without a level are judged)", choices=LEVELS
        ),
        Key("rules", list, "the rules", required=True, item=dict, section=RULE),
        Key(
            "decision",
            list,
            "the verdict ladder (by default one failure is 不合格)",
            item=dict,
            section=DECISION,
        ),
    ),
    top=True,
)


def parse_compliance(
    raws: tuple[Mapping[str, Any], ...], catalog: Catalog, source: str, base_dir: Path
) -> tuple[RuleSet, ...]:
    sets = []
    for n, raw in enumerate(raws, 1):
        where = f"compliance #{n}"
        validate(raw, ENTRY, where, source)
        path = Path(raw["rules"])
        path = path if path.is_absolute() else base_dir / path
        if not path.is_file():
            raise ConfigError(f"{source}: {where}.rules: rule file {path} does not exist")
        ruleset = load_rule_file(path, catalog)
        entity_type = raw.get("type")
        known = ruleset.types()
        if entity_type is not None and known and entity_type not in known:
            raise ConfigError(
                f"{source}: {where}.type {entity_type!r} has no thresholds in {ruleset.file}; "
                f"known: {', '.join(known)}{did_you_mean(entity_type, known)}"
            )
        entities, years = raw.get("entities", []), raw.get("years", [])
        sets.append(
            attrs.evolve(
                ruleset,
                name=raw.get("name", ruleset.name),
                type=entity_type,
                entities=tuple(entities),
                years=tuple(years),
            )
        )
    return tuple(sets)


def load_rule_file(path: Path, catalog: Catalog) -> RuleSet:
    """Read and validate a rule file (``configs/rules/*.toml``)."""
    source = str(path)
    data = read_toml(path, "compliance rule file")
    validate(data, RULE_FILE, "the rule file", source)
    level = data.get("level")
    rules = [
        _rule(raw, f"rules #{n}", source, catalog) for n, raw in enumerate(entries(data, "rules", source), 1)
    ]
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{source}: rule id {next(i for i in ids if ids.count(i) > 1)!r} is used twice")
    decisions = []
    for n, raw in enumerate(entries(data, "decision", source), 1):
        validate(raw, DECISION, f"decision #{n}", source)
        if raw["failed"] < 0:
            raise ConfigError(f"{source}: decision #{n}.failed must be ≥ 0")
        decisions.append(Decision(raw["failed"], raw["verdict"], raw.get("card", "")))
    if not decisions:
        decisions = [Decision(1, "不合格")]
    if len({d.failed for d in decisions}) != len(decisions):
        raise ConfigError(f"{source}: two [[decision]] entries have the same failed count")
    if all(d.failed > 0 for d in decisions):
        decisions.append(Decision(0, "合格"))
    return RuleSet(
        name=data["name"],
        source=data["source"],
        file=source,
        level=level,
        rules=tuple(rules),
        decisions=tuple(sorted(decisions, key=lambda d: d.failed)),
        type=None,
        entities=(),
        years=(),
    )


def _rule(raw: Mapping[str, Any], where: str, source: str, catalog: Catalog) -> Rule:
    if isinstance(raw.get("id"), str):
        where = f"{where} ({raw['id']})"
    validate(raw, RULE, where, source)
    names = raw["metric"] if isinstance(raw["metric"], list) else [raw["metric"]]
    if not names or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{source}: {where}.metric must be a name or a list of names (first reported wins)")
    keys = []
    for name in names:
        try:
            keys.append(catalog.resolve(name))
        except FormulaError as exc:
            raise ConfigError(f"{source}: {where}.metric: {exc}") from None
    op = _OP_ALIASES.get(raw["op"], raw["op"])
    if ("threshold" in raw) == ("thresholds" in raw):
        raise ConfigError(f"{source}: {where} needs either threshold = … or [thresholds] by school type")
    if "threshold" in raw and not math.isfinite(raw["threshold"]):
        raise ConfigError(f"{source}: {where}.threshold must be a finite number, not {raw['threshold']!r}")
    thresholds: dict[str, float] = {}
    for types, value in raw.get("thresholds", {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{source}: {where}.thresholds.{types} must be a finite number, not {value!r}")
        for school_type in filter(None, (t.strip() for t in _TYPE_SEPARATORS.split(types))):
            if school_type in thresholds:
                raise ConfigError(f"{source}: {where}.thresholds names type {school_type!r} twice")
            thresholds[school_type] = float(value)
    proxy = raw.get("proxy")
    when_missing = []
    for name in raw.get("proxy_when_missing", []):
        if proxy is None:
            raise ConfigError(f"{source}: {where}.proxy_when_missing needs a proxy = … to apply")
        try:
            when_missing.append(catalog.resolve(str(name)))
        except FormulaError as exc:
            raise ConfigError(f"{source}: {where}.proxy_when_missing: {exc}") from None
    return Rule(
        id=raw["id"],
        name=raw["name"],
        keys=tuple(dict.fromkeys(keys)),
        op=op,
        threshold=float(raw["threshold"]) if "threshold" in raw else None,
        thresholds=thresholds,
        **{k: raw.get(k, RULE[k].default) for k in ("counts", "source", "note")},
        proxy=proxy,
        proxy_when_missing=tuple(when_missing),
    )
