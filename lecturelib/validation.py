"""Checks of user input, shared by every module, so that bad input fails early with a
message that says what was wrong and what is allowed."""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_float_array(x, name: str = "x", *, allow_nan: bool = False) -> np.ndarray:
    """Return `x` as a float64 NumPy array.

    Raises TypeError if `x` is not numeric (strings, None, objects, complex numbers) and
    ValueError if it contains NaN (unless `allow_nan`).
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(x).__name__}")
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged nested lists, objects that refuse conversion
        raise TypeError(f"{name} must be a number or an array of numbers: {error}") from None
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if not allow_nan and np.isnan(array).any():
        raise ValueError(f"{name} contains NaN; only real numbers (and ±inf) are allowed")
    return array


def check_real(value, name: str) -> float:
    """Return `value` as a float, or raise TypeError/ValueError if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond the largest float, such as 10**400
        raise ValueError(f"{name} must be a finite real number, got an integer beyond the float range") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """Return `value` as a float, or raise if it is not > 0 (or >= 0 with `allow_zero`)."""
    value = check_real(value, name)
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_vector_axis(array: np.ndarray, name: str, axis: int = -1) -> None:
    """Raise ValueError unless `array` has an axis `axis` with at least one entry (the classes
    of a softmax, the inputs of a maxout unit)."""
    if array.ndim == 0:
        raise ValueError(f"{name} must be a vector or an array of vectors, got a scalar")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be a whole number, got {type(axis).__name__} {axis!r}")
    if not -array.ndim <= axis < array.ndim:
        raise ValueError(f"axis must lie in [{-array.ndim}, {array.ndim - 1}] for {name} of shape {array.shape}, got {axis}")
    if array.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one entry along axis {axis}, got shape {array.shape}")


def check_whole(value, name: str, *, minimum: int = 0) -> int:
    """Return `value` as an int, or raise unless it is a whole number >= `minimum`.

    Counts, periods, memories, steps and depths: `3`, `3.0` and `np.int64(3)` are accepted,
    `2.5`, `True`, `"3"` and `nan` are not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number >= {minimum}, got {type(value).__name__} {value!r}")
    if not isinstance(value, numbers.Integral):  # a float: whole only if finite and integral
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {int(value)}")
    return int(value)


def check_in_range(value, name: str, low: float, high: float, *, low_open: bool = True,
                   high_open: bool = True) -> float:
    """Return `value` as a float, or raise unless it lies in the interval from `low` to `high`
    (open at an end unless told otherwise): line-search constants in (0, 1), decay factors in
    [0, 1), rates in (0, 1]."""
    value = check_real(value, name)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must lie in {interval}, got {value:g}")
    return value


def check_choice(value, name: str, choices) -> object:
    """Return `value` if it is one of `choices`, or raise ValueError listing what is allowed."""
    choices = list(choices)
    try:
        allowed = value in choices
    except Exception:  # an array compared with a list, an unhashable value
        allowed = False
    if not allowed:
        listed = ", ".join(plain(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {plain(value)}")
    return value


def check_finite(array, name: str) -> np.ndarray:
    """Return `array` as float64, or raise unless every entry is a finite real number."""
    array = as_float_array(array, name, allow_nan=True)
    if not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "inf"
        raise ValueError(f"{name} contains {bad}; only finite real numbers are allowed")
    return array


def number(x: float, digits: int = 6) -> str:
    """A float with `digits` significant digits, NaN as "NaN"."""
    return "NaN" if math.isnan(x) else f"{x:.{digits}g}"


def plain(value, digits: int = 6) -> str:
    """`value` as a reader writes it: `0.4759`, `'adam'`, `[1, 2.5]`, `(64, 8)`; not
    `np.float64(0.4759)`. The one formatter of every message (the checkers' too)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        text = str(int(value))
        return text if len(text) < 16 else f"a {len(text.lstrip('-'))}-digit integer"
    if isinstance(value, numbers.Real):
        return number(float(value), digits)
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), digits) if value.size <= 12 else f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        if len(value) > 12:
            return f"a {type(value).__name__} of length {len(value)}"
        inner = ", ".join(plain(v, digits) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- checks of the solvers' inputs: points, matrices, settings and the caller's functions -------

# The errors a caller's function is reported by (as a ValueError that names it); anything else
# (KeyboardInterrupt, a test's time limit) passes through untouched.
CALLER_ERRORS = (ArithmeticError, AssertionError, AttributeError, LookupError, NameError,
                 RuntimeError, TypeError, ValueError)

# Overflow and NaN are caught by explicit checks (`check_no_overflow`, the loop's divergence
# test), not by NumPy's warnings: every function that computes with the caller's numbers runs
# under this.
overflow_checked = np.errstate(over="ignore", invalid="ignore", divide="ignore")


def format_point(theta) -> str:
    """θ for an error message: short, even for many parameters."""
    return np.array2string(np.asarray(theta), precision=4, threshold=6)


def check_no_overflow(value, what: str):
    """value, or ValueError if it overflowed to inf or NaN: never a silent NaN."""
    if not np.isfinite(value).all():
        raise ValueError(f"{what} overflows float64 (too large inputs)")
    return value


def check_point(theta0, name: str = "theta0") -> np.ndarray:
    """θ₀ as a new float64 vector, or TypeError/ValueError (naming `name`) unless it is a
    non-empty vector of finite numbers."""
    theta = np.array(check_finite(theta0, name), dtype=np.float64)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"{name} must be a vector (1-D, at least one entry), got shape {theta.shape}")
    return theta


@overflow_checked
def check_symmetric(A, name: str, why: str = "") -> np.ndarray:
    """A as a float64 matrix, or ValueError unless it is square, finite and symmetric (to
    rounding: |A − Aᵀ| ≤ 1e-10|A| + 1e-12 max|A|)."""
    A = check_finite(A, name)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {A.shape}")
    if A.size and not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max()):
        raise ValueError(f"{name} must be symmetric{why}, got max |{name} − {name}ᵀ| = "
                         f"{np.abs(A - A.T).max():.3g}")
    return A


def check_settings(tol, max_iter) -> tuple[float, int]:
    """(tol, max_iter) of a solver: tol ≥ 0, max_iter a whole number ≥ 0."""
    return check_positive(tol, "tol", allow_zero=True), check_whole(max_iter, "max_iter")


def check_wolfe(c1, c2) -> tuple[float, float]:
    """The strong-Wolfe constants, 0 < c1 < c2 < 1."""
    c1, c2 = check_in_range(c1, "c1", 0, 1), check_in_range(c2, "c2", 0, 1)
    if c1 >= c2:
        raise ValueError(f"c1 must be < c2, got c1 = {c1:g}, c2 = {c2:g}")
    return c1, c2


def check_callback(callback):
    """callback, or TypeError unless it is a function or None."""
    if callback is not None and not callable(callback):
        raise TypeError("callback must be a function (k, θ_k, state) or None, got "
                        f"{type(callback).__name__}")
    return callback


def checked(fn, name: str, shape: tuple | None, *, finite: bool = False, symmetric: bool = False,
            arg: str = "θ", why: str = ""):
    """`fn` wrapped so that a bad answer is an error that names it: a ValueError if it raises
    (the caller's error chained), returns the wrong shape (shape () means a number, None any
    vector; `why` explains the shape), NaN/±inf (with `finite`) or a non-symmetric matrix (with
    `symmetric`), and a TypeError if it returns something that is not numbers. The calls are
    the caller's own: one call of the wrapper is one call of `fn`."""
    if not callable(fn):
        raise TypeError(f"{name} must be a function, got {type(fn).__name__}")

    def call(x):
        try:
            out = fn(x)
        except CALLER_ERRORS as error:
            raise ValueError(f"{name} raised {type(error).__name__} at {arg} = {format_point(x)}: "
                             f"{error}") from error
        if shape == () and isinstance(out, float):  # the common case, kept fast (np.float64 too)
            return float(out)
        value = out if isinstance(out, np.ndarray) and out.dtype == np.float64 else \
            as_float_array(out, f"the value of {name}", allow_nan=True)
        if shape == ():
            if value.size != 1:
                raise ValueError(f"{name} must return a number, got an array of shape {value.shape}")
            return float(value.reshape(()))
        if (value.ndim != 1) if shape is None else (value.shape != shape):
            wanted = "a vector" if shape is None else f"shape {shape}{why}"
            raise ValueError(f"{name} must return {wanted}, got shape {value.shape} at {arg} = "
                             f"{format_point(x)}")
        if finite and not np.isfinite(value).all():
            bad = "NaN" if np.isnan(value).any() else "inf"
            raise ValueError(f"{name} returned {bad} at {arg} = {format_point(x)}; it must return "
                             "finite numbers")
        if symmetric:
            check_symmetric(value, name, f" (a Hessian is; at {arg} = {format_point(x)})")
        return value

    return call


def check_objective(f, grad, theta0):
    """(θ₀, f, grad) checked for a solver: θ₀ a finite vector (`check_point`), f wrapped to return
    a number and grad a finite vector of θ's shape (`checked`)."""
    theta = check_point(theta0)
    return theta, checked(f, "f", ()), checked(grad, "grad", theta.shape, finite=True)
