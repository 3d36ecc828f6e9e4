"""The prose of both seed reports checked against their own tables: every
disagreement found by reading them is a ``narrative_conflict`` warning, the
figures the prose restates correctly raise nothing, and unmatched phrases are
at most info."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vqr_metrics import Config, run
from vqr_metrics.api import render
from vqr_metrics.result import Result
from vqr_metrics.statements import STATEMENTS, compare

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = "000_26576409a80910f8.txt"  # 内蒙古自治区, 高职
ZHONGZHI = "002_7d1635ab68301fb1.txt"  # 呼和浩特市, 中职

# Found by reading both reports:
# (file, prose line, indicator, text figure, table figure, table line, caption).
CONFLICTS = {
    # §2.1 "教学用科研及辅助用房总面积 378.68 万平方米" vs 表 2.1 378.33
    (
        GAOZHI,
        289,
        "教学用科研及辅助用房面积",
        378.68,
        378.33,
        296,
        "表 2.1 内蒙古自治区高职院校办学条件核心数据",
    ),
    # §3.1.1 "2023 年开设专业总数 1489（个）" vs 表 3.1 1434
    (GAOZHI, 588, "开设专业总数", 1489.0, 1434.0, 593, "表 3.1 内蒙古自治区专业课程核心数据列表"),
    # §6.1 "企业（准）捐赠设备值 10767.31（万元）" vs 表 6.1 10767.30: both to the cent
    (GAOZHI, 963, "企业（准）捐赠设备值", 10767.31, 10767.30, 969, "表 6.1 内蒙古自治区产教融合核心数据列表"),
    # §2.8 "毕业生满意度调查人次 6831 人" vs 附表 2 6881
    (ZHONGZHI, 482, "毕业生满意度调查人次", 6831.0, 6881.0, 960, "附表 2：满意度调查表"),
    # §2.8 "应届毕业生满意度 94.53%，调查人次 4371 人" (a follow-up) vs 附表 2 4421
    (ZHONGZHI, 482, "应届毕业生满意度调查人次", 4371.0, 4421.0, 961, "附表 2：满意度调查表"),
}

# Prose figures checked by hand that agree with the tables: (file, line, indicator, text figure).
AGREEING = [
    (GAOZHI, 289, "纸质图书资源量", 1410.50),  # 1410 in 表 2.1, printed without decimals
    (GAOZHI, 291, "折合数字资源量", 5764.30),  # 5764 in 表 2.1 (the sentence goes on after a page break)
    (GAOZHI, 289, "占地面积", 1760.65),
    (GAOZHI, 291, "教学用计算机（终端）总数", 77042.0),
    (GAOZHI, 313, "全日制专科生数", 214252.0),  # printed 全日制专科生总数
    (GAOZHI, 493, "A类：留在当地就业", 27719.0),  # printed 其中留在当地就业
    (GAOZHI, 493, "应届生初次就业率", 92.19),
    (GAOZHI, 534, "顶岗实习购买保险比例", 88.58),
    (GAOZHI, 588, "重点专业数", 302.0),  # printed 重点专业数总数
    (GAOZHI, 749, "专任教师数", 12200.0),
    (GAOZHI, 939, "接收国外留学生专业数", 8.0),  # printed 接收国（境）外留学生专业数
    (GAOZHI, 943, "课程标准", 68.0),
    (GAOZHI, 947, "中外合作办学专业数—在校生数", 1105.0),  # 在校生数 of 中外合作办学, by the heading
    (GAOZHI, 963, "校企联合申报科技成果数", 89.0),  # printed 数校企联合申报科技成果数
    (GAOZHI, 1062, "学校年度经费总收入", 609241.96),
    (GAOZHI, 1110, "社会培训总量", 433384.0),
    (ZHONGZHI, 238, "教职工总数", 2638.0),  # printed 教职工
    (ZHONGZHI, 238, "生师比", 12.4),  # 12.40 in 附表 4
    (ZHONGZHI, 238, "班主任人数", 535.0),
    (ZHONGZHI, 480, "毕业生人数", 7146.0),
    (ZHONGZHI, 482, "毕业去向落实率", 99.26),  # 落实率: recomputed 7093 / 7146 = 99.258…
    (ZHONGZHI, 482, "月收入", 2068.0),  # printed 顶岗实习月收入
    (ZHONGZHI, 482, "面向第一产业", 38.0),  # printed 其中：面向第一产业 38 人
    (ZHONGZHI, 482, "毕业生满意度", 94.31),
    (ZHONGZHI, 482, "毕业三年内毕业生满意度调查人次", 5929.0),  # 调查人次 5929 人, a follow-up
]


def _config(**checks: object) -> Config:
    inputs = [str(SEEDS / GAOZHI), str(SEEDS / ZHONGZHI)]
    return Config.build(inputs, plugins={"entry_points": False}, checks=checks)


@pytest.fixture(scope="module")
def result() -> Result:
    return run(_config())


@pytest.fixture(scope="module")
def compared(result: Result) -> list[dict[str, object]]:
    assert result.dataset is not None
    table = compare(result.dataset.statements, result.dataset)
    return [{**r, "file": Path(str(r["file"])).name} for r in table.to_pylist()]


def test_every_disagreement_found_by_reading_is_one_warning(result: Result) -> None:
    found = {
        (
            Path(f.provenance[0].file).name,
            f.provenance[0].line,
            f.indicators[0],
            f.actual,
            f.expected,
            f.provenance[1].line,
            f.provenance[1].table,
        )
        for f in result.findings
        if f.rule == "narrative_conflict"
    }
    assert {c[:6] for c in found} == {c[:6] for c in CONFLICTS}
    for *_, caption in CONFLICTS:
        assert any(table.startswith(caption) for *_, table in found)
    assert all(f.severity == "warning" for f in result.findings if f.rule == "narrative_conflict")


def test_a_conflict_names_indicator_figures_lines_sentence_and_caption(result: Result) -> None:
    (finding,) = [f for f in result.findings if f.rule == "narrative_conflict" and f.actual == 1489.0]
    message = finding.message
    for part in (
        "开设专业总数",
        "1489",
        "1434",
        "line 588",
        "line 593",
        "表 3.1 内蒙古自治区专业课程核心数据列表",
    ):
        assert part in message
    assert "2023 年开设专业总数 1489（个）" in message  # the sentence, as printed
    assert (finding.entity, finding.year, finding.table) == (
        "内蒙古自治区",
        2023,
        "表 3.1 内蒙古自治区专业课程核心数据列表",
    )


def test_prose_figures_that_agree_raise_nothing(result: Result, compared: list[dict[str, object]]) -> None:
    conflicts = {
        (Path(f.provenance[0].file).name, f.provenance[0].line, f.indicators[0])
        for f in result.findings
        if f.rule == "narrative_conflict"
    }
    for file, line, label, figure in AGREEING:
        rows = [r for r in compared if (r["file"], r["line"], r["label"]) == (file, line, label)]
        assert [(r["value"], r["status"]) for r in rows] == [(pytest.approx(figure), "agree")], (
            file,
            line,
            label,
        )
        assert (file, line, label) not in conflicts


def test_a_derived_percentage_is_compared_with_the_recomputed_metric(
    compared: list[dict[str, object]],
) -> None:
    (rate,) = [r for r in compared if r["label"] == "毕业去向落实率"]
    assert rate["name"] == "落实率" and rate["table_caption"] is None
    assert rate["table_value"] == pytest.approx(7093 / 7146 * 100)
    assert rate["tolerance"] == pytest.approx(0.005)


def test_summary_counts_statements(result: Result) -> None:
    counts = result.summary.statements
    assert counts["read"] == counts["matched"] + counts["unmatched"]
    assert counts["matched"] == counts["agreeing"] + counts["disagreeing"] + counts["without_figure"]
    assert counts["disagreeing"] == len(CONFLICTS)
    assert counts["agreeing"] >= len(AGREEING)
    assert result.to_records()["summary"]["statements"] == counts


def test_unmatched_phrases_are_at_most_info(result: Result, compared: list[dict[str, object]]) -> None:
    unchecked = [f for f in result.findings if f.rule == "narrative_unchecked"]
    assert {f.severity for f in unchecked} == {"info"}
    assert {Path(f.provenance[0].file).name for f in unchecked} == {GAOZHI, ZHONGZHI}
    unmatched = [r for r in compared if r["status"] == "unmatched"]
    assert len(unmatched) == result.summary.statements["unmatched"]
    # 在校生 24069 人 names 在校生数 of two rows of 国际影响表: told apart by nothing, so unmatched
    assert any(r["name"] == "在校生" and r["raw"] == "24069" for r in unmatched)


def test_statements_are_one_arrow_table(result: Result) -> None:
    assert result.dataset is not None
    statements = result.dataset.statements
    assert isinstance(statements, pa.Table) and statements.schema == STATEMENTS
    assert statements.num_rows == result.summary.statements["read"]
    lines = pc.unique(statements.filter(pc.equal(statements["name"], "开设专业总数"))["line"]).to_pylist()
    assert lines == [588]


def test_the_check_can_be_switched_off() -> None:
    quiet = run(_config(disable=["narrative_conflict"]))
    assert not [f for f in quiet.findings if f.rule.startswith("narrative")]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_outputs_have_a_section_of_conflicts(result: Result, fmt: str) -> None:
    text = render(result, fmt)
    assert isinstance(text, str)
    section = text[text.index("正文与表格不一致") :]
    for _, line, label, said, printed, table_line, _ in CONFLICTS:
        assert label in section and str(line) in section and str(table_line) in section
        assert f"{said:.2f}".rstrip("0").rstrip(".") in section
        assert f"{printed:.2f}".rstrip("0").rstrip(".") in section
    assert "10767.30 (表 6.1" in section  # the table's figure as printed


def test_html_and_xlsx_have_the_section_too(result: Result, tmp_path: Path) -> None:
    page = render(result, "html")
    assert isinstance(page, str)
    section = page[page.index("<h2>正文与表格不一致</h2>") :]
    assert "开设专业总数" in section and "1434 (表 3.1 内蒙古自治区专业课程核心数据列表)" in section
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "result.xlsx"
    path.write_bytes(bytes(render(result, "xlsx")))
    rows = list(openpyxl.load_workbook(path)["正文与表格不一致"].iter_rows(values_only=True))
    assert rows[0][:3] == ("指标", "entity", "year")
    assert sorted((r[0], r[4]) for r in rows[1:]) == sorted((c[2], str(c[1])) for c in CONFLICTS)


def test_an_input_entity_is_the_entity_of_its_statements() -> None:
    config = Config.build(
        [{"path": str(SEEDS / ZHONGZHI), "entity": "甲市"}], plugins={"entry_points": False}
    )
    renamed = run(config)
    conflicts = [f for f in renamed.findings if f.rule == "narrative_conflict"]
    assert [(f.entity, f.indicators[0]) for f in conflicts] == [
        ("甲市", "毕业生满意度调查人次"),
        ("甲市", "应届毕业生满意度调查人次"),
    ]
