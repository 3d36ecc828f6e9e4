"""``vqr-score init [DIR]``: a starter ``DIR/vqr.toml`` for the report texts, CSV and XLSX files of a folder.

Each file is read once, as a run would read it, to learn its entity, level
and years; the config lists every option, commented where it keeps its
default, and runs as written (``vqr-score DIR/vqr.toml``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from ..config import LEVELS
from .parsing import PROG, Parser, UsageError, parser

if TYPE_CHECKING:
    from ..catalog import Catalog

NAME = "vqr.toml"
# What a department's folder holds as input; JSON and Parquet beside them are usually outputs.
SCANNED = (".txt", ".csv", ".tsv", ".xlsx", ".xlsm")
RULES = Path(__file__).resolve().parents[2] / "configs" / "rules"  # the shipped compliance rule sets
STARTER_SIZE = 4  # indicators of the starter scorecard


def init_parser() -> Parser:
    made = parser(
        f"{PROG} init",
        f"Write DIR/{NAME}: one [[inputs]] per report text, CSV or XLSX file in DIR with the entity, level "
        "and year read from it, the shipped compliance rules of each level, a starter scorecard and every "
        "option, commented.",
        f"  {PROG} init reports/ && {PROG} reports/{NAME}\n  {PROG} init --force    rewrite ./{NAME}\n",
    )
    made.add_argument("dir", nargs="?", default=".", help="the folder (default: the working folder)")
    made.add_argument("--force", action="store_true", help=f"overwrite an existing {NAME}")
    return made


@attrs.frozen
class Found:
    """What reading one file showed."""

    path: Path
    reader: str = ""
    entities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()  # "" for entities whose level the file does not say
    types: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    problem: str = ""


def main(command: str, args: list[str]) -> int:
    from .output import write_file
    from .score import Session

    ns = init_parser().parse_args(args)
    folder = Path(ns.dir)
    if not folder.is_dir():
        raise UsageError(f"init: {folder} is not a folder")
    target = folder / NAME
    if target.exists() and not ns.force:
        raise UsageError(f"init: {target} exists; --force overwrites it")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SCANNED)
    if not files:
        raise UsageError(f"init: no report text, CSV or XLSX file in {folder}")
    session = Session(ns, None)
    from .. import progress
    from ..api import prepare

    catalog = prepare(session.config, session.pm)
    with progress.shown(session.progress):
        found = [_read(path, catalog) for path in progress.steps(files, "files read", "file")]
    for item in found:
        if item.problem:
            session.note(f"init: {item.path.name} is listed commented out: {item.problem}")
    text = render(found, catalog, folder.resolve())
    write_file(target, lambda out: _write(out, text))
    usable = sum(1 for f in found if not f.problem)
    session.note(f"wrote {target} ({usable} of {len(found)} files read); run: {PROG} {target}")
    return 0


def _write(out: IO[bytes], text: str) -> None:
    out.write(text.encode("utf-8"))


def _read(path: Path, catalog: Catalog) -> Found:
    import pyarrow.compute as pc

    from ..api import read_input, reader_for
    from ..arrow import distinct
    from ..errors import VqrError
    from ..model import InputSpec

    spec = InputSpec(path=str(path))
    try:
        reader = reader_for(spec, catalog).id
        out = read_input(spec, catalog)
    except VqrError as exc:
        return Found(path, problem=str(exc))
    if not out.figures.num_rows:
        return Found(path, reader, problem="no figure read from it")
    entities = sorted(set(out.entities) | distinct(out.figures["entity"]))
    attributes = [out.entities.get(e, {}) for e in entities]
    return Found(
        path,
        reader,
        entities=tuple(entities),
        years=tuple(sorted(pc.unique(out.figures["year"]).to_pylist(), reverse=True)),
        levels=tuple(sorted({a.get("level", "") for a in attributes})),
        types=tuple(sorted({a["type"] for a in attributes if "type" in a})),
        keys=frozenset(catalog.canonical(k) for k in distinct(out.figures["key"])),
    )


def toml(value: Any) -> str:
    """A value as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _line(key: str, value: Any, note: str = "", active: bool = True) -> str:
    text = f"{'' if active else '# '}{key} = {toml(value)}"
    return f"{text:<34} # {note}" if note else text


def render(found: Iterable[Found], catalog: Catalog, folder: Path) -> str:
    found = list(found)
    readers = ", ".join(sorted(catalog.readers))
    writers = ", ".join(sorted(catalog.writers))
    out = [
        f"# Written by `{PROG} init` for the files in this folder. Run it: `{PROG} {NAME}`",
        f"# (`{PROG} check {NAME}` reads and checks only). A commented line shows an option with its",
        "# default or an example; paths are relative to this file.",
        "",
        '# extends = ["base.toml"]        # configs merged under this one (this file wins)',
    ]
    for item in found:
        out += ["", *_input(item, readers)]
    out += [
        "",
        "[output]",
        _line("format", "table", f"a writer: {writers}; by default from path's suffix", False),
        _line("path", "out/result.xlsx", "by default stdout", False),
        _line("sections", ["summary", "findings", "values", "metrics", "scores", "compliance"], "", False),
        _line("lang", "zh", "headings: zh | en", False),
        _line("layout", "long", "CSV: long | wide (entity-year rows × indicator columns)", False),
        "",
        "[plugins]",
        _line("files", ["indicators/2024.toml"], "declarative TOML or Python plugin files", False),
        _line("modules", ["my_package.plugin"], "importable plugin modules", False),
        _line("entry_points", True, "load installed third-party plugins", False),
        "",
        "[engine]",
        _line("year_over_year", True, "add <key>_yoy 同比增长率 for every indicator and metric", False),
        "",
        "[checks]",
        *_check_options(catalog),
        f"# checks: {', '.join(sorted(catalog.checks))}",
        _line("disable", ["yoy_jump"], "check ids to switch off", False),
    ]
    levels = sorted({level for item in found for level in item.levels if level})
    unknown: set[str] = set().union(*(i.keys for i in found if "" in i.levels))
    for level in LEVELS:  # one card a level: no ranking mixes 高职 and 中职
        keys: set[str] = set().union(*(i.keys for i in found if level in i.levels))
        if keys or unknown:
            out += ["", *_scorecard(catalog, level, keys or unknown, active=bool(keys))]
    out += ["", *_compliance(levels, folder)]
    return "\n".join(out) + "\n"


def _input(item: Found, readers: str) -> list[str]:
    lines = ["[[inputs]]" if not item.problem else f"# not read: {item.problem}"]
    lines.append(_line("path", item.path.name, "", not item.problem))
    if item.problem:
        return ["# " + line if not line.startswith("#") else line for line in lines]
    one = len(item.entities) == 1
    shown = ", ".join(item.entities[:5]) + (f" … ({len(item.entities)})" if len(item.entities) > 5 else "")
    lines.append(
        _line("entity", item.entities[0], "read from the file", True) if one else f"# entities: {shown}"
    )
    years = ", ".join(map(str, item.years))
    lines.append(_line("year", item.years[0], f"the file holds {years}; sets the year of 值 columns", False))
    if len(item.levels) == 1 and item.levels[0]:
        lines.append(_line("level", item.levels[0], "read from the file"))
    else:
        named = ", ".join(
            level or "entities without one" for level in item.levels if level or len(item.levels) > 1
        )
        say = f"the file holds {named}" if named else "the file does not say"
        lines.append(_line("level", "高职", f"高职 | 中职: {say}; the rules of its level judge it", False))
    if len(item.types) == 1:
        lines.append(_line("type", item.types[0], "read from the file"))
    else:
        lines.append(
            _line("type", "综合", "school type for compliance rules (综合/师范/民族/工科/农林 …)", False)
        )
    lines += [
        _line("format", item.reader, f"the reader: {readers}", False),
        _line("encoding", "gb18030", "by default UTF-8 (with or without BOM), else GBK/GB18030", False),
        _line("sheet", "Sheet1", "XLSX: read this sheet only", False),
    ]
    return lines


def _check_options(catalog: Catalog) -> list[str]:
    seen: dict[str, str] = {}
    for check in catalog.checks.values():
        for key, default in check.options.items():
            if key not in seen:
                about = f"{check.id}: {check.description}"
                seen[key] = _line(key, default, about if len(about) < 70 else about[:69] + "…", False)
    return list(seen.values())


def _scorecard(catalog: Catalog, level: str, present: set[str], active: bool) -> list[str]:
    """A starter card: equal weights over the first percentages (0–100) the
    plugins register that the level's files hold every input of; commented
    out for a level no file states (set ``level`` on their inputs first)."""
    picked = [m.name for key, m in catalog.metrics.items() if _starter(catalog, key, present)][:STARTER_SIZE]
    if not picked:
        return [f"# [[scorecards]] for {level}: no percentage metric has all its inputs in these files"]
    head = [
        "[[scorecards]]"
        if active
        else "# for the files whose level is not known: set their level, then uncomment",
        _line("name", f"质量指数（{level}）"),
        _line("level", level, "ranks only entities of this level"),
        _line("normalize", "ratio_to_best", ", ".join(sorted(catalog.normalizers))),
        _line("aggregate", "arithmetic", ", ".join(sorted(catalog.aggregators))),
        _line("weights", "equal", ", ".join(sorted(catalog.weightings))),
        _line("missing", "reweight", "reweight | fail | impute_mean | impute_p25"),
        _line("min_coverage", 0.5, "the share of weight an entity must report to be scored", False),
        _line("years", [2023], "only these years", False),
        _line("entities", ["…"], "only these entities", False),
        "# docs/scoring.md: dimensions, directions, sensitivity analysis",
    ]
    for metric in picked:
        head += ["", "  [[scorecards.indicators]]", f"  {_line('metric', metric)}"]
    if active:
        return head
    return [
        head[0],
        "# [[scorecards]]",
        *(line if line.startswith("#") else f"# {line}".rstrip() for line in head[1:]),
    ]


def _starter(catalog: Catalog, key: str, present: set[str]) -> bool:
    metric = catalog.metrics[key]
    if catalog.derived_from(key) is not None or metric.unit != "%":
        return False
    return metric.bounds == (0, 100) and _inputs_of(catalog, key) <= present


def _inputs_of(catalog: Catalog, key: str) -> set[str]:
    out: set[str] = set()
    for dep in catalog.dependencies.get(key, {}).values():
        out |= _inputs_of(catalog, dep) if dep in catalog.metrics else {catalog.canonical(dep)}
    return out


def _compliance(levels: list[str], folder: Path) -> list[str]:
    from ..config import read_toml

    if not RULES.is_dir():
        return [
            f'# [[compliance]] rules = "…"   # the shipped rule sets are not beside this install ({RULES})'
        ]
    lines = [
        "# The shipped compliance rule sets; those of a level no file states are commented out.",
        "# An input without a level is judged by every rule set: set its level above.",
    ]
    for path in sorted(RULES.glob("*.toml")):
        data = read_toml(path, "rule file")
        active = data.get("level") in levels or data.get("level") is None
        rel = os.path.relpath(path, folder)
        lines += [
            "",
            f"{'' if active else '# '}[[compliance]]",
            _line(
                "rules",
                Path(rel).as_posix(),
                f"{data.get('name', '')} ({data.get('level', 'all levels')})",
                active,
            ),
        ]
    return lines
