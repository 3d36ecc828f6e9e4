"""SQL views of a catalog: the input figures long and wide, then its metrics in dependency order.

The views read one table, :data:`SOURCE`, in the layout the readers produce
(:data:`vqr_metrics.arrow.FIGURES`: entity, year, key, value and provenance).
``vqr_input`` puts each figure under its canonical key (a twin declared with
``same_as`` under the row it repeats); ``vqr_wide`` keeps one figure per
entity, year and key the way :func:`vqr_metrics.merge.build_dataset` keeps
one, and holds one column per indicator; ``vqr_metrics_<n>`` add the metrics
of dependency level ``n`` (a metric after every metric it uses), and
``vqr_metrics`` is every metric, one row per entity-year; ``vqr_table_<id>``
holds the metrics of one table (its id as the catalog has it).
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from sqlglot import exp

from ..catalog import Catalog
from .compile import DOUBLE, Frame, compile_formula, identifier, with_previous
from .dialect import for_dialect

SOURCE = "vqr_figures"
INPUT = "vqr_input"
WIDE = "vqr_wide"
METRICS = "vqr_metrics"
TABLE = "vqr_table_"
DIALECTS = ("duckdb", "postgres", "spark")
_PROVENANCE = ("file", "line", "raw", "table", "column")


@attrs.frozen
class View:
    """One view: its name, what it holds, and its query."""

    name: str
    about: str
    query: exp.Select

    def sql(self, dialect: str, *, materialize: bool = False) -> str:
        """``CREATE OR REPLACE VIEW``; or, to ``materialize``, a temporary
        table made once for a session: each level reads the one before twice
        (this year and the year before), so nested views are bound again and
        again, where tables are computed once.  Spark SQL has no temporary
        tables (sqlglot writes a temporary view): there it is a Parquet table
        of the current database, replaced each time the script runs."""
        table = exp.Table(this=exp.to_identifier(self.name, quoted=True))
        create = exp.Create(
            kind="TABLE" if materialize else "VIEW",
            this=table,
            expression=self.query,
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]) if materialize else None,
        )
        create.set("replace", not materialize)
        drop = ""
        if dialect == "spark":
            create = _spark(create, materialize)
            if materialize:
                drop = f"{exp.Drop(tables=[table.copy()], kind='TABLE', exists=True).sql(dialect)};\n"
        return f"-- {self.about}\n{drop}{for_dialect(create, dialect).sql(dialect, pretty=True)};\n"


def _spark(create: exp.Create, materialize: bool) -> exp.Create:
    """Spark's spelling where sqlglot's is another dialect's: a view over a
    temporary view (the figures) must be temporary too, a table is a Parquet
    one, and the two-argument ``PERCENTILE_CONT(x, p)`` is DuckDB's, Spark's
    ``PERCENTILE(x, p)`` (exact, interpolated; sqlglot's ``WITHIN GROUP`` form
    becomes an approximation)."""

    def spelled(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.PercentileCont) and node.expression is not None:
            return exp.Quantile(this=node.this, quantile=node.expression)
        return node

    out = create.transform(spelled)
    assert isinstance(out, exp.Create)
    kept = exp.FileFormatProperty(this=exp.Var(this="PARQUET")) if materialize else exp.TemporaryProperty()
    out.set("properties", exp.Properties(expressions=[kept]))
    return out


def views(catalog: Catalog) -> list[View]:
    """The views of ``catalog``'s inputs and metrics, each after the views it reads."""
    made = [_input(catalog), _wide(catalog)]
    levels = list(_levels(catalog))
    for n, keys in enumerate(levels, start=1):
        source = WIDE if n == 1 else f"{METRICS}_{n - 1}"
        everything = exp.Column(this=exp.Star(), table=exp.to_identifier(Frame().current, quoted=True))
        query = with_previous(source).select(everything, *(_metric(catalog, key) for key in keys))
        made.append(View(f"{METRICS}_{n}", f"metrics of dependency level {n}", query))
    every = [key for keys in levels for key in keys]
    final = exp.select(*(identifier(c) for c in ("entity", "year", *every)))
    last = f"{METRICS}_{len(levels)}" if levels else WIDE
    made.append(View(METRICS, "every metric, one row per entity-year", final.from_(_table(last))))
    made.extend(_per_table(catalog, every))
    return made


def _per_table(catalog: Catalog, order: list[str]) -> Iterator[View]:
    """One view per table of its metrics, in dependency order, read off ``vqr_metrics``
    (a metric may use another table's, so the levels are computed once for all)."""
    tables: dict[str, list[str]] = {table: [] for table in catalog.tables}
    for key in order:
        tables.setdefault(catalog.metrics[key].table, []).append(key)
    for table, keys in tables.items():
        if not keys:
            continue
        found = catalog.tables.get(table)
        name = f"{found.name} ({table})" if found else table or "metrics declared without a table"
        query = exp.select(*(identifier(c) for c in ("entity", "year", *keys))).from_(_table(METRICS))
        yield View(f"{TABLE}{table or 'none'}", f"the metrics of {name}, one row per entity-year", query)


def _table(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def _text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _input(catalog: Catalog) -> View:
    """The figures under their canonical keys; ``printed_key`` is the key the row was printed under."""
    twins = [(key, catalog.canonical(key)) for key in catalog.indicators if catalog.canonical(key) != key]
    key = identifier("key")
    canonical: exp.Expression = key
    if twins:
        canonical = exp.Case(
            this=key, ifs=[exp.If(this=_text(twin), true=_text(canon)) for twin, canon in twins], default=key
        )
    query = exp.select(
        identifier("entity"),
        identifier("year"),
        exp.alias_(canonical, "key", quoted=True),
        exp.alias_(exp.cast(identifier("value"), DOUBLE), "value", quoted=True),
        exp.alias_(key, "printed_key", quoted=True),
        *(identifier(c) for c in _PROVENANCE),
    ).from_(_table(SOURCE))
    return View(INPUT, "the input figures, long: one row per figure, under its canonical key", query)


def decimals() -> exp.Expression:
    """Decimal places as printed: of ``raw``, else of the value's plain spelling
    (where ``raw`` is null), whose trailing zeros were never printed."""

    def places(text: exp.Expression, pattern: str) -> exp.Expression:
        digits = exp.RegexpExtract(this=text, expression=_text(pattern), group=exp.Literal.number(1))
        return exp.Length(this=exp.Coalesce(this=digits, expressions=[_text("")]))

    plain = exp.cast(identifier("value"), exp.DataType.build("TEXT"))
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.Is(this=identifier("raw"), expression=exp.Null()),
                true=places(plain, r"\.([0-9]*[1-9])"),
            )
        ],
        default=places(identifier("raw"), r"\.([0-9]+)"),
    )


def kept_first() -> exp.Window:
    """``ROW_NUMBER()`` of each figure among those of its entity, year and
    key, 1 for the one the engine keeps: the canonical row's rather than a
    twin's, then the most precisely printed, then the first by file and line."""
    order = exp.Order(
        expressions=[
            exp.Ordered(
                this=exp.Paren(this=exp.NEQ(this=identifier("printed_key"), expression=identifier("key")))
            ),
            exp.Ordered(this=decimals(), desc=True),
            exp.Ordered(this=identifier("file")),
            exp.Ordered(this=identifier("line")),
        ]
    )
    return exp.Window(
        this=exp.RowNumber(), partition_by=[identifier(c) for c in ("entity", "year", "key")], order=order
    )


def _wide(catalog: Catalog) -> View:
    """One row per entity-year, one column per indicator.  Of figures printed
    more than once the kept one is, as in the engine, from the canonical row
    rather than a twin, then the most precisely printed, then — where the
    engine takes the first read — the first by file and line."""
    pick = kept_first()
    ranked = exp.select(exp.Star(), exp.alias_(pick, "pick", quoted=True)).from_(_table(INPUT))
    keys = [key for key in catalog.indicators if catalog.canonical(key) == key]
    columns = [
        exp.alias_(
            exp.Max(
                this=exp.Case(
                    ifs=[
                        exp.If(
                            this=exp.EQ(this=identifier("key"), expression=_text(k)), true=identifier("value")
                        )
                    ]
                )
            ),
            k,
            quoted=True,
        )
        for k in keys
    ]
    query = (
        exp.select(identifier("entity"), identifier("year"), *columns)
        .from_(exp.Subquery(this=ranked, alias=exp.TableAlias(this=exp.to_identifier("ranked"))))
        .where(exp.EQ(this=identifier("pick"), expression=exp.Literal.number(1)))
        .group_by(identifier("entity"), identifier("year"))
    )
    return View(WIDE, "the input figures, wide: one row per entity-year, one column per indicator", query)


def _levels(catalog: Catalog) -> Iterator[list[str]]:
    """Metric keys by dependency level, each level in :meth:`Catalog.metric_order`."""
    level: dict[str, int] = {}
    for key in catalog.metric_order():
        uses = [level[d] for d in catalog.dependencies[key].values() if d in level]
        level[key] = 1 + max(uses, default=0)
    for n in range(1, max(level.values(), default=0) + 1):
        yield [key for key in catalog.metric_order() if level[key] == n]


def _metric(catalog: Catalog, key: str) -> exp.Expression:
    """A metric's column: its formula, null in years its edition does not have
    (the metric's ``since``/``until``, as :func:`vqr_metrics.engine.evaluate_metrics`)."""
    metric = catalog.metrics[key]
    value = compile_formula(catalog.formulas[key], catalog.dependencies[key])
    year = identifier("year", Frame().current)
    bounds = [
        exp.GTE(this=year, expression=exp.Literal.number(metric.since)) if metric.since is not None else None,
        exp.LTE(this=year, expression=exp.Literal.number(metric.until)) if metric.until is not None else None,
    ]
    kept = [b for b in bounds if b is not None]
    if kept:
        value = exp.Case(ifs=[exp.If(this=exp.and_(*kept), true=value)])
    return exp.Alias(this=value, alias=exp.to_identifier(key, quoted=True))


def render(catalog: Catalog, dialect: str, *, materialize: bool = False) -> str:
    """Every view as SQL text of ``dialect``, opened by a comment saying what
    the file holds; as temporary tables to ``materialize`` (a backend's session)."""
    head = (
        f"-- vqr-metrics views ({dialect}): the input figures and every metric, computed in the database.\n"
        f"-- They read a table {SOURCE} in the readers' figures layout (entity, year, key, value,\n"
        "-- file, line, raw, table, column).  The findings and scorecard views of a config are in\n"
        "-- what vqr-score sql CONFIG.toml writes.\n\n"
    )
    return head + "\n".join(view.sql(dialect, materialize=materialize) for view in views(catalog))
