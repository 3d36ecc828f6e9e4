"""Database backends: the one protocol a run computes through, and the embedded DuckDB one."""

from __future__ import annotations

from typing import Protocol

import duckdb
import pyarrow as pa

from ..config import Config
from ..errors import ConfigError


class Backend(Protocol):
    """A database the views run in: tables loaded as Arrow, queries fetched as Arrow."""

    dialect: str  # the sqlglot dialect of its SQL, and what the output says ran there

    def load(self, name: str, table: pa.Table) -> None:
        """Make ``table`` readable as the relation ``name`` for this session."""

    def execute(self, sql: str) -> None:
        """Run statements (several, each ended by ``;``)."""

    def fetch(self, query: str) -> pa.Table:
        """Run a query; its rows as an Arrow table."""

    def close(self) -> None:
        """End the session: what it loaded and made is gone."""


class DuckDBBackend:
    """An in-process DuckDB: Arrow tables are scanned in place, never copied."""

    dialect = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection | None = None) -> None:
        self.connection = connection or duckdb.connect()

    def load(self, name: str, table: pa.Table) -> None:
        self.connection.register(name, table)

    def execute(self, sql: str) -> None:
        self.connection.execute(sql)

    def fetch(self, query: str) -> pa.Table:
        return self.connection.sql(query).to_arrow_table()

    def close(self) -> None:
        self.connection.close()


def open_backend(config: Config) -> Backend:
    """The backend ``[engine] backend`` names, connected."""
    if config.backend == "duckdb":
        return DuckDBBackend()
    from .postgres import PostgresBackend

    url = config.database or next((spec.database for spec in config.inputs if spec.database), None)
    if url is None:
        raise ConfigError(
            f'{config.source}: [engine] backend = "postgres" needs [engine] database or an input '
            "with a database URL"
        )
    return PostgresBackend(url)
