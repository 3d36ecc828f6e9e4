"""Findings as a columnar table: built in bulk by the engine and checks, objects only on request.

A check may still yield :class:`~vqr_metrics.model.Finding` objects (the plugin
contract); they are appended to the same columns.  ``expected`` and ``actual`` are
either numbers or words, so each is a float column plus a text column.

A finding made in bulk keeps its message as a template (dictionary-encoded, so
one per check and group) plus its arguments: ``{entity}``, ``{year}`` and
``{0}``, ``{1:n}`` … for the row's ``args``.  The text is rendered only when
findings are read or written, a chunk at a time.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import PROVENANCE_LIST, TEXT, provenance_objects, provenance_structs, to_pandas, to_polars
from .model import SEVERITIES, Finding

if TYPE_CHECKING:
    from .dataset import Dataset

FINDINGS = pa.schema(
    [
        pa.field("severity", TEXT),
        pa.field("rule", TEXT),
        pa.field("message", TEXT),
        pa.field("entity", TEXT),
        pa.field("year", pa.int32()),
        pa.field("indicators", pa.list_(TEXT)),
        pa.field("expected", pa.float64()),
        pa.field("expected_text", pa.string()),
        pa.field("actual", pa.float64()),
        pa.field("actual_text", pa.string()),
        pa.field("tolerance", pa.float64()),
        pa.field("table", TEXT),
        pa.field("provenance", PROVENANCE_LIST),
        pa.field("cell", pa.bool_()),
    ]
)
# How findings are kept: FINDINGS plus each row's message arguments (null when
# ``message`` is the text itself).
ARGS = pa.field("args", pa.list_(pa.string()))
STORED = FINDINGS.append(ARGS)
_EMPTY = STORED.empty_table()


def literal(text: str) -> str:
    """``text`` as the literal part of a message template."""
    return text.replace("{", "{{").replace("}", "}}")


def number_text(value: float) -> str:
    """A figure as the ``:n`` template spec shows it: whole numbers without a
    point, others to six significant digits."""
    return f"{value:.6g}" if not float(value).is_integer() else f"{value:.0f}"


class _Formatter(string.Formatter):
    # Arguments are stored as text; a spec formats them as the numbers they spell.
    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec:
            return str(value)
        number = float(value)
        return number_text(number) if format_spec == "n" else format(number, format_spec)


_FORMATTER = _Formatter()


def render(template: str, args: Sequence[str], entity: str | None, year: int | None) -> str:
    """A message from its template, the row's arguments, entity and year."""
    return _FORMATTER.vformat(template, list(args), {"entity": entity, "year": year})


def no_args(n: int) -> pa.Array:
    """``n`` empty argument lists: templates that use only ``{entity}`` and ``{year}``."""
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))


def arguments(columns: Sequence[npt.NDArray[np.float64] | pa.Array], n: int) -> pa.Array:
    """The ``args`` column of ``n`` findings: row ``i`` holds each column's
    ``i``-th value as text (numbers spelt shortest, so a spec reads them back exactly)."""
    if not columns:
        return no_args(n)
    texts = [pc.cast(pa.array(c) if isinstance(c, np.ndarray) else c, pa.string()) for c in columns]
    k = len(texts)
    # The columns are concatenated one after the other; rows want them side by side.
    order = (np.arange(n)[:, None] + np.arange(k)[None, :] * n).ravel()
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * k)
    return pa.ListArray.from_arrays(offsets, pa.concat_arrays(texts).take(pa.array(order)))


def in_row_order(parts: Sequence[tuple[npt.NDArray[np.intp], Findings]]) -> Findings:
    """Findings made in several parts, each about the rows given with it, ordered by row (stably)."""
    if not parts:
        return Findings()
    rows = np.concatenate([np.asarray(r, dtype=np.intp) for r, _ in parts])
    table = pa.concat_tables([f.to_arrow(rendered=False) for _, f in parts])
    return Findings(table.take(pa.array(np.argsort(rows, kind="stable"))))


def at_rows(dataset: Dataset, rows: npt.NDArray[np.intp]) -> dict[str, pa.Array]:
    """The ``entity`` and ``year`` columns of findings about dataset ``rows``."""
    names = pa.array(dataset.entity_names, pa.string())
    return {
        "entity": pa.DictionaryArray.from_arrays(pa.array(dataset.entity_codes[rows], pa.int32()), names),
        "year": pa.array(dataset.row_years[rows], pa.int32()),
    }


def _rendered(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with each templated message rendered and ``args`` dropped."""
    args = batch.column("args")
    out = batch.drop_columns(["args"])
    if args.null_count == len(args):
        return out
    rows = np.flatnonzero(args.is_valid().to_numpy(zero_copy_only=False))
    picked = batch.take(pa.array(rows)).select(["message", "args", "entity", "year"]).to_pylist()
    texts = [render(r["message"], r["args"], r["entity"], r["year"]) for r in picked]
    mask = np.zeros(len(args), dtype=bool)
    mask[rows] = True
    plain = batch.column("message").dictionary_decode()
    message = pc.replace_with_mask(plain, pa.array(mask), pa.array(texts, pa.string()))
    return out.set_column(out.schema.get_field_index("message"), "message", pc.dictionary_encode(message))


def _number_or_text(x: str | float | None) -> tuple[float | None, str | None]:
    if isinstance(x, str):
        return None, x
    return (None if x is None else float(x)), None


def _objects_table(items: Sequence[Finding]) -> pa.Table:
    cols: dict[str, list[Any]] = {f.name: [] for f in STORED}
    for f in items:
        expected, expected_text = _number_or_text(f.expected)
        actual, actual_text = _number_or_text(f.actual)
        for name, value in (
            ("severity", f.severity),
            ("rule", f.rule),
            ("message", f.message),
            ("entity", f.entity),
            ("year", f.year),
            ("indicators", list(f.indicators)),
            ("expected", expected),
            ("expected_text", expected_text),
            ("actual", actual),
            ("actual_text", actual_text),
            ("tolerance", f.tolerance),
            ("table", f.table),
            ("provenance", provenance_structs(f.provenance)),
            ("cell", f.cell),
            ("args", None),
        ):
            cols[name].append(value)
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in STORED}, schema=STORED)


def _finding(r: dict[str, Any]) -> Finding:
    expected = r["expected_text"] if r["expected_text"] is not None else r["expected"]
    actual = r["actual_text"] if r["actual_text"] is not None else r["actual"]
    return Finding(
        severity=r["severity"],
        rule=r["rule"],
        message=r["message"],
        entity=r["entity"],
        year=r["year"],
        indicators=tuple(r["indicators"] or ()),
        expected=expected,
        actual=actual,
        tolerance=r["tolerance"],
        table=r["table"],
        provenance=provenance_objects(r["provenance"]),
        cell=bool(r["cell"]),
    )


class Findings:
    """An immutable table of findings.  Iterating yields :class:`Finding`
    objects, chunk by chunk; ``to_arrow()`` is the table with messages rendered."""

    def __init__(self, table: pa.Table | None = None) -> None:
        if table is None:
            table = _EMPTY
        elif "args" not in table.schema.names:
            table = table.append_column(ARGS, pa.nulls(table.num_rows, ARGS.type))
        self._table = table

    @classmethod
    def of(cls, items: Findings | Iterable[Finding]) -> Findings:
        if isinstance(items, Findings):
            return items
        return cls(_objects_table(list(items)))

    @classmethod
    def concat(cls, parts: Iterable[Findings]) -> Findings:
        """The findings of ``parts``, one after the other."""
        tables = [part._table for part in parts if len(part)]
        return cls(pa.concat_tables(tables)) if tables else cls()

    def to_arrow(self, *, rendered: bool = True) -> pa.Table:
        """The findings (schema ``FINDINGS``); ``rendered=False`` keeps message
        templates and their ``args`` as stored."""
        if not rendered:
            return self._table
        return pa.Table.from_batches(list(self.batches()), schema=FINDINGS)

    def batches(self, chunk: int = 65536) -> Iterator[pa.RecordBatch]:
        """The findings a chunk at a time, messages rendered: what writers stream."""
        for batch in self._table.to_batches(max_chunksize=chunk):
            yield _rendered(batch)

    def to_pandas(self) -> Any:
        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        return to_polars(self.to_arrow())

    def __len__(self) -> int:
        return int(self._table.num_rows)

    def __iter__(self) -> Iterator[Finding]:
        for batch in self.batches(4096):
            yield from (_finding(r) for r in batch.to_pylist())

    def __getitem__(self, i: int) -> Finding:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"finding {i} of {n}")
        return _finding(Findings(self._table.slice(i % n, 1)).to_arrow().to_pylist()[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Findings) and self.to_arrow().equals(other.to_arrow())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<Findings: {len(self)} rows>"

    def count(self, column: str) -> Counter[str]:
        """How many findings carry each value of ``column`` (``severity``, ``rule``)."""
        out: Counter[str] = Counter()
        for chunk in self._table[column].chunks:  # counted by dictionary index, not by text
            indices = chunk.indices.drop_null().to_numpy(zero_copy_only=False)
            counts = np.bincount(indices, minlength=len(chunk.dictionary))
            for text, count in zip(chunk.dictionary.to_pylist(), counts.tolist(), strict=True):
                if count:
                    out[text] += count
        return out

    def cell_count(self) -> int:
        """Findings that stand for an input cell."""
        return int(pc.sum(self._table["cell"]).as_py() or 0) if len(self) else 0

    def having(self, column: str, values: Sequence[str]) -> pa.ChunkedArray:
        """A mask of the findings whose ``column`` (``severity``, ``rule`` …) is
        one of ``values``, looked up in each chunk's dictionary, not row by row."""
        allowed = pa.array(list(values), pa.string())
        chunks = [
            pc.is_in(chunk.dictionary, allowed).take(chunk.indices) for chunk in self._table[column].chunks
        ]
        return pa.chunked_array(chunks, pa.bool_())

    def where(self, mask: Any) -> Findings:
        return Findings(self._table.filter(mask))


def _pylist(items: Any) -> list[Any]:
    if isinstance(items, pa.Array):
        return list(items.to_pylist())
    return list(items.tolist()) if isinstance(items, np.ndarray) else list(items)


def _array(items: Any, type_: pa.DataType) -> pa.Array:
    if isinstance(items, pa.Array):
        return items.cast(type_)
    return pa.array(items.tolist() if isinstance(items, np.ndarray) else items, type_)


class FindingBuilder:
    """Collects findings in order: single objects (the slow path) and bulk
    batches of many rows that share their message (the fast path)."""

    def __init__(self) -> None:
        self._parts: list[pa.Table] = []
        self._pending: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self._pending.append(finding)

    def extend(self, items: Findings | Iterable[Finding]) -> None:
        if isinstance(items, Findings):
            self._flush()
            self._parts.append(items.to_arrow(rendered=False))
        else:
            self._pending.extend(items)

    def bulk(
        self,
        severity: str,
        rule: str | pa.Array,
        message: str | Sequence[str] | pa.Array,
        entity: Sequence[str | None] | np.ndarray | pa.Array,
        year: Sequence[int | None] | np.ndarray,
        indicators: Sequence[str] | pa.Array = (),
        table: str | None = None,
    ) -> None:
        """Many findings at once: ``entity`` and ``year`` are columns, ``message``
        and ``indicators`` the same for all or columns too, the rest the same for all."""
        n = len(entity)
        if not n:
            return
        assert severity in SEVERITIES
        if n < 16:  # a handful: objects cost less than a batch
            texts = [message] * n if isinstance(message, str) else _pylist(message)
            rules = [rule] * n if isinstance(rule, str) else _pylist(rule)
            names = [tuple(indicators)] * n if isinstance(indicators, tuple | list) else _pylist(indicators)
            for r, m, e, y, i in zip(rules, texts, _pylist(entity), _pylist(year), names, strict=True):
                self.add(
                    Finding(
                        severity,
                        r,
                        m,
                        e,
                        None if y is None else int(y),
                        tuple(i),
                        table=table,
                    )
                )
            return
        self.columns(
            n,
            severity=severity,
            rule=rule if isinstance(rule, str) else _array(rule, TEXT),
            message=message if isinstance(message, str) else _array(message, TEXT),
            entity=_array(entity, TEXT),
            year=pa.array(year, pa.int32()),
            indicators=list(indicators) if isinstance(indicators, tuple | list) else indicators,
            table=table,
        )

    def columns(self, n: int, **columns: Any) -> None:
        """``n`` findings given as columns of ``STORED``: each an Arrow array of
        ``n`` rows or one value for all; a column not given is null (``cell``
        false, ``provenance`` empty)."""
        if not n:
            return
        self._flush()
        zeros = pa.array(np.zeros(n, dtype=np.int32))
        unknown = set(columns) - set(STORED.names)
        assert not unknown, unknown
        columns.setdefault("cell", False)
        if "provenance" not in columns:
            empty = pa.array([], PROVENANCE_LIST.value_type)
            columns["provenance"] = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), empty)

        def column(field: pa.Field) -> pa.Array:
            value = columns.get(field.name)
            if isinstance(value, pa.Array | pa.ChunkedArray):
                return value if value.type == field.type else value.cast(field.type)
            if value is None:
                return pa.nulls(n, field.type)
            return pa.array([value], field.type).take(zeros)  # one value n times, without n objects

        self._parts.append(pa.table([column(f) for f in STORED], schema=STORED))

    def _flush(self) -> None:
        if self._pending:
            self._parts.append(_objects_table(self._pending))
            self._pending = []

    def build(self) -> Findings:
        self._flush()
        if not self._parts:
            return Findings()
        return Findings(pa.concat_tables(self._parts))
