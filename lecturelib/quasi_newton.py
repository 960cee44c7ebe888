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
"""

from __future__ import annotations

from collections import deque
from typing import Callable

import numpy as np

from .trajectory import Trajectory
from .validation import as_float_array, check_positive
from .linesearch import LineSearchError, wolfe_line_search


def bfgs_update(H_inv, s, y) -> np.ndarray:
    """One BFGS update of the inverse-Hessian estimate (formula in the module docstring).

    H_inv: (n, n) symmetric positive definite; s, y: (n,). The result satisfies the secant
    condition H_new y = s. Raises ValueError if yᵀs ≤ 0 (the curvature condition fails: the
    update would not be positive definite; a Wolfe line search prevents this)."""
    H_inv, s, y = (as_float_array(a, name) for a, name in ((H_inv, "H_inv"), (s, "s"), (y, "y")))
    n = s.size
    if H_inv.shape != (n, n) or y.shape != (n,):
        raise ValueError(f"need H_inv (n, n), s (n,), y (n,); got {H_inv.shape}, {s.shape}, {y.shape}")
    ys = float(y @ s)
    if ys <= 0:
        raise ValueError(f"yᵀs = {ys:.3g} <= 0: the curvature condition fails and BFGS would lose "
                         "positive definiteness; take steps with a Wolfe line search")
    rho = 1.0 / ys
    left = np.eye(n) - rho * np.outer(s, y)
    return left @ H_inv @ left.T + rho * np.outer(s, s)


def two_loop(g, s_list, y_list) -> np.ndarray:
    """H_k g by the L-BFGS two-loop recursion over the pairs (oldest first) in s_list, y_list.

    With no pairs it returns g (H⁰ = I). Shapes: g (n,), each s_i and y_i (n,)."""
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


def lbfgs_inverse_hessian(s_list, y_list, n: int) -> np.ndarray:
    """The n × n matrix that L-BFGS applies implicitly (two-loop on each unit vector): for
    figures and tests only; L-BFGS itself never forms it."""
    return np.column_stack([two_loop(e, list(s_list), list(y_list)) for e in np.eye(n)])


def _quasi_newton(name, state, direction, remember, f, grad, theta0, tol, max_iter, c1, c2,
                  callback, problem):
    """The loop BFGS and L-BFGS share; `direction(g, state)` and `remember(s, y, state)` differ."""
    theta = as_float_array(theta0, "theta0").copy()
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a vector, got shape {theta.shape}")
    tol = check_positive(tol, "tol")
    f_value, g = f(theta), grad(theta)
    if not np.isfinite(f_value):
        raise ValueError(f"f is not finite at θ₀ (f = {f_value}); start elsewhere")
    points, losses, norms = [theta], [f_value], [float(np.linalg.norm(g))]
    previous_f = f_value + np.linalg.norm(g) / 2  # SciPy's guess: the first step has length ~1
    for k in range(int(max_iter)):
        if np.abs(g).max() <= tol:
            break
        d = direction(g, state)
        slope = float(g @ d)
        if slope >= 0:  # cannot happen with yᵀs > 0, but rounding: fall back to −g
            d, slope = -g, -float(g @ g)
        alpha1 = min(1.0, 2.02 * (f_value - previous_f) / slope)
        try:
            alpha, f_new, g_new = wolfe_line_search(f, grad, theta, d, f_value, g,
                                                    alpha1=alpha1 if alpha1 > 0 else 1.0, c1=c1, c2=c2)
        except LineSearchError:
            break
        s, y = alpha * d, g_new - g
        theta = theta + s
        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):
            remember(s, y, state)
        previous_f, f_value, g = f_value, f_new, g_new
        points.append(theta)
        losses.append(f_value)
        norms.append(float(np.linalg.norm(g)))
        if callback is not None:
            callback(k + 1, theta, state)
    return Trajectory(method=name, problem=problem, points=np.array(points), losses=np.array(losses),
                      grad_norms=np.array(norms))


def bfgs(f, grad, theta0, *, tol: float = 1e-5, max_iter: int = 1000, c1: float = 1e-4,
         c2: float = 0.9, callback: Callable | None = None, problem: str = "") -> Trajectory:
    """Minimise f with BFGS: d = −H_k g, a strong-Wolfe step, then `bfgs_update` (H₀ = I).

    f: θ (n,) -> float; grad: θ -> (n,). Stops when ‖∇f‖_∞ ≤ tol or a line search fails.
    callback(k, θ_k, state) after each step; state["H_inv"] is the current estimate of H⁻¹.
    Returns a Trajectory."""
    n = np.size(theta0)
    state = {"H_inv": np.eye(n)}

    def remember(s, y, state):
        state["H_inv"] = bfgs_update(state["H_inv"], s, y)

    return _quasi_newton("BFGS", state, lambda g, st: -st["H_inv"] @ g, remember, f, grad, theta0,
                         tol, max_iter, c1, c2, callback, problem)


def lbfgs(f, grad, theta0, *, m: int = 10, tol: float = 1e-5, max_iter: int = 1000,
          c1: float = 1e-4, c2: float = 0.9, callback: Callable | None = None,
          problem: str = "") -> Trajectory:
    """Minimise f with L-BFGS: d = −H_k g by `two_loop` over the last m pairs, a strong-Wolfe step.

    m ≥ 1: the memory (pairs kept). callback(k, θ_k, state): state["s"], state["y"] are deques
    of the pairs, oldest first. Returns a Trajectory."""
    m = int(check_positive(m, "m"))
    state = {"s": deque(maxlen=m), "y": deque(maxlen=m)}

    def remember(s, y, state):
        state["s"].append(s)
        state["y"].append(y)

    return _quasi_newton(f"L-BFGS (m = {m})", state, lambda g, st: -two_loop(g, st["s"], st["y"]),
                         remember, f, grad, theta0, tol, max_iter, c1, c2, callback, problem)


def memory_floats(n: int, m: int = 10) -> dict[str, int]:
    """Floats each method stores for n parameters: Newton's Hessian n², BFGS's estimate n²,
    L-BFGS's 2mn (m pairs of vectors), gradient descent's n (Lecture 5: O(n²) vs O(n))."""
    n, m = int(check_positive(n, "n")), int(check_positive(m, "m"))
    return {"Newton (H)": n * n, "BFGS (H⁻¹ estimate)": n * n, f"L-BFGS (m = {m})": 2 * m * n,
            "gradient descent": n}
