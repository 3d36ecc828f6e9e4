"""The national job written by hand in pandas: the baseline vqr-score is timed against.

    python benchmarks/baseline_pandas.py national.csv out.csv

Reads the wide CSV of ``generate.py``; coerces every indicator cell to a float
the way vqr reads a cell (blank, ``—`` and garbage such as ``96?`` become null,
``1,234`` is 1234); computes the derived metrics of ``national_spec.derived``
(null on a zero denominator); adds ``<key>_yoy`` = (x − prev) / prev × 100 per
entity for every indicator and metric, prev being the same entity's value one
year earlier (vqr's ``year_over_year = true``); scores the three-indicator
min-max scorecard per year (equal weights, missing ones reweighted, no score
below half the weight); and writes every non-null value as a long CSV with a
BOM: ``entity,year,key,value`` (scores under the key ``score``).  Prints one
JSON line: the values written and the seconds taken.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_spec import (
    HEADER_TO_KEY,
    KEYS,
    METRIC_KEYS,
    MIN_COVERAGE,
    SCORE_KEY,
    SCORECARD,
    YOY_SUFFIX,
    baseline_main,
    derived,
)

THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"


def coerce(cells: pd.Series) -> pd.Series:
    """Printed cells → float64 with NaN for anything that is not a number."""
    text = cells.astype(str).str.strip()
    text = text.mask(text.str.fullmatch(THOUSANDS), text.str.replace(",", "", regex=False))
    text = text.str.removesuffix("%")
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def div(a: pd.Series, b: pd.Series) -> pd.Series:
    return a / b.where(b != 0)


def minmax(x: pd.Series, year: pd.Series, higher: bool) -> pd.Series:
    by_year = x.groupby(year)
    lo, hi = by_year.transform("min"), by_year.transform("max")
    span = (hi - lo).where(hi != lo)
    scaled = (x - lo) / span if higher else (hi - x) / span
    return (100.0 * scaled).clip(0.0, 100.0).where(hi != lo, 100.0).where(x.notna())


def scorecard(values: dict[str, pd.Series], year: pd.Series) -> pd.Series:
    normalized = pd.DataFrame({key: minmax(values[key], year, higher) for key, _, higher in SCORECARD})
    weights = normalized.notna() * (1.0 / len(SCORECARD))
    coverage = weights.sum(axis=1)
    ok = (coverage >= MIN_COVERAGE - 1e-9) & (coverage > 0)
    score = (normalized.fillna(0.0) * weights.div(coverage.where(ok), axis=0)).sum(axis=1)
    return score.where(ok)


def run(source: Path, target: Path) -> int:
    wide = pd.read_csv(source, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    wide = wide.rename(columns=HEADER_TO_KEY).sort_values(["entity", "year"], kind="stable")
    wide = wide.reset_index(drop=True)
    entity, year = wide["entity"], wide["year"].astype("int64")
    values = {key: coerce(wide[key]) for key in KEYS}
    del wide
    values.update(derived(values.__getitem__, div))
    # rows are sorted by entity and year: the row before is last year's when it is the same entity's
    has_prev = (entity.shift(1) == entity) & (year.shift(1) == year - 1)
    for key in (*KEYS, *METRIC_KEYS):
        prev = values[key].shift(1).where(has_prev)
        values[key + YOY_SUFFIX] = div(values[key] - prev, prev) * 100
    values[SCORE_KEY] = scorecard(values, year)
    written = 0
    with open(target, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeffentity,year,key,value\n")
        for key, column in values.items():
            present = column.notna()
            block = pd.DataFrame(
                {"entity": entity[present], "year": year[present], "key": key, "value": column[present]}
            )
            block.to_csv(out, header=False, index=False, lineterminator="\n")
            written += len(block)
    return written


def main(argv: list[str] | None = None) -> int:
    return int(baseline_main(run, __doc__ or "", argv))


if __name__ == "__main__":
    sys.exit(main())
