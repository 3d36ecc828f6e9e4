"""The built-in writers: the long CSV holds every record type (as its
module docstring documents), and no cell — a garbage ``1|2``, a line
break — can break a Markdown or terminal table."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from vqr_metrics_plugins.writers import labels as _labels
from vqr_metrics_plugins.writers import stream_writers
from vqr_metrics_plugins.writers import text_writers as writers

from vqr_metrics.api import render, run
from vqr_metrics.config import Config
from vqr_metrics.result import Result

TINY = (Path(__file__).parents[1] / "support" / "plugins" / "tiny.py").as_posix()
DATA = (
    "entity,year,测试在校生数,测试教师数,“双师”测试教师数,测试经费\n"
    "甲校,2023,300,20,5,100\n"
    "乙校,2023,100,10,1|2,50\n"
    '"丙|校",2023,200,"3\n4",4,80\n'
    '"丁\n校",2023,150,15,6,60\n'
)
RULES = """
name = "测试标准"
source = "测试〔2024〕1号"

[[rules]]
id = "ratio"
name = "生师比"
metric = "tiny_ratio"
op = "<="
threshold = 12

[[rules]]
id = "dual"
name = "双师比例"
metric = "tiny_dual_share"
op = ">="
threshold = 30
proxy = "lower_bound"

[[decision]]
failed = 1
verdict = "不达标"
"""
CARD = {
    "name": "测试|指数",
    "dimensions": [
        {
            "name": "规模",
            "weight": 1,
            "indicators": [{"metric": "测试在校生数", "weight": 1}, {"metric": "测试经费", "weight": 1}],
        },
        {
            "name": "师资",
            "weight": 1,
            "indicators": [
                {"metric": "tiny_ratio", "weight": 1, "direction": "lower"},
                {"metric": "tiny_dual_share", "weight": 1},
            ],
        },
    ],
    "sensitivity": {"draws": 20, "seed": 1, "sweep": [0.5]},
}


@cache
def result(folder: Path, data: str = DATA) -> Result:
    """The tiny plugin's data scored and checked, run in ``folder``."""
    (folder / "d.csv").write_text(data, encoding="utf-8")
    (folder / "rules.toml").write_text(RULES, encoding="utf-8")
    config = Config.build(
        ["d.csv"],
        base_dir=folder,
        plugins={"entry_points": False, "files": [TINY]},
        scorecards=[CARD],
        compliance=[{"rules": "rules.toml"}],
    )
    return run(config)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return result(tmp_path_factory.mktemp("writers"))


# --- CSV -------------------------------------------------------------------------


def csv_rows(outcome: Result) -> list[dict[str, str]]:
    text = str(render(outcome, "csv"))
    # one byte order mark, as Excel needs; a UTF-8-sig decoder (Excel's, Python's) drops it
    assert text.startswith('\ufeff"record",')
    reader = csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig")))
    assert tuple(reader.fieldnames or ()) == stream_writers.COLUMNS
    return list(reader)


def documented_columns() -> dict[str, set[str]]:
    """Record type → the columns the writers module docstring says it fills."""
    doc = stream_writers.__doc__ or ""
    bullets = re.findall(r"^- ``(\w+)``:(.*?)(?=^- |^\S|\Z)", doc, flags=re.MULTILINE | re.DOTALL)
    return {record: set(re.findall(r"``(\w+)``", text)) for record, text in bullets}


def test_every_record_type_is_written_and_fills_only_its_documented_columns(outcome: Result) -> None:
    rows = csv_rows(outcome)
    documented = documented_columns()
    assert set(documented) == {
        "summary",
        "value",
        "finding",
        "score",
        "dimension",
        "contribution",
        "sensitivity",
        "sweep",
        "compliance",
        "verdict",
    }
    assert {r["record"] for r in rows} == set(documented)
    for row in rows:
        filled = {k for k, v in row.items() if v != ""}
        assert filled - {"record"} <= documented[row["record"]], row
    assert set().union(*documented.values()) <= set(stream_writers.COLUMNS)


def test_contributions_one_row_per_indicator_adding_up_to_the_score(outcome: Result) -> None:
    rows = csv_rows(outcome)
    (card,) = outcome.to_records()["scorecards"]
    scores = {(r["entity"], r["year"]): r for r in rows if r["record"] == "score"}
    assert set(scores) == {(r["entity"], str(r["year"])) for r in card["results"]}
    contributions = [r for r in rows if r["record"] == "contribution"]
    per_row = Counter((r["scorecard"], r["entity"], r["year"]) for r in contributions)
    assert set(per_row.values()) == {4}  # four indicators, each once
    for key, score in scores.items():
        if score["value"]:
            mine = [r for r in contributions if (r["entity"], r["year"]) == key]
            assert sum(float(r["contribution"]) for r in mine) == pytest.approx(float(score["value"]))
            assert {r["status"] for r in mine} <= {"reported", "imputed", "missing"}
    ratio = next(r for r in contributions if r["entity"] == "甲校" and r["key"] == "tiny_ratio")
    assert (ratio["name"], float(ratio["value"]), ratio["status"]) == ("生师比（测试）", 15.0, "reported")
    dims = {(r["entity"], r["name"]) for r in rows if r["record"] == "dimension"}
    assert ("甲校", "规模") in dims and ("甲校", "师资") in dims


def test_sensitivity_and_sweep_rows(outcome: Result) -> None:
    rows = csv_rows(outcome)
    sensitivity = outcome.to_records()["scorecards"][0]["sensitivity"]
    written = [r for r in rows if r["record"] == "sensitivity"]
    assert len(written) == len(sensitivity["results"])
    first = sensitivity["results"][0]
    row = next(r for r in written if r["entity"] == first["entity"])
    assert int(row["scored_draws"]) == first["scored_draws"]
    assert float(row["median_rank"]) == first["median_rank"]
    assert len([r for r in rows if r["record"] == "sweep"]) == len(sensitivity["sweep"])


def test_compliance_results_and_verdicts(outcome: Result) -> None:
    rows = csv_rows(outcome)
    rules = {(r["entity"], r["rule"]): r for r in rows if r["record"] == "compliance"}
    assert len(rules) == 4 * 2
    ratio, dual = rules[("甲校", "ratio")], rules[("甲校", "dual")]
    assert (ratio["name"], ratio["status"], float(ratio["value"]), float(ratio["threshold"])) == (
        "生师比",
        "fail",
        15.0,
        12.0,
    )
    assert (ratio["ruleset"], ratio["where"], float(ratio["margin"])) == ("测试标准", "测试〔2024〕1号", -3.0)
    assert (dual["status"], dual["proxy"]) == ("inconclusive", "lower_bound")
    assert rules[("乙校", "dual")]["status"] == "not assessed"
    verdicts = {r["entity"]: r for r in rows if r["record"] == "verdict"}
    assert set(verdicts) == {"甲校", "乙校", "丙|校", "丁\n校"}
    mine = verdicts["甲校"]
    assert (mine["verdict"], mine["status"], mine["at_least"], mine["at_most"]) == (
        "不达标",
        "determined",
        "不达标",
        "不达标",
    )
    assert mine["message"] == "failed: 生师比; inconclusive: 双师比例"
    assert (verdicts["乙校"]["verdict"], verdicts["乙校"]["status"]) == ("未能判定", "undetermined")


def test_values_keep_their_flags(outcome: Result) -> None:
    rows = [r for r in csv_rows(outcome) if r["record"] == "value"]
    # as a Chinese spreadsheet spells them
    assert {r["derived"] for r in rows} == {"是", "否"}
    assert {r["imputed"] for r in rows} == {"否"}


# --- Markdown and the terminal table -----------------------------------------------


def markdown_cells(line: str) -> list[str]:
    """Split a GFM table row as GitHub does: a backslash escapes the next character."""
    cells, current, chars = [], "", iter(line.strip()[1:-1])
    for char in chars:
        if char == "\\":
            current += char + next(chars, "")
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return [*cells, current]


def test_markdown_cells_never_break_their_table(outcome: Result) -> None:
    text = str(render(outcome, "markdown"))
    tables = [block for block in text.strip().split("\n\n") if block.startswith("|")]
    assert len(tables) >= 8
    for table in tables:
        lines = table.split("\n")
        assert all(line.startswith("|") and line.endswith("|") for line in lines), table
        widths = {len(markdown_cells(line)) for line in lines}
        assert len(widths) == 1, table
    # the garbage cell, the entity and the scorecard name keep their pipes, escaped
    assert "1\\|2" in text and "丙\\|校" in text and "## 计分卡：测试\\|指数" in text
    assert "丁<br>校" in text


def test_markdown_escapes_backslashes_before_pipes() -> None:
    assert writers._markdown_text("a\\|b") == "a\\\\\\|b"  # a \ | b: escaped backslash, escaped pipe
    assert markdown_cells("| " + writers._markdown_text("x\\") + " | y |") == [" x\\\\ ", " y "]
    assert writers._markdown_text("1\r\n2\u20283") == "1<br>2<br>3"


def test_the_terminal_table_keeps_one_line_per_row(outcome: Result, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # no terminal, no width: nothing is wrapped
    text = str(render(outcome, "table"))
    parts = text.strip().split("\n\n")
    sections = writers._sections(outcome)
    assert len(parts) == len(sections)
    for part, (title, _, rows) in zip(parts, sections, strict=True):
        # the title, the header, the rule under it, then one line per row
        assert len(part.split("\n")) == 3 + len(rows), title
    assert "丁\\n校" in text and "丁\n校" not in text


def test_value_rows_carry_the_label_that_tells_same_named_rows_apart() -> None:
    seed = Path(__file__).parents[2] / "examples/seeds/000_26576409a80910f8.txt"
    rows = csv_rows(run(Config.build([str(seed)], plugins={"entry_points": False})))
    values = [r for r in rows if r["record"] == "value"]
    labels: dict[str, set[str]] = {}
    for r in values:
        labels.setdefault(r["label"], set()).add(r["key"])
    assert all(len(keys) == 1 for keys in labels.values()), labels
    shared = [r for r in values if r["name"] == "接入国家智慧教育平台数量"]
    assert len({r["key"] for r in shared}) >= 6
    assert len({r["label"] for r in shared}) == len({r["key"] for r in shared})
    assert "专业教学资源库数—国家级数量—接入国家智慧教育平台数量" in {r["label"] for r in shared}


# --- provincial scale: 30 schools × 3 years ------------------------------------------

SCHOOLS = [f"第{i}职业学校" for i in range(1, 31)]
YEARS = (2021, 2022, 2023)


def school_data() -> str:
    """Rows year by year, the schools shuffled: no output order may come from the input."""
    lines = ["entity,year,测试在校生数,测试教师数,“双师”测试教师数,测试经费"]
    for year in YEARS:
        for i in sorted(range(30), key=lambda i: (i * 7) % 30):
            teachers = 20 + (i * 13 + year) % 17
            lines.append(f"{SCHOOLS[i]},{year},{300 + (i * 37 + year) % 200},{teachers},{i % 9},{50 + i}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return result(tmp_path_factory.mktemp("province"), school_data())


def sections(result: Result, prefix: str) -> list[writers.Section]:
    return [s for s in writers._sections(result, lang="en") if s[0].startswith(prefix)]


def test_the_small_case_is_one_table_of_indicators_by_entity_year(outcome: Result) -> None:
    ((title, headers, rows),) = sections(outcome, "Values")
    assert title == "Values" + _labels.text("marks", "en")
    assert headers == ["indicator", "unit", "丁\n校 2023", "丙|校 2023", "乙校 2023", "甲校 2023"]
    assert [row[0] for row in rows] == ["测试在校生数", "测试教师数", "“双师”测试教师数", "测试经费"]


def test_many_entities_get_one_table_per_year_and_slice_in_natural_order(province: Result) -> None:
    values = province.to_records()["values"]
    for kind in ("Values", "Derived metrics"):
        blocks = sections(province, kind)
        expected = [
            (
                f"{kind} {year}, entities {s + 1}–{s + 6} of 30{_labels.text('marks', 'en')}",
                SCHOOLS[s : s + 6],
            )
            for year in YEARS
            for s in range(0, 30, 6)
        ]
        assert [(title, headers[2:]) for title, headers, _ in blocks] == expected
        # every value in its cell, once
        cells = {
            (entity, year, row[0]): cell
            for (_, headers, rows), year in zip(blocks, [y for y in YEARS for _ in range(5)], strict=True)
            for row in rows
            for entity, cell in zip(headers[2:], row[2:], strict=True)
            if cell
        }
        mine = [v for v in values if v["derived"] == (kind != "Values")]
        assert cells == {(v["entity"], v["year"], v["label"]): writers._fmt(v["value"]) for v in mine}
    tables = str(render(province, "table")).split("\n\n")
    lines = [line for table in tables if table.startswith(("数值", "派生指标")) for line in table.split("\n")]
    assert max(map(len, lines)) < 160  # the 90 columns gave lines of 2,200 characters


def test_results_are_listed_year_by_year_in_rank_order(province: Result) -> None:
    natural = {e: i for i, e in enumerate(SCHOOLS)}
    ((_, headers, rows),) = sections(province, "Scorecard")
    at = {h: headers.index(h) for h in ("entity", "year", "rank")}
    keys = [(int(r[at["year"]]), int(r[at["rank"]]), natural[r[at["entity"]]]) for r in rows]
    assert len(keys) == 90 and keys == sorted(keys)
    ((_, headers, rows),) = sections(province, "Sensitivity")
    at = {h: headers.index(h) for h in ("entity", "year", "median_rank")}
    keys = [(int(r[at["year"]]), float(r[at["median_rank"]]), natural[r[at["entity"]]]) for r in rows]
    assert len(keys) == 90 and keys == sorted(keys)
    ((_, headers, rows),) = sections(province, "Compliance")
    at = {h: headers.index(h) for h in ("entity", "year", "rule")}
    rule_order = {"生师比": 0, "双师比例": 1}  # as in the rule file
    keys = [(int(r[at["year"]]), natural[r[at["entity"]]], rule_order[r[at["rule"]]]) for r in rows]
    assert len(keys) == 180 and keys == sorted(keys)
    ((_, headers, rows),) = sections(province, "Verdicts")
    at = {h: headers.index(h) for h in ("entity", "year")}
    keys = [(int(r[at["year"]]), natural[r[at["entity"]]]) for r in rows]
    assert len(keys) == 90 and keys == sorted(keys)


def test_natural_order_compares_numbers_as_numbers() -> None:
    names = ["第10校", "第2校", "第1校", "乙校", "第1校分校", "甲校"]
    assert sorted(names, key=writers._natural) == ["乙校", "甲校", "第1校", "第1校分校", "第2校", "第10校"]


# --- Markdown markup in names and raw cells ------------------------------------------

MARKUP = (
    'entity,year,测试在校生数,测试教师数\n"<b>戊_校</b>",2023,100,`1*2`\n"[己](x) ~~校~~ &lt;",2023,[3],20\n'
)
SPECIALS = set("\\`*_|[]~<>")


def unescaped(text: str) -> set[str]:
    """The Markdown specials of ``text`` no backslash escapes (``<br>`` is ours)."""
    found, chars = set(), iter(text.replace("<br>", ""))
    for char in chars:
        if char == "\\":
            next(chars, "")
        elif char in SPECIALS:
            found.add(char)
    return found


def test_markdown_renders_no_name_or_cell_as_markup(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(MARKUP, encoding="utf-8")
    config = Config.build(["d.csv"], base_dir=tmp_path, plugins={"entry_points": False, "files": [TINY]})
    text = str(render(run(config), "markdown"))
    for line in text.split("\n"):
        if line.startswith("## "):
            assert not unescaped(line[3:]), line
        elif line.startswith("|") and not set(line) <= set("|-: "):
            assert not set().union(*map(unescaped, markdown_cells(line))), line
    assert "&lt;b&gt;戊\\_校&lt;/b&gt;" in text and "\\[己\\](x) \\~\\~校\\~\\~ &amp;lt;" in text
    assert "\\`1\\*2\\`" in text and "\\[3\\]" in text


def test_markdown_escapes_in_one_pass() -> None:
    assert writers._markdown_text("<b>*a*</b>") == "&lt;b&gt;\\*a\\*&lt;/b&gt;"
    assert writers._markdown_text("\\*") == "\\\\\\*"  # the input's backslash cannot eat the escape
    assert writers._markdown_text("`x`_[y]") == "\\`x\\`\\_\\[y\\]"
