"""Vectorised reading of wide tables held as Arrow text columns (CSV, Parquet): the fast path.

Plain numbers (``1234``, ``17.25``, ``-3e2``) under a known indicator, on a row
with an entity and a year, are parsed column by column with Arrow.  Every other
cell — blanks, ``—``, ``96?``, ``1,234``, full-width digits, units, a cell of a
year its indicator is not printed in, a column whose header carries a unit to
convert — and every row without an entity or a year goes, row by row in file
order, through :func:`._tabular.read_row`, the per-cell parser that writes
findings.  So each cell still becomes exactly one value or one finding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vqr_metrics.arrow import FIGURES, compact_raw, constant, encoded
from vqr_metrics.cells import parse_cell
from vqr_metrics.collect import Collector
from vqr_metrics.errors import InputError
from vqr_metrics.units import unit_factor

from .conventions import parse_level, parse_year
from .tabular import ATTRIBUTES, EntityAttributes, read_row, role, wide_columns

_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _trimmed(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The column's cells stripped as Python's ``str.strip`` strips them: Arrow
    trims, and the few cells that begin or end with a character outside
    printable ASCII (NBSP, U+3000, a Chinese name) are stripped in Python."""
    if column.null_count:
        column = pc.fill_null(column, "")
    column = pc.utf8_trim_whitespace(column)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    odd = pc.match_substring_regex(column, r"^[^\x21-\x7e]|[^\x21-\x7e]$")
    if pc.any(odd).as_py():
        cells = column.filter(odd).to_pylist()
        column = pc.replace_with_mask(column, odd, pa.array([c.strip() for c in cells], pa.string()))
    return column


def read_wide(
    file: str,
    header_line: int,
    header: Sequence[str],
    cells: Sequence[pa.Array],
    lines: np.ndarray,
    collect: Collector,
) -> None:
    """Read a long or wide table given as text columns (``cells[c]`` is column
    ``c``, ``lines[i]`` the line of row ``i``); long tables and rows beyond
    the fast path take the per-cell path."""
    roles = [role(h) for h in header]
    spec = collect.spec
    if "entity" not in roles and spec.entity is None:
        raise InputError(f"input {file}:{header_line}: no entity column and no entity = ... on the input")
    n = len(lines)
    texts = [_trimmed(c) for c in cells]
    filled = np.zeros(n, dtype=bool)
    for t in texts:
        filled |= pc.not_equal(t, "").to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(filled)  # rows with no filled cell hold nothing, as in the per-cell reader
    long = {"indicator", "value"} <= set(roles)
    wide = [] if long else wide_columns(header, collect)
    attributes = EntityAttributes(collect)
    if long:  # one figure a row, each naming its indicator: read row by row
        _slow_rows(file, header, roles, wide, rows, {}, texts, lines, collect, attributes, long)
        return
    entity, row_ok = _entities(roles, texts, spec.entity, n)
    years, year_ok = _years(roles, texts, spec.year, n)
    row_ok &= year_ok & filled
    slow: dict[int, list[int]] = {}  # row -> positions in ``wide`` of its odd cells (all: None)
    batches: list[pa.Table] = []
    for position, (col, name, key, _reason) in enumerate(wide):
        text = texts[col]
        fast = row_ok.copy() if key is not None and not _converts(collect, name, key) else np.zeros(n, bool)
        if fast.any():
            fast &= pc.match_substring_regex(text, _PLAIN_NUMBER).to_numpy(zero_copy_only=False)
            assert key is not None
            editions = {int(y): collect.catalog.in_edition(key, int(y)) for y in np.unique(years[fast])}
            fast &= np.isin(years, [y for y, ok in editions.items() if ok])
        at = np.flatnonzero(fast)
        if at.size:
            raw = text.take(pa.array(at))
            values = pc.cast(raw, pa.float64())
            finite = pc.is_finite(values).to_numpy(zero_copy_only=False)
            if not finite.all():  # 1e999: the per-cell parser says why it is no number
                fast[at[~finite]] = False
                at, raw, values = at[finite], raw.filter(finite), values.filter(finite)
            batches.append(_figures(file, entity, years, key or "", name, at, raw, values, lines))
        for i in np.flatnonzero(row_ok & ~fast):
            slow.setdefault(int(i), []).append(position)
    if batches:
        collect.batch(pa.concat_tables(batches))
    todo = set(np.flatnonzero(~row_ok & filled).tolist()) | set(slow)
    todo |= _attribute_rows(roles, texts, entity, filled)
    rows = np.array(sorted(todo), dtype=np.intp)
    _slow_rows(file, header, roles, wide, rows, slow, texts, lines, collect, attributes, long, row_ok)
    # figures in file order, as the per-cell reader reads them (which of two copies is kept depends on it)
    collect.sort_figures({name.strip(): col for col, name in enumerate(header)})


def _converts(collect: Collector, name: str, key: str) -> bool:
    """Whether the column's header gives a unit its cells must be converted from."""
    unit = collect.header_units.get(name)
    return unit is not None and unit_factor(unit, collect.catalog.indicators[key].unit) != 1.0


def _attribute_rows(
    roles: Sequence[str | None], texts: Sequence[pa.Array], entity: pa.DictionaryArray, filled: np.ndarray
) -> set[int]:
    """The rows whose type or level says something: each entity's first,
    every one that differs from it, every one that is not a level.  The
    others repeat what the first said and need no visit."""
    out: set[int] = set()
    codes = entity.indices.to_numpy(zero_copy_only=False)
    for col, r in enumerate(roles):
        if r not in ATTRIBUTES:
            continue
        encoded_text = pc.dictionary_encode(texts[col])
        shown = encoded_text.dictionary.to_pylist()
        normal = [
            None if parse_cell(v).kind == "placeholder" else v if r == "type" else parse_level(v)
            for v in shown
        ]
        blank = np.array([parse_cell(v).kind == "placeholder" for v in shown], dtype=bool)
        bad = np.array([n is None for n in normal], dtype=bool) & ~blank
        kinds = {n: k for k, n in enumerate(dict.fromkeys(n for n in normal if n is not None))}
        kind = np.array([kinds.get(n, -1) for n in normal], dtype=np.int64)
        value = encoded_text.indices.to_numpy(zero_copy_only=False)
        out |= set(np.flatnonzero(bad[value] & filled).tolist())
        given = np.flatnonzero(~blank[value] & ~bad[value] & filled)
        if not given.size:
            continue
        first = np.unique(codes[given], return_index=True)
        out |= set(given[first[1]].tolist())
        first_kind = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
        first_kind[first[0]] = kind[value[given[first[1]]]]
        out |= set(given[kind[value[given]] != first_kind[codes[given]]].tolist())
    return out


def _slow_rows(
    file: str,
    header: Sequence[str],
    roles: Sequence[str | None],
    wide: Sequence[tuple[int, str, str | None, str]],
    rows: np.ndarray,
    slow: dict[int, list[int]],
    texts: Sequence[pa.Array],
    lines: np.ndarray,
    collect: Collector,
    attributes: EntityAttributes,
    long: bool,
    row_ok: np.ndarray | None = None,
) -> None:
    """The per-cell path, in file order: whole rows the fast path could not
    place, and the odd cells of rows it read (``slow``)."""
    keyed = [c for c, r in enumerate(roles) if r is not None]  # entity, year, type, level
    for i in rows.tolist():
        whole = row_ok is None or not row_ok[i]
        only = None if whole else slow.get(i, [])
        if only is None:
            row = [t[i].as_py() for t in texts]
        else:  # the cells the per-cell path reads; the fast path read the others
            row = [""] * len(texts)
            for c in [*keyed, *(wide[p][0] for p in only)]:
                row[c] = texts[c][i].as_py()
        read_row(file, header, roles, wide, int(lines[i]), row, collect, attributes, long, only)


def _entities(
    roles: Sequence[str | None], texts: Sequence[pa.Array], default: str | None, n: int
) -> tuple[pa.Array, np.ndarray]:
    if "entity" not in roles:
        return constant(default or "", n), np.full(n, default is not None)
    text = texts[roles.index("entity")]
    if default is not None:
        text = pc.if_else(pc.equal(text, ""), pa.scalar(default), text)
    return encoded(text), pc.not_equal(text, "").to_numpy(zero_copy_only=False)


def _years(
    roles: Sequence[str | None], texts: Sequence[pa.Array], default: int | None, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's year and whether it is one; the odd year goes the slow way."""
    if "year" not in roles:
        return np.full(n, default or 0, dtype=np.int32), np.full(n, default is not None)
    encoded = pc.dictionary_encode(texts[roles.index("year")])
    parsed = [parse_year(t) if t else default for t in encoded.dictionary.to_pylist()]
    ok = np.array([y is not None for y in parsed], dtype=bool)
    year_of = np.array([y or 0 for y in parsed], dtype=np.int32)
    codes = encoded.indices.to_numpy()
    return year_of[codes] if len(codes) else np.zeros(0, np.int32), ok[codes] if len(codes) else ok[:0]


def _figures(
    file: str,
    entity: pa.Array,
    years: np.ndarray,
    key: str,
    column: str,
    at: np.ndarray,
    raw: pa.Array,
    values: pa.Array,
    lines: np.ndarray,
) -> pa.Table:
    taken = pa.array(at)
    count = len(at)
    return pa.Table.from_arrays(
        [
            entity.take(taken),
            pa.array(years[at], pa.int32()),
            constant(key, count),
            values,
            constant(file, count),
            pa.array(lines[at], pa.int32()),
            compact_raw(raw, values),
            constant("", count),
            constant(column, count),
        ],
        schema=FIGURES,
    )
