"""The metric dependency graph: formula names resolved to keys, units inferred, metrics in dependency order.

Metrics are evaluated in this order, never in plugin call order; a cycle is
an error naming it.
"""

from __future__ import annotations

from . import formula as formula_mod
from .errors import FormulaError
from .registry import Registry
from .resolver import Resolver


class Graph:
    """Parsed formulas, the keys each uses, and the evaluation order."""

    def __init__(self) -> None:
        self.formulas: dict[str, formula_mod.Formula] = {}
        # metric key -> resolved keys of the names its formula uses
        self.dependencies: dict[str, dict[str, str]] = {}
        self.order: list[str] = []

    def build(self, registry: Registry, resolver: Resolver) -> None:
        for key in registry.items["metric"]:
            self.dependencies[key] = self._resolve(key, registry, resolver)
        self.order = self._topological_order(registry)

    def _resolve(self, key: str, registry: Registry, resolver: Resolver) -> dict[str, str]:
        resolved: dict[str, str] = {}
        try:
            for name in self.formulas[key].names:
                resolved[name] = resolver.resolve(name)
            formula_mod.infer_unit(self.formulas[key], lambda name: resolver.get(resolved[name]).unit)
        except FormulaError as exc:
            raise FormulaError(f"metric {key!r} ({registry.origins[('metric', key)]}): {exc}") from None
        return resolved

    def _topological_order(self, registry: Registry) -> list[str]:
        metrics = registry.items["metric"]
        deps = {key: sorted({d for d in self.dependencies[key].values() if d in metrics}) for key in metrics}
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done

        def visit(key: str, stack: list[str]) -> None:
            if state.get(key) == 2:
                return
            if state.get(key) == 1:
                cycle = [*stack[stack.index(key) :], key]
                raise FormulaError(f"metrics depend on each other in a cycle: {' -> '.join(cycle)}")
            state[key] = 1
            stack.append(key)
            for dep in deps[key]:
                visit(dep, stack)
            stack.pop()
            state[key] = 2
            order.append(key)

        for key in sorted(metrics):
            visit(key, [])
        return order
