"""Built-in normalisations: one indicator's column onto 0–100, 100 = best.

A column holds the entities of one group, usually one year.  NaN stays NaN.

A constant column (every reported value equal, which includes a single
entity) is a defined case, never a division by zero: minmax, rank,
percentile and ratio_to_best give 100 (everyone is the best), zscore gives
its centre.  Bad parameters or values a method cannot take raise
``ValueError``; the scorecard engine turns that into a one-line error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def number(params: Mapping[str, Any], name: str, default: float | None = None) -> float:
    """A numeric parameter; ``default=None`` makes it required."""
    value = params.get(name, default)
    if value is None:
        raise ValueError(f"needs the parameter {name!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def _spread(values: Array) -> tuple[float, float, int]:
    """Minimum, maximum and count of the reported values."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        return np.nan, np.nan, 0
    return float(present.min()), float(present.max()), int(present.size)


def _constant(values: Array, fill: float) -> Array:
    return np.where(np.isnan(values), np.nan, fill)


def minmax(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """100 · (x − min) / (max − min); reversed for lower-is-better."""
    lo, hi, n = _spread(values)
    if n == 0 or hi == lo:
        return _constant(values, 100.0)
    scaled = (values - lo) / (hi - lo) if higher else (hi - values) / (hi - lo)
    return np.clip(100.0 * scaled, 0.0, 100.0)


def zscore(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """center + spread · z, clipped to 0–100 (default 50 + 10·z, the T-score:
    the group mean maps to 50, one standard deviation to 10 points)."""
    center = number(params, "center", 50.0)
    spread = number(params, "spread", 10.0)
    if not 0.0 <= center <= 100.0:
        raise ValueError(f"center must lie in 0–100, not {center:g}")
    if spread <= 0:
        raise ValueError(f"spread must be positive, not {spread:g}")
    lo, hi, n = _spread(values)
    if n == 0 or hi == lo:
        return _constant(values, center)
    present = values[~np.isnan(values)]
    z = (values - float(present.mean())) / float(present.std())
    return np.clip(center + spread * (z if higher else -z), 0.0, 100.0)


def competition_rank(values: Array, higher: bool) -> Array:
    """1 + the number of strictly better values (ties share the lower rank:
    1, 2, 2, 4); NaN for NaN."""
    present = np.sort(values[~np.isnan(values)])
    if higher:
        better = present.size - np.searchsorted(present, values, side="right")
    else:
        better = np.searchsorted(present, values, side="left")
    ranked: Array = np.where(np.isnan(values), np.nan, 1.0 + better)
    return ranked


def rank(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """100 · (n − r) / (n − 1) with r the competition rank: the best gets
    100, an entity behind all others 0."""
    n = int(np.count_nonzero(~np.isnan(values)))
    if n <= 1:
        return _constant(values, 100.0)
    return 100.0 * (n - competition_rank(values, higher)) / (n - 1)


def percentile(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """100 · (entities not better, itself included) / n: the best gets 100,
    the worst 100/n."""
    present = np.sort(values[~np.isnan(values)])
    n = present.size
    if n == 0:
        return np.array(values, dtype=np.float64)
    if higher:
        not_better = np.searchsorted(present, values, side="right")
    else:
        not_better = n - np.searchsorted(present, values, side="left")
    return np.where(np.isnan(values), np.nan, 100.0 * not_better / n)


def goalposts(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """100 · (x − low) / (high − low), clipped: fixed bounds, the same in every year."""
    low, high = number(params, "low"), number(params, "high")
    if high <= low:
        raise ValueError(f"high ({high:g}) must be greater than low ({low:g})")
    scaled = (values - low) / (high - low) if higher else (high - values) / (high - low)
    return 100.0 * np.clip(scaled, 0.0, 1.0)


def _non_negative(values: Array, method: str) -> None:
    negative = values[values < 0]
    if negative.size:
        raise ValueError(f"{method} needs values ≥ 0, got {negative[0]:g}")


def ratio_to_best(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """100 · x / max (lower-is-better: 100 · min / x), as ARWU scores."""
    _non_negative(values, "ratio_to_best")
    lo, hi, n = _spread(values)
    if n == 0 or hi == lo:
        return _constant(values, 100.0)
    if higher:
        return 100.0 * values / hi
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values == lo, 100.0, 100.0 * lo / values)


def ratio_to_threshold(values: Array, higher: bool, params: Mapping[str, Any]) -> Array:
    """r = x / threshold (lower-is-better: threshold / x); 100 · min(r, cap) / cap,
    and 0 when r < floor.  With the defaults (cap 1, floor 0) meeting the
    threshold earns full marks and a shortfall costs proportionally."""
    threshold = number(params, "threshold")
    cap = number(params, "cap", 1.0)
    floor = number(params, "floor", 0.0)
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, not {threshold:g}")
    if cap <= 0:
        raise ValueError(f"cap must be positive, not {cap:g}")
    if not 0 <= floor < cap:
        raise ValueError(f"floor must lie in [0, cap), not {floor:g}")
    _non_negative(values, "ratio_to_threshold")
    with np.errstate(divide="ignore"):
        ratio = values / threshold if higher else threshold / values
    scored = 100.0 * np.minimum(ratio, cap) / cap
    return np.where(np.isnan(values), np.nan, np.where(ratio < floor, 0.0, scored))
