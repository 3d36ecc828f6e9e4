"""The shipped scorecard configs run end to end on the seed reports."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from vqr_metrics.api import render, run
from vqr_metrics.config import load_config
from vqr_metrics.result import Result

ROOT = Path(__file__).parents[2]
SHIPPED = ("national_index.toml", "sensitivity.toml", "compliance_gaozhi.toml", "compliance_zhongzhi.toml")


def shipped(name: str) -> Result:
    config = load_config(ROOT / "configs" / name)
    return run(attrs.evolve(config, plugins=attrs.evolve(config.plugins, entry_points=False)))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_config_runs_and_writes_every_format(name: str) -> None:
    result = shipped(name)
    assert result.catalog is not None
    text = json.dumps(result.to_records(), allow_nan=False, ensure_ascii=False)
    assert "NaN" not in text
    for fmt in ("table", "markdown", "csv"):
        output = render(result, fmt)
        assert isinstance(output, str) and output


def test_national_index_scores_both_seeds() -> None:
    records = shipped("national_index.toml").to_records()["scorecards"]
    index = {(r["entity"], r["year"]): r for r in records[0]["results"]}
    assert set(index) == {("内蒙古自治区", 2022), ("内蒙古自治区", 2023), ("呼和浩特市", 2023)}
    for row in index.values():
        assert set(row["dimensions"]) == {"服务贡献", "资源建设", "学生发展", "教师发展"}
        assert sum(row["contributions"].values()) == pytest.approx(row["score"])
    assert {index[k]["rank"] for k in index if k[1] == 2023} == {1, 2}
    # 资源建设 scores 办学条件 against the 合格 thresholds: 17087.62 元 ≥ 4000 earns full marks
    equipment = index[("内蒙古自治区", 2023)]["indicators"]["生均教学科研仪器设备值"]
    assert (equipment["metric"], equipment["normalized"]) == ("equipment_value_per_student", 100.0)
    # 生师比 is lower-is-better: the smaller ratio (12.4 in Hohhot) is the best
    ratio = index[("呼和浩特市", 2023)]["indicators"]["生师比"]
    assert ratio["normalized"] == 100.0
    flat = {(r["entity"], r["year"]): r for r in records[1]["results"]}
    assert records[1]["name"] == "学生发展指数"
    assert flat[("呼和浩特市", 2023)]["rank"] == 1
