"""Gauss-Newton and Levenberg-Marquardt for nonlinear least squares (Lecture 5).

The loss is a sum of squared residuals r(θ) ∈ ℝᴺ with Jacobian J = ∂r/∂θ (N × n):

    f(θ) = Σᵢ rᵢ(θ)² = ‖r‖²,    ∇f = 2Jᵀr,    ∇²f = 2JᵀJ + 2 Σᵢ rᵢ ∇²rᵢ.

Gauss-Newton drops the second term, which needs second derivatives and is small near a good
fit (small rᵢ): H ≈ 2JᵀJ, the lecture's convention with the factor 2 (for ½‖r‖², the convention
of SciPy and MINPACK, the approximation is JᵀJ). The Newton system 2JᵀJ δ = −∇f = −2Jᵀr becomes

    Gauss-Newton:         JᵀJ δ = −Jᵀr                                  θ ← θ + δ
    Levenberg-Marquardt:  (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr

solved as linear systems, never by inverting ("inverting a matrix is unstable", Lecture 5).
λ → 0 gives Gauss-Newton; λ large gives δ ≈ −diag(JᵀJ)⁻¹ Jᵀr / λ: gradient descent with each
component scaled by its curvature (Marquardt's scaling), short steps that are safe far from the
minimum. λ adapts: divided by `down` after a step that lowers f, multiplied by `up` (and the step
retried) after one that does not.

The slide writes LM as (JᵀJ + λ diag(JᵀJ))(x_k − x_{k+1}) = ∇f(x_k); with ∇f = 2Jᵀr for
f = Σr² that is twice the step, inconsistent with its own Gauss-Newton line
2JᵀJ(x_k − x_{k+1}) = ∇f. The consistent right-hand side is Jᵀr = ½∇f, used here.

Sources: Gauss (1809); Levenberg (1944); Marquardt (1963); Nocedal & Wright (2006), Chapter 10.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .trajectory import Trajectory
from .validation import as_float_array, check_positive


def _check_jr(J, r):
    J, r = as_float_array(J, "J"), as_float_array(r, "r")
    if r.ndim != 1 or J.ndim != 2 or J.shape[0] != r.size:
        raise ValueError(f"need r of shape (N,) and J of shape (N, n), got {r.shape} and {J.shape}")
    return J, r


def gauss_newton_step(J, r) -> np.ndarray:
    """δ solving JᵀJ δ = −Jᵀr (the Newton step with H ≈ 2JᵀJ). Raises ValueError if JᵀJ is
    singular (fewer independent residuals than parameters): use `lm_step` with λ > 0."""
    J, r = _check_jr(J, r)
    JtJ = J.T @ J
    if np.linalg.matrix_rank(JtJ) < JtJ.shape[0]:
        raise ValueError(f"JᵀJ ({JtJ.shape[0]} × {JtJ.shape[0]}) is singular: the residuals do not "
                         "determine every parameter here; use Levenberg-Marquardt (λ > 0)")
    return np.linalg.solve(JtJ, -J.T @ r)


def lm_step(J, r, lam: float) -> np.ndarray:
    """δ solving (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr, the Levenberg-Marquardt step (λ ≥ 0)."""
    J, r = _check_jr(J, r)
    lam = check_positive(lam, "lam", allow_zero=True)
    JtJ = J.T @ J
    return np.linalg.solve(JtJ + lam * np.diag(np.diag(JtJ)), -J.T @ r)


def _start(residual, jacobian, theta0):
    theta = as_float_array(theta0, "theta0").copy()
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a vector, got shape {theta.shape}")
    r, J = residual(theta), jacobian(theta)
    _check_jr(J, r)
    if J.shape[1] != theta.size:
        raise ValueError(f"the Jacobian has {J.shape[1]} columns but θ has {theta.size} entries")
    return theta, r, J


def gauss_newton(residual, jacobian, theta0, *, tol: float = 1e-8, max_iter: int = 100,
                 problem: str = "") -> Trajectory:
    """Minimise Σ r(θ)² by Gauss-Newton steps until ‖∇f‖_∞ = 2‖Jᵀr‖_∞ ≤ tol.

    residual: θ (n,) -> r (N,); jacobian: θ -> J (N, n). Takes the full step every time (no
    safeguard: it can diverge from a poor start, which LM fixes). Returns a Trajectory whose
    losses are f = Σr²; `diverged_at` is set (and the run stops) if f becomes non-finite or
    exceeds 1e8·(1 + f(θ₀)). Raises ValueError if JᵀJ becomes singular on the way."""
    theta, r, J = _start(residual, jacobian, theta0)
    points, losses, norms = [theta], [float(r @ r)], [float(np.linalg.norm(2 * J.T @ r))]
    limit, diverged_at = 1e8 * (1 + losses[0]), None  # the divergence rule of trajectory.run
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(max_iter)):
            if np.abs(2 * J.T @ r).max() <= tol:
                break
            theta = theta + gauss_newton_step(J, r)
            r = residual(theta)
            loss = float(r @ r)
            if not (np.isfinite(loss) and loss <= limit):
                diverged_at = k + 1
                break
            J = jacobian(theta)
            points.append(theta)
            losses.append(loss)
            norms.append(float(np.linalg.norm(2 * J.T @ r)))
    return Trajectory(method="Gauss-Newton", problem=problem, points=np.array(points),
                      losses=np.array(losses), grad_norms=np.array(norms), diverged_at=diverged_at)


def levenberg_marquardt(residual, jacobian, theta0, *, lam: float = 1e-3, up: float = 10.0,
                        down: float = 10.0, tol: float = 1e-8, max_iter: int = 200,
                        callback: Callable | None = None, problem: str = "") -> Trajectory:
    """Minimise Σ r(θ)² by Levenberg-Marquardt with adaptive λ (see the module docstring).

    lam: the initial λ > 0; up, down > 1: the factors that raise λ after a rejected step and
    lower it after an accepted one. Stops when ‖∇f‖_∞ ≤ tol, when λ exceeds 1e16 (no step
    lowers f: at a minimum to rounding), or after max_iter accepted steps.
    callback(k, θ_k, λ) after each accepted step. Returns a Trajectory (accepted steps only)."""
    lam = check_positive(lam, "lam")
    up, down = check_positive(up, "up"), check_positive(down, "down")
    if up <= 1 or down <= 1:
        raise ValueError(f"up and down must be > 1, got up = {up}, down = {down}")
    theta, r, J = _start(residual, jacobian, theta0)
    f_value = float(r @ r)
    points, losses, norms = [theta], [f_value], [float(np.linalg.norm(2 * J.T @ r))]
    for k in range(int(max_iter)):
        if np.abs(2 * J.T @ r).max() <= tol:
            break
        while lam < 1e16:
            candidate = theta + lm_step(J, r, lam)
            with np.errstate(all="ignore"):
                r_new = residual(candidate)
                f_new = float(r_new @ r_new)
            if np.isfinite(f_new) and f_new < f_value:
                break
            lam *= up
        else:
            break  # no λ gives a decrease: we are at a minimum (to rounding)
        theta, r, f_value, lam = candidate, r_new, f_new, lam / down
        J = jacobian(theta)
        points.append(theta)
        losses.append(f_value)
        norms.append(float(np.linalg.norm(2 * J.T @ r)))
        if callback is not None:
            callback(k + 1, theta, lam)
    return Trajectory(method="Levenberg-Marquardt", problem=problem, points=np.array(points),
                      losses=np.array(losses), grad_norms=np.array(norms))
