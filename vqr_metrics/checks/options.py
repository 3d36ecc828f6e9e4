"""Reading a check's ``[checks]`` options: types are checked by the core, ranges here."""

from __future__ import annotations

import math

from ..errors import ConfigError, FormulaError
from ..model import CheckContext
from ..names import did_you_mean


def number_option(
    context: CheckContext, name: str, *, above: float | None = None, at_least: float | None = None
) -> float:
    """The ``[checks]`` option ``name``: a finite number greater than
    ``above`` and at least ``at_least``, else a :class:`ConfigError`."""
    value = context.options[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"[checks] {name} must be a finite number, not {value!r}")
    if above is not None and not value > above:
        raise ConfigError(f"[checks] {name} must be greater than {above:g}, not {value!r}")
    if at_least is not None and not value >= at_least:
        raise ConfigError(f"[checks] {name} must be at least {at_least:g}, not {value!r}")
    return float(value)


def indicator_option(context: CheckContext, name: str) -> str:
    """The canonical key of the input indicator the ``[checks]`` option
    ``name`` names, else a :class:`ConfigError` (with did-you-mean)."""
    catalog = context.catalog
    value = str(context.options[name])
    try:
        key = catalog.resolve(value)
    except FormulaError as exc:
        raise ConfigError(f"[checks] {name}: {exc}") from None
    if key not in catalog.indicators:
        known = [catalog.label(k) for k in catalog.indicators]
        raise ConfigError(
            f"[checks] {name} must name an input indicator, not the metric {value!r}"
            f"{did_you_mean(value, known)}"
        )
    return key
