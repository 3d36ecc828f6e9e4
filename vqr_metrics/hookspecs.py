"""The plugin contract.  Every hook a plugin may implement is declared here.

Registration hooks take a ``register`` callback instead of returning lists:
the engine validates each object the moment it is registered and records
which plugin sent it, so a bad or clashing object is reported by name.
Hooks declare; the engine computes and orders work by declared dependencies,
never by the order in which plugins are called.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from .model import (
    Aggregator,
    Check,
    Indicator,
    Metric,
    Normalizer,
    Reader,
    Table,
    Weighting,
    Writer,
)

PROJECT = "vqr_metrics"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_tables(register: Callable[[Table], None]) -> None:
    """Register table templates.

    Call ``register(Table(...))`` once per table.  A table's rows are
    :class:`~vqr_metrics.model.Indicator` objects in printed order; each row
    becomes an indicator that readers can fill and formulas can name.
    """


@hookspec
def register_indicators(register: Callable[[Indicator], None]) -> None:
    """Register indicators outside a table template.

    Call ``register(Indicator(key, name, table=..., ...))``.  ``table`` names an
    existing table by key or Chinese name; the indicator is read as a row of
    that table after its template rows (how a new yearly indicator is added
    without touching the plugin that owns the table).
    """


@hookspec
def register_metrics(register: Callable[[Metric], None]) -> None:
    """Register derived metrics.

    Call ``register(Metric(key, name, formula, ...))``.  The formula is parsed
    once at registration; names it uses are resolved after every plugin has
    registered, so a metric may use indicators or metrics of other plugins.
    """


@hookspec
def register_checks(register: Callable[[Check], None]) -> None:
    """Register consistency checks.

    Call ``register(Check(id, description, run, options))``.  ``run`` gets a
    :class:`~vqr_metrics.model.CheckContext` after all metrics are evaluated
    and yields :class:`~vqr_metrics.model.Finding` objects, or returns a
    :class:`~vqr_metrics.findings.Findings` table built in bulk with the
    toolkit :mod:`vqr_metrics.checks` (``findings_at``).
    """


@hookspec
def register_readers(register: Callable[[Reader], None]) -> None:
    """Register input formats.

    Call ``register(Reader(id, description, suffixes, read, sniff))``.  An input
    names its reader with ``format = "<id>"``; otherwise the reader is chosen by
    file suffix, and ``sniff`` decides between readers sharing a suffix.
    """


@hookspec
def register_writers(register: Callable[[Writer], None]) -> None:
    """Register output formats.

    Call ``register(Writer(id, description, write))`` where ``write(result, out)``
    writes to the binary stream ``out``; ``[output] format`` and ``--format``
    select a writer by id.
    """


@hookspec
def register_normalizers(register: Callable[[Normalizer], None]) -> None:
    """Register normalisation methods for scorecards (``normalize = "<id>"``)."""


@hookspec
def register_weightings(register: Callable[[Weighting], None]) -> None:
    """Register weighting methods for scorecards (``weights = "<id>"``)."""


@hookspec
def register_aggregators(register: Callable[[Aggregator], None]) -> None:
    """Register aggregation methods for scorecards (``aggregate = "<id>"``)."""
