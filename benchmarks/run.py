"""Speed and memory targets, each measured against a baseline in the same run.

    python benchmarks/run.py [formula|seeds|memory …]   # a table; exit 1 if a target is missed

Targets (ratios, so the machine's speed cancels out):

- formula evaluation is column-wise: at 1 000 000 entity-years it costs at
  most 5× the same expression written directly in numpy (the engine also
  tracks why each null is null), and at least 5× less than evaluating it row
  by row in plain Python;
- evaluation grows linearly: 10× the rows (1M → 10M, both beyond the CPU
  caches, so the ratio measures the algorithm, not the cache) costs at most
  15× the time;
- a whole run on 40 reports (20 copies of each seed) costs at most 25× a run
  on the two seeds: linear in the number of reports, nothing quadratic;
- the dataset of 20 000 entity-years × 200 indicators, with a provenance
  reference per cell, allocates at most 3× the raw float64 matrix it holds.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tabulate import tabulate

from vqr_metrics import formula
from vqr_metrics.merge import build_dataset
from vqr_metrics.model import Figure, Indicator, Provenance, Table

ROOT = Path(__file__).resolve().parents[1]
EXPR = "max(a, b) / (a + b) * 100 - abs(a - b) / where(c > 0, c, 1)"


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def columns(rows: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {k: rng.uniform(0, 100, rows) for k in "abc"}


def engine_eval(cols: dict[str, np.ndarray], rows: int) -> None:
    formula.evaluate(PARSED, cols.__getitem__, rows)


def numpy_direct(cols: dict[str, np.ndarray]) -> None:
    a, b, c = cols["a"], cols["b"], cols["c"]
    with np.errstate(all="ignore"):
        np.maximum(a, b) / (a + b) * 100 - np.abs(a - b) / np.where(c > 0, c, 1)


def python_rows(cols: dict[str, np.ndarray], rows: int) -> None:
    a, b, c = (cols[k].tolist() for k in "abc")
    out = []
    for i in range(rows):
        den = a[i] + b[i]
        out.append(max(a[i], b[i]) / den * 100 - abs(a[i] - b[i]) / (c[i] if c[i] > 0 else 1))


PARSED = formula.parse(EXPR)


def bench_formula() -> list[tuple[str, float, float, bool]]:
    rows, huge = 1_000_000, 10_000_000
    cols, cols_huge = columns(rows), columns(huge)
    t_engine = best_of(lambda: engine_eval(cols, rows))
    t_numpy = best_of(lambda: numpy_direct(cols))
    t_python = best_of(lambda: python_rows(cols, rows), repeat=2)
    t_huge = best_of(lambda: engine_eval(cols_huge, huge), repeat=3)
    return [
        ("engine ÷ direct numpy (1M rows)", t_engine / t_numpy, 5.0, t_engine / t_numpy <= 5.0),
        ("row-by-row Python ÷ engine", t_python / t_engine, 5.0, t_python / t_engine >= 5.0),
        ("time(10M) ÷ time(1M)", t_huge / t_engine, 15.0, t_huge / t_engine <= 15.0),
    ]


def bench_seeds() -> list[tuple[str, float, float, bool]]:
    """A province reads one report per school: 20 copies of each seed report
    (40 entities) must cost at most 25× one copy of each — linear growth with
    the fixed cost of loading plugins amortised, nothing quadratic in entities."""
    from vqr_metrics import Config, run

    seeds = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
    one = Config.build([str(p) for p in seeds], plugins={"entry_points": False})
    many = Config.build(
        [{"path": str(p), "entity": f"学校{n:02d}-{k}"} for n in range(20) for k, p in enumerate(seeds)],
        plugins={"entry_points": False},
    )
    t_one = best_of(lambda: run(one), repeat=3)
    t_many = best_of(lambda: run(many), repeat=2)
    ratio = t_many / t_one
    return [("run on 40 reports ÷ run on 2", ratio, 25.0, ratio <= 25.0)]


def bench_memory() -> list[tuple[str, float, float, bool]]:
    from vqr_metrics.catalog import Catalog, Origin

    entities, indicators = 10_000, 200  # × 2 years = 20 000 entity-years
    rows = tuple(Indicator(f"i{k}", f"指标{k}", "人") for k in range(indicators))
    catalog = Catalog()
    catalog.register("table", Table("bench", "基准表", rows), Origin("bench"))
    catalog.finish()  # no derivation registered: no _yoy metrics
    prov = Provenance("bench.csv", 1, "1")
    figures = [
        Figure(f"e{e}", year, f"i{k}", float(k), prov)
        for e in range(entities)
        for year in (2022, 2023)
        for k in range(indicators)
    ]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    dataset, _ = build_dataset(figures, catalog)
    columns_bytes = sum(c.nbytes for c in dataset.columns.values())
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    raw = entities * 2 * indicators * 8
    ratio = (after - before) / raw
    assert columns_bytes == raw
    return [("dataset bytes ÷ raw float64 matrix (20k × 200)", ratio, 3.0, ratio <= 3.0)]


BENCHES: dict[str, Callable[[], list[tuple[str, float, float, bool]]]] = {
    "formula": bench_formula,
    "seeds": bench_seeds,
    "memory": bench_memory,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("only", nargs="*", metavar="MEASURE", help=f"{', '.join(BENCHES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(BENCHES))
    if unknown:
        parser.error(f"no measure {unknown[0]!r}: choose from {', '.join(BENCHES)}")
    results = [r for name in args.only or BENCHES for r in BENCHES[name]()]
    rows = [
        [
            name,
            f"{ratio:.2f}",
            f"{'≥' if name.startswith('row-by-row') else '≤'} {target:g}",
            "ok" if ok else "MISSED",
        ]
        for name, ratio, target, ok in results
    ]
    print(tabulate(rows, headers=["measure", "ratio", "target", ""]))
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
