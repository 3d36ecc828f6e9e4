"""A plugin with a formula that is not allowed."""

from collections.abc import Callable

from vqr_metrics.model import Metric


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(Metric("evil", "恶意", "__import__('os').system('true')"))
