r"""Universal approximation with sigmoid bumps, and why depth helps: the sawtooth.

Source: Lecture 3, "Universal Approximators" and "Why do we need deep networks?".

**Bumps.** A steep sigmoid σ(s(x − a)) is almost a step at a; the difference of two steps is
a bump of height h on [a, b],

    bump(x) = h [σ(s(x − a)) − σ(s(x − b))],

and a sum of N bumps on a grid a = e₀ < e₁ < … < e_N = b with heights hᵢ = f(midpointᵢ) is a
staircase that approximates a continuous f (Nielsen, "Neural Networks and Deep Learning",
ch. 4; Cybenko, 1989). It is a one-hidden-layer sigmoid network: N + 1 hidden units (one step
per edge) whose output weights are the height differences hᵢ − hᵢ₋₁.

**Depth.** The tent map T(x) = 2x on [0, ½], 2(1 − x) on [½, 1], is T(x) = 2 relu(x) − 4 relu(x − ½)
on [0, 1], two ReLUs. Composing it L times gives a sawtooth with 2^{L−1} teeth and 2^L linear
pieces (Telgarsky, 2016). A deep ReLU network of width 2 computes it exactly with 6L + 1
parameters; a one-hidden-layer ReLU network with m units has at most m + 1 linear pieces on a
line, so it needs m ≥ 2^L − 1 units, about 3·2^L parameters: exponential against linear in L.
Both networks, and their training, are torch networks: the adapter `torch_approximation`.

Bad input raises TypeError (non-numbers) or ValueError naming the argument: NaN in x, a
steepness or sharpness not > 0, a bump with left ≥ right, counts and depths that are not whole
numbers in range (n_bumps ≤ 10⁵).
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .validation import (as_float_array, check_finite, check_function, check_in_range, check_positive, check_real,
                         check_whole)

MAX_BUMPS = 10**5


def step(x, position: float, steepness: float) -> np.ndarray:
    """σ(s(x − a)): a smooth step from 0 to 1 at a; s → ∞ gives the binary step. x may hold
    ±inf (σ is 0 or 1 there); raises ValueError for NaN, a non-finite a, or s not > 0."""
    x, a = as_float_array(x, "x"), check_real(position, "position")
    s = check_positive(steepness, "steepness")
    with np.errstate(over="ignore"):  # s(x − a) = ±inf far from a: σ is then exactly 0 or 1
        return sigmoid(s * (x - a))


def bump(x, left: float, right: float, height: float = 1.0, steepness: float = 100.0) -> np.ndarray:
    """h [σ(s(x − a)) − σ(s(x − b))]: about h on (a, b), about 0 outside. Raises ValueError
    unless a = left < b = right and h are finite and s > 0."""
    left, right, height = check_real(left, "left"), check_real(right, "right"), check_real(height, "height")
    if not left < right:
        raise ValueError(f"a bump needs left < right, got left = {left:g}, right = {right:g}")
    return height * (step(x, left, steepness) - step(x, right, steepness))


def bump_heights(f, n_bumps: int, interval=(0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """The N + 1 edges of N equal bins of `interval` (a, b), and the heights hᵢ = f(midpoint
    of bin i); a constant f may return one number. Raises ValueError unless 1 ≤ n_bumps ≤ 10⁵
    is a whole number, a < b are finite, and f returns finite numbers."""
    check_function(f, "f", "a function of x")
    n_bumps = check_whole(n_bumps, "n_bumps", minimum=1)
    check_in_range(n_bumps, "n_bumps", 1, MAX_BUMPS, low_open=False, high_open=False)
    interval = check_finite(interval, "interval")
    if interval.shape != (2,) or not interval[0] < interval[1] or not np.isfinite(np.diff(interval)).all():
        raise ValueError(f"interval must be (a, b) with a < b (and b − a finite), got {interval}")
    edges = np.linspace(*interval, n_bumps + 1)
    with np.errstate(over="ignore"):  # a + b overflows near the largest float: then a + (b − a)/2
        midpoints = (edges[:-1] + edges[1:]) / 2
    if not np.isfinite(midpoints).all():
        midpoints = edges[:-1] + np.diff(edges) / 2
    heights = check_finite(f(midpoints), "f(midpoints) (the heights f returned)")
    if heights.shape not in ((), (n_bumps,)):
        raise ValueError(f"f must return one value per midpoint, shape ({n_bumps},), got {heights.shape}")
    return edges, np.broadcast_to(heights, (n_bumps,)).copy()


def bump_sum(x, edges, heights, sharpness: float = 40.0) -> np.ndarray:
    """Σᵢ hᵢ [σ(s(x − eᵢ)) − σ(s(x − eᵢ₊₁))] with steepness s = sharpness / (bin width).
    Raises ValueError unless the edges increase strictly, there is one more edge than heights,
    all are finite, and sharpness > 0 (with s finite: edges not absurdly close)."""
    edges, heights = check_finite(edges, "edges"), check_finite(heights, "heights")
    if edges.ndim != 1 or edges.shape != (heights.size + 1,) or heights.size == 0:
        raise ValueError(f"edges and heights: need one more edge than heights (at least one height), "
                         f"got {edges.size} edges and {heights.size} heights")
    width = np.min(np.diff(edges))
    if not width > 0:
        raise ValueError(f"edges must increase strictly, got {edges}")
    with np.errstate(over="ignore"):
        s = check_positive(sharpness, "sharpness") / width
    if not 0 < s < np.inf:  # underflow to 0 or overflow to inf: rescale
        raise ValueError(f"sharpness / (smallest bin width) = {sharpness:g} / {width:g} = {s:g} "
                         "is no usable steepness: rescale the edges or the sharpness")
    with np.errstate(over="ignore"):  # ±inf far from an edge: σ is then exactly 0 or 1
        steps = sigmoid(s * (as_float_array(x, "x")[..., None] - edges))  # (…, N + 1)
    return (steps[..., :-1] - steps[..., 1:]) @ heights.ravel()


# -- depth: the sawtooth ----------------------------------------------------------------------

def tent(x) -> np.ndarray:
    """The tent map T(x) = 2 relu(x) − 4 relu(x − ½), i.e. 2x on [0, ½] and 2(1 − x) on [½, 1]
    (0 for x < 0, 2 − 2x < 0 for x > 1). Evaluated piecewise, which is exact on [0, 1] and
    never makes inf − inf for large x. Raises ValueError for NaN/inf in x."""
    return _tent(check_finite(x, "x"))


def _tent(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # 2 − 2x = −inf for x > 9e307: the right limit
        return np.where(x <= 0.5, 2 * np.maximum(x, 0), 2 - 2 * x)


def sawtooth(x, depth: int) -> np.ndarray:
    """T ∘ T ∘ … ∘ T (depth ≥ 1 times) on [0, 1]: 2^{depth−1} teeth, 2^depth linear pieces.
    Stops early once T no longer changes x (every float reaches the fixed point 0 within about
    1100 compositions, so a huge depth returns at once). Raises ValueError for NaN/inf in x
    and unless depth ≥ 1 is a whole number."""
    depth = check_whole(depth, "depth", minimum=1)
    x = check_finite(x, "x")
    for _ in range(depth):
        x, previous = _tent(x), x
        if np.array_equal(x, previous):
            break
    return x
