"""The chapter 1 checkers can fail: a correct answer passes, the blank stub reports
"not done yet" without raising, and a plausible wrong answer fails with a helpful message;
every checker also meets the generated cases of `exercise_contract`."""

import numpy as np

from exercise_contract import checker_contract
from lecturelib.exercises import rbf as ex


def correct_phi(x, mu, sigma):
    return np.concatenate([[1.0], np.exp(-((x - mu) ** 2).sum(axis=1) / (2 * sigma**2))])


def correct_output_weights(Phi, y, ridge):
    return np.linalg.solve(Phi.T @ Phi + ridge * np.eye(Phi.shape[1]), Phi.T @ y)


def features(x, centres, sigma):
    return np.column_stack([np.ones_like(x)] + [np.exp(-(x - c) ** 2 / (2 * sigma**2)) for c in centres])


def held_out_errors(x_train, y_train, x_val, y_val, centres, candidates, ridge, on="val"):
    errors = []
    for sigma in candidates:
        w = correct_output_weights(features(x_train, centres, sigma), y_train, ridge)
        x, y = (x_val, y_val) if on == "val" else (x_train, y_train)
        errors.append(np.mean((features(x, centres, sigma) @ w - y) ** 2))
    return np.array(errors)


def correct_pick_sigma(*problem):
    return problem[5][held_out_errors(*problem).argmin()]


def training_pick_sigma(*problem):
    return problem[5][held_out_errors(*problem, on="train").argmin()]


def correct_bump(x, left, right, height, steepness):
    return height * (1 / (1 + np.exp(-steepness * (x - left))) - 1 / (1 + np.exp(-steepness * (x - right))))


def correct_dphi_dsigma(x, mu, sigma):
    d2 = np.sum((x - mu) ** 2)
    return np.exp(-d2 / (2 * sigma**2)) * d2 / sigma**3


CASES = {
    # name: (checker, correct answer, wrong answer, words the failure message must contain)
    "phi_no_one": (ex.check_phi, correct_phi, lambda x, mu, s: correct_phi(x, mu, s)[1:], "constant first entry"),
    "phi_no_two": (ex.check_phi, correct_phi,
                   lambda x, mu, s: np.concatenate([[1.0], np.exp(-((x - mu) ** 2).sum(1) / s**2)]), "twice"),
    "output_weights_no_ridge": (ex.check_output_weights, correct_output_weights,
                                lambda Phi, y, ridge: correct_output_weights(Phi, y, 0.0), "Did you add λI"),
    "output_weights_shape": (ex.check_output_weights, correct_output_weights,
                             lambda Phi, y, ridge: correct_output_weights(Phi, y, ridge)[:-1], "shape"),
    "pick_sigma_training": (ex.check_pick_sigma, correct_pick_sigma, training_pick_sigma, "held-out"),
    "pick_sigma_largest": (ex.check_pick_sigma, correct_pick_sigma, lambda *p: p[5][-1], "gives a held-out error"),
    "pick_sigma_not_candidate": (ex.check_pick_sigma, correct_pick_sigma, lambda *p: 0.123, "one of the candidates"),
    "bump_sign": (ex.check_bump, correct_bump, lambda x, a, b, h, s: -correct_bump(x, a, b, h, s), "Subtract"),
    "bump_height": (ex.check_bump, correct_bump, lambda x, a, b, h, s: correct_bump(x, a, b, 1.0, s), "height"),
    "dphi_dsigma_power": (ex.check_dphi_dsigma, correct_dphi_dsigma,
                          lambda x, mu, s: correct_dphi_dsigma(x, mu, s) * s, "σ³"),
}


KINDS = {ex.check_phi: "array", ex.check_output_weights: "array", ex.check_pick_sigma: "number",
         ex.check_bump: "array", ex.check_dphi_dsigma: "number"}
(test_correct, test_wrong, test_stub, test_graded_stub,
 test_generated) = checker_contract(CASES, KINDS, ex)


def test_the_best_width_is_neither_the_narrowest_nor_the_widest():
    problem = ex._sigma_problem()
    best = correct_pick_sigma(*problem, ex.RIDGE)
    assert problem[5][0] < best < problem[5][-1]
    assert training_pick_sigma(*problem, ex.RIDGE) < best  # the training error prefers narrow widths
