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
