"""CSV, JSON and Parquet output, streamed from the result's Arrow tables chunk by chunk.

The CSV and the Parquet file hold one long table whose ``record`` column says
what a row is; :data:`COLUMNS` lists the columns, and the list below which
record fills which.  The CSV is UTF-8 with a byte order mark (Excel needs it
to read UTF-8), its numbers spelt shortest to 15 significant digits
(``0.015``, never ``0.015000000000000001``), its flags 是/否, its text cells
Excel-safe (:mod:`.excel_cells`) and its ``where`` paths relative to the
config's folder; ``[output] layout = "wide"`` (``--layout wide``) writes
entity-year rows × indicator columns instead (:func:`write_wide_csv`).  In
Parquet, ``year`` is an integer, ``value`` a float, the flags booleans, and
``provenance`` the list of sources as structs, so the file reads straight
into pandas, polars, DuckDB or Spark, and back in as an input.  JSON is ``Result.to_records()`` written record
by record, never held as one document.

The ``record`` column says what a row is and which other columns it fills:

- ``summary``: ``key`` (a count of the summary), ``value``.
- ``value``: ``entity``, ``year``, ``key``, ``name`` (as printed, shared by
  rows of several tables), ``label`` (the name as the other outputs show it,
  qualified by its unit, parent or table when several rows print it),
  ``unit``, ``value``, ``derived``, ``imputed``, ``conflicted``, ``suspect``
  (carries an error-level finding or is computed from one), ``where``
  (file:line of each source).
- ``finding``: ``entity``, ``year``, ``name`` (the indicators, `` / ``-joined),
  ``severity``, ``rule``, ``message``, ``where``.
- ``score``: ``scorecard``, ``entity``, ``year``, ``value`` (the score),
  ``rank``, ``coverage``.
- ``dimension``: ``scorecard``, ``entity``, ``year``, ``name`` (the
  dimension), ``value`` (its score), ``rank`` (on it), ``contribution`` (to
  the total).
- ``contribution``: one per scorecard, entity, year and indicator:
  ``scorecard``, ``entity``, ``year``, ``name`` (the indicator's label),
  ``key`` (the metric used), ``value`` (raw), ``status`` (reported, imputed, suspect,
  missing), ``normalized``, ``weight`` (effective, in the total),
  ``contribution`` (to the score; they add up to it).
- ``sensitivity``: ``scorecard``, ``entity``, ``year``, ``value`` and
  ``rank`` (as configured), ``median_rank``, ``rank_p05``, ``rank_p95``,
  ``score_median``, ``score_p05``, ``score_p95``, ``scored_draws``.
- ``sweep``: ``scorecard``, ``node``, ``name`` (the weight scaled),
  ``factor``, ``entity``, ``year``, ``value`` (score), ``rank``, ``rank_change``.
- ``compliance``: one per rule set, entity, year and rule: ``ruleset``,
  ``entity``, ``year``, ``type``, ``rule`` (its id), ``name`` (its name),
  ``key`` (the metric used), ``unit``, ``value``, ``op``, ``threshold``,
  ``status`` (pass, fail, not assessed, inconclusive), ``margin``,
  ``proxy``, ``message`` (the note), ``where`` (the citation).
- ``verdict``: ``ruleset``, ``entity``, ``year``, ``type``, ``verdict``,
  ``card``, ``status`` (determined or undetermined), ``at_least``,
  ``at_most``, ``message`` (the rules failed, not assessed, inconclusive).

In Parquet, a ``value`` or ``finding`` row also has ``provenance``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from vqr_metrics.arrow import PROVENANCE_LIST
from vqr_metrics.model import Writer
from vqr_metrics.result import Result, finding_records, value_records
from vqr_metrics.scoring.results import ComplianceResult, ScorecardResult

from .excel_cells import guard_column, number_text, yes_no
from .wide_layout import wide

COLUMNS = (
    "record",
    "entity",
    "year",
    "key",
    "name",
    "label",
    "unit",
    "value",
    "derived",
    "severity",
    "rule",
    "message",
    "where",
    "scorecard",
    "rank",
    "imputed",
    "conflicted",
    "suspect",
    "coverage",
    "status",
    "normalized",
    "weight",
    "contribution",
    "median_rank",
    "rank_p05",
    "rank_p95",
    "score_median",
    "score_p05",
    "score_p95",
    "scored_draws",
    "node",
    "factor",
    "rank_change",
    "ruleset",
    "type",
    "op",
    "threshold",
    "margin",
    "proxy",
    "verdict",
    "card",
    "at_least",
    "at_most",
)
_TYPED = {
    "year": pa.int32(),
    "value": pa.float64(),
    "derived": pa.bool_(),
    "imputed": pa.bool_(),
    "conflicted": pa.bool_(),
    "suspect": pa.bool_(),
}
# Parquet keeps the sources as structs; the CSV shows them as ``where`` (file:line; …).
SCHEMA = pa.schema(
    [pa.field(c, _TYPED.get(c, pa.string())) for c in COLUMNS] + [pa.field("provenance", PROVENANCE_LIST)]
)
CHUNK = 65_536
_SENSITIVITY = ("median_rank", "rank_p05", "rank_p95", "score_median", "score_p05", "score_p95")


def _section(n: int, columns: Mapping[str, Any]) -> pa.Table:
    """A table of the long layout: ``columns`` given, every other one null."""
    arrays = []
    for field in SCHEMA:
        given = columns.get(field.name)
        if given is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(given, str):
            arrays.append(pa.array([given] * n, field.type))
        else:
            arrays.append(pc.cast(given, field.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _where(provenance: pa.Array | pa.ChunkedArray, relative_to: Path | None = None) -> Any:
    """``file:line; file:line`` of each list of sources (paths relative to ``relative_to``)."""
    if isinstance(provenance, pa.ChunkedArray):
        provenance = provenance.combine_chunks()
    items = provenance.flatten()
    file = _relative(pc.struct_field(items, "file"), relative_to)
    line = pc.cast(pc.struct_field(items, "line"), pa.string())
    each = pc.coalesce(pc.binary_join_element_wise(file, line, ":"), file)
    offsets = pc.subtract(provenance.offsets, provenance.offsets[0])  # a slice's offsets start past 0
    joined = pa.ListArray.from_arrays(offsets, each)
    return pc.binary_join(joined, "; ")


def _relative(files: pa.Array, base: Path | None) -> pa.Array:
    """File names as text, absolute ones relative to ``base`` (each distinct name once)."""
    if base is None:
        return pc.cast(files, pa.string())
    coded = files if pa.types.is_dictionary(files.type) else pc.dictionary_encode(files)
    names = [_relpath(f, base) for f in coded.dictionary.to_pylist()]
    return pc.cast(pa.DictionaryArray.from_arrays(coded.indices, pa.array(names, pa.string())), pa.string())


def _relpath(file: str | None, base: Path) -> str | None:
    if file is None or not os.path.isabs(file):
        return file
    try:
        return Path(os.path.relpath(file, base)).as_posix()
    except ValueError:  # another drive
        return file


def _value_sections(result: Result, relative_to: Path | None = None) -> Iterator[pa.Table]:
    for batch in result.values.batches():
        cols = {name: batch.column(name) for name in batch.schema.names}
        cols["where"] = _where(batch.column("provenance"), relative_to)
        yield _section(batch.num_rows, {"record": "value", **cols})


def _finding_sections(result: Result, relative_to: Path | None = None) -> Iterator[pa.Table]:
    for batch in result.findings.batches(CHUNK):
        cols = {name: batch.column(name) for name in ("entity", "year", "severity", "rule", "message")}
        cols["name"] = pc.binary_join(batch.column("indicators").cast(pa.list_(pa.string())), " / ")
        cols["where"] = _where(batch.column("provenance"), relative_to)
        cols["provenance"] = batch.column("provenance")
        yield _section(batch.num_rows, {"record": "finding", **cols})


def _text(values: Sequence[Any]) -> pa.Array:
    """A column of scoring records as text, numbers spelt shortest (15 significant digits)."""
    try:
        array = pa.array(values)
        return number_text(array) if pa.types.is_floating(array.type) else pc.cast(array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _records_section(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    given = set().union(*(r.keys() for r in rows)) if rows else set()
    return _section(len(rows), {c: _text([r.get(c) for r in rows]) for c in COLUMNS if c in given})


def _in_sections(records: Iterator[dict[str, Any]]) -> Iterator[pa.Table]:
    """Records of a scorecard or rule set, a section of at most ``CHUNK // 4`` at a time."""
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK // 4:
            yield _records_section(chunk)
            chunk = []
    if chunk:
        yield _records_section(chunk)


def _summary_rows(result: Result) -> list[dict[str, Any]]:
    summary = result.summary.to_record()
    counts = {k: v for k, v in summary.items() if isinstance(v, int)}
    counts.update({f"findings_{k}": v for k, v in summary["findings"].items()})
    return [{"record": "summary", "key": name, "value": count} for name, count in counts.items()]


def _score_sections(card: ScorecardResult) -> Iterator[pa.Table]:
    """Score, dimension and contribution records, column-wise; each
    entity-year's score first, then its dimensions, then its indicators."""
    c = card.columns()
    n = len(c.entity)
    step = CHUNK // 8  # a section holds (2 + dimensions + indicators) rows per entity-year
    for start in range(0, n, step):
        part = slice(start, min(start + step, n))
        m = part.stop - part.start
        at = {"scorecard": card.name, "entity": pa.array(c.entity[part]), "year": pa.array(c.year[part])}
        tables = [
            _section(
                m,
                {"record": "score", **at}
                | _numbers(value=c.score, rank=c.rank, coverage=c.coverage, at=part),
            )
        ]
        for label, (score, rank, contribution) in c.dimensions.items():
            numbers = _numbers(value=score, rank=rank, contribution=contribution, at=part)
            tables.append(_section(m, {"record": "dimension", **at, "name": label} | numbers))
        for label, (metric, value, status, normalized, weight, contribution) in c.indicators.items():
            numbers = _numbers(
                value=value, normalized=normalized, weight=weight, contribution=contribution, at=part
            )
            given = {"key": pa.array(metric[part]), "status": pa.array(status[part])}
            tables.append(_section(m, {"record": "contribution", **at, "name": label, **given} | numbers))
        # interleave: row i of every table, then row i + 1
        order = np.arange(m * len(tables)).reshape(len(tables), m).T.reshape(-1)
        yield pa.concat_tables(tables).take(pa.array(order))


def _numbers(at: slice, **columns: Any) -> dict[str, Any]:
    """Float columns as text spelt shortest (15 significant digits), NaN as empty."""
    return {name: number_text(np.asarray(values[at], dtype=np.float64)) for name, values in columns.items()}


def _sensitivity_rows(card: ScorecardResult) -> Iterator[dict[str, Any]]:
    name = card.name
    sensitivity = card.sensitivity or {}
    for r in sensitivity.get("results", []):
        yield (
            {"record": "sensitivity", "scorecard": name, "entity": r["entity"], "year": r["year"]}
            | {
                "value": r["score"],
                "rank": r["rank"],
                "scored_draws": r["scored_draws"],
            }
            | {k: r[k] for k in _SENSITIVITY}
        )
    for r in sensitivity.get("sweep", []):
        yield (
            {"record": "sweep", "scorecard": name, "node": r["node"], "name": r["weight"]}
            | {k: r[k] for k in ("factor", "entity", "year", "rank", "rank_change")}
            | {"value": r["score"]}
        )


def _compliance_rows(block: ComplianceResult) -> Iterator[dict[str, Any]]:
    name = block.name
    for r in block.results():
        yield (
            {"record": "compliance", "ruleset": name, "rule": r.rule_id, "name": r.rule, "key": r.metric}
            | {"entity": r.entity, "year": r.year, "type": r.school_type, "unit": r.unit, "value": r.value}
            | {"op": r.op, "threshold": r.threshold, "status": r.status, "margin": r.margin}
            | {"proxy": r.proxy, "message": r.note, "where": r.source}
        )
    for v in block.verdicts():
        lists = (
            ("failed", v.failed_rules),
            ("not assessed", v.not_assessed_rules),
            ("inconclusive", v.inconclusive_rules),
        )
        yield (
            {"record": "verdict", "ruleset": name, "entity": v.entity, "year": v.year, "type": v.school_type}
            | {"verdict": v.verdict, "card": v.card, "at_least": v.at_least, "at_most": v.at_most}
            | {"status": "determined" if v.determined else "undetermined"}
            | {"message": "; ".join(f"{what}: {'、'.join(names)}" for what, names in lists if names)}
        )


def sections(result: Result, relative_to: Path | None = None) -> Iterator[pa.Table]:
    """The long table, a section at a time: summary, values, findings, scores, compliance."""
    yield _records_section(_summary_rows(result))
    yield from _value_sections(result, relative_to)
    yield from _finding_sections(result, relative_to)
    for card in result.scorecards:
        yield from _score_sections(card)
        yield from _in_sections(_sensitivity_rows(card))
    for block in result.compliance:
        yield from _in_sections(_compliance_rows(block))


def _cells(table: pa.Table) -> pa.Table:
    """A section as spreadsheet cells: text Excel-safe, figures shortest, flags 是/否."""
    columns = []
    for column in table.columns:
        if column.null_count == len(column):  # most columns of a section are empty
            columns.append(
                pa.nulls(len(column), pa.int32() if pa.types.is_integer(column.type) else pa.string())
            )
        elif pa.types.is_boolean(column.type):
            columns.append(yes_no(column))
        elif pa.types.is_floating(column.type):
            columns.append(number_text(column.to_numpy()))
        elif pa.types.is_integer(column.type):
            columns.append(column)
        else:
            columns.append(guard_column(column))
    return pa.table(columns, names=table.column_names)


_CSV_SCHEMA = pa.schema(
    [pa.field(c, pa.int32() if c == "year" else pa.string()) for c in COLUMNS if c != "provenance"]
)


def write_csv(result: Result, out: IO[bytes]) -> None:
    """UTF-8 CSV with a byte order mark: the long table, or the wide one when
    ``[output] layout = "wide"``."""
    out.write("\ufeff".encode())
    if result.config is not None and result.config.output.layout == "wide":
        write_wide_csv(result, out)
        return
    base = result.config.base_dir if result.config is not None else None
    options = pa_csv.WriteOptions(quoting_style="needed")
    with pa_csv.CSVWriter(out, _CSV_SCHEMA, write_options=options) as writer:
        for section in sections(result, relative_to=base):
            writer.write_table(_cells(section.drop_columns(["provenance"])).cast(_CSV_SCHEMA))


def write_wide_csv(result: Result, out: IO[bytes]) -> None:
    """Entity-year rows × input indicator columns (label and unit in the header,
    ``层次``/``类型`` where known), which reads back in as a wide CSV input."""
    table = wide(result, derived=False)
    names = ["entity", "year", *table.attributes, *(table.header(j) for j in range(len(table.keys)))]
    options = pa_csv.WriteOptions(quoting_style="needed", include_header=False)
    header = pa.table([pa.array([n]) for n in names], names=[str(i) for i in range(len(names))])
    pa_csv.write_csv(_cells(header), out, write_options=options)
    n = len(table.year)
    for start in range(0, n, CHUNK):
        part = slice(start, min(start + CHUNK, n))
        columns = [guard_column(table.entity[part]), pa.array(table.year[part])]
        columns += [guard_column(a[part]) for a in table.attributes.values()]
        columns += [number_text(c[part]) for c in table.columns]
        pa_csv.write_csv(
            pa.table(columns, names=[str(i) for i in range(len(names))]), out, write_options=options
        )


def write_parquet(result: Result, out: IO[bytes]) -> None:
    """The long table as Parquet, typed, with each value's sources as structs."""
    with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
        pending: list[pa.Table] = []
        for section in sections(result):  # row groups of about CHUNK rows, not one per section
            pending.append(section)
            if sum(t.num_rows for t in pending) >= CHUNK:
                writer.write_table(pa.concat_tables(pending).combine_chunks())
                pending = []
        if pending:
            writer.write_table(pa.concat_tables(pending).combine_chunks())


def _indented(obj: Any, depth: int) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n" + " " * depth)


def write_json(result: Result, out: IO[bytes]) -> None:
    """``Result.to_records()`` as ``json.dumps(…, indent=2)`` would print it, streamed."""

    def emit(text: str) -> None:
        out.write(text.encode("utf-8"))

    emit('{\n  "summary": ' + _indented(result.summary.to_record(), 2))
    parts: list[tuple[str, Iterator[list[dict[str, Any]]]]] = [
        ("values", value_records(result.values)),
        ("findings", finding_records(result.findings)),
        ("scorecards", iter([[s.to_record() for s in result.scorecards]])),
        ("compliance", iter([[c.to_record() for c in result.compliance]])),
    ]
    for name, chunks in parts:
        emit(f',\n  "{name}": [')
        first = True
        for chunk in chunks:
            for record in chunk:
                emit(("\n    " if first else ",\n    ") + _indented(record, 4))
                first = False
        emit("]" if first else "\n  ]")
    emit("\n}\n")


def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("csv", "one long CSV of every record (a record column)", write_csv, suffixes=(".csv",)))
    register(Writer("json", "the JSON document described in the README", write_json, suffixes=(".json",)))
    register(
        Writer(
            "parquet",
            "the long table of every record as Parquet, typed, with provenance as structs",
            write_parquet,
            binary=True,
            suffixes=(".parquet",),
        )
    )
