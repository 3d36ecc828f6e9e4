"""The catalog: one run's registry, name resolver and metric graph behind one face.

Plugins fill it through ``register`` (validated at once by the
:mod:`.registry`); ``finish`` attaches free indicators to their tables,
resolves twins, applies the registered derivations (year over year …),
resolves formula names and orders metrics by dependency (:mod:`.graph`).
Lookups go through :mod:`.resolver`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from . import formula as formula_mod
from .errors import FormulaError, PluginError
from .graph import Graph
from .model import (
    Aggregator,
    Check,
    Derivation,
    FindingRule,
    Indicator,
    Metric,
    Normalizer,
    Reader,
    Table,
    Weighting,
    Writer,
)
from .registry import Origin, Registry
from .resolver import Resolver

__all__ = ["Catalog", "Origin"]


class Catalog:
    """Everything registered for one run."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.names = Resolver(self.registry)
        self.graph = Graph()
        self.finished = False

    # --- registration -------------------------------------------------------

    def register(self, kind: str, obj: object, origin: Origin) -> None:
        """Validate and record one object; raises :class:`PluginError` naming the plugin."""
        if self.finished:
            raise PluginError(f"{origin} registered {kind} after the catalog was finished")
        if isinstance(obj, Metric):
            try:
                parsed = formula_mod.parse(obj.formula)
            except FormulaError as exc:
                raise PluginError(f"{origin}: metric {obj.key!r}: {exc}") from None
        self.registry.add(kind, obj, origin)
        if isinstance(obj, Metric):
            self.graph.formulas[obj.key] = parsed
            self.names.index(obj)
        elif isinstance(obj, Indicator):
            self.names.index(obj)
        elif isinstance(obj, Table):
            for row in self.tables[obj.key].rows:
                self.names.index(row)

    def finish(self, skip_derivations: Collection[str] = ()) -> None:
        """Attach free indicators, resolve twins, derive metrics (except the
        derivations in ``skip_derivations``), resolve formula names and order
        metrics.  Raises on unknown names and cycles."""
        if self.finished:
            return
        self.registry.attach_free_indicators()
        self.names.follow_twins()
        self._derive(skip_derivations)
        self.graph.build(self.registry, self.names)
        self.finished = True
        self.names.finish()

    def _derive(self, skip: Collection[str]) -> None:
        bases: list[Indicator | Metric] = [i for i in self.indicators.values() if i.same_as is None]
        bases += list(self.metrics.values())
        for derivation_id, derivation in self.derivations.items():
            if derivation_id in skip:
                continue
            origin = self.origin("derivation", derivation_id)
            for base in bases:
                metric = derivation.derive(base)
                if metric is None or metric.key in self.metrics or metric.key in self.indicators:
                    continue
                if not isinstance(metric, Metric):
                    raise PluginError(f"derivation {derivation_id!r} ({origin}) derived {metric!r:.60}")
                self.names.derived_from[metric.key] = base.key
                self.register("metric", metric, origin)

    # --- lookup -------------------------------------------------------------

    def resolve(self, name: str, canonical: bool = True) -> str:
        """The key a formula name, Chinese name, alias, label or key refers to
        (see :meth:`.resolver.Resolver.resolve`)."""
        return self.names.resolve(name, canonical)

    def canonical(self, key: str) -> str:
        return self.names.canonical(key)

    def get(self, key: str) -> Indicator | Metric:
        """The indicator or metric with this key."""
        return self.names.get(key)

    def label(self, key: str) -> str:
        """The Chinese name users see for a key (qualified where names repeat)."""
        return self.names.label(key)

    def derived_from(self, key: str) -> str | None:
        """The key a derived metric (``<key>_yoy`` …) was derived from, if it was."""
        return self.names.derived_from.get(key)

    def in_edition(self, key: str, year: int) -> bool:
        """Whether an indicator (and its table) or metric exists in the report
        edition of ``year`` (their ``since``/``until``)."""
        item = self.get(key)
        table = self.tables.get(item.table)
        return item.applies_to(year) and (table is None or table.applies_to(year))

    @property
    def items(self) -> dict[str, dict[str, Any]]:
        return self.registry.items

    @property
    def origins(self) -> dict[tuple[str, str], Origin]:
        return self.registry.origins

    def origin(self, kind: str, ident: str) -> Origin:
        """The plugin that registered ``ident`` of ``kind``."""
        return self.registry.origins[(kind, ident)]

    @property
    def formulas(self) -> dict[str, formula_mod.Formula]:
        return self.graph.formulas

    @property
    def dependencies(self) -> dict[str, dict[str, str]]:
        """Metric key -> the resolved keys of the names its formula uses."""
        return self.graph.dependencies

    def metric_order(self) -> list[str]:
        """Metric keys, each after every metric it depends on."""
        return list(self.graph.order)

    @property
    def tables(self) -> dict[str, Table]:
        return self.registry.items["table"]

    @property
    def indicators(self) -> dict[str, Indicator]:
        return self.registry.items["indicator"]

    @property
    def metrics(self) -> dict[str, Metric]:
        return self.registry.items["metric"]

    @property
    def checks(self) -> dict[str, Check]:
        return self.registry.items["check"]

    @property
    def rules(self) -> dict[str, FindingRule]:
        return self.registry.items["rule"]

    @property
    def derivations(self) -> dict[str, Derivation]:
        return self.registry.items["derivation"]

    @property
    def readers(self) -> dict[str, Reader]:
        return self.registry.items["reader"]

    @property
    def writers(self) -> dict[str, Writer]:
        return self.registry.items["writer"]

    @property
    def normalizers(self) -> dict[str, Normalizer]:
        return self.registry.items["normalizer"]

    @property
    def weightings(self) -> dict[str, Weighting]:
        return self.registry.items["weighting"]

    @property
    def aggregators(self) -> dict[str, Aggregator]:
        return self.registry.items["aggregator"]

    def rows_of(self, table_key: str) -> tuple[Indicator, ...]:
        """A table's rows in printed order, then indicators added to it."""
        return self.tables[table_key].rows + tuple(self.registry.extra_rows.get(table_key, ()))

    def children(self, key: str) -> Iterator[Indicator]:
        """Rows declared with ``parent=key``."""
        for ind in self.indicators.values():
            if ind.parent == key:
                yield ind

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """The ids a plugin registered, by kind."""
        return self.registry.registered_by(plugin)

    def ids(self, kind: str) -> Iterable[str]:
        return self.registry.ids(kind)
