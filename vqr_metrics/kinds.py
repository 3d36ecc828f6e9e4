"""The kinds of object plugins register: one table drives the hook specs, the manager and the registry.

Each row names a kind, the class its objects must be, the registration hook
that hands them over (``register_<plural>(register)``), the attribute that
identifies an object, the namespace ids must be unique in, and the hook's
documentation.  Adding a kind is one row here; the hook spec, the manager's
calls and the registry's typed store follow from it.
"""

from __future__ import annotations

import attrs

from .model import (
    Aggregator,
    Check,
    Derivation,
    FindingRule,
    Indicator,
    Metric,
    Normalizer,
    Reader,
    Table,
    Weighting,
    Writer,
)


@attrs.frozen
class Kind:
    """One kind of registered object."""

    name: str
    plural: str
    type: type
    ident: str  # the attribute holding an object's id
    namespace: str  # ids are unique within a namespace
    doc: str

    @property
    def hook(self) -> str:
        return f"register_{self.plural}"


# In this order the plugin manager calls the hooks: tables first so their rows
# exist before anything refers to them; beyond that the engine orders work by
# declared dependencies, never by call order.
KINDS: tuple[Kind, ...] = (
    Kind(
        "table",
        "tables",
        Table,
        "key",
        "table",
        """Register table templates.

    Call ``register(Table(...))`` once per table.  A table's rows are
    :class:`~vqr_metrics.model.Indicator` objects in printed order; each row
    becomes an indicator that readers can fill and formulas can name.
    """,
    ),
    Kind(
        "indicator",
        "indicators",
        Indicator,
        "key",
        "value",
        """Register indicators outside a table template.

    Call ``register(Indicator(key, name, table=..., ...))``.  ``table`` names an
    existing table by key or Chinese name; the indicator is read as a row of
    that table after its template rows (how a new yearly indicator is added
    without touching the plugin that owns the table).
    """,
    ),
    Kind(
        "metric",
        "metrics",
        Metric,
        "key",
        "value",  # indicators and metrics share one namespace: formulas name both
        """Register derived metrics.

    Call ``register(Metric(key, name, formula, ...))``.  The formula is parsed
    once at registration; names it uses are resolved after every plugin has
    registered, so a metric may use indicators or metrics of other plugins.
    """,
    ),
    Kind(
        "derivation",
        "derivations",
        Derivation,
        "id",
        "derivation",
        """Register families of derived metrics (e.g. year over year).

    Call ``register(Derivation(id, description, derive))``.  After every
    plugin has registered, ``derive(base)`` is called for each indicator and
    metric and returns the :class:`~vqr_metrics.model.Metric` it derives, or
    None; the engine registers those under the plugin's name.
    """,
    ),
    Kind(
        "check",
        "checks",
        Check,
        "id",
        "check",
        """Register consistency checks.

    Call ``register(Check(id, description, run, options))``.  ``run`` gets a
    :class:`~vqr_metrics.model.CheckContext` after all metrics are evaluated
    and yields :class:`~vqr_metrics.model.Finding` objects, or returns a
    :class:`~vqr_metrics.findings.Findings` table built in bulk with the
    toolkit :mod:`vqr_metrics.checks` (``findings_at``).
    """,
    ),
    Kind(
        "rule",
        "rules",
        FindingRule,
        "code",
        "rule",
        """Register finding rules.

    Call ``register(FindingRule(code, severity, summary, action))`` once for every
    ``rule`` code the plugin's findings carry: what it means in one line and
    what a user should do.  ``vqr-score rules`` lists them and ``vqr-score
    explain CODE`` shows one; a finding whose rule nobody registered is a bug.
    """,
    ),
    Kind(
        "reader",
        "readers",
        Reader,
        "id",
        "reader",
        """Register input formats.

    Call ``register(Reader(id, description, suffixes, read, sniff))``.  An input
    names its reader with ``format = "<id>"``; otherwise the reader is chosen by
    file suffix, and ``sniff`` decides between readers sharing a suffix.
    """,
    ),
    Kind(
        "writer",
        "writers",
        Writer,
        "id",
        "writer",
        """Register output formats.

    Call ``register(Writer(id, description, write))`` where ``write(result, out)``
    writes to the binary stream ``out``; ``[output] format`` and ``--format``
    select a writer by id.
    """,
    ),
    Kind(
        "normalizer",
        "normalizers",
        Normalizer,
        "id",
        "normalizer",
        """Register normalisation methods for scorecards (``normalize = "<id>"``).""",
    ),
    Kind(
        "weighting",
        "weightings",
        Weighting,
        "id",
        "weighting",
        """Register weighting methods for scorecards (``weights = "<id>"``).""",
    ),
    Kind(
        "aggregator",
        "aggregators",
        Aggregator,
        "id",
        "aggregator",
        """Register aggregation methods for scorecards (``aggregate = "<id>"``).""",
    ),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_HOOK: dict[str, Kind] = {kind.hook: kind for kind in KINDS}
