"""The plugin contract: one registration hook per kind of object in :mod:`vqr_metrics.kinds`.

Registration hooks take a ``register`` callback instead of returning lists:
the engine validates each object the moment it is registered and records
which plugin sent it, so a bad or clashing object is reported by name.
Hooks declare; the engine computes and orders work by declared dependencies,
never by the order in which plugins are called.

The specs are made from the kinds table, so a kind, its hook and its
registry cannot drift apart; each reads as if written out::

    @hookspec
    def register_metrics(register: Callable[[Metric], None]) -> None:
        "Register derived metrics. ..."
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

from .kinds import KINDS, Kind

PROJECT = "vqr_metrics"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


def _spec(kind: Kind) -> Callable[..., None]:
    def spec(register: Callable[[Any], None]) -> None:
        pass

    spec.__name__ = spec.__qualname__ = kind.hook
    spec.__doc__ = kind.doc
    spec.__annotations__ = {"register": f"Callable[[{kind.type.__name__}], None]", "return": "None"}
    spec.__module__ = __name__
    return hookspec(spec)


SPECS: dict[str, Callable[..., None]] = {kind.hook: _spec(kind) for kind in KINDS}
globals().update(SPECS)  # pluggy's add_hookspecs reads them as this module's attributes
