"""Compliance is judged column-wise: over many rows a rule set says, row for row, what it says of each
row alone — results, verdicts and findings, suspect and conflicted values and missing types included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.scoring.support import NAMES, dataset, plan
from vqr_metrics.dataset import Dataset
from vqr_metrics.scoring import ScoringOutcome

RULES = """
name = "批量规则"
source = "测试〔2024〕2号"

[[rules]]
id = "ratio"
name = "生师比"
metric = ["a", "b"]
op = "<="
thresholds = { "综合/师范" = 18, "工科" = 16 }

[[rules]]
id = "share"
name = "双师比例"
metric = "c"
op = ">="
threshold = 30

[[rules]]
id = "monitor"
name = "监测指标"
metric = "d"
op = ">"
threshold = 5
counts = false

[[rules]]
id = "bound"
name = "下限指标"
metric = ["d", "c"]
op = ">="
threshold = 10
proxy = "lower_bound"
note = "只是下限"

[[decision]]
failed = 1
verdict = "限制招生"
card = "黄牌"

[[decision]]
failed = 2
verdict = "暂停招生"
card = "红牌"
"""
CHOICES = [None, 0.0, 5.0, 9.5, 10.0, 16.0, 17.5, 18.0, 30.0, 31.25, 1e-7, 2.5e6]
TYPES = ["综合", "工科", "民族", None]  # 民族 has no threshold; None leaves the type unset


def _flagged(data: Dataset, marks: dict[str, list[tuple[int, str]]], rows: list[int]) -> Dataset:
    """``data`` (made of ``rows`` of the whole) with the suspect and conflicted values of those rows."""
    at = {row: i for i, row in enumerate(rows)}
    for key, flags in marks.items():
        suspect = [(at[row], how) for row, how in flags if row in at and how != "conflict"]
        conflicted = [at[row] for row, how in flags if row in at and how == "conflict"]
        if suspect:
            mask = np.zeros(data.size, dtype=bool)
            mask[[i for i, _ in suspect]] = True
            data.mark_suspect(key, mask, {i: (how,) for i, how in suspect if how})
        if conflicted:
            data.conflicted[key] = np.zeros(data.size, dtype=bool)
            data.conflicted[key][conflicted] = True
    return data


def _records(out: ScoringOutcome) -> tuple[list[Any], list[Any], list[Any]]:
    (block,) = out.compliance
    record = block.to_record()
    return record["results"], record["verdicts"], list(out.findings)


def test_many_rows_give_row_for_row_what_each_row_gives_alone(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    rules = plan(compliance=[{"rules": "rules.toml"}], base_dir=tmp_path)
    rng = np.random.default_rng(7)
    n = 600
    keys = list(NAMES)
    picks = rng.integers(len(CHOICES), size=(n, len(keys))).tolist()
    values = {
        (f"校{i // 2}", 2023 + i % 2): {k: CHOICES[c] for k, c in zip(keys, picks[i], strict=True)}
        for i in range(n)
    }
    types = {f"校{i}": TYPES[t] for i, t in enumerate(rng.integers(len(TYPES), size=n // 2))}
    attributes = {e: {"type": t} for e, t in types.items() if t is not None}
    # About one value in twenty is suspect (with or without the rule of its error) or conflicted.
    marks = {
        k: [(int(row), ["sum_mismatch", "", "conflict"][int(rng.integers(3))]) for row in np.flatnonzero(hit)]
        for k in keys
        for hit in [rng.random(n) < 0.05]
    }
    order = list(values)
    together = rules.run(_flagged(dataset(values, attributes), marks, list(range(n))))
    each: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for i, row in enumerate(order):
        alone = _flagged(dataset({row: values[row]}, attributes), marks, [i])
        for mine, part in zip(each, _records(rules.run(alone)), strict=True):
            mine += part
    bulk = _records(together)
    assert len(bulk[0]) == 4 * n and len(bulk[1]) == n
    for what, got, want in zip(("results", "verdicts", "findings"), bulk, each, strict=True):
        assert got == want, what
    statuses = {r["status"] for r in bulk[0]}
    assert statuses == {"pass", "fail", "not assessed", "inconclusive"}
    notes = {r["note"].split(" ")[0] for r in bulk[0] if r["status"] in ("not assessed", "inconclusive")}
    assert {"no", "the"} <= notes and any(" is suspect: " in r["note"] for r in bulk[0])
    assert any("sources disagree" in r["note"] for r in bulk[0])
    assert {v["verdict"] for v in bulk[1]} >= {"合格", "限制招生", "暂停招生", "未能判定"}
