"""Racing optimisers: first-order rules (`optim`) against second-order methods on the same
problems, counting iterations, function/gradient/Hessian evaluations and wall time; plus the
adapter that lets the NumPy optimisers train a torch network, and minibatch training in torch.

The problems come from `problems` (there: the n-dimensional ill-conditioned quadratic and
L2-regularised logistic regression on scikit-learn's breast-cancer data).

Every method stops when ‖∇f‖_∞ ≤ tol, SciPy's criterion, so the counts compare with
`scipy.optimize.minimize`'s `nit`, `nfev`, `njev`.

Bad input (a method that is not a rule or a known name, a problem that is not a `Problem`, θ₀
of the wrong shape or not finite, tol < 0, budgets that are not whole numbers, tensors of
mismatched sizes) raises TypeError or ValueError naming the argument; a run whose gradient or
loss becomes non-finite raises `trajectory.Diverged` (an ArithmeticError).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from . import conjugate_gradient, quasi_newton, second_order
from .optim import Optimizer
from .problems import Problem, check_problem
from .trajectory import Diverged, check_start
from .validation import check_choice, check_finite, check_positive, check_whole

# -- counting and racing -------------------------------------------------------------------


class Counted:
    """Wraps a callable and counts its calls (`.calls`)."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError(f"fn must be a function, got {type(fn).__name__}")
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
    Returns (final θ, iterations or None, ‖∇f‖₂ history).

    Raises TypeError unless opt is an `optim.Optimizer` and grad a function, ValueError if θ₀
    is not finite, tol < 0, max_iter is not a whole number >= 0 or ∇f(θ₀) is not finite, and
    `Diverged` if the gradient becomes non-finite later."""
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an optim.Optimizer (e.g. optim.adam()), got {type(opt).__name__}")
    if not callable(grad):
        raise TypeError(f"grad must be a function θ -> ∇f(θ), got {type(grad).__name__}")
    theta = check_finite(theta0, "theta0").copy()
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"theta0 must be a vector with at least one entry, got shape {theta.shape}")
    tol, max_iter = check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")
    state, norms = opt.init(theta), []
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(max_iter + 1):
            point = opt.eval_point(theta, state)
            g = grad(point) if k else _first_gradient(grad, point)
            norms.append(float(np.linalg.norm(g)))
            if not np.isfinite(norms[-1]):
                if k == 0:
                    raise ValueError(f"‖grad‖ is not finite at theta0 = {theta}: start where f is "
                                     "differentiable and its gradient not huge")
                raise Diverged(f"{opt.name} diverged at step {k}: the gradient is not finite "
                               "(try a smaller lr)")
            if np.abs(g).max() <= tol:
                return theta, k, np.array(norms)
            if k == max_iter:
                break
            step, state = opt.update(g, state, theta)
            theta = theta + step
    return theta, None, np.array(norms)


def _first_gradient(grad, theta0):
    """grad(θ₀), with a TypeError/ValueError/IndexError it raises (θ₀ of the wrong length, most
    often) labelled as such."""
    try:
        return grad(theta0)
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(f"grad(theta0) failed for theta0 of shape {theta0.shape}: {type(error).__name__}: "
                         f"{error}") from error


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
    """Time one method on `problem`: `method` is an `optim.Optimizer` or a key of SECOND_ORDER.
    Raises TypeError/ValueError for another method, a Newton method on a problem without a
    Hessian, or a bad problem, θ₀, tol or max_iter."""
    check_problem(problem)
    if not isinstance(method, Optimizer):
        check_choice(method, "method", SECOND_ORDER)
        if method.startswith("Newton") and problem.hess is None:
            raise ValueError(f"method {method!r} needs a Hessian, and problem {problem.name} has none")
    theta0 = problem.check_point(theta0, "theta0")
    tol, max_iter = check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")
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
    "Newton-CG"), stopping at the same gradient tolerance tol > 0. Raises TypeError/ValueError
    for another method, Newton-CG on a problem without a Hessian, or a bad problem, θ₀ or tol,
    and `Diverged` if SciPy ends at a non-finite point."""
    from scipy.optimize import minimize

    check_choice(method, "method", ["BFGS", "L-BFGS-B", "CG", "Newton-CG"])
    check_problem(problem)
    if method == "Newton-CG" and problem.hess is None:
        raise ValueError(f"method 'Newton-CG' needs a Hessian, and problem {problem.name} has none")
    theta0 = problem.check_point(theta0, "theta0")
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
    result = minimize(f, theta0, jac=grad, method=method,
                      options=options, **kwargs)
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


# -- torch networks: the adapter and minibatch training ------------------------------------


def _check_network(model, loss_fn, X, y) -> int:
    """The number of examples in (X, y), or TypeError/ValueError naming the argument that
    cannot be trained on: a model without parameters, a loss that is not callable, tensors
    without rows, of different lengths, or holding NaN or inf."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not any(True for _ in model.parameters()):
        raise ValueError("model has no parameters to train")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function (prediction, target) -> loss, "
                        f"got {type(loss_fn).__name__}")
    for name, value in (("X", X), ("y", y)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if value.ndim == 0 or value.shape[0] == 0:
            raise ValueError(f"{name} must hold at least one example (one per row), "
                             f"got shape {tuple(value.shape)}")
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"{name} contains NaN or inf; only finite numbers can be trained on")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must hold the same number of examples, got {X.shape[0]} and {y.shape[0]}")
    return X.shape[0]


def _loss(loss_fn, model, X, y) -> float:
    """float(loss_fn(model(X), y)), with torch's complaint about mismatched shapes turned into a
    ValueError that names the arguments."""
    try:
        return float(loss_fn(model(X), y))
    except (RuntimeError, TypeError, ValueError) as error:
        raise ValueError(f"loss_fn(model(X), y) failed: X must fit the model's input, y its output, and "
                         f"loss_fn must return one number ({error})") from None


def flat_objective(model: torch.nn.Module, loss_fn, X: torch.Tensor, y: torch.Tensor):
    """(f, grad, θ₀): the full-batch loss of `model` as NumPy functions of one flat float64
    parameter vector, so that `quasi_newton.lbfgs` & co. can train a torch network.

    Raises TypeError/ValueError for a bad model, loss_fn, X or y (see `_check_network`); f and
    grad raise ValueError for a θ that is not a finite vector of the model's size."""
    _check_network(model, loss_fn, X, y)
    params = list(model.parameters())
    size = sum(p.numel() for p in params)

    def load(theta):
        theta = check_finite(theta, "theta")
        if theta.shape != (size,):
            raise ValueError(f"theta must have shape ({size},), the model's number of parameters, "
                             f"got {theta.shape}")
        torch.nn.utils.vector_to_parameters(torch.as_tensor(theta, dtype=params[0].dtype), params)

    def f(theta):
        load(theta)
        with torch.no_grad():
            return _loss(loss_fn, model, X, y)

    def grad(theta):
        load(theta)
        loss = loss_fn(model(X), y)
        grads = torch.autograd.grad(loss, params)
        return torch.cat([g.reshape(-1) for g in grads]).double().numpy()

    theta0 = torch.nn.utils.parameters_to_vector(params).detach().double().numpy().copy()
    return f, grad, theta0


def _check_rates(optimizer) -> None:
    """Raise unless `optimizer` is a torch optimizer whose learning rates are finite and > 0
    (torch accepts lr = nan, and training then 'diverges' at once)."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"make_optimizer must return a torch.optim.Optimizer, got {type(optimizer).__name__}")
    for group in optimizer.param_groups:
        if "lr" in group:
            check_positive(float(group["lr"]), "lr (of the optimizer that make_optimizer built)")


def train_torch(model, loss_fn, X, y, make_optimizer, *, batch_size: int | None = None,
                epochs: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Train with a torch optimizer on minibatches (None: full batch), the closure style that
    torch.optim.LBFGS needs. Returns (examples processed / N, full-data loss) after each
    step: an L-BFGS step may evaluate its closure several times, and every evaluation counts.

    make_optimizer: parameters -> torch.optim.Optimizer; batch_size: None or a whole number
    >= 1; epochs > 0 (fractions allowed); seed a whole number >= 0. Raises TypeError/ValueError
    for other values, for a bad model, loss_fn, X or y, an optimizer whose lr is not a finite
    number > 0 or whose step ignores its closure, or a non-finite loss at the start; `Diverged`
    (an ArithmeticError) if the loss becomes non-finite during training."""
    n = _check_network(model, loss_fn, X, y)
    batch_size = n if batch_size is None else check_whole(batch_size, "batch_size", minimum=1)
    epochs, seed = check_positive(epochs, "epochs"), check_whole(seed, "seed")
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be a function parameters -> torch optimizer, "
                        f"got {type(make_optimizer).__name__}")
    optimizer = make_optimizer(model.parameters())
    _check_rates(optimizer)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        first = check_start(_loss(loss_fn, model, X, y), "the model's initial parameters", "the loss on X, y")
    seen, epochs_seen, losses = [0], [0.0], [first]
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

            before = seen[0]
            optimizer.step(closure)
            if seen[0] == before:
                raise TypeError("make_optimizer's optimizer must call the closure in step(closure), "
                                "as every torch.optim optimizer does")
            with torch.no_grad():
                losses.append(float(loss_fn(model(X), y)))
            if not np.isfinite(losses[-1]):
                raise Diverged(f"training diverged after {seen[0] / n:.2f} epochs: the loss is not "
                               "finite (try a smaller lr)")
            epochs_seen.append(seen[0] / n)
            if epochs_seen[-1] >= epochs:
                break
    return np.array(epochs_seen), np.array(losses)
