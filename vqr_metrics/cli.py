"""``vqr-score``: a thin shell over :func:`vqr_metrics.run`.

    vqr-score config.toml [--format json] [--output out.json] [--fail-on error]
    vqr-score plugins [--config config.toml]

Every error a user can cause prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from .api import plugin_manager_for, prepare, run
from .config import Config, load_config
from .errors import VqrError
from .model import Writer
from .pluginmanager import build_catalog, plugin_infos

PROG = "vqr-score"


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Compute, check and score vocational-education quality report tables. "
        f"Use '{PROG} plugins' to list the plugins.",
    )
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
    except VqrError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _score(ns: argparse.Namespace) -> int:
    config = load_config(ns.config)
    output = "-" if ns.output == "-" else ns.output
    config = config.with_output(ns.format, None if output == "-" else output)
    result = run(config)
    assert result.catalog is not None
    writer: Writer = result.catalog.items["writer"][config.output.format]
    data = writer.write(result)
    if config.output.path and output != "-":
        path = Path(config.output.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        except OSError as exc:
            raise VqrError(f"cannot write output {path}: {exc.strerror or exc}") from None
        print(f"{PROG}: wrote {path}", file=sys.stderr)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)
    return _exit_status(result.summary.findings, ns.fail_on)


def _exit_status(counts: dict[str, int] | object, fail_on: str) -> int:
    assert isinstance(counts, dict)
    if fail_on == "never":
        return 0
    worse = ("error",) if fail_on == "error" else ("error", "warning")
    return 1 if any(counts.get(s, 0) for s in worse) else 0


def _plugins(ns: argparse.Namespace) -> int:
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
    print(
        tabulate(
            rows,
            headers=["plugin", "source", "distribution", "hooks", "registers"],
            maxcolwidths=[None, None, None, 30, 60],
        )
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
