"""Checks of user input, shared by every module, so that bad input fails early with a
message that says what was wrong and what is allowed."""

from __future__ import annotations

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
    value = float(value)
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
    if array.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one entry along axis {axis}, got shape {array.shape}")
