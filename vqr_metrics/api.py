"""The library's entry points in one import: run a config, render or write its result.

    from vqr_metrics.api import run, render
    print(render(run("configs/example.toml"), "markdown"))

Each lives with its stage (:mod:`.pipeline`, :mod:`.reading`, :mod:`.writing`);
this module only gathers them.
"""

from __future__ import annotations

from .pipeline import plugin_manager_for, prepare, run
from .reading import empty_inputs, read_input, reader_for
from .writing import output_format, render, write

__all__ = [
    "empty_inputs",
    "output_format",
    "plugin_manager_for",
    "prepare",
    "read_input",
    "reader_for",
    "render",
    "run",
    "write",
]
