"""The one answer layer of the exercise checkers (`lecturelib.exercises`): how it calls the
student's function, converts what comes back, prints numbers and behaves under nbgrader; and,
for every checker of every chapter, that an answer of any careless form fails with
ExerciseError and nothing else."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bad_input import bad_numbers
from exercise_contract import stub
from lecturelib.exercises import (ExerciseError, NotDone, activations, as_answer, as_names, as_parts, assert_close,
                                  autodiff, call_student, first_order, plain, rbf, run_check, second_order)

CHECKERS = [f for module in (rbf, activations, autodiff, first_order, second_order)
            for name, f in vars(module).items() if name.startswith("check_")]


def test_there_are_24_checkers():
    assert len(CHECKERS) == 24


# -- calling ------------------------------------------------------------------------------


def test_a_raising_function_is_named_with_its_error_input_and_line():
    def layers_until(bound):
        return round(1 / bound)

    with pytest.raises(ExerciseError) as failure:
        call_student(layers_until, 0)
    message = str(failure.value)
    assert message.startswith("your function `layers_until` raised ZeroDivisionError: division by zero")
    assert "on input bound = 0" in message and "`return round(1 / bound)`" in message


@pytest.mark.parametrize("error", [IndexError("index 3"), KeyError("w"), ValueError("bad"), TypeError("no"),
                                   np.linalg.LinAlgError("Singular matrix"), RuntimeError("shape mismatch"),
                                   OverflowError("too big"), AssertionError(), StopIteration(), ExerciseError("x")])
def test_any_exception_of_the_student_becomes_an_exercise_error_naming_it(error):
    def f(x):
        raise error

    with pytest.raises(ExerciseError, match=f"raised {type(error).__name__}"):
        call_student(f, np.arange(3.0))


def test_none_asks_whether_return_is_missing():
    def sigmoid_prime(x):
        x * (1 - x)

    with pytest.raises(ExerciseError, match="`sigmoid_prime` returned None — did you forget `return`?"):
        call_student(sigmoid_prime, 0.5)


def test_not_implemented_means_not_done_and_a_value_is_not_a_function():
    with pytest.raises(NotDone):
        call_student(stub, 1.0)
    with pytest.raises(ExerciseError, match="pass the function itself"):
        call_student(0.25, 1.0)


# -- printing -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (np.float64(0.4759), "0.4759"), (np.float32(0.5), "0.5"), (np.int64(3), "3"), (3.0, "3"), (float("nan"), "NaN"),
    ((np.int64(1), np.float64(2.5)), "(1, 2.5)"), (np.array([[1.0, 2.0]]), "[[1, 2]]"), (np.bool_(True), "True"),
    (torch.tensor([0.5], dtype=torch.float64, requires_grad=True), "[0.5]"),
    (np.zeros((40, 7)), "an array of shape (40, 7)"), (-10**40, "a 41-digit integer"),
])
def test_values_are_printed_plainly(value, text):
    assert plain(value) == text


def test_two_values_that_look_alike_are_printed_with_enough_digits_to_differ():
    with pytest.raises(ExerciseError, match=r"expected 0\.4759, got 0\.47590001\."):
        assert_close(0.47590001, 0.4759, what="x", rtol=1e-12)


def test_a_wrong_entry_of_a_matrix_is_located():
    with pytest.raises(ExerciseError, match=r"at index \(1, 0\): expected 3, got -3 \(1 of 4 entries differ\)"):
        assert_close([[1, 2], [-3, 4]], [[1, 2], [3, 4]], what="J")
    with pytest.raises(ExerciseError, match=r"at input -0\.5: expected 2, got 1"):
        assert_close([1.0, 1.0], [2.0, 1.0], what="f(x)", inputs=[-0.5, 0.5])


# -- converting ---------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [[1.0, 2.0], (1, 2), np.array([1.0, 2.0]), [np.float64(1), 2],
                                    torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True),
                                    [torch.tensor(1.0, dtype=torch.float64), 2.0]])
def test_any_sequence_of_the_right_length_is_an_answer(answer):
    got = as_answer(answer, "w", expected=[1.0, 2.0])
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("answer", [2.5, np.float64(2.5), np.array(2.5), torch.tensor(2.5, dtype=torch.float64)])
def test_a_number_may_be_a_scalar_or_a_0d_array(answer):
    assert as_answer(answer, "ε", kind="number") == 2.5
    assert_close(answer, 2.5, what="ε")


@pytest.mark.parametrize("answer, words", [
    ("0.5", "should be numbers, got str"), (True, "got bool"), (np.array([True, False]), "got bool"),
    (1 + 2j, "complex"), ([1.0, None], "holds None"), ([[1.0, 2.0], [3.0]], "not a regular array"),
    ({"a": 1}, "got dict"), (object(), "holds object"), (10**400, "inf"), ([1, "a"], "holds strings"),
    (np.array(np.nan), "contains NaN"), ([2.5], "should be a single number, got a list of length 1"),
    (print, "got builtin_function_or_method"), (None, "None"),
], ids=str)
def test_what_is_not_a_number_is_refused_with_what_it_is(answer, words):
    with pytest.raises(ExerciseError, match=words):
        as_answer(answer, "the answer", kind="number")


def test_a_float32_answer_is_never_accepted():
    close = np.float32(0.4759)
    for answer in (close, np.array([close]), torch.tensor([0.4759]), np.float16(0.4759)):
        with pytest.raises(ExerciseError, match=r"compute in float64 \(np\.float64 / torch\.float64"):
            assert_close(answer, [0.4759] if np.ndim(answer) else 0.4759, what="ρ′(0)")
    with pytest.raises(ExerciseError) as failure:  # far off: the usual message, not a lecture on precision
        assert_close(np.float32([1.0, 2.0]), [1.0, 3.0], what="f(x)")
    assert "is wrong at index 1: expected 3, got 2" in str(failure.value)
    assert "float64" not in str(failure.value)
    with pytest.raises(ExerciseError, match="float64"):  # nothing to compare with: refused outright
        as_answer(np.float32([1.0]), "w")


def test_inf_passes_only_where_inf_is_expected_and_nan_never():
    assert_close([np.inf, 1.0], [np.inf, 1.0], what="x")
    with pytest.raises(ExerciseError, match="contains inf"):
        assert_close([np.inf, 1.0], [1.0, 1.0], what="x")
    with pytest.raises(ExerciseError, match="contains -inf"):
        assert_close([-np.inf, 1.0], [np.inf, 1.0], what="x")
    with pytest.raises(ExerciseError, match="contains NaN"):
        as_answer([np.nan, 1.0], "x", expected=[np.nan, 1.0])


@pytest.mark.parametrize("answer", [3, 3.0, np.int64(3), np.float32(3.0), np.array(3), torch.tensor(3)])
def test_a_whole_number_may_be_an_int_or_an_integral_float(answer):
    got = as_answer(answer, "L", kind="int")
    assert got == 3 and type(got) is int


@pytest.mark.parametrize("answer, words", [(2.5, "whole number, got 2.5"), (True, "bool"), ("3", "str"),
                                           (float("nan"), "got NaN"), ([3], "single whole number, got a list")])
def test_what_is_not_a_whole_number_is_refused(answer, words):
    with pytest.raises(ExerciseError, match=words):
        as_answer(answer, "L", kind="int")


def test_parts_shapes_and_names():
    assert as_parts((1, [2, 3]), "step", 2, "the pair (theta, v)") == [1, [2, 3]]
    assert len(as_parts(np.zeros((2, 3)), "step", 2, "the pair (theta, v)")) == 2
    with pytest.raises(ExerciseError, match=r"the pair \(theta, v\), 2 values, got an array of shape \(3,\)"):
        as_parts(np.zeros(3), "step", 2, "the pair (theta, v)")
    assert as_answer(torch.Size([1, 4]), "s", kind="shape") == (1, 4)
    with pytest.raises(ExerciseError, match="should be a shape"):
        as_answer(4, "s", kind="shape")
    assert as_names(["a"], "names", "ab") == {"a"}
    with pytest.raises(ExerciseError, match="unknown names"):
        as_names({"c"}, "names", "ab")
    with pytest.raises(ExerciseError, match="should be a set of names"):
        as_names("a", "names", "ab")


# -- reporting and grading ----------------------------------------------------------------


def test_a_bug_inside_a_checker_becomes_an_exercise_error_never_a_pass(capsys):
    def body():
        return {}["missing"]

    with pytest.raises(ExerciseError, match=r"could not check your answer \(KeyError"):
        run_check("Exercise: x", body)
    assert "✅" not in capsys.readouterr().out


def not_done_body():
    call_student(stub, 1.0)


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_under_nbgrader_a_stub_fails_with_zero_points(mode, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    with pytest.raises(ExerciseError, match="Exercise: x: not done yet — .* 0 points"):
        run_check("Exercise: x", not_done_body)


@pytest.mark.parametrize("mode", [None, "", "feedback"])
def test_outside_nbgrader_a_stub_reports_not_done_and_the_notebook_goes_on(mode, monkeypatch, capsys):
    if mode is None:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    else:
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    outcome = run_check("Exercise: x", not_done_body)
    assert not outcome and repr(outcome) == "Outcome(passed=False)"
    assert "⏳ Exercise: x: not done yet" in capsys.readouterr().out


def test_the_layer_does_not_import_torch():
    code = "import sys, lecturelib.exercises as e; e.as_answer([1.0], 'x'); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- every checker, any careless answer ---------------------------------------------------


def careless_answers():
    """Whatever a student's function might return: bad numbers, lists and tuples of them,
    arrays of any dtype and shape, strings, dicts, sets and functions."""
    numbers = bad_numbers()
    return st.one_of(
        numbers, st.lists(numbers, max_size=5), st.tuples(numbers, numbers), st.tuples(numbers, numbers, numbers),
        arrays(st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128]),
               st.lists(st.integers(0, 4), max_size=3).map(tuple)),
        st.text(max_size=5), st.dictionaries(st.text(max_size=3), numbers, max_size=3),
        st.sets(st.sampled_from(["1/k", "constant", "unknown"])), st.just(print))


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=careless_answers())
def test_a_careless_answer_fails_with_an_exercise_error_and_nothing_else(checker, answer, capsys):
    with pytest.raises(ExerciseError) as failure:
        checker(lambda *args, **kwargs: answer)
    assert "could not check" not in str(failure.value)
    assert "✅" not in capsys.readouterr().out
