r"""Numerical derivatives by finite differences, and gradient checking.

Source: Lecture 5 recap, the derivative as a limit f′(x) = lim_{h→0} (f(x + h) − f(x)) / h;
Lecture 3 names numerical differentiation as the alternative to automatic differentiation.

With a finite step h the two difference quotients have a truncation error (Taylor):

    forward   (f(x + h) − f(x)) / h          = f′(x) + h f″(x)/2 + O(h²)
    central   (f(x + h) − f(x − h)) / (2h)   = f′(x) + h² f‴(x)/6 + O(h⁴)

and a round-off error of about ε|f(x)|/h (ε ≈ 2.2·10⁻¹⁶ in float64), which grows as h
shrinks. The total is smallest near h ≈ ε^{1/2} (forward) or ε^{1/3} ≈ 6·10⁻⁶ (central).

Gradient checking compares an analytic gradient (a hand-written backward pass, a new
autodiff rule) with central differences: a relative error around 1e-8 or smaller means
the gradient is right; around 1e-2 or larger, it is wrong.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import as_float_array, check_positive


def forward_difference(f: Callable[[float], float], x: float, h: float = 1e-7) -> float:
    """(f(x + h) − f(x)) / h, error O(h)."""
    h = check_positive(h, "h")
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """(f(x + h) − f(x − h)) / (2h), error O(h²)."""
    h = check_positive(h, "h")
    return (f(x + h) - f(x - h)) / (2.0 * h)


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """∇f(x) by central differences, one pair of evaluations per entry of x.

    f maps an array of x's shape (any shape) to a scalar; the result has x's shape.
    Costs 2·x.size evaluations of f: fine for checking, far too slow for training."""
    h = check_positive(h, "h")
    x = as_float_array(x).copy()
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = float(f(x))
        x[index] = original - h
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(analytic, numerical) -> float:
    """max |a − n| / max(|a| + |n|, 1e-12) over the entries: a scale-free distance."""
    analytic, numerical = as_float_array(analytic, "analytic"), as_float_array(numerical, "numerical")
    if analytic.shape != numerical.shape:
        raise ValueError(f"the gradients have different shapes: {analytic.shape} and {numerical.shape}")
    scale = np.maximum(np.abs(analytic) + np.abs(numerical), 1e-12)
    return float(np.max(np.abs(analytic - numerical) / scale))


def gradient_check(f: Callable[[np.ndarray], float], grad_f: Callable[[np.ndarray], np.ndarray],
                   x, *, h: float = 1e-5, tolerance: float = 1e-6) -> float:
    """Compare grad_f(x) with central differences of f at x; return the relative error.

    Raises ValueError naming the worst entry if the error exceeds `tolerance` (a bug in
    grad_f, or f not differentiable near x: a kink within h of x)."""
    tolerance = check_positive(tolerance, "tolerance")
    x = as_float_array(x)
    analytic = as_float_array(grad_f(x.copy()), "grad_f(x)")
    numerical = numerical_gradient(f, x, h)
    error = relative_error(analytic, numerical)
    if error > tolerance:
        scale = np.maximum(np.abs(analytic) + np.abs(numerical), 1e-12)
        worst = np.unravel_index(np.argmax(np.abs(analytic - numerical) / scale), x.shape)
        raise ValueError(f"gradient check failed: relative error {error:.2e} > {tolerance:g}; "
                         f"worst entry {tuple(int(i) for i in worst)}: analytic {analytic[worst]:.6g}, "
                         f"central difference {numerical[worst]:.6g}")
    return error
