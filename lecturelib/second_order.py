"""Newton's method and its repairs: the Hessian, Hessian-vector products, plain Newton, Newton
with a line search, the regularised Hessian H + αI, and saddle-free Newton with |H|. (Hessians
by torch autodiff live in the adapter `autograd`; this module needs NumPy only.)

The second-order Taylor model of f around θ₀ (Lectures 3, 4, 5, 7), with g = ∇f(θ₀) and the
Hessian H = ∇²f(θ₀) (the Jacobian of the gradient),

    f(θ) ≈ f(θ₀) + (θ − θ₀)ᵀg + ½ (θ − θ₀)ᵀH(θ − θ₀),

has its critical point where g + H(θ − θ₀) = 0, which gives Newton's update

    θ ← θ − H⁻¹g          (computed by solving H d = −g, never by inverting H).

Lecture 4 writes the update as x(n+1) = −∇f(x(n)) H⁻¹, without the x(n) term: the correct
update is x(n+1) = x(n) − H⁻¹∇f(x(n)).

Every method here is one step with a different *direction*, run by the library's one loop,
`trajectory.iterate`:

    newton                        d = −H⁻¹g
    newton(damping=α)             d = −(H + αI)⁻¹g      (Lecture 7, "regularising the Hessian")
    saddle_free_newton            d = −|H|⁻¹g,  |H| = Q|Λ|Qᵀ  (Dauphin et al., 2014)

and returns a `trajectory.Trajectory` (the points visited, f and ‖∇f‖ at each, and its
`reason`: CONVERGED when ‖∇f‖_∞ ≤ tol, MAX_ITER, LINE_SEARCH_FAILED or DIVERGED).

Singular and indefinite Hessians, the documented behaviour:
* plain Newton looks for a *critical point* ("Newton: just to find critical points", Lecture 3),
  so with an indefinite but invertible H it takes the step, and walks to a saddle or a maximum
  as happily as to a minimum; the chapter shows this;
* a singular H + αI (no unique Newton step) raises `SingularHessianError`, a ValueError, that
  says where and which remedy to use (damping > 0, or saddle_free_newton);
* with `line_search=True` (backtracking, Armijo), a direction that does not point downhill
  (gᵀd ≥ 0, possible only when H + αI is not positive definite) is replaced by −g, the
  steepest-descent direction, for that step.

Every solver of chapter 5 takes a `problems.Problem` and θ₀: `newton(problem, theta0, ...)`;
plain callables go through the one adapter `problems.as_problem(f, grad, hess, dim=n)`.

Bad input, for every solver of chapter 5 (`problems.solver_input`, `validation.checked`): a
problem that is not a Problem (Newton: one without a Hessian), θ₀ not a vector of finite
numbers of length problem.dim, a non-finite f(θ₀), hyper-parameters out of range, and
callables that raise or return the wrong shape (or NaN where f is finite) are
ValueErrors/TypeErrors naming the argument.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .linesearch import backtracking
from .problems import Problem, solver_input
from .trajectory import LineSearchError, Trajectory, descent, iterate
from .validation import (check_choice, check_finite, check_no_overflow, check_point,
                         check_positive, check_real, check_settings, check_symmetric, check_whole,
                         checked, format_point, overflow_checked)


class SingularHessianError(ValueError):
    """The Newton system (H + αI) d = −g has no unique solution."""


# -- the Hessian and Hessian-vector products ------------------------------------------------


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
    return float(check_no_overflow(u @ H @ u / (u @ u), "uᵀHu / uᵀu (u or H)"))


@overflow_checked
def quadratic_model(f0: float, g, H, step) -> float:
    """f(θ₀) + sᵀg + ½ sᵀHs, the second-order Taylor model at θ₀ + s.
    Raises ValueError unless f0 is finite and g, H and step have matching shapes."""
    f0 = check_real(f0, "f0")
    g, H = _check_system(g, H)
    s = check_finite(step, "step")
    if s.shape != g.shape:
        raise ValueError(f"step must have the shape of g {g.shape}, got {s.shape}")
    return float(check_no_overflow(f0 + s @ g + 0.5 * s @ H @ s, "the model (f0, g, H or step)"))


# -- Newton directions -----------------------------------------------------------------------


@overflow_checked
def newton_direction(g, H, damping: float = 0.0) -> np.ndarray:
    """d = −(H + αI)⁻¹g, by solving (H + αI) d = −g (α = 0: the plain Newton step).

    (H + αI) has the eigenvalues λᵢ + α: it is positive definite when α > −λ_min(H).
    Raises ValueError unless g (n,) and H (n, n) are finite and H symmetric, and
    SingularHessianError if H + αI is singular (or nearly: condition number > 1e12)."""
    g, H = _check_system(g, H)
    damping = check_positive(damping, "damping", allow_zero=True)
    A = check_no_overflow(H + damping * np.eye(g.size), "H + αI (H or damping)")
    eigenvalues = np.linalg.eigvalsh((A + A.T) / 2)
    largest, smallest = np.abs(eigenvalues).max(), np.abs(eigenvalues).min()
    if not smallest > 1e-12 * max(largest, 1e-300):
        raise SingularHessianError(
            f"the Hessian is singular: H + αI has eigenvalues {np.round(eigenvalues, 6)} (α = {damping:g}), "
            "so the Newton step is not defined. Use damping > 0 (regularised Newton) or saddle_free_newton.")
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


# -- the step every Newton variant shares; `trajectory.iterate` runs it ------------------------


@overflow_checked
def _newton_method(name, direction, problem, theta0, tol, max_iter, line_search):
    tol, max_iter = check_settings(tol, max_iter)
    line_search = check_choice(line_search, "line_search", (False, True))
    theta, f, grad = solver_input(problem, theta0)
    if problem.hess is None:
        raise ValueError(f"{name} needs a Hessian, and problem {problem.name} has none (hess is None): "
                         "give one (as_problem(f, grad, hess, dim=...)), or use bfgs or lbfgs")
    hess = checked(problem.hess, "hess", (theta.size, theta.size), finite=True, symmetric=True)

    def step(theta, loss, g, state):
        try:
            d = direction(g, hess(theta))
        except SingularHessianError as error:
            raise SingularHessianError(f"{name} at θ = {format_point(theta)}: {error}") from None
        if line_search:
            if g @ d >= 0:  # not downhill: H + αI is not positive definite here
                d = -g
            if not -np.inf < g @ d < 0:  # gᵀd underflows to 0 or overflows: nothing to search
                raise LineSearchError("gᵀd is not a negative number")
            d = d * backtracking(f, theta, g, direction=d, lr0=1.0, f0=loss)
        return theta + d, state

    return iterate(descent(name, f, grad, step), theta, tol=tol, max_iter=max_iter,
                   problem=problem.name)


def newton(problem: Problem, theta0, *, damping: float = 0.0, line_search: bool = False,
           tol: float = 1e-8, max_iter: int = 50) -> Trajectory:
    """Newton's method θ ← θ − (H + αI)⁻¹g until ‖g‖_∞ ≤ tol (Lectures 4, 5, 7; Algorithm 8.8 of
    Goodfellow et al.).

    problem: a `problems.Problem` with f: θ (n,) -> float, grad: θ -> (n,) and hess: θ -> (n, n)
    symmetric (e.g. `problems.rosenbrock()`, or plain callables through the adapter
    `as_problem(f, grad, lambda t: autograd.torch_hessian(f_torch, t), dim=n)`); its name labels
    the Trajectory and the messages. theta0: (n,). damping α ≥ 0 regularises the Hessian
    (Lecture 7); line_search backtracks along d until f decreases enough (Armijo), so the step
    is d·ε with ε ∈ {1, ½, ¼, …}. Without line search the full step ε = 1 is always taken: "we
    got rid of the learning rate" (Lecture 5).

    Returns a Trajectory whose `reason` says why it stopped: CONVERGED (‖g‖_∞ ≤ tol), MAX_ITER,
    LINE_SEARCH_FAILED (no ε gives a decrease) or DIVERGED (`diverged_at` set, the run stops)
    if f becomes non-finite or |f| exceeds 1e8·(1 + |f(θ₀)|), the rule of `trajectory.iterate`.
    Raises SingularHessianError if H + αI is singular at a point it visits, TypeError unless
    problem is a Problem, ValueError if it has no Hessian, if θ₀ is not a finite vector of
    length problem.dim or f(θ₀) is not finite, for tol < 0, max_iter not a whole number ≥ 0,
    damping < 0, and if f, grad or hess raise or return the wrong shape (NaN from grad or hess,
    a non-symmetric hess)."""
    damping = check_positive(damping, "damping", allow_zero=True)
    name = "Newton" + (f" (H + {damping:g}I)" if damping else "") + (" + line search" if line_search else "")
    return _newton_method(name, lambda g, H: newton_direction(g, H, damping), problem, theta0,
                          tol, max_iter, line_search)


def saddle_free_newton(problem: Problem, theta0, *, line_search: bool = False, tol: float = 1e-8,
                       max_iter: int = 50, min_curvature: float = 1e-8) -> Trajectory:
    """Newton's method with |H| in place of H: θ ← θ − |H|⁻¹g (see `saddle_free_direction`).

    |H| is positive definite, so −|H|⁻¹g always points downhill: saddles and maxima repel it.
    On an unbounded function (x² − y²) it runs off to −∞ and the Trajectory says DIVERGED,
    which is the right answer. Raises as `newton` (min_curvature must be > 0)."""
    check_positive(min_curvature, "min_curvature")
    return _newton_method("saddle-free Newton" + (" + line search" if line_search else ""),
                    lambda g, H: saddle_free_direction(g, H, min_curvature), problem, theta0,
                    tol, max_iter, line_search)


def hessian_cost(k: int, repeats: int = 3, seed: int = 0) -> tuple[int, float, float]:
    """Memory (bytes, float64) of a k × k Hessian, the CPU seconds to solve H d = −g with it, and
    the CPU seconds of the part of that solve that is O(k²) (Lecture 5: k² memory, O(k³) time).

    The solve is done as the library's `solve` does it: the LU factorisation H = LU, the O(k³)
    part, then two triangular solves with L and U, the O(k²) part (`scipy.linalg.lu_factor`,
    `lu_solve`); the first time returned is their sum. H is a random symmetric matrix shifted by
    3√k·I, which makes it positive definite (its eigenvalues lie within ±√(2k) of the shift, with
    overwhelming probability). Each part is the median of `repeats` runs (the fast triangular
    solves of 5 × `repeats`), in CPU time of this process (`time.process_time`), which a busy
    machine inflates far less than wall time, on one thread. Both parts work on the same matrix in the same
    memory, so their ratio shows the extra factor k of the factorisation apart from cache effects.
    Raises ValueError unless k is a whole number in [1, 4000] and repeats in [1, 100] (larger
    ones take too long here)."""
    import time

    from scipy.linalg import lu_factor, lu_solve
    from threadpoolctl import threadpool_limits

    k, repeats = check_whole(k, "k", minimum=1), check_whole(repeats, "repeats", minimum=1)
    if k > 4000 or repeats > 100:
        raise ValueError(f"k must be <= 4000 and repeats <= 100, got k = {k}, repeats = {repeats}")
    rng = np.random.default_rng(check_whole(seed, "seed"))
    A = rng.normal(size=(k, k))
    H, g = (A + A.T) / 2 + 3 * np.sqrt(k) * np.eye(k), rng.normal(size=k)

    def cpu_seconds(work, times: int) -> float:
        spent = []
        for _ in range(times):
            start_time = time.process_time()
            work()
            spent.append(time.process_time() - start_time)
        return float(np.median(spent))

    with threadpool_limits(limits=1):  # one thread: CPU time is then the work itself
        factor = cpu_seconds(lambda: lu_factor(H, check_finite=False), repeats)
        factors = lu_factor(H, check_finite=False)
        substitute = cpu_seconds(lambda: lu_solve(factors, -g, check_finite=False), 5 * repeats)
    return H.nbytes, factor + substitute, substitute
