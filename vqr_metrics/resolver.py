"""Name resolution: names, aliases and labels to keys, twins to their canonical key, and the labels users see.

Indicator names may repeat, as the reports repeat row names (rows are told
apart by table and position); a metric's name must be its own, or formulas
and scorecards naming it would be ambiguous.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .errors import FormulaError, PluginError, shown
from .model import Indicator, Metric
from .names import did_you_mean, normalize_name
from .registry import Registry
from .units import with_unit


class Resolver:
    """The name index of a registry's indicators and metrics."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._canonical: dict[str, str] = {}
        # (unknown name, names known then) -> its did-you-mean: difflib over every name is slow
        self._suggestions: dict[tuple[str, int], str] = {}
        self.derived_from: dict[str, str] = {}  # derived metric key -> its base key
        self._labels: dict[str, str] = {}
        self._counts: Counter[str] | None = None
        self.finished = False

    @property
    def _indicators(self) -> dict[str, Indicator]:
        return self._registry.items["indicator"]

    @property
    def _metrics(self) -> dict[str, Metric]:
        return self._registry.items["metric"]

    def index(self, obj: Indicator | Metric) -> None:
        """Index a key, name and aliases; a metric's name must be its own."""
        names = list(dict.fromkeys(normalize_name(n) for n in [obj.name, *getattr(obj, "aliases", ())]))
        if obj.key not in self.derived_from:
            for name in names:
                clash = [
                    k for k in self._by_name.get(name, []) if isinstance(obj, Metric) or k in self._metrics
                ]
                if clash:
                    origins = self._registry.origins
                    mine = origins[("metric" if isinstance(obj, Metric) else "indicator", obj.key)]
                    theirs = origins.get(("metric", clash[0])) or origins[("indicator", clash[0])]
                    raise PluginError(
                        f"name {name!r} of {obj.key!r} ({mine}) is already the name of {clash[0]!r} "
                        f"({theirs}); a metric needs a name of its own"
                    )
        for name in dict.fromkeys([normalize_name(obj.key), *names]):
            self._by_name[name].append(obj.key)

    def follow_twins(self) -> None:
        """Resolve every ``same_as`` chain to its canonical indicator."""
        indicators = self._indicators
        for ind in indicators.values():
            if ind.same_as is not None and ind.same_as not in indicators:
                origin = self._registry.origins[("indicator", ind.key)]
                raise PluginError(
                    f"{origin}: indicator {ind.key!r} is same_as unknown indicator "
                    f"{ind.same_as!r}{did_you_mean(ind.same_as, indicators)}"
                )
        for key in indicators:
            seen = [key]
            while (nxt := indicators[seen[-1]].same_as) is not None:
                if nxt in seen:
                    raise PluginError(f"same_as cycle among indicators: {' -> '.join([*seen, nxt])}")
                seen.append(nxt)
            self._canonical[key] = seen[-1]

    def finish(self) -> None:
        """What users see is also what they may type: qualified labels resolve too."""
        self.finished = True
        for key in [*self._indicators, *self._metrics]:
            label = normalize_name(self.label(key))
            if key not in self._by_name[label]:
                self._by_name[label].append(key)

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

    def canonical(self, key: str) -> str:
        return self._canonical.get(key, key)

    def get(self, key: str) -> Indicator | Metric:
        found: Indicator | Metric | None = self._indicators.get(key) or self._metrics.get(key)
        if found is None:
            raise KeyError(key)
        return found

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
        item = self.get(key)
        base = self.derived_from.get(key)
        if base is not None:
            base_item = self.get(base)
            added = item.name.removeprefix(base_item.name) if item.name.startswith(base_item.name) else ""
            return f"{self.label(base)}{added}" if added else item.name
        if not isinstance(item, Indicator) or self._name_counts()[normalize_name(item.name)] <= 1:
            return item.name
        if self._same_name_pair(item):
            return with_unit(item.name, item.unit)
        if item.parent is not None:
            return f"{self.label(item.parent)}—{item.name}"
        table = self._registry.items["table"].get(item.table)
        return f"{item.name}（{table.name}）" if table else item.name

    def _same_name_pair(self, item: Indicator) -> bool:
        """Whether ``item`` and its parent or a child print one name in two units."""
        name = normalize_name(item.name)
        if item.parent is not None and normalize_name(self._indicators[item.parent].name) == name:
            return True
        return any(
            normalize_name(child.name) == name
            for child in self._indicators.values()
            if child.parent == item.key
        )

    def _name_counts(self) -> Counter[str]:
        if self._counts is None or not self.finished:
            # Twins share a name on purpose; count each quantity once.
            names = {(normalize_name(i.name), self.canonical(k)) for k, i in self._indicators.items()}
            self._counts = Counter(name for name, _ in names)
        return self._counts
