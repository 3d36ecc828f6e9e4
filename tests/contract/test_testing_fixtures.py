"""The pytest fixtures vqr_metrics.testing gives plugin authors work as documented."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.plugins import tiny
from vqr_metrics.catalog import Catalog
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS
from vqr_metrics.testing import ConfigBuilder


def test_vqr_catalog_builds_builtins_plus_the_plugin(vqr_catalog: Callable[..., Catalog]) -> None:
    catalog = vqr_catalog(tiny)
    assert "tiny" in catalog.tables and "graduate_placement_rate" in catalog.metrics
    assert {origin.plugin for origin in catalog.origins.values()} >= {
        *DEFAULT_PLUGINS,
        "tests.support.plugins.tiny",
    }
    bare = vqr_catalog(tiny, builtins=())
    assert set(bare.tables) == {"tiny"}


def test_seed_reports_are_the_two_shipped_reports(
    seed_reports: dict[str, Path], vqr_config: ConfigBuilder
) -> None:
    assert set(seed_reports) == {"gaozhi", "zhongzhi"}
    result = vqr_config.add_input(seed_reports["zhongzhi"]).run()
    assert result.value("呼和浩特市", 2023, "全日制在校生人数") == 24069
    assert result.summary.cells == result.summary.figures + result.summary.cell_findings


def test_config_builder_writes_inputs_in_its_folder(vqr_config: ConfigBuilder, tmp_path: Path) -> None:
    path = vqr_config.write("gbk.csv", "entity,year,测试在校生数\n甲校,2023,5\n", encoding="gbk")
    assert path.parent == tmp_path and path.read_bytes().decode("gbk").startswith("entity")
    config: Any = vqr_config.add_input(path).build()
    assert config.plugins.entry_points is False and config.inputs[0].path == str(path)
    assert vqr_config.run(tiny).value("甲校", 2023, "tiny_students") == 5
