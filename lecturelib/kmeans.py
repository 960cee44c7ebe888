r"""k-means: k-means++ seeding followed by Lloyd's iterations, from scratch in NumPy.

Source: Lecture 3, "Learning mechanism": the centres μᵢ of an RBF network are placed "by vector
quantization (K-means++, GNG, etc.)". k-means minimises the **inertia** (within-cluster sum of
squares)

    J(μ, c) = Σₙ ‖xₙ − μ_{c(n)}‖²,   c(n) = argminᵢ ‖xₙ − μᵢ‖².

* **k-means++ seeding** (Arthur & Vassilvitskii, 2007): the first centre is a data point drawn
  uniformly; each next one is drawn with probability proportional to D(x)², the squared
  distance from x to the nearest centre chosen so far ("D² sampling"). scikit-learn's
  `KMeans(init="k-means++")` uses the *greedy* variant: it draws `n_local_trials` candidates by
  D² sampling and keeps the one that lowers the potential Σ D(x)² most (default
  2 + ⌊ln k⌋ candidates); `n_local_trials=1` is the original rule.
* **Lloyd's algorithm** (Lloyd, 1957/1982) alternates the two steps that each lower J:
  assign every point to its nearest centre, then move each centre to the mean of its points.
  It stops when no centre moves more than `tol` (relative to the data's variance), as
  scikit-learn does. An empty cluster takes the point farthest from its own centre.

tests/test_kmeans.py checks the seeding distribution and the final inertia against
`sklearn.cluster.kmeans_plusplus` and `sklearn.cluster.KMeans`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import as_float_array


@dataclass
class KMeansResult:
    """centres (k, d), labels (n,) with values in 0..k−1, inertia J, Lloyd iterations run."""

    centres: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int


def check_points(X, k: int) -> np.ndarray:
    """Return X as a float array of shape (n, d); raise unless 1 ≤ k ≤ n and X is finite."""
    X = as_float_array(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, d) with n >= 1 points, got {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains inf; only finite coordinates are allowed")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be a whole number, got {type(k).__name__}")
    if not 1 <= k <= X.shape[0]:
        raise ValueError(f"k must lie between 1 and the number of points {X.shape[0]}, got {k}")
    return X


def squared_distances(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """‖xₙ − μᵢ‖² for every point and centre, shape (n, k); never negative."""
    d2 = (X**2).sum(1)[:, None] - 2.0 * X @ centres.T + (centres**2).sum(1)[None, :]
    return np.maximum(d2, 0.0)


def kmeans_plusplus(X, k: int, *, seed: int = 0, n_local_trials: int | None = None) -> np.ndarray:
    """k-means++ seeds: k rows of X chosen by D² sampling; returns their indices (k,).

    n_local_trials: candidates drawn per centre, the best (lowest potential) kept;
    None means scikit-learn's default 2 + ⌊ln k⌋, 1 the original k-means++.
    Raises ValueError unless 1 ≤ k ≤ n (and for NaN/inf in X), TypeError for a non-integer k.
    """
    X = check_points(X, k)
    rng = np.random.default_rng(seed)
    trials = 2 + int(np.log(k)) if n_local_trials is None else n_local_trials
    if trials < 1:
        raise ValueError(f"n_local_trials must be >= 1, got {n_local_trials}")
    chosen = [int(rng.integers(X.shape[0]))]
    d2 = squared_distances(X, X[chosen])[:, 0]  # D(x)²: distance to the nearest chosen centre
    for _ in range(1, k):
        if d2.sum() == 0:  # fewer distinct points than k: any remaining point will do
            chosen.append(int(np.setdiff1d(np.arange(X.shape[0]), chosen)[0]))
            continue
        candidates = rng.choice(X.shape[0], size=trials, p=d2 / d2.sum())
        # the potential Σ min(D², ‖x − candidate‖²) if each candidate were added
        new_d2 = np.minimum(d2[:, None], squared_distances(X, X[candidates]))
        best = int(np.argmin(new_d2.sum(axis=0)))
        chosen.append(int(candidates[best]))
        d2 = new_d2[:, best]
    return np.array(chosen)


def lloyd(X, centres, *, max_iter: int = 300, tol: float = 1e-4) -> KMeansResult:
    """Lloyd's iterations from the given initial centres (k, d) until no centre moves more
    than tol · (mean variance of the features of X), in squared distance."""
    centres = as_float_array(centres, "centres").copy()
    X = check_points(X, centres.shape[0])
    if centres.ndim != 2 or centres.shape[1] != X.shape[1]:
        raise ValueError(f"centres must have shape (k, {X.shape[1]}), got {centres.shape}")
    threshold = tol * X.var(axis=0).mean()
    for iteration in range(1, max_iter + 1):
        labels = squared_distances(X, centres).argmin(axis=1)  # assignment step
        new = centres.copy()
        for i in range(centres.shape[0]):  # update step: the mean of each cluster
            members = X[labels == i]
            if len(members):
                new[i] = members.mean(axis=0)
            else:  # empty cluster: restart it at the worst-served point
                far = squared_distances(X, centres)[np.arange(len(X)), labels].argmax()
                new[i] = X[far]
        shift = ((new - centres) ** 2).sum(axis=1).max()
        centres = new
        if shift <= threshold:
            break
    d2 = squared_distances(X, centres)
    labels = d2.argmin(axis=1)
    return KMeansResult(centres, labels, float(d2[np.arange(len(X)), labels].sum()), iteration)


def kmeans(X, k: int, *, seed: int = 0, n_init: int = 1, max_iter: int = 300,
           tol: float = 1e-4) -> KMeansResult:
    """k-means++ seeding then Lloyd; with n_init > 1 the best of n_init seeded runs.

    X: (n, d) or (n,) for 1-D data. Raises ValueError unless 1 ≤ k ≤ n, for NaN/inf in X
    and for n_init < 1."""
    X = check_points(X, k)
    if n_init < 1:
        raise ValueError(f"n_init must be >= 1, got {n_init}")
    seeds = np.random.default_rng(seed).integers(2**31, size=n_init)
    runs = [lloyd(X, X[kmeans_plusplus(X, k, seed=int(s))], max_iter=max_iter, tol=tol)
            for s in seeds]
    return min(runs, key=lambda run: run.inertia)
