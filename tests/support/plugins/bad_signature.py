"""A plugin whose hook takes an argument the spec does not have."""

from collections.abc import Callable


def register_tables(register: Callable[[object], None], catalog: object) -> None:
    pass
