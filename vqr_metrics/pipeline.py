"""``run(config)``: the one way through, composed of the public stage functions; the CLI and library call it.

    inputs → readers → dataset → engine (metrics) → checks → scoring → Result → writers

Each stage lives in its own module and takes what the one before made:
:func:`prepare` loads the plugins into a catalog and checks everything in
the config that names them before any input is read; :func:`~.reading.read_inputs`
reads; :func:`~.dataset.build_dataset` merges figures into columns;
:func:`~.engine.evaluate_metrics` and :func:`~.checking.run_checks` compute;
:mod:`.scoring` scores; :func:`~.values.collect_values` gathers the values
output; :mod:`.writing` writes a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pluggy

from . import scoring
from .catalog import Catalog
from .checking import run_checks, validate_check_options
from .config import Config, load_config
from .declarative import declarations_plugin
from .engine import evaluate_metrics
from .errors import ConfigError
from .findings import FindingBuilder
from .merge import build_dataset
from .model import InputSpec
from .pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager
from .reading import read_inputs
from .result import Result, summarize
from .statements import compare
from .statements import counts as statement_counts
from .suspect import mark_suspects
from .values import collect_values
from .writing import output_format


def plugin_manager_for(
    config: Config,
    *,
    builtins: Sequence[str] = DEFAULT_PLUGINS,
    extra: Iterable[tuple[str, object]] = (),
) -> pluggy.PluginManager:
    """The plugin manager a config asks for: built-ins, entry points unless
    disabled, the config's modules and files, its own declarations, and any
    ``extra`` ``(name, plugin)`` objects (tests, embedding applications)."""
    objects = list(extra)
    if config.declarations:
        objects.append((config.source, declarations_plugin(config.declarations, config.source)))
    return make_plugin_manager(
        builtins,
        entry_points=config.plugins.entry_points,
        modules=config.plugins.modules,
        files=config.plugins.files,
        objects=objects,
    )


def prepare(config: Config, pm: pluggy.PluginManager | None = None) -> Catalog:
    """Load plugins and check everything in the config that names them,
    before any input is read."""
    # [engine] year_over_year = false switches off the built-in year-over-year derivation
    skipped = () if config.year_over_year else ("year_over_year",)
    catalog = build_catalog(pm or plugin_manager_for(config), skip_derivations=skipped)
    validate_check_options(config, catalog)
    output_format(catalog, config)
    if config.backend != "numpy":
        _needs_sql(config)
    return catalog


def _needs_sql(config: Config) -> None:
    """A database backend needs the ``sql`` extra: said before any input is read."""
    try:
        import duckdb  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        raise ConfigError(
            f"{config.source}: [engine] backend = {config.backend!r} needs the sql extra: "
            "pip install 'vqr-metrics[sql]'"
        ) from None


def run(
    config: Config | str | Path,
    *,
    data: Any = None,
    plugin_manager: pluggy.PluginManager | None = None,
) -> Result:
    """Run a config (a :class:`Config` or the path of a TOML file).

    ``data`` adds inputs held in memory: a pandas, polars or Arrow frame in
    the long or wide layout, or a mapping of names to frames (the name is
    what provenance cites; a lone frame is ``<data>``)."""
    if not isinstance(config, Config):
        config = load_config(config)
    if data is not None:
        frames = data.items() if isinstance(data, Mapping) else [("<data>", data)]
        extra = [InputSpec(path=str(name), format="frame", options={"data": f}) for name, f in frames]
        config = attrs.evolve(config, inputs=(*config.inputs, *extra))
    catalog = prepare(config, plugin_manager)
    plan = scoring.prepare_scoring(config, catalog)
    if not config.inputs:  # said after what is wrong in the config itself
        raise ConfigError(f"{config.source}: no inputs: add an [[inputs]] table with a path, or pass data")
    inputs = read_inputs(config.inputs, catalog, config.backend)
    findings = FindingBuilder()
    findings.extend(inputs.findings)
    figures = inputs.figures if inputs.figures is not None else ()
    inputs = attrs.evolve(inputs, figures=None)  # from here on the dataset holds what the figures said
    dataset, merge_findings = build_dataset(figures, catalog, inputs.attributes)
    database = None
    if config.backend != "numpy":  # metrics and relational checks in a database (docs/sql.md)
        from .sql.run import InDatabase

        database = InDatabase(config, catalog, inputs.read_by)
    try:
        if database is not None:
            database.compute_metrics(dataset, figures)
        del figures
        dataset.statements = inputs.statements
        findings.extend(merge_findings)
        findings.extend(evaluate_metrics(dataset, catalog, database.column if database else None))
        computed = database.findings(dataset) if database else {}
        try:
            findings.extend(run_checks(dataset, catalog, config.checks, config.disabled_checks, computed))
        except ConfigError as exc:  # a check rejecting the value of its option
            raise ConfigError(f"{config.source}: {exc}") from None
        mark_suspects(dataset, catalog, findings.build())  # before scoring: suspect values never pass
        outcome = plan.run(dataset, database.scorer if database else None)
    finally:
        if database is not None:
            database.close()
    prose = statement_counts(compare(inputs.statements, dataset))
    findings.extend(outcome.findings)
    values = collect_values(dataset, catalog, outcome.imputations)
    found = findings.build()
    summary = summarize(
        [spec.path for spec in config.inputs],
        inputs.cells,
        inputs.figure_count,
        values,
        found,
        prose,
        database.ran if database else None,
    )
    return Result(
        values=values,
        findings=found,
        summary=summary,
        scorecards=tuple(outcome.scorecards),
        compliance=tuple(outcome.compliance),
        dataset=dataset,
        catalog=catalog,
        config=config,
    )
