"""Where a command's result goes: a file written atomically, or stdout; failures as one line."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

from ..errors import VqrError

if TYPE_CHECKING:
    from ..config import Config


class StdoutFailed(VqrError):
    """Standard output cannot take the result (a full disk, a closed descriptor)."""


def write_file(path: Path, writing: Callable[[IO[bytes]], None]) -> None:
    """Write through a temporary file in the same folder, flushed and renamed
    into place: an existing output is never left half-overwritten, and on an
    error or interrupt (Ctrl-C, SIGTERM) the temporary file is removed."""
    path = Path(os.path.realpath(path))  # an output behind a link is written where the link points
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _interrupts_held():  # an interrupt inside mkstemp would leave its file unnamed here
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            umask = os.umask(0)
            os.umask(umask)
            # the mode an ordinary write would leave: the old file's, else a new file's (not mkstemp's 0600)
            os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~umask)
            writing(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise VqrError(f"cannot write output {path}: {exc.strerror or exc}") from None
    finally:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back until the block is done (where the platform can)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_stdout(writing: Callable[[IO[bytes]], None]) -> None:
    """Write bytes to stdout.  A reader that stops early (``| head``) raises
    :class:`BrokenPipeError`, which the CLI ends quietly on; any other failure
    is one line."""
    with _stdout() as stdout:
        writing(stdout.buffer)
        stdout.buffer.flush()


@contextlib.contextmanager
def _stdout() -> Iterator[TextIO]:
    """Standard output, its failures one line each (a closed pipe passes through)."""
    if sys.stdout is None:  # started with stdout closed
        raise StdoutFailed("cannot write to standard output: it is closed")
    try:
        yield sys.stdout
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StdoutFailed(f"cannot write to standard output: {exc.strerror or exc}") from None


def utf8_stdout() -> bool:
    return (
        sys.stdout is not None
        and (sys.stdout.encoding or "").lower().replace("-", "").replace("_", "") == "utf8"
    )


def print_text(text: str) -> None:
    """Text to stdout; where its encoding cannot hold Chinese (a redirect on a
    GBK system) the bytes go out as UTF-8 rather than failing."""
    with _stdout() as stdout:
        try:
            stdout.write(text)
            stdout.flush()
        except UnicodeEncodeError:
            stdout.flush()
            stdout.buffer.write(text.encode("utf-8"))
            stdout.buffer.flush()


def silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush of
    output that could not be written raises nothing more."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def refuse_overwriting_inputs(output: Path, config: Config, config_file: Path) -> None:
    """An output path that names any file the run reads — an input, the
    config, a plugin or rule file — would destroy data."""
    if not output.exists():
        return
    for path in _read_by(config, config_file):
        if path.exists() and os.path.samefile(path, output):
            raise VqrError(f"output {output} is also read by this run ({path}); choose another output path")


def _read_by(config: Config, config_file: Path) -> Iterator[Path]:
    yield from (Path(spec.path) for spec in config.inputs)
    yield config_file
    yield from (Path(p) for p in config.plugins.files)
    yield from (config.base_dir / str(entry["rules"]) for entry in config.compliance if "rules" in entry)
