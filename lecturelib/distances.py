"""Squared Euclidean distances between points and centres: the one distance of k-means, Growing
Neural Gas and the RBF features (‖x − μᵢ‖² in exp(−‖x − μᵢ‖²/2σᵢ²)).

    d2 = squared_distances(X, centres)      # (n, k), never negative

Computed as ‖x‖² − 2xᵀμ + ‖μ‖², one matrix product instead of an (n, k, d) array of differences;
rounding can make that a tiny negative number for a point on a centre, so it is clipped at 0.
Bad input: TypeError/ValueError naming the argument (`validation.check_points`).
"""

from __future__ import annotations

import numpy as np

from .validation import check_points


def squared_distances(X, centres) -> np.ndarray:
    """‖xₙ − μᵢ‖² for every point (n, d) and centre (k, d), shape (n, k); never negative.
    Raises like `validation.check_points`, and ValueError if the numbers of features differ."""
    X = check_points(X)
    centres = check_points(centres, "centres", features=X.shape[1], of="X has")
    return unchecked_squared_distances(X, centres)


def unchecked_squared_distances(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """`squared_distances` for arrays already checked (the inner loops of k-means and GNG)."""
    d2 = (X**2).sum(1)[:, None] - 2.0 * X @ centres.T + (centres**2).sum(1)[None, :]
    return np.maximum(d2, 0.0)
