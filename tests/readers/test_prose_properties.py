"""Properties of the prose check: a paragraph restating a table's own figures
(in the phrasings reports use, with random units and precision) raises
nothing; changing one figure raises exactly one ``narrative_conflict`` naming
it; numbers that name no indicator raise no warning."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.properties import covers
from vqr_metrics.model import Finding
from vqr_metrics.pluginmanager import DEFAULT_PLUGINS
from vqr_metrics.result import Result
from vqr_metrics.testing import ConfigBuilder

# Rows of 附表 1 and 附表 6 as printed: (table, name, unit, whether printed under 其中：).
SCORECARD, POLICY = "附表 1：人才培养质量计分卡", "附表 6：落实政策表"
ROWS = [
    (SCORECARD, "毕业生人数", "人", False),
    (SCORECARD, "毕业去向落实人数", "人", False),
    (SCORECARD, "毕业生升学人数", "人", True),
    (SCORECARD, "毕业生本省去向落实率", "%", False),
    (SCORECARD, "月收入", "元", False),
    (SCORECARD, "自主创业率", "%", False),
    (POLICY, "年生均财政拨款水平", "元", False),
    (POLICY, "年财政专项拨款", "万元", False),
    (POLICY, "企业提供的校内实践教学设备值", "万元", False),
    (POLICY, "聘请行业导师人数", "人", False),
]
# The phrasings of the issue; {u} is the unit as the sentence prints it.
PHRASINGS = ["{n} {v}（{u}）", "{n} {v} {u}", "{n}为 {v}{u}", "{n}达 {v}{u}"]
HEAD = "甲市中等职业教育质量年度报告\n\n(2023年度)\n\n1. 基本情况\n\n"
# The reader, the tables and this check: the other checks have nothing to say here.
PLUGINS = tuple(p for p in DEFAULT_PLUGINS if not p.endswith(".consistency"))
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@attrs.frozen
class Row:
    name: str
    unit: str
    table: str  # the figure as the table prints it
    said: str  # as the prose prints it
    factor: float  # the prose's unit to the table's (1e-4 for 元 against 万元)


def _fixed(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def _places(text: str) -> int:
    return len(text.partition(".")[2])


@st.composite
def reports(draw: st.DrawFn) -> tuple[list[Row], str]:
    """Rows of a table and a paragraph restating them, as one report."""
    picked = sorted(draw(st.lists(st.sampled_from(range(len(ROWS))), min_size=1, max_size=6, unique=True)))
    rows, clauses, tables = [], [], {}
    for i in picked:
        caption, name, unit, under = ROWS[i]
        value = draw(st.integers(0, 10_000 if unit == "%" else 9_999_999)) / 100
        table, said = _fixed(value, draw(st.integers(0, 2))), _fixed(value, draw(st.integers(0, 2)))
        shown, factor = unit, 1.0
        if unit == "万元" and draw(st.booleans()):  # the prose in 元 for a table in 万元
            said, shown, factor = _fixed(value * 10_000, draw(st.integers(0, 2))), "元", 1e-4
        phrasing = draw(st.sampled_from(PHRASINGS))
        clauses.append(("其中：" if under else "") + phrasing.format(n=name, v=said, u=shown))
        rows.append(Row(name, unit, table, said, factor))
        tables.setdefault(caption, []).append(f"{name}\t{unit}\t{table}")
    printed = "".join(
        f"{caption}\n\n序号\t指标\t单位\t值\n" + "".join(f"{n}\t{r}\n" for n, r in enumerate(body, 1)) + "\n"
        for caption, body in tables.items()
    )
    return rows, f"{HEAD}{'，'.join(clauses)}。\n\n{printed}"


def _run(report: str) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        builder = ConfigBuilder(Path(folder))
        return builder.add_input(builder.write("report.txt", report)).run(builtins=PLUGINS)


def _conflicts(result: Result) -> list[Finding]:
    return [f for f in result.findings if f.rule == "narrative_conflict"]


@covers("check", "narrative_conflict")
@SETTINGS
@given(reports())
def test_a_paragraph_of_the_tables_own_figures_raises_nothing(drawn: tuple[list[Row], str]) -> None:
    rows, report = drawn
    result = _run(report)
    assert _conflicts(result) == []
    assert result.summary.statements["agreeing"] == len(rows) == result.summary.statements["read"]


@covers("check", "narrative_conflict")
@SETTINGS
@given(reports(), st.data())
def test_changing_one_figure_raises_exactly_one_conflict_naming_it(
    drawn: tuple[list[Row], str], data: st.DataObject
) -> None:
    rows, report = drawn
    row = data.draw(st.sampled_from(rows))
    # at least two units in the coarser printed place, in the table's unit: beyond any rounding
    coarser = min(_places(row.said) + (4 if row.factor != 1 else 0), _places(row.table))
    step = data.draw(st.integers(2, 9)) * 10.0**-coarser / row.factor
    changed = _fixed(float(row.said) + step, _places(row.said))
    start = report.index(row.name, report.index("1. 基本情况"))
    at = report.index(row.said, start)
    result = _run(report[:at] + changed + report[at + len(row.said) :])
    (finding,) = _conflicts(result)
    assert finding.indicators == (row.name,)
    assert changed in finding.message and row.table in finding.message
    assert result.summary.statements["disagreeing"] == 1


@covers("check", "narrative_conflict")
@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.text("甲乙丙丁戊己庚辛壬癸", min_size=2, max_size=6),
            st.integers(0, 99_999),
            st.sampled_from(["人", "个", "项", "%", "万元", ""]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_numbers_that_name_no_indicator_raise_no_warning(phrases: list[tuple[str, int, str]]) -> None:
    paragraph = "，".join(f"{name} {number} {unit}".strip() for name, number, unit in phrases) + "。"
    report = f"{HEAD}{paragraph}\n\n{SCORECARD}\n\n序号\t指标\t单位\t值\n1\t毕业生人数\t人\t7146\n"
    result = _run(report)
    narrative = [f for f in result.findings if f.rule.startswith("narrative")]
    assert {f.severity for f in narrative} <= {"info"}
    assert result.summary.statements["unmatched"] == result.summary.statements["read"] == len(phrases)
    assert [f.rule for f in narrative] == ["narrative_unchecked"]
