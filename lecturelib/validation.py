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
        listed = ", ".join(_plain(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {_plain(value)}")
    return value


def check_finite(array, name: str) -> np.ndarray:
    """Return `array` as float64, or raise unless every entry is a finite real number."""
    array = as_float_array(array, name, allow_nan=True)
    if not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "inf"
        raise ValueError(f"{name} contains {bad}; only finite real numbers are allowed")
    return array


def _plain(value) -> str:
    """A value as a reader writes it: `0.5`, `'adam'`, not `np.float64(0.5)`."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):g}" if not float(value).is_integer() or isinstance(value, float) else str(int(value))
    return repr(value)
