"""Building the plugin manager for one run and filling the catalog from it.

Plugins come from three places, each loaded on its own so a failure names
the plugin at fault: the built-in ``DEFAULT_PLUGINS``, the entry-point group
``vqr_metrics`` (third-party distributions), and modules or files a config
names.  Nothing is loaded at import time; tests build a manager with only
the plugins they choose.  An operator shuts plugins out, unloaded, with
``VQR_DISABLE_PLUGINS=a,b`` (a built-in also by its path in the package or its module's last name).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from . import hookspecs, rules
from .catalog import Catalog, Origin
from .errors import PluginError, VqrError
from .kinds import KINDS
from .names import did_you_mean

ENTRY_POINT_GROUP = "vqr_metrics"
DISABLE_VARIABLE = "VQR_DISABLE_PLUGINS"
BUILTIN_PACKAGE = "vqr_metrics_plugins"

DEFAULT_PLUGINS: tuple[str, ...] = (
    f"{BUILTIN_PACKAGE}.readers.csv_reader",
    f"{BUILTIN_PACKAGE}.readers.report.reader",
    f"{BUILTIN_PACKAGE}.readers.xlsx_reader",
    f"{BUILTIN_PACKAGE}.readers.json_reader",
    f"{BUILTIN_PACKAGE}.readers.arrow_reader",
    f"{BUILTIN_PACKAGE}.readers.duckdb_reader",
    f"{BUILTIN_PACKAGE}.readers.postgres_reader",
    f"{BUILTIN_PACKAGE}.writers.text_writers",
    f"{BUILTIN_PACKAGE}.writers.stream_writers",
    f"{BUILTIN_PACKAGE}.writers.xlsx_writer",
    f"{BUILTIN_PACKAGE}.writers.html_writer",
    f"{BUILTIN_PACKAGE}.scoring.methods",
    f"{BUILTIN_PACKAGE}.metrics.year_over_year",
    f"{BUILTIN_PACKAGE}.tables.appendix.scorecard",
    f"{BUILTIN_PACKAGE}.tables.appendix.satisfaction",
    f"{BUILTIN_PACKAGE}.tables.appendix.resources",
    f"{BUILTIN_PACKAGE}.tables.appendix.international",
    f"{BUILTIN_PACKAGE}.tables.appendix.service",
    f"{BUILTIN_PACKAGE}.tables.appendix.policy",
    f"{BUILTIN_PACKAGE}.tables.core_data.conditions",
    f"{BUILTIN_PACKAGE}.tables.core_data.students",
    f"{BUILTIN_PACKAGE}.tables.core_data.employment",
    f"{BUILTIN_PACKAGE}.tables.core_data.training",
    f"{BUILTIN_PACKAGE}.tables.core_data.majors",
    f"{BUILTIN_PACKAGE}.tables.core_data.faculty",
    f"{BUILTIN_PACKAGE}.tables.core_data.integration",
    f"{BUILTIN_PACKAGE}.tables.core_data.funding",
    f"{BUILTIN_PACKAGE}.tables.core_data.research",
    f"{BUILTIN_PACKAGE}.checks.consistency",
    f"{BUILTIN_PACKAGE}.checks.narrative",
)

# hook name -> the kind of object its register callback takes
REGISTRATION_HOOKS: dict[str, str] = {kind.hook: kind.name for kind in KINDS}


class _Manager(pluggy.PluginManager):
    """A manager that also treats undecorated ``register_*`` functions
    defined in a plugin module as hook implementations, so a misspelled hook
    name is caught by ``check_pending`` instead of being silently ignored."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None or not name.startswith("register_"):
            return opts
        func = getattr(plugin, name, None)
        if not inspect.isroutine(func):
            return None
        if isinstance(plugin, ModuleType) and func.__module__ != plugin.__name__:
            return None  # imported, not defined here
        return {}


class _Declaring:
    """A module and the declarations it holds as ``DECLARATIONS``, one plugin:
    the module's own hooks, and for each kind it declares the declarations'
    ``register_*`` (pluggy takes no hook imported into a module, so without
    this each module would repeat the three wrappers)."""

    def __init__(self, module: ModuleType, hooks: dict[str, Callable[..., Any]]) -> None:
        self.module = module
        for name, hook in hooks.items():
            setattr(self, name, hook)

    def __repr__(self) -> str:
        return f"<module {self.module.__name__} with its DECLARATIONS>"


def _with_declarations(pm: pluggy.PluginManager, origin: Origin, plugin: object) -> object:
    declared = getattr(plugin, "DECLARATIONS", None) if isinstance(plugin, ModuleType) else None
    if declared is None:
        return plugin
    assert isinstance(plugin, ModuleType)
    from .declarative import DeclarativePlugin

    if not isinstance(declared, DeclarativePlugin):
        raise PluginError(
            f"{origin}: DECLARATIONS must be declarations (vqr_metrics.declarative.load_declarations), "
            f"not {type(declared).__name__}"
        )
    hooks = {n: getattr(plugin, n) for n in dir(plugin) if pm.parse_hookimpl_opts(plugin, n) is not None}
    for kind, held in (
        ("tables", declared.tables),
        ("indicators", declared.indicators),
        ("metrics", declared.metrics),
    ):
        hook = f"register_{kind}"
        if not held:
            continue
        if hook in hooks:
            raise PluginError(f"{origin}: both {hook} and DECLARATIONS register {kind}: keep one")
        hooks[hook] = getattr(declared, hook)
    return _Declaring(plugin, hooks)


@attrs.frozen
class PluginInfo:
    """What ``vqr-score plugins`` shows for one plugin."""

    name: str
    source: str  # builtin | entry point | config
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]

    @property
    def origin(self) -> Origin:
        return Origin(self.name, self.distribution, self.version)


def make_plugin_manager(
    builtins: Sequence[str] = DEFAULT_PLUGINS,
    *,
    entry_points: bool = True,
    modules: Sequence[str] = (),
    files: Sequence[str | Path] = (),
    objects: Iterable[tuple[str, object]] = (),
    disabled: Collection[str] | None = None,
) -> pluggy.PluginManager:
    """A fresh plugin manager with the chosen plugins registered and checked.

    ``objects`` are ``(name, plugin)`` pairs already in memory (tests, and
    declarative TOML files turned into plugin objects).  ``disabled`` names
    plugins not to load (by default those of ``VQR_DISABLE_PLUGINS``); the
    manager's ``vqr_disabled`` lists the ones skipped.
    """
    pm = _Manager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    # The rules the core itself emits, whichever plugins are loaded (not listed, never disabled).
    pm.register(rules, name=rules.CORE_PLUGIN)
    infos: dict[str, PluginInfo] = {}
    pm.vqr_infos = infos  # type: ignore[attr-defined]
    shut = disabled_plugins() if disabled is None else frozenset(disabled)
    known: set[str] = set()
    skipped: list[str] = []

    def wanted(name: str) -> bool:
        names = _names(name)
        known.update(names)
        if names & shut:
            skipped.append(name)
            return False
        return True

    def add(name: str, plugin: object, source: str, dist: str | None, version: str | None) -> None:
        origin = Origin(name, dist, version)
        if pm.has_plugin(name):
            other = infos[name].origin
            raise PluginError(f"duplicate plugin name {name!r}: {other} and {origin}")
        plugin = _with_declarations(pm, origin, plugin)
        try:
            pm.register(plugin, name=name)
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            if pm.is_registered(plugin):
                pm.unregister(plugin)
            # pluggy's text names the plugin object by its repr; the origin says it better.
            text = _one_line(exc).replace(repr(plugin), "").replace(f"Plugin {name!r}", "")
            text = text.removesuffix(" in plugin").strip()
            raise PluginError(f"{origin}: {text}") from None
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or []))
        infos[name] = PluginInfo(name, source, dist, version, hooks)

    for module_name in builtins:
        if wanted(module_name):
            with _naming_the_way_out(module_name):
                add(
                    module_name,
                    _import(module_name, Origin(module_name)),
                    "builtin",
                    "vqr-metrics",
                    _version("vqr-metrics"),
                )
    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if not wanted(ep.name):
                continue
            dist = ep.dist.name if ep.dist else None
            version = ep.dist.version if ep.dist else None
            origin = Origin(ep.name, dist, version)
            with _naming_the_way_out(ep.name, "or --no-entry-points "):
                try:
                    plugin = ep.load()
                except (Exception, SystemExit) as exc:  # a broken third-party plugin must not crash the run
                    raise PluginError(f"{origin}: failed to load {ep.value}: {_one_line(exc)}") from None
                add(ep.name, plugin, "entry point", dist, version)
    for module_name in modules:
        if wanted(module_name):
            add(module_name, _import(module_name, Origin(module_name)), "config", None, None)
    for file in files:
        if wanted(str(Path(file))):
            add(str(Path(file)), _load_file(Path(file)), "config", None, None)
    for name, plugin in objects:
        if wanted(name):
            add(name, plugin, "config", None, None)
    if shut and not entry_points:  # naming an installed plugin is no mistake when none is loaded
        known.update(ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    unknown = sorted(shut - known)
    if unknown:
        # suggest a built-in by its last name only, not by all three of its names
        prefix = f"{BUILTIN_PACKAGE}."
        relative = {n.removeprefix(prefix) for n in known if n.startswith(prefix)}
        close = did_you_mean(unknown[0], known - relative)
        raise PluginError(f"{DISABLE_VARIABLE} names no plugin {unknown[0]!r}{close}")
    pm.vqr_disabled = tuple(skipped)  # type: ignore[attr-defined]
    return pm


def disabled_plugins() -> frozenset[str]:
    """The plugin names ``VQR_DISABLE_PLUGINS=a,b`` shuts out."""
    return frozenset(n.strip() for n in os.environ.get(DISABLE_VARIABLE, "").split(",") if n.strip())


def _names(name: str) -> set[str]:
    # a built-in answers to its path in the package and its module's last name
    # too: VQR_DISABLE_PLUGINS=checks.consistency or =consistency
    if not name.startswith(f"{BUILTIN_PACKAGE}."):
        return {name}
    return {name, name.removeprefix(f"{BUILTIN_PACKAGE}."), name.rsplit(".", 1)[1]}


@contextmanager
def _naming_the_way_out(name: str, also: str = "") -> Iterator[None]:
    """A plugin that fails to load says how an operator can shut it out."""
    try:
        yield
    except PluginError as exc:
        short = name.removeprefix(f"{BUILTIN_PACKAGE}.")
        raise PluginError(f"{exc} ({DISABLE_VARIABLE}={short} {also}shuts it out)") from None


def plugin_infos(pm: pluggy.PluginManager) -> list[PluginInfo]:
    infos: dict[str, PluginInfo] = getattr(pm, "vqr_infos", {})
    return [infos[name] for name, _ in pm.list_name_plugin() if name in infos]


def build_catalog(pm: pluggy.PluginManager, *, finish: bool = True, **finish_options: Any) -> Catalog:
    """Call every registration hook of every plugin with a validating
    ``register`` that records the plugin, then finish the catalog."""
    catalog = Catalog()
    infos: dict[str, PluginInfo] = getattr(pm, "vqr_infos", {})
    fill_catalog(catalog, pm, infos)
    if finish:
        catalog.finish(**finish_options)
    return catalog


def fill_catalog(catalog: Catalog, pm: pluggy.PluginManager, infos: dict[str, PluginInfo]) -> None:
    # Tables first so their rows exist before anything else refers to them;
    # beyond that the engine orders work by dependencies, not by call order.
    for hook_name, kind in REGISTRATION_HOOKS.items():
        caller = getattr(pm.hook, hook_name)
        for impl in caller.get_hookimpls():  # registration order
            info = infos.get(impl.plugin_name)
            origin = info.origin if info else Origin(impl.plugin_name)
            register = _register_for(catalog, kind, origin)
            with _naming_the_way_out(impl.plugin_name):
                try:
                    impl.function(register=register)
                except VqrError:
                    raise
                except Exception as exc:
                    raise PluginError(f"{origin}: {hook_name} failed: {_one_line(exc)}") from None


def _register_for(catalog: Catalog, kind: str, origin: Origin) -> Callable[[object], None]:
    def register(obj: object) -> None:
        catalog.register(kind, obj, origin)

    return register


def _import(module_name: str, origin: Origin) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except (Exception, SystemExit) as exc:
        raise PluginError(f"{origin}: cannot import {module_name}: {_one_line(exc)}") from None


def _load_file(path: Path) -> object:
    if not path.is_file():
        raise PluginError(f"plugin file {path} does not exist")
    if path.suffix == ".toml":
        from .declarative import load_declarations

        return load_declarations(path)
    if path.suffix != ".py":
        raise PluginError(f"plugin file {path}: expected a .py or .toml file")
    module_name = f"vqr_metrics_file_plugin_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"plugin file {path}: cannot be loaded as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        del sys.modules[module_name]
        raise PluginError(f"plugin file {path}: failed to load: {_one_line(exc)}") from None
    return module


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, pluggy.PluginValidationError) else text
