"""Progress of long work (inputs read, Monte Carlo draws) as bars on stderr, when the CLI asks.

The library is silent by default; ``vqr-score`` switches bars on when stderr
is a terminal.  A bar appears only once its work has taken ``DELAY``
seconds, so quick runs print nothing.  Bars are drawn by tqdm: the
well-kept standard, with no dependencies of its own, that draws on stderr,
sizes itself to the terminal and waits before showing (``delay``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

DELAY = 1.0  # seconds of work before a bar is worth showing
_SHOWN: ContextVar[bool] = ContextVar("vqr_progress", default=False)


@contextmanager
def shown(enabled: bool = True) -> Iterator[None]:
    """Within this block, :func:`steps` draws bars (when ``enabled``)."""
    token = _SHOWN.set(enabled)
    try:
        yield
    finally:
        _SHOWN.reset(token)


def steps(items: Iterable[T], what: str, unit: str = "it") -> Iterator[T]:
    """``items`` as they are, with a bar named ``what`` while bars are shown."""
    if not _SHOWN.get():
        yield from items
        return
    from tqdm import tqdm  # only a terminal run pays for the import

    total = len(items) if isinstance(items, Sized) else None
    with tqdm(items, total=total, desc=what, unit=unit, delay=DELAY, leave=False, file=sys.stderr) as bar:
        yield from bar
