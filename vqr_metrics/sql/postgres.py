"""PostgreSQL through ADBC: figures read as Arrow, and a backend that runs the views on the server.

The driver is Apache Arrow's ADBC (``adbc-driver-postgresql``, the ``postgres``
extra): rows arrive as Arrow columns over PostgreSQL's binary COPY, and a table
is uploaded the same way, so no row becomes a Python object either way.  Every
name reaches the server as a quoted identifier; an unreachable server, a
refused login, a missing table are one :class:`~vqr_metrics.errors.InputError`
line naming the database without its password.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
from sqlglot import TokenType, exp
from sqlglot.dialects.dialect import Dialect

from ..arrow import FIGURES
from ..config import redacted
from ..errors import ConfigError, InputError
from .views import SOURCE

SCHEMES = ("postgresql", "postgres")
DIALECT = "postgres"


def table_name(table: str, what: str) -> exp.Table:
    """``name`` or ``schema.name`` as a table of quoted identifiers (never spliced text)."""
    parts = table.split(".")
    if not 1 <= len(parts) <= 2 or not all(p.strip() for p in parts):
        raise InputError(f"{what}: table = {table!r} is not name or schema.name")
    *schema, name = parts
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema[0], quoted=True) if schema else None,
    )


def connect(url: str, what: str) -> Any:
    """An ADBC connection to ``url`` in autocommit mode; ``what`` names it in errors."""
    try:
        from adbc_driver_postgresql import dbapi  # type: ignore[import-untyped]
    except ImportError:
        raise ConfigError(
            f"{what}: PostgreSQL needs the postgres extra: pip install 'vqr-metrics[postgres]'"
        ) from None
    try:
        return dbapi.connect(url, autocommit=True)
    except dbapi.Error as exc:
        raise InputError(f"{what}: cannot connect: {_reason(exc, url)}") from None


def read_figures(url: str, table: str, what: str) -> pa.Table:
    """Every row of ``table`` (``name`` or ``schema.name``) at ``url``, as Arrow."""
    query = exp.select(exp.Star()).from_(table_name(table, what)).sql(DIALECT)
    connection = connect(url, what)
    try:
        return _fetch(connection, query, url, what)
    finally:
        connection.close()


class PostgresBackend:
    """The views run on a PostgreSQL server (see :mod:`vqr_metrics.sql.backend`).

    What it makes lives in the session's temporary schema, so concurrent runs
    never see each other's tables and nothing is left on the server: a view
    over a temporary table is temporary too, so are the views of
    :func:`vqr_metrics.sql.views.render` on top of :data:`SOURCE`."""

    dialect = DIALECT

    def __init__(self, url: str) -> None:
        self.url = url
        self.what = f"database {redacted(url)}"
        self._connection = connect(url, self.what)

    def load(self, name: str, table: pa.Table) -> None:
        """A temporary table ``name`` of ``table``'s rows, uploaded by binary COPY."""
        temporary = exp.Table(
            this=exp.to_identifier(name, quoted=True), db=exp.to_identifier("pg_temp", quoted=True)
        )
        self.execute(exp.Drop(tables=[temporary], kind="TABLE", exists=True).sql(DIALECT))
        plain = pa.table(
            [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns],
            names=table.column_names,
        )
        with self._connection.cursor() as cursor:
            try:
                cursor.adbc_ingest(name, plain, mode="create", temporary=True)
            except self._errors() as exc:
                raise InputError(f"{self.what}: cannot load {name!r}: {_reason(exc, self.url)}") from None

    def figures_view(self, table: str) -> None:
        """:data:`SOURCE` as a temporary view over ``table``, a table of the
        server already in the figures layout: the figures stay where they are."""
        columns = [exp.alias_(exp.column(f.name, quoted=True), f.name, quoted=True) for f in FIGURES]
        query = exp.select(*columns).from_(table_name(table, self.what))
        view = exp.Create(
            kind="VIEW",
            this=exp.Table(this=exp.to_identifier(SOURCE, quoted=True)),
            expression=query,
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            replace=True,
        )
        self.execute(view.sql(DIALECT))

    def execute(self, sql: str) -> None:
        """Run ``sql``, one statement at a time (the driver takes one per call)."""
        with self._connection.cursor() as cursor:
            for statement in statements(sql):
                try:
                    cursor.execute(statement)
                except self._errors() as exc:
                    raise InputError(f"{self.what}: {_reason(exc, self.url)}") from None

    def fetch(self, query: str) -> pa.Table:
        return _fetch(self._connection, query, self.url, self.what)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> PostgresBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _errors() -> type[Exception]:
        from adbc_driver_postgresql import dbapi

        return dbapi.Error  # type: ignore[no-any-return]


def statements(sql: str) -> list[str]:
    """``sql`` cut into its statements at the semicolons the tokenizer sees
    (not those inside strings, names or comments), each kept as written."""
    ends = [t.end for t in Dialect.get_or_raise(DIALECT).tokenize(sql) if t.token_type == TokenType.SEMICOLON]
    cut = [0, *(e + 1 for e in ends), len(sql)]
    pieces = (sql[a:b].strip().rstrip(";") for a, b in itertools.pairwise(cut))
    return [p for p in pieces if p and not _only_comments(p)]


def _only_comments(text: str) -> bool:
    return not Dialect.get_or_raise(DIALECT).tokenize(text)


def _fetch(connection: Any, query: str, url: str, what: str) -> pa.Table:
    from adbc_driver_postgresql import dbapi

    with connection.cursor() as cursor:
        try:
            cursor.execute(query)
            table = cursor.fetch_arrow_table()
        except dbapi.Error as exc:
            raise InputError(f"{what}: {_reason(exc, url)}") from None
    assert isinstance(table, pa.Table)
    return table


def _reason(exc: Exception, url: str) -> str:
    """The server's or libpq's message, one line, the password never in it."""
    text = str(exc).split("\nQuery was:")[0]
    # the server's words come last, after the driver's (which quote the whole query)
    server = re.split(r"\b(?:ERROR|FATAL):\s+", text)
    driver = r"^[A-Z_]+: (\[libpq\] )?(Failed to connect: )?"
    text = server[-1] if len(server) > 1 else re.sub(driver, "", text.strip())
    text = re.sub(r"\s+(LINE \d+:|SQLSTATE:).*", "", text, flags=re.S)
    text = " ".join(text.split())
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text
