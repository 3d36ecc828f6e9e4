"""Built-in aggregations of a node's children into a 0–100 score, with contributions.

Contributions (entities × children) add up to the score row by row.

``weights`` is either one weight per child or one row per entity (each row
summing to 1): a child an entity did not report has weight 0 there, and its
cell must be ignored.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class NonPositiveValue(ValueError):
    """The geometric mean met a value ≤ 0 at ``(row, column)``."""

    def __init__(self, row: int, column: int, value: float) -> None:
        super().__init__(f"the geometric mean needs values > 0, got {value:g}")
        self.row, self.column, self.value = row, column, value


def _weights(matrix: Array, weights: Array) -> Array:
    return np.broadcast_to(np.asarray(weights, dtype=np.float64), matrix.shape)


def arithmetic(matrix: Array, weights: Array) -> tuple[Array, Array]:
    """Σ w_j x_j; child j contributes w_j x_j."""
    w = _weights(matrix, weights)
    contributions = np.where(w > 0, w * matrix, 0.0)
    return contributions.sum(axis=1), contributions


def geometric(matrix: Array, weights: Array) -> tuple[Array, Array]:
    """G = Π x_j^w_j.  Contributions split the shortfall from 100 in log
    terms: child j contributes 100 w_j − (100 − G) · w_j ln(x_j/100) / ln(G/100),
    so a child at 100 gives its full weight and a weak child costs more than
    its weight; they sum to G."""
    w = _weights(matrix, weights)
    used = w > 0
    bad = np.argwhere(used & ~(matrix > 0))
    if bad.size:
        row, col = (int(i) for i in bad[0])
        raise NonPositiveValue(row, col, float(matrix[row, col]))
    logs = np.where(used, w * np.log(np.where(used, matrix, 100.0) / 100.0), 0.0)
    total = logs.sum(axis=1)
    scores = 100.0 * np.exp(total)
    share = np.divide(logs, total[:, None], out=np.zeros_like(logs), where=total[:, None] != 0)
    contributions = 100.0 * np.where(used, w, 0.0) - (100.0 - scores)[:, None] * share
    return scores, contributions


def topsis(matrix: Array, weights: Array) -> tuple[Array, Array]:
    """TOPSIS closeness: with v_ij = w_ij x_ij, the ideal best / worst the
    column maximum / minimum over the entities, D+ and D− the Euclidean
    distances to them, score = 100 · D− / (D+ + D−) (100 when both are 0:
    the entity is at both ideals).  Child j contributes the score times its
    share of D−², the squared distance from the worst."""
    w = _weights(matrix, weights)
    used = w > 0
    best = np.where(used, matrix, -np.inf).max(axis=0)
    worst = np.where(used, matrix, np.inf).min(axis=0)
    with np.errstate(invalid="ignore"):  # columns nobody reported: ±inf ideals, masked out
        d_plus = np.where(used, (w * (matrix - best)) ** 2, 0.0)
        d_minus = np.where(used, (w * (matrix - worst)) ** 2, 0.0)
    plus, minus = np.sqrt(d_plus.sum(axis=1)), np.sqrt(d_minus.sum(axis=1))
    both = plus + minus
    scores = np.divide(100.0 * minus, both, out=np.full(both.shape, 100.0), where=both > 0)
    minus_sq = d_minus.sum(axis=1)[:, None]
    share = np.divide(d_minus, minus_sq, out=np.where(used, w, 0.0), where=minus_sq > 0)
    return scores, scores[:, None] * share
