"""Newton's method and its repairs: the Hessian, Hessian-vector products, plain Newton, Newton
with a line search, the regularised Hessian H + αI, and saddle-free Newton with |H|.

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

and returns a `trajectory.Trajectory` (the points visited, f and ‖∇f‖ at each).

Singular and indefinite Hessians, the documented behaviour:
* plain Newton looks for a *critical point* ("Newton: just to find critical points", Lecture 3),
  so with an indefinite but invertible H it takes the step, and walks to a saddle or a maximum
  as happily as to a minimum; the chapter shows this;
* a singular H + αI (no unique Newton step) raises `SingularHessianError`, a ValueError, that
  says which remedy to use (alpha > 0, or saddle_free_newton);
* with `line_search=True` (backtracking, Armijo), a direction that does not point downhill
  (gᵀd ≥ 0, possible only when H + αI is not positive definite) is replaced by −g, the
  steepest-descent direction, for that step.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .linesearch import backtracking
from .trajectory import Trajectory
from .validation import as_float_array, check_positive


class SingularHessianError(ValueError):
    """The Newton system (H + αI) d = −g has no unique solution."""


# -- the Hessian and Hessian-vector products ------------------------------------------------


def _as_torch(theta) -> torch.Tensor:
    return torch.as_tensor(as_float_array(theta, "theta"), dtype=torch.float64)


def torch_gradient(f_torch: Callable, theta) -> np.ndarray:
    """∇f(θ) by reverse-mode autodiff. f_torch: a torch tensor (n,) -> scalar tensor."""
    x = _as_torch(theta).requires_grad_(True)
    (g,) = torch.autograd.grad(f_torch(x), x)
    return g.numpy()


def torch_hessian(f_torch: Callable, theta) -> np.ndarray:
    """H = ∇²f(θ), shape (n, n), row by row: Hᵢ = ∇(∂f/∂θᵢ), one backward pass through the
    gradient's graph per row, so forming H costs n gradient evaluations (and n² memory).

    Use it when no analytic Hessian is given; f_torch must be written with torch operations.
    tests/test_second_order.py checks it against `torch.autograd.functional.hessian`."""
    x = _as_torch(theta).requires_grad_(True)
    (g,) = torch.autograd.grad(f_torch(x), x, create_graph=True)
    if not g.requires_grad:  # f is linear: the gradient is constant
        return np.zeros((x.numel(), x.numel()))
    rows = [torch.autograd.grad(g[i], x, retain_graph=True, allow_unused=True)[0]
            for i in range(x.numel())]
    return torch.stack([torch.zeros_like(x) if r is None else r for r in rows]).numpy()


def hessian_vector_product(f_torch: Callable, theta, v) -> np.ndarray:
    """Hv without forming H (Pearlmutter, 1994): Hv = ∇(∇f(θ)ᵀv), two backward passes.

    The gradient is built with `create_graph=True`, so it can be differentiated again; the scalar
    ∇f(θ)ᵀv is then differentiated with respect to θ. Memory O(n), not O(n²).
    Raises ValueError if v does not have θ's shape."""
    x = _as_torch(theta).requires_grad_(True)
    v = _as_torch(v)
    if v.shape != x.shape:
        raise ValueError(f"v must have the shape of theta {tuple(x.shape)}, got {tuple(v.shape)}")
    (g,) = torch.autograd.grad(f_torch(x), x, create_graph=True)
    if not g.requires_grad:  # f is linear: H = 0
        return np.zeros(x.shape)
    (hv,) = torch.autograd.grad(g @ v, x, allow_unused=True)
    return np.zeros(x.shape) if hv is None else hv.numpy()


def finite_difference_hvp(grad: Callable, theta, v, eps: float = 1e-6) -> np.ndarray:
    """Hv ≈ (∇f(θ + εv) − ∇f(θ − εv)) / 2ε: two gradients, no Hessian, no autodiff.

    Error O(ε²) (central difference), plus rounding of order (machine ε)/ε."""
    theta, v = as_float_array(theta, "theta"), as_float_array(v, "v")
    if v.shape != theta.shape:
        raise ValueError(f"v must have the shape of theta {theta.shape}, got {v.shape}")
    eps = check_positive(eps, "eps") / max(1.0, float(np.linalg.norm(v)))
    return (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)


# -- the quadratic model ---------------------------------------------------------------------


def curvature(H, u) -> float:
    """uᵀHu / uᵀu: the second derivative of f along the direction u (Lecture 4)."""
    H, u = as_float_array(H, "H"), as_float_array(u, "u")
    return float(u @ H @ u / (u @ u))


def quadratic_model(f0: float, g, H, step) -> float:
    """f(θ₀) + sᵀg + ½ sᵀHs, the second-order Taylor model at θ₀ + s."""
    g, H, s = as_float_array(g, "g"), as_float_array(H, "H"), as_float_array(step, "step")
    return float(f0 + s @ g + 0.5 * s @ H @ s)


# -- Newton directions -----------------------------------------------------------------------


def _check_system(g, H):
    g, H = as_float_array(g, "g"), as_float_array(H, "H")
    if g.ndim != 1 or H.shape != (g.size, g.size):
        raise ValueError(f"need g of shape (n,) and H of shape (n, n), got {g.shape} and {H.shape}")
    return g, H


def newton_direction(g, H, alpha: float = 0.0) -> np.ndarray:
    """d = −(H + αI)⁻¹g, by solving (H + αI) d = −g (α = 0: the plain Newton step).

    (H + αI) has the eigenvalues λᵢ + α: it is positive definite when α > −λ_min(H).
    Raises SingularHessianError if H + αI is singular (or nearly: condition number > 1e12)."""
    g, H = _check_system(g, H)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    A = H + alpha * np.eye(g.size)
    eigenvalues = np.linalg.eigvalsh((A + A.T) / 2)
    largest, smallest = np.abs(eigenvalues).max(), np.abs(eigenvalues).min()
    if smallest <= 1e-12 * max(largest, 1e-300):
        raise SingularHessianError(
            f"H + αI is singular (eigenvalues {np.round(eigenvalues, 6)}, α = {alpha}): the Newton step "
            "is not defined. Use alpha > 0 (regularised Newton) or saddle_free_newton.")
    return np.linalg.solve(A, -g)


def saddle_free_direction(g, H, min_curvature: float = 1e-8) -> np.ndarray:
    """d = −|H|⁻¹g with |H| = Q|Λ|Qᵀ (eigen-decomposition H = QΛQᵀ, absolute eigenvalues).

    Along an eigenvector of negative curvature it moves *away* from the saddle, with the step
    size Newton would take. |λ| is floored at `min_curvature` so that flat directions do not
    give infinite steps. Source: Dauphin et al. (2014), "Identifying and attacking the saddle
    point problem in high-dimensional non-convex optimization" (Lecture 3: "saddle-free")."""
    g, H = _check_system(g, H)
    eigenvalues, Q = np.linalg.eigh((H + H.T) / 2)
    scale = np.maximum(np.abs(eigenvalues), check_positive(min_curvature, "min_curvature"))
    return -Q @ ((Q.T @ g) / scale)


# -- the loop every Newton variant shares ----------------------------------------------------


def _iterate(name, direction, f, grad, hess, theta0, tol, max_iter, line_search, problem,
             explode=1e8):
    theta = as_float_array(theta0, "theta0").copy()
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a vector, got shape {theta.shape}")
    tol, max_iter = check_positive(tol, "tol"), int(check_positive(max_iter, "max_iter"))
    g = grad(theta)
    points, losses, norms = [theta], [f(theta)], [float(np.linalg.norm(g))]
    limit = explode * (1 + abs(losses[0]))  # as in trajectory.run: |f| beyond this is divergence
    diverged_at = None
    for k in range(max_iter):
        if norms[-1] <= tol:
            break
        d = direction(g, hess(theta))
        if line_search:
            if g @ d >= 0:  # not downhill: H + αI is not positive definite here
                d = -g
            d = d * backtracking(f, theta, g, direction=d, lr0=1.0, f0=losses[-1])
        theta = theta + d
        loss = f(theta)
        if not (np.isfinite(loss) and np.all(np.isfinite(theta))) or abs(loss) > limit:
            diverged_at = k + 1
            break
        g = grad(theta)
        points.append(theta)
        losses.append(loss)
        norms.append(float(np.linalg.norm(g)))
    return Trajectory(method=name, problem=problem, points=np.array(points), losses=np.array(losses),
                      grad_norms=np.array(norms), diverged_at=diverged_at)


def newton(f, grad, hess, theta0, *, alpha: float = 0.0, line_search: bool = False,
           tol: float = 1e-8, max_iter: int = 50, problem: str = "") -> Trajectory:
    """Newton's method θ ← θ − (H + αI)⁻¹g until ‖g‖ ≤ tol (Lectures 4, 5, 7; Algorithm 8.8 of
    Goodfellow et al.).

    f: θ (n,) -> float; grad: θ -> (n,); hess: θ -> (n, n) (e.g. a problem's analytic Hessian,
    or `lambda t: torch_hessian(f_torch, t)`). alpha > 0 regularises the Hessian (Lecture 7);
    line_search backtracks along d until f decreases enough (Armijo), so the step is d·ε with
    ε ∈ {1, ½, ¼, …}. Without line search the full step ε = 1 is always taken: "we got rid of
    the learning rate" (Lecture 5). Raises SingularHessianError if H + αI is singular.
    Returns a Trajectory; its `diverged_at` is set (and the run stops) if f becomes non-finite
    or |f| exceeds 1e8·(1 + |f(θ₀)|), the divergence rule of `trajectory.run`."""
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    name = "Newton" + (f" (H + {alpha:g}I)" if alpha else "") + (" + line search" if line_search else "")
    return _iterate(name, lambda g, H: newton_direction(g, H, alpha), f, grad, hess, theta0, tol,
                    max_iter, line_search, problem)


def saddle_free_newton(f, grad, hess, theta0, *, line_search: bool = False, tol: float = 1e-8,
                       max_iter: int = 50, min_curvature: float = 1e-8, problem: str = "") -> Trajectory:
    """Newton's method with |H| in place of H: θ ← θ − |H|⁻¹g (see `saddle_free_direction`).

    |H| is positive definite, so −|H|⁻¹g always points downhill: saddles and maxima repel it.
    On an unbounded function (x² − y²) it runs off to −∞, which is the right answer."""
    return _iterate("saddle-free Newton" + (" + line search" if line_search else ""),
                    lambda g, H: saddle_free_direction(g, H, min_curvature), f, grad, hess, theta0,
                    tol, max_iter, line_search, problem)


def hessian_cost(k: int, repeats: int = 3, seed: int = 0) -> tuple[int, float]:
    """Memory (bytes, float64) of a k × k Hessian and the seconds to solve H d = −g with it
    (O(k²) memory, O(k³) time; Lecture 5). H is a random symmetric matrix shifted by 3√k·I,
    which makes it positive definite (its eigenvalues lie within ±√(2k) of the shift, with
    overwhelming probability); the median of `repeats` solves."""
    import time

    k = int(check_positive(k, "k"))
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(k, k))
    H, g = (A + A.T) / 2 + 3 * np.sqrt(k) * np.eye(k), rng.normal(size=k)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.linalg.solve(H, -g)
        times.append(time.perf_counter() - start)
    return H.nbytes, float(np.median(times))
