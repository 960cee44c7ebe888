"""Run an optimiser on a problem and record what happens: iterates, losses, gradient norms, and
whether (and when) it diverged.

    path = run(momentum(lr=0.1, beta=0.9), canyon(20), theta0=[-5, 2], steps=100)
    path.points        # (k + 1, d): θ₀, θ₁, …
    path.losses        # (k + 1,): f(θ₀), f(θ₁), …
    path.grad_norms    # (k + 1,): ‖∇f(θ₀)‖, …
    path.diverged_at   # None, or the step at which the loss became non-finite or exploded
    path.message       # "converged …" / "diverged at step 7 (loss 3.2e+09)"

A run that diverges stops there and says so, instead of returning NaNs for a figure to draw.
`second_order` (chapter 5) reuses `Trajectory` and `run` with its own update rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .problems import Problem
from .validation import check_positive


class Diverged(ArithmeticError):
    """Raised by `run(..., raise_on_divergence=True)` when the loss is non-finite or explodes."""


@dataclass(frozen=True)
class Trajectory:
    """What `run` records. Every array has one row per point visited (θ₀ included)."""

    method: str
    problem: str
    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]

    @property
    def message(self) -> str:
        if self.diverged:
            return f"{self.method} diverged at step {self.diverged_at} on {self.problem}"
        return f"{self.method}: {self.steps} steps, final loss {self.losses[-1]:.3g}"


def run(method, problem: Problem, theta0, steps: int, *, gradient: Callable | None = None,
        explode: float = 1e8, raise_on_divergence: bool = False) -> Trajectory:
    """Run `method` (a `lecturelib.optim.Optimizer`) for `steps` steps from θ₀ on `problem`.

    gradient: (θ, k) -> the gradient used at step k (e.g. a minibatch estimate); by default the
              exact `problem.grad(θ)`, evaluated at `method.eval_point` (the look-ahead point for
              Nesterov-type rules). Losses and gradient norms are always the exact ones at θ_k.
    explode:  the run diverges when the loss is non-finite or |f(θ_k)| > explode · (1 + |f(θ₀)|).

    Raises ValueError if θ₀ has the wrong shape or f(θ₀) is not finite, and `Diverged` if the run
    diverges and `raise_on_divergence` is set."""
    theta = problem.check_point(theta0)
    steps = int(check_positive(steps, "steps", allow_zero=True))
    first = problem.f(theta)
    if not np.isfinite(first):
        raise ValueError(f"{problem.name} is not finite at θ₀ = {theta} (f = {first}); start elsewhere")
    limit = explode * (1 + abs(first))
    exact = gradient is None and getattr(method, "lookahead", None) is None
    gradient = gradient or (lambda point, k: problem.grad(point))
    state = method.init(theta)
    g_exact = problem.grad(theta)  # ∇f(θ_k), recorded, and reused as the step's gradient
    points, losses, norms = [theta], [first], [math.sqrt(g_exact @ g_exact)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = g_exact if exact else gradient(method.eval_point(theta, state), k)
            step, state = method.update(g, state, theta)
            theta = theta + step
            loss = problem.f(theta)
            if not (math.isfinite(loss) and abs(loss) <= limit and np.isfinite(theta).all()):
                diverged_at = k + 1
                break
            g_exact = problem.grad(theta)
            points.append(theta)
            losses.append(loss)
            norms.append(math.sqrt(g_exact @ g_exact))
    path = Trajectory(getattr(method, "name", str(method)), problem.name, np.array(points),
                      np.array(losses), np.array(norms), diverged_at)
    if path.diverged and raise_on_divergence:
        raise Diverged(path.message + f" (|loss| above {limit:.3g} or not finite)")
    return path


def minibatch_gradient(problem, batch_size: int, seed: int = 0, shuffle: bool = True) -> Callable:
    """(θ, k) -> the gradient on the k-th minibatch of `batch_size` examples of a
    `problems.Regression`. Each epoch visits every example once, in a fresh random order if
    `shuffle` (else in the stored order), split into ⌈N / batch_size⌉ batches of batch_size or one
    fewer examples."""
    n = len(problem.y)
    batch_size = int(check_positive(batch_size, "batch_size"))
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the {n} examples, got {batch_size}")
    rng = np.random.default_rng(seed)
    batches: list[np.ndarray] = []

    def gradient(theta, k):
        if not batches:
            order = rng.permutation(n) if shuffle else np.arange(n)
            batches.extend(np.array_split(order, -(-n // batch_size)))
        return problem.batch_grad(theta, batches.pop(0))

    return gradient
