"""``vqr-score indicators | metrics | tables | plugins``: what the loaded plugins register."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .parsing import PROG, Parser, parser

if TYPE_CHECKING:
    import pluggy

    from ..catalog import Catalog

FORMATS = ("table", "markdown", "csv", "json")
_WHAT = {
    "indicators": "every indicator the tables print: key, name as printed, unit, table, source plugin",
    "metrics": "every derived metric: key, name, unit, table, formula, source plugin",
    "tables": "every table: key, name as printed, other printed names, rows, source plugin",
    "plugins": "every plugin loaded: source, distribution, hooks and what it registers",
}


def listing_parser(command: str) -> Parser:
    made = parser(
        f"{PROG} {command}",
        f"List {_WHAT[command]}.",
        f"  {PROG} {command}\n  {PROG} {command} --format csv > {command}.csv\n"
        f"  {PROG} {command} --config configs/example.toml   with the plugins a config names\n",
    )
    made.add_argument("--config", help="also load the plugins (and declarations) this config names")
    made.add_argument("-f", "--format", choices=FORMATS, default="table", help="how to print the list")
    if command == "metrics":
        made.add_argument(
            "--all", action="store_true", help="also the <key>_yoy 同比增长率 metric made for every indicator"
        )
    return made


def main(command: str, args: list[str]) -> int:
    from .output import print_text
    from .score import Session

    ns = listing_parser(command).parse_args(args)
    session = Session(ns, ns.config)
    catalog = _catalog(session.config, session.pm, bool(ns.config))
    headers, rows = _ROWS[command](catalog, session.pm, ns)
    # the plugins' lists of what they register wrap rather than run off the terminal
    widths = [None, None, None, 30, 30, 50] if command == "plugins" else None
    print_text(render(headers, rows, ns.format, widths))
    return 0


def _catalog(config: Any, pm: pluggy.PluginManager, with_config: bool) -> Catalog:
    from ..api import prepare
    from ..pluginmanager import build_catalog

    return prepare(config, pm) if with_config else build_catalog(pm)


def render(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, widths: list[int | None] | None = None
) -> str:
    """A list as a terminal table, Markdown, CSV (UTF-8 with BOM, for Excel) or JSON records."""
    if fmt == "json":
        return (
            json.dumps([dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return "\ufeff" + out.getvalue()
    from tabulate import tabulate

    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "markdown":
        return tabulate(cells, headers=headers, tablefmt="github") + "\n"
    return tabulate(cells, headers=headers, maxcolwidths=widths) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _table_name(catalog: Catalog, key: str) -> str:
    table = catalog.tables.get(key)
    return table.name if table else key


def _indicators(catalog: Catalog, pm: Any, ns: argparse.Namespace) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            key,
            ind.name,
            catalog.label(key),
            ind.unit,
            _table_name(catalog, ind.table),
            "",
            catalog.origin("indicator", key).plugin,
        ]
        for key, ind in catalog.indicators.items()
    ]
    return ["key", "name", "label", "unit", "table", "formula", "plugin"], rows


def _metrics(catalog: Catalog, pm: Any, ns: argparse.Namespace) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            key,
            metric.name,
            metric.unit,
            _table_name(catalog, metric.table) if metric.table else "",
            metric.formula,
            catalog.origin("metric", key).plugin,
        ]
        for key, metric in catalog.metrics.items()
        if ns.all or catalog.derived_from(key) is None  # derived families (every _yoy) on --all only
    ]
    return ["key", "name", "unit", "table", "formula", "plugin"], rows


def _tables(catalog: Catalog, pm: Any, ns: argparse.Namespace) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            key,
            table.name,
            list(table.aliases),
            len(catalog.rows_of(key)),
            catalog.origin("table", key).plugin,
        ]
        for key, table in catalog.tables.items()
    ]
    return ["key", "name", "aliases", "rows", "plugin"], rows


def _plugins(catalog: Catalog, pm: Any, ns: argparse.Namespace) -> tuple[list[str], list[list[Any]]]:
    from ..pluginmanager import plugin_infos

    rows = []
    for info in plugin_infos(pm):
        registered = catalog.registered_by(info.name)
        parts = [
            f"{kind}s: {', '.join(sorted(ids))}"
            for kind, ids in sorted(registered.items())
            if kind != "indicator"
        ]
        if "indicator" in registered:
            parts.append(f"indicators: {len(registered['indicator'])}")
        rows.append(
            [
                info.name,
                info.source,
                f"{info.distribution or '-'} {info.version or ''}".strip(),
                [h.removeprefix("register_") for h in info.hooks],
                [catalog.tables[key].name for key in registered.get("table", [])],
                "; ".join(parts),
            ]
        )
    return ["plugin", "source", "distribution", "hooks", "tables", "registers"], rows


_ROWS = {"indicators": _indicators, "metrics": _metrics, "tables": _tables, "plugins": _plugins}
