"""The national benchmark: vqr-score against hand-written pandas and polars on generated national data.

    python benchmarks/national.py --quick          # 10k and 100k entity-years
    python benchmarks/national.py                  # 10k, 100k and 1M
    python benchmarks/national.py --sizes 10000 --skip-baselines

One run measures, on the same data (``generate.py``: schools × 10 years × 36
indicators of the six appendix tables, about 1 % spoiled cells):

1. end to end, each in its own process: ``vqr-score`` on a config written to a
   temporary folder (wide CSV in → every metric, ``year_over_year = true``, all
   checks, a three-indicator min-max scorecard → long CSV out) against
   ``baseline_pandas.py`` and ``baseline_polars.py`` doing the same job: seconds,
   values written (vqr: its ``value`` records plus the scores it gives), time
   per value written, and vqr ÷ baseline per value written;
2. the engine alone (``vqr_metrics.formula.parse``/``evaluate``, in this
   process) against the same arithmetic written directly in numpy: the
   expression of ``benchmarks/run.py`` and the 21 national metrics with a
   year-over-year change of every indicator and metric;
3. cold start: ``vqr-score --version`` and ``--help`` against ``python -c pass``
   (median of several runs);
4. peak RSS of every process (``ru_maxrss`` of ``os.wait4`` in a small wrapper); one whose
   RSS passes ``--rss-limit-gib`` (8) is killed, and so is one running past
   ``--timeout``;
5. scaling: time ratio per 10× entity-years.

vqr runs at a size only if the size before it finished under 2 GiB (so 1M is
tried only when 100k fits), and no two heavy processes ever run at once.  The
targets are printed as met or missed; a miss fails the run only with ``--strict``.
At the smallest size the values vqr wrote are compared with pandas' (which keys
and how many values each side wrote, and the largest relative difference).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from national_spec import (
    KEYS,
    METRIC_KEYS,
    SCORE_KEY,
    SCORECARD,
    SCORECARD_NAME,
    YOY_SUFFIX,
    derived,
)
from run import best_of

HERE = Path(__file__).resolve().parent
GIB = 2**30
YEARS = 10
TRY_NEXT_SIZE_BELOW = 2 * GIB  # a size is tried only when the one before peaked below this
EXPR = "max(a, b) / (a + b) * 100 - abs(a - b) / where(c > 0, c, 1)"  # as benchmarks/run.py


@attrs.define
class Proc:
    """One finished (or killed) subprocess."""

    command: list[str]
    seconds: float
    peak_rss: int  # bytes
    returncode: int | None
    killed: str = ""  # why the runner killed it
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.killed

    def status(self) -> str:
        if self.killed:
            return self.killed
        if self.returncode != 0:
            last = (self.stderr.strip().splitlines() or [""])[-1][:100]
            return f"exit {self.returncode}: {last}"
        return "ok"


# Runs the target and writes "<seconds> <ru_maxrss KiB>" to the file argv[1].  The peak must come
# from a small process: Linux starts a child's ru_maxrss at the RSS of the process it was spawned
# from, so a target spawned straight from this runner (which holds data) would inherit its peak.
WRAPPER = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as fh:
    fh.write(f"{seconds} {usage.ru_maxrss}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    rss_limit: int = 8 * GIB,
    timeout: float = 3600.0,
    poll: float = 0.1,
) -> Proc:
    """Run ``command`` alone under ``WRAPPER``, which times it and reports its peak RSS.
    The runner polls the RSS of the process tree and kills the whole group (which it started
    for this run) when it passes ``rss_limit`` or runs past ``timeout``."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r", suffix=".rusage") as report,
    ):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, report.name, *command],
            cwd=cwd,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        killed = ""
        while proc.poll() is None:
            elapsed = time.perf_counter() - start
            rss = _tree_rss(proc.pid)
            if not killed and rss > rss_limit:
                killed = f"killed at {rss / GIB:.1f} GiB RSS (limit {rss_limit / GIB:g} GiB)"
            elif not killed and elapsed > timeout:
                killed = f"killed after {elapsed:.0f} s (timeout)"
            if killed:
                _kill_group(proc.pid)
            time.sleep(0.01 if elapsed < 1 else poll)
        wall = time.perf_counter() - start
        measured = report.read().split()
        seconds, peak = (float(measured[0]), int(measured[1]) * 1024) if measured else (wall, rss)
        out.seek(0)
        err.seek(0)
        return Proc(list(command), seconds, peak, proc.returncode, killed, out.read(), err.read())


def _tree_rss(pid: int) -> int:
    """The resident set of ``pid`` and its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss(current)
        try:
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as fh:
                todo += [int(child) for child in fh.read().split()]
        except (OSError, ValueError):
            pass
    return total


def _rss(pid: int) -> int:
    """The resident set of ``pid`` in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # the group this runner started for the process


# --- the jobs ----------------------------------------------------------------------------------


def vqr_config(data: Path, output: Path) -> str:
    indicators = "\n".join(
        f'  [[scorecards.indicators]]\n  metric = "{name}"\n' + ("" if higher else '  direction = "lower"\n')
        for _, name, higher in SCORECARD
    )
    return f"""# written by benchmarks/national.py
[[inputs]]
path = {json.dumps(str(data))}

[output]
format = "csv"
path = {json.dumps(str(output))}

[plugins]
entry_points = false

[engine]
year_over_year = true

[[scorecards]]
name = "{SCORECARD_NAME}"
normalize = "minmax"
aggregate = "arithmetic"
weights = "equal"
missing = "reweight"

{indicators}"""


def vqr_counts(path: Path) -> dict[str, int]:
    """Rows of the vqr CSV by record type, plus ``scores`` (score rows with a value) and
    the summary's finding counts; read lazily, so a big output is never held."""
    import polars as pl

    lazy = pl.scan_csv(path, infer_schema=False)
    first = lazy.collect_schema().names()[0]
    if first != "record":
        lazy = lazy.rename({first: "record"})
    by_record = lazy.group_by("record").agg(
        pl.len().alias("rows"),
        (pl.col("value").is_not_null() & (pl.col("value") != "")).sum().alias("valued"),
    )
    counts: dict[str, int] = {}
    for row in by_record.collect().iter_rows(named=True):
        counts[row["record"]] = int(row["rows"])
        if row["record"] == "score":
            counts["scores"] = int(row["valued"])
    summary = lazy.filter(pl.col("record") == "summary").select("key", "value").collect()
    for key, value in summary.iter_rows():
        if key.startswith("findings_"):
            counts[key] = int(value)
    return counts


@attrs.define
class Job:
    """One tool's run at one size."""

    tool: str
    rows: int
    proc: Proc | None = None
    values: int | None = None
    note: str = ""
    extra: dict[str, int] = attrs.field(factory=dict)

    @property
    def seconds(self) -> float | None:
        return self.proc.seconds if self.proc and self.proc.ok else None

    @property
    def per_value(self) -> float | None:
        s = self.seconds
        return s / self.values if s is not None and self.values else None


def run_vqr(command: list[str], data: Path, work: Path, rows: int, args: argparse.Namespace) -> Job:
    output = work / f"vqr_{rows}.csv"
    config = work / f"vqr_{rows}.toml"
    config.write_text(vqr_config(data, output), encoding="utf-8")
    job = Job("vqr-score", rows)
    for attempt in range(args.retries + 1):
        if attempt:  # the CLI crashed (not killed): it may be mid-rewrite; wait and try again
            print(f"  vqr-score: {job.proc.status() if job.proc else ''}; retrying in {args.retry_wait:g} s")
            time.sleep(args.retry_wait)
        proc = run_measured([*command, str(config)], cwd=work, rss_limit=args.rss_limit, timeout=args.timeout)
        job.proc = proc
        if proc.ok or proc.killed:
            break
    if job.proc and job.proc.ok and output.exists():
        counts = vqr_counts(output)
        job.values = counts.get("value", 0) + counts.get("scores", 0)
        job.extra = counts
    return job


def run_baseline(tool: str, script: str, data: Path, work: Path, rows: int, args: argparse.Namespace) -> Job:
    output = work / f"{tool}_{rows}.csv"
    job = Job(tool, rows)
    job.proc = run_measured(
        [sys.executable, str(HERE / script), str(data), str(output)],
        rss_limit=args.rss_limit,
        timeout=args.timeout,
    )
    if job.proc.ok:
        job.values = int(json.loads(job.proc.stdout.strip().splitlines()[-1])["values"])
    return job


def compare_outputs(vqr_csv: Path, baseline_csv: Path) -> list[str]:
    """How the values vqr wrote differ from the baseline's: keys, counts, largest difference."""
    import polars as pl

    lazy = pl.scan_csv(vqr_csv, infer_schema=False)
    first = lazy.collect_schema().names()[0]
    lazy = lazy.rename({first: "record"}) if first != "record" else lazy
    mine = (
        lazy.filter(pl.col("record").is_in(["value", "score"]) & (pl.col("value") != ""))
        .select(
            "entity",
            pl.col("year").cast(pl.Int64),
            pl.when(pl.col("record") == "score")
            .then(pl.lit(SCORE_KEY))
            .otherwise(pl.col("key"))
            .alias("key"),
            pl.col("value").cast(pl.Float64),
        )
        .collect()
    )
    theirs = pl.read_csv(baseline_csv, schema_overrides={"value": pl.Float64, "year": pl.Int64})
    joined = mine.join(theirs, on=["entity", "year", "key"], how="full", coalesce=True, suffix="_base")
    per_key = (
        joined.group_by("key")
        .agg(
            pl.col("value").is_not_null().sum().alias("vqr"),
            pl.col("value_base").is_not_null().sum().alias("baseline"),
            ((pl.col("value") - pl.col("value_base")).abs() / pl.col("value_base").abs().clip(1e-12))
            .max()
            .alias("max_rel_diff"),
        )
        .sort("key")
    )
    lines = [f"vqr wrote {mine.height:,} values, the baseline {theirs.height:,}"]
    differ = per_key.filter(pl.col("vqr") != pl.col("baseline"))
    for row in differ.head(12).iter_rows(named=True):
        lines.append(f"  {row['key']}: vqr {row['vqr']:,}, baseline {row['baseline']:,}")
    if differ.height > 12:
        lines.append(f"  … and {differ.height - 12} more keys")
    worst = per_key.filter(pl.col("max_rel_diff").is_not_null()).sort("max_rel_diff", descending=True)
    if worst.height:
        key, diff = worst["key"][0], worst["max_rel_diff"][0]
        lines.append(f"  largest relative difference where both wrote a value: {diff:.3g} ({key})")
    return lines


# --- engine alone ------------------------------------------------------------------------------


def engine_alone(rows: int, repeat: int) -> list[list[str]]:
    """The formula engine against numpy: one expression, then the national metrics and changes."""
    from vqr_metrics import formula
    from vqr_metrics.pluginmanager import DEFAULT_PLUGINS, build_catalog, make_plugin_manager

    rng = np.random.default_rng(0)
    abc = {k: rng.uniform(0, 100, rows) for k in "abc"}
    parsed = formula.parse(EXPR)

    def numpy_expr() -> None:
        a, b, c = abc["a"], abc["b"], abc["c"]
        with np.errstate(all="ignore"):
            np.maximum(a, b) / (a + b) * 100 - np.abs(a - b) / np.where(c > 0, c, 1)

    out: list[tuple[str, float, float]] = []
    t_engine = best_of(lambda: formula.evaluate(parsed, abc.__getitem__, rows), repeat)
    t_numpy = best_of(numpy_expr, repeat)
    out.append((f"run.py expression, {rows:,} rows", t_engine, t_numpy))

    catalog = build_catalog(
        make_plugin_manager(DEFAULT_PLUGINS, entry_points=False),
    )
    schools = rows // YEARS
    cols: dict[str, npt.NDArray[np.float64]] = {
        k: np.where(rng.random(rows) < 0.01, np.nan, rng.integers(0, 1000, rows).astype(np.float64))
        for k in KEYS
    }
    prev = np.arange(rows, dtype=np.intp) - 1
    prev[::YEARS] = -1  # rows are school-major, years ascending
    assert prev.size == schools * YEARS
    keys = [*METRIC_KEYS, *(k + YOY_SUFFIX for k in (*KEYS, *METRIC_KEYS))]

    def engine_national() -> None:
        columns = dict(cols)
        for key in keys:
            deps = catalog.dependencies[key]

            def column(name: str, deps: dict[str, str] = deps) -> npt.NDArray[np.float64]:
                return columns[deps[name]]

            columns[key] = formula.evaluate(catalog.formulas[key], column, rows, prev).values

    def div(a: Any, b: Any) -> Any:
        with np.errstate(all="ignore"):
            return np.where(b == 0, np.nan, a / np.where(b == 0, 1.0, b))

    def numpy_national() -> None:
        columns = dict(cols)
        columns.update(derived(columns.__getitem__, div))
        has = prev >= 0
        for key in (*KEYS, *METRIC_KEYS):
            x = columns[key]
            p = np.where(has, x[np.where(has, prev, 0)], np.nan)
            columns[key + YOY_SUFFIX] = div(x - p, p) * 100

    t_engine = best_of(engine_national, max(1, repeat // 2))
    t_numpy = best_of(numpy_national, max(1, repeat // 2))
    out.append((f"{len(keys)} national metrics and changes, {rows:,} rows", t_engine, t_numpy))
    return [[name, f"{a:.3f}", f"{b:.3f}", f"{a / b:.2f}"] for name, a, b in out]


# --- cold start -------------------------------------------------------------------------------


def cold_start(command: list[str], runs: int) -> tuple[list[list[str]], float | None]:
    """Median wall time of each command; returns the table and vqr ÷ bare interpreter."""
    targets = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "vqr-score --version": [*command, "--version"],
        "vqr-score --help": [*command, "--help"],
    }
    medians: dict[str, float] = {}
    peaks: dict[str, int] = {}
    codes: dict[str, list[int | None]] = {}
    for name, cmd in targets.items():
        procs = [run_measured(cmd, timeout=120) for _ in range(runs)]
        medians[name] = statistics.median(p.seconds for p in procs)
        peaks[name] = max(p.peak_rss for p in procs)
        codes[name] = sorted({p.returncode for p in procs}, key=str)
    bare = medians["python -c pass"]
    # without a --version option (argparse exits 2) --help is the cold start measured
    start = (
        medians["vqr-score --version"] if codes["vqr-score --version"] == [0] else medians["vqr-score --help"]
    )
    rows = [
        [
            name,
            f"{medians[name] * 1000:.0f}",
            f"{peaks[name] / 2**20:.0f}",
            ",".join(map(str, codes[name])),
            f"{medians[name] / bare:.1f}×",
        ]
        for name in targets
    ]
    return rows, start / bare


def code_state() -> str:
    """The commit of the checkout and, when vqr_metrics/ or plugins/ differ from it, a hash
    of the difference: which code the vqr-score figures were measured on."""
    root = HERE.parent

    def git(*cmd: str) -> bytes:
        try:
            return subprocess.run(["git", "-C", str(root), *cmd], capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return b""

    commit = git("log", "-1", "--format=%h").decode().strip() or "unknown"
    diff = git("diff", "HEAD", "--", "vqr_metrics", "plugins")
    return f"{commit} + uncommitted {hashlib.sha256(diff).hexdigest()[:12]}" if diff else commit


# --- the report -------------------------------------------------------------------------------


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="entity-years, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10k and 100k only")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vqr-command", default="", help="how to start vqr-score (default: vqr-score)")
    parser.add_argument("--rss-limit-gib", type=float, default=8.0, help="kill a process past this RSS")
    parser.add_argument("--timeout", type=float, default=3600.0, help="kill a process after these seconds")
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--engine-rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="keep data and outputs here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument("--retries", type=int, default=0, help="rerun a vqr-score that crashed this often")
    parser.add_argument("--retry-wait", type=float, default=180.0, help="seconds before a retry")
    args = parser.parse_args(argv)
    args.rss_limit = int(args.rss_limit_gib * GIB)
    sizes = [10_000, 100_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if args.vqr_command:
        command = shlex.split(args.vqr_command)
    elif shutil.which("vqr-score"):
        command = ["vqr-score"]
    else:
        command = [sys.executable, "-m", "vqr_metrics.cli"]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="vqr-national-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"sizes": sizes, "command": command, "code": code_state(), "jobs": []}
    report["load_average_start"] = os.getloadavg()[0]
    print(f"vqr: {' '.join(command)}; code {report['code']}; data and outputs in {work}")
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} (other work on the machine skews the times)")

    cold_rows, cold_ratio = cold_start(command, args.cold_runs)
    jobs: list[Job] = []
    vqr_skip = ""
    for rows in sizes:
        data = work / f"national_{rows}.csv"
        start = time.perf_counter()
        generate(data, max(1, rows // YEARS), YEARS, args.seed)
        print(f"generated {rows:,} entity-years in {time.perf_counter() - start:.1f} s", flush=True)
        if vqr_skip:
            jobs.append(Job("vqr-score", rows, note=vqr_skip))
        else:
            job = run_vqr(command, data, work, rows, args)
            jobs.append(job)
            assert job.proc is not None
            print(f"  vqr-score: {job.proc.status()}, {job.proc.seconds:.1f} s", flush=True)
            if not job.proc.ok:
                vqr_skip = f"skipped: {rows:,} {job.proc.status()}"
            elif job.proc.peak_rss >= TRY_NEXT_SIZE_BELOW:
                vqr_skip = f"skipped: {rows:,} peaked at {job.proc.peak_rss / GIB:.1f} GiB"
        if not args.skip_baselines:
            for tool, script in (("pandas", "baseline_pandas.py"), ("polars", "baseline_polars.py")):
                job = run_baseline(tool, script, data, work, rows, args)
                jobs.append(job)
                assert job.proc is not None
                print(f"  {tool}: {job.proc.status()}, {job.proc.seconds:.1f} s", flush=True)
        vqr_out, pandas_out = work / f"vqr_{rows}.csv", work / f"pandas_{rows}.csv"
        if "comparison" not in report and vqr_out.exists() and pandas_out.exists():
            report["comparison"] = compare_outputs(vqr_out, pandas_out)
            report["compared_at"] = rows
        data.unlink(missing_ok=True)
        for tool in ("vqr", "pandas", "polars"):
            (work / f"{tool}_{rows}.csv").unlink(missing_ok=True)

    def find(tool: str, rows: int) -> Job | None:
        return next((j for j in jobs if j.tool == tool and j.rows == rows), None)

    table = []
    for job in jobs:
        base = {t: find(t, job.rows) for t in ("pandas", "polars")}
        ratios = []
        for t in ("pandas", "polars"):
            other = base[t]
            if job.tool == "vqr-score" and job.per_value and other and other.per_value:
                ratios.append(f"{job.per_value / other.per_value:.2f}")
            else:
                ratios.append("")
        proc = job.proc
        table.append(
            [
                f"{job.rows:,}",
                job.tool,
                fmt_s(job.seconds),
                f"{job.values:,}" if job.values else "—",
                f"{job.per_value * 1e6:.2f}" if job.per_value else "—",
                *ratios,
                f"{proc.peak_rss / 2**20:,.0f}" if proc else "—",
                proc.status() if proc else job.note,
            ]
        )
        report["jobs"].append(
            {
                "tool": job.tool,
                "rows": job.rows,
                "seconds": job.seconds,
                "values": job.values,
                "peak_rss_mib": proc.peak_rss / 2**20 if proc else None,
                "status": proc.status() if proc else job.note,
                "vqr_records": job.extra,
            }
        )
    headers = [
        "entity-years",
        "tool",
        "s",
        "values written",
        "µs/value",
        "÷ pandas",
        "÷ polars",
        "peak MiB",
        "",
    ]
    print("\n1. end to end (each in its own process)\n")
    print(tabulate(table, headers=headers, disable_numparse=True))
    for job in jobs:
        if job.tool == "vqr-score" and job.extra:
            records = ", ".join(f"{k} {v:,}" for k, v in sorted(job.extra.items()))
            print(f"   vqr {job.rows:,}: {records}")
    if "comparison" in report:
        print(f"\n   values vqr wrote vs pandas at {report['compared_at']:,} entity-years:")
        print("\n".join(f"   {line}" for line in report["comparison"]))

    print("\n2. engine alone (in this process, best of 5)\n")
    try:
        engine_rows = engine_alone(args.engine_rows, 5)
        print(tabulate(engine_rows, headers=["evaluation", "engine s", "numpy s", "engine ÷ numpy"]))
        report["engine"] = engine_rows
    except Exception as exc:  # the engine's API is being rewritten: say so, measure the rest
        print(f"   not measured: {type(exc).__name__}: {exc}")
        report["engine"] = f"not measured: {exc}"

    print(f"\n3. cold start (median of {args.cold_runs})\n")
    print(tabulate(cold_rows, headers=["command", "ms", "peak MiB", "exit", "÷ bare"], disable_numparse=True))
    report["cold_start"] = cold_rows

    print("\n5. scaling (time ratio per 10× entity-years)\n")
    scaling = []
    for tool in ("vqr-score", "pandas", "polars"):
        for small, big in itertools.pairwise(sizes):
            a, b = find(tool, small), find(tool, big)
            if a and b and a.seconds and b.seconds and big == 10 * small:
                scaling.append([tool, f"{small:,} → {big:,}", f"{b.seconds / a.seconds:.1f}×"])
    print(tabulate(scaling, headers=["tool", "entity-years", "time ratio"], disable_numparse=True) or "   —")
    report["scaling"] = scaling

    report["load_average_end"] = os.getloadavg()[0]
    print(f"\nload average at the end {report['load_average_end']:.2f}")
    if code_state() != report["code"]:
        print(f"\nnote: vqr_metrics/ or plugins/ changed during the run (now {code_state()})")
    targets = check_targets(jobs, find, cold_ratio, sizes)
    print("\ntargets\n")
    print(tabulate(targets, headers=["target", "measured", ""], disable_numparse=True))
    report["targets"] = targets
    report["comparison"] = report.get("comparison", [])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    missed = [t for t in targets if t[2] == "MISSED"]
    return 1 if args.strict and missed else 0


def check_targets(
    jobs: list[Job], find: Callable[[str, int], Job | None], cold_ratio: float | None, sizes: list[int]
) -> list[list[str]]:
    out = []

    def add(name: str, measured: str, ok: bool | None) -> None:
        out.append([name, measured, "not measured" if ok is None else "ok" if ok else "MISSED"])

    vqr, pandas, polars = (find(t, 100_000) for t in ("vqr-score", "pandas", "polars"))
    for name, base, limit in (("pandas", pandas, 1.0), ("polars (aim)", polars, 2.0)):
        if vqr and vqr.per_value and base and base.per_value:
            ratio = vqr.per_value / base.per_value
            add(f"100k: per value written ≤ {limit:g}× {name}", f"{ratio:.2f}×", ratio <= limit)
        else:
            add(
                f"100k: per value written ≤ {limit:g}× {name}",
                vqr.proc.status() if vqr and vqr.proc else "—",
                None,
            )
    rss_name = "100k: peak RSS < 1 GiB"
    if vqr and vqr.proc and (vqr.proc.ok or vqr.proc.killed):
        # a run killed for its memory or time has missed the target; one that crashed says nothing
        add(
            rss_name,
            f"{vqr.proc.peak_rss / GIB:.2f} GiB, {vqr.proc.status()}",
            vqr.proc.ok and vqr.proc.peak_rss < GIB,
        )
    else:
        add(
            rss_name, vqr.proc.status() if vqr and vqr.proc else (vqr.note if vqr else "not in --sizes"), None
        )
    big = find("vqr-score", 1_000_000)
    if big and big.proc and (big.proc.ok or big.proc.killed):
        done = big.proc.ok and big.proc.peak_rss < 8 * GIB
        add("1M completes < 8 GiB", f"{big.proc.peak_rss / GIB:.2f} GiB, {big.proc.status()}", done)
    elif big and big.proc:
        add("1M completes < 8 GiB", big.proc.status(), None)
    else:
        add("1M completes < 8 GiB", big.note if big else "not in --sizes", None)
    for small, large in itertools.pairwise(sizes):
        a, b = find("vqr-score", small), find("vqr-score", large)
        name = f"{small:,} → {large:,}: time ≤ 12× per 10× rows"
        if large == 10 * small and a and b and a.seconds and b.seconds:
            add(name, f"{b.seconds / a.seconds:.1f}×", b.seconds / a.seconds <= 12)
        elif large == 10 * small:
            add(name, "—", None)
    if cold_ratio is not None:
        add("cold start ≤ 5× bare interpreter", f"{cold_ratio:.1f}×", cold_ratio <= 5)
    return out


if __name__ == "__main__":
    sys.exit(main())
