"""Tables a report's contents list but whose text is absent: a warning naming each."""

from __future__ import annotations

from pathlib import Path

from vqr_metrics.testing import ConfigBuilder

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"
GAOZHI = SEEDS / "000_26576409a80910f8.txt"
ZHONGZHI = SEEDS / "002_7d1635ab68301fb1.txt"


def _missing(vqr_config: ConfigBuilder, path: Path) -> list[tuple[str, int | None, str]]:
    result = vqr_config.add_input(path).run()
    return [
        (f.severity, f.provenance[0].line, f.table or "")
        for f in result.findings
        if f.rule == "listed_table_missing"
    ]


def test_a_report_cut_after_appendix_4_names_appendix_5_and_6(vqr_config: ConfigBuilder) -> None:
    lines = ZHONGZHI.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = "".join(lines[: lines.index("附表 5：国际影响表\n")])  # the text ends after 附表 4：教学资源表
    path = vqr_config.write("cut.txt", cut)
    result = vqr_config.add_input(path).run()
    missing = [f for f in result.findings if f.rule == "listed_table_missing"]
    assert [(f.severity, f.table, f.provenance[0].line) for f in missing] == [
        ("warning", "附表 5：国际影响表", 212),  # the lines of the 附表目录 entries
        ("warning", "附表 6：落实政策表", 213),
    ]
    assert "listed in the report's contents (line 212) but absent from its text" in missing[0].message
    # what is there is still read: 附表 4 ends at 生均教学科研仪器设备值 11579.65
    assert result.value("呼和浩特市", 2023, "生均教学科研仪器设备值") == 11579.65


def test_whole_seed_reports_miss_no_listed_table(vqr_config: ConfigBuilder) -> None:
    assert _missing(vqr_config, ZHONGZHI) == []


def test_a_table_renumbered_in_the_text_is_found_by_its_title(vqr_config: ConfigBuilder) -> None:
    # 000 lists 表 3.5 内蒙古自治区师资队伍核心数据列表 but prints it as 表 3.4; its 表 7.1 is listed
    # under another title and found by its number
    assert _missing(vqr_config, GAOZHI) == []


def test_a_report_cut_in_the_body_names_every_table_after_the_cut(vqr_config: ConfigBuilder) -> None:
    lines = GAOZHI.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = "".join(lines[: lines.index("表 6.2 内蒙古自治区 2023 年继续教育品牌情况统计表\n")])
    # the appendix 表 2–6 share their titles with body tables that were printed: still missing
    missing = _missing(vqr_config, vqr_config.write("cut.txt", cut))
    assert [table.split()[0] + " " + table.split()[1] for _, _, table in missing] == [
        "表 6.2",
        "表 7.1",  # its contents line also holds 表 7.2, which has no entry of its own
        "表 1",
        "表 2",
        "表 3",
        "表 4",
        "表 5",
        "表 6",
    ]
    assert {severity for severity, _, _ in missing} == {"warning"}
