"""``vqr-score rules`` lists the finding rules the plugins register; ``vqr-score explain RULE`` shows one."""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any

from ..names import did_you_mean
from .listing import FORMATS, render
from .parsing import PROG, Parser, UsageError, parser

if TYPE_CHECKING:
    from ..catalog import Catalog

HEADERS = ["code", "severity", "also", "summary", "action", "plugin"]
# summary and action wrap rather than run off the terminal
_WIDTHS: list[int | None] = [None, None, None, 44, 34, 30]


def rules_parser(command: str) -> Parser:
    if command == "explain":
        made = parser(
            f"{PROG} explain",
            "Show one finding rule: code, severity, what it means, what to do, the plugin that registers it.",
            f"  {PROG} explain source_conflict\n"
            f"  {PROG} explain psych_teacher_staffing --config configs/example.toml\n",
        )
        made.add_argument("rule", help="the rule code, as findings print it in [brackets]")
    else:
        made = parser(
            f"{PROG} rules",
            "List every finding rule: code, severity, what it means, what to do, source plugin.",
            f"  {PROG} rules\n  {PROG} rules --format json\n  {PROG} rules --plugin consistency\n",
        )
        made.add_argument("-f", "--format", choices=FORMATS, default="table", help="how to print the list")
        made.add_argument("--plugin", help="only the rules this plugin registers (full or last name)")
    made.add_argument("--config", help="also load the plugins (and declarations) this config names")
    return made


def main(command: str, args: list[str]) -> int:
    from .listing import _catalog
    from .output import print_text
    from .score import Session

    ns = rules_parser(command).parse_args(args)
    session = Session(ns, ns.config)
    catalog = _catalog(session.config, session.pm, bool(ns.config))
    print_text(explain(catalog, ns.rule) if command == "explain" else listing(catalog, ns))
    return 0


def rows(catalog: Catalog, plugin: str | None = None) -> list[list[Any]]:
    """One row per registered rule (of ``plugin`` only, when given), in registration order."""
    out: list[list[Any]] = [
        [r.code, r.severity, list(r.also), r.summary, r.action, catalog.origin("rule", code).plugin]
        for code, r in catalog.rules.items()
    ]
    if plugin is None:
        return out
    plugins = list(dict.fromkeys(catalog.origin("rule", code).plugin for code in catalog.rules))
    chosen = [p for p in plugins if plugin in (p, p.rsplit(".", 1)[-1], p.split(".", 1)[-1])]
    if not chosen:
        names = [*plugins, *(p.rsplit(".", 1)[-1] for p in plugins)]
        raise UsageError(f"rules: no plugin {plugin!r} registers rules{did_you_mean(plugin, names)}")
    return [row for row in out if row[-1] in chosen]


def listing(catalog: Catalog, ns: argparse.Namespace) -> str:
    widths = _WIDTHS if ns.format == "table" else None
    return render(HEADERS, rows(catalog, ns.plugin), ns.format, widths)


def explain(catalog: Catalog, code: str) -> str:
    """What ``vqr-score explain`` prints; an unknown code is a usage error with a did-you-mean."""
    rule = catalog.rules.get(code)
    if rule is None:
        raise UsageError(f"explain: no finding rule {code!r}{did_you_mean(code, catalog.rules)}")
    severity = " or ".join(rule.severities)
    lines = [
        f"{rule.code} ({severity})",
        "",
        textwrap.fill(rule.summary, 78, initial_indent="  ", subsequent_indent="  "),
        "",
        textwrap.fill(f"what to do: {rule.action or '-'}", 78, subsequent_indent="  "),
        f"registered by: {catalog.origin('rule', code)}",
    ]
    return "\n".join(lines) + "\n"
