"""Racing optimisers: first-order rules (`optim`) against second-order methods on the same
problems, counting iterations, function/gradient/Hessian evaluations and wall time; plus the
adapter that lets the NumPy optimisers train a torch network, and minibatch training in torch.

The problems come from `problems` (there: the n-dimensional ill-conditioned quadratic and
L2-regularised logistic regression on scikit-learn's breast-cancer data).

Every method stops when ‖∇f‖_∞ ≤ tol, SciPy's criterion, so the counts compare with
`scipy.optimize.minimize`'s `nit`, `nfev`, `njev`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from . import conjugate_gradient, quasi_newton, second_order
from .optim import Optimizer
from .problems import Problem
from .validation import as_float_array, check_positive

# -- counting and racing -------------------------------------------------------------------


class Counted:
    """Wraps a callable and counts its calls (`.calls`)."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

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
    """Run a first-order rule from `optim` (state, update) until ‖∇f‖_∞ ≤ tol.
    Returns (final θ, iterations or None, ‖∇f‖₂ history)."""
    theta = as_float_array(theta0, "theta0").copy()
    state, norms = opt.init(theta), []
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(max_iter) + 1):
            g = grad(opt.eval_point(theta, state))
            norms.append(float(np.linalg.norm(g)))
            if not np.isfinite(norms[-1]):
                raise ArithmeticError(f"{opt.name} diverged at step {k}")
            if np.abs(g).max() <= tol:
                return theta, k, np.array(norms)
            if k == max_iter:
                break
            step, state = opt.update(g, state, theta)
            theta = theta + step
    return theta, None, np.array(norms)


SECOND_ORDER = {
    "Newton (line search)": lambda f, g, h, x0, tol: second_order.newton(
        f, g, h, x0, line_search=True, tol=tol, max_iter=200),
    "nonlinear CG (PR)": lambda f, g, h, x0, tol: conjugate_gradient.nonlinear_cg(
        f, g, x0, tol=tol, max_iter=20000),
    "BFGS": lambda f, g, h, x0, tol: quasi_newton.bfgs(f, g, x0, tol=tol, max_iter=5000),
    "L-BFGS (m = 10)": lambda f, g, h, x0, tol: quasi_newton.lbfgs(f, g, x0, tol=tol,
                                                                  max_iter=5000),
}


def lap(method, problem: Problem, theta0, tol: float = 1e-5, max_iter: int = 5000) -> Lap:
    """Time one method on `problem`: `method` is an `optim.Optimizer` or a key of SECOND_ORDER."""
    f, grad = Counted(problem.f), Counted(problem.grad)
    hess = Counted(problem.hess if problem.hess is not None else _no_hessian)
    start = time.perf_counter()
    if isinstance(method, Optimizer):
        name = method.name
        final, iterations, norms = first_order(method, f, grad, theta0, tol, max_iter)
    else:
        name = method
        path = SECOND_ORDER[method](f, grad, hess, theta0, tol)
        final, norms = path.final, path.grad_norms
        iterations = path.steps if np.abs(problem.grad(final)).max() <= tol else None
    seconds = time.perf_counter() - start
    return Lap(name, iterations, f.calls, grad.calls, hess.calls, seconds, norms, final)


def _no_hessian(theta):
    raise ValueError("this problem has no Hessian: Newton needs one")


def scipy_lap(method: str, problem: Problem, theta0, tol: float = 1e-5) -> Lap:
    """The same lap with `scipy.optimize.minimize` (method "BFGS", "L-BFGS-B", "CG" or
    "Newton-CG"), stopping at the same gradient tolerance."""
    from scipy.optimize import minimize

    options = {"gtol": tol}
    if method == "L-BFGS-B":
        options.update(ftol=1e-15, maxcor=10)
    kwargs = {"hess": problem.hess} if method == "Newton-CG" else {}
    if method == "Newton-CG":
        options = {"xtol": 1e-12}
    f, grad = Counted(problem.f), Counted(problem.grad)
    start = time.perf_counter()
    result = minimize(f, as_float_array(theta0, "theta0"), jac=grad, method=method,
                      options=options, **kwargs)
    seconds = time.perf_counter() - start
    return Lap(f"SciPy {method}", int(result.nit), f.calls, grad.calls,
               int(getattr(result, "nhev", 0) or 0), seconds, np.array([]), result.x)


def race_table(laps: list[Lap]) -> str:
    """The laps as a Markdown table (iterations, evaluations, milliseconds)."""
    lines = ["| method | iterations | f evals | ∇f evals | ∇²f evals | time (ms) |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in laps:
        its = "not reached" if r.iterations is None else str(r.iterations)
        lines.append(f"| {r.method} | {its} | {r.f_evals} | {r.grad_evals} | {r.hess_evals} "
                     f"| {1e3 * r.seconds:.1f} |")
    return "\n".join(lines)


# -- torch networks: the adapter and minibatch training ------------------------------------


def flat_objective(model: torch.nn.Module, loss_fn, X: torch.Tensor, y: torch.Tensor):
    """(f, grad, θ₀): the full-batch loss of `model` as NumPy functions of one flat float64
    parameter vector, so that `quasi_newton.lbfgs` & co. can train a torch network."""
    params = list(model.parameters())

    def load(theta):
        torch.nn.utils.vector_to_parameters(torch.as_tensor(theta, dtype=params[0].dtype), params)

    def f(theta):
        load(theta)
        with torch.no_grad():
            return float(loss_fn(model(X), y))

    def grad(theta):
        load(theta)
        loss = loss_fn(model(X), y)
        grads = torch.autograd.grad(loss, params)
        return torch.cat([g.reshape(-1) for g in grads]).double().numpy()

    theta0 = torch.nn.utils.parameters_to_vector(params).detach().double().numpy().copy()
    return f, grad, theta0


def train_torch(model, loss_fn, X, y, make_optimizer, *, batch_size: int | None = None,
                epochs: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Train with a torch optimizer on minibatches (None: full batch), the closure style that
    torch.optim.LBFGS needs. Returns (examples processed / N, full-data loss) after each
    step: an L-BFGS step may evaluate its closure several times, and every evaluation counts."""
    n = X.shape[0]
    batch_size = n if batch_size is None else int(check_positive(batch_size, "batch_size"))
    optimizer = make_optimizer(model.parameters())
    generator = torch.Generator().manual_seed(seed)
    seen, epochs_seen, losses = [0], [0.0], [float(loss_fn(model(X), y).detach())]
    while epochs_seen[-1] < epochs:
        order = torch.randperm(n, generator=generator)
        for batch in order.split(batch_size):
            xb, yb = X[batch], y[batch]

            def closure():
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                seen[0] += len(batch)
                return loss

            optimizer.step(closure)
            with torch.no_grad():
                losses.append(float(loss_fn(model(X), y)))
            if not np.isfinite(losses[-1]):
                raise ArithmeticError(f"training diverged after {seen[0] / n:.2f} epochs")
            epochs_seen.append(seen[0] / n)
            if epochs_seen[-1] >= epochs:
                break
    return np.array(epochs_seen), np.array(losses)
