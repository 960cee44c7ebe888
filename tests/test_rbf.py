"""RBF networks (lecturelib.rbf): the features against the formula (scipy's cdist), the
closed-form weights against numpy.linalg.lstsq and scikit-learn's Ridge, the Newton (IRLS)
weights against scikit-learn's LogisticRegression, the hand-derived gradients against torch
autograd, 3-step training against 2-step, and bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from scipy.spatial.distance import cdist, pdist
from sklearn.datasets import make_blobs, make_moons
from sklearn.linear_model import LogisticRegression, Ridge

from lecturelib import rbf, rbf_training

rng = np.random.default_rng(0)
X1 = np.sort(rng.uniform(-3, 3, 60))
Y1 = np.sin(X1) + 0.1 * rng.normal(size=60)
MOONS_X, MOONS_Y = make_moons(200, noise=0.2, random_state=0)
BLOBS_X, BLOBS_Y = make_blobs(150, centers=3, cluster_std=1.5, random_state=0)


def test_features_are_one_then_gaussians_of_the_distance():
    mu, sigma = MOONS_X[:5], np.array([0.3, 0.5, 0.7, 1.0, 2.0])
    Phi = rbf.rbf_features(MOONS_X, mu, sigma)
    expected = np.exp(-cdist(MOONS_X, mu, "sqeuclidean") / (2 * sigma**2))
    assert Phi.shape == (200, 6)
    np.testing.assert_array_equal(Phi[:, 0], 1.0)
    np.testing.assert_allclose(Phi[:, 1:], expected, rtol=1e-12, atol=1e-14)


def test_closed_form_weights_equal_lstsq():
    Phi = rbf.rbf_features(X1, np.linspace(-3, 3, 8), 0.8)
    np.testing.assert_allclose(rbf.output_weights(Phi, Y1), np.linalg.lstsq(Phi, Y1, rcond=None)[0],
                               rtol=1e-8, atol=1e-10)


def test_closed_form_weights_equal_lstsq_minimum_norm_when_rank_deficient():
    Phi = rbf.rbf_features(X1, np.array([-1.0, -1.0, 1.0]), 0.8)  # two identical columns
    ours = rbf.output_weights(Phi, Y1)
    np.testing.assert_allclose(ours, np.linalg.lstsq(Phi, Y1, rcond=None)[0], atol=1e-10)
    assert ours[1] == pytest.approx(ours[2])


@settings(max_examples=25, deadline=None)
@given(st.floats(1e-4, 10.0), st.integers(2, 12), st.integers(1, 3))
def test_ridge_weights_equal_sklearn_ridge(ridge, n_centres, outputs):
    Phi = rbf.rbf_features(X1, np.linspace(-3, 3, n_centres), 1.0)
    Y = np.column_stack([Y1 * (k + 1) for k in range(outputs)])
    reference = Ridge(alpha=ridge, fit_intercept=False, solver="cholesky").fit(Phi, Y).coef_
    reference = reference.reshape(outputs, -1).T
    np.testing.assert_allclose(rbf.output_weights(Phi, Y, ridge), reference, rtol=1e-6, atol=1e-8)


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


def torch_loss(task, z, Y):
    """The task's loss written with torch's own loss functions (independent of rbf.py)."""
    if task == "regression":
        return F.mse_loss(z, Y, reduction="sum") / len(z)
    if task == "binary":
        return F.binary_cross_entropy_with_logits(z, Y)
    return F.cross_entropy(z, Y.argmax(dim=1))


@pytest.mark.parametrize("task,X,y", [("regression", X1, Y1), ("binary", MOONS_X, MOONS_Y),
                                      ("multiclass", BLOBS_X, BLOBS_Y)])
def test_hand_gradients_of_the_objective_equal_autograd(task, X, y):
    net = rbf.fit_two_step(X, y, 6, task=task, ridge=0.3)
    net.mu = net.mu + 0.1  # away from the minimum in w, so that no gradient is zero by accident
    _, Y = rbf.targets(X, y, task)
    mu = torch.tensor(net.mu, requires_grad=True)
    sigma = torch.tensor(net.sigma, requires_grad=True)
    w = torch.tensor(net.w, requires_grad=True)
    Xt = torch.tensor(X.reshape(len(X), -1))
    phi = torch.exp(-torch.cdist(Xt, mu) ** 2 / (2 * sigma**2))
    z = torch.cat([torch.ones(len(X), 1, dtype=torch.float64), phi], 1) @ w
    loss = torch_loss(task, z, torch.tensor(Y)) + 0.3 / len(X) * (w**2).sum()
    loss.backward()
    assert rbf.objective(net, X, y) == pytest.approx(loss.item(), rel=1e-10)
    hand = rbf.objective_gradients(net, X, y)
    np.testing.assert_allclose(hand["w"], w.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(hand["mu"], mu.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(hand["sigma"], sigma.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("task,X,y,n", [("regression", X1, Y1, 6), ("binary", MOONS_X, MOONS_Y, 8),
                                        ("multiclass", BLOBS_X, BLOBS_Y, 6)])
def test_three_step_lowers_the_two_step_training_loss(task, X, y, n):
    two_step = rbf.fit_two_step(X, y, n, task=task, ridge=1e-3)
    three_step, history = rbf_training.fine_tune(two_step, X, y, steps=150, lr=0.01)
    assert history[0] == pytest.approx(rbf.objective(two_step, X, y), rel=1e-12)
    assert history[-1] == pytest.approx(rbf.objective(three_step, X, y), rel=1e-12)
    assert rbf.objective(three_step, X, y) < 0.98 * rbf.objective(two_step, X, y)
    assert (three_step.sigma > 0).all()


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
    (lambda: rbf.output_weights(np.ones((5, 2)), np.ones(4)), ValueError, "same n"),
    (lambda: rbf.output_weights(np.ones((5, 2)), np.ones(5), ridge=-1), ValueError, "ridge must be >= 0"),
    (lambda: rbf_training.fine_tune(rbf.fit_two_step(X1, Y1, 4), X1, Y1, lr=0), ValueError, "lr must be > 0"),
])
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error, match=words):
        call()
