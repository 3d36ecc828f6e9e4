"""A plugin whose hook name is misspelled (register_tabels)."""

from collections.abc import Callable


def register_tabels(register: Callable[[object], None]) -> None:
    pass
