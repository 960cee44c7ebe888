"""The chapter 5 checkers can fail: a correct answer passes, the blank stub reports
"not done yet" without raising, and a plausible wrong answer fails with a helpful message;
every checker also meets the generated cases of `exercise_contract`."""

import numpy as np
import pytest

from exercise_contract import checker_contract
from lecturelib.exercises import ExerciseError
from lecturelib.exercises import second_order as ex


def newton_step(theta, H, b):
    return theta - np.linalg.solve(H, H @ theta - b)


def hvp_by_differences(grad, theta, v, eps):
    return (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)


def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    left = np.eye(len(s)) - rho * np.outer(s, y)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_update_swapped(H, s, y):  # the Hessian (not inverse) form's ordering: y and s swapped
    rho = 1 / (y @ s)
    left = np.eye(len(s)) - rho * np.outer(y, s)
    return left @ H @ left.T + rho * np.outer(y, y)


CASES = {
    "newton_step": (ex.check_newton_step, newton_step,
                    lambda theta, H, b: -np.linalg.solve(H, H @ theta - b), "add θ"),
    "newton_step_times_H": (ex.check_newton_step, newton_step,
                            lambda theta, H, b: theta - H @ (H @ theta - b), "H⁻¹"),
    "hvp": (ex.check_hvp_by_differences, hvp_by_differences,
            lambda grad, theta, v, eps: (grad(theta + eps * v) - grad(theta - eps * v)) / eps,
            "twice Hv"),
    "hvp_direction": (ex.check_hvp_by_differences, hvp_by_differences,
                      lambda grad, theta, v, eps: grad(theta + eps * v) - grad(theta - eps * v),
                      "central difference"),
    "bfgs_update": (ex.check_bfgs_update, bfgs_update, bfgs_update_swapped, "secant condition"),
    "smallest_alpha": (ex.check_smallest_alpha, lambda H: -np.linalg.eigvalsh(H).min(),
                       lambda H: -np.diag(H).min(), "eigenvalues"),
    "gauss_newton_hessian": (ex.check_gauss_newton_hessian, lambda J: 2 * J.T @ J,
                             lambda J: J.T @ J, "factor 2"),
    "gauss_newton_hessian_shape": (ex.check_gauss_newton_hessian, lambda J: 2 * J.T @ J,
                                   lambda J: 2 * J @ J.T, "not JJᵀ"),
}

KINDS = {ex.check_newton_step: "array", ex.check_hvp_by_differences: "array", ex.check_bfgs_update: "array",
         ex.check_smallest_alpha: "number", ex.check_gauss_newton_hessian: "array"}
(test_correct, test_wrong, test_stub, test_graded_stub,
 test_generated) = checker_contract(CASES, KINDS, ex)


def test_passing_a_value_instead_of_a_function_is_explained():
    with pytest.raises(ExerciseError, match="pass the function itself"):
        ex.check_smallest_alpha(1.0)
