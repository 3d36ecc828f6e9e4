"""Findings as a columnar table: built in bulk by the engine and readers, objects only on request.

A check may still yield :class:`~vqr_metrics.model.Finding` objects (the plugin
contract); they are appended to the same columns.  ``expected`` and ``actual`` are
either numbers or words, so each is a float column plus a text column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow import PROVENANCE_LIST, TEXT, provenance_objects, provenance_structs, to_pandas, to_polars
from .model import SEVERITIES, Finding

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


def _number_or_text(x: str | float | None) -> tuple[float | None, str | None]:
    if isinstance(x, str):
        return None, x
    return (None if x is None else float(x)), None


def _objects_table(items: Sequence[Finding]) -> pa.Table:
    cols: dict[str, list[Any]] = {f.name: [] for f in FINDINGS}
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
        ):
            cols[name].append(value)
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in FINDINGS}, schema=FINDINGS)


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
    objects, chunk by chunk; ``to_arrow()`` is the table itself."""

    def __init__(self, table: pa.Table | None = None) -> None:
        self._table = FINDINGS.empty_table() if table is None else table

    @classmethod
    def of(cls, items: Findings | Iterable[Finding]) -> Findings:
        if isinstance(items, Findings):
            return items
        return cls(_objects_table(list(items)))

    def to_arrow(self) -> pa.Table:
        return self._table

    def to_pandas(self) -> Any:
        return to_pandas(self._table)

    def to_polars(self) -> Any:
        return to_polars(self._table)

    def __len__(self) -> int:
        return int(self._table.num_rows)

    def __iter__(self) -> Iterator[Finding]:
        for batch in self._table.to_batches(max_chunksize=4096):
            yield from (_finding(r) for r in batch.to_pylist())

    def __getitem__(self, i: int) -> Finding:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"finding {i} of {n}")
        return _finding(self._table.slice(i % n, 1).to_pylist()[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Findings) and self._table.equals(other._table)

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
            self._parts.append(items.to_arrow())
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
        self._flush()
        zeros = pa.array(np.zeros(n, dtype=np.int32))

        def same(value: Any, type_: pa.DataType) -> pa.Array:  # one value n times, without n objects
            return pa.array([value], type_).take(zeros)

        empty = pa.array([], PROVENANCE_LIST.value_type)
        cols: dict[str, Any] = {
            "severity": same(severity, TEXT),
            "rule": same(rule, TEXT) if isinstance(rule, str) else _array(rule, TEXT),
            "message": same(message, TEXT) if isinstance(message, str) else _array(message, TEXT),
            "entity": _array(entity, TEXT),
            "year": pa.array(year, pa.int32()),
            "indicators": same(list(indicators), pa.list_(TEXT))
            if isinstance(indicators, tuple | list)
            else indicators,
            "table": same(table, TEXT),
            "provenance": pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), empty),
            "cell": same(False, pa.bool_()),
        }
        self._parts.append(
            pa.table({f.name: cols.get(f.name, pa.nulls(n, f.type)) for f in FINDINGS}, schema=FINDINGS)
        )

    def _flush(self) -> None:
        if self._pending:
            self._parts.append(_objects_table(self._pending))
            self._pending = []

    def build(self) -> Findings:
        self._flush()
        if not self._parts:
            return Findings()
        return Findings(pa.concat_tables(self._parts))
