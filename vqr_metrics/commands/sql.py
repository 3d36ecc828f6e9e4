"""``vqr-score sql CONFIG.toml``: the config's input figures and metrics as SQL views of a dialect."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .parsing import PROG, Parser, parser


def sql_parser() -> Parser:
    from ..sql.views import DIALECTS

    made = parser(
        f"{PROG} sql",
        "Write SQL views of the input figures (long and wide) and of every metric, in dependency order, "
        "over a table vqr_figures in the readers' figures layout; findings and scorecards still run "
        "in the engine.",
        f"  {PROG} sql configs/example.toml > metrics.sql\n"
        f"  {PROG} sql configs/example.toml --dialect postgres -o metrics.sql\n",
    )
    made.add_argument("config", help="the config whose plugins (and declarations) define the metrics")
    made.add_argument("--dialect", choices=DIALECTS, default="duckdb", help="the SQL dialect to write")
    made.add_argument("-o", "--output", help="write the SQL to this file (default: stdout)")
    return made


def main(command: str, args: list[str]) -> int:
    from ..api import prepare
    from ..sql.views import render
    from .output import print_text, write_file
    from .score import Session

    ns = sql_parser().parse_args(args)
    session = Session(ns, ns.config)
    text = render(prepare(session.config, session.pm), ns.dialect)
    if ns.output:

        def writing(out: IO[bytes]) -> None:
            out.write(text.encode("utf-8"))

        write_file(Path(ns.output), writing)
        session.note(f"wrote {ns.output}")
    else:
        print_text(text)
    return 0
