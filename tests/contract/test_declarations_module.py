"""A plugin module's ``DECLARATIONS`` register its tables, indicators and metrics beside its own hooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from vqr_metrics.errors import PluginError
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager, plugin_infos

DECLARED = """
[[tables]]
key = "mh"
name = "心理健康教育情况表"
  [[tables.rows]]
  key = "mh_counsellors"
  name = "心理健康教育专职教师数"
  unit = "人"

[[metrics]]
key = "students_per_counsellor"
name = "心理健康教育教师生师比"
formula = "全日制在校生人数 / 心理健康教育专职教师数"
unit = ":1"
table = "mh"
"""

MODULE = """
from pathlib import Path

from vqr_metrics.declarative import load_declarations
from vqr_metrics.model import FindingRule

DECLARATIONS = {declarations}


def register_rules(register):
    register(FindingRule("mh_rule", "info", "a rule of the module's own"))
{extra}"""


def _plugin(
    folder: Path,
    declarations: str = 'load_declarations(Path(__file__).with_suffix(".toml"))',
    extra: str = "",
) -> Path:
    (folder / "mh.toml").write_text(DECLARED, encoding="utf-8")
    path = folder / "mh.py"
    path.write_text(MODULE.format(declarations=declarations, extra=extra), encoding="utf-8")
    return path


def test_declarations_and_the_modules_hooks_register_as_one_plugin(tmp_path: Path) -> None:
    path = _plugin(tmp_path)
    pm = make_plugin_manager(entry_points=False, files=[path])
    catalog = build_catalog(pm)
    assert catalog.tables["mh"].name == "心理健康教育情况表"
    assert "mh_counsellors" in catalog.indicators
    assert catalog.metrics["students_per_counsellor"].table == "mh"
    assert "mh_rule" in catalog.rules
    (info,) = [i for i in plugin_infos(pm) if i.name == str(path)]
    assert info.hooks == ("register_metrics", "register_rules", "register_tables")
    assert catalog.origin("table", "mh").plugin == catalog.origin("rule", "mh_rule").plugin == str(path)


def test_a_hook_of_the_module_beside_declarations_of_its_kind_is_an_error(tmp_path: Path) -> None:
    path = _plugin(tmp_path, extra="\n\ndef register_metrics(register):\n    pass\n")
    with pytest.raises(PluginError) as info:
        make_plugin_manager(entry_points=False, files=[path])
    assert (
        str(info.value)
        == f"plugin {str(path)!r}: both register_metrics and DECLARATIONS register metrics: keep one"
    )


def test_declarations_of_another_type_are_an_error(tmp_path: Path) -> None:
    path = _plugin(tmp_path, declarations="[1, 2]")
    with pytest.raises(PluginError, match=r"mh\.py': DECLARATIONS must be declarations .* not list"):
        make_plugin_manager(entry_points=False, files=[path])


def test_every_built_in_table_module_declares_through_declarations() -> None:
    """No table module repeats the three wrappers: its hooks are its own checks and rules."""
    pm = make_plugin_manager(entry_points=False)
    tables = [i for i in plugin_infos(pm) if ".tables." in i.name]
    assert len(tables) == len([p for p in DEFAULT_PLUGINS if ".tables." in p]) == 15
    for info in tables:
        assert "register_tables" in info.hooks, info.name
    root = Path(__file__).parents[2] / "plugins" / "tables"
    for module in root.rglob("*.py"):
        assert "DECLARATIONS.register_" not in module.read_text(encoding="utf-8"), module
