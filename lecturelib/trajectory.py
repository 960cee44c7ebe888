"""Run an optimiser on a problem and record what happens: iterates, losses, gradient norms, and
whether (and when) it diverged.

    path = run(momentum(lr=0.1, beta=0.9), canyon(20), theta0=[-5, 2], steps=100)
    path.points        # (k + 1, d): θ₀, θ₁, …
    path.losses        # (k + 1,): f(θ₀), f(θ₁), …
    path.grad_norms    # (k + 1,): ‖∇f(θ₀)‖, …
    path.diverged_at   # None, or the step at which the loss became non-finite or exploded
    path.reason        # why it stopped: CONVERGED, MAX_ITER, LINE_SEARCH_FAILED, DIVERGED or STEPS
    path.message       # "converged in 21 steps …" / "diverged at step 7 on …"

A run that diverges stops there and says so, instead of returning NaNs for a figure to draw.
`second_order` (chapter 5) reuses `Trajectory` and `run` with its own update rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .problems import Problem, check_problem
from .validation import as_float_array, check_choice, check_positive, check_whole


# Why a run stopped (`Trajectory.reason`); `message` turns each into a sentence.
STEPS = "steps"                      # a fixed number of steps was asked for and taken
CONVERGED = "converged"              # the stopping test (gradient norm <= tol) held
MAX_ITER = "max_iter"                # the iteration limit came first
LINE_SEARCH_FAILED = "line search failed"  # no acceptable step along the search direction
DIVERGED = "diverged"                # the loss became non-finite or exploded


def check_start(f0, theta0, problem: str = "f") -> float:
    """Return f(θ₀) as a float, or raise ValueError if it is not finite: every solver refuses a
    start where the loss is NaN or ±inf, with the same message."""
    try:
        value = float(f0)
    except (TypeError, ValueError):
        raise TypeError(f"{problem} must return a real number, got {type(f0).__name__} at θ₀") from None
    if not math.isfinite(value):
        raise ValueError(f"{problem} is not finite at θ₀ = {np.asarray(theta0)} (f = {value}); "
                         "start at a point where the loss is a finite number")
    return value


def check_start_gradient(g0, theta0, problem: str = "f") -> np.ndarray:
    """Return ∇f(θ₀) as a float array, or raise ValueError if it is not finite (the companion of
    `check_start` for methods that use the gradient at the start)."""
    g0 = np.asarray(g0, dtype=float)
    if not np.isfinite(g0).all():
        raise ValueError(f"the gradient of {problem} is not finite at θ₀ = {theta0}; start at a "
                         "point where f is differentiable")
    return g0


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
    reason: str = STEPS

    def __post_init__(self):
        if self.diverged_at is not None and self.reason != DIVERGED:
            object.__setattr__(self, "reason", DIVERGED)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def converged(self) -> bool:
        return self.reason == CONVERGED

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]

    @property
    def message(self) -> str:
        """Why the run stopped, in one sentence."""
        if self.diverged:
            return (f"{self.method} diverged at step {self.diverged_at} on {self.problem}: the loss "
                    "became non-finite or exploded (try a smaller step size)")
        final = f"final loss {self.losses[-1] + 0.0:.3g}, ‖∇f‖ = {self.grad_norms[-1]:.3g}"
        if self.reason == CONVERGED:
            return f"{self.method} converged in {self.steps} steps on {self.problem}: {final}"
        if self.reason == MAX_ITER:
            return (f"{self.method} did not converge on {self.problem}: it stopped at the iteration "
                    f"limit after {self.steps} steps ({final})")
        if self.reason == LINE_SEARCH_FAILED:
            return (f"{self.method} failed on {self.problem} after {self.steps} steps: no step along "
                    "the search direction lowered f enough; f may be unbounded below, the gradient may "
                    f"be wrong, or tol may be below what rounding allows ({final})")
        return f"{self.method}: {self.steps} steps, final loss {self.losses[-1]:.3g}"


MAX_STEPS = 10**6  # run keeps every iterate in memory


def run(method, problem: Problem, theta0, steps: int, *, gradient: Callable | None = None,
        explode: float = 1e8, raise_on_divergence: bool = False) -> Trajectory:
    """Run `method` (a `lecturelib.optim.Optimizer`) for `steps` steps from θ₀ on `problem`.

    gradient: (θ, k) -> the gradient used at step k (e.g. a minibatch estimate); by default the
              exact `problem.grad(θ)`, evaluated at `method.eval_point` (the look-ahead point for
              Nesterov-type rules). Losses and gradient norms are always the exact ones at θ_k.
    explode:  the run diverges when the loss is non-finite or |f(θ_k)| > explode · (1 + |f(θ₀)|),
              or when the gradient it would step with is non-finite.

    The trajectory's `reason` is STEPS, or DIVERGED. Raises TypeError if `method` is not an
    optimiser or `problem` not a `Problem`; ValueError if θ₀ has the wrong shape or is not
    finite, if f(θ₀) or ∇f(θ₀) is not finite, if steps is not a whole number in [0, MAX_STEPS]
    or explode is not > 0; and `Diverged` if the run diverges and `raise_on_divergence` is set."""
    if not all(callable(getattr(method, name, None)) for name in ("init", "update", "eval_point")):
        raise TypeError(f"method must be an optimiser from lecturelib.optim (e.g. optim.sgd(0.1)), "
                        f"got {type(method).__name__}")
    check_problem(problem)
    if gradient is not None and not callable(gradient):
        raise TypeError(f"gradient must be None or a function (θ, k) -> ∇, got {type(gradient).__name__}")
    theta = problem.check_point(theta0, "theta0")
    steps = check_whole(steps, "steps")
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be <= {MAX_STEPS} (run keeps every iterate), got {steps}")
    explode = check_positive(explode, "explode")
    check_choice(raise_on_divergence, "raise_on_divergence", [True, False])
    first = check_start(problem.f(theta), theta, problem.name)
    limit = explode * (1 + abs(first))
    exact = gradient is None and getattr(method, "lookahead", None) is None
    gradient = gradient or (lambda point, k: problem.grad(point))
    state = method.init(theta)
    # ∇f(θ_k), recorded, and reused as the step's gradient
    g_exact = check_start_gradient(problem.grad(theta), theta, problem.name)
    points, losses, norms = [theta], [first], [math.sqrt(g_exact @ g_exact)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            if exact:
                g = g_exact
            else:
                g = as_float_array(_call(gradient, method.eval_point(theta, state), k), "gradient(θ, k)",
                                   allow_nan=True)
                if g.shape != theta.shape:
                    raise ValueError(f"gradient(θ, {k}) returned shape {g.shape}; it must match θ's shape "
                                     f"{theta.shape}")
                if not np.isfinite(g).all():  # the look-ahead point or a minibatch overflowed
                    diverged_at = k + 1
                    break
            step, state = method.update(g, state, theta)
            theta = theta + step
            loss = problem.f(theta)
            if not (math.isfinite(loss) and abs(loss) <= limit and np.isfinite(theta).all()):
                diverged_at = k + 1
                break
            g_exact = problem.grad(theta)
            if not np.isfinite(g_exact).all():
                diverged_at = k + 1
                break
            points.append(theta)
            losses.append(loss)
            norms.append(math.sqrt(g_exact @ g_exact))
    path = Trajectory(getattr(method, "name", str(method)), problem.name, np.array(points),
                      np.array(losses), np.array(norms), diverged_at, reason=STEPS)
    if path.diverged and raise_on_divergence:
        raise Diverged(path.message + f" (|loss| above {limit:.3g} or not finite)")
    return path


def _call(gradient, theta, k):
    """gradient(θ, k), with an error it raises for bad input labelled as coming from `gradient`."""
    try:
        return gradient(theta, k)
    except (TypeError, ValueError) as error:
        raise type(error)(f"gradient(θ, {k}) raised {type(error).__name__}: {error}") from error


def minibatch_gradient(problem, batch_size: int, seed: int = 0, shuffle: bool = True) -> Callable:
    """(θ, k) -> the gradient on the k-th minibatch of `batch_size` examples of a
    `problems.Regression`. Each epoch visits every example once, in a fresh random order if
    `shuffle` (else in the stored order), split into ⌈N / batch_size⌉ batches of batch_size or one
    fewer examples.

    Raises TypeError if `problem` has no data (`y` and `batch_grad`), ValueError unless
    1 <= batch_size <= N and seed is a whole number >= 0."""
    if not (hasattr(problem, "y") and callable(getattr(problem, "batch_grad", None))):
        raise TypeError(f"problem must be a problems.Regression (data y and batch_grad), "
                        f"got {type(problem).__name__}")
    n = len(problem.y)
    batch_size = check_whole(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the {n} examples, got {batch_size}")
    rng = np.random.default_rng(check_whole(seed, "seed"))
    shuffle = check_choice(shuffle, "shuffle", [True, False])
    batches: list[np.ndarray] = []

    def gradient(theta, k):
        if not batches:
            order = rng.permutation(n) if shuffle else np.arange(n)
            batches.extend(np.array_split(order, -(-n // batch_size)))
        return problem.batch_grad(theta, batches.pop(0))

    return gradient
