"""Exit codes of vqr-score and what stderr says: --strict, --fail-on, --exit-zero, bad suffixes,
interrupts, full disks and closed pipes, plugins shut out or failing, --debug."""

from __future__ import annotations

import importlib.metadata
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vqr_metrics import cli

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"
TINY = (Path(__file__).parents[1] / "support" / "plugins" / "tiny.py").as_posix()
NO_EP = "--no-entry-points"
# 乙校 has more 双师 than teachers (errors) and no teachers at all in 2022 (warnings)
DATA = (
    "entity,year,测试在校生数,测试教师数,“双师”测试教师数\n"
    "甲校,2023,300,20,5\n乙校,2023,100,4,9\n乙校,2022,100,0,0\n"
)
CLEAN = "entity,year,测试在校生数,测试教师数\n甲校,2023,300,20\n"
SLOW_WRITER = """
import time
from vqr_metrics.model import Writer

def _write(result, out):
    out.write(b"partial")
    out.flush()
    time.sleep(60)

def register_writers(register):
    register(Writer("slow", "a writer that never ends", _write, suffixes=(".slow",)))
"""


def config(folder: Path, data: str = DATA, plugins: tuple[str, ...] = (TINY,)) -> Path:
    (folder / "d.csv").write_text(data, encoding="utf-8")
    path = folder / "config.toml"
    files = ", ".join(f'"{p}"' for p in plugins)
    path.write_text(f'[plugins]\nfiles = [{files}]\n\n[[inputs]]\npath = "d.csv"\n', encoding="utf-8")
    return path


def vqr(*args: str, **streams: object) -> subprocess.CompletedProcess[str]:
    streams = streams or {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run([sys.executable, "-m", "vqr_metrics", *args], text=True, **streams)  # type: ignore[call-overload, no-any-return]


def test_strict_fail_on_and_exit_zero_say_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(config(tmp_path))
    out = str(tmp_path / "r.json")
    assert cli.main([path, NO_EP, "-q", "-o", out]) == 0  # findings alone never fail a run
    assert capsys.readouterr().err == ""
    counts = json.loads(Path(out).read_text(encoding="utf-8"))["summary"]["findings"]
    errors, warnings = counts["error"], counts["warning"]
    assert errors == 2 and warnings > 0  # relation_subset and the tiny plugin's own check
    assert cli.main([path, NO_EP, "-q", "-o", out, "--strict"]) == 1
    assert capsys.readouterr().err == f"vqr-score: {errors} error findings (--strict)\n"
    assert cli.main([path, NO_EP, "-q", "-o", out, "--fail-on", "warning"]) == 1
    expected = f"vqr-score: {errors} error and {warnings} warning findings (--fail-on warning)\n"
    assert capsys.readouterr().err == expected
    assert cli.main([path, NO_EP, "-o", out, "--strict", "--exit-zero"]) == 0
    assert capsys.readouterr().err.endswith(f"{errors} error findings (--strict); exit 0 (--exit-zero)\n")
    clean = str(config(tmp_path, CLEAN))
    assert cli.main([clean, NO_EP, "-q", "-o", out, "--strict", "--fail-on", "warning"]) == 0


def test_fail_on_compliance_counts_the_seed_verdicts_other_than_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert cli.main([str(EXAMPLE), NO_EP, "-o", str(out), "--fail-on", "compliance"]) == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    failing = [v for c in doc["compliance"] for v in c["verdicts"] if v["verdict"] != "合格"]
    # 内蒙古自治区 falls short of 80 册/生 of books (59.06): at least one verdict is not 合格
    assert any(v["entity"] == "内蒙古自治区" and v["verdict"] == "限制招生" for v in failing)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"vqr-score: wrote {out}",
        f"vqr-score: {len(failing)} compliance verdicts other than 合格 (--fail-on compliance)",
    ]


def test_an_output_suffix_no_writer_knows_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(config(tmp_path))
    for name in ("result.tsv", "result"):
        assert cli.main([path, NO_EP, "-o", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert "no writer for" in err and ".csv" in err and ".json" in err and err.count("\n") == 1
        assert not (tmp_path / name).exists()
    assert cli.main([path, NO_EP, "-o", str(tmp_path / "result.tsv"), "-f", "csv"]) == 0  # named: any suffix
    assert (tmp_path / "result.tsv").read_text(encoding="utf-8").startswith('\ufeff"record"')


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupt_removes_the_temporary_file_and_keeps_the_old_output(
    tmp_path: Path, signum: signal.Signals
) -> None:
    (tmp_path / "slow.py").write_text(SLOW_WRITER, encoding="utf-8")
    path = config(tmp_path, CLEAN, (TINY, str(tmp_path / "slow.py")))
    output = tmp_path / "out.slow"
    output.write_text("the old result\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "vqr_metrics", str(path), NO_EP, "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.slow.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.slow.*.tmp")), "the writer never started"
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "vqr-score: interrupted\n"
    assert not list(tmp_path.glob(".out.slow.*"))
    assert output.read_text(encoding="utf-8") == "the old result\n"


def test_a_full_disk_or_closed_stdout_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = str(config(tmp_path))
    with open("/dev/full", "w") as full:
        done = vqr(path, NO_EP, "-f", "json", stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == "vqr-score: error: cannot write to standard output: No space left on device\n"
    closed = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m vqr_metrics "{path}" {NO_EP} >&-'],
        capture_output=True,
        text=True,
    )
    assert closed.returncode == 2
    assert closed.stderr == "vqr-score: error: cannot write to standard output: it is closed\n"


def test_a_pipe_closed_by_head_ends_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "vqr_metrics", str(EXAMPLE), NO_EP, "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10).startswith(b"{")
    process.stdout.close()  # as `| head -c 10` does
    err = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert err == b""


def test_plugins_shut_out_by_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VQR_DISABLE_PLUGINS", "consistency, vqr_metrics_plugins.writers.stream_writers")
    assert cli.main(["plugins", NO_EP, "-f", "json"]) == 0
    captured = capsys.readouterr()
    names = {p["plugin"] for p in json.loads(captured.out)}
    assert (
        "vqr_metrics_plugins.checks.consistency" not in names
        and "vqr_metrics_plugins.writers.stream_writers" not in names
    )
    assert "vqr_metrics_plugins.tables.appendix.scorecard" in names
    assert captured.err == (
        "vqr-score: plugins shut out by VQR_DISABLE_PLUGINS: "
        "vqr_metrics_plugins.writers.stream_writers, vqr_metrics_plugins.checks.consistency\n"
    )
    assert cli.main([str(config(tmp_path)), NO_EP, "-f", "json"]) == 2  # its writer is gone
    assert "unknown output format 'json'" in capsys.readouterr().err
    monkeypatch.setenv("VQR_DISABLE_PLUGINS", "consistncy")
    assert cli.main(["plugins", NO_EP]) == 2
    assert capsys.readouterr().err == (
        "vqr-score: error: VQR_DISABLE_PLUGINS names no plugin 'consistncy' "
        "(did you mean: consistency, conditions?)\n"
    )


def test_a_failing_entry_point_is_named_with_the_way_to_shut_it_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = importlib.metadata.EntryPoint("broken", "no_such_module_for_vqr:plugin", "vqr_metrics")
    real = importlib.metadata.entry_points

    def entry_points(**select: str) -> object:
        return [broken] if select.get("group") == "vqr_metrics" else real(**select)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert cli.main(["plugins"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vqr-score: error: plugin 'broken': failed to load no_such_module_for_vqr:plugin")
    assert err.endswith("(VQR_DISABLE_PLUGINS=broken or --no-entry-points shuts it out)\n")
    assert err.count("\n") == 1
    assert cli.main(["plugins", NO_EP]) == 0
    assert "broken" not in capsys.readouterr().out
    monkeypatch.setenv("VQR_DISABLE_PLUGINS", "broken")
    assert cli.main(["plugins", "-f", "json"]) == 0
    assert "broken" not in {p["plugin"] for p in json.loads(capsys.readouterr().out)}


def test_debug_shows_the_traceback_and_nothing_else_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[inputs]]\npath = "missing.csv"\n', encoding="utf-8")
    plain = vqr(str(path), NO_EP)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert plain.stderr == f"vqr-score: error: input {tmp_path / 'missing.csv'} does not exist\n"
    debug = vqr(str(path), NO_EP, "--debug")
    assert debug.returncode == 2 and "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.endswith(plain.stderr)


def test_a_bug_is_still_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from vqr_metrics.commands import listing

    def broken(*args: object) -> None:
        raise TypeError("an unexpected\nproblem")

    monkeypatch.setattr(listing, "render", broken)
    assert cli.main(["tables", NO_EP]) == 2
    assert capsys.readouterr().err == (
        "vqr-score: internal error: TypeError: an unexpected problem (--debug shows where)\n"
    )
    assert cli.main(["tables", NO_EP, "--debug"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last)") and 'raise TypeError("an unexpected' in err


def test_python_m_is_the_same_command() -> None:
    done = vqr("--version")
    assert done.returncode == 0 and done.stdout.startswith("vqr-score ")


def test_an_input_with_no_figure_fails_a_strict_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    (tmp_path / "h.csv").write_text("entity,year,全日制在校生人数\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[[inputs]]\npath = "h.csv"\n[plugins]\nentry_points = false\n', encoding="utf-8")
    assert cli.main([str(config), "-o", str(tmp_path / "out.json")]) == 0
    assert cli.main([str(config), "--strict", "-o", str(tmp_path / "out.json")]) == 1
    err = capsys.readouterr().err
    assert "no figures read" in err and "1 input with no figure (--strict)" in err
