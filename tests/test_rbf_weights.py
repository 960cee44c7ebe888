"""Step 2 of RBF learning (lecturelib.rbf_weights): the closed-form weights against
numpy.linalg.lstsq and scikit-learn's Ridge, the Newton (IRLS) weights, through the library's
Newton method, against scikit-learn's LogisticRegression, and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.datasets import make_blobs, make_moons
from sklearn.linear_model import LogisticRegression, Ridge

from lecturelib import rbf
from lecturelib.rbf_weights import output_weights

rng = np.random.default_rng(0)
X1 = np.sort(rng.uniform(-3, 3, 60))
Y1 = np.sin(X1) + 0.1 * rng.normal(size=60)
MOONS_X, MOONS_Y = make_moons(200, noise=0.2, random_state=0)
BLOBS_X, BLOBS_Y = make_blobs(150, centers=3, cluster_std=1.5, random_state=0)



def test_closed_form_weights_equal_lstsq():
    Phi = rbf.rbf_features(X1, np.linspace(-3, 3, 8), 0.8)
    np.testing.assert_allclose(output_weights(Phi, Y1), np.linalg.lstsq(Phi, Y1, rcond=None)[0],
                               rtol=1e-8, atol=1e-10)


def test_closed_form_weights_equal_lstsq_minimum_norm_when_rank_deficient():
    Phi = rbf.rbf_features(X1, np.array([-1.0, -1.0, 1.0]), 0.8)  # two identical columns
    ours = output_weights(Phi, Y1)
    np.testing.assert_allclose(ours, np.linalg.lstsq(Phi, Y1, rcond=None)[0], atol=1e-10)
    assert ours[1] == pytest.approx(ours[2])


@settings(max_examples=25, deadline=None)
@given(st.floats(1e-4, 10.0), st.integers(2, 12), st.integers(1, 3))
def test_ridge_weights_equal_sklearn_ridge(ridge, n_centres, outputs):
    Phi = rbf.rbf_features(X1, np.linspace(-3, 3, n_centres), 1.0)
    Y = np.column_stack([Y1 * (k + 1) for k in range(outputs)])
    reference = Ridge(alpha=ridge, fit_intercept=False, solver="cholesky").fit(Phi, Y).coef_
    reference = reference.reshape(outputs, -1).T
    np.testing.assert_allclose(output_weights(Phi, Y, ridge), reference, rtol=1e-6, atol=1e-8)


def test_binary_newton_weights_equal_sklearn_logistic_regression():
    net = rbf.fit_two_step(MOONS_X, MOONS_Y, 12, task="binary", ridge=0.05)
    # ours: mean BCE + (λ/n)‖w‖²  <=>  sklearn: ½‖w‖² + C Σ BCE with C = 1/(2λ)
    reference = LogisticRegression(C=1 / (2 * 0.05), fit_intercept=False, solver="newton-cg",
                                   tol=1e-10).fit(net.features(MOONS_X), MOONS_Y)
    np.testing.assert_allclose(net.w[:, 0], reference.coef_[0], atol=1e-5)
    assert (net.classify(MOONS_X) == MOONS_Y).mean() >= 0.95


def test_multiclass_newton_weights_equal_sklearn_multinomial():
    net = rbf.fit_two_step(BLOBS_X, BLOBS_Y, 10, task="multiclass", ridge=0.05)
    reference = LogisticRegression(C=1 / (2 * 0.05), fit_intercept=False, solver="newton-cg",
                                   tol=1e-10).fit(net.features(BLOBS_X), BLOBS_Y)
    np.testing.assert_allclose(net.w, reference.coef_.T, atol=1e-5)
    np.testing.assert_allclose(net.predict(BLOBS_X), reference.predict_proba(net.features(BLOBS_X)),
                               atol=1e-6)


def test_newton_says_when_separable_classes_have_no_unregularised_minimum():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    with pytest.raises(ValueError, match="separable .* ridge > 0"):
        rbf.fit_two_step(X, np.array([0, 0, 1, 1]), 2, task="binary", ridge=0.0)




# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from bad_input import case, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import PHI, X, Y_BIN, Y_REG  # noqa: E402
from lecturelib import rbf_weights  # noqa: E402


BAD_ARGUMENTS = [
    case("output_weights-ridge", lambda v: rbf_weights.output_weights(PHI, Y_REG, v), ["ridge"]),
    case("output_weights-Phi", lambda v: rbf_weights.output_weights(planted(PHI, v), Y_REG), ["Phi"]),
    case("output_weights-Y", lambda v: rbf_weights.output_weights(PHI, planted(Y_REG, v)), ["Y"]),
    case("newton-ridge", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", v), ["ridge"]),
    case("newton-max_iter", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, max_iter=v),
         ["max_iter"]),
    case("newton-tol", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, tol=v), ["tol"]),
    case("newton-task", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], v, 0.1), ["task"]),
    case("newton-Y", lambda v: rbf_weights.newton_weights(PHI, planted(Y_BIN[:, None], v), "binary", 0.1), ["Y"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: output_weights(np.ones((5, 2)), np.ones(4)), "same n"),
    (lambda: output_weights(np.ones((5, 2)), np.ones(5), ridge=-1), "ridge must be >= 0"),
    (lambda: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, tol=0), "tol must be > 0"),
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)


def test_singular_least_squares_is_the_minimum_norm_solution_not_a_linalg_error():
    Phi = np.hstack([PHI, PHI[:, 1:2], np.zeros((12, 1))])  # a repeated and a zero column
    np.testing.assert_allclose(rbf_weights.output_weights(Phi, Y_REG), np.linalg.lstsq(Phi, Y_REG, rcond=None)[0],
                               atol=1e-10)
    np.testing.assert_array_equal(rbf_weights.output_weights(np.zeros((5, 3)), np.ones(5)), np.zeros(3))
    twice = np.vstack([X, X])  # every point twice: the k-means centres of 24 points
    net = rbf.fit_two_step(twice, np.r_[Y_REG, Y_REG], 12, width=0.5, ridge=0.0)
    Phi = net.features(twice)
    np.testing.assert_allclose(net.w[:, 0], np.linalg.lstsq(Phi, np.r_[Y_REG, Y_REG], rcond=None)[0],
                               atol=1e-8)
    with pytest.raises(ValueError, match="weights reach .* use a larger ridge"):
        rbf_weights.output_weights(np.full((3, 1), 1e-160), np.ones(3))
