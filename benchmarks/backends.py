"""The backends benchmark: one national config run with ``[engine] backend = "numpy"`` and ``"duckdb"``.

    python benchmarks/backends.py                    # 100,000 entity-years (10,000 schools × 10 years)
    python benchmarks/backends.py --schools 1000     # 10,000

Both runs read the same generated data (``generate.py``) with the config of
``national.py`` (every metric with year over year, all checks, a min-max
scorecard, long CSV out), each in its own process under ``national.py``'s
wrapper (seconds, peak RSS).  They must write the same values: the outputs are
compared line by line, the summary's ``ran`` lines aside.  The backend that is
faster here is the one that should be the default (docs/sql.md says which it is).
The input's reading alone is timed too, in this process: parsed by pyarrow (as
under numpy) and scanned by DuckDB (as under duckdb), to the same figures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import attrs
from tabulate import tabulate

from vqr_metrics.config import load_config
from vqr_metrics.pipeline import prepare
from vqr_metrics.reading import read_input

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from national import GIB, YEARS, code_state, run_measured, vqr_config

BACKENDS = ("numpy", "duckdb")


def config_for(data: Path, output: Path, backend: str) -> str:
    text = vqr_config(data, output)
    return text.replace("[engine]\n", f'[engine]\nbackend = "{backend}"\n', 1)


def same_output(a: Path, b: Path) -> str:
    """Whether two CSV outputs agree, the summary's ``ran`` lines aside."""

    def lines(path: Path) -> list[bytes]:
        return [line for line in path.read_bytes().splitlines() if b'"summary",,,"ran' not in line]

    left, right = lines(a), lines(b)
    if left == right:
        return f"identical ({len(left):,} lines)"
    differ = sum(x != y for x, y in zip(left, right, strict=False)) + abs(len(left) - len(right))
    return f"DIFFER in {differ:,} of {max(len(left), len(right)):,} lines"


def read_seconds(config: Path) -> list[list[str]]:
    """The config's input read alone under each backend: what read it, seconds, figures."""
    loaded = load_config(config)
    catalog = prepare(loaded)
    rows = []
    for backend in BACKENDS:
        start = time.perf_counter()
        out = read_input(attrs.evolve(loaded.inputs[0], scan=backend), catalog)
        seconds = time.perf_counter() - start
        rows.append([backend, out.scan or "pyarrow", f"{seconds:.2f}", f"{out.figures.num_rows:,}"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--rss-limit-gib", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vqr-backends-"))
    try:
        data = work / "national.csv"
        rows = generate(data, args.schools, YEARS)
        print(f"{rows:,} entity-years; code {code_state()}")
        table, outputs = [], {}
        for backend in BACKENDS:
            output = work / f"{backend}.csv"
            config = work / f"{backend}.toml"
            config.write_text(config_for(data, output, backend), encoding="utf-8")
            vqr = shutil.which("vqr-score") or "vqr-score"
            limit = int(args.rss_limit_gib * GIB)
            proc = run_measured([vqr, str(config), "-q"], cwd=work, rss_limit=limit, timeout=args.timeout)
            outputs[backend] = output
            table.append([backend, proc.status(), f"{proc.seconds:.1f}", f"{proc.peak_rss / 2**20:,.0f}"])
        base = float(table[0][2])
        for row in table:
            row.append(f"{float(row[2]) / base:.2f}×")
        print(tabulate(table, headers=["backend", "status", "seconds", "peak MiB", "÷ numpy"]))
        print("outputs:", same_output(outputs["numpy"], outputs["duckdb"]))
        reads = read_seconds(work / "numpy.toml")
        print(tabulate(reads, headers=["input read under", "parsed by", "seconds", "figures"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
