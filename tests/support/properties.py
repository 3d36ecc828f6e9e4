"""Helpers for the hypothesis property tests of metrics and checks, and the
registry the meta-test reads: a property test declares what it covers with
``@covers("metric", key, ...)`` or ``@covers("check", id, ...)``.

Metrics are evaluated on their own (``evaluate``): every name the formula
uses, indicator or metric, is a free input, so a property speaks about one
formula.  ``ratio_shape`` recognises the common form ``k × N / D`` with N and D
linear in disjoint sets of names; such metrics get the generic properties.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

import attrs
import numpy as np

from tests.support.seeds import TABLE_PLUGINS, table_catalog
from vqr_metrics import formula as formula_mod
from vqr_metrics.catalog import Catalog
from vqr_metrics.checking import check_options
from vqr_metrics.dataset import Dataset
from vqr_metrics.engine import evaluate_metrics
from vqr_metrics.model import CheckContext, Finding
from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager
from vqr_metrics.testing import evaluate_metric, make_catalog

F = TypeVar("F", bound=Callable[..., Any])

COVERED: dict[str, dict[str, list[Callable[..., Any]]]] = {"metric": {}, "check": {}}


def covers(kind: str, *ids: str) -> Callable[[F], F]:
    """Record that the decorated hypothesis test covers these metrics or checks."""

    def mark(test: F) -> F:
        for ident in ids:
            COVERED[kind].setdefault(ident, []).append(test)
        return test

    return mark


@cache
def full_catalog() -> Catalog:
    """Every built-in plugin: what the meta-test holds to account."""
    return make_catalog()


def own_metrics(catalog: Catalog) -> list[str]:
    """Registered metrics, without derived families (the ``<key>_yoy`` one)."""
    return [k for k in catalog.metrics if catalog.derived_from(k) is None]


# --- evaluating one formula -------------------------------------------------------


def inputs_of(catalog: Catalog, key: str) -> list[str]:
    """The keys a metric's formula names, each once."""
    return list(dict.fromkeys(catalog.dependencies[key].values()))


def evaluate(catalog: Catalog, key: str, values: Mapping[str, float | None]) -> float | None:
    """The metric ``key`` over one row whose inputs are ``values`` (missing = null)."""
    return evaluate_metric(catalog, key, values)


def evaluate_text(catalog: Catalog, key: str, text: str, values: Mapping[str, float]) -> float:
    """A sub-expression of metric ``key``'s formula over one row."""
    deps = catalog.dependencies[key]
    parsed = formula_mod.parse(text)
    column = lambda name: np.array([values[deps[name]]], dtype=np.float64)  # noqa: E731
    return float(formula_mod.evaluate(parsed, column, 1).values[0])


# --- the ratio shape ----------------------------------------------------------------


@attrs.frozen
class Ratio:
    factor: float
    numerator: str
    denominator: str
    num: tuple[str, ...]  # keys
    den: tuple[str, ...]


def _linear(node: ast.AST) -> bool:
    """A sum of names with positive constant factors (coalesce/sum_of allowed)."""
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _linear(node.left) and _linear(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if isinstance(b, ast.Constant) and isinstance(b.value, (int, float)) and b.value > 0:
                return _linear(a)
        return False
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("coalesce", "sum_of")
    ):
        return all(_linear(a) for a in node.args)
    return False


def _strip(node: ast.AST) -> tuple[float, ast.AST]:
    """``node`` as ``constant × rest``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if isinstance(b, ast.Constant) and isinstance(b.value, (int, float)):
                factor, rest = _strip(a)
                return factor * float(b.value), rest
    return 1.0, node


def _names(node: ast.AST) -> list[str]:
    functions = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in functions]


def ratio_shape(catalog: Catalog, key: str) -> Ratio | None:
    parsed = catalog.formulas[key]
    if parsed.quoted:  # bracketed names do not unparse to a formula of their own
        return None
    factor, body = _strip(parsed.tree.body)
    if not (isinstance(body, ast.BinOp) and isinstance(body.op, ast.Div)):
        return None
    inner, num = _strip(body.left)
    den = body.right
    if factor * inner <= 0 or not (_linear(num) and _linear(den)):
        return None
    deps = catalog.dependencies[key]
    num_keys = tuple(dict.fromkeys(deps[n] for n in _names(num)))
    den_keys = tuple(dict.fromkeys(deps[n] for n in _names(den)))
    if set(num_keys) & set(den_keys):
        return None
    return Ratio(factor * inner, ast.unparse(num), ast.unparse(den), num_keys, den_keys)


# --- declared relations ---------------------------------------------------------------


def ancestors(catalog: Catalog, key: str) -> list[str]:
    """Canonical keys ``key`` is declared (transitively) part of."""
    out: list[str] = []
    ind = catalog.indicators.get(key)
    while ind is not None and ind.parent is not None and ind.relation in ("subset", "partition"):
        parent = catalog.canonical(ind.parent)
        out.append(parent)
        ind = catalog.indicators.get(parent)
    return out


# --- checks on a hand-made dataset ---------------------------------------------------


def dataset_of(
    catalog: Catalog,
    rows: Mapping[tuple[str, int], Mapping[str, float]],
    conflicts: Mapping[tuple[str, int], Sequence[str]] | None = None,
) -> Dataset:
    """A dataset with these values (keys are made canonical), metrics
    evaluated; ``conflicts`` are the keys of a row whose sources disagree."""
    order = sorted(rows)
    data = Dataset(rows=order)
    for i, row in enumerate(order):
        for key, value in rows[row].items():
            column = data.columns.setdefault(catalog.canonical(key), np.full(len(order), np.nan))
            column[i] = value
        for key in (conflicts or {}).get(row, ()):
            data.conflicted.setdefault(catalog.canonical(key), np.zeros(len(order), dtype=bool))[i] = True
    evaluate_metrics(data, catalog)
    return data


def run_check(
    catalog: Catalog, check_id: str, data: Dataset, options: Mapping[str, Any] | None = None
) -> list[Finding]:
    check = catalog.checks[check_id]
    opts = check_options(catalog, options or {})[check_id]
    return list(check.run(CheckContext(dataset=data, catalog=catalog, options=opts)))


def catalog() -> Catalog:
    return table_catalog()


def check_catalog() -> Catalog:
    """The tables' catalog without the derived ``<key>_yoy`` metrics: no check
    reads them (the year-over-year check compares the figures themselves), and
    they are about 250 of the 290 formulas each generated dataset evaluates."""
    return build_catalog(
        make_plugin_manager(TABLE_PLUGINS, entry_points=False), skip_derivations=("year_over_year",)
    )


def relation_parents(cat: Catalog, relation: str) -> Sequence[str]:
    """Parents (template keys) with at least one child declared with ``relation``."""
    return sorted({i.parent for i in cat.indicators.values() if i.relation == relation and i.parent})
