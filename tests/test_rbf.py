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
