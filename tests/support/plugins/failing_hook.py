"""A plugin whose hook raises."""

from collections.abc import Callable


def register_metrics(register: Callable[[object], None]) -> None:
    raise ValueError("cannot compute my metrics today")
