r"""Growing Neural Gas (Fritzke, 1995, "A growing neural gas network learns topologies", NIPS 7).

Source: Lecture 3, "Learning mechanism": RBF centres are placed "by vector quantization
(K-means++, GNG, etc.)". GNG streams the data, one point x at a time, and keeps units wᵢ joined
by aged edges:

1. find the nearest unit s₁ and the second nearest s₂; add ‖x − w_{s₁}‖² to s₁'s error;
2. move s₁ by ε_b (x − w_{s₁}) and its graph neighbours by ε_n (x − wₙ);
3. age s₁'s edges by one, (re)connect s₁–s₂ with age 0, delete edges older than `max_age`
   and units left without edges;
4. every λ points (`insert_every`) insert a unit halfway between the unit q with the largest
   error and q's neighbour f with the largest error (edges q–r, r–f replace q–f), and scale
   their errors by α (`insert_decay`);
5. decay every error by the factor d.

Units are added until `max_units`; no k is needed in advance, and the edges learn the topology
of the data (points of two separate clusters end up in two separate components).

Every argument is checked once, before the loop: see `growing_neural_gas` for what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_in_range, check_points, check_whole

MAX_STEPS = 10**6  # the samples are drawn up front: a bound against typos such as 10**12


@dataclass
class GNGResult:
    """units (m, d), edges as index pairs (i < j), and the squared quantisation error J."""

    units: np.ndarray
    edges: list[tuple[int, int]]
    inertia: float


@np.errstate(over="ignore")  # with coordinates near 1e150 the accumulated errors may reach inf
def growing_neural_gas(X, max_units: int = 20, *, steps: int = 5000, insert_every: int = 100,
                       eps_b: float = 0.2, eps_n: float = 0.006, max_age: int = 50,
                       insert_decay: float = 0.5, decay: float = 0.995, seed: int = 0) -> GNGResult:
    """Run GNG on points X (n, d) for `steps` samples drawn with replacement (from `seed`).

    Allowed (Fritzke's values are the defaults): whole numbers 2 ≤ max_units ≤ n (GNG starts
    with two data points), 0 ≤ steps ≤ 10⁶, λ = insert_every ≥ 1, max_age ≥ 1, seed ≥ 0;
    rates eps_b ∈ (0, 1], eps_n ∈ [0, 1], α = insert_decay ∈ (0, 1] and decay d ∈ (0, 1]. Anything else raises
    ValueError (TypeError for non-numbers), as do NaN/inf in X."""
    X = check_points(X)
    max_units = check_whole(max_units, "max_units", minimum=2, maximum=len(X), what="the number of points")
    steps = check_whole(steps, "steps")
    check_in_range(steps, "steps", 0, MAX_STEPS, low_open=False, high_open=False)
    insert_every = check_whole(insert_every, "insert_every", minimum=1)
    max_age = check_whole(max_age, "max_age", minimum=1)
    eps_b = check_in_range(eps_b, "eps_b", 0, 1, high_open=False)
    eps_n = check_in_range(eps_n, "eps_n", 0, 1, low_open=False, high_open=False)
    insert_decay = check_in_range(insert_decay, "insert_decay", 0, 1, high_open=False)
    decay = check_in_range(decay, "decay", 0, 1, high_open=False)
    rng = np.random.default_rng(check_whole(seed, "seed"))
    W = np.zeros((max_units, X.shape[1]))
    W[:2] = X[rng.choice(len(X), 2, replace=False)]
    alive = np.zeros(max_units, dtype=bool)
    alive[:2] = True
    error = np.zeros(max_units)
    age = np.full((max_units, max_units), -1)  # -1: no edge; symmetric
    age[0, 1] = age[1, 0] = 0
    for step, x in enumerate(X[rng.integers(len(X), size=steps)], start=1):
        d2 = np.where(alive, ((W - x) ** 2).sum(axis=1), np.inf)
        s1, s2 = np.argsort(d2)[:2]
        error[s1] += d2[s1]
        neighbours = age[s1] >= 0
        W[s1] += eps_b * (x - W[s1])
        W[neighbours] += eps_n * (x - W[neighbours])
        age[s1, neighbours] += 1
        age[neighbours, s1] += 1
        age[s1, s2] = age[s2, s1] = 0
        age[age > max_age] = -1
        alive &= (age >= 0).any(axis=1)  # a unit without edges is removed
        if step % insert_every == 0 and alive.sum() < max_units:
            q = int(np.argmax(np.where(alive, error, -np.inf)))
            f = int(np.argmax(np.where(age[q] >= 0, error, -np.inf)))
            r = int(np.argmin(alive))  # a free slot
            W[r] = (W[q] + W[f]) / 2
            age[r] = age[:, r] = -1
            age[q, f] = age[f, q] = -1
            age[q, r] = age[r, q] = age[f, r] = age[r, f] = 0
            error[q] *= insert_decay
            error[f] *= insert_decay
            error[r] = error[q]
            alive[r] = True
        error *= decay
    index = np.flatnonzero(alive)
    units = W[index]
    edges = [(a, b) for a in range(len(index)) for b in range(a + 1, len(index))
             if age[index[a], index[b]] >= 0]
    inertia = float((((X[:, None] - units[None]) ** 2).sum(-1)).min(axis=1).sum())
    return GNGResult(units, edges, inertia)
