"""Long and wide tables of rows, as CSV files and spreadsheet sheets hold them.

Long:  ``entity,year,indicator,value[,unit]`` — one figure per row.
Wide:  ``entity,year,<indicator name or key>…`` — one entity-year per row.
Header names may also be Chinese (名称, 年份, 指标, 值, 单位).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.model import Provenance
from vqr_metrics.names import normalize_name

from ._read_rules import parse_year, year_error

ROLES: dict[str, frozenset[str]] = {
    "entity": frozenset({"entity", "名称", "单位名称", "学校", "学校名称", "地区", "区域"}),
    "year": frozenset({"year", "年份", "年度", "年"}),
    "indicator": frozenset({"indicator", "指标", "指标名称", "key"}),
    "value": frozenset({"value", "值", "数值"}),
    "unit": frozenset({"unit", "单位"}),
}

Rows = Sequence[tuple[int, Sequence[str]]]  # (line or row number, cells)


def role(header: str) -> str | None:
    name = normalize_name(header).lower()
    return next((r for r, names in ROLES.items() if name in names), None)


def is_tabular(header: Sequence[str]) -> bool:
    """A header of a long or wide table: it names the entity or the year
    (a table in the report layout names neither)."""
    return any(role(h) in ("entity", "year") for h in header)


@attrs.frozen
class _RowKeys:
    """Where a row's figures go; ``bad_year`` says why they cannot go anywhere."""

    entity: str | None
    year: int | None
    bad_year: str = ""


def read_rows(file: str, header_line: int, header: Sequence[str], body: Rows, collect: Collector) -> None:
    """Read a long or a wide table; ``file`` is what provenance names."""
    roles = [role(h) for h in header]
    spec = collect.spec
    if "entity" not in roles and spec.entity is None:
        raise InputError(f"input {file}:{header_line}: no entity column and no entity = ... on the input")
    long = {"indicator", "value"} <= set(roles)
    wide: list[tuple[int, str, str | None, str]] = []
    if not long:
        for col, (name, r) in enumerate(zip(header, roles, strict=True)):
            if r not in ("entity", "year"):
                key, reason = collect.resolve(name.strip()) if name.strip() else (None, "empty header")
                wide.append((col, name.strip(), key, reason))
    for line, row in body:
        keys = _row_keys(file, roles, line, row, collect)
        if long:
            _long(file, roles, line, row, keys, collect)
        else:
            _wide(file, wide, line, row, keys, collect)
        for col in range(len(header), len(row)):
            raw = row[col].strip()
            if raw:
                collect.unknown(
                    keys.entity,
                    keys.year,
                    "",
                    f"{file}:{line}: cell {col + 1} ({raw!r}) lies beyond the last header column",
                    Provenance(file, line, raw, column=f"#{col + 1}"),
                    rule="extra_cells",
                )


def _cell(roles: Sequence[str | None], row: Sequence[str], r: str) -> str | None:
    if r not in roles:
        return None
    col = roles.index(r)
    return row[col].strip() if col < len(row) else None


def _row_keys(
    file: str, roles: Sequence[str | None], line: int, row: Sequence[str], collect: Collector
) -> _RowKeys:
    entity = _cell(roles, row, "entity") or collect.spec.entity
    year_text = _cell(roles, row, "year")
    if not year_text:
        return _RowKeys(entity, collect.spec.year)
    year = parse_year(year_text)
    if year is None:
        return _RowKeys(entity, None, f"{file}:{line}: {year_error(year_text)}")
    return _RowKeys(entity, year)


def _put(
    collect: Collector,
    keys: _RowKeys,
    name: str,
    key: str | None,
    reason: str,
    raw: str,
    prov: Provenance,
    unit: str | None = None,
) -> None:
    """One cell: a figure, or a finding why not."""
    if keys.bad_year:
        name = collect.catalog.indicators[key].name if key is not None else name
        collect.unknown(
            keys.entity, None, name, f"{keys.bad_year}; {name or 'the value'} not read", prov, "bad_year"
        )
    elif key is None:
        collect.unknown(keys.entity, keys.year, name, reason, prov)
    else:
        collect.cell(keys.entity, keys.year, key, raw, prov, unit=unit)


def _long(
    file: str,
    roles: Sequence[str | None],
    line: int,
    row: Sequence[str],
    keys: _RowKeys,
    collect: Collector,
) -> None:
    name = _cell(roles, row, "indicator") or ""
    raw = _cell(roles, row, "value") or ""
    unit = _cell(roles, row, "unit")
    prov = Provenance(file, line, raw, column=name)
    key, reason = collect.resolve(name) if name else (None, "no indicator named")
    _put(collect, keys, name, key, f"{file}:{line}: {reason}", raw, prov, unit or None)


def _wide(
    file: str,
    columns: Sequence[tuple[int, str, str | None, str]],
    line: int,
    row: Sequence[str],
    keys: _RowKeys,
    collect: Collector,
) -> None:
    for col, name, key, reason in columns:
        raw = row[col].strip() if col < len(row) else ""
        prov = Provenance(file, line, raw, column=name)
        _put(collect, keys, name, key, f"{file}:{line}: column {name!r}: {reason}", raw, prov)
