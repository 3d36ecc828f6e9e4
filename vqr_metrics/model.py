"""The data model: what plugins declare and what a run produces.

Everything here is a frozen attrs class. Plugins build these objects and hand
them to the engine's ``register`` callbacks; the engine never mutates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, Literal

import attrs

if TYPE_CHECKING:
    import pyarrow as pa

    from .catalog import Catalog
    from .dataset import Dataset
    from .findings import Findings
    from .result import Result
    from .sql.findings import SqlCheckContext, SqlForm
    from .sql.scores import Group

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# How a template row relates to its parent row (the row it is printed under,
# usually after 其中).  其中 does not always mean "parts that add up".
Relation = Literal["none", "partition", "subset", "other_unit"]
RELATIONS: tuple[Relation, ...] = ("none", "partition", "subset", "other_unit")

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_key(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _KEY.match(value):
        raise ValueError(
            f"{attribute.name} {value!r} must be a lower-case ASCII identifier "
            "(letters, digits, underscores, starting with a letter)"
        )


def _check_name(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")


def _strs(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _severities(items: Iterable[Severity]) -> tuple[Severity, ...]:
    return tuple(items)


def _rows(items: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(items)


def _provs(items: Iterable[Provenance]) -> tuple[Provenance, ...]:
    return tuple(items)


def _figures(items: Any) -> Any:
    from .arrow import as_figures  # pyarrow loads only when a run reads input

    return as_figures(items)


def _findings(items: Any) -> Any:
    from .findings import Findings

    return Findings.of(items)


def _statements(items: Any) -> Any:
    from .statements import as_statements

    return as_statements(items)


def _years_ok(since: int | None, until: int | None, year: int) -> bool:
    return (since is None or year >= since) and (until is None or year <= until)


@attrs.frozen
class Provenance:
    """Where a figure came from: file, line, the raw text of the cell."""

    file: str
    line: int | None = None
    raw: str = ""
    table: str = ""
    column: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} [{self.table}]" if self.table else where


@attrs.frozen
class Indicator:
    """One row of a table template, or a free-standing input indicator.

    ``key`` is the stable ASCII key, ``name`` the Chinese name as printed.
    ``same_as`` declares that this row reports the same quantity as another
    indicator (a twin in another table): values of both are merged under the
    canonical key and disagreements become findings.  ``column`` names the
    extra column (e.g. 调查人次) of the ``parent`` row this indicator is printed
    in, for tables that print more than one figure per row.  ``number`` is
    the 序号 the template prints for the row ("" where it prints none).
    """

    key: str = attrs.field(validator=_check_key)
    name: str = attrs.field(validator=_check_name)
    unit: str = ""
    table: str = ""
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    parent: str | None = None
    relation: Relation = attrs.field(default="none", validator=attrs.validators.in_(RELATIONS))
    same_as: str | None = None
    since: int | None = None
    until: int | None = None
    description: str = ""
    column: str = ""
    number: str = ""

    def applies_to(self, year: int) -> bool:
        return _years_ok(self.since, self.until, year)


@attrs.frozen
class Table:
    """An ordered table template: the rows in the order reports print them.

    ``aliases`` are other names the table is printed under (captions such as
    计分卡); ``text_columns`` are columns that hold words, not figures
    (调查方式), which readers skip.
    """

    key: str = attrs.field(validator=_check_key)
    name: str = attrs.field(validator=_check_name)
    rows: tuple[Indicator, ...] = attrs.field(converter=_rows)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    text_columns: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    since: int | None = None
    until: int | None = None
    description: str = ""

    def applies_to(self, year: int) -> bool:
        return _years_ok(self.since, self.until, year)


@attrs.frozen
class Metric:
    """A derived value defined by a formula over indicator and metric names.

    ``bounds`` is the range a correct result falls in when its inputs are
    consistent (e.g. 0–100 for a share); checks and property tests use it.
    """

    key: str = attrs.field(validator=_check_key)
    name: str = attrs.field(validator=_check_name)
    formula: str = attrs.field(validator=_check_name)
    unit: str = ""
    table: str = ""
    description: str = ""
    bounds: tuple[float | None, float | None] = (None, None)
    since: int | None = None
    until: int | None = None

    def applies_to(self, year: int) -> bool:
        return _years_ok(self.since, self.until, year)


@attrs.frozen
class Finding:
    """Something a reader, the engine, a check or the scorer has to say."""

    severity: Severity = attrs.field(validator=attrs.validators.in_(SEVERITIES))
    rule: str
    message: str
    entity: str | None = None
    year: int | None = None
    indicators: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    expected: str | float | None = None
    actual: str | float | None = None
    tolerance: float | None = None
    table: str | None = None
    provenance: tuple[Provenance, ...] = attrs.field(default=(), converter=_provs)
    # True when the finding stands for an input cell that yielded no value
    # (a placeholder, garbage, an unmatched row): it keeps the cell count honest.
    cell: bool = False

    def where(self) -> str:
        return "; ".join(str(p) for p in self.provenance)


@attrs.frozen
class Figure:
    """One value read from an input cell, before merging into the dataset."""

    entity: str
    year: int
    key: str
    value: float
    provenance: Provenance


@attrs.frozen
class Value:
    """One value of the result: an input (merged) or a derived metric."""

    entity: str
    year: int
    key: str
    name: str
    unit: str
    value: float | None
    derived: bool
    provenance: tuple[Provenance, ...] = ()
    imputed: bool = False
    # The name qualified where several rows print the same one (see Catalog.label).
    label: str = ""
    # Rests on a figure two sources print differently (see the source_conflict finding).
    conflicted: bool = False
    # Carries an error-level finding (a conflict included) or is computed from one: never trusted.
    suspect: bool = False


@attrs.frozen
class InputSpec:
    """One ``[[inputs]]`` entry of a config, paths already resolved.

    A database input has ``database`` (its URL, password and all) and
    ``table``; its ``path`` is the URL without the password and ``#table``,
    which is what findings cite.  ``table`` with a file path names a table in
    a database file (DuckDB).  ``scan``: the run's backend, which a reader
    may let scan its file (CSV and Parquet under ``"duckdb"``)."""

    path: str
    entity: str | None = None
    year: int | None = None
    level: str | None = None
    format: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    table: str | None = None
    database: str | None = None
    scan: str = "numpy"


@attrs.frozen
class ReadOutput:
    """What a reader returns: figures, findings and how many cells it saw.

    ``figures`` is an Arrow table in the :data:`vqr_metrics.arrow.FIGURES`
    layout (:class:`Figure` objects are converted to it); ``findings`` a
    :class:`vqr_metrics.findings.Findings` table (objects are converted too);
    ``statements`` what the input's prose says, a table in the
    :data:`vqr_metrics.statements.STATEMENTS` layout (readers of prose only);
    ``scan``: the backend that scanned the file, or why it did not (``"GBK"``)."""

    figures: pa.Table = attrs.field(default=(), converter=_figures)
    findings: Findings = attrs.field(default=(), converter=_findings)  # type: ignore[assignment]
    cells: int = 0
    entities: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    statements: pa.Table = attrs.field(default=(), converter=_statements)
    scan: str = ""


@attrs.frozen
class Reader:
    """An input format.  ``read`` must not raise for bad content: it reports
    findings, or raises :class:`vqr_metrics.errors.InputError` for a file it
    cannot read at all."""

    id: str = attrs.field(validator=_check_key)
    description: str
    suffixes: tuple[str, ...] = attrs.field(converter=_strs)
    read: Callable[[InputSpec, Catalog], ReadOutput]
    # Decides between readers that share a suffix; gets the first bytes.
    sniff: Callable[[bytes], bool] | None = None
    # The URL schemes of the databases it reads (``[[inputs]] database = "scheme://…"``).
    schemes: tuple[str, ...] = attrs.field(default=(), converter=_strs)


@attrs.frozen
class Writer:
    """An output format, selected by ``[output] format`` or ``--format``.

    ``write(result, out)`` writes to ``out``, a binary stream (text as
    UTF-8), as it goes: a large result is never held as one string.
    ``binary`` marks a format that is not text (Parquet, XLSX)."""

    id: str = attrs.field(validator=_check_key)
    description: str
    write: Callable[[Result, IO[bytes]], None]
    binary: bool = False
    suffixes: tuple[str, ...] = attrs.field(default=(), converter=_strs)


@attrs.frozen
class CheckContext:
    """What a check sees: the evaluated dataset, the catalog, its options."""

    dataset: Dataset
    catalog: Catalog
    options: Mapping[str, Any]

    @property
    def statements(self) -> pa.Table:
        """What the inputs' prose says (:data:`vqr_metrics.statements.STATEMENTS`);
        :func:`vqr_metrics.statements.compare` lines it up with the dataset."""
        return self.dataset.statements


@attrs.frozen
class Derivation:
    """A family of metrics made from other registered ones once every plugin
    has registered: ``derive(base)`` gets each indicator (twins once) and each
    registered metric and returns the metric it derives from it, or None.
    A derived key someone registered already is left to them.  Its label is
    the base's label followed by what its name adds to the base's name."""

    id: str = attrs.field(validator=_check_key)
    description: str
    derive: Callable[[Indicator | Metric], Metric | None]


@attrs.frozen
class Check:
    """A consistency rule.  ``run`` yields findings (or returns a
    :class:`vqr_metrics.findings.Findings` table built in bulk); ``options``
    declares the ``[checks]`` config keys it reads, with their defaults.
    ``sql``, for a check that compares figures row by row, is its SQL form:
    given a :class:`vqr_metrics.sql.findings.SqlCheckContext` it returns the
    queries of the rows it flags and how to word them
    (:class:`vqr_metrics.sql.findings.SqlForm`)."""

    id: str = attrs.field(validator=_check_key)
    description: str
    run: Callable[[CheckContext], Iterable[Finding]]
    options: Mapping[str, Any] = attrs.field(factory=dict)
    sql: Callable[[SqlCheckContext], SqlForm] | None = None


@attrs.frozen
class FindingRule:
    """A finding rule, declared once: its ``code`` (the ``rule`` of every
    finding it emits), the ``severity`` it is emitted at, a one-line
    ``summary`` and the ``action`` a user should take.  ``vqr-score rules``
    lists them, ``vqr-score explain CODE`` shows one.

    A rule whose gravity depends on the case (an unread table that held
    figures warns, else notes) gives lesser severities in ``also``."""

    code: str = attrs.field(validator=_check_key)
    severity: Severity = attrs.field(validator=attrs.validators.in_(SEVERITIES))
    summary: str = attrs.field(validator=_check_name)
    action: str = ""
    also: tuple[Severity, ...] = attrs.field(default=(), converter=_severities)

    @also.validator
    def _check_also(self, attribute: attrs.Attribute[tuple[Severity, ...]], value: tuple[str, ...]) -> None:
        for severity in value:
            if severity not in SEVERITIES or severity == self.severity:
                raise ValueError(f"rule {self.code!r}: also must name other severities, not {severity!r}")

    @property
    def id(self) -> str:
        return self.code

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity its findings may carry, the gravest first."""
        return tuple(s for s in SEVERITIES if s == self.severity or s in self.also)


# --- scoring building blocks -------------------------------------------------
# Arrays are numpy float64 (NaN marks a missing value), typed loosely here so
# the model module does not import numpy.


@attrs.frozen
class Normalizer:
    """Maps one indicator's column (one year's entities) onto 0–100.

    ``normalize(values, higher_is_better, params)`` returns an array of the
    same shape; ``params`` are the node's options named in ``parameters``.
    ``sql``, where the method has an SQL form, is it: ``sql(group, higher,
    params)`` returns the value as a SQL expression (a sqlglot one) from a
    :class:`vqr_metrics.sql.scores.Group`, the column and its statistics
    within the normalisation group; None keeps a scorecard using it in the engine.
    """

    id: str = attrs.field(validator=_check_key)
    description: str
    normalize: Callable[[Any, bool, Mapping[str, Any]], Any]
    parameters: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    sql: Callable[[Group, bool, Mapping[str, Any]], Any] | None = None


# What a weighting does with the weights configured on a node's children.
EXPLICIT_WEIGHTS = ("required", "optional", "ignored")


@attrs.frozen
class Weighting:
    """Derives the weights of a node's children from their normalised matrix
    (entities × children) and the explicit weights; returns weights summing to 1.

    ``explicit_weights`` says how it treats the weights configured on the
    children, so that a scorecard is checked before it runs: ``"required"``
    (every child needs one, as for ``explicit``), ``"ignored"`` (a weight
    given is a mistake, as for ``equal``), or ``"optional"`` (the default:
    all children or none have one; the method gets 1 for each when none has).
    ``depends_on_data = False`` (``explicit``, ``equal``): the weights come
    from the configured ones alone, so SQL takes them as numbers."""

    id: str = attrs.field(validator=_check_key)
    description: str
    weigh: Callable[[Any, Any], Any]
    explicit_weights: str = attrs.field(default="optional", validator=attrs.validators.in_(EXPLICIT_WEIGHTS))
    depends_on_data: bool = True


@attrs.frozen
class Aggregator:
    """Combines a node's normalised children into a score with contributions.

    ``aggregate(matrix, weights)`` returns ``(scores, contributions)`` where
    contributions (entities × children) sum, row by row, to the scores.
    ``takes_offset`` (default false) lets a node set ``offset``: the matrix
    is shifted off zero by it, and the scores and contributions back (for a
    method that needs values > 0, as ``geometric``); without it, an offset
    on the node is a config error.  ``sql``, where the method has an SQL
    form, is it: ``sql(values, weights)`` gives a row's score as a SQL
    expression (a sqlglot one) from its children's values (0–100, 0 where
    missing, shifted as for ``aggregate``) and weights (summing to 1 in the
    row, 0 where missing), NULL where ``aggregate`` would refuse the row.
    """

    id: str = attrs.field(validator=_check_key)
    description: str
    aggregate: Callable[[Any, Any], tuple[Any, Any]]
    takes_offset: bool = False
    sql: Callable[[list[Any], list[Any]], Any] | None = None
