"""Newton's method and its repairs: the Hessian, Hessian-vector products, plain Newton, Newton
with a line search, the regularised Hessian H + αI, and saddle-free Newton with |H|; and what
every chapter-5 solver shares (checked inputs and callables, the recorded path, why it stopped).

The second-order Taylor model of f around θ₀ (Lectures 3, 4, 5, 7), with g = ∇f(θ₀) and the
Hessian H = ∇²f(θ₀) (the Jacobian of the gradient),

    f(θ) ≈ f(θ₀) + (θ − θ₀)ᵀg + ½ (θ − θ₀)ᵀH(θ − θ₀),

has its critical point where g + H(θ − θ₀) = 0, which gives Newton's update

    θ ← θ − H⁻¹g          (computed by solving H d = −g, never by inverting H).

Lecture 4 writes the update as x(n+1) = −∇f(x(n)) H⁻¹, without the x(n) term: the correct
update is x(n+1) = x(n) − H⁻¹∇f(x(n)).

Every method here is one loop (`_iterate`) with a different *direction*:

    newton                        d = −H⁻¹g
    newton(alpha=α)               d = −(H + αI)⁻¹g      (Lecture 7, "regularising the Hessian")
    saddle_free_newton            d = −|H|⁻¹g,  |H| = Q|Λ|Qᵀ  (Dauphin et al., 2014)

and returns a `trajectory.Trajectory` (the points visited, f and ‖∇f‖ at each, and its
`reason`: CONVERGED when ‖∇f‖ ≤ tol, MAX_ITER, LINE_SEARCH_FAILED or DIVERGED).

Singular and indefinite Hessians, the documented behaviour:
* plain Newton looks for a *critical point* ("Newton: just to find critical points", Lecture 3),
  so with an indefinite but invertible H it takes the step, and walks to a saddle or a maximum
  as happily as to a minimum; the chapter shows this;
* a singular H + αI (no unique Newton step) raises `SingularHessianError`, a ValueError, that
  says where and which remedy to use (alpha > 0, or saddle_free_newton);
* with `line_search=True` (backtracking, Armijo), a direction that does not point downhill
  (gᵀd ≥ 0, possible only when H + αI is not positive definite) is replaced by −g, the
  steepest-descent direction, for that step.

Bad input, for every solver of chapter 5 (`start`, `checked`): θ₀ not a vector of finite
numbers, a non-finite f(θ₀), hyper-parameters out of range, and callables that raise or return
the wrong shape (or NaN where f is finite) are ValueErrors/TypeErrors naming the argument.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .linesearch import backtracking
from .trajectory import CONVERGED, LINE_SEARCH_FAILED, MAX_ITER, Trajectory, check_start
from .validation import (as_float_array, check_choice, check_finite, check_in_range, check_positive,
                         check_real, check_whole)


class SingularHessianError(ValueError):
    """The Newton system (H + αI) d = −g has no unique solution."""


# -- what every chapter-5 solver shares -------------------------------------------------------

# The errors a caller's function is reported by (as a ValueError that names it); anything else
# (KeyboardInterrupt, a test's time limit) passes through untouched.
_CALLER_ERRORS = (ArithmeticError, AssertionError, AttributeError, LookupError, NameError,
                  RuntimeError, TypeError, ValueError)


# Overflow and NaN are caught by explicit checks (`_finite`, `Path.explodes`), not by NumPy's
# warnings: every function that computes with the caller's numbers runs under this.
overflow_checked = np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _at(theta) -> str:
    """θ for an error message: short, even for many parameters."""
    return np.array2string(np.asarray(theta), precision=4, threshold=6)


def _finite(value, what: str):
    """value, or ValueError if it overflowed to inf or NaN: never a silent NaN."""
    if not np.isfinite(value).all():
        raise ValueError(f"{what} overflows float64 (too large inputs)")
    return value


def check_point(theta0, name: str = "theta0") -> np.ndarray:
    """θ₀ as a new float64 vector, or TypeError/ValueError (naming `name`) unless it is a
    non-empty vector of finite numbers."""
    theta = np.array(check_finite(theta0, name), dtype=np.float64)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"{name} must be a vector (1-D, at least one entry), got shape {theta.shape}")
    return theta


@overflow_checked
def check_symmetric(A, name: str, why: str = "") -> np.ndarray:
    """A as a float64 matrix, or ValueError unless it is square, finite and symmetric (to
    rounding: |A − Aᵀ| ≤ 1e-10|A| + 1e-12 max|A|)."""
    A = check_finite(A, name)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {A.shape}")
    if A.size and not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max()):
        raise ValueError(f"{name} must be symmetric{why}, got max |{name} − {name}ᵀ| = "
                         f"{np.abs(A - A.T).max():.3g}")
    return A


def check_settings(tol, max_iter) -> tuple[float, int]:
    """(tol, max_iter) of a solver: tol ≥ 0, max_iter a whole number ≥ 0."""
    return check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")


def check_wolfe(c1, c2) -> tuple[float, float]:
    """The strong-Wolfe constants, 0 < c1 < c2 < 1."""
    c1, c2 = check_in_range(c1, "c1", 0, 1), check_in_range(c2, "c2", 0, 1)
    if c1 >= c2:
        raise ValueError(f"c1 must be < c2, got c1 = {c1:g}, c2 = {c2:g}")
    return c1, c2


def check_callback(callback):
    """callback, or TypeError unless it is a function or None."""
    if callback is not None and not callable(callback):
        raise TypeError("callback must be a function (k, θ_k, state) or None, got "
                        f"{type(callback).__name__}")
    return callback


def checked(fn, name: str, shape: tuple | None, *, finite: bool = False, symmetric: bool = False,
            arg: str = "θ", why: str = "") -> Callable:
    """`fn` wrapped so that a bad answer is an error that names it: a ValueError if it raises
    (the caller's error chained), returns the wrong shape (shape () means a number, None any
    vector; `why` explains the shape), NaN/±inf (with `finite`) or a non-symmetric matrix (with
    `symmetric`), and a TypeError if it returns something that is not numbers. The calls are
    the caller's own: one call of the wrapper is one call of `fn`."""
    if not callable(fn):
        raise TypeError(f"{name} must be a function, got {type(fn).__name__}")

    def call(x):
        try:
            out = fn(x)
        except _CALLER_ERRORS as error:
            raise ValueError(f"{name} raised {type(error).__name__} at {arg} = {_at(x)}: {error}") from error
        if shape == () and isinstance(out, float):  # the common case, kept fast (np.float64 too)
            return float(out)
        value = out if isinstance(out, np.ndarray) and out.dtype == np.float64 else \
            as_float_array(out, f"the value of {name}", allow_nan=True)
        if shape == ():
            if value.size != 1:
                raise ValueError(f"{name} must return a number, got an array of shape {value.shape}")
            return float(value.reshape(()))
        if (value.ndim != 1) if shape is None else (value.shape != shape):
            wanted = "a vector" if shape is None else f"shape {shape}{why}"
            raise ValueError(f"{name} must return {wanted}, got shape {value.shape} at {arg} = {_at(x)}")
        if finite and not np.isfinite(value).all():
            bad = "NaN" if np.isnan(value).any() else "inf"
            raise ValueError(f"{name} returned {bad} at {arg} = {_at(x)}; it must return finite numbers")
        if symmetric:
            check_symmetric(value, name, f" (a Hessian is; at {arg} = {_at(x)})")
        return value

    return call


class Path:
    """What a chapter-5 solver records: θ_k, f(θ_k) and ‖∇f(θ_k)‖ at every point it accepts, and
    at the end the Trajectory that says why it stopped. A loss that is not finite or beyond
    explode·(1 + |f(θ₀)|) is divergence, the rule of `trajectory.run`."""

    def __init__(self, method: str, problem: str, theta, f0: float, g0, explode: float = 1e8):
        self.method, self.problem = method, problem
        self.points, self.losses, self.norms = [theta], [f0], [float(np.linalg.norm(g0))]
        self.limit = explode * (1 + abs(f0))

    def add(self, theta, loss: float, g) -> None:
        self.points.append(theta)
        self.losses.append(loss)
        self.norms.append(float(np.linalg.norm(g)))

    def explodes(self, loss: float, theta) -> bool:
        return not (math.isfinite(loss) and abs(loss) <= self.limit and np.isfinite(theta).all())

    def end(self, converged: bool, *, failed: bool = False, diverged_at: int | None = None) -> Trajectory:
        """The Trajectory; `converged`: the stopping test holds at the last point; `failed`: the
        line search found no step; `diverged_at`: the step whose loss exploded."""
        reason = LINE_SEARCH_FAILED if failed else CONVERGED if converged else MAX_ITER
        return Trajectory(self.method, self.problem, np.array(self.points), np.array(self.losses),
                          np.array(self.norms), diverged_at, reason)


@overflow_checked
def start(method: str, problem: str, f, grad, theta0):
    """Check θ₀ and the callables and evaluate f and ∇f at θ₀: (θ₀, checked f, checked grad,
    ∇f(θ₀), the Path). Raises ValueError if f(θ₀) is not finite (`trajectory.check_start`)."""
    theta = check_point(theta0)
    f = checked(f, "f", ())
    grad = checked(grad, "grad", theta.shape, finite=True)
    problem = problem or "f"
    f0 = check_start(f(theta), theta, problem)
    g0 = grad(theta)
    return theta, f, grad, g0, Path(method, problem, theta, f0, g0)


# -- the Hessian and Hessian-vector products ------------------------------------------------


def _torch_loss(f_torch, theta, *, create_graph: bool):
    """(x, f_torch(x), ∇f(x) or None for a constant f) for x = θ as a float64 tensor."""
    import torch

    if not callable(f_torch):
        raise TypeError(f"f_torch must be a function of a torch tensor, got {type(f_torch).__name__}")
    x = torch.as_tensor(check_point(theta, "theta")).requires_grad_(True)
    try:
        value = f_torch(x)
    except _CALLER_ERRORS as error:
        raise ValueError(f"f_torch raised {type(error).__name__} at θ = {_at(theta)}: {error} "
                         "(f_torch must be written with torch operations)") from error
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        got = f"shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else type(value).__name__
        raise TypeError(f"f_torch must return a torch tensor with one entry, got {got}")
    if not torch.isfinite(value).all():
        raise ValueError(f"f_torch is not finite at θ = {_at(theta)}: its derivatives are not defined there")
    if not value.requires_grad:  # f does not depend on θ
        return x, value, None
    (g,) = torch.autograd.grad(value.reshape(()), x, create_graph=create_graph)
    return x, value, g


def torch_gradient(f_torch: Callable, theta) -> np.ndarray:
    """∇f(θ) by reverse-mode autodiff. f_torch: a torch tensor (n,) -> scalar tensor.
    Raises TypeError/ValueError if θ is not a vector of finite numbers, or f_torch raises, does
    not return one number, or is not finite at θ."""
    x, _, g = _torch_loss(f_torch, theta, create_graph=False)
    if g is None:  # f does not depend on θ
        return np.zeros(x.shape)
    return _finite(g.numpy(), f"the gradient of f_torch at θ = {_at(theta)}")


def torch_hessian(f_torch: Callable, theta) -> np.ndarray:
    """H = ∇²f(θ), shape (n, n), row by row: Hᵢ = ∇(∂f/∂θᵢ), one backward pass through the
    gradient's graph per row, so forming H costs n gradient evaluations (and n² memory).

    Use it when no analytic Hessian is given; f_torch must be written with torch operations.
    tests/test_second_order.py checks it against `torch.autograd.functional.hessian`. Raises as
    `torch_gradient` does."""
    import torch

    x, _, g = _torch_loss(f_torch, theta, create_graph=True)
    if g is None or not g.requires_grad:  # f is constant or linear: the gradient is constant
        return np.zeros((x.numel(), x.numel()))
    rows = [torch.autograd.grad(g[i], x, retain_graph=True, allow_unused=True)[0]
            for i in range(x.numel())]
    H = torch.stack([torch.zeros_like(x) if r is None else r for r in rows]).detach().numpy()
    return _finite(H, f"the Hessian of f_torch at θ = {_at(theta)}")


def hessian_vector_product(f_torch: Callable, theta, v) -> np.ndarray:
    """Hv without forming H (Pearlmutter, 1994): Hv = ∇(∇f(θ)ᵀv), two backward passes.

    The gradient is built with `create_graph=True`, so it can be differentiated again; the scalar
    ∇f(θ)ᵀv is then differentiated with respect to θ. Memory O(n), not O(n²).
    Raises ValueError if v does not have θ's shape or is not finite, and as `torch_gradient`."""
    import torch

    theta, v = check_point(theta, "theta"), check_finite(v, "v")
    if v.shape != theta.shape:
        raise ValueError(f"v must have the shape of theta {theta.shape}, got {v.shape}")
    x, _, g = _torch_loss(f_torch, theta, create_graph=True)
    if g is None or not g.requires_grad:  # f is constant or linear: H = 0
        return np.zeros(x.shape)
    (hv,) = torch.autograd.grad(g @ torch.as_tensor(v), x, allow_unused=True)
    return np.zeros(x.shape) if hv is None else _finite(hv.numpy(), f"Hv of f_torch at θ = {_at(theta)}")


@overflow_checked
def finite_difference_hvp(grad: Callable, theta, v, eps: float = 1e-6) -> np.ndarray:
    """Hv ≈ (∇f(θ + εv) − ∇f(θ − εv)) / 2ε: two gradients, no Hessian, no autodiff.

    Error O(ε²) (central difference), plus rounding of order (machine ε)/ε. Raises ValueError if
    v does not have θ's shape, eps ≤ 0, or grad raises or returns the wrong shape or NaN/inf."""
    theta, v = check_point(theta, "theta"), check_finite(v, "v")
    if v.shape != theta.shape:
        raise ValueError(f"v must have the shape of theta {theta.shape}, got {v.shape}")
    eps = check_positive(eps, "eps") / max(1.0, float(np.linalg.norm(v)))
    grad = checked(grad, "grad", theta.shape, finite=True)
    return (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)


# -- the quadratic model ---------------------------------------------------------------------


def _check_system(g, H, g_name: str = "g"):
    g, H = check_finite(g, g_name), check_symmetric(H, "H", " (a Hessian is)")
    if g.ndim != 1 or H.shape != (g.size, g.size):
        raise ValueError(f"need {g_name} of shape (n,) and H of shape (n, n), got {g.shape} and {H.shape}")
    return g, H


@overflow_checked
def curvature(H, u) -> float:
    """uᵀHu / uᵀu: the second derivative of f along the direction u (Lecture 4).
    Raises ValueError unless H is a symmetric matrix matching u, and u ≠ 0."""
    u, H = _check_system(u, H, "u")
    if not (u @ u) > 0:
        raise ValueError("u must be a non-zero direction (uᵀu = 0)")
    return float(_finite(u @ H @ u / (u @ u), "uᵀHu / uᵀu (u or H)"))


@overflow_checked
def quadratic_model(f0: float, g, H, step) -> float:
    """f(θ₀) + sᵀg + ½ sᵀHs, the second-order Taylor model at θ₀ + s.
    Raises ValueError unless f0 is finite and g, H and step have matching shapes."""
    f0 = check_real(f0, "f0")
    g, H = _check_system(g, H)
    s = check_finite(step, "step")
    if s.shape != g.shape:
        raise ValueError(f"step must have the shape of g {g.shape}, got {s.shape}")
    return float(_finite(f0 + s @ g + 0.5 * s @ H @ s, "the model (f0, g, H or step)"))


# -- Newton directions -----------------------------------------------------------------------


@overflow_checked
def newton_direction(g, H, alpha: float = 0.0) -> np.ndarray:
    """d = −(H + αI)⁻¹g, by solving (H + αI) d = −g (α = 0: the plain Newton step).

    (H + αI) has the eigenvalues λᵢ + α: it is positive definite when α > −λ_min(H).
    Raises ValueError unless g (n,) and H (n, n) are finite and H symmetric, and
    SingularHessianError if H + αI is singular (or nearly: condition number > 1e12)."""
    g, H = _check_system(g, H)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    A = _finite(H + alpha * np.eye(g.size), "H + αI (H or alpha)")
    eigenvalues = np.linalg.eigvalsh((A + A.T) / 2)
    largest, smallest = np.abs(eigenvalues).max(), np.abs(eigenvalues).min()
    if not smallest > 1e-12 * max(largest, 1e-300):
        raise SingularHessianError(
            f"the Hessian is singular: H + αI has eigenvalues {np.round(eigenvalues, 6)} (α = {alpha:g}), "
            "so the Newton step is not defined. Use alpha > 0 (regularised Newton) or saddle_free_newton.")
    return np.linalg.solve(A, -g)


@overflow_checked
def saddle_free_direction(g, H, min_curvature: float = 1e-8) -> np.ndarray:
    """d = −|H|⁻¹g with |H| = Q|Λ|Qᵀ (eigen-decomposition H = QΛQᵀ, absolute eigenvalues).

    Along an eigenvector of negative curvature it moves *away* from the saddle, with the step
    size Newton would take. |λ| is floored at `min_curvature` (> 0) so that flat directions do
    not give infinite steps. Raises ValueError as `newton_direction`. Source: Dauphin et al.
    (2014), "Identifying and attacking the saddle point problem in high-dimensional non-convex
    optimization" (Lecture 3: "saddle-free")."""
    g, H = _check_system(g, H)
    eigenvalues, Q = np.linalg.eigh((H + H.T) / 2)
    scale = np.maximum(np.abs(eigenvalues), check_positive(min_curvature, "min_curvature"))
    return -Q @ ((Q.T @ g) / scale)


# -- the loop every Newton variant shares ----------------------------------------------------


@overflow_checked
def _iterate(name, direction, f, grad, hess, theta0, tol, max_iter, line_search, problem):
    tol, max_iter = check_settings(tol, max_iter)
    line_search = check_choice(line_search, "line_search", (False, True))
    theta, f, grad, g, path = start(name, problem, f, grad, theta0)
    hess = checked(hess, "hess", (theta.size, theta.size), finite=True, symmetric=True)
    failed, diverged_at = False, None
    for k in range(max_iter):
        if path.norms[-1] <= tol:
            break
        try:
            d = direction(g, hess(theta))
        except SingularHessianError as error:
            raise SingularHessianError(f"{name} at θ = {_at(theta)}: {error}") from None
        if line_search:
            if g @ d >= 0:  # not downhill: H + αI is not positive definite here
                d = -g
            try:
                if not -np.inf < g @ d < 0:  # gᵀd underflows to 0 or overflows: nothing to search
                    raise RuntimeError
                d = d * backtracking(f, theta, g, direction=d, lr0=1.0, f0=path.losses[-1])
            except RuntimeError:  # no step along d decreases f enough (LineSearchError)
                failed = True
                break
        theta = theta + d
        loss = f(theta)
        if path.explodes(loss, theta):
            diverged_at = k + 1
            break
        g = grad(theta)
        path.add(theta, loss, g)
    return path.end(path.norms[-1] <= tol, failed=failed, diverged_at=diverged_at)


def newton(f, grad, hess, theta0, *, alpha: float = 0.0, line_search: bool = False,
           tol: float = 1e-8, max_iter: int = 50, problem: str = "") -> Trajectory:
    """Newton's method θ ← θ − (H + αI)⁻¹g until ‖g‖ ≤ tol (Lectures 4, 5, 7; Algorithm 8.8 of
    Goodfellow et al.).

    f: θ (n,) -> float; grad: θ -> (n,); hess: θ -> (n, n) symmetric (e.g. a problem's analytic
    Hessian, or `lambda t: torch_hessian(f_torch, t)`). alpha ≥ 0 regularises the Hessian
    (Lecture 7); line_search backtracks along d until f decreases enough (Armijo), so the step
    is d·ε with ε ∈ {1, ½, ¼, …}. Without line search the full step ε = 1 is always taken: "we
    got rid of the learning rate" (Lecture 5).

    Returns a Trajectory whose `reason` says why it stopped: CONVERGED (‖g‖ ≤ tol), MAX_ITER,
    LINE_SEARCH_FAILED (no ε gives a decrease) or DIVERGED (`diverged_at` set, the run stops)
    if f becomes non-finite or |f| exceeds 1e8·(1 + |f(θ₀)|), the rule of `trajectory.run`.
    Raises SingularHessianError if H + αI is singular at a point it visits, ValueError if f(θ₀)
    is not finite, for tol < 0, max_iter not a whole number ≥ 0, alpha < 0, and if f, grad or
    hess raise or return the wrong shape (NaN from grad or hess, a non-symmetric hess)."""
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    name = "Newton" + (f" (H + {alpha:g}I)" if alpha else "") + (" + line search" if line_search else "")
    return _iterate(name, lambda g, H: newton_direction(g, H, alpha), f, grad, hess, theta0, tol,
                    max_iter, line_search, problem)


def saddle_free_newton(f, grad, hess, theta0, *, line_search: bool = False, tol: float = 1e-8,
                       max_iter: int = 50, min_curvature: float = 1e-8, problem: str = "") -> Trajectory:
    """Newton's method with |H| in place of H: θ ← θ − |H|⁻¹g (see `saddle_free_direction`).

    |H| is positive definite, so −|H|⁻¹g always points downhill: saddles and maxima repel it.
    On an unbounded function (x² − y²) it runs off to −∞ and the Trajectory says DIVERGED,
    which is the right answer. Raises as `newton` (min_curvature must be > 0)."""
    check_positive(min_curvature, "min_curvature")
    return _iterate("saddle-free Newton" + (" + line search" if line_search else ""),
                    lambda g, H: saddle_free_direction(g, H, min_curvature), f, grad, hess, theta0,
                    tol, max_iter, line_search, problem)


def hessian_cost(k: int, repeats: int = 3, seed: int = 0) -> tuple[int, float]:
    """Memory (bytes, float64) of a k × k Hessian and the seconds to solve H d = −g with it
    (O(k²) memory, O(k³) time; Lecture 5). H is a random symmetric matrix shifted by 3√k·I,
    which makes it positive definite (its eigenvalues lie within ±√(2k) of the shift, with
    overwhelming probability); the median of `repeats` solves. Raises ValueError unless k is a
    whole number in [1, 4000] and repeats in [1, 100] (larger ones take too long here)."""
    import time

    k, repeats = check_whole(k, "k", minimum=1), check_whole(repeats, "repeats", minimum=1)
    if k > 4000 or repeats > 100:
        raise ValueError(f"k must be <= 4000 and repeats <= 100, got k = {k}, repeats = {repeats}")
    rng = np.random.default_rng(check_whole(seed, "seed"))
    A = rng.normal(size=(k, k))
    H, g = (A + A.T) / 2 + 3 * np.sqrt(k) * np.eye(k), rng.normal(size=k)
    times = []
    for _ in range(repeats):
        start_time = time.perf_counter()
        np.linalg.solve(H, -g)
        times.append(time.perf_counter() - start_time)
    return H.nbytes, float(np.median(times))
