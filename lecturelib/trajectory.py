"""The one iteration loop of the library, and what it records: iterates, losses, gradient
norms, whether (and when) the run diverged, and why it stopped.

    path = run(momentum(lr=0.1, beta=0.9), canyon(20), theta0=[-5, 2], steps=100)
    path.points        # (k + 1, d): θ₀, θ₁, …
    path.losses        # (k + 1,): f(θ₀), f(θ₁), …
    path.grad_norms    # (k + 1,): ‖∇f(θ₀)‖₂, …
    path.diverged_at   # None, or the step at which the loss became non-finite or exploded
    path.reason        # why it stopped: CONVERGED, MAX_ITER, LINE_SEARCH_FAILED, DIVERGED or STEPS
    path.message       # "converged in 21 steps …" / "diverged at step 7 on …"

Every method of chapters 4 and 5 (the `optim` rules through `run`, steepest and coordinate
descent, Newton, BFGS, L-BFGS, nonlinear CG, Gauss-Newton, Levenberg-Marquardt) is a `Method`,
its step with explicit state, and `iterate` runs it. So does every training of a network
(`training.fit`: a rule on a loss sampled by minibatches, θ a NumPy vector or a network's
tensors): chapters 1 to 4 train through it, and `torch_training` runs torch.optim's own
optimisers in it. The loop alone records the path, applies the stopping test, detects
divergence and says why the run stopped:

    stopping test   ‖∇f(θ_k)‖_∞ ≤ tol  (the test of scipy.optimize.minimize's BFGS and CG, `gtol`)
    divergence      f(θ_k) not finite, |f(θ_k)| > explode·(1 + |f(θ₀)|), θ_k or ∇f(θ_k) not finite

A run that diverges stops there and says so, instead of returning NaNs for a figure to draw; the
functions that return a trained model instead of a Trajectory raise `Diverged`, the one
exception of the library for it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .optimizer import add, all_finite, is_list, non_finite, overflow_message
from .problems import Problem, check_problem
from .validation import (Diverged, as_float_array, check_callback, check_choice, check_positive, check_start,
                         check_start_gradient, check_whole)


# Why a run stopped (`Trajectory.reason`); `message` turns each into a sentence.
STEPS = "steps"                      # a fixed number of steps was asked for and taken
STOPPED = "stopped"                  # the callback asked to stop (an epoch budget, early stopping)
CONVERGED = "converged"              # the stopping test (gradient norm <= tol) held
MAX_ITER = "max_iter"                # the iteration limit came first
LINE_SEARCH_FAILED = "line search failed"  # no acceptable step along the search direction
DIVERGED = "diverged"                # the loss became non-finite or exploded


@dataclass(frozen=True)
class Trajectory:
    """What `iterate` records. Every array has one row per point visited (θ₀ included)."""

    method: str
    problem: str
    points: np.ndarray | None  # None for a run that keeps only its last point (`fit`)
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None = None
    reason: str = STEPS
    last: object = None  # the final θ: an array, a tensor or a list of them
    why: str = ""  # what a step that raised Diverged said

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
        return len(self.losses) - 1

    @property
    def final(self):
        """θ after the last step that did not diverge (the trained weights, for `fit`)."""
        return self.last if self.points is None else self.points[-1]

    @property
    def message(self) -> str:
        """Why the run stopped, in one sentence."""
        if self.diverged:
            what = self.why or "the loss became non-finite or exploded"
            return (f"{self.method} diverged at step {self.diverged_at} on {self.problem}: {what} "
                    "(try a smaller step size)")
        final = f"final loss {self.losses[-1] + 0.0:.3g}, ‖∇f‖ = {self.grad_norms[-1]:.3g}"
        if self.reason == CONVERGED:
            return f"{self.method} converged in {self.steps} steps on {self.problem}: {final}"
        if self.reason == MAX_ITER:
            return (f"{self.method} did not converge on {self.problem}: it stopped at the iteration "
                    f"limit after {self.steps} steps ({final})")
        if self.reason == STOPPED:
            return f"{self.method} stopped after {self.steps} steps on {self.problem}, as asked ({final})"
        if self.reason == LINE_SEARCH_FAILED:
            return (f"{self.method} failed on {self.problem} after {self.steps} steps: no step along "
                    "the search direction lowered f enough; f may be unbounded below, the gradient may "
                    f"be wrong, or tol may be below what rounding allows ({final})")
        return f"{self.method}: {self.steps} steps, final loss {self.losses[-1]:.3g}"


class LineSearchError(RuntimeError):
    """No acceptable step was found along the search direction: a step raises it, and `iterate`
    stops with reason LINE_SEARCH_FAILED."""


@dataclass(frozen=True)
class Method:
    """An iterative method as `iterate` runs it: a name and three pure functions. The state is
    explicit data (a dict, a tuple), returned by each function and never mutated behind the
    loop's back, so a callback can print or plot it.

        init(θ₀)               -> (f(θ₀), state)
        step(θ, f, g, state)   -> (θ_new, f(θ_new), state)    g = ∇f(θ); raises LineSearchError if
                                                               no acceptable step exists, Diverged
                                                               if the step itself overflowed
        gradient(θ, state)     -> (∇f(θ), state)              at θ₀ and at each θ_new that did
                                                               not diverge
    """

    name: str
    init: Callable
    step: Callable
    gradient: Callable


def descent(name: str, f: Callable, grad: Callable, step: Callable, state=None) -> Method:
    """The common Method: `step(θ, f(θ), ∇f(θ), state) -> (θ_new, state)` gives the new point,
    and f and ∇f are evaluated there (f first: the loop tests it for divergence before ∇f)."""
    def full_step(theta, loss, g, state):
        theta, state = step(theta, loss, g, state)
        return theta, f(theta), state

    return Method(name, lambda theta: (f(theta), state), full_step, lambda theta, s: (grad(theta), s))


def converged(g, tol: float) -> bool:
    """The stopping test of every method: ‖g‖_∞ ≤ tol (SciPy's `gtol` test for BFGS and CG)."""
    return bool(np.abs(g).max() <= tol)


def _finite(x) -> bool:
    """Every entry of the array, tensor or list of them is finite."""
    if type(x) is np.ndarray:  # a finite sum means finite entries; an overflowing one is checked entry by entry
        return math.isfinite(float(x.sum())) or bool(np.isfinite(x).all())
    if isinstance(x, np.ndarray):
        return bool(np.isfinite(x).all())
    leaves = list(x) if is_list(x) else [x]
    return all_finite(*leaves) or not any(non_finite(v) for v in leaves)


def _norm(g) -> float:
    """‖g‖₂ of an array, a tensor or a list of them (all entries together); NaN for None."""
    if isinstance(g, np.ndarray):
        return math.sqrt(np.vdot(g, g))
    if g is None:
        return math.nan
    return math.sqrt(sum(float((v * v).sum()) for v in (g if is_list(g) else [g])))


def _first_gradient(g, theta, problem: str):
    """∇f(θ₀), checked: finite and of θ₀'s shape (`check_start_gradient`) for a NumPy vector;
    finite for a tensor or a list of them; None for a method that does not report it."""
    if g is None or isinstance(theta, np.ndarray):
        return g if g is None else check_start_gradient(g, theta, problem)
    if not _finite(g):
        raise ValueError(f"the gradient of {problem} is not finite at the start; start at a point "
                         "where the loss is differentiable")
    return g


def iterate(method: Method, theta0, *, max_iter: int, tol: float | None = None, problem: str = "f",
            explode: float = 1e8, callback: Callable | None = None, keep_points: bool = True) -> Trajectory:
    """Run `method` from θ₀ for at most max_iter steps: the loop of every optimiser and every
    training in the library. θ₀ is a checked float vector, or (for a network, `training.fit`) a
    tensor or a list of arrays or tensors.

    Before each step it stops if ‖∇f(θ_k)‖_∞ ≤ tol (reason CONVERGED; tol = None: no test, the
    run takes all max_iter steps and its reason is STEPS); a step that raises LineSearchError
    stops it (LINE_SEARCH_FAILED); a new point whose f is not finite or exceeds
    explode·(1 + |f(θ₀)|), or whose θ or ∇f is not finite, is not recorded and stops it
    (DIVERGED, `diverged_at` = the step); so does a step that raises `Diverged`; otherwise it
    stops after max_iter steps (MAX_ITER). callback(k, θ_k, state) runs after each recorded
    step; if it returns True the run stops there (STOPPED: an epoch budget, early stopping). Records θ₀ and every accepted θ_k (only the last with keep_points=False), f(θ_k) and
    ‖∇f(θ_k)‖₂ (NaN when the method's gradient is None: it does not report one, and tol must
    then be None). Raises ValueError if f(θ₀) or ∇f(θ₀) is not finite (`check_start`)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        theta = theta0
        loss, state = method.init(theta)
        loss = check_start(loss, theta, problem)
        g, state = method.gradient(theta, state)
        g = _first_gradient(g, theta, problem)
        if g is None and tol is not None:
            raise ValueError(f"{method.name} does not report its gradient, so it has no stopping test: "
                             f"tol must be None, got {tol}")
        limit = explode * (1 + abs(loss))
        points, losses, norms = [theta], [loss], [_norm(g)]
        reason, diverged_at, why = None, None, ""
        for k in range(max_iter):
            if tol is not None and converged(g, tol):
                break
            try:
                theta_new, loss, state = method.step(theta, losses[-1], g, state)
            except LineSearchError:
                reason = LINE_SEARCH_FAILED
                break
            except Diverged as error:
                diverged_at, why = k + 1, str(error)
                break
            if not (math.isfinite(loss) and abs(loss) <= limit and _finite(theta_new)):
                diverged_at = k + 1
                break
            g_new, state = method.gradient(theta_new, state)
            if g_new is not None and not _finite(g_new):
                diverged_at = k + 1
                break
            theta, g = theta_new, g_new
            if keep_points:
                points.append(theta)
            losses.append(loss)
            norms.append(_norm(g))
            if callback is not None and callback(k + 1, theta, state) is True:
                reason = STOPPED
                break
    if reason is None:
        reason = STEPS if tol is None else CONVERGED if converged(g, tol) else MAX_ITER
    return Trajectory(method.name, problem, np.array(points) if keep_points else None, np.array(losses),
                      np.array(norms), diverged_at, reason, theta, why)


def rule(opt, f: Callable, grad: Callable, gradient: Callable | None = None) -> Method:
    """A first-order rule of `lecturelib.optim` as a Method; its state is (the rule's state, k).

    gradient: (θ, k) -> the gradient the rule steps with at step k (a minibatch estimate), at
    `opt.eval_point` (the look-ahead point of Nesterov-type rules); by default the exact ∇f(θ_k)
    that the loop already evaluated. A non-finite step gradient is divergence."""
    lookahead = getattr(opt, "lookahead", None)
    exact = gradient is None and lookahead is None
    gradient = gradient or (lambda point, k: grad(point))
    take_step = stepper(opt)

    def step(theta, loss, g, state):
        rule_state, k = state
        if not exact:
            point = theta if lookahead is None else lookahead(theta, rule_state)
            g = _call(gradient, point, k)
            if not (type(g) is np.ndarray and g.dtype == np.float64):  # a minibatch gradient usually is
                g = as_float_array(g, "gradient(θ, k)", allow_nan=True)
            if g.shape != theta.shape:
                raise ValueError(f"gradient(θ, {k}) returned shape {g.shape}; it must match θ's shape "
                                 f"{theta.shape}")
            if not np.isfinite(g).all():  # the look-ahead point or a minibatch overflowed
                raise Diverged(f"gradient(θ, {k}) is not finite")
        theta, rule_state = take_step(theta, g, rule_state)
        return theta, f(theta), (rule_state, k + 1)

    return Method(getattr(opt, "name", str(opt)), lambda theta: (f(theta), (opt.init(theta), 0)), step,
                  lambda theta, state: (grad(theta), state))


def stepper(opt) -> Callable:
    """(θ, g, state) -> (θ_new, state): the rule's step without per-step input checks (the loop
    has checked g and made the state): `opt.step` (an `optim.Optimizer`, the torch.optim bridge
    of `torch_optim`), or `update` then θ + Δθ for any other object with the optimiser interface."""
    if callable(getattr(opt, "step", None)):
        return opt.step

    def step(theta, g, state):
        update, state = opt.update(g, state, theta)
        return add(theta, update), state

    return step


MAX_STEPS = 10**6  # run keeps every iterate in memory


def run(method, problem: Problem, theta0, steps: int, *, gradient: Callable | None = None,
        explode: float = 1e8, raise_on_divergence: bool = False, callback: Callable | None = None) -> Trajectory:
    """Run `method` (a `lecturelib.optim.Optimizer`, or torch.optim through
    `torch_optim.from_torch`) for `steps` steps from θ₀ on `problem`.

    gradient: (θ, k) -> the gradient used at step k (e.g. a minibatch estimate); by default the
              exact `problem.grad(θ)`, evaluated at `method.eval_point` (the look-ahead point for
              Nesterov-type rules). Losses and gradient norms are always the exact ones at θ_k.
    explode:  the run diverges when the loss is non-finite or |f(θ_k)| > explode · (1 + |f(θ₀)|),
              or when the gradient it would step with is non-finite.
    callback: (k, θ_k, the rule's state after k steps) -> None, after each step (to record what
              the state holds: per-parameter rates, averages).

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
    check_callback(callback)
    report = None if callback is None else (lambda k, theta, state: callback(k, theta, state[0]))
    path = iterate(rule(method, problem.f, problem.grad, gradient), theta, max_iter=steps,
                   problem=problem.name, explode=explode, callback=report)
    if path.diverged and raise_on_divergence:
        limit = explode * (1 + abs(path.losses[0]))
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
    # the indices come from a permutation of 0 … N − 1: a Regression skips re-checking them
    batch_grad = getattr(problem, "unchecked_batch_grad", problem.batch_grad)

    def gradient(theta, k):
        if not batches:
            order = rng.permutation(n) if shuffle else np.arange(n)
            batches.extend(np.array_split(order, -(-n // batch_size)))
        return batch_grad(theta, batches.pop(0))

    return gradient


# -- a learning-rate sweep: one run per rate, side by side in the loop ------------------------


def sweep(name: str, problem: Problem, theta0, steps: int, rates, *, explode: float = 1e8) -> list[Trajectory]:
    """One trajectory per learning rate ε in `rates`, each equal to
    `run(REGISTRY[name].make(lr=ε), problem, theta0, steps, explode=explode)`, point for point,
    but the runs are taken together (Bengio's advice, chapter 4: try a grid of rates; the best is
    usually near the largest that does not diverge). θ holds one row per rate, and each step is
    one step of the rule on all rows, with the rates as a column:

        θ ← θ + rule(g, state, ε, θ),   θ and g of shape (rates, n), ε of shape (rates, 1).

    This is exact because a rule of the registry uses ε only as the `lr` it is given, and only
    +, −, ×, ÷ and √ elementwise, so rows never mix (tests/test_sweep.py checks every rule of
    `optim.REGISTRY` against its separate runs). The loop is `iterate`, with the grid as its θ;
    a row stops where its own run would (its loss not finite or above explode·(1 + |f(θ₀)|), or
    its θ, gradient, step or state not finite) and the other rows go on.

    name:    a rule of the registry, e.g. "Adam" (its other hyper-parameters at their defaults).
    rates:   the learning rates, numbers > 0 (a list or a 1-D array).
    Bad input raises as `run` does, and ValueError for a name not in the registry or rates that
    are not a non-empty list of numbers > 0."""
    from .optim import REGISTRY  # the rules; imported here, as optim's rules never need the loop

    check_choice(name, "name", list(REGISTRY))
    check_problem(problem)
    theta = problem.check_point(theta0, "theta0")
    steps = check_whole(steps, "steps")
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be <= {MAX_STEPS} (a sweep keeps every iterate), got {steps}")
    explode = check_positive(explode, "explode")
    rates = as_float_array(rates, "rates")
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError(f"rates must be a non-empty list of learning rates, got shape {rates.shape}")
    for i, rate in enumerate(rates):
        check_positive(rate, f"rates[{i}] (a learning rate)")
    opts = [REGISTRY[name].make(lr=float(rate)) for rate in rates]  # each rate checked as `run` would
    f0 = check_start(problem.f(theta), theta, problem.name)
    g0 = check_start_gradient(problem.grad(theta), theta, problem.name)
    limit = explode * (1 + abs(f0))
    rows = _Rows(opts, problem, limit, f0, g0)
    grid = iterate(rows.method(), np.tile(theta, (len(rates), 1)), max_iter=steps, problem=problem.name,
                   explode=np.inf, callback=rows.record)
    return rows.trajectories(grid.points, problem.name)


class _Rows:
    """The rows of a sweep as one `Method`: the batched step, and what each row's own
    run would record (its loss, gradient norm, and where and why it diverged)."""

    def __init__(self, opts, problem, limit, f0, g0):
        self.opts, self.problem, self.limit = opts, problem, limit
        self.opt = opts[0]  # the rule; only ε differs between the rows
        self.lr = np.array([[float(o.lr)] for o in opts])
        n = len(opts)
        self.alive = np.ones(n, dtype=bool)
        self.diverged_at = [None] * n
        self.why = [""] * n
        self.loss = np.full(n, f0)
        self.g = np.tile(g0, (n, 1))
        self.losses, self.norms = [self.loss.copy()], [_norms(self.g)]

    def method(self) -> Method:
        def init(theta):
            state = self.opt.init(theta)
            return float(self.loss.mean()), (state, 0)

        def gradient(theta, state):
            return self.g, state

        return Method(self.opt.name, init, self.step, gradient)

    def step(self, theta, loss, g, state):
        rule_state, k = state
        if self.opt.lookahead is not None:  # Nesterov-type rules: the gradient at θ̃, row by row
            g = self._gradients(self.opt.lookahead(theta, rule_state), g)
            self._stop(~np.isfinite(g).all(axis=1), k, f"gradient(θ, {k}) is not finite")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            step, new_state = self.opt.rule(g, rule_state, self.lr, theta)
            arrays = [step, *(v for v in new_state.values() if np.shape(v) == theta.shape)]
            overflow = ~np.logical_and.reduce([np.isfinite(a).all(axis=1) for a in arrays])
            self._stop(overflow, k, lambda i: overflow_message(self.opt.name, g[i], rule_state["t"],
                                                                float(self.lr[i, 0])))
            candidate = theta + step
        losses = self.loss.copy()
        for i in np.flatnonzero(self.alive):
            losses[i] = self.problem.f(candidate[i])
        good = np.isfinite(losses) & (np.abs(losses) <= self.limit) & np.isfinite(candidate).all(axis=1)
        self._stop(~good, k)
        g_new = self._gradients(candidate, self.g)
        self._stop(~np.isfinite(g_new).all(axis=1), k)
        keep = self.alive[:, None]  # a row that stopped keeps its last θ, loss, gradient (its state
        # goes on, unread)
        theta = np.where(keep, candidate, theta)
        self.loss = np.where(self.alive, losses, self.loss)
        self.g = np.where(keep, g_new, self.g)
        return theta, float(self.loss.mean()), ({**new_state, "t": rule_state["t"] + 1}, k + 1)

    def _stop(self, rows, k, why=""):
        """Rows (a boolean mask) that diverge at step k + 1, as their own runs would."""
        rows &= self.alive
        if rows.any():
            for i in np.flatnonzero(rows):
                self.diverged_at[i], self.why[i] = k + 1, why if isinstance(why, str) else why(i)
            self.alive &= ~rows

    def _gradients(self, points, g):
        """∇f at each row of `points` that is still running; g's row for the others."""
        out = g.copy()
        for i in np.flatnonzero(self.alive):
            out[i] = self.problem.grad(points[i])
        return out

    def record(self, k, theta, state):
        self.losses.append(self.loss.copy())
        self.norms.append(_norms(self.g))
        return not self.alive.any()  # every row has stopped: the sweep is over

    def trajectories(self, points, problem: str) -> list[Trajectory]:
        losses, norms = np.array(self.losses), np.array(self.norms)
        paths = []
        for i, opt in enumerate(self.opts):
            end = len(losses) if self.diverged_at[i] is None else self.diverged_at[i]
            path = points[:end, i]
            paths.append(Trajectory(opt.name, problem, path, losses[:end, i], norms[:end, i],
                                    self.diverged_at[i], STEPS, path[-1], self.why[i]))
        return paths


def _norms(g) -> np.ndarray:
    """‖g‖₂ of each row, as `trajectory._norm` computes it for one run: a row's dot product with
    itself by matmul, which sums as `np.vdot` does (einsum's order can differ in the last bit)."""
    with np.errstate(over="ignore"):  # a huge finite gradient has norm inf, as in `run`
        return np.sqrt(np.matmul(g[:, None, :], g[:, :, None])[:, 0, 0])
