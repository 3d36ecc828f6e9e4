"""User-facing errors, each one line naming the file, line or item at fault.

The CLI prints it and exits with status 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# The most characters a message echoes of a formula, a cell or a line it quotes.
SHOWN = 120


def shown(text: object, limit: int = SHOWN) -> str:
    """``text`` quoted as ``repr`` quotes it, cut to ``limit`` characters
    with ``…``: a message quoting what a user wrote stays one short line."""
    quoted = repr(text) if isinstance(text, str) else str(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 1] + "…"


class VqrError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = 2


class ConfigError(VqrError):
    """A config file, or a config built in Python, is not valid."""


class InputError(VqrError):
    """An input file cannot be read at all (content problems are findings)."""


class PluginError(VqrError):
    """A plugin failed to load, misspelled a hook or registered a bad object."""


class FormulaError(VqrError):
    """A metric formula is not valid or names something unknown."""


class ScoringError(VqrError):
    """A scorecard cannot be computed as configured."""


def guarded(what: str, call: Callable[..., T], *args: Any) -> T:
    """Run plugin code: a user error passes through (a check rejecting its
    option's value), anything else becomes a one-line :class:`PluginError`
    naming the plugin — never a traceback."""
    try:
        return call(*args)
    except VqrError:
        raise
    except Exception as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise PluginError(f"{what} failed: {type(exc).__name__}: {text}") from None
