"""Self-checking exercises.

Each chapter's checkers live in a module named after the chapter (`lecturelib.exercises.activations`,
...) and share the machinery here. A checker is called in the test cell under the exercise's answer cell:

* the student has not started (their function still raises NotImplementedError): it prints
  "not done yet" and returns a false `Outcome`, so that a whole notebook still runs top to bottom. This
  is why every exercise asks for a function, even when the answer is a number;
* the answer is wrong: it raises `ExerciseError` (an AssertionError) whose message says what
  was wrong, on which input, and gives a hint;
* the answer is right: it prints a short confirmation and returns a true `Outcome`.

Grading with nbgrader. `nbgrader autograde` and `nbgrader validate` run the notebook with the
environment variable NBGRADER_EXECUTION set to "autograde" or "validate". Then a stub that is
not done yet *fails*: the checker raises ExerciseError("... not done yet ... 0 points"), so
nbgrader gives the cell 0 points instead of full marks for a cell that ran without error.
Outside grading (any other value, or the variable unset) the behaviour above holds.

One answer layer: every checker reads every answer through the functions here.

* `call_student(fn, *args)` calls the student's function: NotImplementedError means "not done
  yet"; any other exception becomes ExerciseError("your function `f` raised ZeroDivisionError:
  division by zero, on input x = 0 (line 3: `return 1 / x`)"); None becomes "returned None —
  did you forget `return`?". `student_code(...)` does the same for student code run otherwise.
* `as_answer(value, what, kind=...)` converts an answer ("array", "number", "int": an int or an
  integral float, "shape") to float64 data or whole numbers. Lists, tuples, 0-d arrays, NumPy
  scalars and torch tensors (detached; torch is never imported here) are accepted; None,
  strings, bools, complex numbers, wrong shapes, NaN and inf (unless inf is expected there)
  are refused. A float32 answer is never accepted: matching at single precision it is told to
  "compute in float64", otherwise it gets the usual wrong-answer message. `as_parts` splits a
  returned tuple such as (theta, v); `as_names` reads a set of names.
* `assert_close(got, expected, what=...)` converts with `as_answer` and compares, naming the
  first input that is off, with numbers printed plainly (0.4759, never np.float64(0.4759)).
* `run_check(title, body)` reports the outcome; any other exception escaping a checker's body
  (a bug, an answer of a form nobody foresaw) becomes an ExerciseError, never a pass.

The notebooks mark solution code the way nbgrader does (### BEGIN SOLUTION / ### END
SOLUTION), so nbgrader, or this book's student edition, can strip it.
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..validation import number, plain as validation_plain

GRADING_MODES = ("autograde", "validate")  # the values nbgrader gives NBGRADER_EXECUTION
LOW_PRECISION_RTOL, LOW_PRECISION_ATOL = 1e-3, 1e-5  # "it would match at float32 precision"


class ExerciseError(AssertionError):
    """A wrong answer; the message says what is wrong and how to fix it."""

    def _render_traceback_(self) -> list[str]:
        """What IPython (and so nbgrader's feedback) shows instead of a traceback through the
        checker's internals: a wrong answer is feedback for the student, not a crash."""
        return [f"ExerciseError: {self}"]


class NotDone(Exception):
    """Raised inside a checker when the student's answer is still a stub."""


class Outcome:
    """What a checker returns: true if the answer is correct, false if not done yet.

    It displays nothing in a notebook (the checker has already printed its message), so an
    exercise cell does not end with a stray `True`."""

    def __init__(self, passed: bool):
        self.passed = passed

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"Outcome(passed={self.passed})"

    def _ipython_display_(self) -> None:
        pass


def grading() -> bool:
    """True while nbgrader autogrades or validates the notebook (see the module docstring)."""
    return os.environ.get("NBGRADER_EXECUTION", "") in GRADING_MODES


# -- printing values plainly --------------------------------------------------------------


def plain(value, digits: int = 6) -> str:
    """`value` as a reader writes it (`validation.plain`), a torch tensor as its numbers."""
    return validation_plain(_torch_to_numpy(value) if _is_torch(value) else value, digits)


def _two_numbers(expected: float, got: float) -> tuple[str, str]:
    """Both numbers printed with enough digits to tell them apart."""
    for digits in (6, 10, 17):
        e, g = number(expected, digits), number(got, digits)
        if e != g:
            break
    return e, g


def describe(value) -> str:
    """What kind of thing `value` is, for messages: "a list of length 2", "an array of shape (3,)"."""
    if _is_torch(value):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_)):
        return f"the single number {plain(value)}"
    return f"a {type(value).__name__}"


# -- calling the student's code ------------------------------------------------------------


def _line_in(error: BaseException, source) -> str:
    """" (line 3: `return 1 / x`)": the last line of the student's own code in the traceback."""
    code = getattr(source, "__code__", None)
    if code is None:
        return ""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == code.co_filename]
    if not frames:
        return ""
    line = (frames[-1].line or "").strip()
    return f" (line {frames[-1].lineno}: `{line}`)" if line else f" (line {frames[-1].lineno})"


def _inputs(fn, args: Sequence, kwargs: dict) -> str:
    """"x = 0, alpha = 0.25": the arguments of a call, named by the function's parameters."""
    try:
        names = [p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    names += [f"argument {i + 1}" for i in range(len(names), len(args))]
    pairs = [*zip(names, args), *kwargs.items()]
    return ", ".join(f"{name} = {plain(value, 4)}" for name, value in pairs)


def _function_name(fn) -> str:
    name = getattr(fn, "__name__", "")
    return f"your function `{name}`" if name.isidentifier() else "your function"


@contextmanager
def student_code(who: str, inputs: str = "", source=None):
    """Run student code: NotImplementedError means "not done yet" (NotDone); any other exception
    becomes an ExerciseError that names it, the inputs and the student's line (found in `source`)."""
    try:
        yield
    except NotImplementedError:
        raise NotDone from None
    except Exception as error:
        message = f": {error}" if str(error) else ""
        on = f", on input {inputs}" if inputs else ""
        raise ExerciseError(f"{who} raised {type(error).__name__}{message}{on}{_line_in(error, source)}. "
                            "Fix the error, then run the cell again.") from None


def call_student(fn: Callable, *args, **kwargs) -> Any:
    """Call the student's function and return what it returned (never None).

    Raises NotDone for NotImplementedError, ExerciseError for any other exception, for a
    returned None, or when `fn` is not a function."""
    if not callable(fn):
        raise ExerciseError(f"expected a function, got {type(fn).__name__}; pass the function itself, "
                            "without calling it (write `check(f)`, not `check(f(x))`)")
    who = _function_name(fn)
    with student_code(who, _inputs(fn, args, kwargs), source=fn):
        result = fn(*args, **kwargs)
    if result is None:
        raise ExerciseError(f"{who} returned None — did you forget `return`?")
    return result


# -- converting answers --------------------------------------------------------------------


def _is_torch(value) -> bool:
    return type(value).__module__.startswith("torch")


def _torch_to_numpy(value):
    """A torch tensor as a NumPy array of the same precision (torch itself is not imported here)."""
    if not hasattr(value, "detach"):  # torch.Size, torch.dtype, ...
        return value
    value = value.detach().cpu()
    if value.is_complex():
        return value.resolve_conj().numpy()
    if value.is_floating_point() and str(value.dtype) not in ("torch.float64", "torch.float32", "torch.float16"):
        value = value.float()  # bfloat16 and friends: NumPy has no such type; still low precision
    return value.numpy()


def _numeric_array(value, what: str) -> np.ndarray:
    """`value` as a NumPy array of ints or floats (its precision kept), or ExerciseError."""
    if _is_torch(value):
        value = _torch_to_numpy(value)
    if isinstance(value, (list, tuple)):
        value = [_torch_to_numpy(v) if _is_torch(v) else v for v in value]
    if isinstance(value, (str, bytes, dict, set, frozenset)) or callable(value):
        raise ExerciseError(f"{what} should be numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except Exception:  # lists of lists of different lengths, objects that refuse conversion
        raise ExerciseError(f"{what} should be numbers, got {describe(value)} that is not a regular array "
                            "(rows of different lengths?)") from None
    if array.dtype.kind == "O":
        odd = [v for v in array.flat if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)]
        if odd and odd[0] is None:
            raise ExerciseError(f"{what} holds None — did you forget a `return` somewhere?")
        if odd:
            raise ExerciseError(f"{what} should be numbers, but it holds {type(odd[0]).__name__}"
                                + ("" if callable(odd[0]) else f" ({plain(odd[0])})"))
        try:  # integers too large for int64
            array = array.astype(np.float64)
        except OverflowError:
            raise ExerciseError(f"{what} holds a number too large for a float (over 1.8e308): inf") from None
    if array.dtype.kind == "b":
        raise ExerciseError(f"{what} should be numbers, got bool (True/False)")
    if array.dtype.kind == "c":
        raise ExerciseError(f"{what} should be real numbers, got complex numbers")
    if array.dtype.kind in "US":
        raise ExerciseError(f"{what} should be numbers, but it holds strings ({plain(array.flat[0].item())})")
    if array.dtype.kind not in "iuf":
        raise ExerciseError(f"{what} should be numbers, got {describe(value)} of {array.dtype}")
    return array


def _whole(value, what: str) -> int:
    """A single whole number: int, NumPy integer or integral float (of any precision)."""
    array = _numeric_array(value, what)
    if array.ndim:
        raise ExerciseError(f"{what} should be a single whole number, got {describe(value)}")
    x = array.item()
    if isinstance(x, float) and not (math.isfinite(x) and x.is_integer()):
        raise ExerciseError(f"{what} should be a whole number, got {plain(x)}")
    return int(x)


def _check_finite(array: np.ndarray, what: str, expected, inputs, hint: str) -> None:
    bad = ~np.isfinite(array)
    if expected is not None:
        bad &= ~(np.isinf(expected) & (array == expected))  # an infinite answer where inf is due
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        which = "NaN" if np.isnan(array[index]) else number(float(array[index]))
        count = f" ({int(bad.sum())} of {bad.size} entries)" if bad.size > 1 else ""
        raise ExerciseError(f"{what} contains {which}{count}{_at(inputs, index)}: did something overflow "
                            f"(e^x for large x) or divide by zero? {hint}".strip())


def _at(inputs, index: tuple) -> str:
    """" at input -0.5" (the input of the first entry that is off) or " at index (0, 1)"."""
    if not index:
        return ""
    if inputs is None:
        return f" at index {index[0] if len(index) == 1 else index}"
    return f" at input {plain(np.asarray(list(inputs))[index[0]])}"


def as_answer(value, what: str, *, kind: str = "array", shape: tuple | None = None, expected=None,
              inputs: Iterable | None = None, hint: str = "", shape_hint: str = ""):
    """Convert an answer to float64 data (kind "array" or "number") or whole numbers (kind "int"
    or "shape"), or raise ExerciseError saying what is wrong with it.

    `shape` is the shape required (by default that of `expected`; () for a number). With
    `expected`, an infinite entry passes where `expected` is infinite too, and a float32 answer
    far from `expected` is returned (as float64) for the caller's wrong-answer message; a
    float32 answer close to it, or any float32 answer without `expected`, raises "compute in
    float64". `hint` is added to messages about NaN, `shape_hint` to those about the shape."""
    if value is None:
        raise ExerciseError(f"{what} is None — did you forget `return`?")
    if kind == "int":
        return _whole(value, what)
    if kind == "shape":
        if not (isinstance(value, (tuple, list)) or _is_torch(value) or np.ndim(value) == 1):
            raise ExerciseError(f"{what} should be a shape, a tuple of whole numbers such as (1, 3), "
                                f"got {describe(value)}")
        return tuple(_whole(n, f"{what}, entry {i + 1},") for i, n in enumerate(_numeric_array(value, what)))
    if kind not in ("array", "number"):
        raise ValueError(f"kind must be 'array', 'number', 'int' or 'shape', got {kind!r}")
    array = _numeric_array(value, what)
    if expected is not None:
        expected = np.asarray(expected, dtype=np.float64)
    want = () if kind == "number" else shape if shape is not None else None if expected is None else expected.shape
    if want is not None and array.shape != tuple(want):
        wanted = "be a single number" if want == () else f"have shape {tuple(want)}"
        raise ExerciseError(f"{what} should {wanted}, got {describe(value)}. {shape_hint}".strip())
    if expected is not None:
        expected = np.broadcast_to(expected, array.shape)
    _check_finite(array, what, expected, inputs, hint)
    if array.dtype.kind == "f" and array.dtype.itemsize < 8:
        near = expected is None or np.allclose(array.astype(np.float64), expected, rtol=LOW_PRECISION_RTOL,
                                               atol=LOW_PRECISION_ATOL)
        if near:
            raise ExerciseError(f"{what}: your answer is {array.dtype}, which keeps only about "
                                f"{7 if array.dtype.itemsize == 4 else 3} significant digits; compute in "
                                "float64 (np.float64 / torch.float64: torch's default dtype is float32).")
    array = array.astype(np.float64)
    return float(array) if kind == "number" else array


def as_parts(value, what: str, count: int, names: str) -> list:
    """Split a returned tuple, such as `(theta, v)`, into its `count` parts (not yet converted).

    `names` describes them for the message: "the pair (theta, v)"."""
    if _is_torch(value):
        value = _torch_to_numpy(value)
    if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim):
        if len(value) == count:
            return list(value)
    raise ExerciseError(f"{what} should return {names}, {count} values, got {describe(value)}")


def as_names(value, what: str, choices: Iterable[str]) -> set[str]:
    """A collection of names (set, list or tuple of strings) as a set; unknown names raise."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (set, frozenset, list, tuple)):
        raise ExerciseError(f"{what} should be a set of names such as {{'a', 'b'}}, got {describe(value)}")
    odd = [v for v in value if not isinstance(v, str)]
    if odd:
        raise ExerciseError(f"{what} should hold names (strings), but it holds {plain(odd[0])}")
    unknown = set(value) - set(choices)
    if unknown:
        raise ExerciseError(f"unknown names {sorted(unknown)}; choose from {sorted(choices)}")
    return set(value)


# -- comparing and reporting ---------------------------------------------------------------


def assert_close(got, expected, *, what: str, rtol: float = 1e-6, atol: float = 1e-9,
                 inputs: Iterable | None = None, hint: str = "", shape_hint: str = "") -> None:
    """Raise ExerciseError unless `got` (converted by `as_answer`) has the shape of `expected`
    and matches it to tolerance. The message names the first input where they differ."""
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(as_answer(got, what, expected=expected, inputs=inputs, hint=hint, shape_hint=shape_hint))
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        e, g = _two_numbers(float(expected[index]), float(got[index]))
        count = f" ({int((~close).sum())} of {close.size} entries differ)" if close.size > 1 else ""
        raise ExerciseError(f"{what} is wrong{_at(inputs, index)}: expected {e}, got {g}{count}. {hint}".strip())


def _report_correct(title: str, detail: str = "") -> Outcome:
    print(f"✅ {title}: correct." + (f" {detail}" if detail else ""))
    return Outcome(True)


def _report_not_done(title: str) -> Outcome:
    if grading():
        raise ExerciseError(f"{title}: not done yet — your function still raises NotImplementedError, "
                            "so this exercise gets 0 points.")
    print(f"⏳ {title}: not done yet. Replace the `raise NotImplementedError()` "
          "with your answer and run the cell again.")
    return Outcome(False)


def run_check(title: str, body: Callable[[], str | None]) -> Outcome:
    """Run the checks in `body` (which raises ExerciseError or NotDone) and report the outcome.

    `body` may return a sentence to add to the confirmation. Any other exception escaping
    `body` becomes an ExerciseError: a checker never passes, or crashes, by accident."""
    try:
        detail = body()
    except NotDone:
        return _report_not_done(title)
    except ExerciseError:
        raise
    except Exception as error:
        raise ExerciseError(f"{title}: the checker could not check your answer ({type(error).__name__}: "
                            f"{error}). Check that your function returns what the exercise asks for; if it "
                            "does, please report this as a bug of the checker.") from None
    return _report_correct(title, detail or "")
