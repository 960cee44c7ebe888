"""Losses and their gradients against torch (values, autograd) and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturelib import losses as L

rng = np.random.default_rng(0)


def torch_loss_and_grad(loss_fn, output, target):
    t = torch.tensor(output, requires_grad=True)
    loss = loss_fn(t, torch.as_tensor(target))
    loss.backward()
    return loss.item(), t.grad.numpy()


def test_mse_matches_torch():
    prediction, target = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    value, grad = torch_loss_and_grad(F.mse_loss, prediction, target)
    assert L.mse_loss(prediction, target) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(L.mse_loss_grad(prediction, target), grad, rtol=1e-12)


def test_bce_with_logits_and_its_gradient_sigma_minus_y_match_torch():
    z = np.concatenate([rng.normal(scale=5, size=20), [-800.0, 800.0, 0.0]])
    y = rng.integers(0, 2, size=z.size).astype(float)
    value, grad = torch_loss_and_grad(F.binary_cross_entropy_with_logits, z, y)
    assert L.binary_cross_entropy_with_logits(z, y) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(L.binary_cross_entropy_with_logits_grad(z, y), grad, rtol=1e-10, atol=1e-15)


def test_bce_on_probabilities_matches_torch_including_its_clamp():
    p = np.array([0.0, 1e-3, 0.3, 0.9, 1.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    expected = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert L.binary_cross_entropy(p, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("labels_as", ["indices", "one_hot"])
def test_cross_entropy_and_its_gradient_p_minus_y_match_torch(labels_as):
    logits = rng.normal(scale=3, size=(16, 5))
    logits[0] = [1000.0, 0.0, -1000.0, 3.0, 999.0]  # would overflow a naive softmax
    labels = rng.integers(0, 5, size=16)
    given = labels if labels_as == "indices" else np.eye(5)[labels]
    value, grad = torch_loss_and_grad(F.cross_entropy, logits, torch.tensor(labels))
    assert L.cross_entropy(logits, given) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(L.cross_entropy_grad(logits, given), grad, rtol=1e-10, atol=1e-15)


def test_cross_entropy_gradient_matches_central_finite_differences():
    logits, labels = rng.normal(size=(3, 4)), np.array([0, 3, 1])
    h = 1e-6
    numeric = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        step = np.zeros_like(logits)
        step[index] = h
        numeric[index] = (L.cross_entropy(logits + step, labels) - L.cross_entropy(logits - step, labels)) / (2 * h)
    np.testing.assert_allclose(L.cross_entropy_grad(logits, labels), numeric, atol=1e-9)


@pytest.mark.parametrize("call,error,message", [
    (lambda: L.mse_loss(np.zeros(3), np.zeros(4)), ValueError, r"same shape, got \(3,\) and \(4,\)"),
    (lambda: L.mse_loss([], []), ValueError, "empty"),
    (lambda: L.binary_cross_entropy([1.2], [1.0]), ValueError, "probabilities in \\[0, 1\\]"),
    (lambda: L.binary_cross_entropy_with_logits([0.0], [2.0]), ValueError, "binary targets"),
    (lambda: L.cross_entropy(np.zeros((2, 3)), [0, 3]), ValueError, "labels must lie in 0..2"),
    (lambda: L.cross_entropy(np.zeros((2, 3)), [0]), ValueError, "1 labels for 2 rows"),
    (lambda: L.cross_entropy(np.zeros(3), [0]), ValueError, r"shape \(N, J\)"),
    (lambda: L.cross_entropy(np.zeros((2, 3)), [0.5, 1.0]), TypeError, "integers"),
    (lambda: L.cross_entropy(np.zeros((1, 2)), [[0.7, 0.7]]), ValueError, "probability vector"),
])
def test_bad_input_says_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_one_hot_of_no_labels_is_an_empty_matrix_with_a_column_per_class():
    from lecturelib.losses import one_hot

    empty = one_hot([], 3)
    assert empty.shape == (0, 3)
    np.testing.assert_array_equal(one_hot(np.array([], dtype=int), 2), np.zeros((0, 2)))
