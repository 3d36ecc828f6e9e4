"""Reading printed tables through the table templates of the catalog.

A caption selects the template whose name or alias it contains (the
longest wins).  Rows are matched by name or alias, unit and position:
walking the template in order lets a repeated name (接入国家智慧教育平台数量
after each level, one name in 门 and 学时) land on the right row.  A name
cut short in print is accepted when it is the start of exactly one
template name, and said so.  Every value cell becomes a figure or a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from vqr_metrics.catalog import Catalog
from vqr_metrics.cells import parse_cell
from vqr_metrics.collect import Collector
from vqr_metrics.model import Finding, Indicator, Provenance, Severity, Table
from vqr_metrics.names import did_you_mean, normalize_name
from vqr_metrics.units import normalize_unit, split_unit

from .layout import Block, Column, Layout, Row

# A bracket longer than this after a row's name is part of the name (（教发〔2004〕2号）), not its unit.
_UNIT_LONGEST = 8
# A printed name shorter than this is never taken for the start of a longer one.
_MIN_PREFIX = 4
_ENUMERATION = re.compile(
    r"^(?:[(（]?\d{1,2}[)）.、]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
)


def _not_read(rows: int, lines: str) -> str:
    return f"{rows} row{'s' if rows != 1 else ''} (lines {lines}) {'was' if rows == 1 else 'were'} not read"


@attrs.frozen
class Defaults:
    """What a table inherits when it does not say: the entity and the year
    of single-year (``值``) columns, with where each came from."""

    file: str
    entity: str | None = None
    entity_source: str = ""  # non-empty when inferred: said once in an info finding
    entity_line: int | None = None
    year: int | None = None
    year_source: str = ""
    year_line: int | None = None


@attrs.frozen
class Match:
    indicator: Indicator | None
    unit: str = ""
    truncated: bool = False  # matched on the start of its name
    reason: str = ""  # why nothing matched


def select_table(catalog: Catalog, caption: str, year: int | None = None) -> tuple[Table | None, str]:
    """The template a caption names: the table whose name or alias the
    caption contains, the longest such name winning.  ``(None, reason)``
    when none or more than one fits."""
    text = normalize_name(caption)
    scored: dict[str, tuple[int, bool]] = {}
    for table in catalog.tables.values():
        for name in (table.name, *table.aliases):
            norm = normalize_name(name)
            if norm and norm in text:
                score = (len(norm), year is None or table.applies_to(year))
                scored[table.key] = max(scored.get(table.key, score), score)
    if not scored:
        return None, ""
    best = max(scored.values())
    keys = [k for k, s in scored.items() if s == best]
    if len(keys) > 1:
        names = ", ".join(catalog.tables[k].name for k in keys)
        return None, f"the caption fits more than one table ({names})"
    return catalog.tables[keys[0]], ""


class RowMatcher:
    """Walks one table template as the printed rows go by."""

    def __init__(self, catalog: Catalog, table: Table) -> None:
        self.table = table
        self.rows = [r for r in catalog.rows_of(table.key) if not r.column]
        self.names = [
            tuple(dict.fromkeys(normalize_name(n) for n in (r.name, *r.aliases))) for r in self.rows
        ]
        self.exact: dict[str, list[int]] = {}
        for pos, names in enumerate(self.names):
            for name in names:
                self.exact.setdefault(name, []).append(pos)
        self.extra = {
            r.key: {normalize_name(c.column): c for c in catalog.children(r.key) if c.column}
            for r in self.rows
        }
        self.cursor = 0
        self.last: int | None = None
        self.used: set[int] = set()

    def match(self, row: Row) -> Match:
        if row.continued and row.spaced:
            return self.continuation(row)
        variants = [(row.name, row.unit)]
        bare, printed = split_unit(row.name, _UNIT_LONGEST)
        if printed is not None:
            variants.append((bare, row.unit or printed))
        variants += [(_ENUMERATION.sub("", n, count=1), u) for n, u in variants if _ENUMERATION.match(n)]
        for name, unit in variants:
            found = self.exact.get(normalize_name(name))
            if found:
                return self.take(found, unit)
        if row.continued:
            after = self.next_in_unit(row.unit)
            if after is not None:
                return self.take([after], row.unit)
        ambiguous: set[str] = set()
        for name, unit in variants:
            norm = normalize_name(name)
            if len(norm) < _MIN_PREFIX:
                continue
            found = [p for p, names in enumerate(self.names) if any(n.startswith(norm) for n in names)]
            full = {self.rows[p].name for p in found}
            if len(full) == 1:
                return attrs.evolve(self.take(found, unit), truncated=True)
            ambiguous |= full
        if ambiguous:
            return Match(None, row.unit, reason=f"could be any of {', '.join(sorted(ambiguous))}")
        what = f"{row.name!r}" + (f" ({row.unit})" if row.unit else "")
        hint = did_you_mean(row.name, [r.name for r in self.rows]) if row.name else ""
        return Match(None, row.unit, reason=f"row {what} matches no row of {self.table.name}{hint}")

    def continuation(self, row: Row) -> Match:
        """A row split on spaces read as a continuation may as well be a row
        whose blank cells were not printed: taken only when the row above
        has a twin in the printed unit."""
        twins = [
            p
            for p in self.exact.get(normalize_name(row.name), [])
            if normalize_unit(self.rows[p].unit) == normalize_unit(row.unit)
        ]
        after = self.next_in_unit(row.unit)
        positions = twins or ([after] if after is not None else [])
        if positions:
            return self.take(positions, row.unit)
        reason = (
            "a cell fewer than the header, split on spaces: not a second unit of the row above "
            f"({row.name} has no row in {row.unit!r}), and which cell was left blank cannot be told"
        )
        return Match(None, row.unit, reason=reason)

    def next_in_unit(self, unit: str) -> int | None:
        """A continuation row's template row: the one after the last match,
        printed in the continuation's unit."""
        if self.last is None:
            return None
        after = self.last + 1
        if after < len(self.rows) and normalize_unit(self.rows[after].unit) == normalize_unit(unit):
            return after
        return None

    def take(self, positions: Sequence[int], unit: str) -> Match:
        """Among rows of one name: those in the printed unit, then the first
        unused one from where the walk has got to, then any unused one."""
        in_unit = [p for p in positions if unit and normalize_unit(self.rows[p].unit) == normalize_unit(unit)]
        pool = in_unit or list(positions)
        ahead = [p for p in pool if p >= self.cursor]
        fresh = [p for p in pool if p not in self.used]
        pos = next((p for p in ahead if p not in self.used), None)
        pos = pos if pos is not None else (fresh or ahead or pool)[0]
        self.used.add(pos)
        self.cursor = pos + 1
        self.last = pos
        return Match(self.rows[pos], unit)

    def column_indicator(self, key: str, label: str) -> Indicator | None:
        """The indicator printed in extra column ``label`` of row ``key``."""
        return self.extra.get(key, {}).get(normalize_name(label))


class TableReader:
    """Reads the blocks of one input into a collector."""

    def __init__(self, catalog: Catalog, collect: Collector, defaults: Defaults) -> None:
        self.catalog = catalog
        self.collect = collect
        self.defaults = defaults
        self.said: set[str] = set()

    def read(self, layout: Layout) -> None:
        fallback = layout.names[0] if layout.names else None
        for block in layout.tables:
            self.table(block, fallback.entity if fallback else None)
        for block in layout.loose:
            self.note(
                "info",
                "table_not_recognised",
                f"{_not_read(len(block.rows) + 1, block.lines)}: tab-separated rows under no table caption",
                block.line,
                "",
            )

    def note(
        self,
        severity: Severity,
        rule: str,
        message: str,
        line: int | None,
        caption: str,
        entity: str | None = None,
        year: int | None = None,
        raw: str = "",
    ) -> None:
        self.collect.note(
            Finding(
                severity,
                rule,
                message,
                entity=entity,
                year=year,
                table=caption or None,
                provenance=(Provenance(self.defaults.file, line, raw, caption),),
            )
        )

    def entity(self, block: Block, fallback: str | None) -> str | None:
        if block.name is not None:
            return block.name.entity
        if self.collect.spec.entity or fallback:
            return self.collect.spec.entity or fallback
        d = self.defaults
        if d.entity and d.entity_source and "entity" not in self.said:
            self.said.add("entity")
            self.note(
                "info",
                "entity_inferred",
                f"entity {d.entity} inferred from {d.entity_source}; "
                "set entity = ... on the input to override",
                d.entity_line,
                "",
                entity=d.entity,
            )
        return d.entity

    def year(self, column: Column) -> int | None:
        if column.year is not None:
            return column.year
        if self.collect.spec.year is not None:
            return self.collect.spec.year
        d = self.defaults
        if d.year is not None and d.year_source and "year" not in self.said:
            self.said.add("year")
            self.note(
                "info",
                "year_inferred",
                f"year {d.year} of the {column.label} columns inferred from {d.year_source}; "
                "set year = ... on the input to override",
                d.year_line,
                "",
                year=d.year,
            )
        return d.year

    def table(self, block: Block, fallback: str | None) -> None:
        caption = block.caption or ""
        header = block.header
        years = [c.year for c in header.of("value") if c.year] if header else []
        table, why = select_table(self.catalog, caption, years[0] if years else self.defaults.year)
        rows = _not_read(len(block.rows), block.lines)
        if table is None:
            figures = header is not None and header.figures
            self.note(
                "warning" if figures or why else "info",
                "table_not_recognised",
                f"{caption}: {why or 'not a known table'}; its {rows}"
                + (" (a table plugin naming it would read them)" if figures and not why else ""),
                block.line,
                caption,
            )
            return
        if header is None or not header.figures:
            self.note(
                "warning",
                "table_layout",
                f"{caption} ({table.name}): no header row with a 指标 column and a 值 or year column; "
                f"its {rows}",
                header.line if header else block.line,
                caption,
            )
            return
        entity = self.entity(block, fallback)
        if block.name is not None and block.name.code and entity:
            self.collect.entities.setdefault(entity, {})["code"] = block.name.code
        for note in block.notes:
            self.note("info", "table_layout", f"{caption}: {note.message}", note.line, caption, entity)
        values = [(c, self.year(c)) for c in header.of("value")]
        text_columns = {normalize_name(t) for t in table.text_columns}
        extras = [c for c in header.of("extra") if normalize_name(c.label) not in text_columns]
        matcher = RowMatcher(self.catalog, table)
        for row in block.rows:
            self.row(row, matcher, caption, entity, values, extras)

    def row(
        self,
        row: Row,
        matcher: RowMatcher,
        caption: str,
        entity: str | None,
        values: Sequence[tuple[Column, int | None]],
        extras: Iterable[Column],
    ) -> None:
        file = self.defaults.file
        first_year = values[0][1] if values else None
        found = Match(None, reason=row.misaligned) if row.misaligned else matcher.match(row)
        ind = found.indicator
        if ind is None and row.spaced and (row.misaligned or row.continued):
            # the cells cannot be lined up: one finding per figure column, so the table still adds up
            printed = "  ".join(c for c in row.cells if c)
            name = row.name if row.misaligned else row.unit
            for column, year in [*values, *((c, first_year) for c in extras)]:
                prov = Provenance(file, row.line, printed, caption, column.label)
                self.collect.unknown(entity, year, name, found.reason, prov, rule="misaligned_row")
            return
        filled = False
        for column, year in values:
            raw = row.cells[column.index]
            prov = Provenance(file, row.line, raw, caption, column.label)
            if ind is not None:
                self.collect.cell(entity, year, ind.key, raw, prov, unit=found.unit or None)
            elif parse_cell(raw).kind != "placeholder":
                filled = True
                self.collect.unknown(entity, year, row.name, found.reason, prov)
        for column in extras:
            raw = row.cells[column.index]
            prov = Provenance(file, row.line, raw, caption, column.label)
            child = matcher.column_indicator(ind.key, column.label) if ind is not None else None
            if child is not None:
                self.collect.cell(entity, first_year, child.key, raw, prov)
            elif parse_cell(raw).kind != "placeholder":
                filled = True
                reason = found.reason
                if ind is not None:
                    reason = f"column {column.label!r} of row {ind.name!r}: {matcher.table.name} has none"
                self.collect.unknown(entity, first_year, f"{row.name} {column.label}", reason, prov)
        for raw in row.stray:
            prov = Provenance(file, row.line, raw, caption)
            self.collect.unknown(
                entity,
                first_year,
                row.name,
                f"cell {raw!r} lies beyond the last header column",
                prov,
                rule="extra_cells",
            )
        if ind is None and not filled:
            self.note(
                "info",
                "unknown_row",
                f"{caption}: {found.reason}; the row holds no figures",
                row.line,
                caption,
            )
        if found.truncated and ind is not None:
            self.note(
                "info",
                "truncated_name",
                f"{caption}: {row.name!r} is cut short in print; read as {ind.name}",
                row.line,
                caption,
                entity,
                raw=row.name,
            )
