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

Bad input: x must be finite and h > 0; f must return a finite real number at every point
of the stencil (x ± h), else ValueError naming f and the point (an exception f raises there
is reported the same way); gradients must be finite arrays of x's shape.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import check_finite, check_function, check_positive, check_real


def _f_at(f, x, where: str) -> float:
    """f(x) at one point of the stencil, `where` (for instance "x + h = 1.00001"), as a float;
    raises ValueError naming f and the point unless it is a finite real number."""
    try:
        value = f(x)
    except Exception as error:  # the caller's f: say where it failed
        raise ValueError(f"f raised {type(error).__name__} at {where}: {error}") from error
    try:
        if isinstance(value, (str, bytes, bool)) or np.ndim(value) != 0:
            raise TypeError
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f must return a real number (a scalar), got {value!r} at {where}") from None
    if not np.isfinite(value):
        raise ValueError(f"f is {value} at {where}: finite differences need f finite at every "
                         "point x ± h (choose x, or a smaller h, inside f's domain)")
    return value


def _stencil(x, h: float):
    """x and h > 0 checked: x ± h (and 2h) finite floats that differ from x."""
    h = check_positive(h, "h")
    if not np.all(np.isfinite(np.abs(x) + 2.0 * h)):
        raise ValueError(f"x ± h overflows a float: |x| + 2h must stay below {np.finfo(float).max:.3g}")
    if np.any((x + h == x) | (x - h == x)):
        raise ValueError(f"h = {h:g} is too small for x of size {np.max(np.abs(x)):g}: x + h == x in "
                         "float64; take h of about 6e-6·|x| or larger")
    return x, h


def forward_difference(f: Callable[[float], float], x: float, h: float = 1e-7) -> float:
    """(f(x + h) − f(x)) / h, error O(h)."""
    check_function(f, "f")
    x, h = _stencil(check_real(x, "x"), h)
    return (_f_at(f, x + h, f"x + h = {x + h!r}") - _f_at(f, x, f"x = {x!r}")) / h


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """(f(x + h) − f(x − h)) / (2h), error O(h²)."""
    check_function(f, "f")
    x, h = _stencil(check_real(x, "x"), h)
    return (_f_at(f, x + h, f"x + h = {x + h!r}") - _f_at(f, x - h, f"x - h = {x - h!r}")) / (2.0 * h)


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """∇f(x) by central differences, one pair of evaluations per entry of x.

    f maps an array of x's shape (any shape) to a scalar; the result has x's shape.
    Costs 2·x.size evaluations of f: fine for checking, far too slow for training."""
    check_function(f, "f")
    x, h = _stencil(check_finite(x, "x").copy(), h)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        entry = f"x[{', '.join(map(str, index))}]" if index else "x"
        x[index] = original + h
        f_plus = _f_at(f, x, f"{entry} + h = {float(x[index])!r}")
        x[index] = original - h
        f_minus = _f_at(f, x, f"{entry} - h = {float(x[index])!r}")
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(analytic, numerical) -> float:
    """max |a − n| / max(|a| + |n|, 1e-12) over the entries: a scale-free distance.

    Raises ValueError unless both are finite, non-empty and of the same shape."""
    analytic, numerical = check_finite(analytic, "analytic"), check_finite(numerical, "numerical")
    if analytic.shape != numerical.shape:
        raise ValueError(f"the gradients have different shapes: analytic {analytic.shape} and "
                         f"numerical {numerical.shape}")
    if analytic.size == 0:
        raise ValueError("analytic and numerical are empty: there is nothing to compare")
    return float(np.max(_entry_errors(analytic, numerical)))


def _entry_errors(analytic, numerical):
    """|a − n| / max(|a| + |n|, 1e-12) entry by entry, with a and n halved first (the same
    ratio) so that |a| + |n| and a − n cannot overflow."""
    a, n = analytic / 2.0, numerical / 2.0
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 0.5e-12)


def gradient_check(f: Callable[[np.ndarray], float], grad_f: Callable[[np.ndarray], np.ndarray],
                   x, *, h: float = 1e-5, tolerance: float = 1e-6) -> float:
    """Compare grad_f(x) with central differences of f at x; return the relative error.

    Raises ValueError naming the worst entry if the error exceeds `tolerance` (a bug in
    grad_f, or f not differentiable near x: a kink within h of x); ValueError if f is not
    finite at a point x ± h or grad_f(x) is not a finite array of x's shape."""
    check_function(grad_f, "grad_f")
    tolerance = check_positive(tolerance, "tolerance")
    x, h = _stencil(check_finite(x, "x"), h)
    if x.size == 0:
        raise ValueError("x is empty: there is no gradient to check")
    try:
        analytic = grad_f(x.copy())
    except Exception as error:  # the caller's grad_f
        raise ValueError(f"grad_f raised {type(error).__name__} at x: {error}") from error
    analytic = check_finite(analytic, "grad_f(x)")
    if analytic.shape != x.shape:
        raise ValueError(f"grad_f(x) must have the shape of x, {x.shape}, got {analytic.shape}")
    numerical = numerical_gradient(f, x, h)
    error = relative_error(analytic, numerical)
    if not error <= tolerance:
        worst = np.unravel_index(np.argmax(_entry_errors(analytic, numerical)), x.shape)
        raise ValueError(f"gradient check failed: relative error {error:.2e} > {tolerance:g}; "
                         f"worst entry {tuple(int(i) for i in worst)}: analytic {analytic[worst]:.6g}, "
                         f"central difference {numerical[worst]:.6g}")
    return error
