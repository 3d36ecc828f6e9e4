"""One test per hook in hookspecs.py, and a meta-test that keeps it so."""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.support.plugins import tiny
from vqr_metrics import hookspecs
from vqr_metrics.api import render
from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.model import (
    Aggregator,
    Indicator,
    InputSpec,
    Normalizer,
    Provenance,
    Reader,
    ReadOutput,
    Weighting,
    Writer,
)
from vqr_metrics.pluginmanager import REGISTRATION_HOOKS
from vqr_metrics.testing import ConfigBuilder, make_catalog

CORE = (
    "vqr_metrics_plugins.readers.csv_reader",
    "vqr_metrics_plugins.writers.text_writers",
    "vqr_metrics_plugins.writers.stream_writers",
)


def hook_names() -> list[str]:
    return [
        name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("register_")
    ]


def test_every_hook_has_a_test() -> None:
    module = sys.modules[__name__]
    missing = [name for name in hook_names() if not hasattr(module, f"test_hook_{name}")]
    assert not missing, f"hooks without a test in {__file__}: {missing}"


def test_every_hook_is_called_by_the_engine() -> None:
    assert sorted(REGISTRATION_HOOKS) == sorted(hook_names())


def test_every_hook_has_a_docstring() -> None:
    for name in hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name


def test_hook_register_tables(vqr_config: ConfigBuilder) -> None:
    catalog = make_catalog(tiny, builtins=CORE)
    assert [row.key for row in catalog.rows_of("tiny")] == [r.key for r in tiny.ROWS]
    assert all(row.table == "tiny" for row in catalog.rows_of("tiny"))
    assert catalog.resolve("测试学生数") == "tiny_students"


def test_hook_register_indicators(vqr_config: ConfigBuilder) -> None:
    class Extra:
        @staticmethod
        def register_indicators(register: Callable[[Indicator], None]) -> None:
            register(Indicator("tiny_psych", "心理测试教师数", "人", table="测试表"))

    catalog = make_catalog(tiny, Extra, builtins=CORE)
    assert catalog.rows_of("tiny")[-1].key == "tiny_psych"
    assert catalog.indicators["tiny_psych"].table == "tiny"
    path = vqr_config.csv("d.csv", [["entity", "year", "心理测试教师数"], ["甲校", 2023, 3]])
    result = vqr_config.add_input(path).run(tiny, Extra, builtins=CORE)
    assert result.value("甲校", 2023, "tiny_psych") == 3


def test_hook_register_metrics(vqr_config: ConfigBuilder) -> None:
    path = vqr_config.csv(
        "d.csv", [["entity", "year", "测试在校生数", "测试教师数"], ["甲校", 2023, 300, 20]]
    )
    result = vqr_config.add_input(path).run(tiny, builtins=CORE)
    assert result.value("甲校", 2023, "tiny_ratio") == 15
    (value,) = [v for v in result.values if v.key == "tiny_ratio"]
    assert value.derived and value.name == "生师比（测试）" and value.unit == ":1"


def test_hook_register_checks(vqr_config: ConfigBuilder) -> None:
    path = vqr_config.csv(
        "d.csv", [["entity", "year", "测试教师数", "“双师”测试教师数"], ["甲校", 2023, 2, 3]]
    )
    result = vqr_config.add_input(path).run(tiny, builtins=CORE)
    assert [f.entity for f in result.findings if f.rule == "tiny_dual_above_teachers"] == ["甲校"]


def _read_tiny(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    collect = Collector(catalog, spec)
    for n, line in enumerate(Path(spec.path).read_text(encoding="utf-8").splitlines(), 1):
        name, raw = line.split("=")
        key, reason = collect.resolve(name)
        prov = Provenance(spec.path, n, raw)
        if key is None:
            collect.unknown(spec.entity, spec.year, name, reason, prov)
        else:
            collect.cell(spec.entity, spec.year, key, raw, prov)
    return collect.output()


def test_hook_register_readers(vqr_config: ConfigBuilder) -> None:
    class TinyFormat:
        @staticmethod
        def register_readers(register: Callable[[Reader], None]) -> None:
            register(Reader("tiny_kv", "name=value lines", (".kv",), _read_tiny))

    path = vqr_config.write("d.kv", "测试在校生数=120\n测试教师数=—\n")
    result = vqr_config.add_input(path, entity="甲校", year=2023).run(tiny, TinyFormat, builtins=CORE)
    assert result.value("甲校", 2023, "测试在校生数") == 120
    assert result.summary.cells == 2 and result.summary.cell_findings == 1


def test_hook_register_writers(vqr_config: ConfigBuilder) -> None:
    class Count:
        @staticmethod
        def register_writers(register: Callable[[Writer], None]) -> None:
            register(
                Writer(
                    "count", "number of values", lambda result, out: out.write(b"%d\n" % len(result.values))
                )
            )

    catalog = make_catalog(tiny, Count, builtins=CORE)
    path = vqr_config.csv("d.csv", [["entity", "year", "测试在校生数"], ["甲校", 2023, 1]])
    result = vqr_config.add_input(path).run(tiny, Count, builtins=CORE, output={"format": "count"})
    assert "count" in catalog.writers
    assert render(result, "count") == "1\n"
    assert json.loads(render(result, "json"))["values"][0]["value"] == 1


def score_with(vqr_config: ConfigBuilder, plugin: object, **card: object) -> dict[str, float]:
    """Scores of a two-indicator scorecard over two schools, using a plugin's method."""
    path = vqr_config.csv(
        "d.csv",
        [["entity", "year", "测试在校生数", "测试教师数"], ["甲校", 2023, 100, 40], ["乙校", 2023, 50, 10]],
    )
    scorecard = {
        "name": "测试指数",
        "indicators": [{"metric": "测试在校生数"}, {"metric": "测试教师数"}],
        **card,
    }
    result = vqr_config.add_input(path).run(tiny, plugin, builtins=SCORING, scorecards=[scorecard])
    (records,) = result.to_records()["scorecards"]
    return {row["entity"]: row["score"] for row in records["results"]}


SCORING = (*CORE, "vqr_metrics_plugins.scoring.methods")


def test_hook_register_normalizers(vqr_config: ConfigBuilder) -> None:
    class Half:
        @staticmethod
        def register_normalizers(register: Callable[[Normalizer], None]) -> None:
            register(Normalizer("half", "value / 2", lambda values, higher, params: np.asarray(values) / 2))

    scores = score_with(vqr_config, Half, normalize="half", weights="equal")
    assert scores == {"甲校": pytest.approx((50 + 20) / 2), "乙校": pytest.approx((25 + 5) / 2)}


def test_hook_register_weightings(vqr_config: ConfigBuilder) -> None:
    class First:
        @staticmethod
        def register_weightings(register: Callable[[Weighting], None]) -> None:
            register(
                Weighting("first_only", "all weight on the first child", lambda m, w: np.eye(m.shape[1])[0])
            )

    scores = score_with(vqr_config, First, normalize="ratio_to_best", weights="first_only")
    assert scores == {"甲校": pytest.approx(100), "乙校": pytest.approx(50)}


def test_hook_register_aggregators(vqr_config: ConfigBuilder) -> None:
    class Maximum:
        @staticmethod
        def register_aggregators(register: Callable[[Aggregator], None]) -> None:
            def aggregate(m: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                scores = m.max(axis=1)
                first = m.argmax(axis=1)
                contributions = np.zeros_like(m)
                contributions[np.arange(len(m)), first] = scores
                return scores, contributions

            register(Aggregator("maximum", "best child", aggregate))

    scores = score_with(vqr_config, Maximum, normalize="ratio_to_best", weights="equal", aggregate="maximum")
    # 乙校: 在校生数 50/100 → 50, 教师数 10/40 → 25; the best child is 50 (an arithmetic mean gives 37.5)
    assert scores == {"甲校": pytest.approx(100), "乙校": pytest.approx(50)}


@pytest.mark.parametrize("kind", sorted(set(REGISTRATION_HOOKS.values())))
def test_register_rejects_the_wrong_kind(kind: str) -> None:
    from vqr_metrics.catalog import Origin
    from vqr_metrics.errors import PluginError

    with pytest.raises(PluginError, match="is expected"):
        Catalog().register(kind, object(), Origin("t"))


def test_a_reader_that_loses_cells_is_caught(vqr_config: ConfigBuilder) -> None:
    from vqr_metrics.errors import PluginError

    class Lossy:
        @staticmethod
        def register_readers(register: Callable[[Reader], None]) -> None:
            register(
                Reader("lossy", "drops every cell", (".lossy",), lambda spec, catalog: ReadOutput(cells=3))
            )

    path = vqr_config.write("d.lossy", "x")
    with pytest.raises(
        PluginError, match=r"reader 'lossy' .* lost track of cells .* it read 3 but returned 0 values"
    ):
        vqr_config.add_input(path).run(Lossy, builtins=CORE)


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda spec, catalog: 1 / 0, "reader 'broken' .* on .*d.broken failed: ZeroDivisionError"),
        (lambda spec, catalog: 42, "reader 'broken' .* returned int, not a ReadOutput"),
    ],
)
def test_a_failing_reader_is_a_plugin_error(vqr_config: ConfigBuilder, read: object, message: str) -> None:
    from vqr_metrics.errors import PluginError

    class Broken:
        @staticmethod
        def register_readers(register: Callable[[Reader], None]) -> None:
            register(Reader("broken", "fails", (".broken",), read))  # type: ignore[arg-type]

    path = vqr_config.write("d.broken", "x")
    with pytest.raises(PluginError, match=message):
        vqr_config.add_input(path).run(Broken, builtins=CORE)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        ("lambda result, out: 1 / 0", r"writer 'broken' \(plugin .*\) failed: ZeroDivisionError"),
        ("lambda result: ''", r"writer 'broken' .* failed: TypeError"),
    ],
)
def test_a_failing_writer_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], write: str, message: str
) -> None:
    import re

    from vqr_metrics import cli

    plugin = tmp_path / "broken_writer.py"
    plugin.write_text(
        "from vqr_metrics.model import Writer\n"
        f"WRITE = {write}\n"
        "def register_writers(register):\n"
        "    register(Writer('broken', 'fails', WRITE))\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.csv"
    data.write_text("entity,year,全日制在校生人数\n甲校,2023,1800\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[inputs]]\npath = "d.csv"\n[plugins]\nentry_points = false\nfiles = ["{plugin.as_posix()}"]\n'
        '[output]\nformat = "broken"\n',
        encoding="utf-8",
    )
    assert cli.main([str(config)]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and err.count("\n") == 1


def test_a_failing_check_is_a_plugin_error_naming_it(vqr_config: ConfigBuilder) -> None:
    from vqr_metrics.errors import PluginError
    from vqr_metrics.model import Check

    def explode(context: object) -> list[object]:
        raise KeyError("no such column")

    class Failing:
        @staticmethod
        def register_checks(register: Callable[[Check], None]) -> None:
            register(Check("exploding", "fails", explode))  # type: ignore[arg-type]

    path = vqr_config.csv("d.csv", [["entity", "year", "测试在校生数"], ["甲校", 2023, 1]])
    with pytest.raises(
        PluginError, match=r"check 'exploding' \(plugin .*\) failed: KeyError: 'no such column'"
    ):
        vqr_config.add_input(path).run(tiny, Failing, builtins=CORE)


def test_a_failing_sniff_is_a_plugin_error(vqr_config: ConfigBuilder) -> None:
    from vqr_metrics.errors import PluginError

    def boom(head: bytes) -> bool:
        raise ValueError("cannot decide")

    class Sniffy:
        @staticmethod
        def register_readers(register: Callable[[Reader], None]) -> None:
            register(Reader("sniffy", "sniffs badly", (".csv",), _read_tiny, sniff=boom))

    path = vqr_config.csv("d.csv", [["entity", "year", "测试在校生数"], ["甲校", 2023, 1]])
    with pytest.raises(PluginError, match=r"reader 'sniffy' .* sniffing .*d.csv failed: ValueError"):
        vqr_config.add_input(path).run(tiny, Sniffy, builtins=CORE)


def test_hook_register_derivations(vqr_config: ConfigBuilder) -> None:
    from vqr_metrics.model import Derivation, Metric

    class Doubled:
        """A third-party family: ``<key>_x2`` for every indicator with a unit of 人."""

        @staticmethod
        def register_derivations(register: Callable[[Derivation], None]) -> None:
            def doubled(base: Indicator | Metric) -> Metric | None:
                if base.unit != "人":
                    return None
                return Metric(f"{base.key}_x2", f"{base.name}的两倍", f"{base.key} * 2", unit="人")

            register(Derivation("doubled", "twice the figure", doubled))

    path = vqr_config.csv("d.csv", [["entity", "year", "测试在校生数"], ["甲校", 2023, 300]])
    result = vqr_config.add_input(path).run(tiny, Doubled(), builtins=CORE)
    assert result.value("甲校", 2023, "tiny_students_x2") == 600
    assert result.catalog is not None
    assert result.catalog.derived_from("tiny_students_x2") == "tiny_students"
    assert result.catalog.label("tiny_students_x2") == "测试在校生数的两倍"
    assert "tiny_ratio_x2" not in result.catalog.metrics  # derive() said None for it
    assert "tiny_students_yoy" not in result.catalog.metrics  # the built-in family is not loaded here
    from vqr_metrics.pluginmanager import build_catalog, make_plugin_manager

    pm = make_plugin_manager(CORE, entry_points=False, objects=[("tiny", tiny), ("doubled", Doubled())])
    assert "tiny_students_x2" not in build_catalog(pm, skip_derivations=("doubled",)).metrics


def test_hook_register_rules(vqr_config: ConfigBuilder) -> None:
    from vqr_metrics.errors import PluginError
    from vqr_metrics.model import Check, CheckContext, Finding, FindingRule

    class Staffing:
        """A check and the rule of its findings, declared once."""

        @staticmethod
        def register_checks(register: Callable[[Check], None]) -> None:
            def run(context: CheckContext) -> list[Finding]:
                teachers = context.dataset.column("tiny_teachers")
                return [
                    Finding("warning", "tiny_no_teachers", "no teachers", entity, year)
                    for (entity, year), n in zip(context.dataset.rows, teachers, strict=True)
                    if n == 0
                ]

            register(Check("tiny_no_teachers", "a school has teachers", run))

        @staticmethod
        def register_rules(register: Callable[[FindingRule], None]) -> None:
            register(
                FindingRule("tiny_no_teachers", "warning", "a school reports no teacher", "check 测试教师数")
            )

    path = vqr_config.csv("d.csv", [["entity", "year", "测试教师数"], ["甲校", 2023, 0], ["乙校", 2023, 4]])
    result = vqr_config.add_input(path).run(tiny, Staffing(), builtins=CORE)
    assert result.catalog is not None
    rule = result.catalog.rules["tiny_no_teachers"]
    assert [(f.entity, f.severity) for f in result.findings if f.rule == rule.code] == [
        ("甲校", rule.severity)
    ]
    assert result.catalog.origin("rule", rule.code).plugin == "test-plugin-1"
    assert result.catalog.origin("rule", "missing_value").plugin == "vqr_metrics.core"  # the core's own

    class Clash:
        @staticmethod
        def register_rules(register: Callable[[FindingRule], None]) -> None:
            register(FindingRule("source_conflict", "warning", "mine too", "none"))

    with pytest.raises(
        PluginError, match=r"duplicate rule id 'source_conflict': .*'vqr_metrics.core' and by .*'Clash'"
    ):
        make_catalog(Clash, builtins=CORE)
