"""The ``vqr-score`` subcommands and how a command line picks one; each module holds one or two."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from ..names import did_you_mean
from .parsing import UsageError

# subcommand -> the module that parses and runs it; anything else is the main job (a config)
COMMANDS = {
    "check": "score",
    "init": "init",
    "indicators": "listing",
    "metrics": "listing",
    "tables": "listing",
    "plugins": "listing",
    "rules": "rules",
    "explain": "rules",
    "sql": "sql",
}


def dispatch(args: Sequence[str]) -> int:
    """Run the command ``args`` name; the main job when the first word is no subcommand."""
    first = args[0] if args else ""
    if first in COMMANDS:
        module = importlib.import_module(f".{COMMANDS[first]}", __name__)
        return int(module.main(first, list(args[1:])))
    if first and not first.startswith("-") and not Path(first).exists() and Path(first).suffix == "":
        close = did_you_mean(first, COMMANDS)
        if close:
            raise UsageError(f"unknown command {first!r}{close}")
    from .score import main

    return main("", list(args))
