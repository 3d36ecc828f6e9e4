"""A soak (``pytest -m soak``, run by ``.ci/run``): 1,000 library runs of the
seed config in one process give identical results and hold no more memory
at the end than after the warm-up.

Python memory is measured with tracemalloc over a window of the runs after the
warm-up (tracing slows a run about threefold, so not over all of them), Arrow's
buffers by its memory pool, and the process's peak resident size over all the
runs after the window.  One run takes about a second on a quiet core, so the
soak takes some 20 minutes: it is a marked run of its own, not part of the default one.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
import tracemalloc
from pathlib import Path

import attrs
import pyarrow as pa
import pytest

from vqr_metrics import run
from vqr_metrics.api import plugin_manager_for
from vqr_metrics.config import load_config

pytestmark = pytest.mark.soak

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "example.toml"
RUNS = int(os.environ.get("VQR_SOAK_RUNS", "1000"))
WARM_UP = RUNS // 20  # caches filled, lazy imports done
TRACED = RUNS // 20  # the runs tracemalloc watches
# What the traced runs may leave behind: caches that settle (regular expressions, numpy's), and at
# most a kilobyte a run on top (a leaked value table or finding list is tens of kilobytes a run).
PYTHON_SLACK = 128 * 1024
PYTHON_BYTES_PER_RUN = 1024
ARROW_BYTES = 1 << 20
PEAK_GROWTH_KIB = 16 * 1024


# One plugin manager, as a service running many jobs keeps it (entry points off: never what is installed).
_CONFIG = load_config(CONFIG)
PLUGINS = plugin_manager_for(attrs.evolve(_CONFIG, plugins=attrs.evolve(_CONFIG.plugins, entry_points=False)))


def _fingerprint() -> str:
    """One library run of the seed config (read from its file each time), as the
    digest of its whole JSON record."""
    records = run(CONFIG, plugin_manager=PLUGINS).to_records()
    text = json.dumps(records, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _settled() -> tuple[int, int]:
    gc.collect()
    return tracemalloc.get_traced_memory()[0], pa.total_allocated_bytes()


def test_a_thousand_runs_in_one_process_are_identical_and_do_not_grow() -> None:
    first = _fingerprint()
    done = 1
    for _ in range(WARM_UP - 1):
        assert _fingerprint() == first
        done += 1
    tracemalloc.start()
    try:
        assert _fingerprint() == first
        done += 1
        python_before, arrow_before = _settled()
        snapshot = tracemalloc.take_snapshot()
        for _ in range(TRACED - 1):
            assert _fingerprint() == first
            done += 1
        python_after, arrow_after = _settled()
        if python_after - python_before > PYTHON_SLACK + PYTHON_BYTES_PER_RUN * TRACED:
            grown = tracemalloc.take_snapshot().compare_to(snapshot, "lineno")[:5]
            pytest.fail(f"Python memory grew {python_after - python_before} bytes: {grown}")
    finally:
        tracemalloc.stop()
    assert arrow_after - arrow_before <= ARROW_BYTES, (arrow_before, arrow_after)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    while done < RUNS:
        assert _fingerprint() == first
        done += 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak <= PEAK_GROWTH_KIB
    assert done == RUNS
