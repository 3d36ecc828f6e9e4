"""Values a scorecard imputes are an output of scoring: the values output shows
them flagged, the dataset the readers and the engine made stays as it was."""

from __future__ import annotations

import numpy as np

from vqr_metrics.values import collect_values

from .support import catalog, dataset, flat, results, run

CARD = [{"metric": "a", "weight": 1}, {"metric": "b", "weight": 1}]


def data_missing_a() -> dict[tuple[str, int], dict[str, float | None]]:
    return {
        ("甲", 2023): {"a": 10.0, "b": 1.0},
        ("乙", 2023): {"a": 30.0, "b": 2.0},
        ("丙", 2023): {"b": 3.0},
    }


def test_the_values_show_an_imputed_value_flagged_and_the_dataset_stays_as_read() -> None:
    data = dataset(data_missing_a())
    before = {key: column.copy() for key, column in data.columns.items()}
    outcome = run(data, flat(CARD, missing="impute_mean"))
    for key, column in data.columns.items():
        np.testing.assert_array_equal(column, before[key])
    values = collect_values(data, catalog(), outcome.imputations)
    shown = {(v.entity, v.key): (v.value, v.imputed) for v in values}
    assert shown[("丙", "a")] == (20.0, True)
    assert [flag for (entity, key), (_, flag) in shown.items() if (entity, key) != ("丙", "a")] == [False] * 5
    assert len(values) == 6 and values.lookup("丙", 2023, "a") == 20.0
    # the values of the dataset alone: what was read
    alone = collect_values(data, catalog())
    assert len(alone) == 5 and alone.lookup("丙", 2023, "a") is None


def test_a_cell_two_scorecards_fill_differently_stays_empty_in_the_values() -> None:
    data = dataset(data_missing_a())
    mean = {**flat(CARD, missing="impute_mean"), "name": "均值卡"}
    low = {**flat(CARD, missing="impute_p25"), "name": "低分位卡"}
    outcome = run(data, mean, low)
    # each scorecard lists its own stand-in (the mean 20, the 25th percentile 15) …
    assert results(outcome, 0)[("丙", 2023)]["indicators"]["甲指标"]["value"] == 20.0
    assert results(outcome, 1)[("丙", 2023)]["indicators"]["甲指标"]["value"] == 15.0
    # … but the values output shows none, as no single value stands for the cell
    assert "a" not in outcome.imputations.rows
    assert collect_values(data, catalog(), outcome.imputations).lookup("丙", 2023, "a") is None
    agreeing = run(data, mean, {**mean, "name": "均值卡二"})
    assert agreeing.imputations.values["a"].tolist() == [20.0]


def test_a_suspect_value_left_out_and_imputed_stays_as_reported_in_the_values() -> None:
    rows = {**data_missing_a(), ("丙", 2023): {"a": 500.0, "b": 3.0}}
    data = dataset(rows)
    data.mark_suspect("a", np.array([False, False, True]))
    outcome = run(data, flat(CARD, missing="impute_mean"))
    assert results(outcome)[("丙", 2023)]["indicators"]["甲指标"]["status"] == "imputed"
    assert "a" not in outcome.imputations.rows
    (value,) = (
        v for v in collect_values(data, catalog(), outcome.imputations) if v.key == "a" and v.entity == "丙"
    )
    assert (value.value, value.imputed, value.suspect) == (500.0, False, True)
