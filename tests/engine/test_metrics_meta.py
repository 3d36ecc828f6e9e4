"""The meta-test: every metric and check the built-in plugins register has a
hypothesis property test (``@covers`` in test_metrics_properties,
test_checks_properties and test_prose_properties); the automatic ``<key>_yoy`` family has its own."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import is_hypothesis_test
from vqr_metrics_plugins.metrics.year_over_year import SUFFIX as YOY_SUFFIX

import tests.checks.test_properties
import tests.engine.test_metrics_properties
import tests.readers.test_prose_properties
from tests.support.plugins import tiny
from tests.support.properties import COVERED, full_catalog, own_metrics
from vqr_metrics.catalog import Catalog
from vqr_metrics.testing import make_catalog


def uncovered(kind: str, ids: Iterable[str]) -> list[str]:
    return sorted(i for i in ids if not any(is_hypothesis_test(t) for t in COVERED[kind].get(i, [])))


def missing_property_tests(catalog: Catalog) -> dict[str, list[str]]:
    return {
        "metric": uncovered("metric", own_metrics(catalog)),
        "check": uncovered("check", catalog.checks),
    }


def test_every_registered_metric_and_check_has_a_property_test() -> None:
    assert missing_property_tests(full_catalog()) == {"metric": [], "check": []}


def test_the_meta_test_notices_a_metric_or_check_without_one() -> None:
    catalog = make_catalog(tiny)
    missing = missing_property_tests(catalog)
    assert set(missing["metric"]) == {"tiny_ratio", "tiny_dual_share", "tiny_budget_per_student"}
    assert missing["check"] == ["tiny_dual_bound"]


def test_the_year_over_year_family_is_one_formula_with_its_own_property_test() -> None:
    catalog = full_catalog()
    family = [k for k in catalog.metrics if k not in own_metrics(catalog)]
    assert family and all(k.endswith(YOY_SUFFIX) for k in family)
    for key in family:
        base = key[: -len(YOY_SUFFIX)]
        assert catalog.metrics[key].formula == f"({base} - prev({base})) / prev({base}) * 100"
    assert is_hypothesis_test(
        tests.engine.test_metrics_properties.test_year_over_year_is_the_change_over_the_year_before
    )
