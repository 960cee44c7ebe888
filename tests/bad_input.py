"""The contract for bad input, shared by the property-based tests of every module family:

    answer = clear_answer(lambda: schedules.step_decay(0.1, every=every), names=["every"])

calls the function under a time limit and passes only if it either

* raises ValueError or TypeError whose message names one of `names` (the argument the caller
  got wrong), or
* returns a result with no NaN in it (what `finite` checks: arrays, numbers, tuples, lists and
  dataclasses such as `Trajectory` are looked into).

Any other exception (IndexError, KeyError, ZeroDivisionError, LinAlgError, a torch
RuntimeError, ...), a NaN result or a call that does not return within `seconds` fails the test.
It returns the result (or the exception) so a test can check more.

`BAD_NUMBERS` and `bad_numbers()` are the values a careless caller passes for a number.
"""

from __future__ import annotations

import dataclasses
import math
import signal
from contextlib import contextmanager

import numpy as np
from hypothesis import strategies as st

BAD_NUMBERS = [0, -1, -0.5, 0.5, 1.5, float("nan"), float("inf"), -float("inf"), None, "1", True,
               [1.0], 1e300, -1e300, 10**12]


def bad_numbers() -> st.SearchStrategy:
    """Numbers and non-numbers a caller might pass for a hyper-parameter."""
    return st.one_of(st.sampled_from(BAD_NUMBERS), st.floats(allow_nan=True, allow_infinity=True),
                     st.integers(min_value=-10**6, max_value=10**6))


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Raise `Hang` if the block runs longer than `seconds` (SIGALRM: main thread, Unix)."""
    def handler(signum, frame):
        raise Hang(f"did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def has_nan(value, depth: int = 0) -> bool:
    """True if `value` (or anything inside it, a few levels deep) is or holds NaN."""
    if depth > 4 or value is None or isinstance(value, (str, bytes, bool)):
        return False
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and bool(np.isnan(value).any())
    if isinstance(value, np.generic):
        return bool(np.isnan(value)) if value.dtype.kind in "fc" else False
    if isinstance(value, dict):
        return any(has_nan(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_nan(v, depth + 1) for v in value[:1000])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(has_nan(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    if type(value).__module__.startswith("torch") and hasattr(value, "isnan"):
        return bool(value.isnan().any())
    return False


def clear_answer(call, names, *, seconds: float = 10.0):
    """Run `call()`; assert it answers bad input clearly (see the module docstring)."""
    names = [names] if isinstance(names, str) else list(names)
    try:
        with time_limit(seconds):
            result = call()
    except (ValueError, TypeError) as error:
        message = str(error)
        assert any(name in message for name in names), (
            f"{type(error).__name__} does not name the argument ({' or '.join(names)}): {message!r}")
        return error
    except Hang as error:
        raise AssertionError(f"the call hangs: {error}") from None
    except Exception as error:  # the whole point: nothing else may reach the user
        raise AssertionError(f"an internal {type(error).__name__} reached the user: {error}") from error
    assert not has_nan(result), f"returned a result holding NaN instead of an error: {result!r}"
    return result
