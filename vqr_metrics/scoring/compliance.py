"""Compliance judged: pass/fail per rule with the margin, and a verdict per entity and year.

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

from ..catalog import Catalog
from ..dataset import Dataset
from ..model import Finding
from .records import RuleResult, Verdict
from .results import ComplianceResult
from .rulefiles import OPS, UNDETERMINED, Rule, RuleSet
from .scope import Scope
from .untrusted import judge_untrusted


def _value(dataset: Dataset, row: int, keys: tuple[str, ...]) -> tuple[str | None, float | None]:
    for key in keys:
        value = float(dataset.column(key)[row])
        if not math.isnan(value):
            return key, value
    return None, None


def evaluate_rules(
    ruleset: RuleSet, dataset: Dataset, catalog: Catalog
) -> tuple[ComplianceResult, list[Finding]]:
    results: list[RuleResult] = []
    verdicts: list[Verdict] = []
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
            outcomes.append((rule, record.status))
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
) -> tuple[RuleResult, Finding | None]:
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
    record = RuleResult(
        entity=entity,
        year=year,
        school_type=school_type,
        rule=rule.name,
        rule_id=rule.id,
        metric=key or rule.keys[0],
        metric_name=catalog.label(key or rule.keys[0]),
        value=value,
        op=rule.op,
        threshold=threshold,
        unit=catalog.get(key or rule.keys[0]).unit,
        status=status,
        margin=margin,
        proxy=rule.proxy_for(dataset, catalog, row, key) if key else rule.proxy,
        counts=rule.counts,
        source=rule.source or ruleset.source,
        note=reason or agreed or rule.note,
    )
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
) -> Verdict:
    counted = [(rule, status) for rule, status in outcomes if rule.counts]

    def named(wanted: str) -> tuple[str, ...]:
        return tuple(rule.name for rule, status in counted if status == wanted)

    failed, open_, inconclusive = named("fail"), named("not assessed"), named("inconclusive")
    low = ruleset.decide(len(failed))
    high = ruleset.decide(len(failed) + len(open_) + len(inconclusive))
    determined = low == high
    return Verdict(
        entity=entity,
        year=year,
        school_type=school_type,
        verdict=low.verdict if determined else UNDETERMINED,
        card=low.card if determined else "",
        passed=len(named("pass")),
        failed_rules=failed,
        not_assessed_rules=open_,
        inconclusive_rules=inconclusive,
        at_least=low.verdict,
        at_most=high.verdict,
        determined=determined,
    )
