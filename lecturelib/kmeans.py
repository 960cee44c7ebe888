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

Bad input raises TypeError (non-numeric X, a count that is not a number) or ValueError (NaN or
inf in X, coordinates so large that squared distances overflow, k outside 1 … n, a count such
as max_iter or n_init below 1, 2.5 for a count, a negative tol or seed). Every public function
checks its arguments once, then runs the unchecked `_seed` and `_lloyd` loops.

tests/test_kmeans.py checks the seeding distribution and the final inertia against
`sklearn.cluster.kmeans_plusplus` and `sklearn.cluster.KMeans`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distances import unchecked_squared_distances as squared_distances
from .validation import check_in_range, check_points, check_positive, check_whole

MAX_INIT = 1000  # n_init and n_local_trials: a bound against typos such as 10**12


@dataclass
class KMeansResult:
    """centres (k, d), labels (n,) with values in 0..k−1, inertia J, Lloyd iterations run."""

    centres: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int


def _points_and_count(X, k, name: str = "k", minimum: int = 1) -> tuple[np.ndarray, int]:
    """(X checked as (n, d) points, k a whole number from `minimum` to n)."""
    X = check_points(X)
    return X, check_whole(k, name, minimum=minimum, maximum=X.shape[0], what="the number of points")


def kmeans_plusplus(X, k: int, *, seed: int = 0, n_local_trials: int | None = None) -> np.ndarray:
    """k-means++ seeds: k rows of X chosen by D² sampling; returns their indices (k,).

    n_local_trials: candidates drawn per centre, the best (lowest potential) kept;
    None means scikit-learn's default 2 + ⌊ln k⌋, 1 the original k-means++.
    If X holds fewer than k distinct points, the remaining seeds are repeated points.
    Raises ValueError unless 1 ≤ k ≤ n, 1 ≤ n_local_trials ≤ 1000 and seed ≥ 0 are whole
    numbers (and for NaN/inf in X), TypeError for non-numbers."""
    X, k = _points_and_count(X, k)
    trials = _trials(k, n_local_trials)
    return _seed(X, k, np.random.default_rng(check_whole(seed, "seed")), trials)


@dataclass
class SeedingStep:
    """One draw of k-means++ seeding: the probability of every point (uniform for the first seed,
    D(x)²/ΣD² after it), the candidates drawn with it, the potential Σ min(D², ‖x − c‖²) the
    seeds would have with each candidate added, and the point kept (the candidate of lowest
    potential). `seeding_steps` returns one per seed."""

    probabilities: np.ndarray
    candidates: np.ndarray
    potentials: np.ndarray
    kept: int


def seeding_steps(X, k: int, *, seed: int = 0, n_local_trials: int | None = None) -> list[SeedingStep]:
    """k-means++ seeding one draw at a time: the same draws as `kmeans_plusplus` with the same
    arguments (its indices are `[step.kept for step in seeding_steps(...)]`), each with what
    decided it. Raises as `kmeans_plusplus`."""
    X, k = _points_and_count(X, k)
    trials = _trials(k, n_local_trials)
    return [SeedingStep(*step) for step in _draws(X, k, np.random.default_rng(check_whole(seed, "seed")), trials)]


def _trials(k: int, n_local_trials) -> int:
    """Candidates per draw: scikit-learn's 2 + ⌊ln k⌋ for None, else 1 … MAX_INIT."""
    if n_local_trials is None:
        return 2 + int(np.log(k))
    trials = check_whole(n_local_trials, "n_local_trials", minimum=1)
    return int(check_in_range(trials, "n_local_trials", 1, MAX_INIT, low_open=False, high_open=False))


def _seed(X: np.ndarray, k: int, rng: np.random.Generator, trials: int) -> np.ndarray:
    return np.array([kept for *_, kept in _draws(X, k, rng, trials)])


def _draws(X: np.ndarray, k: int, rng: np.random.Generator, trials: int):
    """Yield (probabilities, candidates, potentials, kept) for each of the k seeds."""
    n = X.shape[0]
    first = int(rng.integers(n))
    d2 = squared_distances(X, X[[first]])[:, 0]  # D(x)²: distance to the nearest chosen centre
    chosen = [first]
    yield np.full(n, 1 / n), np.array([first]), np.array([d2.sum()]), first
    for _ in range(1, k):
        if d2.sum() == 0:  # fewer distinct points than k: any remaining point will do
            kept = int(np.setdiff1d(np.arange(n), chosen)[0])
            chosen.append(kept)
            yield np.zeros(n), np.array([kept]), np.array([0.0]), kept
            continue
        probabilities = d2 / d2.sum()
        candidates = rng.choice(n, size=trials, p=probabilities)
        # the potential Σ min(D², ‖x − candidate‖²) if each candidate were added
        new_d2 = np.minimum(d2[:, None], squared_distances(X, X[candidates]))
        potentials = new_d2.sum(axis=0)
        best = int(np.argmin(potentials))
        kept = int(candidates[best])
        chosen.append(kept)
        d2 = new_d2[:, best]
        yield probabilities, candidates, potentials, kept


def _check_stopping(max_iter, tol) -> tuple[int, float]:
    """max_iter ≥ 1 (at least one assignment-and-update step, as in scikit-learn), tol ≥ 0."""
    return check_whole(max_iter, "max_iter", minimum=1), check_positive(tol, "tol", allow_zero=True)


def lloyd(X, centres, *, max_iter: int = 300, tol: float = 1e-4) -> KMeansResult:
    """Lloyd's iterations from the given initial centres (k, d) until no centre moves more
    than tol · (mean variance of the features of X), in squared distance, or max_iter
    iterations have run. Raises ValueError for NaN/inf in X or centres, centres of the wrong
    shape, more centres than points, max_iter < 1 or 2.5 (a whole number is needed), tol < 0."""
    X = check_points(X)
    centres = check_points(centres, "centres", features=X.shape[1], of="X has").copy()
    check_whole(len(centres), "the number of centres", minimum=1, maximum=X.shape[0], what="the number of points")
    max_iter, tol = _check_stopping(max_iter, tol)
    return _lloyd(X, centres, max_iter, tol)


def _lloyd(X: np.ndarray, centres: np.ndarray, max_iter: int, tol: float) -> KMeansResult:
    with np.errstate(over="ignore"):  # a huge tol gives threshold inf: one iteration
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

    X: (n, d) or (n,) for 1-D data. max_iter counts Lloyd iterations and must be >= 1 (as in
    scikit-learn; the seeds alone are `X[kmeans_plusplus(X, k)]`). Raises ValueError unless
    1 ≤ k ≤ n, 1 ≤ n_init ≤ 1000, max_iter ≥ 1 are whole numbers, tol ≥ 0 and seed ≥ 0, and
    for NaN/inf in X; TypeError for non-numbers."""
    X, k = _points_and_count(X, k)
    n_init = check_whole(n_init, "n_init", minimum=1)
    check_in_range(n_init, "n_init", 1, MAX_INIT, low_open=False, high_open=False)
    max_iter, tol = _check_stopping(max_iter, tol)
    seeds = np.random.default_rng(check_whole(seed, "seed")).integers(2**31, size=n_init)
    trials = 2 + int(np.log(k))
    runs = [_lloyd(X, X[_seed(X, k, np.random.default_rng(int(s)), trials)], max_iter, tol)
            for s in seeds]
    return min(runs, key=lambda run: run.inertia)
