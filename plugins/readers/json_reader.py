"""JSON input in the shape of the JSON output's ``values``, so a result can be read back.

The whole output object, or a bare list of value records
(``{entity, year, key or name, value[, unit][, provenance]}``).

Derived and imputed values are skipped (the engine computes them again);
a record's own provenance travels on with its figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from vqr_metrics.catalog import Catalog
from vqr_metrics.cells import parse_cell
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import InputSpec, Provenance, Reader, ReadOutput
from vqr_metrics.textio import read_text

from .conventions import (
    note_skipped,
    parse_year,
    require_content,
    warn_if_nothing_read,
    year_error,
)


def read_json(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    text, _ = read_text(spec.path, spec.encoding)
    require_content(spec.path, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"input {spec.path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"input {spec.path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(f"input {spec.path}: not valid JSON: {' '.join(str(exc).split())}") from None
    records = data.get("values") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise InputError(
            f'input {spec.path}: expected a list of values or an object with "values" (the JSON output)'
        )
    collect = Collector(catalog, spec)
    skipped = 0
    for i, record in enumerate(records):
        where = f"values[{i}]"
        if not isinstance(record, dict):
            raw = json.dumps(record, ensure_ascii=False)[:60]
            prov = Provenance(spec.path, None, raw, column=where)
            collect.unknown(None, None, "", f"{spec.path} {where}: not an object", prov)
            continue
        if record.get("derived") is True or record.get("imputed") is True:
            skipped += 1
            continue
        _record(spec, record, where, collect)
    note_skipped(collect, skipped)
    warn_if_nothing_read(collect, "no value records" if not skipped else "only derived or imputed values")
    return collect.output()


def _record(spec: InputSpec, record: Mapping[str, Any], where: str, collect: Collector) -> None:
    entity = record.get("entity") if isinstance(record.get("entity"), str) else spec.entity
    value = record.get("value")
    unit = record.get("unit") if isinstance(record.get("unit"), str) else None
    names = [n for n in (record.get("key"), record.get("name")) if isinstance(n, str) and n]
    prov = _provenance(record, value) or Provenance(spec.path, None, _raw(value), column=where)
    key, reason = None, "no key or name"
    for name in names:
        key, reason = collect.resolve(name)
        if key is not None:
            break
    label = collect.catalog.indicators[key].name if key is not None else names[0] if names else ""
    printed_year = record.get("year")
    year = spec.year if printed_year is None else parse_year(printed_year)
    if year is None and printed_year is not None:
        message = f"{spec.path} {where}: {year_error(printed_year)}; value not read"
        collect.unknown(entity, None, label, message, prov, rule="bad_year")
    elif key is None:
        collect.unknown(entity, year, label, f"{spec.path} {where}: {reason}", prov)
    else:
        collect.cell(entity, year, key, value, prov, unit=unit or None)


def _raw(value: Any) -> str:
    return "" if value is None else str(value)


def _provenance(record: Mapping[str, Any], value: Any) -> Provenance | None:
    """The record's source whose printed text gives its value (the source
    the merge kept), else its first well-formed source."""
    sources = record.get("provenance")
    if not isinstance(sources, list):
        return None
    found: list[Provenance] = []
    for p in sources:
        if not isinstance(p, dict) or not isinstance(p.get("file"), str):
            continue
        line = p.get("line")
        found.append(
            Provenance(
                p["file"],
                line if isinstance(line, int) and not isinstance(line, bool) else None,
                *(str(p.get(k) or "") for k in ("raw", "table", "column")),
            )
        )
    for p in found:
        if isinstance(value, (int, float)) and parse_cell(p.raw).value == value:
            return p
    return found[0] if found else None


def sniff(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "json",
            "JSON values as the JSON output writes them (read results back)",
            (".json",),
            read_json,
            sniff,
        )
    )
