"""The contract every exercise checker keeps, as tests a chapter's test module reuses:

* a correct answer passes and prints a confirmation;
* a plausible wrong answer raises ExerciseError whose message matches the given regular
  expression (`pytest.raises(match=...)`; wrap literal text with `re.escape` if it has
  `(`, `|`, `*` or other special characters);
* the blank stub (a function raising NotImplementedError) reports "not done yet" and does not
  raise, except under nbgrader (NBGRADER_EXECUTION=autograde or validate), where it fails;
* generated answers, made from the correct function by wrapping it (return None, raise
  ZeroDivisionError, negate, double, fill with NaN or inf, cast to float32, change the shape,
  return a string or bools, ...) fail with ExerciseError, and only ExerciseError, whose message
  says what is wrong ("None", "ZeroDivisionError", "NaN", "float64", "shape", ...), prints
  numbers plainly and is never the checker's "could not check" fallback; the same correct
  answer as a list, tuple, torch tensor or 0-d array passes.

Usage, in tests/test_exercises_<chapter>.py:

    CASES = {"name": (checker, correct_function, wrong_function, r"regex for the message"), ...}
    KINDS = {checker: "array", ...}  # what each checker's answer is, see ANSWER_KINDS
    test_correct, test_wrong, test_stub, test_graded_stub, test_generated = checker_contract(CASES, KINDS, ex)
"""

import re

import numpy as np
import pytest
import torch

from lecturelib.exercises import ExerciseError

ANSWER_KINDS = {
    "array": "an array, or several numbers (a NumPy array, a list, a tuple of numbers)",
    "number": "one number",
    "int": "one whole number",
    "parts": "a tuple of arrays or numbers, such as (theta, v)",
    "shapes": "a dict of shapes (tuples of whole numbers)",
    "names": "a set of names",
    "value": "an autodiff Value",
}
PASS = None  # the expectation of a perturbation that keeps the answer correct
PLAIN = re.compile(r"np\.(float|int)\d*\(|array\(|tensor\(")  # what a message must not print


def stub(*args, **kwargs):
    raise NotImplementedError()


def _as_torch(a):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _longer(a):
    a = np.asarray(a, dtype=np.float64)
    return np.concatenate([a, a[:1]]) if a.ndim else [float(a), float(a)]


# name: (what it does to one numeric answer, what the checker must say: a regex, or PASS)
NUMERIC = {
    "negated": (lambda a: -np.asarray(a, dtype=np.float64), r"\S"),
    "doubled": (lambda a: 2 * np.asarray(a, dtype=np.float64), r"\S"),
    "all NaN": (lambda a: np.full(np.shape(a), np.nan), "NaN"),
    "all inf": (lambda a: np.full(np.shape(a), np.inf), "inf"),
    "float32": (lambda a: np.asarray(a, dtype=np.float64).astype(np.float32), "float64"),
    "one entry too many": (_longer, "shape|length"),
    "bools": (lambda a: np.ones(np.shape(a), dtype=bool), "bool"),
    "as list": (lambda a: np.asarray(a, dtype=np.float64).tolist(), PASS),
    "as torch float64 tensor": (_as_torch, PASS),
}
ARRAY_ONLY = {"as tuple": (lambda a: tuple(np.asarray(a, dtype=np.float64).tolist()) if np.ndim(a) else a, PASS)}
NUMBER_ONLY = {"as 0-d array": (lambda a: np.asarray(a, dtype=np.float64), PASS)}
WHOLE = {
    "negated": (lambda n: -n, r"\S"),
    "doubled": (lambda n: 2 * n, r"\S"),
    "plus a half": (lambda n: n + 0.5, "whole number"),
    "NaN": (lambda n: float("nan"), "NaN"),
    "inf": (lambda n: float("inf"), "inf"),
    "two of them": (lambda n: [n, n], "length"),
    "bool": (lambda n: True, "bool"),
    "as float": (float, PASS),
    "as np.int64": (np.int64, PASS),
    "as torch tensor": (torch.tensor, PASS),
}
SHAPES = {
    "negated": (lambda s: tuple(-n for n in s), "shape"),
    "one axis too many": (lambda s: (*s, 1), "shape"),
    "NaN": (lambda s: (float("nan"),) * len(s), "NaN"),
    "halves": (lambda s: tuple(n + 0.5 for n in s), "whole number"),
    "as list": (list, PASS),
    "as torch.Size": (torch.Size, PASS),
    "as array": (np.array, PASS),
}
NAMES = {"as list": (sorted, PASS), "as tuple": (lambda s: tuple(sorted(s)), PASS), "as frozenset": (frozenset, PASS),
         "a single name": (lambda s: sorted(s)[0], "str")}


def perturbations(kind):
    """{name: (function of the correct answer, expected message regex or PASS)} for a kind of answer."""
    if kind == "array":
        return {**NUMERIC, **ARRAY_ONLY}
    if kind == "number":
        return {**NUMERIC, **NUMBER_ONLY}
    if kind == "int":
        return WHOLE
    if kind == "parts":
        table = {name: ((lambda op: lambda answer: tuple(op(part) for part in answer))(op), words)
                 for name, (op, words) in {**NUMERIC, **ARRAY_ONLY}.items() if name != "one entry too many"}
        table["one part too few"] = (lambda answer: tuple(answer)[:-1], "length")
        table["as list of parts"] = (list, PASS)
        return table
    if kind == "shapes":
        return {name: ((lambda op: lambda answer: {k: op(v) for k, v in answer.items()})(op), words)
                for name, (op, words) in SHAPES.items()}
    if kind == "names":
        return NAMES
    if kind == "value":
        return {}
    raise ValueError(f"kind must be one of {sorted(ANSWER_KINDS)}, got {kind!r}")


def _returns(value):
    return lambda *args, **kwargs: value


def _raises(*args, **kwargs):
    return 1 / 0


def _wrapped(correct, transform):
    return lambda *args, **kwargs: transform(correct(*args, **kwargs))


def generated_cases(correct_of, kinds):
    """[(id, checker, student function, expected regex or PASS)] for every checker."""
    cases = []
    for checker, kind in kinds.items():
        name, correct = checker.__name__, correct_of[checker]
        cases += [(f"{name}: returns None", checker, _returns(None), "None"),
                  (f"{name}: raises ZeroDivisionError", checker, _raises, "ZeroDivisionError"),
                  (f"{name}: returns a string", checker, _returns("0.5"), "str"),
                  (f"{name}: not a function", checker, 0.5, "pass the function itself")]
        cases += [(f"{name}: {label}", checker, _wrapped(correct, transform), words)
                  for label, (transform, words) in perturbations(kind).items()]
    return cases


def checker_contract(cases, kinds, module):
    """The contract's tests for the checkers of `module`: hand-written `cases` and the answer
    `kinds` (every `check_*` function of the module must appear in both)."""
    checkers = list(dict.fromkeys(checker for checker, *_ in cases.values()))
    everything = {f for name, f in vars(module).items() if name.startswith("check_")}
    assert set(checkers) == everything == set(kinds), "every checker needs a case and a kind"
    assert set(kinds.values()) <= set(ANSWER_KINDS)
    correct_of = {checker: correct for checker, correct, *_ in reversed(list(cases.values()))}
    generated = generated_cases(correct_of, kinds)

    @pytest.mark.parametrize("case", sorted(cases))
    def test_correct_answer_passes(case, capsys):
        checker, correct, _, _ = cases[case]
        assert checker(correct)
        assert "✅" in capsys.readouterr().out

    @pytest.mark.parametrize("case", sorted(cases))
    def test_wrong_answer_fails_with_a_helpful_message(case):
        checker, _, wrong, words = cases[case]
        with pytest.raises(ExerciseError, match=words) as failure:
            checker(wrong)
        assert not PLAIN.search(str(failure.value)), f"numbers should print plainly: {failure.value}"

    @pytest.mark.parametrize("checker", checkers, ids=lambda c: c.__name__)
    def test_blank_stub_reports_not_done_without_raising(checker, capsys, monkeypatch):
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        assert not checker(stub)
        assert "not done yet" in capsys.readouterr().out

    @pytest.mark.parametrize("mode", ["autograde", "validate"])
    @pytest.mark.parametrize("checker", checkers, ids=lambda c: c.__name__)
    def test_blank_stub_fails_under_nbgrader(checker, mode, monkeypatch, capsys):
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        with pytest.raises(ExerciseError, match="not done yet.*0 points"):
            checker(stub)
        assert checker(correct_of[checker])  # grading mode changes nothing else
        assert "✅" in capsys.readouterr().out

    @pytest.mark.parametrize("case", generated, ids=[case[0] for case in generated])
    def test_generated_answer(case, capsys):
        _, checker, student, words = case
        if words is PASS:
            assert checker(student)
            assert "✅" in capsys.readouterr().out
            return
        with pytest.raises(ExerciseError) as failure:
            checker(student)
        message = str(failure.value)
        assert re.search(words, message), f"the message should match {words!r}: {message}"
        assert "could not check" not in message, f"the checker itself failed: {message}"
        assert not PLAIN.search(message), f"the message should print numbers plainly: {message}"
        assert "✅" not in capsys.readouterr().out

    return (test_correct_answer_passes, test_wrong_answer_fails_with_a_helpful_message,
            test_blank_stub_reports_not_done_without_raising, test_blank_stub_fails_under_nbgrader,
            test_generated_answer)
