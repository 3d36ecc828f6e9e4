"""``run(config)``: the one way through.  The CLI and the library both call it.

inputs → readers → dataset → metrics → checks → scoring → Result
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import pluggy
import pyarrow as pa
import pyarrow.compute as pc

from . import scoring
from .arrow import TEXT, constant, distinct
from .catalog import Catalog
from .config import Config, load_config
from .dataset import build_dataset
from .declarative import declarations_plugin
from .engine import evaluate_metrics, run_checks
from .errors import ConfigError, InputError, PluginError, VqrError, guarded
from .findings import FindingBuilder, Findings
from .model import Finding, InputSpec, Provenance, Reader, ReadOutput, Writer
from .names import did_you_mean
from .pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager
from .progress import steps
from .result import Result, summarize
from .statements import compare, empty_statements
from .statements import counts as statement_counts
from .suspect import mark_suspects
from .values import collect_values


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
    catalog = build_catalog(pm or plugin_manager_for(config), year_over_year=config.year_over_year)
    defaults = {
        name: default for check in catalog.items["check"].values() for name, default in check.options.items()
    }
    for key, value in config.checks.items():
        if key not in defaults:
            raise ConfigError(
                f"{config.source}: unknown key {key!r} in [checks]{did_you_mean(key, defaults)}"
            )
        if not _same_kind(value, defaults[key]):
            raise ConfigError(
                f"{config.source}: [checks].{key} must be {_kind(defaults[key])} like its default "
                f"{defaults[key]!r}, not {value!r}"
            )
    for check_id in config.disabled_checks:
        if check_id not in catalog.items["check"]:
            raise ConfigError(
                f"{config.source}: [checks].disable names unknown check {check_id!r}"
                f"{did_you_mean(check_id, catalog.items['check'])}"
            )
    output_format(catalog, config)
    return catalog


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _same_kind(value: object, default: object) -> bool:
    """Whether a configured option value has the type of its default."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and math.isfinite(value)
    return isinstance(value, type(default))


def output_format(catalog: Catalog, config: Config, prefer_suffix: bool = False) -> str:
    """The writer id a config asks for: ``format`` if set, else the writer
    whose suffix the output path has, else ``table``.  ``prefer_suffix``
    lets the path's suffix win over a configured format (``-o x.json``)."""
    fmt = config.output.format
    if (fmt is None or prefer_suffix) and config.output.path:
        suffix = Path(config.output.path).suffix.lower()
        by_suffix = [w.id for w in catalog.items["writer"].values() if suffix in w.suffixes]
        fmt = by_suffix[0] if by_suffix else fmt
    fmt = fmt or "table"
    writer_of(catalog, fmt, config.source)
    return fmt


def writer_of(catalog: Catalog, fmt: str, source: str) -> Writer:
    writers = catalog.items["writer"]
    if fmt not in writers:
        raise ConfigError(
            f"{source}: unknown output format {fmt!r}; known: {', '.join(sorted(writers))}"
            f"{did_you_mean(fmt, writers)}"
        )
    writer: Writer = writers[fmt]
    return writer


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
    outputs = [read_input(spec, catalog) for spec in steps(config.inputs, "inputs read", "file")]
    cells = sum(out.cells for out in outputs)
    figure_count = sum(out.figures.num_rows for out in outputs)
    findings = FindingBuilder()
    for out in outputs:
        findings.extend(out.findings)
    attributes = _attributes(config.inputs, outputs)
    figures = pa.concat_tables([out.figures for out in outputs]) if outputs else ()
    statements = pa.concat_tables([out.statements for out in outputs]) if outputs else empty_statements()
    outputs.clear()  # from here on the dataset holds what the figures said
    dataset, merge_findings = build_dataset(figures, catalog, attributes)
    del figures
    dataset.statements = statements
    findings.extend(merge_findings)
    findings.extend(evaluate_metrics(dataset, catalog))
    try:
        findings.extend(run_checks(dataset, catalog, config.checks, config.disabled_checks))
    except ConfigError as exc:  # a check rejecting the value of its option
        raise ConfigError(f"{config.source}: {exc}") from None
    mark_suspects(dataset, catalog, findings.build())  # before scoring: suspect values never pass
    prose = statement_counts(compare(statements, dataset))  # before scorecards impute values
    outcome = plan.run(dataset)
    findings.extend(outcome.findings)
    values = collect_values(dataset, catalog)
    found = findings.build()
    summary = summarize([spec.path for spec in config.inputs], cells, figure_count, values, found, prose)
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


def write(result: Result, fmt: str, out: IO[bytes]) -> None:
    """Write the result in output format ``fmt`` (a writer id) to the binary stream ``out``."""
    assert result.catalog is not None
    writer: Writer = writer_of(result.catalog, fmt, "--format")
    origin = result.catalog.origins[("writer", writer.id)]

    def writing(result: Result, out: IO[bytes]) -> None:
        try:
            writer.write(result, out)
        except OSError as exc:  # the stream failed (full disk, closed pipe): not the plugin's fault
            raise _StreamFailed(exc) from None

    try:
        guarded(f"writer {writer.id!r} ({origin})", writing, result, out)
    except _StreamFailed as failed:
        raise failed.error from None


class _StreamFailed(VqrError):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def render(result: Result, fmt: str) -> str | bytes:
    """The result in output format ``fmt``, in memory: text for text formats."""
    assert result.catalog is not None
    buffer = io.BytesIO()
    write(result, fmt, buffer)
    data = buffer.getvalue()
    return data if writer_of(result.catalog, fmt, "--format").binary else data.decode("utf-8")


def reader_for(spec: InputSpec, catalog: Catalog) -> Reader:
    """The reader an input names with ``format``, else the one its suffix
    and first bytes select."""
    readers: dict[str, Reader] = catalog.items["reader"]
    if spec.format:
        if spec.format not in readers:
            raise ConfigError(
                f"input {spec.path}: unknown format {spec.format!r}; known: "
                f"{', '.join(sorted(readers))}{did_you_mean(spec.format, readers)}"
            )
        return readers[spec.format]
    suffix = Path(spec.path).suffix.lower()
    candidates = [r for r in readers.values() if suffix in r.suffixes]
    if not candidates:
        known = sorted({s for r in readers.values() for s in r.suffixes})
        raise InputError(
            f"input {spec.path}: no reader for {suffix or 'files without a suffix'}; "
            f'known suffixes: {", ".join(known)} (or set format = "...")'
        )
    if len(candidates) > 1:
        head = _head(spec.path)
        sniffed = [
            r
            for r in candidates
            if r.sniff is not None
            and guarded(
                f"reader {r.id!r} ({catalog.origins[('reader', r.id)]}) sniffing {spec.path}", r.sniff, head
            )
        ]
        candidates = sniffed or [r for r in candidates if r.sniff is None] or candidates
    return candidates[0]


def read_input(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    path = Path(spec.path)
    in_memory = "data" in spec.options
    if path.is_dir() and not in_memory:
        raise InputError(f"input {spec.path} is a folder, not a file")
    if not path.is_file() and not in_memory:
        raise InputError(f"input {spec.path} does not exist")
    reader = reader_for(spec, catalog)
    origin = catalog.origins[("reader", reader.id)]
    out = guarded(f"reader {reader.id!r} ({origin}) on {spec.path}", reader.read, spec, catalog)
    if not isinstance(out, ReadOutput):
        raise PluginError(f"reader {reader.id!r} ({origin}) returned {type(out).__name__}, not a ReadOutput")
    if out.figures.num_rows and not pc.all(pc.is_finite(out.figures["value"])).as_py():
        raise PluginError(f"reader {reader.id!r} ({origin}) returned a figure that is not a finite number")
    values, cell_findings = out.figures.num_rows, out.findings.cell_count()
    if out.cells != values + cell_findings:
        raise PluginError(
            f"reader {reader.id!r} ({origin}) lost track of cells in {spec.path}: it read {out.cells} "
            f"but returned {values} values and {cell_findings} cell findings"
        )
    if spec.entity:
        out = _as_one_entity(out, spec)
    if values == 0 and out.cells:  # (a reader says so itself when it finds no cell at all)
        out = attrs.evolve(out, findings=_with(out.findings, _no_figures(spec.path, out.cells)))
    return out


# The rules of the findings that say an input yielded no figure: the command line repeats them on stderr.
EMPTY_INPUT_RULES = ("no_tables", "no_figures")


def _no_figures(path: str, cells: int) -> Finding:
    return Finding(
        "warning",
        "no_figures",
        f"{path}: no figure read: each of its {cells} cell(s) is blank or unreadable (see their findings)",
        provenance=(Provenance(path),),
    )


def _with(findings: Findings, finding: Finding) -> Findings:
    builder = FindingBuilder()
    builder.extend(findings)
    builder.add(finding)
    return builder.build()


def empty_inputs(result: Result) -> list[str]:
    """The messages of the findings that say an input yielded no figure."""
    table = result.findings.to_arrow()
    rules = table["rule"].cast(pa.string())
    return [str(m) for m in table.filter(pc.is_in(rules, pa.array(EMPTY_INPUT_RULES)))["message"].to_pylist()]


def _as_one_entity(out: ReadOutput, spec: InputSpec) -> ReadOutput:
    """``entity = …`` on an input: everything it holds belongs to that entity.
    Attributes the file gave its entities differently are reported, not merged silently."""
    assert spec.entity is not None
    merged: dict[str, str] = {}
    notes: list[Finding] = []
    for name, attributes in out.entities.items():
        for attribute, value in attributes.items():
            if merged.setdefault(attribute, value) != value:
                notes.append(
                    Finding(
                        "warning",
                        "attribute_conflict",
                        f"input {spec.path}: entity = {spec.entity!r} folds entities whose {attribute} "
                        f"differs ({merged[attribute]!r}, {value!r} for {name}); kept {merged[attribute]!r}",
                        entity=spec.entity,
                    )
                )
    figures = out.figures.set_column(
        out.figures.schema.get_field_index("entity"),
        "entity",
        constant(spec.entity, out.figures.num_rows),
    )
    table = out.findings.to_arrow(rendered=False)
    column = table.schema.get_field_index("entity")
    given = table["entity"].cast(pa.string())
    entity = pc.if_else(pc.is_null(given), given, pa.scalar(spec.entity)).cast(TEXT)
    findings = FindingBuilder()
    findings.extend(Findings(table.set_column(column, "entity", entity)))
    findings.extend(notes)
    statements = out.statements.set_column(
        0, "entity", pa.array([spec.entity] * out.statements.num_rows, pa.string())
    )
    return attrs.evolve(
        out,
        figures=figures,
        findings=findings.build(),
        entities={spec.entity: merged} if out.entities else {},
        statements=statements,
    )


def _head(path: str, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(f"input {path}: cannot read: {exc.strerror or exc}") from None


def _attributes(specs: Iterable[InputSpec], outputs: Iterable[ReadOutput]) -> dict[str, dict[str, str]]:
    """Entity attributes (level, type) from the readers, then the config."""
    attributes: dict[str, dict[str, str]] = {}
    for spec, out in zip(specs, outputs, strict=True):
        entities = set(out.entities) | distinct(out.figures["entity"])
        for entity in entities:
            attrs_of = attributes.setdefault(entity, {})
            attrs_of.update(out.entities.get(entity, {}))
            if spec.level:
                attrs_of["level"] = spec.level
            if "type" in spec.options:
                attrs_of["type"] = str(spec.options["type"])
    return attributes


__all__ = [
    "empty_inputs",
    "plugin_manager_for",
    "prepare",
    "read_input",
    "reader_for",
    "render",
    "run",
    "write",
]
