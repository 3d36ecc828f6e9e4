"""CSV input, long and wide, UTF-8 (with or without BOM) or GBK/GB18030.

Long:  ``entity,year,indicator,value[,unit]`` — one figure per line.
Wide:  ``entity,year,<indicator name or key>…`` — one entity-year per line.
Header names may also be Chinese (名称, 年份, 指标, 值, 单位).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import Finding, InputSpec, Provenance, Reader, ReadOutput
from vqr_metrics.names import normalize_name
from vqr_metrics.textio import read_text

ENTITY = frozenset({"entity", "名称", "单位名称", "学校", "学校名称", "地区", "区域"})
YEAR = frozenset({"year", "年份", "年度", "年"})
INDICATOR = frozenset({"indicator", "指标", "指标名称", "key"})
VALUE = frozenset({"value", "值", "数值"})
UNIT = frozenset({"unit", "单位"})


def _role(header: str) -> str | None:
    name = normalize_name(header).lower()
    for role, names in (
        ("entity", ENTITY),
        ("year", YEAR),
        ("indicator", INDICATOR),
        ("value", VALUE),
        ("unit", UNIT),
    ):
        if name in names:
            return role
    return None


def read_csv(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    text, _ = read_text(spec.path, spec.encoding)
    try:
        first = text.lstrip().split("\n", 1)[0]
        delimiter = "\t" if "\t" in first and "," not in first else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"input {spec.path}: not valid CSV: {exc}") from None
    numbered = [(n, row) for n, row in enumerate(rows, 1) if any(c.strip() for c in row)]
    if not numbered:
        raise InputError(f"input {spec.path}: the file is empty")
    header_line, header = numbered[0]
    roles = [_role(h) for h in header]
    collect = Collector(catalog, spec)
    if "entity" not in roles and spec.entity is None:
        raise InputError(
            f"input {spec.path}:{header_line}: no entity column and no entity = ... on the input"
        )
    if {"indicator", "value"} <= set(roles):
        _long(spec, roles, numbered[1:], collect)
    else:
        _wide(spec, header, roles, numbered[1:], collect)
    return collect.output()


def _row_keys(
    spec: InputSpec, roles: Sequence[str | None], line: int, row: list[str], collect: Collector
) -> tuple[str | None, int | None]:
    get: Callable[[str], str | None] = lambda role: (  # noqa: E731
        row[roles.index(role)].strip() if role in roles and roles.index(role) < len(row) else None
    )
    entity = get("entity") or spec.entity
    year_text = get("year")
    year = spec.year
    if year_text:
        try:
            year = int(float(year_text.replace("年", "")))
        except ValueError:
            collect.note(
                Finding(
                    "error",
                    "bad_year",
                    f"{spec.path}:{line}: year {year_text!r} is not a year",
                    entity=entity,
                    provenance=(Provenance(spec.path, line, year_text),),
                )
            )
            year = None
    return entity, year


def _long(
    spec: InputSpec,
    roles: Sequence[str | None],
    body: list[tuple[int, list[str]]],
    collect: Collector,
) -> None:
    ind_col, val_col = roles.index("indicator"), roles.index("value")
    unit_col = roles.index("unit") if "unit" in roles else None
    for line, row in body:
        entity, year = _row_keys(spec, roles, line, row, collect)
        name = row[ind_col].strip() if ind_col < len(row) else ""
        raw = row[val_col] if val_col < len(row) else ""
        unit = row[unit_col].strip() if unit_col is not None and unit_col < len(row) else None
        prov = Provenance(spec.path, line, raw.strip(), column=name)
        key, reason = collect.resolve(name) if name else (None, "no indicator named")
        if key is None:
            collect.unknown(entity, year, name, f"{spec.path}:{line}: {reason}", prov)
        else:
            collect.cell(entity, year, key, raw, prov, unit=unit or None)


def _wide(
    spec: InputSpec,
    header: list[str],
    roles: Sequence[str | None],
    body: list[tuple[int, list[str]]],
    collect: Collector,
) -> None:
    columns: list[tuple[int, str, str | None, str]] = []
    for col, (name, role) in enumerate(zip(header, roles, strict=True)):
        if role in ("entity", "year"):
            continue
        key, reason = collect.resolve(name.strip()) if name.strip() else (None, "empty header")
        columns.append((col, name.strip(), key, reason))
    for line, row in body:
        entity, year = _row_keys(spec, roles, line, row, collect)
        for col, name, key, reason in columns:
            raw = row[col] if col < len(row) else ""
            prov = Provenance(spec.path, line, raw.strip(), column=name)
            if key is None:
                collect.unknown(entity, year, name, f"{spec.path}:{line}: column {name!r}: {reason}", prov)
            else:
                collect.cell(entity, year, key, raw, prov)
        if len(row) > len(header):
            extra = ",".join(row[len(header) :])
            collect.note(
                Finding(
                    "error",
                    "extra_cells",
                    f"{spec.path}:{line}: more cells than headers: {extra!r}",
                    entity=entity,
                    year=year,
                    provenance=(Provenance(spec.path, line, extra),),
                )
            )


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "csv",
            "CSV, long (entity,year,indicator,value) or wide (entity,year,<indicator>…); UTF-8 or GBK",
            (".csv", ".tsv"),
            read_csv,
        )
    )
