"""``vqr-score``: a thin shell over :func:`vqr_metrics.run`.

    vqr-score config.toml [--format json] [--output out.json] [--fail-on error]
    vqr-score plugins [--config config.toml]

Every error a user can cause prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import __version__
from .errors import VqrError

if TYPE_CHECKING:
    from .config import Config

PROG = "vqr-score"
# Nothing heavy is imported at start-up: --version and --help answer at once;
# pyarrow, numpy and the plugins load when a command needs them.


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Compute, check and score vocational-education quality report tables. "
        f"Use '{PROG} plugins' to list the plugins.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("config", help="the TOML config file")
    parser.add_argument("--format", "-f", help="output format (overrides [output] format)")
    parser.add_argument("--output", "-o", help="output file (overrides [output] path; - for stdout)")
    parser.add_argument(
        "--fail-on",
        choices=("never", "error", "warning"),
        default="never",
        help="exit 1 when findings of this severity or worse exist (default: never)",
    )
    return parser


def _plugins_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG} plugins", description="List the plugins.")
    parser.add_argument("--config", help="also load the plugins this config names")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["plugins"]:
            return _plugins(_plugins_parser().parse_args(args[1:]))
        return _score(_run_parser().parse_args(args))
    except BrokenPipeError:  # stdout closed early (| head): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except VqrError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _score(ns: argparse.Namespace) -> int:
    import attrs

    from .api import output_format, run, write
    from .config import load_config

    config = load_config(ns.config)
    to_stdout = ns.output == "-"
    config = config.with_output(ns.format, None if to_stdout else ns.output)
    if to_stdout:
        config = attrs.evolve(config, output=attrs.evolve(config.output, path=None))
    if config.output.path:
        _refuse_overwriting_inputs(Path(config.output.path), config, Path(ns.config))
    result = run(config)
    assert result.catalog is not None
    from_suffix = ns.format is None and ns.output not in (None, "-")
    fmt = output_format(result.catalog, config, prefer_suffix=from_suffix)
    if config.output.path:
        path = Path(config.output.path)
        _write_file(path, lambda out: write(result, fmt, out))
        print(f"{PROG}: wrote {path}", file=sys.stderr)
    elif _utf8_stdout() or result.catalog.items["writer"][fmt].binary:
        try:
            write(result, fmt, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise VqrError(f"cannot write to standard output: {exc.strerror or exc}") from None
    else:
        from .api import render

        data = render(result, fmt)
        assert isinstance(data, str)
        _print_text(data)
    return _exit_status(result.summary.findings, ns.fail_on)


def _utf8_stdout() -> bool:
    return (sys.stdout.encoding or "").lower().replace("-", "").replace("_", "") == "utf8"


def _write_file(path: Path, writing: Callable[[IO[bytes]], None]) -> None:
    """Write through a temporary file in the same folder, renamed into place:
    an existing output is never left half-overwritten."""
    path = Path(os.path.realpath(path))  # an output behind a link is written where the link points
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        umask = os.umask(0)
        os.umask(umask)
        # the mode an ordinary write would leave: the old file's, else a new file's (not mkstemp's 0600)
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~umask)
    except OSError as exc:
        raise VqrError(f"cannot write output {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            writing(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise VqrError(f"cannot write output {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _print_text(text: str) -> None:
    """Text to stdout; where its encoding cannot hold Chinese (a redirect on a
    GBK system) the bytes go out as UTF-8 rather than failing."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))


def _refuse_overwriting_inputs(output: Path, config: Config, config_file: Path) -> None:
    """An output path that names any file the run reads — an input, the
    config, a plugin or rule file — would destroy data."""
    protected = [Path(spec.path) for spec in config.inputs] + [config_file]
    protected += [Path(p) for p in config.plugins.files]
    protected += [config.base_dir / str(entry["rules"]) for entry in config.compliance if "rules" in entry]
    if not output.exists():
        return
    for path in protected:
        if path.exists() and os.path.samefile(path, output):
            raise VqrError(f"output {output} is also read by this run ({path}); choose another output path")


def _exit_status(counts: Mapping[str, int], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    worse = ("error",) if fail_on == "error" else ("error", "warning")
    return 1 if any(counts.get(s, 0) for s in worse) else 0


def _plugins(ns: argparse.Namespace) -> int:
    from tabulate import tabulate

    from .api import plugin_manager_for, prepare
    from .config import Config, load_config
    from .pluginmanager import build_catalog, plugin_infos

    config = load_config(ns.config) if ns.config else Config()
    pm = plugin_manager_for(config)
    catalog = prepare(config, pm) if ns.config else build_catalog(pm)
    rows = []
    for info in plugin_infos(pm):
        registered = catalog.registered_by(info.name)
        parts = [
            f"{kind}s: {', '.join(sorted(ids))}"
            for kind, ids in sorted(registered.items())
            if kind != "indicator"
        ]
        if "indicator" in registered:
            parts.append(f"indicators: {len(registered['indicator'])}")
        rows.append(
            [
                info.name,
                info.source,
                f"{info.distribution or '-'} {info.version or ''}".strip(),
                ", ".join(h.removeprefix("register_") for h in info.hooks),
                "; ".join(parts),
            ]
        )
    headers = ["plugin", "source", "distribution", "hooks", "registers"]
    _print_text(tabulate(rows, headers=headers, maxcolwidths=[None, None, None, 30, 60]) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
