"""Self-checking exercises.

Each chapter's checkers live in a module named after the chapter
(`lecturelib.exercises.activations`, ...) and share the machinery here.

A checker is called at the end of an exercise cell, after the student's code:

* the student has not started (their function still raises NotImplementedError, or the
  answer is still `...`/None): it prints "not done yet" and returns False, so that a whole
  notebook still runs top to bottom;
* the answer is wrong: it raises `ExerciseError` (an AssertionError) whose message says what
  was wrong, on which input, and gives a hint;
* the answer is right: it prints a short confirmation and returns True.

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


def _report_correct(title: str, detail: str = "") -> bool:
    print(f"✅ {title}: correct." + (f" {detail}" if detail else ""))
    return True


def _report_not_done(title: str) -> bool:
    print(f"⏳ {title}: not done yet. Replace the `raise NotImplementedError()` (or the `...`) "
          "with your answer and run the cell again.")
    return False


def call_student(fn: Callable, *args, **kwargs) -> Any:
    """Call the student's function; a NotImplementedError means "not done yet"."""
    if not callable(fn):
        raise ExerciseError(f"expected a function, got {type(fn).__name__}; pass the function itself, "
                            "without calling it (write `check(f)`, not `check(f(x))`)")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotDone from None


def run_check(title: str, body: Callable[[], str | None]) -> bool:
    """Run the checks in `body` (which raises ExerciseError or NotDone) and report the outcome.

    `body` may return a sentence to add to the confirmation."""
    try:
        detail = body()
    except NotDone:
        return _report_not_done(title)
    return _report_correct(title, detail or "")


def require_answer(value: Any) -> Any:
    """A value the student fills in: `...` or None means not done yet."""
    if value is Ellipsis or value is None:
        raise NotDone
    return value


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
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        where = f" at input {np.asarray(list(inputs))[index[0]]!r}" if inputs is not None and index else ""
        raise ExerciseError(f"{what} is wrong{where}: expected {expected[index]:.6g}, got {got[index]:.6g} "
                            f"({int((~close).sum())} of {close.size} entries differ). {hint}".strip())
