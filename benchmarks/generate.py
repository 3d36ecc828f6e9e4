"""A seeded generator of a national data set: schools × years in vqr's wide CSV layout.

    python benchmarks/generate.py --schools 10000 --years 10 --seed 0 -o /tmp/national.csv

Writes UTF-8 with a BOM, header ``entity,year,层次,<the 36 indicators of
national_spec.INDICATORS as printed>``, one row per school and year (schools in
order, years ascending).  The figures hang together as reports print them: the
parts of a partition add up to their total, subsets never exceed their whole,
teachers, staff, graduates and courses follow the students, percentages lie in
0–100, counts are whole, and each school drifts a few per cent a year.  About
``--garbage`` (default 1 %) of the figure cells are spoiled the way real tables
are: blank, ``—``, a trailing ``?`` (``96?``), or a count printed with
thousands separators (``"1,234"``, which vqr still reads as a number).

The output depends only on ``--schools``, ``--years``, ``--end-year``,
``--garbage`` and ``--seed``.  It is vectorised: numpy draws the figures a block
of schools at a time, pyarrow formats the cells and joins the lines, so a
million entity-years take seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_spec import INDICATORS, LEVEL_COLUMN

Grid = npt.NDArray[np.float64]  # schools × years
ROWS_PER_BLOCK = 250_000
PROVINCES = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)


def school_names(start: int, stop: int, gaozhi: npt.NDArray[np.bool_]) -> list[str]:
    return [
        f"{PROVINCES[i % len(PROVINCES)]}{'职业技术学院' if g else '中等职业学校'}{i + 1:06d}"
        for i, g in zip(range(start, stop), gaozhi.tolist(), strict=True)
    ]


def figures(
    rng: np.random.Generator, schools: int, years: int
) -> tuple[npt.NDArray[np.bool_], dict[str, Grid]]:
    """Whether each school is 高职, and every indicator as a schools × years grid."""
    shape = (schools, years)

    def uniform(low: float, high: float) -> Grid:
        """A per-school constant, broadcast over the years."""
        return rng.uniform(low, high, (schools, 1))

    def drift(sd: float) -> Grid:
        """Year-to-year noise around 1."""
        noise: Grid = np.exp(rng.normal(0.0, sd, shape))
        return noise

    def whole(x: Grid, low: float = 0.0) -> Grid:
        return np.maximum(np.round(x), low)

    gaozhi = rng.random(schools) < 0.42
    gz = gaozhi[:, None]
    t = np.arange(years)[None, :]
    base = np.where(
        gaozhi, rng.lognormal(np.log(9000), 0.5, schools), rng.lognormal(np.log(2500), 0.6, schools)
    )
    growth = rng.normal(0.02, 0.03, (schools, 1))
    students = whole(np.maximum(base, 200)[:, None] * np.exp(growth * t) * drift(0.03), 100)

    ratio = np.clip(rng.normal(17.0, 2.5, (schools, 1)), 9.0, 30.0) * drift(0.03)
    teachers = whole(students / ratio, 5)
    staff = np.maximum(whole(teachers / np.minimum(uniform(0.6, 0.85) * drift(0.02), 0.95)), teachers)
    quota = whole(staff * uniform(0.9, 1.25))
    ideology = np.minimum(whole(students / uniform(250, 420) * drift(0.05), 1), staff)
    counselors = np.minimum(whole(students / uniform(150, 260) * drift(0.05), 1), staff)
    fitness = np.minimum(whole(students * np.minimum(uniform(0.88, 1.0) * drift(0.01), 1.0)), students)

    graduates = whole(students * uniform(0.28, 0.36) * drift(0.04), 10)
    placed = whole(graduates * np.clip(uniform(0.86, 0.99) + rng.normal(0, 0.01, shape), 0.5, 1.0))
    further_rate = np.where(gz, uniform(0.05, 0.35), uniform(0.4, 0.85)) * drift(0.05)
    further = np.minimum(whole(placed * further_rate), placed)
    bachelor = np.minimum(whole(further * np.where(gz, uniform(0.6, 1.0), uniform(0.05, 0.4))), further)
    employed = np.floor((placed - further) * uniform(0.85, 1.0))
    mix = rng.dirichlet([1.0, 4.0, 6.0], schools)[:, None, :] * np.exp(rng.normal(0, 0.05, (*shape, 3)))
    mix /= mix.sum(axis=2, keepdims=True)
    primary = np.floor(employed * mix[..., 0])
    secondary = np.floor(employed * mix[..., 1])
    tertiary = employed - primary - secondary  # the three industries partition the whole exactly

    def percent(centre: Grid, sd: float, low: float = 0.0) -> Grid:
        return np.round(np.clip(centre + rng.normal(0.0, sd, shape), low, 100.0), 2).astype(np.float64)

    def satisfaction() -> Grid:
        return percent(100.0 - rng.gamma(2.0, 2.5, (schools, 1)), 0.5, 60.0)

    svc_employed = whole(employed * uniform(0.95, 1.0))
    patents = whole(teachers * rng.lognormal(np.log(0.04), 0.8, (schools, 1)) * drift(0.15))
    courses = whole(students * uniform(0.04, 0.12) * drift(0.03), 20)
    abroad = rng.random((schools, 1)) < np.where(gz, 0.45, 0.15)
    sino = rng.random((schools, 1)) < np.where(gz, 0.3, 0.1)
    values = {
        "full_time_students": students,
        "full_time_teachers": teachers,
        "pol_staff": staff,
        "pol_staff_quota": quota,
        "pol_ideology_teachers": ideology,
        "pol_counselors": counselors,
        "pol_fitness_tested": fitness,
        "sc_graduates": graduates,
        "sc_placed": placed,
        "sc_further_study": further,
        "sc_bachelor": bachelor,
        "sc_employed": employed,
        "sc_primary": primary,
        "sc_secondary": secondary,
        "sc_tertiary": tertiary,
        "sc_local_placement_rate": percent(uniform(50, 95), 2.0),
        "sat_students": satisfaction(),
        "sat_graduates": satisfaction(),
        "sat_staff": satisfaction(),
        "sat_employers": satisfaction(),
        "sat_parents": satisfaction(),
        "sat_students_respondents": whole(students * uniform(0.3, 0.95)),
        "sat_graduates_respondents": whole(graduates * uniform(0.3, 0.9)),
        "sat_staff_respondents": whole(staff * uniform(0.5, 0.98)),
        "sat_employers_respondents": whole(uniform(20, 600) * drift(0.1), 5),
        "sat_parents_respondents": whole(students * uniform(0.1, 0.6)),
        "svc_employed": svc_employed,
        "svc_local": whole(svc_employed * np.clip(uniform(0.35, 0.9) + rng.normal(0, 0.02, shape), 0, 1)),
        "svc_horizontal_income": np.round(
            teachers * rng.lognormal(np.log(0.3), 1.0, (schools, 1)) * drift(0.15), 2
        ),
        "svc_patents": patents,
        "svc_invention_patents": np.floor(patents * uniform(0.05, 0.4) + 0.5),
        "res_courses": courses,
        "res_cert_courses": np.minimum(whole(courses * uniform(0.1, 0.5) * drift(0.05)), courses),
        "res_online_courses": np.minimum(whole(courses * uniform(0.2, 0.8) * drift(0.05)), courses),
        "intl_students": whole(students * uniform(0.0005, 0.01) * drift(0.1)) * abroad,
        "intl_sino_foreign_students": whole(students * uniform(0.01, 0.08) * drift(0.05)) * sino,
    }
    return gaozhi, values


def format_column(values: npt.NDArray[np.float64], decimals: int) -> pa.Array:
    """Figures as printed: whole numbers, or exactly ``decimals`` places."""
    if decimals == 0:
        return pc.cast(pa.array(values.astype(np.int64)), pa.string())
    scaled = np.round(values * 10**decimals).astype(np.int64)
    units = pc.cast(pa.array(scaled // 10**decimals), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(scaled % 10**decimals), pa.string()), decimals, "0")
    return pc.binary_join_element_wise(units, fraction, ".")


def spoil(
    rng: np.random.Generator, cells: pa.Array, values: npt.NDArray[np.float64], decimals: int, rate: float
) -> pa.Array:
    """Replace about ``rate`` of the cells with blanks, dashes, ``96?`` or ``"1,234"``."""
    hit = np.flatnonzero(rng.random(len(values)) < rate)
    if hit.size == 0:
        return cells
    kind = rng.choice(4, hit.size, p=[0.3, 0.3, 0.25, 0.15])
    thousands = (kind == 3) & (decimals == 0) & (values[hit] >= 1000)
    kind = np.where((kind == 3) & ~thousands, 2, kind)
    printed = cells.take(pa.array(hit))
    replaced = np.empty(hit.size, dtype=object)
    replaced[kind == 0] = ""
    replaced[kind == 1] = "—"
    replaced[kind == 2] = pc.binary_join_element_wise(printed, "?", "").to_numpy(zero_copy_only=False)[
        kind == 2
    ]
    replaced[kind == 3] = [f'"{int(v):,}"' for v in values[hit][kind == 3].tolist()]
    mask = np.zeros(len(values), dtype=bool)
    mask[hit] = True
    return pc.replace_with_mask(cells, pa.array(mask), pa.array(replaced, pa.string()))


def write_lines(out: BinaryIO, columns: list[pa.Array]) -> None:
    """Join the cells of each row with commas and write the lines in one go."""
    last = pc.binary_join_element_wise(columns[-1], "", "\n")
    lines = pc.binary_join_element_wise(*columns[:-1], last, ",")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    assert data is not None and lines.null_count == 0
    out.write(memoryview(data)[int(offsets[0]) : int(offsets[-1])])


def generate(
    path: Path,
    schools: int,
    years: int,
    seed: int = 0,
    end_year: int = 2024,
    garbage: float = 0.01,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the data set to ``path``; returns the number of entity-years."""
    per_block = max(1, ROWS_PER_BLOCK // years)
    year_cells = pa.array(np.tile(np.arange(end_year - years + 1, end_year + 1), per_block)).cast(pa.string())
    header = ["entity", "year", LEVEL_COLUMN, *(name for _, name, _ in INDICATORS)]
    with open(path, "wb") as out:
        out.write(("\ufeff" + ",".join(header) + "\n").encode("utf-8"))
        for block, start in enumerate(range(0, schools, per_block)):
            stop = min(schools, start + per_block)
            n = stop - start
            rng = np.random.default_rng([seed, block])
            gaozhi, values = figures(rng, n, years)
            repeat = pa.array(np.repeat(np.arange(n), years))
            names = pa.array(school_names(start, stop, gaozhi)).take(repeat)
            levels = pa.array(np.where(gaozhi, "高职", "中职")).take(repeat)
            columns = [names, year_cells.slice(0, n * years), levels]
            for key, _, decimals in INDICATORS:
                flat = values[key].reshape(-1)
                columns.append(spoil(rng, format_column(flat, decimals), flat, decimals, garbage))
            write_lines(out, columns)
            if progress is not None:
                progress(stop * years)
    return schools * years


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end-year", type=int, default=2024)
    parser.add_argument("--garbage", type=float, default=0.01, help="share of spoiled cells (default 0.01)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.schools < 1 or args.years < 1 or not 0 <= args.garbage <= 1:
        parser.error("--schools and --years must be positive, --garbage in [0, 1]")
    start = time.perf_counter()
    rows = generate(args.output, args.schools, args.years, args.seed, args.end_year, args.garbage)
    size = args.output.stat().st_size / 2**20
    seconds = time.perf_counter() - start
    print(
        f"wrote {args.output}: {rows:,} entity-years × {len(INDICATORS)} indicators, "
        f"{size:.1f} MiB, {seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
