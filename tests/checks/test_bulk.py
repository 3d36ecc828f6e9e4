"""Checks emit their findings in bulk: over many rows they say exactly what they say of each row
alone, in row order, with messages rendered from templates only when read."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.properties import check_catalog, dataset_of, run_check
from vqr_metrics.checks import findings_at, literal
from vqr_metrics.findings import Findings, render
from vqr_metrics.model import CheckContext, Finding
from vqr_metrics.testing import ConfigBuilder

CAT = check_catalog()
INPUTS = sorted(dict.fromkeys(CAT.canonical(k) for k in CAT.indicators))
# Checks whose verdict on a row depends on that row alone (yoy_jump compares two).
ROW_WISE = sorted(c for c in CAT.checks if c != "yoy_jump")
CHOICES = np.array([math.nan, 0, 1, 3, 7.5, 50, 99.5, 100, 140, -2, 12000])


def _key(f: Finding) -> tuple[object, ...]:
    return (f.severity, f.rule, f.message, f.entity, f.year, f.indicators, f.expected, f.actual, f.tolerance)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 5), conflict_share=st.sampled_from([0.0, 0.05, 0.3]))
def test_many_rows_give_what_each_row_gives_alone(seed: int, n: int, conflict_share: float) -> None:
    """Bulk findings (rows found column-wise, one template per group, the
    rows on conflicting sources as objects) are those of every row alone;
    each check reports key by key, rows ascending within a key."""
    rng = np.random.default_rng(seed)
    rows = {
        (f"校{i}", 2023): dict(zip(INPUTS, rng.choice(CHOICES, len(INPUTS)).tolist(), strict=True))
        for i in range(n)
    }
    conflicts = {row: [k for k in INPUTS if rng.random() < conflict_share] for row in rows}
    together = dataset_of(CAT, rows, conflicts)
    alone = {row: dataset_of(CAT, {row: rows[row]}, conflicts) for row in sorted(rows)}
    for check in ROW_WISE:
        bulk = [_key(f) for f in run_check(CAT, check, together)]
        each = [_key(f) for data in alone.values() for f in run_check(CAT, check, data)]
        assert sorted(bulk, key=repr) == sorted(each, key=repr), check
        order = [(f[1], f[5], f[3]) for f in bulk]  # rule, indicators, entity
        for (rule, names, entity), later in itertools.pairwise(order):
            if later[:2] == (rule, names):
                assert str(later[2]) > str(entity), (check, names)


def test_a_template_keeps_braces_of_names_and_renders_numbers_as_printed() -> None:
    row = ("{甲}校", 2023)
    data = dataset_of(CAT, {row: {"full_time_students": 1800.0}})
    context = CheckContext(dataset=data, catalog=CAT, options={})
    found = findings_at(
        context,
        np.array([0]),
        severity="warning",
        rule="demo",
        message=literal("{名称} ") + "{0:n} / {1:.3g} / {2}",
        args=(np.array([1800.0]), np.array([1 / 3]), pa.array(["文本"])),
        keys=("full_time_students",),
        actual=np.array([1800.0]),
    )
    stored = found.to_arrow(rendered=False)
    assert stored["message"][0].as_py() == "{entity} {year}: {{名称}} {0:n} / {1:.3g} / {2}"
    assert stored["args"][0].as_py() == ["1800", "0.3333333333333333", "文本"]
    assert [f.message for f in found] == ["{甲}校 2023: {名称} 1800 / 0.333 / 文本"]
    assert found.to_arrow()["message"][0].as_py() == "{甲}校 2023: {名称} 1800 / 0.333 / 文本"
    assert found.to_arrow().schema.names[-1] == "cell"  # rendered tables have no args column
    assert found.where(pa.array([True])) == found and found[0].actual == 1800.0
    assert render("{entity}: {0:n}", ["2.50"], "乙", None) == "乙: 2.5"


def test_literal_messages_are_never_formatted() -> None:
    literal_only = Findings.of([Finding("info", "demo", "braces {0} stay {as they are}")])
    assert [f.message for f in literal_only] == ["braces {0} stay {as they are}"]


def test_bulk_findings_name_every_source_cell_of_their_row(tmp_path: object) -> None:
    """A national-style CSV where every row breaks a subset relation: one
    error per row, citing that row's two cells (file and line), in file order."""
    from pathlib import Path

    builder = ConfigBuilder(Path(str(tmp_path)))
    rows = [["学校", "年份", "专任教师总数", "专任教师“双师”人数"]]
    rows += [[f"校{i:03d}", 2023, 100 + i, 150 + 2 * i] for i in range(60)]
    path = builder.csv("wide.csv", rows)
    result = builder.add_input(path).run()
    found = [f for f in result.findings if f.rule == "relation_subset"]
    assert len(found) == 60
    for i, f in enumerate(found):
        assert f.entity == f"校{i:03d}" and f.year == 2023
        assert f.message == (
            f"校{i:03d} 2023: 专任教师“双师”人数 {150 + 2 * i} exceeds 专任教师总数 {100 + i}, "
            "which it is part of (tolerance 0)"
        )
        assert [(Path(p.file).name, p.line, p.raw) for p in f.provenance] == [
            ("wide.csv", i + 2, str(100 + i)),
            ("wide.csv", i + 2, str(150 + 2 * i)),
        ]
        assert (f.expected, f.actual) == (100 + i, 150 + 2 * i)
