"""The chapter 4 checkers can fail: a correct answer passes, the blank stub reports "not done
yet" without raising, and a plausible wrong answer fails with a helpful message; every checker
also meets the generated cases of `exercise_contract`."""

import re

import numpy as np
import pytest

from exercise_contract import checker_contract
from lecturelib.exercises import ExerciseError
from lecturelib.exercises import first_order as ex


def momentum_step(theta, v, grad, lr, beta):
    v = beta * v - lr * grad
    return theta + v, v


def momentum_step_wrong_sign(theta, v, grad, lr, beta):
    v = beta * v + lr * grad
    return theta + v, v


def adam_step(theta, s, r, grad, t, lr, beta, rho, delta):
    s = beta * s + (1 - beta) * grad
    r = rho * r + (1 - rho) * grad**2
    s_hat, r_hat = s / (1 - beta**t), r / (1 - rho**t)
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r


def adam_step_slide_slip(theta, s, r, grad, t, lr, beta, rho, delta):
    s = beta * s + (1 - beta) * grad
    r = rho * r + (1 - rho) * grad**2
    s_hat, r_hat = s / (1 - beta), r / (1 - rho)  # β instead of βᵗ
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r


def adam_step_uncorrected(theta, s, r, grad, t, lr, beta, rho, delta):
    s = beta * s + (1 - beta) * grad
    r = rho * r + (1 - rho) * grad**2
    return theta - lr * s / (np.sqrt(r) + delta), s, r


CASES = {
    "momentum": (ex.check_momentum_step, momentum_step, momentum_step_wrong_sign, "sign"),
    "stable lr": (ex.check_largest_stable_lr, lambda H: 2 / np.linalg.eigvalsh(H).max(),
                  lambda H: 2 / np.linalg.eigvalsh(H).min(), "Which λ limits ε"),
    "stable lr, 1/λ": (ex.check_largest_stable_lr, lambda H: 2 / np.linalg.eigvalsh(H).max(),
                       lambda H: 1 / np.linalg.eigvalsh(H).max(), "|1 − ελ| < 1"),
    "adam slip": (ex.check_adam_step, adam_step, adam_step_slide_slip, "βᵗ"),
    "adam uncorrected": (ex.check_adam_step, adam_step, adam_step_uncorrected, "uncorrected"),
    "robbins-monro, 1/sqrt": (ex.check_robbins_monro, lambda: {"1/k", "k^(-0.75)", "1/(1 + decay*k)"},
                              lambda: {"1/k", "k^(-0.75)", "1/(1 + decay*k)", "1/sqrt(k)"}, "never averaged"),
    "robbins-monro, missing": (ex.check_robbins_monro, lambda: {"1/k", "k^(-0.75)", "1/(1 + decay*k)"},
                               lambda: {"1/k", "k^(-0.75)"}, "left out '1/(1 + decay*k)'"),
    "robbins-monro, 1/k^2": (ex.check_robbins_monro, lambda: {"1/k", "k^(-0.75)", "1/(1 + decay*k)"},
                             lambda: {"1/k", "k^(-0.75)", "1/(1 + decay*k)", "1/k^2"}, "bounded distance"),
    "optimal step": (ex.check_optimal_step, lambda g, H: g @ g / (g @ H @ g), lambda g, H: g @ H @ g / (g @ g),
                     "Differentiate"),
}


CASES = {name: (checker, correct, wrong, re.escape(words))
         for name, (checker, correct, wrong, words) in CASES.items()}
KINDS = {ex.check_momentum_step: "parts", ex.check_largest_stable_lr: "number", ex.check_adam_step: "parts",
         ex.check_robbins_monro: "names", ex.check_optimal_step: "number"}
(test_correct, test_wrong, test_stub, test_graded_stub,
 test_generated) = checker_contract(CASES, KINDS, ex)


def test_passing_a_value_instead_of_a_function_is_explained():
    with pytest.raises(ExerciseError, match="expected a function"):
        ex.check_optimal_step(0.5)
