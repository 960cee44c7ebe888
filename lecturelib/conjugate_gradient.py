"""Conjugate gradients: the linear method for Ax = b (A symmetric positive definite), and the
nonlinear method for minimising any smooth f (Fletcher–Reeves and Polak–Ribière).

Linear CG minimises the quadratic f(x) = ½xᵀAx − bᵀx, whose gradient is the negative residual
r = b − Ax. Each new direction is the residual made A-conjugate to the previous direction,

    α_k = r_kᵀr_k / p_kᵀAp_k,   x_{k+1} = x_k + α_k p_k,   r_{k+1} = r_k − α_k Ap_k,
    β_k = r_{k+1}ᵀr_{k+1} / r_kᵀr_k,   p_{k+1} = r_{k+1} + β_k p_k,

so the directions satisfy p_iᵀAp_j = 0 (i ≠ j), and in exact arithmetic x_n solves the n × n
system: at most n steps. It needs only products Ap, never A itself, which is why it pairs with
Hessian-vector products. Its error shrinks at least like ((√κ − 1)/(√κ + 1))^k (κ = cond(A)).

Nonlinear CG (Lecture 7; Lecture 3: "conjugate gradient: line search along ∇J") replaces the
residual by −∇f, α_k by a line search, and β_k by

    Fletcher–Reeves  β = g_{k+1}ᵀg_{k+1} / g_kᵀg_k
    Polak–Ribière    β = max(0, g_{k+1}ᵀ(g_{k+1} − g_k) / g_kᵀg_k)   ("PR+": negative β restarts)

and restarts (β = 0, a steepest-descent step) every n steps or when successive gradients are
far from orthogonal (Powell: |g_{k+1}ᵀg_k| ≥ 0.2 g_{k+1}ᵀg_{k+1}).

Source: Hestenes & Stiefel (1952); Nocedal & Wright (2006), Algorithms 5.2 and 5.4;
Goodfellow et al. (2016), Section 8.6.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .linesearch import searched_gradient, wolfe_step
from .problems import Problem, solver_input
from .trajectory import CONVERGED, MAX_ITER, Method, Trajectory, iterate
from .validation import (check_choice, check_finite, check_settings, check_start, check_symmetric,
                         check_whole, check_wolfe, checked, overflow_checked)


@dataclass(frozen=True)
class CGResult:
    """What `conjugate_gradient` returns: the solution, every iterate (k + 1, n), the residual
    norm ‖b − Ax_k‖ after each step (k + 1,), and why it stopped (CONVERGED or MAX_ITER)."""

    x: np.ndarray
    points: np.ndarray
    residual_norms: np.ndarray
    reason: str = CONVERGED

    @property
    def iterations(self) -> int:
        return len(self.points) - 1

    @property
    def converged(self) -> bool:
        return self.reason == CONVERGED

    @property
    def message(self) -> str:
        """Why CG stopped, in one sentence."""
        final = f"‖b − Ax‖ = {self.residual_norms[-1]:.3g}"
        if self.converged:
            return f"CG converged in {self.iterations} steps: {final}"
        return (f"CG did not converge: it stopped at the iteration limit after {self.iterations} steps "
                f"({final})")


def _check_system(A, b):
    b = check_finite(b, "b")
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"b must be a vector (1-D, at least one entry), got shape {b.shape}")
    if callable(A):  # a matrix-vector product: shape and symmetry cannot be checked up front
        return checked(A, "A", b.shape, finite=True, arg="p"), b
    A = check_finite(A, "A")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if A.shape[0] != b.size:
        raise ValueError(f"A is {A.shape[0]} × {A.shape[1]} but b has {b.size} entries; they must match")
    check_symmetric(A, "A", " (CG needs a symmetric positive definite matrix; for a general square A "
                    "use np.linalg.solve, or CG on AᵀA x = Aᵀb)")
    if not np.all(np.diag(A) > 0):
        i = int(np.argmin(np.diag(A)))
        raise ValueError(f"A is not positive definite: A[{i}, {i}] = {A[i, i]:.3g} <= 0. CG needs a "
                         "symmetric positive definite matrix (use np.linalg.solve, or MINRES)")
    return (lambda p: A @ p), b


@overflow_checked
def conjugate_gradient(A, b, x0=None, *, tol: float = 1e-10, max_iter: int | None = None) -> CGResult:
    """Solve Ax = b for a symmetric positive definite A by linear CG (see the module docstring).

    A: an (n, n) array, or a function p -> Ap (then symmetry is the caller's promise);
    b: (n,); x0: (n,), default 0. Stops when ‖r‖ ≤ tol·‖b‖ (reason CONVERGED) or after max_iter
    (default n) steps (MAX_ITER). Raises ValueError if A is not square, not symmetric, does not
    match b, has a diagonal entry ≤ 0, or turns out not to be positive definite (a direction
    with pᵀAp ≤ 0 is met: detected only then); if A, b or x0 hold NaN or inf, the function A
    raises or returns the wrong shape, f(x₀) = ½x₀ᵀAx₀ − bᵀx₀ is not finite
    (`trajectory.check_start`) or the iteration overflows; for tol < 0 and a max_iter that is
    not a whole number ≥ 0."""
    matvec, b = _check_system(A, b)
    x = np.zeros_like(b) if x0 is None else check_finite(x0, "x0").copy()
    if x.shape != b.shape:
        raise ValueError(f"x0 must have the shape of b {b.shape}, got {x.shape}")
    tol, max_iter = check_settings(tol, b.size if max_iter is None else max_iter)
    threshold = tol * max(float(np.linalg.norm(b)), 1e-300)
    Ax = matvec(x)
    check_start(0.5 * x @ Ax - b @ x, x, "½xᵀAx − bᵀx")
    r = b - Ax
    p = r.copy()
    rr = float(r @ r)
    points, norms = [x.copy()], [np.sqrt(rr)]
    for k in range(max_iter):
        if np.sqrt(rr) <= threshold:
            break
        Ap = matvec(p)
        pAp = float(p @ Ap)
        if pAp <= 0:
            raise ValueError(f"A is not positive definite: pᵀAp = {pAp:.3g} <= 0 at step {k}. CG needs "
                             "a symmetric positive definite matrix (use np.linalg.solve, or MINRES)")
        alpha = rr / pAp
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(r @ r)
        if not (np.isfinite(rr_new) and np.isfinite(pAp) and np.isfinite(x).all()):
            raise ValueError(f"CG overflowed at step {k + 1}: the entries of A and b are too large "
                             "for float64; rescale the system")
        p = r + (rr_new / rr) * p
        rr = rr_new
        points.append(x.copy())
        norms.append(np.sqrt(rr))
    return CGResult(x, np.array(points), np.array(norms), CONVERGED if norms[-1] <= threshold else MAX_ITER)


FORMULAS = {  # β_k, the weight of the previous direction, by formula
    "FR": lambda g_new, g_old: (g_new @ g_new) / (g_old @ g_old),
    "PR": lambda g_new, g_old: max(0.0, g_new @ (g_new - g_old) / (g_old @ g_old)),
}


@overflow_checked
def nonlinear_cg(problem: Problem, theta0, *, formula: str = "PR", restart: int | None = None,
                 tol: float = 1e-5, max_iter: int = 1000, c1: float = 1e-4, c2: float = 0.1) -> Trajectory:
    """Minimise problem.f by nonlinear conjugate gradients until ‖∇f‖_∞ ≤ tol (SciPy's criterion).

    problem: a `problems.Problem` (f and grad are used), or plain callables through
    `problems.as_problem(f, grad, dim=n)`; theta0: (n,).

    formula: the formula for β, "FR" (Fletcher–Reeves) or "PR" (Polak–Ribière, with β clipped
    at 0; the name `beta` is the library's first-moment decay, see `optim`); restart: every
    how many steps to reset to −g (a whole number ≥ 1, default n = len(θ₀)); also restarts when
    a direction is not downhill or successive gradients are far from orthogonal. Each step
    uses a strong-Wolfe line search with constants 0 < c1 < c2 < 1 (c2 < ½ keeps
    Fletcher–Reeves' directions downhill).

    Returns a Trajectory whose `reason` is CONVERGED, MAX_ITER, LINE_SEARCH_FAILED (no
    strong-Wolfe step: f may be unbounded below) or DIVERGED. Raises TypeError unless problem
    is a Problem, ValueError if θ₀ is not a finite vector of length problem.dim or f(θ₀) is not
    finite, for an unknown formula, bad restart, tol < 0, max_iter not a whole number ≥ 0, and if
    f or grad raise or return the wrong shape (or grad NaN)."""
    formula = check_choice(formula, "formula", sorted(FORMULAS))
    tol, max_iter = check_settings(tol, max_iter)
    c1, c2 = check_wolfe(c1, c2)
    if restart is not None:
        restart = check_whole(restart, "restart", minimum=1)
    name = {"FR": "nonlinear CG (Fletcher–Reeves)", "PR": "nonlinear CG (Polak–Ribière)"}[formula]
    theta, f, grad = solver_input(problem, theta0)
    restart = theta.size if restart is None else restart

    def step(theta, loss, g, state):
        d, since_restart = state["d"], state["since_restart"]
        if d is None or not -np.inf < float(g @ d) < 0:  # first step, or not downhill: restart
            d, since_restart = -g, 0
        alpha, f_new, g_new = wolfe_step(f, grad, theta, d, loss, g, state["previous_f"], c1, c2)
        since_restart += 1
        powell = abs(g_new @ g) >= 0.2 * (g_new @ g_new)
        b = 0.0 if since_restart >= restart or powell else FORMULAS[formula](g_new, g)
        if b == 0.0:
            since_restart = 0
        return theta + alpha * d, f_new, {"d": -g_new + b * d, "since_restart": since_restart,
                                          "previous_f": loss, "g": g_new}

    first = {"d": None, "since_restart": 0, "previous_f": None, "g": None}
    method = Method(name, lambda theta: (f(theta), first), step, searched_gradient(grad))
    return iterate(method, theta, tol=tol, max_iter=max_iter, problem=problem.name)
