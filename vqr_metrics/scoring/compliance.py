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

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..catalog import Catalog
from ..dataset import Dataset
from ..findings import FindingBuilder, Findings, arguments, at_rows, in_row_order, literal
from .results import (
    FAIL,
    INCONCLUSIVE,
    OPEN,
    PASS,
    STATUSES,
    ComplianceColumns,
    ComplianceResult,
    RuleColumns,
)
from .rulefiles import OPS, Rule, RuleSet
from .scope import Scope
from .untrusted import judge_untrusted

Rows = npt.NDArray[np.intp]
# The rule of the findings of a row not assessed, and of one inconclusive.
_FINDING_RULES = ("compliance_not_assessed", "compliance_inconclusive")


def evaluate_rules(ruleset: RuleSet, dataset: Dataset, catalog: Catalog) -> tuple[ComplianceResult, Findings]:
    """Every rule over all rows of the rule set's scope at once; the verdict per distinct count of rules."""
    found = FindingBuilder()
    scope = Scope(ruleset.entities, ruleset.years, ruleset.level, unknown_level_matches=True)
    rows = scope.rows(dataset)
    unmatched = scope.finding("compliance_filter", ruleset.name, dataset, rows)
    if unmatched is not None:
        found.add(unmatched)
    types, type_code = _school_types(ruleset, dataset, rows)
    rules = tuple(_judge(ruleset, rule, dataset, catalog, rows, types, type_code) for rule in ruleset.rules)
    # Findings go row by row, each row's rule by rule: one part per rule, ordered by (row, rule).
    parts = [_findings(ruleset, r, dataset, rows) for r in rules]
    found.extend(
        in_row_order([(at * len(rules) + j, part) for j, (at, part) in enumerate(parts) if len(part)])
    )
    counted = [r.status for r in rules if r.rule.counts]
    failed = sum((s == FAIL for s in counted), np.zeros(len(rows), dtype=np.intp))
    open_ = sum((s == OPEN) | (s == INCONCLUSIVE) for s in counted) + failed
    columns = ComplianceColumns(
        names=dataset.entity_names,
        entity=dataset.entity_codes[rows],
        year=dataset.row_years[rows],
        types=types,
        type=type_code,
        rules=rules,
        decisions=ruleset.decisions,
        low=_decisions(ruleset, failed),
        high=_decisions(ruleset, open_),
    )
    result = ComplianceResult(ruleset.name, ruleset.source, ruleset.file, ruleset.level, columns)
    return result, found.build()


def _decisions(ruleset: RuleSet, failed: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Per row, the index of the decision for its count of failed rules, decided once per count."""
    counts, inverse = np.unique(failed, return_inverse=True)
    index = [ruleset.decisions.index(ruleset.decide(int(c))) for c in counts]
    return np.array(index, dtype=np.intp)[inverse.ravel()]


def _school_types(
    ruleset: RuleSet, dataset: Dataset, rows: Rows
) -> tuple[tuple[str, ...], npt.NDArray[np.int32]]:
    """The school types and, per row, the index of its own (-1: not set)."""
    if ruleset.type:
        return (ruleset.type,), np.zeros(len(rows), dtype=np.int32)
    per_entity = [dataset.attributes.get(e, {}).get("type") for e in dataset.entity_names]
    types = tuple(dict.fromkeys(t for t in per_entity if t is not None))
    code = np.array([-1 if t is None else types.index(t) for t in per_entity], dtype=np.int32)
    return types, code[dataset.entity_codes[rows]]


def _judge(
    ruleset: RuleSet,
    rule: Rule,
    dataset: Dataset,
    catalog: Catalog,
    rows: Rows,
    types: tuple[str, ...],
    type_code: npt.NDArray[np.int32],
) -> RuleColumns:
    n = len(rows)
    key = np.full(n, -1, dtype=np.int8)
    value = np.full(n, np.nan)
    untrusted = np.zeros(n, dtype=bool)  # suspect, or resting on sources that disagree: the slow path
    for j, k in enumerate(rule.keys):
        column = dataset.column(k)[rows]
        take = (key < 0) & ~np.isnan(column)
        key[take], value[take] = j, column[take]
        flagged = dataset.suspect[k][rows] if k in dataset.suspect else np.zeros(n, dtype=bool)
        conflicted = dataset.conflicted.get(k)
        untrusted |= take & (flagged | (conflicted[rows] if conflicted is not None else False))
    proxy = np.full(n, rule.proxy is not None)  # a row without a value keeps the rule's own
    for j, k in enumerate(rule.keys):
        used = np.flatnonzero(key == j)
        proxy[used] = rule.proxied(dataset, catalog, k, rows[used])
    reasons = ["", literal(f"no value for {' / '.join(catalog.label(k) for k in rule.keys)}")]
    reason = np.where(key < 0, 1, 0).astype(np.int32)
    if rule.threshold is not None:
        threshold = np.full(n, rule.threshold)
    else:
        threshold = np.array([rule.thresholds.get(t, np.nan) for t in types] + [np.nan])[type_code]
        known = ", ".join(rule.thresholds)
        where = "type = … on the input or the [[compliance]] entry"
        reasons.append(literal(f"the school type is not set ({where}; known: {known})"))
        reasons += [literal(f"no threshold for type {t!r} (known: {known})") for t in types]
        unknown = (key >= 0) & np.isnan(threshold)
        reason[unknown] = len(reasons) - len(types) + type_code[unknown]  # -1 (not set) is the one before
    judged = (key >= 0) & ~np.isnan(threshold)
    holds = OPS[rule.op](value, threshold) & judged
    margin = np.where(judged, value - threshold if rule.op in (">=", ">") else threshold - value, np.nan)
    status = np.where(judged, np.where(holds, PASS, FAIL), OPEN).astype(np.int8)
    agreed: dict[int, str] = {}
    untrusted &= judged
    for i in np.flatnonzero(untrusted).tolist():
        k, t = rule.keys[key[i]], float(threshold[i])
        verdict = judge_untrusted(dataset, catalog, k, int(rows[i]), float(value[i]), _holds(rule.op, t))
        assert verdict is not None, (k, int(rows[i]))
        outcome, why = verdict
        holds[i] = outcome == "pass"
        status[i] = STATUSES.index(outcome)
        if outcome == "inconclusive":
            reason[i] = len(reasons)
            reasons.append(literal(why))
        else:
            agreed[i] = why
    if rule.proxy is not None:
        unproven = judged & (status != INCONCLUSIVE) & proxy & ~rule.proves(holds)
        status[unproven] = INCONCLUSIVE
        words = rule.proxy.replace("_", " ")
        for passes in (True, False):
            reason[unproven & (holds == passes)] = len(reasons)
            reasons.append(
                "{0:g}"
                + literal(f" {rule.op} ")
                + "{1:g}"
                + literal(
                    f" {'holds' if passes else 'fails'}, but the value is only a {words} of the quantity "
                    f"the standard means, so this proves no {'pass' if passes else 'failure'}"
                    f"{'; ' + rule.note if rule.note else ''}"
                )
            )
    return RuleColumns(
        rule=rule,
        source=rule.source or ruleset.source,
        metrics=tuple((k, catalog.label(k), catalog.get(k).unit) for k in rule.keys),
        key=key,
        value=value,
        threshold=threshold,
        margin=margin,
        status=status,
        proxy=proxy,
        reason=reason,
        reasons=tuple(reasons),
        agreed=agreed,
    )


def _holds(op: str, threshold: float) -> Callable[[float], bool]:
    return lambda v: bool(OPS[op](v, threshold))


def _findings(ruleset: RuleSet, r: RuleColumns, dataset: Dataset, rows: Rows) -> tuple[Rows, Findings]:
    """A finding for each row the rule is not assessed or inconclusive on, and the rows they are about.
    A missing value or a bound that proves nothing is a fact of the data (info);
    a missing school type or threshold is a gap in the config (warning)."""
    at = np.flatnonzero(r.reason)
    inconclusive = r.status[at] == INCONCLUSIVE
    value, threshold = r.value[at], r.threshold[at]
    # Templates per reason and status: a reason tells the status, so half are never used.
    head = literal(f"{ruleset.name}: {r.rule.name} ")
    templates = [
        head + literal(f"{status} for ") + "{entity} {year}" + literal(": ") + why
        for why in r.reasons
        for status in ("not assessed", "inconclusive")
    ]
    out = FindingBuilder()
    out.columns(
        len(at),
        severity=_coded(np.isnan(value) | inconclusive, ("warning", "info")),
        rule=_coded(inconclusive, _FINDING_RULES),
        message=_coded(r.reason[at] * 2 + inconclusive, templates),
        args=arguments([value, threshold], len(at)),
        indicators=[label for _, label, _ in r.metrics],
        expected=pa.array(threshold, from_pandas=True),
        actual=pa.array(np.where(inconclusive, value, np.nan), from_pandas=True),
        **at_rows(dataset, rows[at]),
    )
    return at, out.build()


def _coded(codes: npt.NDArray[np.int_] | npt.NDArray[np.bool_], words: Sequence[str]) -> pa.DictionaryArray:
    """A text column from each row's index into ``words``."""
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(list(words), pa.string())
    )
