"""Built-in weightings of a node's children.

Each takes the normalised
matrix (entities × children, 0–100, NaN = not reported or imputed) and the explicit
weights, and returns weights that sum to 1.  Data-driven weights use the
reported cells of each column; when the data carry no information (one
entity, constant columns) they fall back to equal weights.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


NOISE = 1e-12


def _std(values: Array) -> float:
    """Population standard deviation; exactly 0 for a constant column."""
    return float(values.std()) if values.size and values.max() > values.min() else 0.0


def _equal(m: int) -> Array:
    return np.full(m, 1.0 / m)


def renormalize(weights: Array) -> Array:
    """Finite weights ≥ 0, not all 0, scaled to sum to 1.  Dividing by the
    largest first keeps the sum finite for weights near the float maximum."""
    scaled = weights / weights.max()
    result: Array = scaled / scaled.sum()
    return result


def _share(scores: Array) -> Array:
    usable = scores.size > 0 and bool(np.all(np.isfinite(scores))) and float(scores.max()) > 0
    return renormalize(scores) if usable else _equal(scores.size)


def explicit(matrix: Array, explicit_weights: Array) -> Array:
    """The configured weights, renormalised to sum to 1."""
    weights = np.asarray(explicit_weights, dtype=np.float64)
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError("explicit weights must be finite and ≥ 0")
    if not np.any(weights > 0):
        raise ValueError("explicit weights must not all be 0")
    return renormalize(weights)


def equal(matrix: Array, explicit_weights: Array) -> Array:
    """1/m for each of m children."""
    return _equal(matrix.shape[1])


def entropy(matrix: Array, explicit_weights: Array) -> Array:
    """Entropy weights: p_ij = x_ij / Σ_i x_ij, e_j = −Σ_i p_ij ln p_ij / ln n_j
    (0 · ln 0 = 0), w_j ∝ 1 − e_j.  A column with fewer than two reported
    cells or summing to 0 carries no information (1 − e_j = 0)."""
    present = ~np.isnan(matrix)
    x = np.where(present, matrix, 0.0)
    if np.any(x < 0):
        raise ValueError("entropy weights need values ≥ 0")
    n = present.sum(axis=0)
    total = x.sum(axis=0)
    informative = (n >= 2) & (total > 0)
    p = np.divide(x, total, out=np.zeros_like(x), where=informative & present)
    plogp = np.zeros_like(p)
    np.multiply(p, np.log(p, out=np.zeros_like(p), where=p > 0), out=plogp, where=p > 0)
    log_n = np.log(np.maximum(n, 2))
    divergence = np.where(informative, 1.0 + plogp.sum(axis=0) / log_n, 0.0)
    # a constant column has e_j = 1 up to float rounding: no information
    return _share(np.where(divergence > NOISE, divergence, 0.0))


def critic(matrix: Array, explicit_weights: Array) -> Array:
    """CRITIC: w_j ∝ σ_j · Σ_k (1 − r_jk), with σ the population standard
    deviation of a column's reported cells and r the Pearson correlation
    over entities reporting both columns (0 where undefined)."""
    present = ~np.isnan(matrix)
    m = matrix.shape[1]
    sigma = np.array([_std(matrix[present[:, j], j]) for j in range(m)])
    corr = np.eye(m)
    for j in range(m):
        for k in range(j + 1, m):
            both = present[:, j] & present[:, k]
            a, b = matrix[both, j], matrix[both, k]
            if both.sum() >= 2 and _std(a) > 0 and _std(b) > 0:
                corr[j, k] = corr[k, j] = float(np.corrcoef(a, b)[0, 1])
    # Correlations within rounding of ±1 are ±1: otherwise the weights of fully
    # redundant columns would be decided by floating-point noise.
    corr[np.isclose(corr, 1.0, rtol=0, atol=1e-9)] = 1.0
    corr[np.isclose(corr, -1.0, rtol=0, atol=1e-9)] = -1.0
    return _share(sigma * (1.0 - corr).sum(axis=1))
