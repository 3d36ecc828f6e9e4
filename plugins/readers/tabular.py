"""Long and wide tables of rows, as CSV files and spreadsheet sheets hold them.

Long:  ``entity,year,indicator,value[,unit]`` — one figure per row.
Wide:  ``entity,year,<indicator name or key>…`` — one entity-year per row.
Header names may also be Chinese (名称, 年份, 指标, 值, 单位).

Either may add a school type column (type, 类型, 学校类型, 院校类型:
综合/师范/民族/工科/农林/…, as the compliance rules name them) and a level
column (level, 层次, 办学层次, 学校层次: 高职 or 中职).  They are
attributes of the row's entity, not figures: one school's rows must agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from vqr_metrics.cells import parse_cell
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError, shown
from vqr_metrics.model import Finding, Provenance
from vqr_metrics.names import normalize_name

from .conventions import level_error, parse_level, parse_year, year_error

ROLES: dict[str, frozenset[str]] = {
    "entity": frozenset({"entity", "名称", "单位名称", "学校", "学校名称", "地区", "区域"}),
    "year": frozenset({"year", "年份", "年度", "年"}),
    "indicator": frozenset({"indicator", "指标", "指标名称", "key"}),
    "value": frozenset({"value", "值", "数值"}),
    "unit": frozenset({"unit", "单位"}),
    "type": frozenset({"type", "类型", "学校类型", "院校类型"}),
    "level": frozenset({"level", "层次", "办学层次", "学校层次"}),
}
# Roles whose cells are attributes of the row's entity (Dataset.attributes), not figures.
ATTRIBUTES = ("type", "level")

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


@attrs.frozen
class EntityAttributes:
    """The type and level of the entities of one input, put into
    ``collect.entities``; where each was first given, so that a row that
    disagrees can name it (the first stays)."""

    collect: Collector
    first: dict[tuple[str, str], Provenance] = attrs.field(factory=dict)

    def put(self, entity: str | None, year: int | None, attribute: str, prov: Provenance) -> None:
        """The cell ``prov.raw`` of column ``prov.column`` on the row of ``entity``."""
        if parse_cell(prov.raw).kind == "placeholder":  # blank, —, 无: not given
            return
        where = f"{prov.file}:{prov.line}: {prov.column}"
        value = prov.raw if attribute == "type" else parse_level(prov.raw)
        if value is None:
            self._error("bad_level", f"{where}: {level_error(prov.raw)}; level not set", entity, year, prov)
        elif entity is None:
            self._error(
                "no_entity", f"{where}: {prov.raw!r} belongs to no entity; not used", None, year, prov
            )
        elif (entity, attribute) not in self.first:
            self.first[(entity, attribute)] = prov
            self.collect.entities.setdefault(entity, {})[attribute] = value
        elif value != (kept := self.collect.entities[entity][attribute]):
            old = self.first[(entity, attribute)]
            self._error(
                "attribute_conflict",
                f"{where}: {attribute} of {entity} given as {prov.raw!r} here and as {old.raw!r} at "
                f"{old.file}:{old.line}; {kept!r} kept",
                entity,
                year,
                prov,
                old,
            )

    def _error(
        self, rule: str, message: str, entity: str | None, year: int | None, *provenance: Provenance
    ) -> None:
        self.collect.note(
            Finding(
                "error",
                rule,
                message,
                entity=entity,
                year=year,
                actual=provenance[0].raw,
                provenance=provenance,
            )
        )


def read_rows(
    file: str,
    header_line: int,
    header: Sequence[str],
    body: Rows,
    collect: Collector,
    attributes: EntityAttributes | None = None,
) -> None:
    """Read a long or a wide table; ``file`` is what provenance names;
    ``attributes`` are those of the other tables of the same input."""
    attributes = EntityAttributes(collect) if attributes is None else attributes
    roles = [role(h) for h in header]
    spec = collect.spec
    if "entity" not in roles and spec.entity is None:
        raise InputError(f"input {file}:{header_line}: no entity column and no entity = ... on the input")
    long = {"indicator", "value"} <= set(roles)
    wide = [] if long else wide_columns(header, collect)
    for line, row in body:
        read_row(file, header, roles, wide, line, row, collect, attributes, long)


def wide_columns(header: Sequence[str], collect: Collector) -> list[tuple[int, str, str | None, str]]:
    """``(column, name, key or None, why not)`` of each indicator column of a wide header."""
    wide: list[tuple[int, str, str | None, str]] = []
    for col, name in enumerate(header):
        if role(name) not in ("entity", "year", *ATTRIBUTES):
            key, reason = collect.resolve(name.strip()) if name.strip() else (None, "empty header")
            wide.append((col, name.strip(), key, reason))
    return wide


def read_row(
    file: str,
    header: Sequence[str],
    roles: Sequence[str | None],
    wide: Sequence[tuple[int, str, str | None, str]],
    line: int,
    row: Sequence[str],
    collect: Collector,
    attributes: EntityAttributes,
    long: bool,
    only: Sequence[int] | None = None,
) -> None:
    """One row of a long or wide table, every cell a figure or a finding;
    ``only`` limits a wide row to those indicator columns (the odd cells of
    a row whose other cells a fast path read)."""
    keys = _row_keys(file, roles, line, row, collect)
    for col, r in enumerate(roles):
        if r in ATTRIBUTES and col < len(row):
            prov = Provenance(file, line, row[col].strip(), column=header[col].strip())
            attributes.put(keys.entity, keys.year, r, prov)
    if long:
        _long(file, roles, line, row, keys, collect)
    else:
        _wide(file, wide if only is None else [wide[i] for i in only], line, row, keys, collect)
    if only is not None:
        return
    for col in range(len(header), len(row)):
        raw = row[col].strip()
        if raw:
            collect.unknown(
                keys.entity,
                keys.year,
                "",
                f"{file}:{line}: cell {col + 1} ({shown(raw)}) lies beyond the last header column",
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
