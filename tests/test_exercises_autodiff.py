"""The chapter 3 checkers can fail: a correct answer passes, the blank stub reports
"not done yet" without raising, and a plausible wrong answer fails with a helpful message;
every checker also meets the generated cases of `exercise_contract`."""

import math

import numpy as np

from exercise_contract import checker_contract
from lecturelib.autodiff import Value
from lecturelib.exercises import autodiff as ex


def correct_gradients(x, y, z):
    return z, z, x + y


def sin_rule(assign=False, derivative=math.cos):
    def value_sin(v):
        out = Value(math.sin(v.data), (v,), "sin")

        def _backward():
            if assign:  # the classic slip: = instead of +=
                v.grad = derivative(v.data) * out.grad
            else:
                v.grad += derivative(v.data) * out.grad

        out._backward = _backward
        return out

    return value_sin


def correct_delta1(delta2, W2, z1):
    return (delta2 @ W2) * (1 - np.tanh(z1) ** 2)


def correct_shapes(M, n):
    return {"dL/dr": (1, M), "dr/dw": (M, n), "dL/dw": (1, n)}


CASES = {
    "worked_example": (ex.check_worked_example, correct_gradients, lambda x, y, z: (z, z, x), "∂f/∂d = z"),
    "worked_example_type": (ex.check_worked_example, correct_gradients, lambda x, y, z: z, "three numbers"),
    "sin_rule_assign": (ex.check_sin_rule, sin_rule(), sin_rule(assign=True), r"use \+="),
    "sin_rule_sign": (ex.check_sin_rule, sin_rule(), sin_rule(derivative=lambda a: -math.cos(a)), "math.cos"),
    "sin_rule_no_parents": (ex.check_sin_rule, sin_rule(), lambda v: Value(math.sin(v.data)),
                            "must record its input"),
    "sin_rule_not_a_value": (ex.check_sin_rule, sin_rule(), lambda v: math.sin(v.data), "new Value"),
    "delta1_no_rho_prime": (ex.check_delta1, correct_delta1, lambda d2, W2, z1: d2 @ W2, "tanh′"),
    "delta1_shape": (ex.check_delta1, correct_delta1, lambda d2, W2, z1: W2.T @ d2.T, "one row per sample"),
    "jacobian_shapes_layout": (ex.check_jacobian_shapes, correct_shapes,
                               lambda M, n: {"dL/dr": (M, 1), "dr/dw": (n, M), "dL/dw": (n, 1)},
                               "numerator"),
    "jacobian_shapes_keys": (ex.check_jacobian_shapes, correct_shapes, lambda M, n: [(1, M)], "keys"),
}


KINDS = {ex.check_worked_example: "array", ex.check_sin_rule: "value", ex.check_delta1: "array",
         ex.check_jacobian_shapes: "shapes"}
(test_correct, test_wrong, test_stub, test_graded_stub,
 test_generated) = checker_contract(CASES, KINDS, ex)
