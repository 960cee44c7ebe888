"""Racing optimisers: first-order rules (`optim`) against second-order methods on the same
problems, counting iterations, function/gradient/Hessian evaluations and wall time. (Training a
torch network with these methods: the adapter `torch_training`.)

The problems come from `problems` (there: the n-dimensional ill-conditioned quadratic and
L2-regularised logistic regression on scikit-learn's breast-cancer data).

Every method stops when ‖∇f‖_∞ ≤ tol, SciPy's criterion, so the counts compare with
`scipy.optimize.minimize`'s `nit`, `nfev`, `njev`.

A first-order contender is a rule of `optim`, or the name of one in the registry
(`optim.REGISTRY`), built with its comparison learning rate unless `lr` is given; a
second-order one is a key of SECOND_ORDER.

Bad input (a method that is not a rule or a known name, a problem that is not a `Problem`, θ₀
of the wrong shape or not finite, tol < 0, budgets that are not whole numbers, tensors of
tensors) raises TypeError or ValueError naming the argument; a run whose gradient or loss
becomes non-finite raises `trajectory.Diverged`, the library's one exception for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from . import conjugate_gradient, quasi_newton, second_order
from .optim import REGISTRY, Optimizer
from .problems import Problem, as_problem, check_problem
from .trajectory import Diverged, iterate, rule
from .validation import (check_choice, check_function, check_point, check_positive, check_start, check_whole,
                         checked)

# -- counting and racing -------------------------------------------------------------------


class Counted:
    """Wraps a callable and counts its calls (`.calls`)."""

    def __init__(self, fn):
        self.fn, self.calls = check_function(fn, "fn"), 0

    def __call__(self, x):
        self.calls += 1
        return self.fn(x)


@dataclass(frozen=True)
class Lap:
    """One method on one problem: iterations to ‖∇f‖_∞ ≤ tol (None if not reached within the
    budget), evaluations of f, ∇f and ∇²f, wall time, and ‖∇f‖₂ after each iteration."""

    method: str
    iterations: int | None
    f_evals: int
    grad_evals: int
    hess_evals: int
    seconds: float
    grad_norms: np.ndarray
    final: np.ndarray


def first_order(opt: Optimizer, f, grad, theta0, tol: float = 1e-5, max_iter: int = 5000):
    """Run a first-order rule from `optim` with `trajectory.iterate` until ‖∇f‖_∞ ≤ tol.
    Returns (final θ, iterations or None, ‖∇f‖₂ history). f is evaluated for the record and the
    divergence test only (`lap` passes the problem's f uncounted: the rules do not need it).

    Raises TypeError unless opt is an `optim.Optimizer`, ValueError if θ₀ is not a finite
    vector, tol < 0, max_iter is not a whole number >= 0, f(θ₀) or ∇f(θ₀) is not finite, or f or
    grad raise or return the wrong shape (θ₀ of the wrong length, most often), and `Diverged` if
    the loss or gradient becomes non-finite (or the loss explodes) later."""
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an optim.Optimizer (e.g. optim.adam()), got {type(opt).__name__}")
    theta = check_point(theta0)
    f, grad = checked(f, "f", ()), checked(grad, "grad", theta.shape)
    tol, max_iter = check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")
    try:
        path = iterate(rule(opt, f, grad), theta, tol=tol, max_iter=max_iter)
    except ValueError as error:  # f or grad refused θ: most often a theta0 of the wrong length
        raise ValueError(f"{error} (theta0 has shape {theta.shape})") from error
    if path.diverged:
        raise Diverged(f"{opt.name} diverged at step {path.diverged_at}: the loss or gradient is not "
                       "finite, or the loss exploded (try a smaller lr)")
    return path.final, (path.steps if path.converged else None), path.grad_norms


SECOND_ORDER = {  # name -> method(problem, theta0, tol=...), with the race's settings
    "Newton (line search)": partial(second_order.newton, line_search=True, max_iter=200),
    "nonlinear CG (PR)": partial(conjugate_gradient.nonlinear_cg, max_iter=20000),
    "BFGS": partial(quasi_newton.bfgs, max_iter=5000),
    "L-BFGS (m = 10)": partial(quasi_newton.lbfgs, m=10, max_iter=5000),
}


def lap(method, problem: Problem, theta0, tol: float = 1e-5, max_iter: int = 5000, *,
        lr: float | None = None) -> Lap:
    """Time one method on `problem`: `method` is an `optim.Optimizer`, the name of a rule in
    `optim.REGISTRY` (with its default hyper-parameters and learning rate `lr`, by default the
    entry's comparison rate), or a key of SECOND_ORDER. Raises TypeError/ValueError for another
    method, an lr for a method that is not a registered rule, a Newton method on a problem
    without a Hessian, or a bad problem, θ₀, tol or max_iter."""
    check_problem(problem)
    if isinstance(method, str) and method in REGISTRY:
        entry = REGISTRY[method]
        method = entry.make(lr=entry.lr if lr is None else lr)
    elif lr is not None:
        raise ValueError(f"lr is for a rule named in optim.REGISTRY ({', '.join(REGISTRY)}), "
                         f"not for method {method!r}")
    if not isinstance(method, Optimizer):
        check_choice(method, "method", [*REGISTRY, *SECOND_ORDER])
        if method.startswith("Newton") and problem.hess is None:
            raise ValueError(f"method {method!r} needs a Hessian, and problem {problem.name} has none")
    theta0 = problem.check_point(theta0, "theta0")
    tol, max_iter = check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")
    f, grad = Counted(problem.f), Counted(problem.grad)
    hess = None if problem.hess is None else Counted(problem.hess)
    start = time.perf_counter()
    if isinstance(method, Optimizer):
        name = method.name
        final, iterations, norms = first_order(method, problem.f, grad, theta0, tol, max_iter)
    else:
        name = method
        path = SECOND_ORDER[method](as_problem(f, grad, hess, dim=problem.dim, name=problem.name), theta0,
                                    tol=tol)
        final, norms = path.final, path.grad_norms
        iterations = path.steps if path.converged else None
    seconds = time.perf_counter() - start
    hess_evals = 0 if hess is None else hess.calls
    return Lap(name, iterations, f.calls, grad.calls, hess_evals, seconds, norms, final)


def scipy_lap(method: str, problem: Problem, theta0, tol: float = 1e-5) -> Lap:
    """The same lap with `scipy.optimize.minimize` (method "BFGS", "L-BFGS-B", "CG" or
    "Newton-CG"), stopping at the same gradient tolerance tol > 0. Raises TypeError/ValueError
    for another method, Newton-CG on a problem without a Hessian, or a bad problem, θ₀ or tol,
    and `Diverged` if SciPy ends at a non-finite point."""
    from scipy.optimize import minimize

    check_choice(method, "method", ["BFGS", "L-BFGS-B", "CG", "Newton-CG"])
    check_problem(problem)
    if method == "Newton-CG" and problem.hess is None:
        raise ValueError(f"method 'Newton-CG' needs a Hessian, and problem {problem.name} has none")
    theta0 = problem.check_point(theta0, "theta0")
    with np.errstate(over="ignore", invalid="ignore"):  # f(θ₀) = inf is refused by check_start
        check_start(problem.f(theta0), theta0, problem.name)
    tol = check_positive(tol, "tol")  # SciPy's BFGS divides 0 by 0 when asked for gtol = 0
    options = {"gtol": tol}
    if method == "L-BFGS-B":
        options.update(ftol=1e-15, maxcor=10)
    kwargs = {"hess": problem.hess} if method == "Newton-CG" else {}
    if method == "Newton-CG":
        options = {"xtol": 1e-12}
    f, grad = Counted(problem.f), Counted(problem.grad)
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # SciPy may try points where f overflows: checked below
        result = minimize(f, theta0, jac=grad, method=method, options=options, **kwargs)
    seconds = time.perf_counter() - start
    if not np.isfinite(result.x).all():
        raise Diverged(f"SciPy's {method} ended at a non-finite point: {result.message}")
    return Lap(f"SciPy {method}", int(result.nit), f.calls, grad.calls,
               int(getattr(result, "nhev", 0) or 0), seconds, np.array([]), result.x)


def race_table(laps: list[Lap]) -> str:
    """The laps as a Markdown table (iterations, evaluations, milliseconds); TypeError unless
    `laps` is a list of `Lap`s."""
    if not isinstance(laps, (list, tuple)) or not all(isinstance(r, Lap) for r in laps):
        raise TypeError(f"laps must be a list of Lap (from lap or scipy_lap), got {type(laps).__name__}")
    lines = ["| method | iterations | f evals | ∇f evals | ∇²f evals | time (ms) |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in laps:
        its = "not reached" if r.iterations is None else str(r.iterations)
        lines.append(f"| {r.method} | {its} | {r.f_evals} | {r.grad_evals} | {r.hess_evals} "
                     f"| {1e3 * r.seconds:.1f} |")
    return "\n".join(lines)
