"""The house rules: small modules, each opening with one line saying what it holds, and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).parents[2]
SOURCES = sorted(
    p
    for folder in ("vqr_metrics", "plugins", "examples/plugins")
    for p in (ROOT / folder).rglob("*.py")
    if "egg-info" not in str(p) and "/tests/" not in p.as_posix()[len(ROOT.as_posix()) :]
)
MAX_LINES = 450


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_a_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines (at most {MAX_LINES})"


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_a_module_opens_with_one_line_saying_what_it_holds(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc and doc.strip(), f"{_rel(path)} has no module docstring"
    lines = doc.strip("\n").splitlines()
    first = lines[0].strip()
    # one line: a sentence of its own, followed by nothing or a blank line
    assert first.endswith((".", ":", "。")), f"{_rel(path)}: the first line {first!r} is not a whole sentence"
    assert len(lines) == 1 or not lines[1].strip(), f"{_rel(path)}: the opening sentence runs past one line"


def _core_imports(path: Path) -> set[str]:
    """What ``path`` imports from the core when it is imported: module level,
    not for typing only (a lazy import inside a function runs later)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.removesuffix(".__init__") if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, (ast.Import, ast.ImportFrom, ast.Try, ast.If)) else ():
            if isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names)
            elif isinstance(sub, ast.ImportFrom):
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - sub.level + 1]) if sub.level else ""
                base = ".".join(p for p in (base, sub.module or "") if p)
                found.add(base)  # the module, and each name in case it is a submodule
                found.update(f"{base}.{a.name}" for a in sub.names)
    return {name for name in found if name.startswith("vqr_metrics")}


def test_no_import_cycle_in_the_core() -> None:
    modules = {}
    for path in (ROOT / "vqr_metrics").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {
        name: sorted(m for m in _core_imports(path) if m in modules and m != name)
        for name, path in modules.items()
    }
    # a package's __init__ importing its own submodules is how a package re-exports, not a cycle
    for name in graph:
        graph[name] = [
            m for m in graph[name] if not (modules[name].name == "__init__.py" and m.startswith(name))
        ]
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for dep in graph[name]:
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep) :], dep]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if dep not in state:
                visit(dep)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_every_package_ships() -> None:
    """The wheel lists its packages by hand (the plugins folder ships under
    another name): every folder with an ``__init__.py`` must be listed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {
        ".".join([name, *init.parent.relative_to(ROOT / folder).parts])
        for name, folder in config["package-dir"].items()
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert sorted(folders) == sorted(config["packages"])
