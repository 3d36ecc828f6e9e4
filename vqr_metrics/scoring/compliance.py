"""Compliance rule sets: thresholds from TOML files, pass/fail per rule
with the margin, and a verdict per entity and year.

A rule names one or more metrics (the first an entity reported wins, e.g.
the printed ratio before the recomputed one), a comparison and a threshold,
either one for every school or one per school type (综合/师范/… from the
config).  A rule it cannot apply — no value, no type, no threshold for the
type — is "not assessed" with a finding, never a pass.  A rule whose metric
only bounds the quantity of the standard (``proxy``) proves a pass or a
failure in one direction only; in the other its result is "inconclusive".
The verdict counts failed rules through the rule set's ``[[decision]]``
ladder; while rules are not assessed or inconclusive and could change the
verdict, it is not determined.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..catalog import Catalog
from ..config import LEVELS, check_keys, read_toml, table_list
from ..dataset import Dataset
from ..errors import ConfigError, FormulaError
from ..model import Finding
from ..names import did_you_mean
from .results import ComplianceResult
from .scope import Scope
from .untrusted import judge_untrusted

OPS: dict[str, Callable[[float, float], bool]] = {
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

_ENTRY: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "rules": (str, True),
    "name": (str, False),
    "type": (str, False),
    "entities": (list, False),
    "years": (list, False),
}
_FILE: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True),
    "source": (str, True),
    "description": (str, False),
    "level": (str, False),
    "rules": (list, True),
    "decision": (list, False),
}
_RULE: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True),
    "name": (str, True),
    "metric": ((str, list), True),
    "op": (str, True),
    "threshold": (float, False),
    "thresholds": (dict, False),
    "counts": (bool, False),
    "proxy": (str, False),
    "proxy_when_missing": (list, False),
    "source": (str, False),
    "note": (str, False),
}
_DECISION: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "failed": (int, True),
    "verdict": (str, True),
    "card": (str, False),
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

    def proxy_for(self, dataset: Dataset, catalog: Catalog, row: int, key: str) -> str | None:
        """The proxy kind of the value of ``key`` in ``row``, if it is one."""
        if self.proxy is None or not self.proxy_when_missing:
            return self.proxy
        used = _inputs_of(catalog, key)
        missing = [k for k in self.proxy_when_missing if k in used and math.isnan(dataset.column(k)[row])]
        return self.proxy if missing else None

    def proves(self, passed: bool, proxy: str | None) -> bool:
        """Whether this outcome of the comparison holds for the quantity the
        standard means, not only for the reported value."""
        if proxy is None:
            return True
        return passed == (self.op in PROXIES[proxy])


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


def parse_compliance(
    raws: tuple[Mapping[str, Any], ...], catalog: Catalog, source: str, base_dir: Path
) -> tuple[RuleSet, ...]:
    sets = []
    for n, raw in enumerate(raws, 1):
        where = f"compliance #{n}"
        check_keys(raw, _ENTRY, where, source)
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
        if not all(isinstance(e, str) for e in entities):
            raise ConfigError(f"{source}: {where}.entities must be a list of entity names")
        if not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
            raise ConfigError(f"{source}: {where}.years must be a list of years (integers)")
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
    check_keys(data, _FILE, "the rule file", source)
    level = data.get("level")
    if level is not None and level not in LEVELS:
        raise ConfigError(f"{source}: level must be one of {', '.join(LEVELS)}, not {level!r}")
    rules = [
        _rule(raw, f"rules #{n}", source, catalog)
        for n, raw in enumerate(table_list(data, "rules", source), 1)
    ]
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{source}: rule id {next(i for i in ids if ids.count(i) > 1)!r} is used twice")
    decisions = []
    for n, raw in enumerate(table_list(data, "decision", source), 1):
        check_keys(raw, _DECISION, f"decision #{n}", source)
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
    check_keys(raw, _RULE, where, source)
    where = f"{where} ({raw['id']})"
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
    if op not in OPS:
        raise ConfigError(f"{source}: {where}.op must be one of {', '.join(OPS)}, not {raw['op']!r}")
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
    if proxy is not None and proxy not in PROXIES:
        raise ConfigError(
            f"{source}: {where}.proxy must be one of {' | '.join(PROXIES)}, not {proxy!r}"
            f"{did_you_mean(proxy, PROXIES)}"
        )
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
        counts=raw.get("counts", True),
        source=raw.get("source", ""),
        note=raw.get("note", ""),
        proxy=proxy,
        proxy_when_missing=tuple(when_missing),
    )


def _value(dataset: Dataset, row: int, keys: tuple[str, ...]) -> tuple[str | None, float | None]:
    for key in keys:
        value = float(dataset.column(key)[row])
        flagged = dataset.imputed.get(key)
        if not math.isnan(value) and not (flagged is not None and flagged[row]):
            return key, value
    return None, None


def evaluate_rules(
    ruleset: RuleSet, dataset: Dataset, catalog: Catalog
) -> tuple[ComplianceResult, list[Finding]]:
    results: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    findings: list[Finding] = []
    scope = Scope(ruleset.entities, ruleset.years, ruleset.level, unknown_level_matches=True)
    rows = scope.rows(dataset)
    unmatched = scope.finding("compliance_filter", ruleset.name, dataset, rows)
    if unmatched is not None:
        findings.append(unmatched)
    for row in rows:
        entity, year = dataset.rows[row]
        school_type = ruleset.type or dataset.attributes.get(entity, {}).get("type")
        outcomes = []
        for rule in ruleset.rules:
            record, finding = _apply(ruleset, rule, dataset, catalog, row, school_type)
            results.append(record)
            outcomes.append((rule, record["status"]))
            if finding is not None:
                findings.append(finding)
        verdicts.append(_verdict(ruleset, entity, year, school_type, outcomes))
    result = ComplianceResult(
        name=ruleset.name,
        source=ruleset.source,
        file=ruleset.file,
        level=ruleset.level,
        results=tuple(results),
        verdicts=tuple(verdicts),
    )
    return result, findings


def _apply(
    ruleset: RuleSet, rule: Rule, dataset: Dataset, catalog: Catalog, row: int, school_type: str | None
) -> tuple[dict[str, Any], Finding | None]:
    entity, year = dataset.rows[row]
    key, value = _value(dataset, row, rule.keys)
    threshold = rule.threshold if rule.threshold is not None else rule.thresholds.get(school_type or "")
    margin = None
    agreed = ""  # how every source of a conflicted value gives the same outcome
    if value is None:
        status, reason = "not assessed", f"no value for {' / '.join(catalog.label(k) for k in rule.keys)}"
    elif threshold is None:
        known = ", ".join(rule.thresholds)
        status = "not assessed"
        if school_type is None:
            where = "type = … on the input or the [[compliance]] entry"
            reason = f"the school type is not set ({where}; known: {known})"
        else:
            reason = f"no threshold for type {school_type!r} (known: {known})"
    else:
        margin = value - threshold if rule.op in (">=", ">") else threshold - value
        holds = OPS[rule.op](value, threshold)
        status, reason = ("pass" if holds else "fail"), ""
        assert key is not None
        proxy = rule.proxy_for(dataset, catalog, row, key)
        judged = judge_untrusted(dataset, catalog, key, row, value, lambda v: OPS[rule.op](v, threshold))
        if judged is not None:  # a suspect value, or one whose sources disagree
            status, why = judged
            holds = status == "pass"
            reason, agreed = (why, "") if status == "inconclusive" else ("", why)
        if status != "inconclusive" and not rule.proves(holds, proxy):
            status = "inconclusive"
            reason = (
                f"{value:g} {rule.op} {threshold:g} {'holds' if holds else 'fails'}, but the value is only "
                f"a {str(proxy).replace('_', ' ')} of the quantity the standard means, so this proves "
                f"no {'pass' if holds else 'failure'}{'; ' + rule.note if rule.note else ''}"
            )
    record = {
        "entity": entity,
        "year": year,
        "type": school_type,
        "rule": rule.name,
        "rule_id": rule.id,
        "metric": key or rule.keys[0],
        "metric_name": catalog.label(key or rule.keys[0]),
        "value": value,
        "op": rule.op,
        "threshold": threshold,
        "unit": catalog.get(key or rule.keys[0]).unit,
        "passed": {"pass": True, "fail": False}.get(status),
        "status": status,
        "margin": margin,
        "proxy": rule.proxy_for(dataset, catalog, row, key) if key else rule.proxy,
        "counts": rule.counts,
        "source": rule.source or ruleset.source,
        "note": reason or agreed or rule.note,
    }
    if not reason:
        return record, None
    # A missing value or a bound that proves nothing is a fact of the data (info); a missing
    # school type is a gap in the config (warning).
    inconclusive = status == "inconclusive"
    finding = Finding(
        "info" if value is None or inconclusive else "warning",
        "compliance_inconclusive" if inconclusive else "compliance_not_assessed",
        f"{ruleset.name}: {rule.name} {status} for {entity} {year}: {reason}",
        entity=entity,
        year=year,
        indicators=tuple(catalog.label(k) for k in rule.keys),
        expected=threshold,
        actual=value if inconclusive else None,
    )
    return record, finding


def _verdict(
    ruleset: RuleSet,
    entity: str,
    year: int,
    school_type: str | None,
    outcomes: list[tuple[Rule, str]],
) -> dict[str, Any]:
    counted = [(rule, status) for rule, status in outcomes if rule.counts]

    def named(wanted: str) -> list[str]:
        return [rule.name for rule, status in counted if status == wanted]

    failed, open_, inconclusive = named("fail"), named("not assessed"), named("inconclusive")
    low = ruleset.decide(len(failed))
    high = ruleset.decide(len(failed) + len(open_) + len(inconclusive))
    determined = low == high
    return {
        "entity": entity,
        "year": year,
        "type": school_type,
        "verdict": low.verdict if determined else UNDETERMINED,
        "card": low.card if determined else "",
        "failed": len(failed),
        "passed": len(named("pass")),
        "not_assessed": len(open_),
        "inconclusive": len(inconclusive),
        "failed_rules": failed,
        "not_assessed_rules": open_,
        "inconclusive_rules": inconclusive,
        "at_least": low.verdict,
        "at_most": high.verdict,
        "determined": determined,
    }
