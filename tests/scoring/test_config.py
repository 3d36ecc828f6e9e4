"""Every mistake in a ``[[scorecards]]`` or ``[[compliance]]`` section is a
one-line ConfigError naming the key and the file, found before any input
is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.scoring.support import catalog, dataset, results
from vqr_metrics.config import load_config
from vqr_metrics.errors import ConfigError
from vqr_metrics.scoring import ScoringPlan, prepare_scoring
from vqr_metrics.scoring.results import methods_of
from vqr_metrics.scoring.spec import Leaf

GOOD_INDICATOR = '[[scorecards.indicators]]\nmetric = "甲指标"\nweight = 1\n'


def prepare(tmp_path: Path, text: str) -> ScoringPlan:
    path = tmp_path / "score.toml"
    path.write_text(text, encoding="utf-8")
    return prepare_scoring(load_config(path), catalog())


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        prepare(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message
    assert "score.toml" in message or "rules.toml" in message
    return message


def test_the_flat_form_of_the_issue_is_accepted(tmp_path: Path) -> None:
    plan = prepare(
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
weight = 5
direction = "higher"
[[scorecards.indicators]]
metric = "b"
weight = 3
direction = "lower"
[[scorecards.indicators]]
metric = "丙指标"
name = "丙"
weight = 2
""",
    )
    (card,) = plan.scorecards
    assert (card.name, card.root.label, card.root.aggregate, card.root.weights) == (
        "学生发展指数",
        "学生发展指数",
        "arithmetic",
        "explicit",
    )
    leaves = card.root.children
    assert all(isinstance(leaf, Leaf) for leaf in leaves)
    assert [(leaf.label, leaf.keys, leaf.weight) for leaf in card.root.leaves()] == [
        ("甲指标", ("a",), 5),
        ("乙指标", ("b",), 3),
        ("丙", ("c",), 2),
    ]
    assert [leaf.higher for leaf in card.root.leaves()] == [True, False, True]  # "higher" is the default
    assert methods_of(card) == {
        "normalize": ["minmax"],
        "aggregate": ["arithmetic"],
        "weights": ["explicit"],
        "missing": ["reweight"],
        "normalize_within": "year",
        "rank_within": "year",
    }
    assert (card.root.min_coverage, card.sensitivity, card.entities, card.years) == (0.5, None, (), ())
    # the weights are renormalised when scored: 5 : 3 : 2 → 0.5, 0.3, 0.2
    data = dataset(
        {("甲", 2023): {"a": 1.0, "b": 1.0, "c": 1.0}, ("乙", 2023): {"a": 2.0, "b": 2.0, "c": 2.0}}
    )
    outcome = plan.run(data)
    used = {w["child"]: w["weight"] for w in outcome.scorecards[0].to_record()["weights"]}
    assert used == pytest.approx({"甲指标": 0.5, "乙指标": 0.3, "丙": 0.2})
    # 乙 is best on a and c (higher), worst on b (lower is better): 0.5·100 + 0.3·0 + 0.2·100
    assert results(outcome)[("乙", 2023)]["score"] == pytest.approx(70)


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
        (
            '[[scorecards]]\nname = "x"\nmin_coverage = 1.5\n' + GOOD_INDICATOR,
            r"min_coverage must be a number in \[0, 1\], not 1.5",
        ),
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


SENSITIVITY = '[[scorecards]]\nname = "x"\n' + GOOD_INDICATOR + "[scorecards.sensitivity]\n"
ONE = '[[scorecards]]\nname = "x"\n[[scorecards.indicators]]\nmetric = "甲指标"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SENSITIVITY + "seed = -5\n", r"sensitivity: seed must be a whole number ≥ 0, not -5"),
        (SENSITIVITY + "draws = 0\n", r"sensitivity: draws must be a whole number in 1–100000, not 0"),
        (SENSITIVITY + "draws = 1000000\n", r"draws must be .*, not 1000000"),
        (SENSITIVITY + "share = 0\n", r"share must be a number in \(0, 1\).*perturb = \"none\".*not 0"),
        (SENSITIVITY + "share = 1\n", r"share must be a number in \(0, 1\).*not 1"),
        (SENSITIVITY + "share = nan\n", r"share must be .*not nan"),
        (SENSITIVITY + "concentration = 0\n", r"concentration must be a number > 0, not 0"),
        (SENSITIVITY + "concentration = inf\n", r"concentration must be a number > 0, not inf"),
        (SENSITIVITY + "sweep = [inf]\n", r"sweep must be a list of weight factors ≥ 0.*inf"),
        (SENSITIVITY + "sweep = [nan]\n", r"sweep must be .*nan"),
        (
            '[[scorecards]]\nname = "x"\nmin_coverage = -0.1\n' + GOOD_INDICATOR,
            r"min_coverage must be .*-0.1",
        ),
        ('[[scorecards]]\nname = "x"\nmin_coverage = nan\n' + GOOD_INDICATOR, r"min_coverage must be .*nan"),
        (
            '[[scorecards]]\nname = "x"\naggregate = "geometric"\noffset = -1\n' + GOOD_INDICATOR,
            r"offset must be a number ≥ 0, not -1",
        ),
        (
            '[[scorecards]]\nname = "x"\naggregate = "geometric"\noffset = inf\n' + GOOD_INDICATOR,
            r"offset must be a number ≥ 0, not inf",
        ),
        (ONE + "weight = -1\n", r"indicators #1 \(甲指标\): weight must be a number ≥ 0, not -1"),
        (ONE + "weight = inf\n", r"weight must be a number ≥ 0, not inf"),
        (ONE + "weight = nan\n", r"weight must be a number ≥ 0, not nan"),
        (ONE + "weight = 0\n", r"the weights of its children must not all be 0"),
        (
            '[[scorecards]]\nname = "x"\nnormalize = "goalposts"\nlow = nan\nhigh = 1\n' + GOOD_INDICATOR,
            r"goalposts.*low must be a finite number, not nan",
        ),
        (
            '[[scorecards]]\nname = "x"\nnormalize = "ratio_to_threshold"\nthreshold = inf\n'
            + GOOD_INDICATOR,
            r"threshold must be a finite number, not inf",
        ),
        (
            '[[scorecards]]\nname = "x"\nnormalize = "zscore"\nspread = -inf\n' + GOOD_INDICATOR,
            r"spread must be a finite number, not -inf",
        ),
    ],
)
def test_numeric_options_out_of_range_are_config_errors(tmp_path: Path, text: str, expected: str) -> None:
    message = error(tmp_path, text)
    assert re.search(expected, message), message
    assert "scorecards #1 (x)" in message


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
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\nthreshold = nan\n',
            r"rules #1 \(r\).threshold must be a finite number, not nan",
        ),
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\n'
            '[rules.thresholds]\n"综合" = inf\n',
            r"rules #1 \(r\).thresholds.综合 must be a finite number, not inf",
        ),
        (
            RULES_HEAD + '[[rules]]\nid = "r"\nname = "r"\nmetric = "a"\nop = "<="\nthreshold = 1\n'
            'proxy = "lower"\n',
            r"rules #1 \(r\).proxy must be one of lower_bound, upper_bound, not 'lower'.*did you mean",
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
