"""``vqr-score sql CONFIG.toml``: the config's input figures and metrics as SQL views of a dialect."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .parsing import PROG, Parser, parser


def sql_parser() -> Parser:
    from ..sql.views import DIALECTS

    made = parser(
        f"{PROG} sql",
        "Write SQL views of the input figures (long and wide), of every metric in dependency order "
        "and per table, of the relational findings and of the scorecards with an SQL form, over a table "
        "vqr_figures in the readers' figures layout; the file's head says what runs in the engine.",
        f"  {PROG} sql configs/example.toml > metrics.sql\n"
        f"  {PROG} sql configs/example.toml --dialect postgres -o metrics.sql\n",
    )
    made.add_argument("config", help="the config whose plugins (and declarations) define the metrics")
    made.add_argument("--dialect", choices=DIALECTS, default="duckdb", help="the SQL dialect to write")
    made.add_argument("-o", "--output", help="write the SQL to this file (default: stdout)")
    made.add_argument(
        "--materialize",
        action="store_true",
        help="temporary tables for one session instead of views: each computed once, which the "
        "findings and scorecards over hundreds of metrics need in DuckDB",
    )
    return made


def main(command: str, args: list[str]) -> int:
    from ..api import prepare
    from ..sql.script import script
    from .output import print_text, write_file
    from .score import Session

    ns = sql_parser().parse_args(args)
    session = Session(ns, ns.config)
    catalog = prepare(session.config, session.pm)
    text = script(catalog, session.config, ns.dialect, materialize=ns.materialize)
    if ns.output:

        def writing(out: IO[bytes]) -> None:
            out.write(text.encode("utf-8"))

        write_file(Path(ns.output), writing)
        session.note(f"wrote {ns.output}")
    else:
        print_text(text)
    return 0
