"""The ``vqr-score`` argument parsers: one-line errors with a did-you-mean; help with examples, exit codes."""

from __future__ import annotations

import argparse
import re
from typing import NoReturn

from ..errors import VqrError
from ..names import did_you_mean

PROG = "vqr-score"

EXIT_CODES = """\
exit codes:
  0    the command completed (findings alone never fail a run)
  1    --strict or --fail-on found what it looks for, or check found an error-level finding;
       stderr says why
  2    a usage, config, input or plugin error: one line on stderr naming the file, line or item
  130  interrupted (Ctrl-C or SIGTERM); no output file is left half-written
"""


class UsageError(VqrError):
    """A command line that does not parse: exit 2 with one line."""


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one :class:`UsageError` line with a
    did-you-mean for a mistyped flag or choice, never the usage block."""

    def error(self, message: str) -> NoReturn:
        where = "" if self.prog == PROG else f"{self.prog}: "  # a subcommand says which
        raise UsageError(f"{where}{message}{self._suggestion(message)} (see {self.prog} --help)")

    def _suggestion(self, message: str) -> str:
        unknown = re.match(r"unrecognized arguments: (.*)", message)
        if unknown:
            flags = [word for word in unknown.group(1).split() if word.startswith("-")]
            options = [s for action in self._actions for s in action.option_strings if s.startswith("--")]
            return did_you_mean(flags[0].split("=")[0], options) if flags else ""
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            return did_you_mean(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
        return ""


def parser(prog: str, description: str, examples: str) -> Parser:
    """A parser with the options every command shares."""
    made = Parser(
        prog=prog,
        description=description,
        epilog=f"examples:\n{examples}\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    made.add_argument("-q", "--quiet", action="store_true", help="no notes on stderr, only errors")
    made.add_argument("-v", "--verbose", action="count", default=0, help="more notes on stderr")
    made.add_argument(
        "--no-progress", action="store_true", help="no progress bars (shown on a terminal only)"
    )
    made.add_argument("--debug", action="store_true", help="show the traceback of an error")
    made.add_argument("--no-entry-points", action="store_true", help="load no installed third-party plugins")
    return made
