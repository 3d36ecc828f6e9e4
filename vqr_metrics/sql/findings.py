"""SQL views of the relational findings: the checks' SQL forms and the zero denominators, in one view.

Checks that compare figures row by row declare an SQL form (``Check.sql``):
queries over the frames this module makes, each selecting :data:`COLUMNS`
for the rows the check flags.  ``vqr_findings`` is all of them together
with the metrics a zero denominator left null (the engine's
``zero_denominator``).  ``vqr_kept`` is the figure kept per entity, year and
key, long, for the checks of single figures; ``vqr_decimals`` the decimal
places each figure was printed with, the coarsest of its sources, for the
tolerances; ``vqr_values`` every indicator and metric, one row per
entity-year.  :func:`relational_findings` runs the forms in a backend
(:mod:`.backend`) and words the rows they flag as the checks do.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from .. import units
from ..catalog import Catalog
from ..config import Config
from ..dataset import Dataset
from ..findings import Findings
from ..model import CheckContext, Severity
from .backend import Backend
from .compile import DOUBLE, Frame, compile_formula, identifier, number, with_previous
from .dialect import to_sql
from .views import INPUT, METRICS, WIDE, View, decimals, kept_first

KEPT = "vqr_kept"
DECIMALS = "vqr_decimals"
VALUES = "vqr_values"
FINDINGS = "vqr_findings"
PLACES = "places"  # the decimals' alias in the wide frame
# What every SQL form selects.  ``subject`` is the group of keys the check
# compares (a parent, ``parent,child``, an input), ``keys`` every key named.
COLUMNS = (
    "entity",
    "year",
    "rule",
    "severity",
    "subject",
    "keys",
    "expected",
    "expected_text",
    "actual",
    "tolerance",
)
TEXT = exp.DataType.build("TEXT")
Rows = npt.NDArray[np.intp]
Flags = Mapping[tuple[str, ...], Rows]


@attrs.frozen
class SqlForm:
    """A check in SQL: the queries of the rows it flags (each selecting
    :data:`COLUMNS`), and ``emit(context, flags)``, the check's own wording
    of the rows flagged per group of keys."""

    queries: tuple[exp.Select, ...]
    emit: Callable[[CheckContext, Flags], Findings]


@attrs.frozen
class Sources:
    """The relations the SQL forms read: by default the views of
    :func:`finding_views`; tables holding the same rows where they were
    materialised (a query of hundreds of parts over views recomputes them
    in each part)."""

    kept: str = KEPT
    decimals: str = DECIMALS
    values: str = VALUES


@attrs.frozen
class SqlCheckContext:
    """What a check's SQL form sees: the catalog, its options, and the frames
    and expressions the queries are made of."""

    catalog: Catalog
    options: Mapping[str, Any]
    frame: Frame = attrs.field(factory=Frame)
    sources: Sources = attrs.field(factory=Sources)

    def options_context(self) -> CheckContext:
        """A check context over no rows, to read options with the checks' toolkit."""
        return CheckContext(dataset=Dataset(), catalog=self.catalog, options=self.options)

    def wide(self, *, previous: bool = False) -> exp.Select:
        """``vqr_values`` as ``cur`` (with the year before as ``prev`` if
        ``previous``), the decimals as ``places``."""
        return _wide(self.frame, self.sources, previous).copy()

    def long(self) -> exp.Select:
        """``vqr_kept`` as ``cur``, the same key's figure of the year before as ``prev``."""
        return _long(self.frame, self.sources).copy()

    def value(self, key: str, *, previous: bool = False) -> exp.Column:
        """The column of ``key`` (canonical) in the wide frame."""
        return identifier(key, self.frame.previous if previous else self.frame.current)

    def half_units(self, key: str) -> exp.Expression:
        """Half a unit in the last place ``key`` was printed with (as
        :func:`vqr_metrics.checks.half_units`); 0 for counts."""
        if units.is_count(self.catalog.get(key).unit):
            return number(0.0)
        places = exp.Coalesce(this=identifier(key, PLACES), expressions=[exp.Literal.number(0)])
        power = exp.Pow(this=number(10.0), expression=exp.cast(places, DOUBLE))
        return exp.Paren(this=exp.Div(this=number(0.5), expression=power, typed=True))

    def flagged(
        self,
        source: exp.Select,
        where: exp.Expr,
        *,
        rule: str,
        severity: Severity,
        subject: str | exp.Expr,
        keys: str | exp.Expr,
        expected: float | str | exp.Expr | None = None,
        actual: exp.Expr | None = None,
        tolerance: float | exp.Expr | None = None,
    ) -> exp.Select:
        """The rows of ``source`` where ``where`` holds, as :data:`COLUMNS`."""
        cur = self.frame.current
        values: dict[str, exp.Expr] = {
            "entity": identifier("entity", cur),
            "year": identifier("year", cur),
            "rule": _literal(rule),
            "severity": _literal(severity),
            "subject": _literal(subject) if isinstance(subject, str) else subject,
            "keys": _literal(keys) if isinstance(keys, str) else keys,
            "expected": _double(None if isinstance(expected, str) else expected),
            "expected_text": _literal(expected) if isinstance(expected, str) else exp.cast(exp.Null(), TEXT),
            "actual": _double(actual),
            "tolerance": _double(tolerance),
        }
        # each expression copied: one node may sit in several places (a value and its test)
        picked = (exp.alias_(values[c].copy(), c, quoted=True) for c in COLUMNS)
        return source.select(*picked, copy=True).where(where.copy(), copy=False)


@functools.cache
def _wide(frame: Frame, sources: Sources, previous: bool) -> exp.Select:
    """The wide frame (callers copy it: building joins is slow in sqlglot)."""
    cur = frame.current
    on = [
        exp.EQ(this=identifier(c, PLACES), expression=identifier(c, cur)) for c in (frame.entity, frame.year)
    ]
    source = (
        with_previous(sources.values, frame) if previous else exp.select().from_(_table(sources.values, cur))
    )
    return source.join(
        _table(sources.decimals, PLACES),
        on=exp.and_(*on),
        join_type="LEFT",
    )


@functools.cache
def _long(frame: Frame, sources: Sources) -> exp.Select:
    cur, prev = frame.current, frame.previous
    on = exp.and_(
        exp.EQ(this=identifier("entity", prev), expression=identifier("entity", cur)),
        exp.EQ(this=identifier("key", prev), expression=identifier("key", cur)),
        exp.EQ(
            this=identifier("year", prev),
            expression=exp.Sub(this=identifier("year", cur), expression=exp.Literal.number(1)),
        ),
    )
    kept = sources.kept
    return exp.select().from_(_table(kept, cur)).join(_table(kept, prev), on=on, join_type="LEFT")


def _name(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _literal(text: str) -> exp.Expr:
    return exp.cast(_text(text), TEXT)


def _text(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _double(value: float | exp.Expr | None) -> exp.Expr:
    if value is None:
        return exp.cast(exp.Null(), DOUBLE)
    return number(value) if isinstance(value, (int, float)) else exp.cast(value, DOUBLE)


def _table(name: str, alias: str | None = None) -> exp.Table:
    return exp.Table(this=_name(name), alias=exp.TableAlias(this=_name(alias)) if alias else None)


# --- the frames -----------------------------------------------------------------


def _kept() -> View:
    """The figure kept per entity, year and key, long: the one ``vqr_wide``
    keeps (the canonical row's, then the most precise, then the first read)."""
    pick = kept_first()
    ranked = exp.select(
        *(identifier(c) for c in ("entity", "year", "key", "value")), exp.alias_(pick, "pick", quoted=True)
    ).from_(_table(INPUT))
    query = (
        exp.select(*(identifier(c) for c in ("entity", "year", "key", "value")))
        .from_(exp.Subquery(this=ranked, alias=exp.TableAlias(this=_name("ranked"))))
        .where(exp.EQ(this=identifier("pick"), expression=exp.Literal.number(1)))
    )
    return View(KEPT, "the figure kept per entity, year and key, long", query)


def _decimals_view(catalog: Catalog) -> View:
    """Per entity-year, the decimal places of each figure that is not a count:
    the fewest any of its sources printed."""
    keys = [k for k in dict.fromkeys(catalog.canonical(k) for k in catalog.indicators)]
    keys = [k for k in keys if not units.is_count(catalog.get(k).unit)]
    columns = [
        exp.alias_(
            exp.Min(
                this=exp.Case(
                    ifs=[exp.If(this=exp.EQ(this=identifier("key"), expression=_literal(k)), true=decimals())]
                )
            ),
            k,
            quoted=True,
        )
        for k in keys
    ]
    query = (
        exp.select(identifier("entity"), identifier("year"), *columns)
        .from_(_table(INPUT))
        .group_by(identifier("entity"), identifier("year"))
    )
    return View(DECIMALS, "the decimal places of each figure, the coarsest of its sources", query)


def _values(catalog: Catalog) -> View:
    """Every indicator and metric, one row per entity-year."""
    wide, metrics = "w", "m"
    on = exp.and_(
        *(exp.EQ(this=identifier(c, metrics), expression=identifier(c, wide)) for c in ("entity", "year"))
    )
    query = (
        exp.select(
            exp.Column(this=exp.Star(), table=_name(wide)),
            *(identifier(key, metrics) for key in catalog.metric_order()),
        )
        .from_(_table(WIDE, wide))
        .join(_table(METRICS, metrics), on=on, join_type="LEFT")
    )
    return View(VALUES, "every indicator and metric, one row per entity-year", query)


# --- zero denominators ----------------------------------------------------------


def _denominators(node: ast.AST) -> list[ast.expr]:
    return [n.right for n in ast.walk(node) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)]


def zero_denominators(context: SqlCheckContext) -> list[exp.Select]:
    """The metrics null because a denominator is 0 while every input is
    there (the engine's ``zero_denominator`` warning), one query per metric."""
    catalog, frame = context.catalog, context.frame
    queries = []
    for key in catalog.metric_order():
        metric, formula = catalog.metrics[key], catalog.formulas[key]
        deps = catalog.dependencies[key]
        inputs = list(dict.fromkeys(deps.values()))
        dens = _denominators(formula.tree.body)
        if not dens or not inputs:
            continue
        zero = [
            exp.EQ(
                this=compile_formula(attrs.evolve(formula, tree=ast.Expression(body=d)), deps, frame),
                expression=number(0.0),
            )
            for d in dens
        ]
        year = identifier("year", frame.current)
        conditions: list[exp.Expr] = [
            exp.Is(this=context.value(key), expression=exp.Null()),
            *(exp.Not(this=exp.Is(this=context.value(k), expression=exp.Null())) for k in inputs),
            exp.or_(*zero),
        ]
        if metric.since is not None:
            conditions.append(exp.GTE(this=year, expression=exp.Literal.number(metric.since)))
        if metric.until is not None:
            conditions.append(exp.LTE(this=year, expression=exp.Literal.number(metric.until)))
        if formula.uses_prev:  # prev() without a year before is no zero denominator
            conditions.append(
                exp.Not(this=exp.Is(this=identifier("entity", frame.previous), expression=exp.Null()))
            )
        queries.append(
            context.flagged(
                context.wide(previous=formula.uses_prev),
                exp.and_(*conditions),
                rule="zero_denominator",
                severity="warning",
                subject=key,
                keys=key,
            )
        )
    return queries


# --- composing ------------------------------------------------------------------


def _union(parts: Sequence[exp.Select]) -> exp.Query:
    """``UNION ALL`` of ``parts``."""
    query: exp.Query = parts[0]
    for part in parts[1:]:
        query = exp.union(query, part, distinct=False, copy=False)
    return query


def _forms(
    catalog: Catalog, options: Mapping[str, Mapping[str, Any]], sources: Sources = Sources()
) -> dict[str, SqlForm]:
    """The SQL form of every check that has one and is not disabled, by check id."""
    out = {}
    for check_id in sorted(catalog.checks):
        check = catalog.checks[check_id]
        if check.sql is not None and check_id in options:
            out[check_id] = check.sql(SqlCheckContext(catalog, options[check_id], sources=sources))
    return out


def finding_views(catalog: Catalog, options: Mapping[str, Mapping[str, Any]]) -> list[View]:
    """The views of the relational findings, each after the views it reads
    (which :func:`vqr_metrics.sql.views.views` makes).  ``options`` are the
    checks' options by check id (:func:`vqr_metrics.checking.check_options`);
    a check not in it (disabled) is left out."""
    parts = [q for form in _forms(catalog, options).values() for q in form.queries]
    parts += zero_denominators(SqlCheckContext(catalog, {}))
    found = exp.Subquery(this=_union(parts), alias=exp.TableAlias(this=_name("found")))
    findings = View(
        FINDINGS,
        "the relational findings: flagged rows and zero denominators",
        exp.select(exp.Star()).from_(found),
    )
    return [*_frames(catalog), findings]


def _frames(catalog: Catalog) -> list[View]:
    return [_kept(), _decimals_view(catalog), _values(catalog)]


def options_of(catalog: Catalog, config: Config) -> dict[str, dict[str, Any]]:
    """The options of each check ``config`` leaves enabled."""
    from ..checking import check_options

    every = check_options(catalog, config.checks)
    return {k: v for k, v in every.items() if k not in config.disabled_checks}


def relational_findings(
    backend: Backend, catalog: Catalog, dataset: Dataset, config: Config
) -> dict[str, Findings]:
    """The findings of every check with an SQL form, by check id: the rows
    found by ``backend`` (where the views of :func:`vqr_metrics.sql.views.views`
    exist), worded by the checks themselves — what
    :func:`vqr_metrics.checking.run_checks` gives for them; the engine runs the others."""
    options = options_of(catalog, config)
    # the frames once, as tables, rather than in every part of every query
    made = {view.name: f"{view.name}_run" for view in _frames(catalog)}
    for view in _frames(catalog):
        gone = exp.Drop(tables=[_table(made[view.name])], kind="TABLE", exists=True)
        backend.execute(to_sql(gone, backend.dialect))
        backend.execute(to_sql(_create_temp(made[view.name], view.query), backend.dialect))
    sources = Sources(kept=made[KEPT], decimals=made[DECIMALS], values=made[VALUES])
    found = {}
    for check_id, form in _forms(catalog, options, sources).items():
        context = CheckContext(dataset=dataset, catalog=catalog, options=options[check_id])
        found[check_id] = form.emit(context, _flags(backend, form.queries, dataset))
    return found


def _create_temp(name: str, query: exp.Select) -> exp.Create:
    properties = exp.Properties(expressions=[exp.TemporaryProperty()])
    return exp.Create(this=_table(name), kind="TABLE", expression=query, properties=properties)


def _flags(
    backend: Backend, queries: Sequence[exp.Select], dataset: Dataset
) -> dict[tuple[str, ...], npt.NDArray[np.intp]]:
    """The dataset rows each group's queries flag, ascending."""
    if not queries:
        return {}
    table = backend.fetch(to_sql(_union(queries), backend.dialect))
    rows = _dataset_rows(dataset, table["entity"], table["year"])
    subjects = pc.dictionary_encode(table["subject"]).combine_chunks()
    codes = subjects.indices.to_numpy(zero_copy_only=False)
    order = np.lexsort((rows, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(subjects.dictionary) + 1))
    return {
        tuple(str(s).split(",")): np.sort(rows[order[bounds[g] : bounds[g + 1]]]).astype(np.intp)
        for g, s in enumerate(subjects.dictionary.to_pylist())
    }


def _dataset_rows(
    dataset: Dataset, entities: pa.ChunkedArray, years: pa.ChunkedArray
) -> npt.NDArray[np.intp]:
    """The dataset row of each (entity, year), column-wise."""
    names = pa.array(dataset.entity_names, pa.string())
    code = pc.index_in(pc.cast(entities, pa.string()), value_set=names).to_numpy(zero_copy_only=False)
    year = years.to_numpy().astype(np.int64)
    span = 1 << 16
    ours = dataset.entity_codes.astype(np.int64) * span + dataset.row_years.astype(np.int64)
    sort = np.argsort(ours, kind="stable")
    at = np.searchsorted(ours[sort], code.astype(np.int64) * span + year)
    found: Rows = sort[at].astype(np.intp)
    return found
