"""``vqr-score CONFIG`` (the main job: read, check, score, write) and ``vqr-score check CONFIG``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from . import COMMANDS
from .parsing import PROG, Parser, UsageError, parser

if TYPE_CHECKING:
    import pluggy

    from ..catalog import Catalog
    from ..config import Config
    from ..result import Result

PASSED = "合格"  # the verdict of a rule set's [[decision]] ladder when no rule failed
SEVERITY_ORDER = ("error", "warning", "info")

RUN_EXAMPLES = f"""\
  {PROG} configs/example.toml                      terminal tables
  {PROG} configs/example.toml -o out/result.xlsx   the output's suffix picks the writer
  {PROG} configs/example.toml -f json --strict     JSON on stdout; exit 1 on any error-level finding
  {PROG} check configs/example.toml                read and check only, findings errors first
  {PROG} init reports/                             write reports/vqr.toml for the files in reports/
  {PROG} indicators --format csv                   every indicator: key, name, unit, table, plugin

commands:
  CONFIG       the main job: read, check, score and write the result
  check        read and check only; exit 1 on an error-level finding
  init         write a starter config for the report texts, CSV and XLSX files of a folder
  indicators, metrics, tables, plugins
               list what the plugins register
  rules        list every finding rule: severity, meaning, what to do
  explain      show one finding rule (vqr-score explain source_conflict)
"""
CHECK_EXAMPLES = f"""\
  {PROG} check configs/example.toml
  {PROG} check configs/example.toml -q && echo clean
"""


def run_parser() -> Parser:
    made = parser(
        PROG,
        "Compute, check and score vocational-education quality report tables (职业教育质量年度报告).",
        RUN_EXAMPLES,
    )
    made.usage = f"{PROG} [options] CONFIG\n       {PROG} {{{','.join(COMMANDS)}}} [--help] ..."
    made.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    made.add_argument("config", help="the TOML config file")
    made.add_argument(
        "-f",
        "--format",
        help=f"output format: a writer's id (overrides [output] format; '{PROG} plugins' lists them)",
    )
    made.add_argument(
        "-o",
        "--output",
        help="output file, - for stdout (overrides [output] path); its suffix picks the writer",
    )
    made.add_argument("--sections", help="the parts to write, comma-separated ([output] sections)")
    made.add_argument("--lang", help="the language of headings: zh or en ([output] lang)")
    made.add_argument("--layout", help="long or wide CSV ([output] layout)")
    made.add_argument("--strict", action="store_true", help="exit 1 on any error-level finding")
    made.add_argument(
        "--fail-on",
        action="append",
        default=[],
        choices=("error", "warning", "compliance"),
        help="exit 1 on findings of this severity or worse, or (compliance) on any verdict other than "
        f"{PASSED}; may be given twice",
    )
    made.add_argument("--exit-zero", action="store_true", help="exit 0 even when --strict or --fail-on fails")
    return made


def check_parser() -> Parser:
    made = parser(
        f"{PROG} check",
        "Read the inputs and check them, without scoring: findings on stdout, errors first.",
        CHECK_EXAMPLES,
    )
    made.add_argument("config", help="the TOML config file")
    return made


def main(command: str, args: list[str]) -> int:
    if command == "check":
        return check(check_parser().parse_args(args))
    return score(run_parser().parse_args(args))


class Session:
    """One command's config, plugins and notes on stderr."""

    def __init__(self, ns: argparse.Namespace, config_path: str | None) -> None:
        import attrs

        from ..api import plugin_manager_for
        from ..config import Config, load_config

        self.ns = ns
        self.config: Config = load_config(config_path) if config_path else Config()
        if ns.no_entry_points:
            plugins = attrs.evolve(self.config.plugins, entry_points=False)
            self.config = attrs.evolve(self.config, plugins=plugins)
        self.pm: pluggy.PluginManager = plugin_manager_for(self.config)
        disabled = getattr(self.pm, "vqr_disabled", ())
        if disabled:
            from ..pluginmanager import DISABLE_VARIABLE

            self.note(f"plugins shut out by {DISABLE_VARIABLE}: {', '.join(disabled)}")

    def note(self, text: str, level: int = 0) -> None:
        """A note on stderr, unless --quiet (or less verbose than ``level``)."""
        if not self.ns.quiet and self.ns.verbose >= level:
            print(f"{PROG}: {text}", file=sys.stderr)

    @property
    def progress(self) -> bool:
        return not (self.ns.quiet or self.ns.no_progress) and sys.stderr.isatty()

    def run(self, config: Config) -> Result:
        from .. import progress
        from ..api import empty_inputs, run

        with progress.shown(self.progress):
            result = run(config, plugin_manager=self.pm)
        for message in empty_inputs(result):  # an input that yielded nothing is said even with --quiet
            print(f"{PROG}: warning: {message}", file=sys.stderr)
        s = result.summary
        counts = ", ".join(f"{s.findings.get(k, 0)} {k}" for k in SEVERITY_ORDER)
        self.note(
            f"read {len(s.inputs)} input{'s' if len(s.inputs) != 1 else ''}: {s.cells} cells, "
            f"{s.figures} figures; {s.values} values, {s.derived} derived; findings: {counts}",
            level=1,
        )
        return result


def score(ns: argparse.Namespace) -> int:
    import attrs

    from ..api import prepare, write
    from .output import print_text, refuse_overwriting_inputs, utf8_stdout, write_file, write_stdout

    session = Session(ns, ns.config)
    config = session.config
    to_stdout = ns.output == "-"
    output = None if to_stdout or ns.output is None else str(Path(ns.output).absolute())
    if output or config.output.path:
        refuse_overwriting_inputs(Path(output or str(config.output.path)), config, Path(ns.config))
    catalog = prepare(config, session.pm)  # every name in the config checked before any input is read
    fmt = ns.format or (_format_of_suffix(catalog, output) if output else None)
    config = config.with_output(
        fmt,
        output,
        sections=None if ns.sections is None else [p.strip() for p in ns.sections.split(",") if p.strip()],
        lang=ns.lang,
        layout=ns.layout,
    )
    if to_stdout:
        config = attrs.evolve(config, output=attrs.evolve(config.output, path=None))
    result = session.run(config)
    assert result.catalog is not None
    from ..api import output_format

    fmt = output_format(result.catalog, config)
    if config.output.path:
        path = Path(config.output.path)
        write_file(path, lambda out: write(result, fmt, out))
        session.note(f"wrote {path}")
    elif utf8_stdout() or result.catalog.writers[fmt].binary:
        write_stdout(lambda out: write(result, fmt, out))
    else:
        from ..api import render

        data = render(result, fmt)
        assert isinstance(data, str)
        print_text(data)
    return _exit_status(session, _failures(result, ns))


def _format_of_suffix(catalog: Catalog, output: str) -> str:
    """The writer an output path's suffix names; a suffix no writer knows is a usage error."""
    suffix = Path(output).suffix.lower()
    writers = catalog.writers.values()
    for writer in writers:
        if suffix and suffix in writer.suffixes:
            return str(writer.id)
    known = sorted({s for w in writers for s in w.suffixes})
    what = f"suffix {suffix!r}" if suffix else "files without a suffix"
    raise UsageError(
        f"--output {output}: no writer for {what}; known: {', '.join(known)} (or name one with --format)"
    )


def _failures(result: Result, ns: argparse.Namespace) -> list[str]:
    """Why --strict or --fail-on fail this run, one reason each."""
    counts = result.summary.findings
    reasons = []

    def findings(severities: tuple[str, ...], flag: str) -> None:
        found = [f"{counts[s]} {s}" for s in severities if counts.get(s)]
        if found:
            total = sum(counts.get(s, 0) for s in severities)
            reasons.append(f"{' and '.join(found)} finding{'s' if total > 1 else ''} ({flag})")

    if ns.strict:
        findings(("error",), "--strict")
        from ..api import empty_inputs

        empty = len(empty_inputs(result))  # an input that gave nothing fails a strict run too
        if empty:
            reasons.append(f"{empty} input{'s' if empty > 1 else ''} with no figure (--strict)")
    for level in dict.fromkeys(ns.fail_on):
        if level == "compliance":
            verdicts = [v for c in result.compliance for v in c.verdicts() if v.verdict != PASSED]
            if verdicts:
                plural = "s" if len(verdicts) > 1 else ""
                reasons.append(
                    f"{len(verdicts)} compliance verdict{plural} other than {PASSED} (--fail-on compliance)"
                )
        else:
            findings(("error",) if level == "error" else ("error", "warning"), f"--fail-on {level}")
    return reasons


def _exit_status(session: Session, reasons: list[str]) -> int:
    if not reasons:
        return 0
    if session.ns.exit_zero:
        session.note(f"{'; '.join(reasons)}; exit 0 (--exit-zero)")
        return 0
    print(f"{PROG}: {'; '.join(reasons)}", file=sys.stderr)
    return 1


def check(ns: argparse.Namespace) -> int:
    """Read and check: the findings on stdout, errors first; exit 1 on any error-level finding."""
    import attrs

    from ..api import prepare
    from ..scoring import prepare_scoring
    from .output import print_text

    session = Session(ns, ns.config)
    prepare_scoring(session.config, prepare(session.config, session.pm))  # scoring sections checked, not run
    result = session.run(attrs.evolve(session.config, scorecards=(), compliance=()))
    for chunk in _finding_lines(result):
        print_text(chunk)
    counts = result.summary.findings
    session.note(", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITY_ORDER) + " findings")
    errors = counts.get("error", 0)
    if errors:
        print(f"{PROG}: {errors} error finding{'s' if errors > 1 else ''} (check)", file=sys.stderr)
        return 1
    return 0


def _finding_lines(result: Result, chunk: int = 4096) -> Any:
    """The findings as lines ``where: severity rule entity year: message``,
    errors first, a chunk of lines at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = result.findings.to_arrow()
    severity = table["severity"].cast(pa.string())
    for level in SEVERITY_ORDER:
        part = table.filter(pc.equal(severity, level))
        for batch in part.select(["severity", "rule", "entity", "year", "message", "provenance"]).to_batches(
            chunk
        ):
            lines = []
            for r in batch.to_pylist():
                first = (r["provenance"] or [{}])[0]
                where = _relative(first.get("file")) if first.get("file") else ""
                if where and first.get("line") is not None:
                    where += f":{first['line']}"
                subject = " ".join(str(x) for x in (r["entity"], r["year"]) if x is not None)
                subject = "" if r["message"].startswith(subject) else subject  # messages that say it already
                lines.append(
                    f"{where + ': ' if where else ''}{r['severity']} [{r['rule']}] "
                    f"{subject + ': ' if subject else ''}{r['message']}\n"
                )
            yield "".join(lines)


def _relative(file: str) -> str:
    """A path as short as it can be said from the working folder."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file
