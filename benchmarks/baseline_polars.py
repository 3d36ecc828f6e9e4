"""The national job written by hand in polars: the second baseline vqr-score is timed against.

    python benchmarks/baseline_polars.py national.csv out.csv

The same job as ``baseline_pandas.py`` (see there): read the wide CSV, coerce
cells as vqr reads them, the derived metrics of ``national_spec.derived``,
``<key>_yoy`` per entity for every indicator and metric, the three-indicator
min-max scorecard per year, and every non-null value written as a long CSV with
a BOM (``entity,year,key,value``; scores under the key ``score``), one
key at a time.  Prints one JSON line: the values written and the seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

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

THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"


def coerce(header: str, key: str) -> pl.Expr:
    """Printed cells → Float64 with null for anything that is not a number."""
    text = pl.col(header).str.strip_chars()
    text = (
        pl.when(text.str.contains(THOUSANDS))
        .then(text.str.replace_all(",", "", literal=True))
        .otherwise(text)
    )
    number = text.str.strip_suffix("%").cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number).alias(key)


def div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b != 0).then(a / b)


def minmax(key: str, higher: bool) -> pl.Expr:
    x = pl.col(key)
    lo, hi = x.min().over("year"), x.max().over("year")
    scaled = (x - lo) / (hi - lo) if higher else (hi - x) / (hi - lo)
    normalized = pl.when(hi == lo).then(100.0).otherwise((100.0 * scaled).clip(0.0, 100.0))
    return pl.when(x.is_not_null()).then(normalized)


def scorecard() -> pl.Expr:
    share = 1.0 / len(SCORECARD)
    norms = [minmax(key, higher) for key, _, higher in SCORECARD]
    coverage = pl.sum_horizontal([n.is_not_null().cast(pl.Float64) * share for n in norms])
    weighted = pl.sum_horizontal([n.fill_null(0.0) * (share / coverage) for n in norms])
    return pl.when((coverage >= MIN_COVERAGE - 1e-9) & (coverage > 0)).then(weighted).alias(SCORE_KEY)


def run(source: Path, target: Path) -> int:
    wide = pl.read_csv(source, infer_schema=False)
    frame = wide.select(
        pl.col("entity"),
        pl.col("year").cast(pl.Int64),
        *(coerce(header, key) for header, key in HEADER_TO_KEY.items()),
    ).sort("entity", "year")
    del wide
    frame = frame.with_columns(**derived(pl.col, div))
    # rows are sorted by entity and year: the row before is last year's when it is the same entity's
    has_prev = (pl.col("entity").shift(1) == pl.col("entity")) & (
        pl.col("year").shift(1) == pl.col("year") - 1
    )
    yoy = {}
    for key in (*KEYS, *METRIC_KEYS):
        prev = pl.when(has_prev).then(pl.col(key).shift(1))
        yoy[key + YOY_SUFFIX] = div(pl.col(key) - prev, prev) * 100
    frame = frame.with_columns(**yoy).with_columns(scorecard())
    written = 0
    with open(target, "wb") as out:
        out.write("\ufeffentity,year,key,value\n".encode())
        for key in (c for c in frame.columns if c not in ("entity", "year")):
            block = frame.select("entity", "year", pl.lit(key).alias("key"), pl.col(key).alias("value"))
            block = block.drop_nulls("value")
            block.write_csv(out, include_header=False)
            written += block.height
    return written


def main(argv: list[str] | None = None) -> int:
    return int(baseline_main(run, __doc__ or "", argv))


if __name__ == "__main__":
    sys.exit(main())
