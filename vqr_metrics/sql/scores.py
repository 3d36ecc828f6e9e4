"""Scorecards as SQL views: one per scorecard whose methods all have an SQL form, and what runs in the engine.

A view ``vqr_score_<n>`` (the config's n-th scorecard) reads the views
``vqr_wide`` (indicators) and ``vqr_metrics`` (metrics) and, for a card with
a ``level``, a table :data:`ENTITIES` of entity attributes in the long layout
``entity, attribute, value`` (text; :func:`entities_table` makes it from the
readers' attributes).  Its columns: ``entity``, ``year``, ``score``, ``rank``,
then each dimension's score and each indicator's normalised value, named by
their labels.  It follows :mod:`vqr_metrics.scoring`: the rows are the card's
entity-years that report any of its indicators (the first reported key of an
indicator wins); ``impute_*`` fills a gap with the mean or 25th percentile of
its normalisation group; normalisation, and the ranks, are window functions
over the group (one year, or every year with ``*_within = "all"``); a node
drops its children a row lacks, renormalises the rest and has no score below
``min_coverage``; ranks are competition ranks with ties to 1e-9.

The methods declare their SQL form (``Normalizer.sql``, ``Aggregator.sql``,
``Weighting.depends_on_data``); a scorecard with a method that has none runs
in the engine, and :func:`score_views` says so, as it says which parts of a
viewed card run only in the engine: sensitivity analysis, ``missing =
"fail"`` (the view scores a gap as ``reweight`` does; the engine stops), and
leaving out suspect values — the view scores every value, as a card with
``suspect = "use"`` does, because what is suspect (an error finding, or
disagreeing sources, followed through every formula) is the engine's.  Where
the engine stops on a value a method refuses (a negative value under a
ratio, a zero in a geometric mean without ``offset``), the view gives NULL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
import pyarrow as pa
from sqlglot import exp

from ..catalog import Catalog
from ..config import Config
from ..scoring.spec import Leaf, Methods, Node, Scorecard, parse_scorecards
from ..scoring.tree import TOLERANCE
from ..scoring.weights import renormalize
from .compile import identifier, number
from .views import METRICS, WIDE, View

ENTITIES = "vqr_entities"
PREFIX = "vqr_score_"
# The engine's own columns; a label spelled like one gets a suffix.
_FIXED = ("entity", "year", "score", "rank")


def _over(function: exp.Expr, partition: Sequence[exp.Expr], *order: exp.Ordered) -> exp.Window:
    window = exp.Window(this=function, partition_by=[p.copy() for p in partition])
    if order:
        window.set("order", exp.Order(expressions=list(order)))
    return window


def _ordered(value: exp.Expr, descending: bool) -> exp.Ordered:
    """NULLs last in every dialect (Spark's default puts them first)."""
    return exp.Ordered(this=value.copy(), desc=descending, nulls_first=False)


@attrs.frozen
class Group:
    """An indicator's column within its normalisation group, for a normaliser's
    SQL form: ``value`` (NULL where missing) and the group's statistics as
    window expressions over the reported values."""

    value: exp.Expr
    partition: tuple[exp.Expr, ...]

    def _stat(self, function: type[exp.Func]) -> exp.Window:
        return _over(function(this=self.value.copy()), self.partition)

    @property
    def min(self) -> exp.Expr:
        return self._stat(exp.Min)

    @property
    def max(self) -> exp.Expr:
        return self._stat(exp.Max)

    @property
    def count(self) -> exp.Expr:
        return self._stat(exp.Count)

    @property
    def mean(self) -> exp.Expr:
        return self._stat(exp.Avg)

    @property
    def std(self) -> exp.Expr:
        """The population standard deviation."""
        return self._stat(exp.StddevPop)

    def rank(self, higher: bool) -> exp.Expr:
        """1 + the number of strictly better values (ties share the better rank)."""
        return _over(exp.Rank(), self.partition, _ordered(self.value, higher))

    def not_better(self, higher: bool) -> exp.Expr:
        """The number of values not better than this one, itself included."""
        return _over(exp.Count(this=self.value.copy()), self.partition, _ordered(self.value, not higher))


def clip(value: exp.Expr, low: float, high: float) -> exp.Expr:
    """``value`` within [low, high]; NULL stays NULL (``GREATEST``/``LEAST`` skip
    NULLs on PostgreSQL)."""
    return exp.Case(
        ifs=[
            exp.If(this=exp.LT(this=value.copy(), expression=number(low)), true=number(low)),
            exp.If(this=exp.GT(this=value.copy(), expression=number(high)), true=number(high)),
        ],
        default=value.copy(),
    )


def divide(numerator: exp.Expr, denominator: exp.Expr) -> exp.Expr:
    """``numerator / denominator``, NULL for a zero denominator (never an error)."""
    den = exp.Nullif(this=exp.Paren(this=denominator), expression=number(0))
    return exp.Div(this=exp.Paren(this=numerator), expression=den, typed=True)


def entities_table(attributes: Mapping[str, Mapping[str, str]]) -> pa.Table:
    """The table :data:`ENTITIES`: one row per entity and attribute (level, type …)."""
    rows = [(e, a, v) for e, found in attributes.items() for a, v in found.items()]
    return pa.table(
        {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(_ENTITY_COLUMNS)}
    )


_ENTITY_COLUMNS = ("entity", "attribute", "value")


def score_views(catalog: Catalog, config: Config) -> tuple[list[View], list[str]]:
    """A view per scorecard of ``config`` whose methods have an SQL form, and a
    note per scorecard or part of one that runs in the engine."""
    methods = Methods.of(catalog)
    made: list[View] = []
    notes: list[str] = []
    for n, card in enumerate(parse_scorecards(config.scorecards, catalog, config.source), start=1):
        lacking = list(lacking_sql(card, methods))
        if lacking:
            parts = ", ".join(lacking)
            notes.append(f"scorecard {card.name!r}: no SQL form for {parts}; it runs in the engine")
            continue
        name = f"{PREFIX}{n}"
        made.append(View(name, f"scorecard {card.name!r}", _Card(card, catalog, methods).query()))
        notes += [f"scorecard {card.name!r} ({name}): {part}" for part in _engine_parts(card)]
    return made, notes


def scored_query(card: Scorecard, catalog: Catalog, methods: Methods, table: str) -> exp.Select:
    """A card with no :func:`lacking_sql` parts, over ``table`` of the engine's
    extracted values (:meth:`_Card.scored`)."""
    return _Card(card, catalog, methods).scored(table)


def lacking_sql(card: Scorecard, methods: Methods) -> Iterable[str]:
    """The card's methods that have no SQL form, as ``normalize = 'x' (label)``."""
    for leaf in card.root.leaves():
        if methods.normalizers[leaf.normalize].sql is None:
            yield f"normalize = {leaf.normalize!r} ({leaf.label})"
    for node in card.root.nodes():
        if methods.weightings[node.weights].depends_on_data:
            yield f"weights = {node.weights!r} ({node.label})"
        if methods.aggregators[node.aggregate].sql is None:
            yield f"aggregate = {node.aggregate!r} ({node.label})"


def _engine_parts(card: Scorecard) -> Iterable[str]:
    if card.sensitivity is not None:
        yield "the sensitivity analysis runs in the engine"
    if card.suspect != "use":
        yield f"suspect = {card.suspect!r} runs in the engine; the view scores suspect values too"
    failing = [leaf.label for leaf in card.root.leaves() if leaf.missing == "fail"]
    if failing:
        yield (
            f"missing = 'fail' ({', '.join(failing)}) is checked in the engine; "
            "the view scores a gap as reweight does"
        )


def _table(name: str, alias: str | None = None) -> exp.Table:
    table = exp.Table(this=exp.to_identifier(name, quoted=True))
    if alias:
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    return table


def _is_null(value: exp.Expr) -> exp.Expr:
    return exp.Is(this=value.copy(), expression=exp.Null())


def _present(value: exp.Expr) -> exp.Expr:
    return exp.Not(this=_is_null(value))


def _when(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=condition, true=value)])


def _sum(terms: Sequence[exp.Expr]) -> exp.Expr:
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return exp.Paren(this=total)


class _Card:
    """One scorecard's view: a chain of common table expressions, each adding
    columns to the one before (``_v`` raw, ``_n`` normalised per leaf; ``_c``
    coverage, ``_s`` score per node, root first)."""

    def __init__(self, card: Scorecard, catalog: Catalog, methods: Methods) -> None:
        self.card, self.catalog, self.methods = card, catalog, methods
        self.leaves = card.root.leaves()
        self.nodes = card.root.nodes()
        self.ctes: list[tuple[str, exp.Select]] = []

    def column(self, child: Node | Leaf) -> exp.Column:
        if isinstance(child, Leaf):
            return identifier(f"_n{self.leaves.index(child)}")
        return identifier(f"_s{self.nodes.index(child)}")

    def partition(self, within: str) -> tuple[exp.Expr, ...]:
        return () if within == "all" else (identifier("year"),)

    def add(self, columns: Mapping[str, exp.Expr]) -> None:
        """A layer: everything of the one before, plus ``columns`` by name."""
        named = [exp.alias_(value, name, quoted=True, copy=False) for name, value in columns.items()]
        query = exp.select(exp.Star(), *named, copy=False).from_(_table(self.ctes[-1][0]), copy=False)
        self.ctes.append((f"_{len(self.ctes)}", query))

    def query(self) -> exp.Select:
        self.ctes.append(("_source", self.source()))
        if any(leaf.missing.startswith("impute_") for leaf in self.leaves):
            self.ctes.append(("_filled", self.filled()))
        self.score()
        self.rank(0)
        return self.out(
            *(identifier(c) for c in ("entity", "year")),
            exp.alias_(identifier("_s0"), "score", quoted=True),
            exp.alias_(identifier("_rank0"), "rank", quoted=True),
            *(exp.alias_(self.column(n), _label(n.label, "dimension"), quoted=True) for n in self.nodes[1:]),
            *(
                exp.alias_(self.column(leaf), _label(leaf.label, "normalized"), quoted=True)
                for leaf in self.leaves
            ),
        )

    def scored(self, table: str) -> exp.Select:
        """The card over ``table``, the values the engine extracted (``_row``,
        ``entity``, ``year``, ``_v<i>``: suspect values left out, gaps filled):
        ``_n<i>`` per leaf, ``_s<j>`` and ``_rank<j>`` per node, in ``_row`` order."""
        self.ctes.append(("_source", exp.select(exp.Star()).from_(_table(table))))
        self.score()
        for j in range(len(self.nodes)):
            self.rank(j)
        return self.out(
            identifier("_row"),
            *(identifier(f"_n{i}") for i in range(len(self.leaves))),
            *(identifier(f"{c}{j}") for c in ("_s", "_rank") for j in range(len(self.nodes))),
        ).order_by(identifier("_row"), copy=False)

    def score(self) -> None:
        """The layers from the source's ``_v<i>`` to the root's score ``_s0``."""
        leaves = range(len(self.leaves))
        self.add({f"_r{i}": self.normalized(i, leaf) for i, leaf in enumerate(self.leaves)})
        self.add({f"_n{i}": clip(identifier(f"_r{i}"), 0, 100) for i in leaves})
        for height in sorted({self.height(node) for node in self.nodes}):
            level = [(self.nodes.index(node), node) for node in self.nodes if self.height(node) == height]
            self.add({f"_c{j}": self.coverage(node) for j, node in level})
            self.add({f"_a{j}": self.aggregate(node) for j, node in level})
            self.add({f"_s{j}": clip(identifier(f"_a{j}"), 0, 100) for j, _ in level})

    def out(self, *columns: exp.Expr) -> exp.Select:
        out = exp.select(*columns).from_(_table(self.ctes[-1][0]), copy=False)
        for name, select in self.ctes:  # each builder call would copy the whole query otherwise
            out = out.with_(exp.to_identifier(name, quoted=True), as_=select, copy=False)
        return out

    def height(self, node: Node) -> int:
        return 1 + max((self.height(c) for c in node.children if isinstance(c, Node)), default=0)

    def source(self) -> exp.Select:
        """The card's rows: entity-years in its filters reporting any indicator,
        each indicator's first reported key as ``_v<i>``."""
        metrics = any(k in self.catalog.metrics for leaf in self.leaves for k in leaf.keys)

        def value(key: str) -> exp.Column:
            return identifier(key, "m" if key in self.catalog.metrics else "w")

        def first(keys: Sequence[str]) -> exp.Expr:
            columns = [value(k) for k in keys]
            return columns[0] if len(columns) == 1 else exp.Coalesce(this=columns[0], expressions=columns[1:])

        entity, year = identifier("entity", "w"), identifier("year", "w")
        query = exp.select(
            exp.alias_(entity, "entity", quoted=True),
            exp.alias_(year, "year", quoted=True),
            *(exp.alias_(first(leaf.keys), f"_v{i}", quoted=True) for i, leaf in enumerate(self.leaves)),
        ).from_(_table(WIDE, "w"))
        if metrics:
            same = exp.and_(
                exp.EQ(this=identifier("entity", "m"), expression=entity.copy()),
                exp.EQ(this=identifier("year", "m"), expression=year.copy()),
            )
            query = query.join(_table(METRICS, "m"), on=same, join_type="LEFT")
        every = [value(k) for leaf in self.leaves for k in leaf.keys]
        kept: list[exp.Expr] = [_present(exp.Coalesce(this=every[0], expressions=every[1:]))]
        card = self.card
        if card.entities:
            kept.append(
                exp.In(this=entity.copy(), expressions=[exp.Literal.string(e) for e in card.entities])
            )
        if card.years:
            kept.append(exp.In(this=year.copy(), expressions=[exp.Literal.number(y) for y in card.years]))
        if card.level:
            of_level = (
                exp.select(identifier("entity"))
                .from_(_table(ENTITIES))
                .where(exp.EQ(this=identifier("attribute"), expression=exp.Literal.string("level")))
                .where(exp.EQ(this=identifier("value"), expression=exp.Literal.string(card.level)))
            )
            kept.append(exp.In(this=entity.copy(), query=exp.Subquery(this=of_level)))
        return query.where(exp.and_(*kept))

    def filled(self) -> exp.Select:
        """Gaps filled as ``impute_*`` fills them: the mean, or the 25th percentile
        of performance (75th for lower-is-better), of the group's reported values."""
        fills: dict[int, exp.Expr] = {}
        for i, leaf in enumerate(self.leaves):
            if not leaf.missing.startswith("impute_"):
                continue
            reported = identifier(f"_v{i}")
            if leaf.missing == "impute_mean":
                fills[i] = exp.Avg(this=reported)
            else:
                fills[i] = exp.PercentileCont(this=reported, expression=number(0.25 if leaf.higher else 0.75))
        partition = self.partition(self.card.normalize_within)
        stats = exp.select(*partition, *(exp.alias_(f, f"_f{i}", quoted=True) for i, f in fills.items()))
        stats = stats.from_(_table("_source"))
        if partition:
            stats = stats.group_by(*partition)
        same_year = exp.EQ(this=identifier("year", "s"), expression=identifier("year", "g"))
        columns: list[exp.Expr] = [identifier("entity", "s"), identifier("year", "s")]
        for i in range(len(self.leaves)):
            v: exp.Expr = identifier(f"_v{i}", "s")
            if i in fills:
                v = exp.Coalesce(this=v, expressions=[identifier(f"_f{i}", "g")])
            columns.append(exp.alias_(v, f"_v{i}", quoted=True))
        grouped = exp.Subquery(this=stats, alias=exp.TableAlias(this=exp.to_identifier("g", quoted=True)))
        return (
            exp.select(*columns)
            .from_(_table("_source", "s"))
            .join(grouped, on=same_year if partition else exp.true(), join_type="LEFT")
        )

    def normalized(self, i: int, leaf: Leaf) -> exp.Expr:
        normalizer = self.methods.normalizers[leaf.normalize]
        assert normalizer.sql is not None  # checked by lacking_sql
        value = identifier(f"_v{i}")
        params = {k: v for k, v in leaf.params.items() if k in normalizer.parameters}
        group = Group(value, self.partition(self.card.normalize_within))
        return _when(_present(value), normalizer.sql(group, leaf.higher, params))

    def weights(self, node: Node) -> list[float]:
        """A data-free weighting's weights, computed once as the engine does."""
        explicit = np.array([c.weight if c.weight is not None else 1.0 for c in node.children])
        weigh = self.methods.weightings[node.weights].weigh
        found = weigh(np.empty((0, len(node.children))), explicit)
        return [float(w) for w in renormalize(np.asarray(found, dtype=np.float64))]

    def coverage(self, node: Node) -> exp.Expr:
        """The weight of the children the row reports."""
        return _sum(
            [
                exp.Case(ifs=[exp.If(this=_present(self.column(c)), true=number(w))], default=number(0))
                for c, w in zip(node.children, self.weights(node), strict=True)
            ]
        )

    def aggregate(self, node: Node) -> exp.Expr:
        """The node's score before clipping: its aggregation over the children
        the row reports, their weights renormalised; NULL below ``min_coverage``."""
        aggregator = self.methods.aggregators[node.aggregate]
        assert aggregator.sql is not None  # checked by lacking_sql
        coverage = identifier(f"_c{self.nodes.index(node)}")
        offset = node.offset if aggregator.takes_offset else 0.0
        scale = (100.0 + offset) / 100.0
        values: list[exp.Expr] = []
        weights: list[exp.Expr] = []
        for child, w in zip(node.children, self.weights(node), strict=True):
            value: exp.Expr = exp.Coalesce(this=self.column(child), expressions=[number(0)])
            if offset:
                value = exp.Div(
                    this=exp.Paren(this=exp.Add(this=value, expression=number(offset))),
                    expression=number(scale),
                    typed=True,
                )
            values.append(exp.Paren(this=value))
            share = exp.Div(this=number(w), expression=coverage.copy(), typed=True)
            weights.append(
                exp.Case(ifs=[exp.If(this=_present(self.column(child)), true=share)], default=number(0))
            )
        score: exp.Expr = exp.Paren(this=aggregator.sql(values, weights))
        if offset:
            score = exp.Sub(this=exp.Mul(this=score, expression=number(scale)), expression=number(offset))
        enough = exp.and_(
            exp.GTE(this=coverage.copy(), expression=number(node.min_coverage - TOLERANCE)),
            exp.GT(this=coverage.copy(), expression=number(0)),
        )
        return _when(enough, score)

    def rank(self, j: int) -> None:
        """``_rank<j>``: competition ranks of node j's score within the rank
        group, scores within 1e-9 of their neighbour in sorted order counting
        as tied (as :func:`vqr_metrics.scoring.tree.ranks`): a run of such
        scores is one cluster, and the rank is 1 + the number of rows in better clusters."""
        score = identifier(f"_s{j}")
        partition = self.partition(self.card.rank_within)
        before = _over(exp.Lag(this=score.copy()), partition, _ordered(score, False))
        start = exp.Case(
            ifs=[
                exp.If(
                    this=exp.or_(
                        _is_null(before),
                        exp.GT(
                            this=exp.Sub(this=score.copy(), expression=before.copy()),
                            expression=number(TOLERANCE),
                        ),
                    ),
                    true=exp.Literal.number(1),
                )
            ],
            default=exp.Literal.number(0),
        )
        self.add({f"_start{j}": _when(_present(score), start)})
        # RANGE (the default frame) sums over tied scores at once, whatever their order
        cluster = _over(exp.Sum(this=identifier(f"_start{j}")), partition, _ordered(score, False))
        self.add({f"_cluster{j}": _when(_present(score), cluster)})
        ranked = _over(exp.Rank(), partition, _ordered(identifier(f"_cluster{j}"), True))
        self.add({f"_rank{j}": _when(_present(identifier(f"_cluster{j}")), ranked)})


def _label(label: str, kind: str) -> str:
    return f"{label} ({kind})" if label in _FIXED else label
