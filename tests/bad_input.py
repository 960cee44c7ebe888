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

`BAD_NUMBERS` and `bad_numbers()` are the values a careless caller passes for a number,
`careless_vectors()` for a vector, `awkward_points()` for (n, d) points; `SOME`, `FEW` and
`SETTINGS` are the property tests' budgets, `large_but_valid` and `long_but_valid` tell a legal
budget that would only make a test slow, and `case`, `check`, `planted` and
`every_bad_argument_test` build a module's table of careless arguments.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import signal
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.extra.numpy import arrays

BAD_NUMBERS = [0, -1, -0.5, 0.5, 1.5, float("nan"), float("inf"), -float("inf"), None, "1", True,
               [1.0], 1e300, -1e300, 10**12]


def bad_numbers() -> st.SearchStrategy:
    """Numbers and non-numbers a caller might pass for a hyper-parameter."""
    return st.one_of(st.sampled_from(BAD_NUMBERS), st.floats(allow_nan=True, allow_infinity=True),
                     st.integers(min_value=-10**6, max_value=10**6))


SOME = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def large_but_valid(value, limit=1000) -> bool:
    """A whole number in (limit, 10⁶]: a legal budget that would only make the test slow."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
            and limit < value <= 10**6)


def careless_vectors(size: int = 2):
    """Vectors with NaN and inf in them, the wrong shape, or not numbers at all."""
    return st.one_of(
        hnp.arrays(np.float64, st.sampled_from([(size,), (size + 1,), (1, size), (), (0,)]),
                   elements=st.floats(allow_nan=True, allow_infinity=True)),
        st.sampled_from([None, "theta", [1.0, "a"], [[1.0], [2.0, 3.0]], [1 + 2j, 0.0],
                         np.array([True, False])]),
        bad_numbers())


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])

def planted(array, value):
    """`array` with its first entry replaced by `value` if that is a real number; otherwise
    `value` itself (None, "1", True, [1.0]) stands for the whole array."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        array = np.array(array, dtype=float)
        array.flat[0] = value
        return array
    return value

def long_but_valid(value, limit, maximum):
    """A whole number in (limit, maximum]: a legitimate count that only asks for a long run."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
            and value == int(value) and limit < value <= maximum)

def case(name, call, names, long_run=None):
    return pytest.param(call, names, long_run, id=name)

def check(call, names, long_run, value):
    if long_run is not None:
        assume(not long_but_valid(value, *long_run))
    clear_answer(lambda: call(value), names)

AWKWARD = st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, -1e-160, 1e-8, 1e10, 1e150, -3e153])

@st.composite
def awkward_points(draw, most=8):
    n, d = draw(st.integers(1, most)), draw(st.integers(1, 3))
    return draw(arrays(np.float64, (n, d), elements=AWKWARD))


def every_bad_argument_test(cases):
    """The property test of a module's case table: each `case` hands its function every careless
    value of `bad_numbers()` (SETTINGS examples) and must get a clear answer (`check`). Bind the
    result to a name that starts with `test_`."""
    @pytest.mark.parametrize("call,names,long_run", cases)
    @SETTINGS
    @given(value=bad_numbers())
    def test(call, names, long_run, value):
        check(call, names, long_run, value)

    return test


def message_test(cases):
    """A test that each call of `cases` [(call, regex), …] raises a ValueError/TypeError whose
    message matches its regex (the regressions, one by one). Bind it to a `test_` name."""
    @pytest.mark.parametrize("call,words", cases)
    def test(call, words):
        with pytest.raises((ValueError, TypeError), match=words):
            call()

    return test


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
