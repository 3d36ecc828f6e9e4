"""The registry: every object plugins registered, in a typed store per kind, with the plugin that sent it.

``register`` validates an object the moment a plugin hands it over: its
type (from :mod:`.kinds`), a duplicate id within its namespace (naming both
plugins), a table's rows (parents before children, relations with parents)
and a table name two tables would share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from .errors import PluginError
from .kinds import KINDS
from .model import Indicator, Table
from .names import did_you_mean, normalize_name

_TYPES: dict[str, type] = {kind.name: kind.type for kind in KINDS}
_NAMESPACE = {kind.name: kind.namespace for kind in KINDS}
_IDENT = {kind.name: kind.ident for kind in KINDS}


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


class Registry:
    """A store per kind (``items[kind][id]``) and the origin of every object."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {kind.name: {} for kind in KINDS}
        self.origins: dict[tuple[str, str], Origin] = {}
        self.extra_rows: dict[str, list[Indicator]] = defaultdict(list)
        self._table_names: dict[str, str] = {}

    def add(self, kind: str, obj: object, origin: Origin) -> str:
        """Validate and store one object; returns its id."""
        expected = _TYPES[kind]
        if not isinstance(obj, expected):
            raise PluginError(
                f"{origin} registered {type(obj).__name__} {obj!r:.80} where a {expected.__name__} "
                "is expected"
            )
        if isinstance(obj, Table):
            self._add_table(obj, origin)
            return obj.key
        ident: str = getattr(obj, _IDENT[kind])
        self.claim(kind, ident, origin)
        self.items[kind][ident] = obj
        return ident

    def _add_table(self, table: Table, origin: Origin) -> None:
        self.claim("table", table.key, origin)
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
            self.claim("indicator", row.key, origin)
            self.items["indicator"][row.key] = row

    def claim(self, kind: str, ident: str, origin: Origin) -> None:
        """Record ``origin`` for ``ident``, or fail naming both plugins when
        the id is taken in its namespace (indicators and metrics share one)."""
        space = _NAMESPACE[kind]
        for other_kind in self.items:
            if _NAMESPACE[other_kind] != space:
                continue
            previous = self.origins.get((other_kind, ident))
            if previous is not None:
                raise PluginError(f"duplicate {kind} id {ident!r}: registered by {previous} and by {origin}")
        self.origins[(kind, ident)] = origin

    def attach_free_indicators(self) -> None:
        """Indicators registered on their own name their table by key or
        name; they become rows of it, after the template's own rows."""
        tables: dict[str, Table] = self.items["table"]
        indicators: dict[str, Indicator] = self.items["indicator"]
        templated = {row.key for table in tables.values() for row in table.rows}
        by_name = {normalize_name(n): t.key for t in tables.values() for n in (t.key, t.name, *t.aliases)}
        for key, ind in list(indicators.items()):
            if key in templated:
                continue
            origin = self.origins[("indicator", key)]
            if ind.table:
                table_key = by_name.get(normalize_name(ind.table))
                if table_key is None:
                    raise PluginError(
                        f"{origin}: indicator {key!r} names unknown table {ind.table!r}"
                        f"{did_you_mean(ind.table, [t.name for t in tables.values()])}"
                    )
                ind = attrs.evolve(ind, table=table_key)
                indicators[key] = ind
                self.extra_rows[table_key].append(ind)
            if ind.parent is not None and ind.parent not in indicators:
                raise PluginError(
                    f"{origin}: indicator {key!r} names unknown parent {ind.parent!r}"
                    f"{did_you_mean(ind.parent, indicators)}"
                )

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """The ids a plugin registered, by kind."""
        out: dict[str, list[str]] = defaultdict(list)
        for (kind, ident), origin in self.origins.items():
            if origin.plugin == plugin:
                out[kind].append(ident)
        return dict(out)

    def ids(self, kind: str) -> Iterable[str]:
        return self.items[kind].keys()
