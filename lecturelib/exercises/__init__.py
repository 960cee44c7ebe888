"""Self-checking exercises.

Each chapter's checkers live in a module named after the chapter
(`lecturelib.exercises.activations`, ...) and share the machinery here.

A checker is called at the end of an exercise cell, after the student's code:

* the student has not started (their function still raises NotImplementedError): it prints
  "not done yet" and returns a false `Outcome`, so that a whole notebook still runs top to bottom. This
  is why every exercise asks for a function, even when the answer is a number;
* the answer is wrong: it raises `ExerciseError` (an AssertionError) whose message says what
  was wrong, on which input, and gives a hint;
* the answer is right: it prints a short confirmation and returns a true `Outcome`.

The notebooks mark solution code the way nbgrader does (### BEGIN SOLUTION / ### END
SOLUTION), so nbgrader, or this book's student edition, can strip it.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


class ExerciseError(AssertionError):
    """A wrong answer; the message says what is wrong and how to fix it."""


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


def _report_correct(title: str, detail: str = "") -> Outcome:
    print(f"✅ {title}: correct." + (f" {detail}" if detail else ""))
    return Outcome(True)


def _report_not_done(title: str) -> Outcome:
    print(f"⏳ {title}: not done yet. Replace the `raise NotImplementedError()` "
          "with your answer and run the cell again.")
    return Outcome(False)


def call_student(fn: Callable, *args, **kwargs) -> Any:
    """Call the student's function; a NotImplementedError means "not done yet"."""
    if not callable(fn):
        raise ExerciseError(f"expected a function, got {type(fn).__name__}; pass the function itself, "
                            "without calling it (write `check(f)`, not `check(f(x))`)")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotDone from None


def run_check(title: str, body: Callable[[], str | None]) -> Outcome:
    """Run the checks in `body` (which raises ExerciseError or NotDone) and report the outcome.

    `body` may return a sentence to add to the confirmation."""
    try:
        detail = body()
    except NotDone:
        return _report_not_done(title)
    return _report_correct(title, detail or "")


def assert_close(got, expected, *, what: str, rtol: float = 1e-6, atol: float = 1e-9,
                 inputs: Iterable | None = None, hint: str = "") -> None:
    """Raise ExerciseError unless `got` has the shape of `expected` and matches it to tolerance.

    The message names the first input where they differ, with both values."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(f"{what} should be numbers, got {type(got).__name__}") from None
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        raise ExerciseError(f"{what} has shape {got.shape}, expected {expected.shape}. {hint}".strip())
    if not np.isfinite(got).all() and np.isfinite(expected).all():
        raise ExerciseError(f"{what} contains NaN or inf: did something overflow (e^x for large x)? {hint}".strip())
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        where = f" at input {np.asarray(list(inputs))[index[0]]!r}" if inputs is not None and index else ""
        raise ExerciseError(f"{what} is wrong{where}: expected {expected[index]:.6g}, got {got[index]:.6g} "
                            f"({int((~close).sum())} of {close.size} entries differ). {hint}".strip())
