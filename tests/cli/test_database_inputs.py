"""A database input the tool cannot reach: one line naming it (no password), exit 2, no traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("adbc_driver_postgresql")


def _closed_port() -> int:
    """A port on localhost nothing listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_an_unreachable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"postgresql://vqr:s3cret-pw@127.0.0.1:{_closed_port()}/figures"
    config = tmp_path / "config.toml"
    config.write_text(f'[[inputs]]\ndatabase = "{url}"\ntable = "public.学校数据"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "vqr_metrics.cli", str(config)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    err = done.stderr
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "s3cret-pw" not in err and "vqr@127.0.0.1" in err and "#public.学校数据" in err, err
    assert "cannot connect" in err and "Connection refused" in err, err
    assert not done.stdout
