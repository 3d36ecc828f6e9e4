"""The plugin-author docs keep up with the contract."""

from __future__ import annotations

import inspect
from pathlib import Path

from vqr_metrics import hookspecs

ROOT = Path(__file__).parents[1]


def test_every_hook_is_documented_with_its_signature() -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [
        f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("register_")
    ]
    assert hooks
    for hook in hooks:
        params = ", ".join(f"{p.name}: {p.annotation}" for p in inspect.signature(hook).parameters.values())
        assert f"`{hook.__name__}({params}) -> None`" in doc, f"{hook.__name__} missing from docs/plugins.md"


def test_readme_documents_the_json_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("values", "findings", "scorecards", "summary"):
        assert f'"{key}"' in readme


def test_readme_python_example_runs(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## From Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    assert len([line for line in block.strip().splitlines() if line.strip()]) <= 12
    monkeypatch.chdir(ROOT)
    # Tests never load installed plugins: the example runs with the built-ins only.
    block = block.replace("scorecards=[", 'plugins={"entry_points": False},\n    scorecards=[', 1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("呼和浩特市 2023 ") for line in out)
    assert out[-1].startswith("99.2")
