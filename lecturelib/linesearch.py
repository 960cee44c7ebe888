"""Choosing the step: the optimal step on a quadratic, backtracking (Armijo) line search, a
strong-Wolfe line search, and coordinate descent.

Backtracking checks only sufficient decrease, which is enough for gradient descent and
Newton's method. Nonlinear CG, BFGS and L-BFGS (chapter 5) need the strong Wolfe conditions:

    f(θ + αd) ≤ f(θ) + c₁ α gᵀd                 (sufficient decrease, Armijo)
    |∇f(θ + αd)ᵀd| ≤ c₂ |gᵀd|                    (curvature: the slope has flattened)

with 0 < c₁ < c₂ < 1; the curvature condition guarantees sᵀy > 0 for s = αd and
y = ∇f(θ + αd) − ∇f(θ), which keeps the BFGS inverse-Hessian estimate positive definite.

Sources: Lecture 4 (second-order Taylor model f(x₀ − εg) ≈ f(x₀) − ε gᵀg + ½ε² gᵀHg, whose
minimiser is ε* = gᵀg / gᵀHg; "line search: checked with several values"), Lecture 5 (optimal
learning rate by line search, argmin_α L(θ − α∇L)), Lecture 7 (coordinate descent). Armijo (1966);
Nocedal & Wright, Numerical Optimization (2006), Algorithms 3.1 (backtracking), 3.5 and 3.6
(bracketing and zoom for Wolfe, with cubic and quadratic interpolation as in SciPy's
`scalar_search_wolfe2`).
"""

from __future__ import annotations

import numpy as np

from .problems import Problem
from .trajectory import Trajectory
from .validation import as_float_array, check_positive


def optimal_step(g, H) -> float:
    """ε* = gᵀg / gᵀHg, the step that minimises the quadratic model along −g (Lecture 4).

    On a quadratic this *is* the exact line search. Raises ValueError when gᵀHg ≤ 0: then the
    model has no minimum along −g (it predicts that larger steps decrease f for ever)."""
    g, H = as_float_array(g, "g"), as_float_array(H, "H")
    if H.shape != (g.size, g.size):
        raise ValueError(f"H must have shape ({g.size}, {g.size}) to match g, got {H.shape}")
    curvature = g @ H @ g
    if curvature <= 0:
        raise ValueError(f"gᵀHg = {curvature:.3g} <= 0: the quadratic model has no minimum along −g")
    return float(g @ g / curvature)


def backtracking(f, theta, g, direction=None, lr0: float = 1.0, c: float = 1e-4, shrink: float = 0.5,
                 max_halvings: int = 60, f0: float | None = None) -> float:
    """The first ε in lr0, lr0·shrink, lr0·shrink², … with the Armijo sufficient decrease
    f(θ + εd) ≤ f(θ) + c ε gᵀd, for a descent direction d (default d = −g). Pass `f0` = f(θ)
    when the caller already knows it, to save an evaluation.

    Raises ValueError if d is not a descent direction (gᵀd ≥ 0) and RuntimeError if no step
    within `max_halvings` halvings decreases f enough."""
    theta, g = as_float_array(theta, "theta"), as_float_array(g, "g")
    d = -g if direction is None else as_float_array(direction, "direction")
    slope = float(g @ d)
    if slope >= 0:
        raise ValueError(f"the direction must point downhill (gᵀd < 0), got gᵀd = {slope:.3g}")
    lr = check_positive(lr0, "lr0")
    f0 = f(theta) if f0 is None else f0
    if not 0 < shrink < 1:
        raise ValueError(f"shrink must be in (0, 1), got {shrink}")
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_halvings):
            value = f(theta + lr * d)
            if np.isfinite(value) and value <= f0 + c * lr * slope:
                return lr
            lr *= shrink
    raise RuntimeError(f"no step down to {lr:.3g} gave sufficient decrease: is the gradient correct?")


def steepest_descent(problem: Problem, theta0, steps: int, line_search: str = "exact",
                     lr0: float = 1.0) -> Trajectory:
    """Gradient descent θ ← θ − ε_k g with ε_k from a line search: "exact" (ε* = gᵀg/gᵀHg, exact
    for a quadratic; needs `problem.hess`) or "armijo" (backtracking from lr0).
    Stops early when the gradient is exactly zero."""
    if line_search not in ("exact", "armijo"):
        raise ValueError(f"line_search must be 'exact' or 'armijo', got {line_search!r}")
    if line_search == "exact" and problem.hess is None:
        raise ValueError(f"{problem.name} has no Hessian: use line_search='armijo'")
    theta = problem.check_point(theta0)
    points = [theta]
    for _ in range(int(steps)):
        g = problem.grad(theta)
        if not np.any(g):
            break
        if line_search == "exact":
            lr = optimal_step(g, problem.hess(theta))
        else:
            lr = backtracking(problem.f, theta, g, lr0=lr0)
        theta = theta - lr * g
        points.append(theta)
    return _trajectory(f"steepest descent ({line_search} line search)", problem, points)


def coordinate_descent(problem: Problem, theta0, sweeps: int) -> Trajectory:
    """Minimise f along one coordinate at a time, x₁, then x₂, … (Lecture 7), with the exact
    one-dimensional Newton step θᵢ ← θᵢ − gᵢ / Hᵢᵢ, exact on a quadratic. One sweep visits every
    coordinate; every coordinate move is a recorded point (the staircase path)."""
    if problem.hess is None:
        raise ValueError(f"{problem.name} has no Hessian, which coordinate_descent needs")
    theta = problem.check_point(theta0)
    points = [theta]
    for _ in range(int(sweeps)):
        for i in range(problem.dim):
            curvature = problem.hess(theta)[i, i]
            if curvature <= 0:
                raise ValueError(f"f is not convex along coordinate {i} at {theta} (Hᵢᵢ = {curvature:.3g})")
            theta = theta.copy()
            theta[i] -= problem.grad(theta)[i] / curvature
            points.append(theta)
    return _trajectory("coordinate descent", problem, points)


def _trajectory(method: str, problem: Problem, points) -> Trajectory:
    points = np.array(points)
    return Trajectory(method, problem.name, points, np.array([problem.f(p) for p in points]),
                      np.array([np.linalg.norm(problem.grad(p)) for p in points]))


# -- the strong Wolfe conditions (for nonlinear CG, BFGS, L-BFGS) ----------------------------


class LineSearchError(RuntimeError):
    """No step satisfying the strong Wolfe conditions was found."""


def _cubic_min(a, fa, fpa, b, fb, c, fc):
    """Minimiser of the cubic through (a, fa) with slope fpa at a, (b, fb) and (c, fc), or None."""
    with np.errstate(all="ignore"):
        db, dc = b - a, c - a
        denom = (db * dc) ** 2 * (db - dc)
        if denom == 0:
            return None
        rhs = np.array([fb - fa - fpa * db, fc - fa - fpa * dc])
        A, B = np.array([[dc**2, -(db**2)], [-(dc**3), db**3]]) @ rhs / denom
        radical = B * B - 3 * A * fpa
        if A == 0 or radical < 0:
            return None
        x = a + (-B + np.sqrt(radical)) / (3 * A)
    return float(x) if np.isfinite(x) else None


def _quadratic_min(a, fa, fpa, b, fb):
    """Minimiser of the quadratic through (a, fa) with slope fpa at a and (b, fb), or None."""
    db = b - a
    curvature = (fb - fa - fpa * db) / (db * db) if db != 0 else 0.0
    if not np.isfinite(curvature) or curvature <= 0:
        return None
    return float(a - fpa / (2 * curvature))


def wolfe_line_search(f, grad, theta, d, f0=None, g0=None, alpha1: float = 1.0,
                      c1: float = 1e-4, c2: float = 0.9, max_iter: int = 30):
    """Return (α, f(θ + αd), ∇f(θ + αd)) for a step α satisfying the strong Wolfe conditions.

    f, grad: θ (n,) -> float and θ (n,) -> (n,); theta, d: shape (n,); f0, g0: f and ∇f at θ
    (computed if not given); alpha1: the first trial step. Use c₂ = 0.9 for (L-)BFGS and a small
    c₂ (0.1-0.4) for nonlinear CG. Raises ValueError if d is not a descent direction or the
    constants are not 0 < c₁ < c₂ < 1, and LineSearchError if no step is found in `max_iter`
    trials (a wrong gradient is the usual cause)."""
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"need 0 < c1 < c2 < 1, got c1 = {c1}, c2 = {c2}")
    f0 = f(theta) if f0 is None else f0
    g0 = grad(theta) if g0 is None else g0
    slope0 = float(g0 @ d)
    if not slope0 < 0:
        raise ValueError(f"d must be a descent direction (gᵀd < 0), got gᵀd = {slope0:.3g}")
    last = {}

    def phi(alpha):
        with np.errstate(all="ignore"):
            value = f(theta + alpha * d)
        return value if np.isfinite(value) else np.inf

    def dphi(alpha):
        last["alpha"], last["g"] = alpha, grad(theta + alpha * d)
        return float(last["g"] @ d)

    def armijo_fails(alpha, value):
        return value > f0 + c1 * alpha * slope0

    def done(alpha, value):
        g = last["g"] if last.get("alpha") == alpha else grad(theta + alpha * d)
        return alpha, value, g

    def zoom(lo, hi, f_lo, f_hi, s_lo):
        a_rec = f_rec = None
        for i in range(max_iter):
            gap = hi - lo
            left, right = min(lo, hi), max(lo, hi)
            trial = _cubic_min(lo, f_lo, s_lo, hi, f_hi, a_rec, f_rec) if i > 0 else None
            if trial is None or not left + 0.2 * abs(gap) < trial < right - 0.2 * abs(gap):
                trial = _quadratic_min(lo, f_lo, s_lo, hi, f_hi) if np.isfinite(f_hi) else None
                if trial is None or not left + 0.1 * abs(gap) < trial < right - 0.1 * abs(gap):
                    trial = lo + 0.5 * gap  # bisection
            value = phi(trial)
            if armijo_fails(trial, value) or value >= f_lo:
                a_rec, f_rec, hi, f_hi = hi, f_hi, trial, value
                continue
            slope = dphi(trial)
            if abs(slope) <= -c2 * slope0:
                return done(trial, value)
            if slope * (hi - lo) >= 0:
                a_rec, f_rec, hi, f_hi = hi, f_hi, lo, f_lo
            else:
                a_rec, f_rec = lo, f_lo
            lo, f_lo, s_lo = trial, value, slope
        raise LineSearchError(f"zoom found no strong-Wolfe step in {max_iter} trials")

    previous, f_previous, s_previous = 0.0, f0, slope0
    alpha = float(alpha1)
    for i in range(max_iter):
        value = phi(alpha)
        if armijo_fails(alpha, value) or (i > 0 and value >= f_previous):
            return zoom(previous, alpha, f_previous, value, s_previous)
        slope = dphi(alpha)
        if abs(slope) <= -c2 * slope0:
            return done(alpha, value)
        if slope >= 0:
            return zoom(alpha, previous, value, f_previous, slope)
        previous, f_previous, s_previous, alpha = alpha, value, slope, 2.0 * alpha
    raise LineSearchError(f"no strong-Wolfe step found in {max_iter} trials (last α = {alpha:.3g})")
