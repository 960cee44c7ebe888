"""Quasi-Newton methods: BFGS and L-BFGS, which build an estimate of the *inverse* Hessian from
gradients alone (Lecture 3: "BFGS (approximating H⁻¹), L-BFGS"; Lectures 5 and 7).

Newton's step is −H⁻¹g. BFGS replaces H⁻¹ by an estimate H_k (start: the identity) and, after
each step s = θ_{k+1} − θ_k with gradient change y = g_{k+1} − g_k, applies the smallest change
that makes H_{k+1} map y to s (the *secant condition*, H_{k+1} y = s) and keeps it symmetric
positive definite:

    ρ = 1 / yᵀs,    H_{k+1} = (I − ρ s yᵀ) H_k (I − ρ y sᵀ) + ρ s sᵀ.

The step is θ_{k+1} = θ_k + α_k d_k with d_k = −H_k g_k and α_k from a strong-Wolfe line search,
which guarantees yᵀs > 0. Memory O(n²) (Lecture 5): the n × n matrix H_k.

L-BFGS (limited memory) never forms H_k. It keeps the last m pairs (s_i, y_i) and computes H_k g
by the *two-loop recursion*, starting from H⁰ = γI with γ = sᵀy / yᵀy (the newest pair):

    q = g;  for i = newest … oldest:  a_i = ρ_i s_iᵀq,  q = q − a_i y_i
    r = γ q; for i = oldest … newest:  b = ρ_i y_iᵀr,   r = r + (a_i − b) s_i      ⇒  r = H_k g

Memory O(mn) (the slide's "O(n)" for a fixed m), time O(mn) per step.

Source: Broyden, Fletcher, Goldfarb, Shanno (1970); Nocedal (1980) and Liu & Nocedal (1989) for
L-BFGS; Nocedal & Wright (2006), Algorithms 6.1 and 7.4/7.5. Both stop when ‖∇f‖_∞ ≤ tol, the
criterion of `scipy.optimize.minimize`, so iteration counts can be compared with SciPy's.
Both take a `problems.Problem` and θ₀ (`bfgs(problem, theta0, ...)`; plain callables through
`problems.as_problem(f, grad, dim=n)`). Their Trajectory's `reason` says why they stopped:
CONVERGED, MAX_ITER, LINE_SEARCH_FAILED (no strong-Wolfe step: f may be unbounded below, or the
gradient wrong) or DIVERGED.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .linesearch import searched_gradient, wolfe_step
from .problems import Problem, check_problem, solver_input
from .trajectory import Method, Trajectory, iterate
from .validation import (check_callback, check_finite, check_no_overflow, check_point,
                         check_settings, check_symmetric, check_whole, check_wolfe, overflow_checked)


@overflow_checked
def bfgs_update(H_inv, s, y) -> np.ndarray:
    """One BFGS update of the inverse-Hessian estimate (formula in the module docstring).

    H_inv: (n, n) symmetric positive definite; s, y: (n,). The result satisfies the secant
    condition H_new y = s. Raises ValueError unless the shapes match and every entry is finite,
    if H_inv is not symmetric, and if yᵀs ≤ 0 (the curvature condition fails: the update would
    not be positive definite; a Wolfe line search prevents this) or overflows."""
    s, y = check_finite(s, "s"), check_finite(y, "y")
    H_inv = check_symmetric(H_inv, "H_inv", " (an inverse-Hessian estimate is)")
    if s.ndim != 1 or H_inv.shape != (s.size, s.size) or y.shape != s.shape:
        raise ValueError(f"need H_inv (n, n), s (n,), y (n,); got {H_inv.shape}, {s.shape}, {y.shape}")
    ys = float(y @ s)
    if ys <= 0:
        raise ValueError(f"yᵀs = {ys:.3g} <= 0: the curvature condition fails and BFGS would lose "
                         "positive definiteness; take steps with a Wolfe line search")
    if not np.isfinite(ys):
        raise ValueError("yᵀs overflows: s and y are too large for float64")
    return check_no_overflow(_bfgs_update(H_inv, s, y), "the BFGS update (H_inv, s or y)")


def _bfgs_update(H_inv, s, y) -> np.ndarray:
    rho = 1.0 / float(y @ s)
    left = np.eye(s.size) - rho * np.outer(s, y)
    return left @ H_inv @ left.T + rho * np.outer(s, s)


def _check_pairs(s_list, y_list, n: int | None):
    """The L-BFGS pairs as lists of finite (n,) vectors with yᵢᵀsᵢ > 0."""
    s_list = [check_finite(s, "s_list") for s in s_list]
    y_list = [check_finite(y, "y_list") for y in y_list]
    if len(s_list) != len(y_list):
        raise ValueError(f"s_list and y_list must have equal lengths, got {len(s_list)} and {len(y_list)}")
    for i, (s, y) in enumerate(zip(s_list, y_list)):
        if s.shape != (n,) or y.shape != (n,):
            raise ValueError(f"s_list[{i}] and y_list[{i}] must have shape ({n},), got {s.shape} and "
                             f"{y.shape}")
        if not 0 < float(y @ s) < np.inf:
            raise ValueError(f"pair {i} of s_list, y_list has yᵀs = {float(y @ s):.3g}: every pair "
                             "needs 0 < yᵀs < inf (the curvature condition)")
    return s_list, y_list


@overflow_checked
def two_loop(g, s_list, y_list) -> np.ndarray:
    """H_k g by the L-BFGS two-loop recursion over the pairs (oldest first) in s_list, y_list.

    With no pairs it returns g (H⁰ = I). Shapes: g (n,), each s_i and y_i (n,). Raises
    ValueError if the shapes differ, an entry is not finite, or a pair has yᵢᵀsᵢ ≤ 0."""
    g = check_point(g, "g")
    return check_no_overflow(_two_loop(g, *_check_pairs(s_list, y_list, g.size)), "H_k g (g, s_list or y_list)")


def _two_loop(g, s_list, y_list) -> np.ndarray:
    q = np.array(g, dtype=float)
    rhos = [1.0 / float(y @ s) for s, y in zip(s_list, y_list)]
    a = []
    for s, y, rho in zip(reversed(s_list), reversed(y_list), reversed(rhos)):
        a.append(rho * (s @ q))
        q = q - a[-1] * y
    gamma = float(s_list[-1] @ y_list[-1] / (y_list[-1] @ y_list[-1])) if s_list else 1.0
    r = gamma * q
    for s, y, rho, a_i in zip(s_list, y_list, rhos, reversed(a)):
        b = rho * (y @ r)
        r = r + (a_i - b) * s
    return r


@overflow_checked
def lbfgs_inverse_hessian(s_list, y_list, n: int) -> np.ndarray:
    """The n × n matrix that L-BFGS applies implicitly (two-loop on each unit vector): for
    figures and tests only; L-BFGS itself never forms it. Raises as `two_loop`."""
    n = check_whole(n, "n", minimum=1)
    s_list, y_list = _check_pairs(s_list, y_list, n)
    return check_no_overflow(np.column_stack([_two_loop(e, s_list, y_list) for e in np.eye(n)]),
                   "H_k (s_list or y_list)")


@overflow_checked
def _quasi_newton(name, state, direction, remember, problem, theta0, tol, max_iter, c1, c2, callback):
    """The step BFGS and L-BFGS share, run by `trajectory.iterate`. `state` holds the estimate
    (H_inv, or the pairs s, y), `direction(g, state)` gives d ≈ −H⁻¹g and `remember(s, y, state)`
    returns the updated state; the loop adds f at the previous point ("previous_f", for the
    first trial step) and ∇f at the new one ("g")."""
    tol, max_iter = check_settings(tol, max_iter)
    c1, c2 = check_wolfe(c1, c2)
    callback = check_callback(callback)
    theta, f, grad = solver_input(problem, theta0)

    def step(theta, loss, g, state):
        d = direction(g, state)
        if not -np.inf < float(g @ d) < 0:  # cannot happen with yᵀs > 0, but rounding: use −g
            d = -g
        alpha, f_new, g_new = wolfe_step(f, grad, theta, d, loss, g, state["previous_f"], c1, c2)
        s, y = alpha * d, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):
            state = remember(s, y, state)
        return theta + s, f_new, {**state, "previous_f": loss, "g": g_new}

    method = Method(name, lambda theta: (f(theta), {**state, "previous_f": None, "g": None}), step,
                    searched_gradient(grad))
    return iterate(method, theta, tol=tol, max_iter=max_iter, problem=problem.name, callback=callback)


def bfgs(problem: Problem, theta0, *, tol: float = 1e-5, max_iter: int = 1000, c1: float = 1e-4,
         c2: float = 0.9, callback: Callable | None = None) -> Trajectory:
    """Minimise f with BFGS: d = −H_k g, a strong-Wolfe step, then `bfgs_update` (H₀ = I).

    problem: a `problems.Problem` (f: θ (n,) -> float, grad: θ -> (n,); hess is not used), or
    plain callables through `problems.as_problem(f, grad, dim=n)`; theta0: (n,). Stops when
    ‖∇f‖_∞ ≤ tol (reason CONVERGED), after max_iter steps (MAX_ITER) or when a line search
    fails (LINE_SEARCH_FAILED: f may be unbounded below). callback(k, θ_k, state) after each
    step; state["H_inv"] is the current estimate of H⁻¹ (a new array each step). Returns a
    Trajectory. Raises TypeError unless problem is a Problem, ValueError if θ₀ is not a finite
    vector of length problem.dim or f(θ₀) is not finite, for tol < 0, max_iter not a whole
    number ≥ 0, unless 0 < c1 < c2 < 1, and if f or grad raise or return the wrong shape (or
    grad NaN); TypeError for a callback that is not callable."""
    n = check_problem(problem).check_point(theta0, "theta0").size
    return _quasi_newton("BFGS", {"H_inv": np.eye(n)}, lambda g, state: -state["H_inv"] @ g,
                         lambda s, y, state: {**state, "H_inv": _bfgs_update(state["H_inv"], s, y)},
                         problem, theta0, tol, max_iter, c1, c2, callback)


def lbfgs(problem: Problem, theta0, *, m: int = 10, tol: float = 1e-5, max_iter: int = 1000,
          c1: float = 1e-4, c2: float = 0.9, callback: Callable | None = None) -> Trajectory:
    """Minimise f with L-BFGS: d = −H_k g by `two_loop` over the last m pairs, a strong-Wolfe step.

    m: the memory (pairs kept), a whole number ≥ 1. callback(k, θ_k, state): state["s"],
    state["y"] are tuples of the pairs, oldest first. Returns a Trajectory; stops and raises
    as `bfgs`."""
    m = check_whole(m, "m", minimum=1)
    check_problem(problem).check_point(theta0, "theta0")

    def remember(s, y, state):  # keep the newest m pairs
        return {**state, "s": (state["s"] + (s,))[-m:], "y": (state["y"] + (y,))[-m:]}

    return _quasi_newton(f"L-BFGS (m = {m})", {"s": (), "y": ()},
                         lambda g, state: -_two_loop(g, state["s"], state["y"]), remember,
                         problem, theta0, tol, max_iter, c1, c2, callback)


def memory_floats(n: int, m: int = 10) -> dict[str, int]:
    """Floats each method stores for n parameters: Newton's Hessian n², BFGS's estimate n²,
    L-BFGS's 2mn (m pairs of vectors), gradient descent's n (Lecture 5: O(n²) vs O(n)).
    Raises ValueError unless n and m are whole numbers ≥ 1."""
    n, m = check_whole(n, "n", minimum=1), check_whole(m, "m", minimum=1)
    return {"Newton (H)": n * n, "BFGS (H⁻¹ estimate)": n * n, f"L-BFGS (m = {m})": 2 * m * n,
            "gradient descent": n}
