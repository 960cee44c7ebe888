"""RBF networks (lecturelib.rbf): the features against the formula (scipy's cdist), the hand
derivatives of the Gaussian feature against torch autograd, the width heuristics against their
formulas, and bad input. (Step 2's weights: test_rbf_weights.py; step 3: test_rbf_three_step.py
and test_torch_rbf.py.)"""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist, pdist
from sklearn.datasets import make_moons

from lecturelib import rbf

rng = np.random.default_rng(0)
X1 = np.sort(rng.uniform(-3, 3, 60))
Y1 = np.sin(X1) + 0.1 * rng.normal(size=60)
MOONS_X, MOONS_Y = make_moons(200, noise=0.2, random_state=0)



def test_features_are_one_then_gaussians_of_the_distance():
    mu, sigma = MOONS_X[:5], np.array([0.3, 0.5, 0.7, 1.0, 2.0])
    Phi = rbf.rbf_features(MOONS_X, mu, sigma)
    expected = np.exp(-cdist(MOONS_X, mu, "sqeuclidean") / (2 * sigma**2))
    assert Phi.shape == (200, 6)
    np.testing.assert_array_equal(Phi[:, 0], 1.0)
    np.testing.assert_allclose(Phi[:, 1:], expected, rtol=1e-12, atol=1e-14)


def test_hand_gradients_of_the_gaussian_feature_equal_autograd():
    mu, sigma = MOONS_X[:4], np.array([0.3, 0.6, 0.9, 1.2])
    phi, dmu, dsigma = rbf.gaussian_feature_gradients(MOONS_X[:30], mu, sigma)
    for n in (0, 7, 29):
        x = torch.tensor(MOONS_X[n])
        m, s = torch.tensor(mu, requires_grad=True), torch.tensor(sigma, requires_grad=True)
        for i in range(4):
            value = torch.exp(-((x - m[i]) ** 2).sum() / (2 * s[i] ** 2))
            g_mu, g_sigma = torch.autograd.grad(value, [m, s])
            assert phi[n, i] == pytest.approx(value.item(), rel=1e-12)
            np.testing.assert_allclose(dmu[n, i], g_mu[i].numpy(), rtol=1e-10, atol=1e-14)
            assert dsigma[n, i] == pytest.approx(g_sigma[i].item(), rel=1e-10, abs=1e-14)


def test_width_heuristics_follow_their_formulas():
    mu = MOONS_X[:7]
    d = cdist(mu, mu)
    assert rbf.width_max_distance(mu)[0] == pytest.approx(pdist(mu).max() / np.sqrt(14))
    np.fill_diagonal(d, np.inf)
    nearest_two = np.sort(d, axis=1)[:, :2]
    np.testing.assert_allclose(rbf.width_nearest_centres(mu, p=2), np.sqrt((nearest_two**2).mean(1)))
    spread = rbf.width_cluster_spread(MOONS_X, mu)
    labels = cdist(MOONS_X, mu).argmin(1)
    assert spread[0] == pytest.approx(np.sqrt(((MOONS_X[labels == 0] - mu[0]) ** 2).sum(1).mean() / 2))


def test_random_centres_are_distinct_data_points():
    mu = rbf.place_centres(MOONS_X, 10, method="random", seed=3)
    assert len({tuple(m) for m in mu}) == 10
    assert all((MOONS_X == m).all(1).any() for m in mu)


@pytest.mark.parametrize("call,error,words", [
    (lambda: rbf.fit_two_step(X1[:5], Y1[:5], 6), ValueError, "n_centres must lie between 1 and the number of points 5"),
    (lambda: rbf.rbf_features(X1, [0.0, 1.0], 0.0), ValueError, "sigma must be finite and > 0"),
    (lambda: rbf.rbf_features(X1, [0.0, 1.0], [1.0, -1.0]), ValueError, "> 0"),
    (lambda: rbf.rbf_features(X1, [0.0, 1.0], [1.0, 1.0, 1.0]), ValueError, r"one per centre, shape \(2,\)"),
    (lambda: rbf.rbf_features(MOONS_X, [[0.0, 0.0, 0.0]], 1.0), ValueError, "X has 2 features but the centres mu have 3"),
    (lambda: rbf.fit_two_step(X1, Y1[:-1], 4), ValueError, "same number of samples"),
    (lambda: rbf.fit_two_step(np.where(X1 > 2, np.nan, X1), Y1, 4), ValueError, "NaN"),
    (lambda: rbf.fit_two_step(X1, np.where(X1 > 2, np.nan, Y1), 4), ValueError, "NaN"),
    (lambda: rbf.fit_two_step(MOONS_X, MOONS_Y + 1, 4, task="binary"), ValueError, "0 or 1"),
    (lambda: rbf.fit_two_step(MOONS_X, MOONS_Y + 0.5, 4, task="multiclass"), ValueError, "whole numbers"),
    (lambda: rbf.fit_two_step(X1, Y1, 4, task="classification"), ValueError, "task must be one of"),
    (lambda: rbf.fit_two_step(X1, Y1, 4, width="huge"), ValueError, "width must be"),
])
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error, match=words):
        call()


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from bad_input import AWKWARD, awkward_points, case, clear_answer, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import BINARY, NET, X, Y_BIN, Y_MULTI, Y_REG  # noqa: E402
from lecturelib import rbf_three_step  # noqa: E402


BAD_ARGUMENTS = [
    case("features-sigma", lambda v: rbf.rbf_features(X, X[:3], v), ["sigma"]),
    case("features-X", lambda v: rbf.rbf_features(planted(X, v), X[:3], 1.0), ["X"]),
    case("features-mu", lambda v: rbf.rbf_features(X, planted(X[:3], v), 1.0), ["mu"]),
    case("gradients-sigma", lambda v: rbf.gaussian_feature_gradients(X, X[:3], [1.0, v, 2.0]), ["sigma"]),
    case("gradients-X", lambda v: rbf.gaussian_feature_gradients(planted(X, v), X[:3], 1.0), ["X"]),
    case("toy_target-x", lambda v: rbf.toy_target(planted([0.5, 1.0], v)), ["x"]),
    case("toy_regression-n", lambda v: rbf.toy_regression(v), ["n"], (10**5, 10**7)),
    case("toy_regression-noise", lambda v: rbf.toy_regression(10, noise=v), ["noise"]),
    case("toy_regression-seed", lambda v: rbf.toy_regression(10, seed=v), ["seed"]),
    case("place_centres-n_centres", lambda v: rbf.place_centres(X, v), ["n_centres"]),
    case("place_centres-random", lambda v: rbf.place_centres(X, v, method="random"), ["n_centres"]),
    case("place_centres-method", lambda v: rbf.place_centres(X, 3, method=v), ["method"]),
    case("place_centres-seed", lambda v: rbf.place_centres(X, 3, seed=v), ["seed"]),
    case("width_max_distance-mu", lambda v: rbf.width_max_distance(planted(X[:3], v)), ["mu"]),
    case("width_nearest_centres-p", lambda v: rbf.width_nearest_centres(X[:4], v), ["p"]),
    case("width_nearest_centres-mu", lambda v: rbf.width_nearest_centres(planted(X[:4], v)), ["mu"]),
    case("width_cluster_spread-X", lambda v: rbf.width_cluster_spread(planted(X, v), X[:3]), ["X", "mu"]),
    case("fit-n_centres", lambda v: rbf.fit_two_step(X, Y_REG, v), ["n_centres"]),
    case("fit-width", lambda v: rbf.fit_two_step(X, Y_REG, 3, width=v), ["width"]),
    case("fit-ridge", lambda v: rbf.fit_two_step(X, Y_REG, 3, ridge=v), ["ridge"]),
    case("fit-binary-ridge", lambda v: rbf.fit_two_step(X, Y_BIN, 3, task="binary", ridge=v), ["ridge"]),
    case("fit-multiclass-n_centres", lambda v: rbf.fit_two_step(X, Y_MULTI, v, task="multiclass"),
         ["n_centres"]),
    case("fit-task", lambda v: rbf.fit_two_step(X, Y_REG, 3, task=v), ["task"]),
    case("fit-centres", lambda v: rbf.fit_two_step(X, Y_REG, 3, centres=v), ["centres"]),
    case("fit-seed", lambda v: rbf.fit_two_step(X, Y_REG, 3, seed=v), ["seed"]),
    case("fit-X", lambda v: rbf.fit_two_step(planted(X, v), Y_REG, 3), ["X", "y", "n_centres"]),
    case("fit-y", lambda v: rbf.fit_two_step(X, planted(Y_REG, v), 3), ["y"]),
    case("fit-binary-y", lambda v: rbf.fit_two_step(X, planted(Y_BIN, v), 3, task="binary"), ["y"]),
    case("fit-multiclass-y", lambda v: rbf.fit_two_step(X, planted(Y_MULTI, v), 3, task="multiclass"), ["y"]),
    case("targets-task", lambda v: rbf.targets(X, Y_REG, v), ["task"]),
    case("targets-n_classes", lambda v: rbf.targets(X, Y_MULTI, "multiclass", v), ["n_classes", "y"]),
    case("targets-y", lambda v: rbf.targets(X, planted(Y_MULTI, v), "multiclass"), ["y"]),
    case("RBFNet-w", lambda v: rbf.RBFNet(NET.mu, NET.sigma, planted(NET.w, v)), ["w"]),
    case("RBFNet-sigma", lambda v: rbf.RBFNet(NET.mu, planted(NET.sigma, v), NET.w), ["sigma"]),
    case("RBFNet-ridge", lambda v: rbf.RBFNet(NET.mu, NET.sigma, NET.w, ridge=v), ["ridge"]),
    case("RBFNet-task", lambda v: rbf.RBFNet(NET.mu, NET.sigma, NET.w, task=v), ["task"]),
    case("predict-X", lambda v: NET.predict(planted(X, v)), ["X"]),
    case("classify-X", lambda v: BINARY.classify(planted(X, v)), ["X"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: rbf.fit_two_step(X, Y_REG, 0), "n_centres must be a whole number >= 1, got 0"),
    (lambda: rbf.fit_two_step(X, Y_REG, 13), "n_centres must lie between 1 and the number of points 12"),
    (lambda: rbf.fit_two_step(X, Y_REG, 1), "needs at least 2 centres.*n_centres >= 2 or give the width"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, centres="k-means"), "centres must be one of"),
    (lambda: rbf.place_centres(X, 3, method="k-means"), "method must be one of"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, width=-1.0), "width must be finite and > 0 for every centre"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, seed=-1), "seed must be a whole number >= 0"),
    (lambda: rbf.targets(X, np.zeros(12), "multiclass"), "multiclass labels y must be 0 … K−1 with 2 <= K"),
    (lambda: rbf.targets(X, Y_MULTI, "multiclass", n_classes=2), "labels y must be 0 … 1 for n_classes = 2"),
    (lambda: NET.classify(X), "classify needs a network with task 'binary' or 'multiclass'"),
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)


@settings(max_examples=80, deadline=None)
@given(awkward_points(most=10), st.data())
def test_rbf_fits_on_awkward_data_answer_clearly(points, data):
    task = data.draw(st.sampled_from(rbf.TASKS))
    labels = st.integers(0, 1 if task == "binary" else 3)
    y = data.draw(arrays(np.float64, len(points), elements=AWKWARD) if task == "regression"
                  else arrays(np.int64, len(points), elements=labels))
    net = clear_answer(lambda: rbf.fit_two_step(
        points, y, data.draw(st.integers(1, len(points))), task=task,
        width=data.draw(st.sampled_from(["nearest centres", "max distance", 1e-100, 1.0, 1e300])),
        ridge=data.draw(st.sampled_from([0.0, 1e-3, 5e-324, 1e300])),
        centres=data.draw(st.sampled_from(rbf.METHODS))), ["X", "y", "mu", "n_centres", "ridge"])
    if not isinstance(net, Exception):
        clear_answer(lambda: net.predict(points), ["X"])
        clear_answer(lambda: rbf_three_step.objective(net, points, y), ["ridge"])
        clear_answer(lambda: rbf_three_step.objective_gradients(net, points, y), ["ridge"])


def test_extreme_widths_give_the_limits_of_the_gaussian():
    mu = np.array([[0.0, 0.0], [3.0, 0.0]])
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    narrow = rbf.rbf_features(points, mu, 1e-100)  # φ = 1 at its centre, 0 elsewhere
    np.testing.assert_array_equal(narrow, [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    phi, dmu, dsigma = rbf.gaussian_feature_gradients(points, mu, 1e-100)
    assert np.isfinite(dmu).all() and np.isfinite(dsigma).all()
    np.testing.assert_array_equal(rbf.rbf_features(points, mu, 1e200)[:, 1:], 1.0)  # σ² overflows: φ = 1
    expected = np.exp(-((points[:, None] - mu[None]) ** 2).sum(-1) / (2 * 0.7**2))
    np.testing.assert_allclose(rbf.rbf_features(points, mu, 0.7)[:, 1:], expected, rtol=1e-14)
    with pytest.raises(ValueError, match="sigma must be finite and > 0"):
        rbf.rbf_features(points, mu, 1e-101)  # σ³ would underflow: ∂φ/∂σ = 0/0
