"""The writing stage: the output format a config asks for, and a result written by its writer.

A writer streams to a binary stream; a stream that fails (full disk, closed
pipe) is the stream's fault, not the plugin's, and surfaces as the OSError.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from .catalog import Catalog
from .config import Config
from .errors import ConfigError, VqrError, guarded
from .model import Writer
from .names import did_you_mean
from .result import Result


def output_format(catalog: Catalog, config: Config, prefer_suffix: bool = False) -> str:
    """The writer id a config asks for: ``format`` if set, else the writer
    whose suffix the output path has, else ``table``.  ``prefer_suffix``
    lets the path's suffix win over a configured format (``-o x.json``)."""
    fmt = config.output.format
    if (fmt is None or prefer_suffix) and config.output.path:
        suffix = Path(config.output.path).suffix.lower()
        by_suffix = [w.id for w in catalog.writers.values() if suffix in w.suffixes]
        fmt = by_suffix[0] if by_suffix else fmt
    fmt = fmt or "table"
    writer_of(catalog, fmt, config.source)
    return fmt


def writer_of(catalog: Catalog, fmt: str, source: str) -> Writer:
    writers = catalog.writers
    if fmt not in writers:
        raise ConfigError(
            f"{source}: unknown output format {fmt!r}; known: {', '.join(sorted(writers))}"
            f"{did_you_mean(fmt, writers)}"
        )
    writer: Writer = writers[fmt]
    return writer


def write(result: Result, fmt: str, out: IO[bytes]) -> None:
    """Write the result in output format ``fmt`` (a writer id) to the binary stream ``out``."""
    assert result.catalog is not None
    writer: Writer = writer_of(result.catalog, fmt, "--format")
    origin = result.catalog.origin("writer", writer.id)

    def writing(result: Result, out: IO[bytes]) -> None:
        try:
            writer.write(result, out)
        except OSError as exc:  # the stream failed (full disk, closed pipe): not the plugin's fault
            raise _StreamFailed(exc) from None

    try:
        guarded(f"writer {writer.id!r} ({origin})", writing, result, out)
    except _StreamFailed as failed:
        raise failed.error from None


class _StreamFailed(VqrError):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def render(result: Result, fmt: str) -> str | bytes:
    """The result in output format ``fmt``, in memory: text for text formats."""
    assert result.catalog is not None
    buffer = io.BytesIO()
    write(result, fmt, buffer)
    data = buffer.getvalue()
    return data if writer_of(result.catalog, fmt, "--format").binary else data.decode("utf-8")
