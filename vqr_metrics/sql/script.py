"""The SQL a config makes: every view in order, headed by what runs in the database and what in the engine."""

from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog
from ..config import Config
from .findings import FINDINGS, finding_views, options_of
from .scores import ENTITIES, score_views
from .views import SOURCE, View, views


def all_views(catalog: Catalog, config: Config) -> tuple[list[View], list[str]]:
    """The views of ``config`` (figures, metrics, relational findings, scorecards),
    each after the views it reads, and what of the config runs in the engine."""
    options = options_of(catalog, config)
    made = [*views(catalog), *finding_views(catalog, options)]
    scores, notes = score_views(catalog, config)
    in_engine = [c for c in sorted(catalog.checks) if c in options and catalog.checks[c].sql is None]
    if in_engine:
        notes.insert(0, f"checks without an SQL form: {', '.join(in_engine)}")
    if config.compliance:
        notes.append("compliance rules (they judge values the findings make suspect)")
    return [*made, *scores], notes


def script(catalog: Catalog, config: Config, dialect: str, *, materialize: bool = False) -> str:
    """Every view of ``config`` as SQL text of ``dialect`` (temporary tables to ``materialize``)."""
    made, notes = all_views(catalog, config)
    sql = [
        f"-- vqr-metrics views ({dialect}) of {config.source}.",
        f"-- They read a table {SOURCE} in the readers' figures layout (entity, year, key, value,",
        "-- file, line, raw, table, column) and, for scorecards with a level or type, a table",
        f"-- {ENTITIES} (entity, attribute, value).",
        "-- Runs here: the figures long and wide, every metric by dependency level and by table,",
        f"-- the relational findings ({FINDINGS}: which rows each check flags; the engine words",
        "-- them and cites their cells) and the scorecards whose methods have an SQL form.",
        "-- Runs in the engine (vqr-score CONFIG.toml), from these results:",
        *(f"--   {note}" for note in notes or ["nothing else"]),
        "",
    ]
    # On Spark a materialized view is a table that stays: only the ones other views read
    read = {t.name for view in made for t in view.query.find_all(exp.Table)}
    return (
        "\n".join(sql)
        + "\n"
        + "\n".join(
            view.sql(dialect, materialize=materialize and (dialect != "spark" or view.name in read))
            for view in made
        )
    )
