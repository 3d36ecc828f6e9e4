"""A small, valid plugin the core tests use instead of the real tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vqr_metrics.model import Check, CheckContext, Finding, Indicator, Metric, Table

ROWS = (
    Indicator("tiny_students", "测试在校生数", "人", aliases=("测试学生数",)),
    Indicator("tiny_teachers", "测试教师数", "人"),
    Indicator("tiny_dual", "“双师”测试教师数", "人", parent="tiny_teachers", relation="subset"),
    Indicator("tiny_budget", "测试经费", "万元"),
)


def register_tables(register: Callable[[Table], None]) -> None:
    register(Table("tiny", "测试表", ROWS, aliases=("小表",)))


def register_metrics(register: Callable[[Metric], None]) -> None:
    register(Metric("tiny_ratio", "生师比（测试）", "测试在校生数 / 测试教师数", ":1"))
    register(
        Metric(
            "tiny_dual_share",
            "双师比例（测试）",
            "[“双师”测试教师数] / 测试教师数 * 100",
            "%",
            bounds=(0, 100),
        )
    )
    register(
        Metric("tiny_budget_per_student", "生均测试经费（测试）", "测试经费 * 10000 / 测试在校生数", "元")
    )


def _too_many_dual(context: CheckContext) -> Iterator[Finding]:
    dual = context.dataset.column("tiny_dual")
    teachers = context.dataset.column("tiny_teachers")
    for i, (entity, year) in enumerate(context.dataset.rows):
        if dual[i] > teachers[i] * context.options["factor"]:
            yield Finding("error", "tiny_dual_above_teachers", "双师 above 教师", entity, year)


def register_checks(register: Callable[[Check], None]) -> None:
    register(Check("tiny_dual_bound", "双师 ≤ 教师 × factor", _too_many_dual, {"factor": 1.0}))
