"""How single prose phrases are read and compared: the year a sentence opens
with, scale words in units, follow-ups, units that cannot be the indicator's,
figures no table gives."""

from __future__ import annotations

import pytest

from vqr_metrics.pluginmanager import DEFAULT_PLUGINS
from vqr_metrics.result import Result
from vqr_metrics.testing import ConfigBuilder

# The reader, the tables and this check: the other checks have nothing to say here.
PLUGINS = tuple(p for p in DEFAULT_PLUGINS if not p.endswith(".consistency"))
HEAD = "甲省职业教育质量报告\n\n(2023年度)\n\n7.2 科研服务\n\n"
TABLE = (
    "表 7.2 甲省科研服务核心数据列表\n\n序号\t项目\t2023\t2022\n"
    "1\t社会培训总量（人次）\t433384\t346832\n2\t社会培训总收入（万元）\t7709.07\t8031.42\n"
)


def _run(vqr_config: ConfigBuilder, paragraph: str, table: str = TABLE) -> Result:
    path = vqr_config.write("report.txt", f"{HEAD}{paragraph}\n\n{table}")
    return vqr_config.add_input(path).run(builtins=PLUGINS)


def _conflicts(result: Result) -> list[tuple[str | None, int | None, float | str | None]]:
    return [(f.indicators[0], f.year, f.actual) for f in result.findings if f.rule == "narrative_conflict"]


@pytest.mark.parametrize(
    ("paragraph", "conflicts"),
    [
        ("社会培训总量 43.34 万人次。", []),  # 433400 within 50 of 433384: 万人次 printed to the hundred
        ("社会培训总量 43.4 万人次。", [("社会培训总量", 2023, 434_000.0)]),
        ("社会培训总收入 77090700 元。", []),  # 元 for a table in 万元
        (
            "2022 年，社会培训总量 346832 人次，社会培训总收入 8031.42 万元。",
            [],
        ),  # the year the sentence opens with
        ("2022 年，社会培训总量 433384 人次。", [("社会培训总量", 2022, 433_384.0)]),
        ("社会培训总量为 433385 人次。", [("社会培训总量", 2023, 433_385.0)]),
    ],
)
def test_phrases_are_compared_in_their_year_and_unit(
    vqr_config: ConfigBuilder, paragraph: str, conflicts: list[tuple[str, int, float]]
) -> None:
    result = _run(vqr_config, paragraph)
    assert _conflicts(result) == conflicts
    assert result.summary.statements["matched"] == paragraph.count("社会培训")


def test_a_unit_that_cannot_be_the_indicators_matches_nothing(vqr_config: ConfigBuilder) -> None:
    result = _run(vqr_config, "社会培训总量 12.5%，社会培训总收入 7709.07 人。")
    assert _conflicts(result) == []
    assert result.summary.statements["unmatched"] == 2


def test_a_follow_up_takes_its_subject_from_the_phrase_before(vqr_config: ConfigBuilder) -> None:
    table = (
        "表 2 满意度调查表\n\n序号\t指标\t单位\t2023年\t调查人次\t调查方式\n"
        "1\t毕业生满意度\t%\t94.31\t6881\t网络问卷\n\t其中：应届毕业生满意度\t%\t94.53\t4421\t网络问卷\n"
    )
    paragraph = "毕业生满意度 94.31%，调查人次 6881 人，其中：应届毕业生满意度 94.53%，调查人次 4371 人。"
    result = _run(vqr_config, paragraph, table)
    assert _conflicts(result) == [("应届毕业生满意度调查人次", 2023, 4371.0)]
    assert result.summary.statements["agreeing"] == 3


def test_a_figure_no_table_gives_is_info(vqr_config: ConfigBuilder) -> None:
    result = _run(vqr_config, "横向科研经费到账 2394.57 万元。")
    assert result.summary.statements["without_figure"] == 1
    (info,) = [f for f in result.findings if f.rule == "narrative_unchecked"]
    assert info.severity == "info"
    assert "1 name an indicator no table gives for that entity and year (line 7)" in info.message
