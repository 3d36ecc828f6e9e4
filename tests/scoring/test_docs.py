"""The docs' key tables are printed from the schemas the files are checked against, so they cannot drift.

Regenerate them with ``python -m tests.scoring.test_docs``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from vqr_metrics import config, schema
from vqr_metrics.scoring import rulefiles, spec

ROOT = Path(__file__).parents[2]
DOCS = (ROOT / "README.md", ROOT / "docs" / "scoring.md")
# Each block of the docs and the sections it shows, in order.
REFERENCES: dict[str, tuple[schema.Section, ...]] = {
    "config": (
        config.CONFIG,
        config.INPUT,
        config.OUTPUT,
        config.PLUGINS,
        config.ENGINE,
        config.CHECKS,
        schema.DECLARATIVE_TABLE,
        schema.DECLARATIVE_ROW,
        schema.DECLARATIVE_INDICATOR,
        schema.DECLARATIVE_METRIC,
    ),
    "scorecards": (spec.CARD, spec.DIMENSION, spec.INDICATOR, spec.SENSITIVITY),
    "compliance": (rulefiles.ENTRY, rulefiles.RULE_FILE, rulefiles.RULE, rulefiles.DECISION),
}
# The top of each kind of file a user writes.
FILES = (config.CONFIG, spec.CARD, rulefiles.ENTRY, rulefiles.RULE_FILE, schema.DECLARATIVE_FILE)


def _reachable(section: schema.Section) -> Iterator[schema.Section]:
    yield section
    for key in section.keys:
        if key.section is not None:
            yield from _reachable(key.section)


def test_the_key_tables_in_the_docs_are_printed_from_the_schemas() -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert schema.refresh(text, REFERENCES) == text, f"{path} is stale: python -m tests.scoring.test_docs"


def test_every_section_of_every_file_has_its_table() -> None:
    shown = {s.title for sections in REFERENCES.values() for s in sections}
    missing = {s.title for top in FILES for s in _reachable(top)} - shown - {"indicator file"}
    assert not missing, f"sections without a table in the docs: {sorted(missing)}"
    blocks = re.findall(r"<!-- keys: (\S+) -->", "".join(p.read_text(encoding="utf-8") for p in DOCS))
    assert sorted(blocks) == sorted(REFERENCES)


def test_a_table_shows_each_key_with_type_default_and_choices() -> None:
    table = schema.reference(config.OUTPUT).splitlines()
    assert table[0] == "`[output]`:"
    assert [line.split(" | ")[0] for line in table[4:]] == [f"| `{k}`" for k in config.OUTPUT.names()]
    lang = next(line for line in table if line.startswith("| `lang`"))
    assert lang == '| `lang` | string: `zh`, `en` | `"zh"` | the language of their headings |'
    year = next(line for line in schema.reference(config.INPUT).splitlines() if "`year`" in line)
    assert year.split(" | ")[1:3] == ["integer", ""]


def main() -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        path.write_text(schema.refresh(text, REFERENCES), encoding="utf-8")


if __name__ == "__main__":
    main()
