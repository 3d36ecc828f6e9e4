"""Pytest fixtures for plugin authors, the same ones the project tests with.

Installed as a pytest plugin (entry point ``pytest11``), so in any test
suite with vqr-metrics installed these fixtures are available:

- ``vqr_catalog``: ``vqr_catalog(plugin, ...)`` builds a finished catalog from
  the built-in plugins plus yours, never from whatever else is installed.
- ``vqr_config``: a :class:`ConfigBuilder` writing inputs into ``tmp_path``;
  ``vqr_config.run(plugin, ...)`` runs the pipeline with your plugins.
- ``seed_reports``: paths of the two real reports shipped as example data.

``evaluate_metric(catalog, key, {input: value})`` evaluates one registered
formula over one row, for hypothesis property tests.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from . import formula
from .catalog import Catalog
from .config import Config
from .pipeline import plugin_manager_for, run
from .pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager
from .result import Result

SEEDS = {
    "gaozhi": "000_26576409a80910f8.txt",  # 内蒙古自治区, 高职, 2023, two year columns
    "zhongzhi": "002_7d1635ab68301fb1.txt",  # 呼和浩特市, 中职, 2023, appendix tables
}


def seed_dir() -> Path | None:
    """``examples/seeds`` of a source checkout (or an editable install)."""
    here = Path(__file__).resolve().parents[1] / "examples" / "seeds"
    return here if here.is_dir() else None


def _named(plugins: Iterable[object]) -> list[tuple[str, object]]:
    return [(getattr(p, "__name__", None) or f"test-plugin-{i}", p) for i, p in enumerate(plugins)]


def make_catalog(*plugins: object, builtins: Sequence[str] = DEFAULT_PLUGINS) -> Catalog:
    """A finished catalog of ``builtins`` plus ``plugins`` (modules or objects)."""
    pm = make_plugin_manager(builtins, entry_points=False, objects=_named(plugins))
    return build_catalog(pm)


def evaluate_metric(catalog: Catalog, metric: str, values: Mapping[str, float | None]) -> float | None:
    """A registered metric over one row whose inputs are ``values`` (by key or
    Chinese name; absent or None = null), the way the engine evaluates it —
    what a property test of a formula needs, without running a pipeline."""
    key = catalog.resolve(metric)
    given = {catalog.resolve(name): value for name, value in values.items()}
    deps = catalog.dependencies[key]

    def column(name: str) -> formula.Column:
        value = given.get(deps[name])
        return np.array([np.nan if value is None else value], dtype=np.float64)

    out = float(formula.evaluate(catalog.formulas[key], column, 1).values[0])
    return None if math.isnan(out) else out


@attrs.define
class ConfigBuilder:
    """Writes input files into a folder and builds configs that load only
    the plugins a test names (never the installed entry points)."""

    folder: Path
    inputs: list[dict[str, Any]] = attrs.field(factory=list)

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    def csv(self, name: str, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return self.write(name, buf.getvalue(), encoding)

    def add_input(self, path: str | Path, **options: Any) -> ConfigBuilder:
        self.inputs.append({"path": str(path), **options})
        return self

    def build(self, **sections: Any) -> Config:
        plugins = {"entry_points": False, **sections.pop("plugins", {})}
        return Config.build(self.inputs, base_dir=self.folder, plugins=plugins, **sections)

    def run(self, *plugins: object, builtins: Sequence[str] = DEFAULT_PLUGINS, **sections: Any) -> Result:
        config = self.build(**sections)
        pm = plugin_manager_for(config, builtins=builtins, extra=_named(plugins))
        return run(config, plugin_manager=pm)


@pytest.fixture
def vqr_catalog() -> Any:
    """Factory: ``vqr_catalog(*plugins, builtins=DEFAULT_PLUGINS) -> Catalog``."""
    return make_catalog


@pytest.fixture
def vqr_config(tmp_path: Path) -> ConfigBuilder:
    return ConfigBuilder(tmp_path)


@pytest.fixture
def seed_reports() -> dict[str, Path]:
    """``{"gaozhi": path, "zhongzhi": path}``; skips outside a source checkout."""
    folder = seed_dir()
    if folder is None:
        pytest.skip("the seed reports ship with the source checkout (examples/seeds)")
    return {name: folder / file for name, file in SEEDS.items()}
