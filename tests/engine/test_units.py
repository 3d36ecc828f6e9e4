"""The units module: normal form, scale factors, counts and 名称（单位）, as properties and seed examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vqr_metrics.units import (
    COUNT_UNITS,
    PERCENT,
    is_count,
    is_percent,
    normalize_unit,
    prose_factor,
    split_unit,
    unit_factor,
    with_unit,
)

BRACKETS = "()（）"
# Names and units as tables print them: CJK, ASCII, digits, signs; a name may hold a bracket of its own.
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z"), exclude_characters=BRACKETS)
UNITS = st.text(_CHARS, min_size=1, max_size=8)
NAMES = st.builds(
    lambda head, inner, tail: head + (f"（{inner}）" if inner else "") + tail,
    st.text(_CHARS, min_size=1, max_size=12),
    st.text(_CHARS, max_size=6),
    st.text(_CHARS, max_size=4),
)
# Every unit a scale is known for, in the spellings inputs print.
SCALED = ["元", "万元", "册", "万册", "平方米", "万平方米", "㎡", "m²", "万m2", "人", "万人"]
ANY_UNIT = st.one_of(st.sampled_from([*SCALED, "%", "：", ":", "人次", "门"]), UNITS)


@given(NAMES, UNITS)
def test_a_name_with_its_unit_splits_back_into_both(name: str, unit: str) -> None:
    assert split_unit(with_unit(name, unit)) == (name, unit)
    assert split_unit(with_unit(name, unit, ("(", ")"))) == (name, unit)
    assert split_unit(f"  {name} （ {unit} ） ") == (name, unit)


@given(NAMES)
def test_a_name_without_a_unit_is_itself(name: str) -> None:
    assert with_unit(name, None) == with_unit(name, "") == name
    if not name.endswith("）"):
        assert split_unit(name) == (name, None)


@given(NAMES, st.text(_CHARS, min_size=9, max_size=12))
def test_a_bracket_longer_than_the_longest_unit_stays_part_of_the_name(name: str, long: str) -> None:
    printed = with_unit(name, long)
    assert split_unit(printed, longest=8) == (printed, None)
    assert split_unit(printed) == (name, long)


@given(ANY_UNIT)
def test_normalising_twice_changes_nothing(unit: str) -> None:
    assert normalize_unit(normalize_unit(unit)) == normalize_unit(unit)


@given(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8))
def test_full_width_and_half_width_units_are_one(unit: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in unit)  # ！ … ～ are ! … ~ moved by 0xFEE0
    assert normalize_unit(wide) == normalize_unit(unit)
    assert unit_factor(wide, unit) == 1.0


@given(ANY_UNIT, ANY_UNIT)
def test_scale_factors_invert(a: str, b: str) -> None:
    there, back = unit_factor(a, b), unit_factor(b, a)
    assert (there is None) == (back is None)
    if there is not None and back is not None:
        assert there * back == pytest.approx(1.0)
        assert (there == 1.0) == (normalize_unit(a) == normalize_unit(b))


@given(st.sampled_from(SCALED), st.sampled_from(SCALED), st.sampled_from(SCALED))
def test_scale_factors_compose(a: str, b: str, c: str) -> None:
    ab, bc, ac = unit_factor(a, b), unit_factor(b, c), unit_factor(a, c)
    if ab is not None and bc is not None:
        assert ac == pytest.approx(ab * bc)


@pytest.mark.parametrize(
    "printed, wanted, factor",
    [
        ("㎡", "平方米", 1.0),  # the seeds print 平方米; spreadsheets ㎡ or m²
        ("m²", "万平方米", 1e-4),
        ("元", "万元", 1e-4),  # 年财政专项拨款（元） for an indicator in 万元
        ("万元", "元", 1e4),
        ("：", ":", 1.0),  # 生师比 printed with a full-width colon
        ("人次", "万人次", None),  # no table converts counts of times
        ("%", "人", None),
    ],
)
def test_seed_units_convert(printed: str, wanted: str, factor: float | None) -> None:
    assert unit_factor(printed, wanted) == (pytest.approx(factor) if factor else factor)


@pytest.mark.parametrize(
    "printed, wanted, factor",
    [
        ("万人次", "人次", 1e4),  # 免费培训 10.4 万人次
        ("万个", "个", 1e4),  # 4.54 万个项目
        ("人", "人次", 1.0),  # 4371 人 for a count of 人次
        ("万平方米", "平方米", 1e4),
        (":1", ":", 1.0),  # 生师比 12.4 : 1 for the table's 生师比 in :
        ("%", "人", None),
        (":1", "%", None),
        ("万元", "人", None),
        ("", "万元", 1.0),
    ],
)
def test_prose_units_convert(printed: str, wanted: str, factor: float | None) -> None:
    assert prose_factor(printed, wanted) == (pytest.approx(factor) if factor else factor)


def test_counts_and_percentages() -> None:
    assert all(is_count(u) for u in ("人", "人次", "台", " 门 ", "个"))
    assert not any(is_count(u) for u in ("万人", "%", "万元", "平方米", ":"))
    assert normalize_unit("人次") in COUNT_UNITS
    assert is_percent("％") and is_percent(PERCENT) and not is_percent("‰")


@pytest.mark.parametrize(
    "printed, split",
    [
        ("教学用计算机（终端）总数（台）", ("教学用计算机（终端）总数", "台")),
        ("全日制在校生人数(人)", ("全日制在校生人数", "人")),
        ("年财政专项拨款 （ 万元 ）", ("年财政专项拨款", "万元")),
        ("生师比（教发〔2004〕2号）", ("生师比", "教发〔2004〕2号")),
        ("国（境）外技术标准", ("国（境）外技术标准", None)),
        ("生师比", ("生师比", None)),
    ],
)
def test_seed_names_split(printed: str, split: tuple[str, str | None]) -> None:
    assert split_unit(printed) == split
