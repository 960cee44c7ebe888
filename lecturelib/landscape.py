"""The non-convex landscape: testing convexity on chords, and gradient descent from many starts.

    gaps = chord_gaps(f, a, b, lam)   # λf(a) + (1 − λ)f(b) − f(λa + (1 − λ)b), one per chord
    found = multi_start(optim.sgd(0.01), problems.himmelblau(), starts, steps=500)
    found.minima                      # the distinct end points, lowest f first

f is convex iff every chord lies on or above the graph: f(λa + (1 − λ)b) ≤ λf(a) + (1 − λ)f(b)
for all a, b and λ ∈ [0, 1] (Lecture 5), so a negative gap proves f is not convex, and gaps that
are >= 0 on many sampled chords are evidence (not proof) that it is. Gradient descent finds a
local minimum near where it starts; Lecture 4's remedy for a non-convex f is "multiple local
optimization": run it from several starts and keep the best.

Bad input: TypeError/ValueError naming the argument (see each function).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problems import Problem, check_problem
from .trajectory import Trajectory, run
from .validation import check_finite, check_function, check_points, check_positive, check_whole

MAX_STARTS = 10_000


def chord_gaps(f, a, b, lam) -> np.ndarray:
    """λᵢf(aᵢ) + (1 − λᵢ)f(bᵢ) − f(λᵢaᵢ + (1 − λᵢ)bᵢ) for each chord i: >= 0 for every chord iff f
    is convex (up to rounding).

    f: θ (d,) -> a number; a, b: (n, d) arrays (or (n,) for d = 1); lam: (n,) in [0, 1].
    Raises TypeError if f is not callable or returns a non-number, ValueError for arrays of other
    shapes, non-finite entries, λ outside [0, 1], or a non-finite value of f."""
    check_function(f, "f", "a function of θ")
    a, b = check_points(a, "a"), check_points(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    lam = check_finite(lam, "lam")
    if lam.shape != (len(a),):
        raise ValueError(f"lam must have shape ({len(a)},), one λ per chord, got {lam.shape}")
    if lam.min() < 0 or lam.max() > 1:
        raise ValueError(f"lam must lie in [0, 1], got values from {lam.min():g} to {lam.max():g}")

    def value(point):
        try:
            y = float(f(point))
        except (TypeError, ValueError):
            raise TypeError(f"f must return a number, but at θ = {point} it did not") from None
        if not np.isfinite(y):
            raise ValueError(f"f is not finite at θ = {point} (f = {y})")
        return y

    mixed = lam[:, None] * a + (1 - lam[:, None]) * b
    fa, fb, fm = (np.array([value(p) for p in points]) for points in (a, b, mixed))
    return lam * fa + (1 - lam) * fb - fm


@dataclass(frozen=True)
class MultiStart:
    """What `multi_start` found: every run, and the distinct minima they ended at.

    paths:  one `Trajectory` per start.
    minima: (k, d), the distinct end points of the runs that did not diverge, lowest f first.
    values: (k,), f at each.
    counts: (k,), how many runs ended at each.
    """

    paths: list[Trajectory]
    minima: np.ndarray
    values: np.ndarray
    counts: np.ndarray


def multi_start(method, problem: Problem, starts, steps: int, *, merge: float = 1e-3) -> MultiStart:
    """Run `method` (an optimiser of `lecturelib.optim`) for `steps` steps from each row of
    `starts` ((n, d), 1 <= n <= 10 000) and group the end points lying within `merge` of each
    other. Diverged runs are kept in `paths` and left out of the minima.

    Raises TypeError/ValueError for a bad method, problem, starts of the wrong shape or not
    finite, steps not a whole number, or merge not > 0 (see `trajectory.run`)."""
    check_problem(problem)
    starts = check_points(starts, "starts")
    if starts.shape[1] != problem.dim:
        raise ValueError(f"starts must have {problem.dim} column(s) for {problem.name}, got shape {starts.shape}")
    if len(starts) > MAX_STARTS:
        raise ValueError(f"starts must hold at most {MAX_STARTS} points, got {len(starts)}")
    steps = check_whole(steps, "steps")
    merge = check_positive(merge, "merge")
    paths = [run(method, problem, start, steps) for start in starts]
    minima, counts = [], []
    for path in paths:
        if path.diverged:
            continue
        for i, point in enumerate(minima):
            if np.linalg.norm(path.final - point) <= merge:
                counts[i] += 1
                break
        else:
            minima.append(path.final)
            counts.append(1)
    values = np.array([problem.f(point) for point in minima])
    order = np.argsort(values, kind="stable")
    minima = np.array(minima).reshape(-1, problem.dim)[order]
    return MultiStart(paths, minima, values[order], np.array(counts, dtype=int)[order])
