"""Choosing the step: the optimal step on a quadratic, backtracking (Armijo) line search, a
strong-Wolfe line search (`wolfe_step`: with SciPy's first trial step, for BFGS, L-BFGS and
nonlinear CG), and the two methods that are a line search and nothing else: steepest descent
and coordinate descent (each a step for the one loop, `trajectory.iterate`).

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

from .problems import Problem, check_problem
from .trajectory import LineSearchError, Trajectory, descent, iterate
from .validation import (check_choice, check_finite, check_function, check_in_range, check_positive, check_start,
                         check_vector, check_whole)

__all__ = ["LineSearchError", "backtracking", "coordinate_descent", "optimal_step", "steepest_descent",
           "searched_gradient", "wolfe_line_search", "wolfe_step"]  # LineSearchError: defined in trajectory, the loop stops on it


def _scaled_curvature(g: np.ndarray, H: np.ndarray):
    """(uᵀu, uᵀHu) for u = g / 2ᵏ with 2ᵏ ≈ max|gᵢ|: scaling by a power of 2 is exact, so the
    ratio is gᵀg / gᵀHg to the last bit, but gᵀg cannot overflow or underflow."""
    u = np.ldexp(g, -int(np.frexp(np.abs(g).max())[1]))
    with np.errstate(over="ignore", invalid="ignore"):
        return u @ u, u @ H @ u


def _exact_step(g: np.ndarray, H: np.ndarray) -> float | None:
    """ε* = gᵀg / gᵀHg, or None when the quadratic model has no minimum along −g (or g = 0)."""
    if not np.any(g):
        return None
    length, curvature = _scaled_curvature(g, H)
    if not (np.isfinite(curvature) and curvature > 0):
        return None
    with np.errstate(over="ignore"):
        step = float(length / curvature)
    return step if np.isfinite(step) else None


def optimal_step(g, H) -> float:
    """ε* = gᵀg / gᵀHg, the step that minimises the quadratic model along −g (Lecture 4).

    g: shape (n,), H: shape (n, n). On a quadratic this *is* the exact line search. Raises
    ValueError when gᵀHg ≤ 0 (the model has no minimum along −g: it predicts that larger steps
    decrease f for ever), when g = 0 (no direction), when g or H is not finite or has the wrong
    shape; TypeError for non-numbers."""
    g = check_vector(g, "g")
    H = check_finite(H, "H")
    if H.shape != (g.size, g.size):
        raise ValueError(f"H must have shape ({g.size}, {g.size}) to match g, got {H.shape}")
    if not np.any(g):
        raise ValueError("g is zero: θ is a stationary point, there is no direction −g to step along")
    step = _exact_step(g, H)
    if step is None:
        curvature = _scaled_curvature(g, H)[1]
        if curvature <= 0:
            raise ValueError(f"gᵀHg <= 0 ({curvature:.3g} for g scaled to max |gᵢ| ≈ 1): the quadratic "
                             "model has no minimum along −g")
        raise ValueError(f"gᵀg / gᵀHg is not a finite number: H is too large or (nearly) zero along g "
                         f"(gᵀHg = {curvature:.3g} for g scaled to max |gᵢ| ≈ 1)")
    return step


def backtracking(f, theta, g, direction=None, lr0: float = 1.0, c: float = 1e-4, shrink: float = 0.5,
                 max_halvings: int = 60, f0: float | None = None) -> float:
    """The first ε in lr0, lr0·shrink, lr0·shrink², … with the Armijo sufficient decrease
    f(θ + εd) ≤ f(θ) + c ε gᵀd, for a descent direction d (default d = −g). Pass `f0` = f(θ)
    when the caller already knows it, to save an evaluation.

    theta, g, direction: finite vectors of one length; lr0 > 0; c, shrink in (0, 1);
    max_halvings a whole number >= 1. Raises TypeError/ValueError for other input, ValueError if
    d is not a descent direction (gᵀd ≥ 0) or f(θ) is not finite, and LineSearchError (a
    RuntimeError) if no step within `max_halvings` shrinkings decreases f enough."""
    check_function(f, "f", "a function θ -> float")
    theta = check_vector(theta, "theta")
    g = check_vector(g, "g", theta.size, of=", the shape of theta")
    d = -g if direction is None else check_vector(direction, "direction", theta.size, of=", the shape of theta")
    lr = check_positive(lr0, "lr0")
    c = check_in_range(c, "c", 0, 1)
    shrink = check_in_range(shrink, "shrink", 0, 1)
    max_halvings = check_whole(max_halvings, "max_halvings", minimum=1)
    with np.errstate(over="ignore", invalid="ignore"):
        slope = float(g @ d)
    if not np.isfinite(slope):
        raise ValueError(f"gᵀd = {slope} overflows: g and direction are too large")
    if slope >= 0:
        raise ValueError(f"the direction must point downhill (gᵀd < 0), got gᵀd = {slope:.3g}")
    f0 = check_start(f(theta), theta, "f") if f0 is None else check_start(f0, theta, "f0")
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_halvings):
            value = f(theta + lr * d)
            if np.isfinite(value) and value <= f0 + c * lr * slope:
                return lr
            lr *= shrink
            if lr == 0:  # underflow: no positive step is left to try
                break
    raise LineSearchError(f"no step from lr0 = {lr0:g} down to {lr:.3g} ({max_halvings} shrinkings by "
                          f"{shrink:g}) gave sufficient decrease: is the gradient correct, lr0 too large?")


def steepest_descent(problem: Problem, theta0, steps: int, line_search: str = "exact",
                     lr0: float = 1.0) -> Trajectory:
    """Gradient descent θ ← θ − ε_k g with ε_k from a line search: "exact" (ε* = gᵀg/gᵀHg, exact
    for a quadratic; needs `problem.hess`) or "armijo" (backtracking from lr0).

    Runs `steps` steps (`trajectory.iterate` with tol = 0); `reason` is CONVERGED if it stops
    early because the gradient is exactly zero, LINE_SEARCH_FAILED if no step decreases f
    (gᵀHg ≤ 0 for the exact step, no Armijo step, or gᵀg underflows to 0), DIVERGED if f
    becomes non-finite or explodes, else MAX_ITER. Raises TypeError/ValueError for a bad
    problem, θ₀ (wrong shape, not finite, f or ∇f not finite there), steps, line_search or lr0."""
    check_problem(problem)
    check_choice(line_search, "line_search", ["exact", "armijo"])
    if line_search == "exact" and problem.hess is None:
        raise ValueError(f"{problem.name} has no Hessian: use line_search='armijo'")
    theta = problem.check_point(theta0, "theta0")
    steps = check_whole(steps, "steps")
    lr0 = check_positive(lr0, "lr0")

    def step(theta, loss, g, state):
        if not g @ g > 0:  # so small that its square underflows: no direction to search along
            raise LineSearchError("gᵀg underflows to 0")
        if line_search == "exact":
            lr = _exact_step(g, problem.hess(theta))
            if lr is None:
                raise LineSearchError("gᵀHg <= 0: the quadratic model has no minimum along −g")
        else:
            lr = backtracking(problem.f, theta, g, lr0=lr0, f0=loss)
        return theta - lr * g, state

    return iterate(descent(f"steepest descent ({line_search} line search)", problem.f, problem.grad, step),
                   theta, max_iter=steps, tol=0.0, problem=problem.name)


def coordinate_descent(problem: Problem, theta0, sweeps: int) -> Trajectory:
    """Minimise f along one coordinate at a time, x₁, then x₂, … (Lecture 7), with the exact
    one-dimensional Newton step θᵢ ← θᵢ − gᵢ / Hᵢᵢ, exact on a quadratic. One sweep visits every
    coordinate; every coordinate move is a step of `trajectory.iterate` and a recorded point (the
    staircase path); the state is the index i of the next coordinate.

    `reason` is CONVERGED if it stops early because the gradient is exactly zero,
    LINE_SEARCH_FAILED if some Hᵢᵢ ≤ 0 on the way, DIVERGED if f becomes non-finite or explodes,
    else MAX_ITER. Raises ValueError if the problem has no Hessian or is not convex along every
    coordinate at θ₀ (Hᵢᵢ ≤ 0), and TypeError/ValueError for a bad problem, θ₀ or sweeps."""
    check_problem(problem)
    if problem.hess is None:
        raise ValueError(f"{problem.name} has no Hessian, which coordinate_descent needs")
    theta = problem.check_point(theta0, "theta0")
    sweeps = check_whole(sweeps, "sweeps")
    check_start(problem.f(theta), theta, problem.name)
    diagonal = np.diag(problem.hess(theta))
    if sweeps and not np.all(diagonal > 0):
        i = int(np.flatnonzero(~(diagonal > 0))[0])
        raise ValueError(f"f is not convex along coordinate {i} at {theta} (Hᵢᵢ = {diagonal[i]:.3g}): "
                         f"coordinate descent needs every Hᵢᵢ > 0 on problem {problem.name}")

    def step(theta, loss, g, i):
        curvature = problem.hess(theta)[i, i]
        if not curvature > 0:
            raise LineSearchError(f"H[{i}, {i}] = {curvature:.3g} <= 0: no minimum along coordinate {i}")
        theta = theta.copy()
        theta[i] -= g[i] / curvature
        return theta, (i + 1) % problem.dim

    return iterate(descent("coordinate descent", problem.f, problem.grad, step, state=0), theta,
                   max_iter=sweeps * problem.dim, tol=0.0, problem=problem.name)


# -- the strong Wolfe conditions (for nonlinear CG, BFGS, L-BFGS) ----------------------------


def _cubic_min(a, fa, fpa, b, fb, c, fc):
    """Minimiser of the cubic through (a, fa) with slope fpa at a, (b, fb) and (c, fc), or None."""
    with np.errstate(all="ignore"):
        try:
            db, dc = b - a, c - a
            denom = (db * dc) ** 2 * (db - dc)
            if denom == 0:
                return None
            rhs = np.array([fb - fa - fpa * db, fc - fa - fpa * dc])
            A, B = np.array([[dc**2, -(db**2)], [-(dc**3), db**3]]) @ rhs / denom
        except OverflowError:  # Python floats raise where NumPy's would be inf: no usable cubic
            return None
        radical = B * B - 3 * A * fpa
        if A == 0 or radical < 0:
            return None
        x = a + (-B + np.sqrt(radical)) / (3 * A)
    return float(x) if np.isfinite(x) else None


def _quadratic_min(a, fa, fpa, b, fb):
    """Minimiser of the quadratic through (a, fa) with slope fpa at a and (b, fb), or None."""
    db = b - a
    curvature = (fb - fa - fpa * db) / (db * db) if db * db != 0 else 0.0
    if not np.isfinite(curvature) or curvature <= 0:
        return None
    return float(a - fpa / (2 * curvature))


def wolfe_line_search(f, grad, theta, d, f0=None, g0=None, alpha1: float = 1.0,
                      c1: float = 1e-4, c2: float = 0.9, max_iter: int = 30):
    """Return (α, f(θ + αd), ∇f(θ + αd)) for a step α satisfying the strong Wolfe conditions.

    f, grad: θ (n,) -> float and θ (n,) -> (n,); theta, d: shape (n,); f0, g0: f and ∇f at θ
    (computed if not given); alpha1: the first trial step. Use c₂ = 0.9 for (L-)BFGS and a small
    c₂ (0.1-0.4) for nonlinear CG. Raises TypeError/ValueError for bad input (non-finite or
    mismatched vectors, f0 or g0 not finite, alpha1 <= 0, max_iter not a whole number >= 1),
    ValueError if d is not a descent direction or the constants are not 0 < c₁ < c₂ < 1, and
    LineSearchError if no step is found in `max_iter` trials (a wrong gradient is the usual
    cause, or f unbounded below along d)."""
    check_function(f, "f", "a function of θ"), check_function(grad, "grad", "a function of θ")
    c1, c2 = check_in_range(c1, "c1", 0, 1), check_in_range(c2, "c2", 0, 1)
    if not c1 < c2:
        raise ValueError(f"need 0 < c1 < c2 < 1, got c1 = {c1}, c2 = {c2}")
    theta = check_vector(theta, "theta")
    d = check_vector(d, "d", theta.size, of=", the shape of theta")
    alpha1 = check_positive(alpha1, "alpha1")
    max_iter = check_whole(max_iter, "max_iter", minimum=1)
    f0 = check_start(f(theta), theta, "f") if f0 is None else check_start(f0, theta, "f0")
    g0 = check_vector(grad(theta) if g0 is None else g0, "g0", theta.size, of=", the shape of theta")
    with np.errstate(over="ignore", invalid="ignore"):
        slope0 = float(g0 @ d)
    if not slope0 < 0:
        raise ValueError(f"d must be a descent direction (gᵀd < 0), got gᵀd = {slope0:.3g}")
    if not np.isfinite(slope0):
        raise ValueError("gᵀd overflows: g0 and d are too large")
    last = {}

    def phi(alpha):
        with np.errstate(all="ignore"):
            value = f(theta + alpha * d)
        return value if np.isfinite(value) else np.inf

    def dphi(alpha):
        last["alpha"], last["g"] = alpha, grad(theta + alpha * d)
        with np.errstate(all="ignore"):
            slope = float(last["g"] @ d)
        if not np.isfinite(slope):
            raise LineSearchError(f"grad is not finite at θ + αd (α = {alpha:.3g})")
        return slope

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
            if trial == lo or trial == hi:  # the bracket has shrunk below floating-point resolution
                break
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
        raise LineSearchError(f"zoom found no strong-Wolfe step in {i + 1} trials")

    previous, f_previous, s_previous = 0.0, f0, slope0
    alpha = float(alpha1)
    for i in range(max_iter):
        if not np.isfinite(alpha):
            break  # α doubled past the largest float: f looks unbounded below along d
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


def wolfe_step(f, grad, theta, d, f0: float, g0, previous_f: float | None = None, c1: float = 1e-4,
               c2: float = 0.9):
    """The line search of BFGS, L-BFGS and nonlinear CG: `wolfe_line_search` along d from the
    first trial step α₁ = min(1, 2.02 (f₀ − f_prev) / gᵀd) (SciPy's heuristic: the last decrease
    of f repeated; α₁ = 1 if that is not > 0), where f_prev is f at the previous point, or, for
    the first step (previous_f None), f₀ + ‖g₀‖/2, which makes the first step about 1 long.
    Returns (α, f(θ + αd), ∇f(θ + αd)). Raises LineSearchError if gᵀd is not a negative number
    (d not downhill, or gᵀd underflows or overflows) or no strong-Wolfe step is found."""
    with np.errstate(over="ignore", invalid="ignore"):
        slope = float(g0 @ d)
        if not -np.inf < slope < 0:
            raise LineSearchError(f"gᵀd = {slope:.3g}: d is not a usable descent direction")
        if previous_f is None:
            previous_f = f0 + np.linalg.norm(g0) / 2
        alpha1 = min(1.0, 2.02 * (f0 - previous_f) / slope)
    return wolfe_line_search(f, grad, theta, d, f0, g0, alpha1=alpha1 if alpha1 > 0 else 1.0, c1=c1, c2=c2)


def searched_gradient(grad):
    """`Method.gradient` for a method whose line search returns ∇f at the new point (kept in
    state["g"]): that one, and grad(θ₀) at the start (state["g"] None)."""
    return lambda theta, state: ((grad(theta) if state["g"] is None else state["g"]), state)
