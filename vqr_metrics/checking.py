"""The checks stage: ``[checks]`` options validated against what checks declare, and every check run.

A check that raises is a plugin error naming it, never a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .catalog import Catalog
from .config import Config
from .dataset import Dataset
from .errors import ConfigError, PluginError, guarded
from .findings import FindingBuilder, Findings
from .model import CheckContext, Finding
from .names import did_you_mean


def validate_check_options(config: Config, catalog: Catalog) -> None:
    """``[checks]`` names only options some check declares, each of its
    default's type, and ``disable`` names only registered checks."""
    defaults = {name: default for check in catalog.checks.values() for name, default in check.options.items()}
    for key, value in config.checks.items():
        if key not in defaults:
            raise ConfigError(
                f"{config.source}: unknown key {key!r} in [checks]{did_you_mean(key, defaults)}"
            )
        if not _same_kind(value, defaults[key]):
            raise ConfigError(
                f"{config.source}: [checks].{key} must be {_kind(defaults[key])} like its default "
                f"{defaults[key]!r}, not {value!r}"
            )
    for check_id in config.disabled_checks:
        if check_id not in catalog.checks:
            raise ConfigError(
                f"{config.source}: [checks].disable names unknown check {check_id!r}"
                f"{did_you_mean(check_id, catalog.checks)}"
            )


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _same_kind(value: object, default: object) -> bool:
    """Whether a configured option value has the type of its default."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and math.isfinite(value)
    return isinstance(value, type(default))


def check_options(catalog: Catalog, configured: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each check's options: its declared defaults overridden by ``[checks]``."""
    out: dict[str, dict[str, Any]] = {}
    for check_id, check in catalog.checks.items():
        options = dict(check.options)
        for name in options:
            if name in configured:
                options[name] = configured[name]
        out[check_id] = options
    return out


def _findings_of(run: Callable[[CheckContext], Any], context: CheckContext) -> Findings | list[Any]:
    produced = run(context)
    return produced if isinstance(produced, Findings) else list(produced)


def run_checks(
    dataset: Dataset,
    catalog: Catalog,
    configured: Mapping[str, Any] | None = None,
    disabled: frozenset[str] = frozenset(),
    computed: Mapping[str, Findings] | None = None,
) -> Findings:
    """Run every registered check not disabled; a check that raises is a
    plugin error naming it, never a traceback.  A check yields
    :class:`Finding` objects, or returns a :class:`Findings` table built in
    bulk (:class:`FindingBuilder`) when it has many to say.  ``computed``
    holds the findings of checks already run elsewhere (a database backend),
    by check id: they take those checks' places in the order."""
    findings = FindingBuilder()
    options = check_options(catalog, configured or {})
    for check_id in sorted(catalog.checks):
        if check_id in disabled:
            continue
        if computed and check_id in computed:
            findings.extend(computed[check_id])
            continue
        check = catalog.checks[check_id]
        context = CheckContext(dataset=dataset, catalog=catalog, options=options[check_id])
        origin = catalog.origin("check", check_id)
        produced = guarded(f"check {check_id!r} ({origin})", _findings_of, check.run, context)
        if isinstance(produced, Findings):
            findings.extend(produced)
            continue
        for finding in produced:
            if not isinstance(finding, Finding):
                raise PluginError(f"check {check_id!r} ({origin}) yielded {finding!r:.60}")
            findings.add(finding)
    return findings.build()
