"""Every mistake in a ``[[scorecards]]`` or ``[[compliance]]`` section is a
one-line ConfigError naming the key and the file, found before any input
is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_scoring_support import catalog
from vqr_metrics.config import load_config
from vqr_metrics.errors import ConfigError
from vqr_metrics.scoring import prepare_scoring

GOOD_INDICATOR = '[[scorecards.indicators]]\nmetric = "甲指标"\nweight = 1\n'


def prepare(tmp_path: Path, text: str) -> None:
    path = tmp_path / "score.toml"
    path.write_text(text, encoding="utf-8")
    prepare_scoring(load_config(path), catalog())


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        prepare(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message
    assert "score.toml" in message or "rules.toml" in message
    return message


def test_the_flat_form_of_the_issue_is_accepted(tmp_path: Path) -> None:
    prepare(
        tmp_path,
        """
[[scorecards]]
name = "学生发展指数"
normalize = "minmax"
aggregate = "arithmetic"
weights = "explicit"
missing = "reweight"
[[scorecards.indicators]]
metric = "甲指标"
weight = 0.5
direction = "higher"
""",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[scorecards]]\nname = "x"\nnormalise = "minmax"\n' + GOOD_INDICATOR,
            "'normalise'.*did you mean: normalize",
        ),
        (
            '[[scorecards]]\nname = "x"\n[[scorecards.indicators]]\nmetric = "甲指标"\nwieght = 1\n',
            "'wieght'.*weight",
        ),
        (
            '[[scorecards]]\nname = "x"\n[[scorecards.indicators]]\nmetric = "甲指木"\nweight = 1\n',
            "unknown indicator.*甲指标",
        ),
        (
            '[[scorecards]]\nname = "x"\nnormalize = "minmaxx"\n' + GOOD_INDICATOR,
            "unknown normalize method 'minmaxx'; known: .*goalposts.*minmax",
        ),
        (
            '[[scorecards]]\nname = "x"\naggregate = "harmonic"\n' + GOOD_INDICATOR,
            "known: arithmetic, geometric, topsis",
        ),
        ('[[scorecards]]\nname = "x"\nweights = "entrpy"\n' + GOOD_INDICATOR, "did you mean: entropy"),
        (
            '[[scorecards]]\nname = "x"\nmissing = "drop"\n' + GOOD_INDICATOR,
            "missing must be one of reweight",
        ),
        ('[[scorecards]]\nname = "x"\n[[scorecards.indicators]]\nmetric = "甲指标"\n', "needs a weight"),
        (
            '[[scorecards]]\nname = "x"\nweights = "entropy"\n' + GOOD_INDICATOR,
            "weight is not used by weights = 'entropy'",
        ),
        ('[[scorecards]]\nname = "x"\noffset = 1\n' + GOOD_INDICATOR, "offset only applies to aggregate"),
        ('[[scorecards]]\nname = "x"\nmin_coverage = 1.5\n' + GOOD_INDICATOR, "min_coverage must lie in"),
        (
            '[[scorecards]]\nname = "x"\nnormalize = "goalposts"\n' + GOOD_INDICATOR,
            "needs the parameter 'low'",
        ),
        (
            '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + "threshold = 3\n",
            "threshold is not a parameter of normalize",
        ),
        (
            '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + 'direction = "up"\n',
            "direction must be one of higher",
        ),
        ('[[scorecards]]\nname = "x"\n', "needs \\[\\[…indicators\\]\\]"),
        ('[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + GOOD_INDICATOR, "name '甲指标' is used twice"),
        ('[[scorecards]]\nname = "x"\nlevel = "本科"\n' + GOOD_INDICATOR, "level must be one of 高职"),
        ('[[scorecards]]\nname = "x"\nnormalize_within = "month"\n' + GOOD_INDICATOR, "normalize_within"),
        (
            '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + "[scorecards.sensitivity]\ndraw = 10\n",
            "'draw'.*draws",
        ),
        (
            '[[scorecards]]\nname = "x"\n'
            + GOOD_INDICATOR
            + '[scorecards.sensitivity]\naggregate = ["best"]\n',
            "sensitivity.aggregate: unknown aggregate method 'best'",
        ),
        (
            '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + '[scorecards.sensitivity]\nperturb = "gauss"\n',
            "perturb must be one of share",
        ),
        (
            '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + "[scorecards.sensitivity]\nsweep = [-1]\n",
            "sweep must be",
        ),
        ("[[scorecards]]\n" + GOOD_INDICATOR, "needs a 'name'"),
        (
            '[[scorecards]]\nname = "x"\n[[scorecards.dimensions]]\nweight = 1\n' + GOOD_INDICATOR,
            "needs a 'name'",
        ),
        ('[[compliance]]\nrule = "r.toml"\n', "'rule'.*rules"),
        ('[[compliance]]\nrules = "absent.toml"\n', "absent.toml does not exist"),
    ],
)
def test_config_errors_are_one_line_and_name_key_and_file(tmp_path: Path, text: str, expected: str) -> None:
    assert re.search(expected, error(tmp_path, text))


def test_the_place_in_the_tree_is_named(tmp_path: Path) -> None:
    message = error(
        tmp_path,
        """
[[scorecards]]
name = "总"
[[scorecards.dimensions]]
name = "资源"
weight = 1
[[scorecards.dimensions.indicators]]
metric = "甲指标"
weight = 1
nomalize = "rank"
""",
    )
    assert "scorecards #1 (总).dimensions #1 (资源).indicators #1" in message
    assert "did you mean: normalize" in message


RULES_HEAD = 'name = "测试规则"\nsource = "测试〔2024〕1号"\n'


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "甲指标"\nop = "=<"\nthreshold = 1\n',
            "op must be one of",
        ),
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "甲指杯"\nop = "<="\nthreshold = 1\n',
            "甲指标",
        ),
        (RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\n', "needs either threshold"),
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\nthreshhold = 1\n',
            "'threshhold'.*threshold",
        ),
        (
            'name = "x"\n[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\nthreshold = 1\n',
            "needs a 'source'",
        ),
        (
            RULES_HEAD
            + 'level = "小学"\n[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\nthreshold = 1\n',
            "level must be",
        ),
    ],
)
def test_rule_file_errors_name_the_rule_file(tmp_path: Path, rules: str, expected: str) -> None:
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    message = error(tmp_path, '[[compliance]]\nrules = "rules.toml"\n')
    assert "rules.toml" in message
    assert re.search(expected, message)


def test_an_unknown_school_type_in_the_entry_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(
        RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = ">="\n'
        '[rules.thresholds]\n"综合/师范" = 1\n"工科" = 2\n',
        encoding="utf-8",
    )
    message = error(tmp_path, '[[compliance]]\nrules = "rules.toml"\ntype = "医学"\n')
    assert "known: 工科, 师范, 综合" in message
