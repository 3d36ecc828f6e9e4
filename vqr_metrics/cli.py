"""``vqr-score``: a thin shell over :func:`vqr_metrics.run`; the subcommands live in ``commands``.

    vqr-score config.toml [--format json] [--output out.json] [--strict] [--fail-on compliance]
    vqr-score check config.toml | init [DIR] | indicators | metrics | tables | plugins
    vqr-score rules [--format json] [--plugin NAME] | explain RULE
    vqr-score sql config.toml [--dialect duckdb|postgres|spark] [--output FILE]

Exit 0: done; 1: --strict, --fail-on or check found something (stderr says
what); 2: a usage, config, input or plugin error, one line on stderr, never a
traceback (``--debug`` shows it); 130: interrupted.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from .commands import dispatch
from .commands.output import StdoutFailed, silence_stdout
from .commands.parsing import PROG
from .errors import VqrError

# Nothing heavy is imported at start-up: --version and --help answer at once;
# pyarrow, numpy and the plugins load when a command needs them.


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        with _terminate_as_interrupt():
            return dispatch(args)
    except BrokenPipeError:  # stdout closed early (| head): nothing more to say
        silence_stdout()
        return 0
    except VqrError as exc:
        if isinstance(exc, StdoutFailed):
            silence_stdout()
        if debug:
            traceback.print_exc()
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, still one line unless asked for more
        if debug:
            traceback.print_exc()
        text = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{PROG}: internal error: {type(exc).__name__}: {text} (--debug shows where)", file=sys.stderr)
        return 2


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so temporary files are removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
