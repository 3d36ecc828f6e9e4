"""Declarative plugins: tables, indicators and metrics from TOML, no Python.

A file named in ``[plugins] files`` (or the ``[[tables]]``, ``[[indicators]]``
and ``[[metrics]]`` of a config itself) becomes a plugin object that
registers through the same hooks as any Python plugin, so its entries get
the same validation, duplicate detection, dependency ordering and checks.
A table's ``[[tables.rows]]`` are its template rows in printed order, each
with the 序号 it prints (``no``); the built-in table plugins load their own
templates, one TOML file each, the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import read_toml
from .errors import ConfigError
from .model import Indicator, Metric, Table
from .schema import (
    DECLARATIVE_FILE,
    DECLARATIVE_INDICATOR,
    DECLARATIVE_METRIC,
    DECLARATIVE_ROW,
    DECLARATIVE_TABLE,
    Section,
    entries,
    validate,
)


class DeclarativePlugin:
    """A plugin made of declarations; its hooks register what it holds."""

    def __init__(
        self,
        source: str,
        tables: Sequence[Table] = (),
        indicators: Sequence[Indicator] = (),
        metrics: Sequence[Metric] = (),
    ) -> None:
        self.source = source
        self.tables = tuple(tables)
        self.indicators = tuple(indicators)
        self.metrics = tuple(metrics)

    def register_tables(self, register: Callable[[Table], None]) -> None:
        for table in self.tables:
            register(table)

    def register_indicators(self, register: Callable[[Indicator], None]) -> None:
        for indicator in self.indicators:
            register(indicator)

    def register_metrics(self, register: Callable[[Metric], None]) -> None:
        for metric in self.metrics:
            register(metric)

    def __repr__(self) -> str:
        return f"<declarations from {self.source}>"


def load_declarations(path: Path) -> DeclarativePlugin:
    """Read an indicator file (``[[tables]]``, ``[[indicators]]``, ``[[metrics]]``)."""
    data = read_toml(path, "indicator file")
    validate(data, DECLARATIVE_FILE, "the indicator file", str(path))
    return declarations_plugin(
        {k: entries(data, k, str(path)) for k in ("tables", "indicators", "metrics")},
        str(path),
    )


def declarations_plugin(data: Mapping[str, Sequence[Mapping[str, Any]]], source: str) -> DeclarativePlugin:
    """Build the plugin object from already-parsed declarations."""
    tables = [_table(raw, f"tables #{n}", source) for n, raw in enumerate(data.get("tables", ()), 1)]
    indicators = [
        _indicator(raw, DECLARATIVE_INDICATOR, f"indicators #{n}", source)
        for n, raw in enumerate(data.get("indicators", ()), 1)
    ]
    metrics = []
    for n, raw in enumerate(data.get("metrics", ()), 1):
        where = f"metrics #{n}"
        validate(raw, DECLARATIVE_METRIC, where, source)
        extra: dict[str, Any] = {}
        if "bounds" in raw:
            extra["bounds"] = _bounds(raw["bounds"], f"{source}: {where}.bounds")
        metrics.append(
            _build(Metric, {k: v for k, v in raw.items() if k != "bounds"}, where, source, **extra)
        )
    return DeclarativePlugin(source, tables, indicators, metrics)


def _table(raw: Mapping[str, Any], where: str, source: str) -> Table:
    validate(raw, DECLARATIVE_TABLE, where, source)
    rows = [
        _indicator(row, DECLARATIVE_ROW, f"{where}.rows #{m}", source)
        for m, row in enumerate(raw.get("rows", ()), 1)
    ]
    table: Table = _build(Table, {k: v for k, v in raw.items() if k != "rows"}, where, source, rows=rows)
    return table


def _indicator(raw: Mapping[str, Any], schema: Section, where: str, source: str) -> Indicator:
    """An indicator; ``no`` (the 序号 as printed, a string or a whole number) is its ``number``."""
    validate(raw, schema, where, source)
    values = {k: v for k, v in raw.items() if k != "no"}
    if "no" in raw:
        values["number"] = str(raw["no"])
    indicator: Indicator = _build(Indicator, values, where, source)
    return indicator


def _bounds(bounds: Sequence[Any], where: str) -> tuple[float | None, float | None]:
    """``[low, high]``; ``-inf`` or ``inf`` (TOML has no null) leaves that side open."""
    if len(bounds) != 2 or not all(
        b is None or (isinstance(b, (int, float)) and not isinstance(b, bool)) for b in bounds
    ):
        raise ConfigError(f"{where} must be [low, high] (-inf or inf for an open side)")
    low, high = (None if b is None or math.isinf(b) else b for b in bounds)
    return low, high


def _build(cls: Any, raw: Mapping[str, Any], where: str, source: str, **extra: Any) -> Any:
    """The model object of an entry the schema has validated."""
    values = dict(raw)
    for key in ("aliases", "text_columns"):
        if key in values:
            values[key] = tuple(values[key])
    try:
        return cls(**values, **extra)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {where} ({raw.get('key', '?')}): {exc}") from None
