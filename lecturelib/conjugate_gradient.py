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

from .trajectory import Trajectory
from .validation import as_float_array, check_positive
from .linesearch import LineSearchError, wolfe_line_search


@dataclass(frozen=True)
class CGResult:
    """What `conjugate_gradient` returns: the solution, every iterate (k + 1, n) and the residual
    norm ‖b − Ax_k‖ after each step (k + 1,)."""

    x: np.ndarray
    points: np.ndarray
    residual_norms: np.ndarray

    @property
    def iterations(self) -> int:
        return len(self.points) - 1


def _check_system(A, b):
    b = as_float_array(b, "b")
    if b.ndim != 1:
        raise ValueError(f"b must be a vector, got shape {b.shape}")
    if callable(A):  # a matrix-vector product: shape and symmetry cannot be checked up front
        return A, b
    A = as_float_array(A, "A")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if A.shape[0] != b.size:
        raise ValueError(f"A is {A.shape[0]} × {A.shape[1]} but b has {b.size} entries; they must match")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max()):
        raise ValueError("A must be symmetric (CG needs a symmetric positive definite matrix); "
                         "for a general square A use np.linalg.solve, or CG on AᵀA x = Aᵀb")
    return (lambda p: A @ p), b


def conjugate_gradient(A, b, x0=None, *, tol: float = 1e-10, max_iter: int | None = None) -> CGResult:
    """Solve Ax = b for a symmetric positive definite A by linear CG (see the module docstring).

    A: an (n, n) array, or a function p -> Ap (then symmetry is the caller's promise);
    b: (n,); x0: (n,), default 0. Stops when ‖r‖ ≤ tol·‖b‖ or after max_iter (default n) steps.
    Raises ValueError if A is not square, not symmetric, does not match b, or turns out not to
    be positive definite (a direction with pᵀAp ≤ 0 is met: detected only then)."""
    matvec, b = _check_system(A, b)
    x = np.zeros_like(b) if x0 is None else as_float_array(x0, "x0").copy()
    if x.shape != b.shape:
        raise ValueError(f"x0 must have the shape of b {b.shape}, got {x.shape}")
    max_iter = b.size if max_iter is None else int(check_positive(max_iter, "max_iter"))
    threshold = check_positive(tol, "tol") * max(float(np.linalg.norm(b)), 1e-300)
    r = b - matvec(x)
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
        p = r + (rr_new / rr) * p
        rr = rr_new
        points.append(x.copy())
        norms.append(np.sqrt(rr))
    return CGResult(x, np.array(points), np.array(norms))


BETAS = {
    "FR": lambda g_new, g_old: (g_new @ g_new) / (g_old @ g_old),
    "PR": lambda g_new, g_old: max(0.0, g_new @ (g_new - g_old) / (g_old @ g_old)),
}


def nonlinear_cg(f, grad, theta0, *, beta: str = "PR", restart: int | None = None, tol: float = 1e-5,
                 max_iter: int = 1000, c2: float = 0.1, problem: str = "") -> Trajectory:
    """Minimise f by nonlinear conjugate gradients until ‖∇f‖_∞ ≤ tol (SciPy's criterion).

    beta: "FR" (Fletcher–Reeves) or "PR" (Polak–Ribière, with β clipped at 0); restart: every
    how many steps to reset to −g (default n = len(θ₀)); also restarts when a direction is not
    downhill or successive gradients are far from orthogonal. Each step uses a strong-Wolfe line
    search with curvature constant c2 (< ½ keeps Fletcher–Reeves' directions downhill).
    Returns a Trajectory; a failed line search ends the run (the final ‖∇f‖ then exceeds tol)."""
    if beta not in BETAS:
        raise ValueError(f"beta must be one of {sorted(BETAS)}, got {beta!r}")
    theta = as_float_array(theta0, "theta0").copy()
    restart = theta.size if restart is None else int(check_positive(restart, "restart"))
    tol = check_positive(tol, "tol")
    f_value, g = f(theta), grad(theta)
    d = -g
    points, losses, norms = [theta], [f_value], [float(np.linalg.norm(g))]
    previous_f = f_value + np.linalg.norm(g) / 2  # SciPy's guess that makes the first step ~1
    since_restart = 0
    for k in range(int(max_iter)):
        if np.abs(g).max() <= tol:
            break
        slope = float(g @ d)
        if slope >= 0:  # not downhill: restart with steepest descent
            d, slope, since_restart = -g, -float(g @ g), 0
        alpha1 = min(1.0, 2.02 * (f_value - previous_f) / slope)
        alpha1 = alpha1 if alpha1 > 0 else 1.0
        try:
            alpha, f_new, g_new = wolfe_line_search(f, grad, theta, d, f_value, g, alpha1=alpha1,
                                                    c2=c2)
        except LineSearchError:
            break
        theta = theta + alpha * d
        since_restart += 1
        powell = abs(g_new @ g) >= 0.2 * (g_new @ g_new)
        b = 0.0 if since_restart >= restart or powell else BETAS[beta](g_new, g)
        if b == 0.0:
            since_restart = 0
        d = -g_new + b * d
        previous_f, f_value, g = f_value, f_new, g_new
        points.append(theta)
        losses.append(f_value)
        norms.append(float(np.linalg.norm(g)))
    name = {"FR": "nonlinear CG (Fletcher–Reeves)", "PR": "nonlinear CG (Polak–Ribière)"}[beta]
    return Trajectory(method=name, problem=problem, points=np.array(points), losses=np.array(losses),
                      grad_norms=np.array(norms))
