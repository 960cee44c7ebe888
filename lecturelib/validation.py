"""Checks of user input, shared by every module, so that bad input fails early with a
message that says what was wrong and what is allowed (written by `formatting`). One check per
kind of argument: numbers (`check_real`, `check_positive`, `check_in_range`,
`check_whole`, `check_seed`, `check_flag`, `check_choice`), the hyper-parameters every update
rule shares (`check_lr`, `check_decay`), arrays (`as_float_array`, `check_finite`, the one
"finite vector" `check_vector`, the one "(n, d) points" `check_points`), a solver's start
(`check_start`, `check_start_gradient`) and its caller's functions (`checked`), and torch
tensors for a model (`is_tensor`, the one "tensor fits the model" `check_batch`), recognised
without importing torch."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .formatting import format_point, number, plain  # noqa: F401 (the messages' formatters)


class Diverged(ValueError, ArithmeticError):
    """The one exception of the library for a run whose loss or step became non-finite or
    exploded: raised by `training.fit` (so by every function that trains a network), `race`,
    `trajectory.run(..., raise_on_divergence=True)` and a rule's overflowing step. A step that
    raises it inside `trajectory.iterate` makes the run DIVERGED. A ValueError (too large a
    learning rate is a bad argument) and an ArithmeticError; `trajectory` re-exports it."""


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


def check_whole(value, name: str, *, minimum: int = 0, maximum: int | None = None, what: str = "") -> int:
    """Return `value` as an int, or raise unless it is a whole number >= `minimum` (and <=
    `maximum` if given; `what` names the maximum in the message, e.g. "the number of points").

    Counts, periods, memories, steps and depths: `3`, `3.0` and `np.int64(3)` are accepted,
    `2.5`, `True`, `"3"` and `nan` are not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number >= {minimum}, got {type(value).__name__} {value!r}")
    if not isinstance(value, numbers.Integral):  # a float: whole only if finite and integral
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {int(value)}")
    if maximum is not None and int(value) > maximum:
        raise ValueError(f"{name} must lie between {minimum} and {what + ' ' if what else ''}{maximum}, "
                         f"got {int(value)}")
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


def check_flag(value, name: str) -> bool:
    """A switch between two forms of a rule: True or False (ValueError otherwise)."""
    return bool(check_choice(value, name, [True, False]))


def check_seed(seed, name: str = "seed") -> int:
    """A seed for NumPy's and torch's generators: a whole number in [0, 2⁶⁴)."""
    seed = check_whole(seed, name)
    if seed >= 2**64:
        raise ValueError(f"{name} must be below 2**64, got {seed}")
    return seed


def check_lr(lr):
    """ε: a number > 0, or a schedule t -> ε_t (a callable, checked at each step it is used)."""
    if callable(lr):
        return lr
    return check_positive(lr, "lr")


def check_decay(value, name: str) -> float:
    """A decay rate of a moving average (β, ρ): a number in [0, 1)."""
    return check_in_range(value, name, 0, 1, low_open=False)


def check_indices(indices, n: int) -> np.ndarray:
    """`indices` as an integer array of m >= 1 entries in [0, n), or TypeError/ValueError."""
    if isinstance(indices, (str, bytes)) or indices is None:
        raise TypeError(f"indices must be a list or array of whole numbers, got {type(indices).__name__}")
    try:
        index = np.asarray(indices)
    except ValueError:  # ragged nested lists
        raise TypeError(f"indices must be a 1-D list or array of whole numbers, got {indices!r}") from None
    if (index.dtype.kind == "f" and np.all(np.isfinite(index)) and np.all(index == np.round(index))
            and np.all(np.abs(index) < n)):
        index = index.astype(int)
    if index.dtype.kind not in "iu" or index.ndim != 1:
        raise TypeError(f"indices must be a 1-D list or array of whole numbers, got {index.dtype} of "
                        f"shape {index.shape}")
    if index.size == 0 or index.min() < 0 or index.max() >= n:
        raise ValueError(f"indices must hold at least one example number in [0, {n}), got {indices!r}")
    return index


def check_finite(array, name: str) -> np.ndarray:
    """Return `array` as float64, or raise unless every entry is a finite real number."""
    array = as_float_array(array, name, allow_nan=True)
    if not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "inf"
        raise ValueError(f"{name} contains {bad}; only finite real numbers are allowed")
    return array


# -- checks of the solvers' inputs: points, matrices, settings and the caller's functions -------

# The errors a caller's function is reported by (as a ValueError that names it); anything else
# (KeyboardInterrupt, a test's time limit) passes through untouched.
CALLER_ERRORS = (ArithmeticError, AssertionError, AttributeError, LookupError, NameError,
                 RuntimeError, TypeError, ValueError)

# Overflow and NaN are caught by explicit checks (`check_no_overflow`, the loop's divergence
# test), not by NumPy's warnings: every function that computes with the caller's numbers runs
# under this.
overflow_checked = np.errstate(over="ignore", invalid="ignore", divide="ignore")


def check_no_overflow(value, what: str):
    """value, or ValueError if it overflowed to inf or NaN: never a silent NaN."""
    if not np.isfinite(value).all():
        raise ValueError(f"{what} overflows float64 (too large inputs)")
    return value


def check_vector(x, name: str, size: int | None = None, *, of: str = "") -> np.ndarray:
    """`x` as a float64 vector of finite numbers (of length `size` if given), or TypeError /
    ValueError naming `name` (`of` says whose length `size` is, for the message)."""
    x = check_finite(x, name)
    if x.ndim != 1 or x.size == 0 or (size is not None and x.size != size):
        wanted = f"shape ({size},){of}" if size is not None else "a vector (1-D, at least one entry)"
        raise ValueError(f"{name} must have {wanted}, got shape {x.shape}")
    return x


def check_point(theta0, name: str = "theta0") -> np.ndarray:
    """θ₀ as a new float64 vector (a copy the caller may change), checked by `check_vector`."""
    return np.array(check_vector(theta0, name), dtype=np.float64)


LARGEST = np.finfo(float).max


def check_squares(array: np.ndarray, name: str) -> np.ndarray:
    """Return `array`, or raise ValueError if it is so large that a sum of squared
    differences of its entries could overflow float64: |entries| ≤ √(max float / (4·size))."""
    largest, limit = np.abs(array).max(initial=0.0), np.sqrt(LARGEST / (4.0 * max(array.size, 1)))
    if largest > limit:
        raise ValueError(f"{name} has entries as large as {largest:.3g}: squared distances would "
                         f"overflow float64, so rescale {name} (here |entries| <= {limit:.3g})")
    return array


def check_points(X, name: str = "X", *, features: int | None = None, of: str = "") -> np.ndarray:
    """The one check of "(n, d) points": X as a float array (n, d) with n >= 1 points and d >= 1
    features (`features` of them if given; `of` says whose), a 1-D X as n points of one feature.
    Raises TypeError for non-numbers and ValueError for NaN/inf, an empty X, another number of
    features, or coordinates so large that a sum of the n squared distances would overflow
    float64 (|x| ≲ 10¹⁵⁰ for small data sets)."""
    X = check_finite(X, name)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n, d) with n >= 1 points and d >= 1 features, got {X.shape}")
    if features is not None and X.shape[1] != features:
        raise ValueError(f"{name} has {X.shape[1]} features but {of or 'it must have'} {features}")
    return check_squares(X, name)


def check_start(f0, theta0, problem: str = "f") -> float:
    """Return f(θ₀) as a float, or raise ValueError if it is not finite: every solver refuses a
    start where the loss is NaN or ±inf, with the same message."""
    try:
        value = float(f0)
    except (TypeError, ValueError):
        raise TypeError(f"{problem} must return a real number, got {type(f0).__name__} at θ₀") from None
    if not math.isfinite(value):
        raise ValueError(f"{problem} is not finite at θ₀ = {format_point(theta0)} (f = {value}); "
                         "start at a point where the loss is a finite number")
    return value


def check_start_gradient(g0, theta0, problem: str = "f") -> np.ndarray:
    """Return ∇f(θ₀) as a float array, or raise ValueError if it is not finite (the companion of
    `check_start` for methods that use the gradient at the start)."""
    g0 = np.asarray(g0, dtype=float)
    if g0.shape != np.shape(theta0):
        raise ValueError(f"the gradient of {problem} has shape {g0.shape} at θ₀, but θ₀ has shape "
                         f"{np.shape(theta0)}; they must match")
    if not np.isfinite(g0).all():
        raise ValueError(f"the gradient of {problem} is not finite at θ₀ = {format_point(theta0)}; "
                         "start at a point where f is differentiable")
    return g0


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


def check_function(value, name: str, what: str = "a function", *, optional: bool = False):
    """`value` if it is callable (or None when `optional`), else TypeError: "{name} must be
    {what} [or None], got int"."""
    if not (callable(value) or (optional and value is None)):
        raise TypeError(f"{name} must be {what}{' or None' if optional else ''}, got {type(value).__name__}")
    return value


def check_callback(callback):
    """callback, or TypeError unless it is a function (k, θ_k, state) or None."""
    return check_function(callback, "callback", "a function (k, θ_k, state)", optional=True)


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


# -- torch tensors, recognised without importing torch (the core never imports it) -------------


def is_tensor(x) -> bool:
    """True for a torch tensor, recognised without importing torch."""
    return type(x).__module__.startswith("torch")


def _is_module(model) -> bool:
    return any(c.__module__.startswith("torch.nn") and c.__name__ == "Module" for c in type(model).__mro__)


def check_tensor(value, name: str) -> object:
    """`value` if it is a floating-point torch tensor of finite numbers, else TypeError /
    ValueError naming `name`."""
    if not is_tensor(value) or not value.is_floating_point():
        kind = f"a {value.dtype} tensor" if is_tensor(value) else type(value).__name__
        raise TypeError(f"{name} must be a floating-point torch tensor, got {kind}")
    if not bool(value.isfinite().all()):
        raise ValueError(f"{name} contains NaN or inf; only finite numbers are allowed")
    return value


def check_batch(model, x, name: str = "x", *, y=None, y_name: str = "y"):
    """The one check of "a tensor fits the model": `x` a finite floating tensor of M >= 1 samples
    (one per row) in the dtype of the model's parameters, which the model accepts; and `y`, if
    given, a finite tensor of the shape of model(x) in the same dtype. Returns x (and y).
    Raises TypeError for a model that is not a torch.nn.Module or has no parameters, for arrays
    that are not floating tensors or of another dtype, ValueError for NaN/inf, no samples, an x
    the model refuses (with torch's own words) or a y of another shape."""
    if not _is_module(model):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    first = next(iter(model.parameters()), None)
    if first is None:
        raise ValueError("model has no parameters")
    x = check_tensor(x, name)
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"{name} must hold M >= 1 samples, one per row, got shape {tuple(x.shape)}")
    if x.dtype != first.dtype:
        raise TypeError(f"{name} must have the model's dtype {first.dtype}, got {x.dtype}")
    try:
        output = model(x[:1])
    except RuntimeError as error:  # torch's own words on the mismatch
        raise ValueError(f"{name} of shape {tuple(x.shape)} does not fit the model: {error}") from None
    if y is None:
        return x
    y = check_tensor(y, y_name)
    wanted = (x.shape[0], *output.shape[1:])
    if tuple(y.shape) != wanted or y.dtype != x.dtype:
        raise ValueError(f"{y_name} must be a finite tensor of shape {wanted} and dtype {x.dtype}, the shape "
                         f"of model({name}); got {tuple(y.shape)}, {y.dtype}")
    return x, y
