"""A plugin that hands a metric to the tables hook."""

from collections.abc import Callable

from vqr_metrics.model import Metric


def register_tables(register: Callable[[object], None]) -> None:
    register(Metric("oops", "错误", "1 + 1"))
