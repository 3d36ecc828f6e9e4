"""The code the docs print runs as printed: the README's Python example and the plugin-author snippets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[2]


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


def _blocks(doc: str, heading: str) -> list[str]:
    section = doc.split(heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return [part.split("```", 1)[0] for part in section.split("```python")[1:]]


def test_plugin_doc_snippets_work_as_printed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The table, metric, check and reader snippets of docs/plugins.md make one
    plugin module; its property test and its pipeline test pass as printed."""
    import importlib
    import sys

    from vqr_metrics.testing import ConfigBuilder

    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    module = [
        _blocks(doc, "### A table template")[0],
        _blocks(doc, "### A metric, with its property test")[0],
        _blocks(doc, "### A check")[0],
        _blocks(doc, "### A reader or a writer")[0],
    ]
    (tmp_path / "mental_health.py").write_text("\n\n".join(module), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("mental_health", None)
    importlib.import_module("mental_health")

    property_test: dict[str, object] = {}
    exec(_blocks(doc, "### A metric, with its property test")[1], property_test)
    property_test["test_students_per_counsellor"]()  # type: ignore[operator]

    pipeline_test: dict[str, object] = {}
    exec(_blocks(doc, "## Testing a plugin")[0], pipeline_test)
    pipeline_test["test_ratio_and_check"](ConfigBuilder(tmp_path / "run"))  # type: ignore[operator]

    reader_input = tmp_path / "school.kv"
    reader_input.write_text("心理健康教育专职教师数=3\n心理咨询室数=—\n", encoding="utf-8")
    builder = ConfigBuilder(tmp_path / "kv")
    result = builder.add_input(reader_input, entity="甲校", year=2024).run(sys.modules["mental_health"])
    assert result.value("甲校", 2024, "mh_counsellors") == 3
    assert result.summary.cells == 2 and result.summary.cell_findings == 1
