"""The chapter 2 checkers can fail: a correct answer passes, the blank stub reports
"not done yet" without raising, and a plausible wrong answer fails with a helpful message;
every checker also meets the generated cases of `exercise_contract`."""

import math

import numpy as np
import pytest

from exercise_contract import checker_contract
from lecturelib.exercises import ExerciseError
from lecturelib.exercises import activations as ex


def correct_sigmoid_prime(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def correct_softmax_jacobian(x):
    e = np.exp(x - x.max())
    p = e / e.sum()
    return np.diag(p) - np.outer(p, p)


def correct_silu_minimum():
    from scipy.optimize import brentq

    def derivative(x):
        s = 1 / (1 + np.exp(-x))
        return s * (1 + x * (1 - s))

    x_min = brentq(derivative, -3, 0, xtol=1e-14)
    return x_min, x_min / (1 + np.exp(-x_min))


def correct_layers_until(bound):
    layers = 0
    while 0.25 ** layers >= bound:
        layers += 1
    return layers


def correct_prelu_alpha_grad(x, alpha):
    return np.where(x > 0, 0.0, x)


def naive_softmax_jacobian(x):
    with np.errstate(over="ignore", invalid="ignore"):  # e^1000 = inf: the mistake under test
        p = np.exp(x) / np.exp(x).sum()
    return np.diag(p) - np.outer(p, p)


CASES = {
    # name: (checker, a correct answer, a plausible wrong answer, words the failure message must contain)
    "sigmoid_prime": (ex.check_sigmoid_prime, correct_sigmoid_prime,
                      lambda x: correct_sigmoid_prime(x) * 2, "chain rule"),
    "softmax_jacobian_sign": (ex.check_softmax_jacobian, correct_softmax_jacobian,
                              lambda x: -correct_softmax_jacobian(x), "δᵢⱼ"),
    "softmax_jacobian_shape": (ex.check_softmax_jacobian, correct_softmax_jacobian,
                               lambda x: np.exp(x) / np.exp(x).sum(), "one row per output"),
    "softmax_jacobian_overflow": (ex.check_softmax_jacobian, correct_softmax_jacobian,
                                  naive_softmax_jacobian, r"overflow .* Subtract max\(x\)"),
    "silu_minimum": (ex.check_silu_minimum, correct_silu_minimum, lambda: (-1.0, -0.2689), "derivative"),
    "silu_minimum_value": (ex.check_silu_minimum, correct_silu_minimum, lambda: (-1.2784645, -0.278),
                           "minimum value"),
    "silu_minimum_shape": (ex.check_silu_minimum, correct_silu_minimum, lambda: -1.2784645, "pair"),
    "layers_until": (ex.check_layers_until, correct_layers_until,
                     lambda bound: math.ceil(math.log(bound) / math.log(0.25)), "not below"),
    "layers_until_type": (ex.check_layers_until, correct_layers_until,
                          lambda bound: math.log(bound) / math.log(0.25), "whole number"),
    "prelu_alpha_grad": (ex.check_prelu_alpha_grad, correct_prelu_alpha_grad,
                         lambda x, alpha: np.where(x > 0, 1.0, alpha), "which branch depends on α"),
}

KINDS = {ex.check_sigmoid_prime: "array", ex.check_softmax_jacobian: "array", ex.check_silu_minimum: "parts",
         ex.check_layers_until: "int", ex.check_prelu_alpha_grad: "array"}
(test_correct, test_wrong, test_stub, test_graded_stub,
 test_generated) = checker_contract(CASES, KINDS, ex)


def test_passing_a_value_instead_of_a_function_is_explained():
    with pytest.raises(ExerciseError, match="pass the function itself"):
        ex.check_sigmoid_prime(correct_sigmoid_prime(np.zeros(3)))
