"""The catalog: every table, indicator, metric, check, reader, writer and
scoring method that plugins registered, with the plugin that sent each.

``register`` validates an object the moment a plugin hands it over; a
duplicate id is an error naming both plugins.  ``finish`` resolves formula
names, orders metrics by dependency and rejects cycles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from . import formula as formula_mod
from .errors import FormulaError, PluginError, shown
from .kinds import KINDS as KIND_TABLE
from .model import (
    Aggregator,
    Check,
    FindingRule,
    Indicator,
    Metric,
    Normalizer,
    Reader,
    Table,
    Weighting,
    Writer,
)
from .names import did_you_mean, normalize_name

KINDS = tuple(kind.name for kind in KIND_TABLE)
_TYPES: dict[str, type] = {kind.name: kind.type for kind in KIND_TABLE}
_NAMESPACE = {kind.name: kind.namespace for kind in KIND_TABLE}
_IDENT = {kind.name: kind.ident for kind in KIND_TABLE}


@attrs.frozen
class Origin:
    """Who registered an object: the plugin, and its distribution if any."""

    plugin: str
    distribution: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        if self.distribution:
            version = f" {self.version}" if self.version else ""
            return f"plugin {self.plugin!r} (distribution {self.distribution}{version})"
        return f"plugin {self.plugin!r}"


YOY_SUFFIX = "_yoy"


class Catalog:
    """Everything registered for one run."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        self.origins: dict[tuple[str, str], Origin] = {}
        self.formulas: dict[str, formula_mod.Formula] = {}
        # metric key -> resolved keys of the names its formula uses
        self.dependencies: dict[str, dict[str, str]] = {}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._canonical: dict[str, str] = {}
        # (unknown name, names known then) -> its did-you-mean: difflib over every name is slow
        self._suggestions: dict[tuple[str, int], str] = {}
        self._order: list[str] = []
        self._extra_rows: dict[str, list[Indicator]] = defaultdict(list)
        self._counts: Counter[str] | None = None
        self._yoy_base: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._table_names: dict[str, str] = {}
        self.finished = False

    # --- registration -------------------------------------------------------

    def register(self, kind: str, obj: object, origin: Origin) -> None:
        """Validate and record one object; raises :class:`PluginError` naming the plugin."""
        expected = _TYPES[kind]
        if not isinstance(obj, expected):
            raise PluginError(
                f"{origin} registered {type(obj).__name__} {obj!r:.80} where a {expected.__name__} "
                "is expected"
            )
        if self.finished:
            raise PluginError(f"{origin} registered {kind} after the catalog was finished")
        if isinstance(obj, Table):
            self._register_table(obj, origin)
            return
        ident: str = getattr(obj, _IDENT[kind])
        if isinstance(obj, Metric):
            try:
                self.formulas[obj.key] = formula_mod.parse(obj.formula)
            except FormulaError as exc:
                raise PluginError(f"{origin}: metric {obj.key!r}: {exc}") from None
        self._claim(kind, ident, origin)
        self.items[kind][ident] = obj
        if isinstance(obj, (Indicator, Metric)):
            self._index_names(obj)

    def _register_table(self, table: Table, origin: Origin) -> None:
        self._claim("table", table.key, origin)
        for name in dict.fromkeys(normalize_name(n) for n in (table.name, *table.aliases)):
            other = self._table_names.get(name)
            if other is not None:
                raise PluginError(
                    f"table name {name!r} of {table.key!r} ({origin}) is already used by table {other!r} "
                    f"({self.origins[('table', other)]}); captions would match both"
                )
            self._table_names[name] = table.key
        seen: set[str] = set()
        rows = []
        for row in table.rows:
            if row.key in seen:
                raise PluginError(f"{origin}: table {table.key!r} lists row {row.key!r} twice")
            seen.add(row.key)
            if row.parent is not None and row.parent not in seen:
                raise PluginError(
                    f"{origin}: table {table.key!r} row {row.key!r} names parent {row.parent!r}, "
                    "which is not an earlier row of the table"
                )
            if row.relation != "none" and row.parent is None:
                raise PluginError(
                    f"{origin}: table {table.key!r} row {row.key!r} has relation "
                    f"{row.relation!r} but no parent"
                )
            rows.append(row if row.table == table.key else attrs.evolve(row, table=table.key))
        table = attrs.evolve(table, rows=tuple(rows))
        self.items["table"][table.key] = table
        for row in table.rows:
            self._claim("indicator", row.key, origin)
            self.items["indicator"][row.key] = row
            self._index_names(row)

    def _claim(self, kind: str, ident: str, origin: Origin) -> None:
        space = _NAMESPACE.get(kind, kind)
        for other_kind in KINDS:
            if _NAMESPACE.get(other_kind, other_kind) != space:
                continue
            previous = self.origins.get((other_kind, ident))
            if previous is not None:
                raise PluginError(f"duplicate {kind} id {ident!r}: registered by {previous} and by {origin}")
        self.origins[(kind, ident)] = origin

    def _index_names(self, obj: Indicator | Metric) -> None:
        """Index a key, name and aliases.  Indicator names may repeat, as the
        reports repeat row names (rows are told apart by table and position);
        a metric's name must be its own, or formulas and scorecards naming it
        would be ambiguous."""
        names = list(dict.fromkeys(normalize_name(n) for n in [obj.name, *getattr(obj, "aliases", ())]))
        for name in names:
            clash = [k for k in self._by_name.get(name, []) if isinstance(obj, Metric) or k in self.metrics]
            if clash and self.finished is False and not self._generated(obj.key):
                mine = self.origins[("metric" if isinstance(obj, Metric) else "indicator", obj.key)]
                theirs = self.origins.get(("metric", clash[0])) or self.origins[("indicator", clash[0])]
                raise PluginError(
                    f"name {name!r} of {obj.key!r} ({mine}) is already the name of {clash[0]!r} ({theirs}); "
                    "a metric needs a name of its own"
                )
        for name in dict.fromkeys([normalize_name(obj.key), *names]):
            self._by_name[name].append(obj.key)

    def _generated(self, key: str) -> bool:
        return key in self._yoy_base

    # --- finishing ----------------------------------------------------------

    def finish(self, year_over_year: bool = True) -> None:
        """Resolve identities and formula names, add ``<key>_yoy`` metrics,
        order metrics by dependency.  Raises on unknown names and cycles."""
        if self.finished:
            return
        indicators: dict[str, Indicator] = self.items["indicator"]
        self._attach_free_indicators()
        for ind in indicators.values():
            if ind.same_as is None:
                continue
            target = indicators.get(ind.same_as)
            if target is None:
                origin = self.origins[("indicator", ind.key)]
                raise PluginError(
                    f"{origin}: indicator {ind.key!r} is same_as unknown indicator "
                    f"{ind.same_as!r}{did_you_mean(ind.same_as, indicators)}"
                )
        for key in indicators:
            self._canonical[key] = self._follow(key)
        if year_over_year:
            self._add_year_over_year()
        for key in self.items["metric"]:
            self.dependencies[key] = self._resolve_formula(key)
        self._order = self._topological_order()
        self.finished = True
        # What users see is also what they may type: qualified labels resolve too.
        for key in [*self.indicators, *self.metrics]:
            label = normalize_name(self.label(key))
            if key not in self._by_name[label]:
                self._by_name[label].append(key)

    def _attach_free_indicators(self) -> None:
        """Indicators registered on their own name their table by key or
        name; they become rows of it, after the template's own rows."""
        templated = {row.key for table in self.tables.values() for row in table.rows}
        by_name = {
            normalize_name(n): t.key for t in self.tables.values() for n in (t.key, t.name, *t.aliases)
        }
        for key, ind in list(self.indicators.items()):
            if key in templated:
                continue
            origin = self.origins[("indicator", key)]
            if ind.table:
                table_key = by_name.get(normalize_name(ind.table))
                if table_key is None:
                    raise PluginError(
                        f"{origin}: indicator {key!r} names unknown table {ind.table!r}"
                        f"{did_you_mean(ind.table, [t.name for t in self.tables.values()])}"
                    )
                ind = attrs.evolve(ind, table=table_key)
                self.indicators[key] = ind
                self._extra_rows[table_key].append(ind)
            if ind.parent is not None and ind.parent not in self.indicators:
                raise PluginError(
                    f"{origin}: indicator {key!r} names unknown parent {ind.parent!r}"
                    f"{did_you_mean(ind.parent, self.indicators)}"
                )

    def _follow(self, key: str) -> str:
        seen = [key]
        indicators: dict[str, Indicator] = self.items["indicator"]
        while (nxt := indicators[seen[-1]].same_as) is not None:
            if nxt in seen:
                raise PluginError(f"same_as cycle among indicators: {' -> '.join([*seen, nxt])}")
            seen.append(nxt)
        return seen[-1]

    def _add_year_over_year(self) -> None:
        yoy = Origin("vqr_metrics.engine")
        bases: list[Indicator | Metric] = [
            ind for ind in self.items["indicator"].values() if ind.same_as is None
        ]
        bases += list(self.items["metric"].values())
        for base in bases:
            key = base.key + YOY_SUFFIX
            if ("metric", key) in self.origins or ("indicator", key) in self.origins:
                continue
            metric = Metric(
                key=key,
                name=f"{base.name}同比增长率",
                formula=f"({base.key} - prev({base.key})) / prev({base.key}) * 100",
                unit="%",
                table=base.table,
                description=f"year-over-year change of {base.key}",
            )
            self.origins[("metric", key)] = yoy
            self._yoy_base[key] = base.key
            self.items["metric"][key] = metric
            self.formulas[key] = formula_mod.parse(metric.formula)
            self._index_names(metric)

    def _resolve_formula(self, key: str) -> dict[str, str]:
        parsed = self.formulas[key]
        resolved: dict[str, str] = {}
        try:
            for name in parsed.names:
                resolved[name] = self.resolve(name)
            formula_mod.infer_unit(parsed, lambda name: self.get(resolved[name]).unit)
        except FormulaError as exc:
            origin = self.origins[("metric", key)]
            raise FormulaError(f"metric {key!r} ({origin}): {exc}") from None
        return resolved

    def _topological_order(self) -> list[str]:
        metrics = self.items["metric"]
        deps = {key: sorted({d for d in self.dependencies[key].values() if d in metrics}) for key in metrics}
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done

        def visit(key: str, stack: list[str]) -> None:
            if state.get(key) == 2:
                return
            if state.get(key) == 1:
                cycle = [*stack[stack.index(key) :], key]
                raise FormulaError(f"metrics depend on each other in a cycle: {' -> '.join(cycle)}")
            state[key] = 1
            stack.append(key)
            for dep in deps[key]:
                visit(dep, stack)
            stack.pop()
            state[key] = 2
            order.append(key)

        for key in sorted(metrics):
            visit(key, [])
        return order

    # --- lookup -------------------------------------------------------------

    def resolve(self, name: str, canonical: bool = True) -> str:
        """The key a formula name, Chinese name, alias or key refers to.
        Twins resolve to their canonical indicator; with ``canonical=False`` a
        name printed by only one twin resolves to that twin's own row, so
        readers keep which table a figure came from."""
        keys = list(dict.fromkeys(self._by_name.get(normalize_name(name), [])))
        if not canonical and len(keys) == 1:
            return keys[0]
        canon = list(dict.fromkeys(self._canonical.get(k, k) for k in keys))
        if len(canon) == 1:
            return canon[0]
        if not canon:
            asked = (name, len(self._by_name))
            if asked not in self._suggestions:
                self._suggestions[asked] = did_you_mean(name, [n for n in self._by_name if n])
            raise FormulaError(f"unknown indicator or metric {shown(name)}{self._suggestions[asked]}")
        raise FormulaError(f"name {name!r} is ambiguous; use one of the keys {', '.join(sorted(canon))}")

    def in_edition(self, key: str, year: int) -> bool:
        """Whether an indicator (and its table) or metric exists in the report
        edition of ``year`` (their ``since``/``until``)."""
        item = self.get(key)
        table = self.tables.get(item.table)
        return item.applies_to(year) and (table is None or table.applies_to(year))

    def canonical(self, key: str) -> str:
        return self._canonical.get(key, key)

    def get(self, key: str) -> Indicator | Metric:
        """The indicator or metric with this key."""
        found = self.items["indicator"].get(key) or self.items["metric"].get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def label(self, key: str) -> str:
        """The Chinese name users see for a key, qualified when several rows
        print that name: a row repeating its parent's name in another unit gets
        the unit (教学计划内课程总数（学时）), a row under a parent gets the
        parent's label (专业教学资源库数—国家级数量—接入国家智慧教育平台数量),
        others their table's name."""
        cached = self._labels.get(key)
        if cached is None:
            cached = self._label(key)
            if self.finished:
                self._labels[key] = cached
        return cached

    def _label(self, key: str) -> str:
        base = self._yoy_base.get(key)
        if base is not None:
            return f"{self.label(base)}同比增长率"
        item = self.get(key)
        if not isinstance(item, Indicator) or self._name_counts()[normalize_name(item.name)] <= 1:
            return item.name
        if self._same_name_pair(item):
            return f"{item.name}（{item.unit}）"
        if item.parent is not None:
            return f"{self.label(item.parent)}—{item.name}"
        table = self.tables.get(item.table)
        return f"{item.name}（{table.name}）" if table else item.name

    def _same_name_pair(self, item: Indicator) -> bool:
        """Whether ``item`` and its parent or a child print one name in two units."""
        name = normalize_name(item.name)
        if item.parent is not None and normalize_name(self.indicators[item.parent].name) == name:
            return True
        return any(normalize_name(child.name) == name for child in self.children(item.key))

    def _name_counts(self) -> Counter[str]:
        if self._counts is None or not self.finished:
            # Twins share a name on purpose; count each quantity once.
            names = {(normalize_name(i.name), self.canonical(k)) for k, i in self.indicators.items()}
            self._counts = Counter(name for name, _ in names)
        return self._counts

    @property
    def tables(self) -> dict[str, Table]:
        return self.items["table"]

    @property
    def indicators(self) -> dict[str, Indicator]:
        return self.items["indicator"]

    @property
    def metrics(self) -> dict[str, Metric]:
        return self.items["metric"]

    @property
    def checks(self) -> dict[str, Check]:
        return self.items["check"]

    @property
    def rules(self) -> dict[str, FindingRule]:
        return self.items["rule"]

    @property
    def readers(self) -> dict[str, Reader]:
        return self.items["reader"]

    @property
    def writers(self) -> dict[str, Writer]:
        return self.items["writer"]

    @property
    def normalizers(self) -> dict[str, Normalizer]:
        return self.items["normalizer"]

    @property
    def weightings(self) -> dict[str, Weighting]:
        return self.items["weighting"]

    @property
    def aggregators(self) -> dict[str, Aggregator]:
        return self.items["aggregator"]

    def origin(self, kind: str, ident: str) -> Origin:
        """The plugin that registered ``ident`` of ``kind``."""
        return self.origins[(kind, ident)]

    def metric_order(self) -> list[str]:
        """Metric keys, each after every metric it depends on."""
        return list(self._order)

    def rows_of(self, table_key: str) -> tuple[Indicator, ...]:
        """A table's rows in printed order, then indicators added to it."""
        table: Table = self.items["table"][table_key]
        return table.rows + tuple(self._extra_rows.get(table_key, ()))

    def children(self, key: str) -> Iterator[Indicator]:
        """Rows declared with ``parent=key``."""
        for ind in self.items["indicator"].values():
            if ind.parent == key:
                yield ind

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """The ids a plugin registered, by kind."""
        out: dict[str, list[str]] = defaultdict(list)
        for (kind, ident), origin in self.origins.items():
            if origin.plugin == plugin:
                out[kind].append(ident)
        return dict(out)

    def ids(self, kind: str) -> Iterable[str]:
        return self.items[kind].keys()
