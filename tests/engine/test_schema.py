"""The schema language: sections derived from attrs classes, and the errors validation gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomllib

from vqr_metrics import config, schema
from vqr_metrics.errors import ConfigError
from vqr_metrics.schema import Key, Section, validate
from vqr_metrics.scoring import rulefiles

ROOT = Path(__file__).parents[2]
SECTION = Section(
    "[part]",
    (
        Key("name", str, "a name", required=True),
        Key("share", float, "a number"),
        Key("count", int, "a whole number"),
        Key("lang", str, "a language", choices=("zh", "en")),
        Key("parts", list, "parts", item=str, choices=("summary", "scores"), noun="part"),
        Key("rows", list, "rows", item=dict),
        Key("options", dict, "a table"),
    ),
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "x", "nmae": 1}, "f.toml: unknown key 'nmae' in [part] (did you mean: name?)"),
        ({}, "f.toml: [part] needs a 'name'"),
        ({"name": 1}, "f.toml: [part].name must be a str, not int"),
        ({"name": "x", "count": True}, "f.toml: [part].count must be a int, not bool"),
        ({"name": "x", "share": False}, "f.toml: [part].share must be a float, not bool"),
        (
            {"name": "x", "lang": "zn"},
            "f.toml: [part].lang must be one of zh, en, not 'zn' (did you mean: zh, en?)",
        ),
        (
            {"name": "x", "parts": ["summary", "score"]},
            "f.toml: [part].parts: unknown part 'score'; known: summary, scores (did you mean: scores?)",
        ),
        ({"name": "x", "parts": ["summary", 3]}, "f.toml: [part].parts must be a list of strings"),
        ({"name": "x", "rows": [{}, 2]}, "f.toml: [part].rows must be an array of tables ([[rows]])"),
        ({"name": "x", "options": [1]}, "f.toml: [part].options must be a table ([options])"),
    ],
)
def test_each_error_is_one_line_naming_key_place_and_file(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate(raw, SECTION, "[part]", "f.toml")
    assert str(caught.value) == message


def test_what_the_schema_accepts() -> None:
    validate({"name": "x", "share": 2, "rows": {"a": 1}, "parts": []}, SECTION, "[part]", "f.toml")
    validate({"name": "x", "center": "anything"}, SECTION, "[part]", "f.toml", extra=["center"])
    validate({"own": 1}, SECTION.extended("[own]", Key("own", int, "o"), without=["name"]), "[own]", "f.toml")
    opened = Section("[checks]", (Key("disable", list, "ids", item=str),), open=True)
    validate({"factor": 2, "disable": ["a"]}, opened, "[checks]", "f.toml")
    with pytest.raises(ConfigError, match="disable must be a list of strings"):
        validate({"disable": [1]}, opened, "[checks]", "f.toml")


def test_a_top_level_names_its_keys_bare() -> None:
    with pytest.raises(ConfigError) as caught:
        validate(
            {"name": "n", "source": "s", "rules": [], "level": "中"},
            rulefiles.RULE_FILE,
            "the rule file",
            "r",
        )
    assert str(caught.value) == "r: level must be one of 高职, 中职, not '中' (did you mean: 中职?)"


def test_sections_derived_from_attrs_classes_take_their_types_and_defaults() -> None:
    path, year, level = (config.INPUT[k] for k in ("path", "year", "level"))
    # a field without a default is required, unless overridden: a database input has no path
    assert not path.required and path.kind is str
    assert config.OUTPUT["path"].required is False and config.OUTPUT["format"].default is None
    assert (year.kind, year.required, year.default) == (int, False, None)
    assert level.choices == config.LEVELS
    assert config.OUTPUT.defaults() == {
        "format": None,
        "path": None,
        "sections": config.SECTIONS,
        "lang": "zh",
        "layout": "long",
    }
    assert config.PLUGINS["files"].item is str
    relation = schema.DECLARATIVE_INDICATOR["relation"]
    assert relation.choices == ("none", "partition", "subset", "other_unit") and relation.default == "none"


def test_validate_tree_walks_tables_and_arrays_of_tables() -> None:
    data = {"tables": [{"key": "t", "name": "表", "rows": [{"key": "r", "name": "行", "unti": "人"}]}]}
    with pytest.raises(ConfigError) as caught:
        schema.validate_tree(data, schema.DECLARATIVE_FILE, "the indicator file", "i.toml")
    assert str(caught.value) == "i.toml: unknown key 'unti' in tables #1.rows #1 (did you mean: until, unit?)"


def test_every_shipped_file_fits_its_schema() -> None:
    files = [
        *((p, schema.DECLARATIVE_FILE) for p in (ROOT / "plugins" / "tables").rglob("*.toml")),
        *((p, rulefiles.RULE_FILE) for p in (ROOT / "configs" / "rules").glob("*.toml")),
        *((p, config.CONFIG) for p in (ROOT / "configs").glob("*.toml")),
    ]
    assert len(files) > 10
    for path, section in files:
        schema.validate_tree(tomllib.loads(path.read_text(encoding="utf-8")), section, "the file", str(path))


def test_refresh_replaces_only_the_marked_blocks() -> None:
    text = "before\n<!-- keys: part -->\nstale\n<!-- /keys -->\nafter\n"
    fresh = schema.refresh(text, {"part": (SECTION,)})
    assert fresh == f"before\n<!-- keys: part -->\n\n{schema.reference(SECTION)}\n\n<!-- /keys -->\nafter\n"
    assert schema.refresh(fresh, {"part": (SECTION,)}) == fresh
