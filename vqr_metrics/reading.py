"""The reading stage: each input's reader chosen (format, suffix, sniffing), run and held to account.

A reader must return finite figures and account for every cell it read, as
a value or a finding; ``entity = …`` on an input folds what it holds into
that entity.  :func:`read_inputs` reads every input of a config into the
columns the dataset is built from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import attrs
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import TEXT, constant, distinct
from .catalog import Catalog
from .errors import ConfigError, InputError, PluginError, guarded
from .findings import FindingBuilder, Findings
from .model import Finding, InputSpec, Provenance, Reader, ReadOutput
from .names import did_you_mean
from .progress import steps
from .result import Result
from .statements import empty_statements


@attrs.frozen
class Inputs:
    """Everything the inputs said, as columns: figures, prose statements,
    entity attributes, the findings of reading and the cell counts."""

    figures: pa.Table | None
    statements: pa.Table
    attributes: dict[str, dict[str, str]]
    findings: Findings
    cells: int
    figure_count: int
    # Which inputs the run's backend scanned and which the readers parsed, and why (summary.ran).
    read_by: str = ""


def read_inputs(specs: Sequence[InputSpec], catalog: Catalog, scan: str = "numpy") -> Inputs:
    """Read every input, in order, with a progress bar on a terminal; ``scan``
    is the run's backend, which a reader may let scan its file."""
    specs = [attrs.evolve(spec, scan=scan) for spec in specs]
    outputs = [read_input(spec, catalog) for spec in steps(specs, "inputs read", "file")]
    findings = FindingBuilder()
    for out in outputs:
        findings.extend(out.findings)
    return Inputs(
        figures=pa.concat_tables([out.figures for out in outputs]) if outputs else None,
        statements=pa.concat_tables([out.statements for out in outputs]) if outputs else empty_statements(),
        attributes=_attributes(specs, outputs),
        findings=findings.build(),
        cells=sum(out.cells for out in outputs),
        figure_count=sum(out.figures.num_rows for out in outputs),
        read_by=_read_by(specs, outputs),
    )


def _read_by(specs: Sequence[InputSpec], outputs: Sequence[ReadOutput]) -> str:
    """``duckdb: a.csv, b.parquet; readers: c.csv (GBK), d.txt``."""
    scanned = [s.path for s, out in zip(specs, outputs, strict=True) if out.scan == s.scan]
    parsed = [
        f"{s.path} ({out.scan})" if out.scan else s.path
        for s, out in zip(specs, outputs, strict=True)
        if out.scan != s.scan
    ]
    parts = [f"{specs[0].scan}: {', '.join(scanned)}"] if scanned else []
    return "; ".join(parts + ([f"readers: {', '.join(parsed)}"] if parsed else []))


def reader_for(spec: InputSpec, catalog: Catalog) -> Reader:
    """The reader an input names with ``format``, else the one its suffix
    and first bytes select."""
    readers: dict[str, Reader] = catalog.readers
    if spec.format:
        if spec.format not in readers:
            raise ConfigError(
                f"input {spec.path}: unknown format {spec.format!r}; known: "
                f"{', '.join(sorted(readers))}{did_you_mean(spec.format, readers)}"
            )
        return readers[spec.format]
    if spec.database is not None:
        scheme = urlsplit(spec.database).scheme.lower()
        by_scheme = [r for r in readers.values() if scheme in r.schemes]
        if not by_scheme:
            known = sorted({s for r in readers.values() for s in r.schemes})
            raise InputError(
                f"input {spec.path}: no reader for databases of scheme {scheme or '(none)'!r}; "
                f"known: {', '.join(known) or 'none'}"
            )
        return by_scheme[0]
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
                f"reader {r.id!r} ({catalog.origin('reader', r.id)}) sniffing {spec.path}", r.sniff, head
            )
        ]
        candidates = sniffed or [r for r in candidates if r.sniff is None] or candidates
    return candidates[0]


def read_input(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    path = Path(spec.path)
    in_memory = "data" in spec.options or spec.database is not None
    if path.is_dir() and not in_memory:
        raise InputError(f"input {spec.path} is a folder, not a file")
    if not path.is_file() and not in_memory:
        raise InputError(f"input {spec.path} does not exist")
    reader = reader_for(spec, catalog)
    origin = catalog.origin("reader", reader.id)
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
