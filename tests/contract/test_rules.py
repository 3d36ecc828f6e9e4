"""Every finding rule is registered once, with its severity, and every registered rule is emitted somewhere.

The static test reads the source: a string given for a parameter named
``rule`` or ``conflict_rule`` (by keyword, by position in any function the
sources define with such a parameter, or as its default), the positional
``rule`` of :class:`~vqr_metrics.model.Finding` and the check id of
``recompute_check``, and lists of codes kept under a name ending in
``rules``.  The dynamic test runs the shipped configs on the seeds and a few
bad inputs and holds every finding against the registry.
"""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import attrs
import pyarrow as pa
import pytest
import vqr_psych_health

from vqr_metrics import reading, suspect
from vqr_metrics.api import run
from vqr_metrics.catalog import Catalog
from vqr_metrics.config import load_config
from vqr_metrics.model import FindingRule
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS
from vqr_metrics.result import Result
from vqr_metrics.rules import CORE_PLUGIN
from vqr_metrics.testing import ConfigBuilder, make_catalog

ROOT = Path(__file__).parents[2]
SOURCES = [
    ROOT / "vqr_metrics",
    ROOT / "plugins",
    ROOT / "examples/plugins/vqr_psych_health/vqr_psych_health",
]
RULE_PARAMETERS = ("rule", "conflict_rule")
# A rule code is a key; a string passed as another function's ``rule`` (the
# wording of a range in scoring's spec) is not one.
CODE = re.compile(r"[a-z][a-z0-9_]*")


@attrs.frozen
class Emitted:
    """A rule code the source gives, where, and the severity given with it (when literal)."""

    code: str  # or a pattern, for an f-string
    where: str
    severity: str | None = None
    pattern: bool = False


def _trees() -> dict[str, ast.Module]:
    files = sorted(p for root in SOURCES for p in root.rglob("*.py"))
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in files}


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _positions(trees: dict[str, ast.Module]) -> dict[str, set[tuple[int, str]]]:
    """Function name → (position, parameter) of every definition of that name (``self`` not counted)."""
    out: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                names = names[1:] if names[:1] in (["self"], ["cls"]) else names
                out[node.name].update(enumerate(names))
    out["Finding"].update({(0, "severity"), (1, "rule")})  # an attrs class: its fields in order
    out["recompute_check"].add((0, "rule"))  # the check id is the rule of its findings
    return out


def _strings(node: ast.expr) -> list[tuple[str, bool]]:
    """The codes an expression can be: a literal, either branch of ``a if c else b``,
    or an f-string as a pattern."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, False)]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else None for v in node.values]
        if all(CODE.fullmatch(p) or p == "_" for p in parts if p):
            return [("".join(re.escape(str(p)) if p is not None else "[a-z_]+" for p in parts), True)]
    return []


def _calls(trees: dict[str, ast.Module]) -> Iterator[Emitted]:
    positions = _positions(trees)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            given: dict[str, list[ast.expr]] = defaultdict(list)
            for i, arg in enumerate(node.args):
                for j, name in positions.get(_callee(node) or "", ()):
                    if i == j:
                        given[name].append(arg)
            for kw in node.keywords:
                if kw.arg:
                    given[kw.arg].append(kw.value)
            severities = [s for v in given["severity"] for s, _ in _strings(v)]
            for name in RULE_PARAMETERS:
                for value in given[name]:
                    codes = _strings(value)
                    # a severity is held against a code only when both are single literals
                    one = len(codes) == 1 and len(severities) == 1 and name == "rule"
                    for code, pattern in codes:
                        severity = severities[0] if one else "info" if name == "conflict_rule" else None
                        yield Emitted(code, f"{path}:{node.lineno}", severity, pattern)


def _defaults_and_tables(trees: dict[str, ast.Module]) -> Iterator[Emitted]:
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                a = node.args
                positional = [*a.posonlyargs, *a.args]
                pairs = [*zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True)]
                pairs += [(arg, d) for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d]
                for arg, default in pairs:
                    if arg.arg in RULE_PARAMETERS:
                        for code, _ in _strings(default):
                            yield Emitted(
                                code, f"{path}:{node.lineno}", "info" if "conflict" in arg.arg else None
                            )
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple | ast.Set):
                named = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(n.lower().endswith("rules") for n in named):
                    for item in node.value.elts:
                        for code, _ in _strings(item):
                            yield Emitted(code, f"{path}:{node.lineno}")


def emitted() -> list[Emitted]:
    trees = _trees()
    found = [*_calls(trees), *_defaults_and_tables(trees)]
    return [e for e in found if e.pattern or CODE.fullmatch(e.code)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The built-in plugins and the example plugin, as a user who installed it has them."""
    return make_catalog(vqr_psych_health, builtins=DEFAULT_PLUGINS)


def _unregistered(rules: dict[str, FindingRule], found: list[Emitted]) -> list[str]:
    missing = []
    for e in found:
        if e.pattern:
            if not any(re.fullmatch(e.code, code) for code in rules):
                missing.append(f"{e.where}: no registered rule matches {e.code!r}")
        elif e.code not in rules:
            missing.append(f"{e.where}: {e.code}")
    return missing


def test_the_scan_finds_the_codes_each_way_they_are_given() -> None:
    codes = {e.code for e in emitted()}
    # keyword, Finding's position, a helper's position, a default, a table, both branches, a check id
    for code in (
        "source_conflict",
        "truncated_file",
        "table_layout",
        "unknown_indicator",
        "zero_denominator",
    ):
        assert code in codes
    assert {"compliance_inconclusive", "compliance_not_assessed", "recompute_senior_title_share"} <= codes
    assert "no_[a-z_]+" in codes  # f"no_{what}"
    assert not any(" " in code for code in codes)


def test_every_rule_the_source_emits_is_registered(catalog: Catalog) -> None:
    missing = _unregistered(catalog.rules, emitted())
    assert not missing, "rules emitted but not registered (register_rules):\n" + "\n".join(missing)


def test_a_literal_severity_matches_the_registry(catalog: Catalog) -> None:
    wrong = [
        f"{e.where}: {e.code} emitted as {e.severity}, registered as {catalog.rules[e.code].severities}"
        for e in emitted()
        if e.severity and e.code in catalog.rules and e.severity not in catalog.rules[e.code].severities
    ]
    assert not wrong, "\n".join(wrong)


def test_the_codes_other_modules_name_are_registered(catalog: Catalog) -> None:
    named = {*reading.EMPTY_INPUT_RULES, *suspect.NOT_SUSPECT}
    assert named <= set(catalog.rules)


def test_every_registered_rule_is_declared_in_full_and_emitted_somewhere(catalog: Catalog) -> None:
    found = emitted()
    literal = {e.code for e in found if not e.pattern}
    patterns = [e.code for e in found if e.pattern]
    dead = [c for c in catalog.rules if c not in literal and not any(re.fullmatch(p, c) for p in patterns)]
    assert not dead, f"registered rules nothing emits: {dead}"
    for code, rule in catalog.rules.items():
        assert rule.summary.strip() and rule.action.strip(), code


def test_core_rules_are_registered_whatever_plugins_are_loaded() -> None:
    bare = make_catalog(builtins=())
    assert {catalog_code for catalog_code in bare.rules} >= {"source_conflict", "unknown_indicator"}
    assert {bare.origin("rule", c).plugin for c in bare.rules} == {CORE_PLUGIN}


# --- dynamic: what runs emit -----------------------------------------------------


def _held_against_registry(result: Result) -> list[str]:
    assert result.catalog is not None
    rules = result.catalog.rules
    wrong = []
    for (rule, severity), n in _counts(result).items():
        if rule not in rules:
            wrong.append(f"{rule} ({n}×): not registered")
        elif severity not in rules[rule].severities:
            wrong.append(f"{rule} ({n}×): emitted as {severity}, registered as {rules[rule].severities}")
    return wrong


def _counts(result: Result) -> dict[tuple[str, str], int]:
    table = result.findings.to_arrow(rendered=False)
    columns = [table[name].cast(pa.string()).to_pylist() for name in ("rule", "severity")]
    return Counter(zip(*columns, strict=True))


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "configs").glob("*.toml")))
def test_the_shipped_configs_emit_only_registered_rules(name: str) -> None:
    config = load_config(ROOT / "configs" / name)
    result = run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))
    assert len(result.findings)
    assert not _held_against_registry(result)


def test_bad_inputs_emit_only_registered_rules(vqr_config: ConfigBuilder) -> None:
    header = ["entity", "year", "全日制在校生人数", "不存在的指标"]
    rows = [
        ["甲校", 2023, "abc", 5],
        ["乙校", "去年", 100, ""],
        ["", 2023, 100, ""],
        ["丙校", 2023, "—", "", 7],
    ]
    vqr_config.add_input(vqr_config.csv("wide.csv", [["某校 2023 年数据"], header, *rows]))
    vqr_config.add_input(
        vqr_config.write(
            "d.json", '[{"entity": "甲校", "year": "明年", "indicator": "全日制在校生人数", "value": 1}]'
        )
    )
    vqr_config.add_input(
        vqr_config.write("r.txt", "表1 某某情况表\n指标\t值\n某项\t12\n"), entity="甲校", year=2023
    )
    cut = vqr_config.folder / "cut.csv"
    cut.write_bytes("entity,year,全日制在校生人数\n丁校,2023,9\n丁".encode()[:-1])
    vqr_config.add_input(cut)
    result = vqr_config.run()
    seen = {rule for rule, _ in _counts(result)}
    assert {"unparsable_value", "unknown_indicator", "bad_year", "extra_cells", "truncated_file"} <= seen, (
        seen
    )
    assert not _held_against_registry(result)
