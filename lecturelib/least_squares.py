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

Both return a Trajectory whose `reason` says why they stopped: CONVERGED (‖∇f‖_∞ ≤ tol),
MAX_ITER, DIVERGED (Gauss-Newton, which has no safeguard) or LINE_SEARCH_FAILED (LM: no λ up to
1e16 lowers f, so the point is a minimum to rounding, or the Jacobian is wrong).

The slide writes LM as (JᵀJ + λ diag(JᵀJ))(x_k − x_{k+1}) = ∇f(x_k); with ∇f = 2Jᵀr for
f = Σr² that is twice the step, inconsistent with its own Gauss-Newton line
2JᵀJ(x_k − x_{k+1}) = ∇f. The consistent right-hand side is Jᵀr = ½∇f, used here.

Unlike the other solvers of chapter 5, which take a `problems.Problem` (f, ∇f, ∇²f), these two
take the residual r and its Jacobian J, since what they solve is a different kind of problem.

Sources: Gauss (1809); Levenberg (1944); Marquardt (1963); Nocedal & Wright (2006), Chapter 10.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .trajectory import LineSearchError, Method, Trajectory, iterate
from .validation import (check_callback, check_finite, check_no_overflow, check_point, check_positive,
                         check_settings, checked, format_point, overflow_checked)

MAX_TRIES = 1000  # λ-increases LM tries for one step before it gives up (besides λ ≥ 1e16)


def _check_jr(J, r):
    J, r = check_finite(J, "J"), check_finite(r, "r")
    if r.ndim != 1 or J.ndim != 2 or J.shape[0] != r.size:
        raise ValueError(f"need r of shape (N,) and J of shape (N, n), got {r.shape} and {J.shape}")
    return J, r


@overflow_checked
def gauss_newton_step(J, r) -> np.ndarray:
    """δ solving JᵀJ δ = −Jᵀr (the Newton step with H ≈ 2JᵀJ). Raises ValueError if J and r do
    not match or hold NaN/inf, and if JᵀJ is singular (fewer independent residuals than
    parameters): use `lm_step` with λ > 0."""
    J, r = _check_jr(J, r)
    JtJ = check_no_overflow(J.T @ J, "JᵀJ (J)")
    singular = (f"JᵀJ ({JtJ.shape[0]} × {JtJ.shape[0]}) is singular: the residuals do not determine "
                "every parameter here; use Levenberg-Marquardt (λ > 0)")
    if np.linalg.matrix_rank(JtJ) < JtJ.shape[0]:
        raise ValueError(singular)
    return _solve(JtJ, -J.T @ r, singular)


@overflow_checked
def lm_step(J, r, damping: float) -> np.ndarray:
    """δ solving (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr, the Levenberg-Marquardt step with damping λ ≥ 0. Raises
    ValueError if J and r do not match or hold NaN/inf, for λ < 0, and if the system is singular:
    a zero column of J (a parameter that does not change the residuals), or λ = 0 and JᵀJ
    singular."""
    J, r = _check_jr(J, r)
    damping = check_positive(damping, "damping", allow_zero=True)
    zero = np.flatnonzero(~J.any(axis=0))
    if zero.size:
        raise ValueError(f"column {zero[0]} of J (the jacobian) is zero: parameter {zero[0]} does not "
                         "change the residuals, so JᵀJ + λ diag(JᵀJ) is singular and it cannot be "
                         "fitted")
    JtJ = check_no_overflow(J.T @ J, "JᵀJ (J)")
    return _solve(JtJ + damping * np.diag(np.diag(JtJ)), -J.T @ r,
                  f"JᵀJ + λ diag(JᵀJ) is singular at λ = {damping:g}: use λ > 0")


def _solve(M, rhs, singular: str) -> np.ndarray:
    """M⁻¹rhs, or ValueError(singular) instead of numpy's LinAlgError."""
    try:
        return check_no_overflow(np.linalg.solve(check_no_overflow(M, "the system (J, λ)"), check_no_overflow(rhs, "Jᵀr (J, r)")),
                       "the step (J, r)")
    except np.linalg.LinAlgError:
        raise ValueError(singular) from None


def _least_squares(name, step, residual, jacobian, theta0, state, tol, max_iter, callback, problem):
    """Run `step` (θ, f, g, state, residual) -> (θ_new, f(θ_new), state) with `trajectory.iterate`
    on f = Σr², ∇f = 2Jᵀr. The state carries r and J at the current point (each evaluated once
    per point: r by the step, J once the loop has accepted the point)."""
    theta = check_point(theta0)
    r0 = checked(residual, "residual", None)(theta)
    residual = checked(residual, "residual", r0.shape)
    jacobian = checked(jacobian, "jacobian", (r0.size, theta.size), finite=True,
                       why=f" (residual returned {r0.size} entries, θ has {theta.size})")

    def gradient(theta, state):
        J = jacobian(theta)
        return 2 * J.T @ state["r"], {**state, "J": J}

    method = Method(name, lambda theta: (r0 @ r0, {**state, "r": r0}),
                    lambda theta, loss, g, state: step(theta, loss, g, state, residual), gradient)
    return iterate(method, theta, tol=tol, max_iter=max_iter, problem=problem or "Σ residual(θ)²",
                   callback=callback)


def _located(method: str, theta, step, *args):
    """step(*args), with the method and θ added to the message of a ValueError (a singular system)."""
    try:
        return step(*args)
    except ValueError as error:
        raise ValueError(f"{method} at θ = {format_point(theta)}: {error}") from None


def _gauss_newton_step(theta, loss, g, state, residual):
    theta = theta + _located("Gauss-Newton", theta, gauss_newton_step, state["J"], state["r"])
    r = residual(theta)
    return theta, float(r @ r), {**state, "r": r}


@overflow_checked
def gauss_newton(residual, jacobian, theta0, *, tol: float = 1e-8, max_iter: int = 100,
                 problem: str = "") -> Trajectory:
    """Minimise Σ r(θ)² by Gauss-Newton steps until ‖∇f‖_∞ = 2‖Jᵀr‖_∞ ≤ tol.

    residual: θ (n,) -> r (N,); jacobian: θ -> J (N, n). Takes the full step every time (no
    safeguard: it can diverge from a poor start, which LM fixes). Returns a Trajectory whose
    losses are f = Σr² and whose `reason` is CONVERGED, MAX_ITER or DIVERGED (`diverged_at` set,
    the run stops, if f becomes non-finite or exceeds 1e8·(1 + f(θ₀))). Raises ValueError if
    JᵀJ becomes singular on the way, if f(θ₀) is not finite, for tol < 0 or a max_iter that is
    not a whole number ≥ 0, and if residual or jacobian raise or return the wrong shape (or
    jacobian NaN/inf)."""
    tol, max_iter = check_settings(tol, max_iter)
    return _least_squares("Gauss-Newton", _gauss_newton_step, residual, jacobian, theta0, {}, tol,
                          max_iter, None, problem)


@overflow_checked
def levenberg_marquardt(residual, jacobian, theta0, *, damping: float = 1e-3, up: float = 10.0,
                        down: float = 10.0, tol: float = 1e-8, max_iter: int = 200,
                        callback: Callable | None = None, problem: str = "") -> Trajectory:
    """Minimise Σ r(θ)² by Levenberg-Marquardt with adaptive λ (see the module docstring).

    damping: the initial λ, 0 < λ < 1e16; up, down > 1: the factors that raise λ after a rejected
    step and lower it after an accepted one (λ never falls below the smallest float). Stops
    when ‖∇f‖_∞ ≤ tol (reason CONVERGED), after max_iter accepted steps (MAX_ITER), or when no
    λ lowers f, λ reaching 1e16 or 1000 tries for one step (LINE_SEARCH_FAILED: a minimum to
    rounding, or a wrong Jacobian). callback(k, θ_k, λ) after each accepted step. Returns a
    Trajectory (accepted steps only). Raises ValueError for parameters out of range, if f(θ₀)
    is not finite, if the system is singular (a parameter the residuals do not depend on), and
    if residual or jacobian raise or return the wrong shape (or jacobian NaN/inf)."""
    damping = check_positive(damping, "damping")
    up, down = check_positive(up, "up"), check_positive(down, "down")
    if up <= 1 or down <= 1:
        raise ValueError(f"up and down must be > 1, got up = {up}, down = {down}")
    if damping >= 1e16:
        raise ValueError(f"damping must be < 1e16, the largest λ LM tries, got {damping:g}")
    tol, max_iter = check_settings(tol, max_iter)
    callback = check_callback(callback)

    def step(theta, loss, g, state, residual):
        damping = state["damping"]
        for _ in range(MAX_TRIES):
            candidate = theta + _located("Levenberg-Marquardt", theta, lm_step, state["J"], state["r"], damping)
            r = residual(candidate)
            f_new = float(r @ r)
            if np.isfinite(f_new) and f_new < loss:
                return candidate, f_new, {**state, "r": r, "damping": max(damping / down, np.finfo(float).tiny)}
            damping *= up
            if damping >= 1e16:
                break
        raise LineSearchError("no λ lowers f: a minimum (to rounding), or a wrong jacobian")

    report = None if callback is None else (lambda k, theta, state: callback(k, theta, state["damping"]))
    return _least_squares("Levenberg-Marquardt", step, residual, jacobian, theta0, {"damping": damping}, tol,
                          max_iter, report, problem)
