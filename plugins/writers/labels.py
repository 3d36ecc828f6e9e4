"""Headings, column names and status words of the outputs for people, in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vqr_metrics.config import SECTIONS
from vqr_metrics.result import Result

# English keeps the record keys of the JSON output, so a column reads as its key there.
_ZH = {
    "Summary": "摘要",
    "Findings (errors first, then warnings, then info)": "发现（错误在前，其次警告、提示）",
    "Values": "数值",
    "Derived metrics": "派生指标",
    "Scorecard": "计分卡",
    "Sensitivity": "敏感性",
    "Compliance": "合规",
    "Verdicts": "判定",
    "draws": "次抽样",
    "seed": "种子",
    "entities": "单位",
    "of": "共",
    "marks": "（* 为计分卡补值；! 依据两处印数不一致的数字；? 可疑：带有错误，或由带错误的数字算得）",
    "cells read": "读取单元格",
    "values": "数值",
    "derived": "派生值",
    "cells with findings": "有发现的单元格",
    "errors": "错误",
    "warnings": "警告",
    "info": "提示",
    "indicator": "指标",
    "unit": "单位",
    "entity": "名称",
    "year": "年份",
    "score": "得分",
    "rank": "排名",
    "severity": "级别",
    "rule": "规则",
    "message": "说明",
    "where": "出处",
    "type": "类型",
    "metric_name": "指标",
    "value": "数值",
    "op": "条件",
    "threshold": "标准",
    "status": "结果",
    "margin": "差距",
    "verdict": "结论",
    "card": "牌",
    "failed": "不合格数",
    "not_assessed": "未评数",
    "inconclusive": "未能判定数",
    "failed_rules": "不合格规则",
    "at_least": "至少",
    "at_most": "至多",
    "median_rank": "排名中位数",
    "rank_p05": "排名P5",
    "rank_p95": "排名P95",
    "score_p05": "得分P5",
    "score_p95": "得分P95",
    "indicators": "指标",
    "trend": "逐年趋势",
    "dimensions": "维度得分",
    "filter": "筛选",
    "all": "全部",
}
_EN_MARKS = (
    " (* imputed by a scorecard; ! rests on a figure two sources print differently;"
    " ? suspect: carries an error or is computed from one)"
)
# What each status and severity is called where people read it.
_WORDS_ZH = {
    "pass": "合格",
    "fail": "不合格",
    "not assessed": "未能判定",
    "inconclusive": "未能判定",
    "error": "错误",
    "warning": "警告",
    "info": "提示",
}
STATUS_ZH = {k: v for k, v in _WORDS_ZH.items() if k in ("pass", "fail", "not assessed", "inconclusive")}


def text(word: str, lang: str) -> str:
    """A heading or column name in ``lang`` (``zh`` or ``en``)."""
    if lang == "zh":
        return _ZH.get(word, word)
    return _EN_MARKS if word == "marks" else word


def word(value: Any, lang: str) -> Any:
    """A status or severity as people read it in ``lang``; anything else unchanged."""
    return _WORDS_ZH.get(value, value) if lang == "zh" and isinstance(value, str) else value


def colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def output_options(result: Result) -> tuple[str, tuple[str, ...]]:
    """``[output] lang`` and ``sections`` of the run (the defaults without a config)."""
    if result.config is None:
        return "zh", SECTIONS
    return result.config.output.lang, result.config.output.sections


def summary_rows(summary: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The summary's counts under their English names (translate with :func:`text`)."""
    return [
        ("cells read", summary["cells_read"]),
        ("values", summary["values"]),
        ("derived", summary["derived_values"]),
        ("cells with findings", summary["cells_with_findings"]),
        ("errors", summary["findings"]["error"]),
        ("warnings", summary["findings"]["warning"]),
        ("info", summary["findings"]["info"]),
    ]
