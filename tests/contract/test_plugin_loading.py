"""Plugin loading: built-ins, entry points, config files; broken plugins fail by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vqr_metrics import cli, pluginmanager
from vqr_metrics.errors import PluginError
from vqr_metrics.model import Table, Writer
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager, plugin_infos

HERE = Path(__file__).parents[1] / "support" / "plugins"


def catalog_with_file(name: str) -> None:
    build_catalog(make_plugin_manager(entry_points=False, files=[HERE / name]))


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("broken_import.py", "broken_import.py: failed to load: RuntimeError: this plugin is broken"),
        ("misspelled_hook.py", "unknown hook 'register_tabels'"),
        ("bad_signature.py", "catalog"),
        ("clashing_writer.py", "duplicate writer id 'json'"),
        ("wrong_object.py", "registered Metric"),
        ("failing_hook.py", "register_metrics failed: ValueError: cannot compute"),
        ("bad_formula.py", "metric 'evil'"),
        ("exits_on_import.py", "failed to load: SystemExit: 3"),
    ],
)
def test_broken_plugins_fail_by_name(file: str, message: str) -> None:
    with pytest.raises(PluginError) as info:
        catalog_with_file(file)
    text = str(info.value)
    assert message in text
    assert file in text
    assert "\n" not in text


def test_clash_names_both_plugins() -> None:
    with pytest.raises(PluginError) as info:
        catalog_with_file("clashing_writer.py")
    assert "vqr_metrics_plugins.writers.stream_writers" in str(info.value)
    assert "clashing_writer.py" in str(info.value)
    assert "distribution vqr-metrics" in str(info.value)


@pytest.mark.parametrize(
    "file", ["broken_import.py", "misspelled_hook.py", "clashing_writer.py", "failing_hook.py"]
)
def test_cli_exits_2_with_one_line(file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[plugins]\nentry_points = false\nfiles = ["{(HERE / file).as_posix()}"]\n', encoding="utf-8"
    )
    assert cli.main([str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vqr-score: error: ")
    assert file in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_plugin_module_and_file() -> None:
    with pytest.raises(PluginError, match="cannot import no_such_module"):
        make_plugin_manager(entry_points=False, modules=["no_such_module"])
    with pytest.raises(PluginError, match="does not exist"):
        make_plugin_manager(entry_points=False, files=["/no/such/plugin.py"])


class FakeDist:
    name = "vqr-broken-dist"
    version = "9.9"


class FakeEntryPoint:
    def __init__(self, name: str, loader: Callable[[], Any]) -> None:
        self.name = name
        self.value = f"{name}_module:plugin"
        self.dist = FakeDist()
        self.group = pluginmanager.ENTRY_POINT_GROUP
        self._loader = loader

    def load(self) -> Any:
        return self._loader()


def _entry_points(*eps: FakeEntryPoint) -> Callable[..., list[FakeEntryPoint]]:
    def entry_points(group: str) -> list[FakeEntryPoint]:
        assert group == pluginmanager.ENTRY_POINT_GROUP
        return list(eps)

    return entry_points


def test_entry_point_that_fails_to_load_names_its_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> Any:
        raise ImportError("No module named 'missing_dependency'")

    monkeypatch.setattr(
        pluginmanager.importlib.metadata, "entry_points", _entry_points(FakeEntryPoint("broken", boom))
    )
    with pytest.raises(PluginError) as info:
        make_plugin_manager(entry_points=True)
    text = str(info.value)
    assert "plugin 'broken' (distribution vqr-broken-dist 9.9)" in text
    assert "missing_dependency" in text


def test_entry_point_clash_names_plugin_distribution_and_id(monkeypatch: pytest.MonkeyPatch) -> None:
    class Clash:
        @staticmethod
        def register_writers(register: Callable[[Writer], None]) -> None:
            register(Writer("csv", "another csv", lambda result, out: None))

    monkeypatch.setattr(
        pluginmanager.importlib.metadata, "entry_points", _entry_points(FakeEntryPoint("clash", Clash))
    )
    with pytest.raises(PluginError) as info:
        build_catalog(make_plugin_manager(entry_points=True))
    text = str(info.value)
    assert "duplicate writer id 'csv'" in text
    assert "vqr-broken-dist 9.9" in text
    assert "vqr_metrics_plugins.writers.stream_writers" in text


def test_entry_points_are_loaded_and_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Good:
        @staticmethod
        def register_tables(register: Callable[[Table], None]) -> None:
            register(Table("ep_table", "入口表", []))

    monkeypatch.setattr(
        pluginmanager.importlib.metadata, "entry_points", _entry_points(FakeEntryPoint("good", Good))
    )
    pm = make_plugin_manager(entry_points=True)
    info = {i.name: i for i in plugin_infos(pm)}["good"]
    assert (info.source, info.distribution, info.version) == ("entry point", "vqr-broken-dist", "9.9")
    assert info.hooks == ("register_tables",)
    assert "ep_table" in build_catalog(pm).tables


def test_tests_never_pick_up_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**_: Any) -> Any:
        raise AssertionError("entry points were read")

    monkeypatch.setattr(pluginmanager.importlib.metadata, "entry_points", fail)
    pm = make_plugin_manager(entry_points=False)
    assert [i.name for i in plugin_infos(pm)] == list(DEFAULT_PLUGINS)


def test_factory_builds_a_fresh_manager_each_time() -> None:
    a = make_plugin_manager(entry_points=False)
    b = make_plugin_manager(entry_points=False)
    assert a is not b
    assert build_catalog(a) is not build_catalog(b)


def test_duplicate_plugin_name_is_an_error() -> None:
    with pytest.raises(PluginError, match="duplicate plugin name"):
        make_plugin_manager([DEFAULT_PLUGINS[0], DEFAULT_PLUGINS[0]], entry_points=False)


def test_plugins_command_lists_every_plugin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[plugins]\nentry_points = false\n", encoding="utf-8")
    assert cli.main(["plugins", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    for name in DEFAULT_PLUGINS:
        assert name in out
    assert "vqr-metrics" in out
    assert "writers: markdown, table" in out and "writers: csv, json, parquet" in out
