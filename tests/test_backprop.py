"""The hand-written backprop of the lecture's two-layer network against torch.autograd, in
float64 to 1e-10, on random shapes (hypothesis), for both tasks; and bad shapes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lecturelib.backprop import backprop, forward

TORCH_RHO = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "ReLU": torch.relu,
             "softplus": F.softplus, "GELU": F.gelu}


def torch_gradients(W1, W2, X, Y, task, activation):
    w1 = torch.tensor(W1, requires_grad=True)
    w2 = torch.tensor(W2, requires_grad=True)
    z1 = torch.tensor(X) @ w1.T
    z1.retain_grad()
    z2 = TORCH_RHO[activation](z1) @ w2.T
    z2.retain_grad()
    if task == "regression":
        loss = F.mse_loss(z2, torch.tensor(Y))
    else:
        loss = F.cross_entropy(z2, torch.tensor(Y))
    loss.backward()
    return loss.item(), w1.grad.numpy(), w2.grad.numpy(), z1.grad.numpy(), z2.grad.numpy()


@settings(max_examples=60, deadline=None)
@given(M=st.integers(1, 70), n_x=st.integers(1, 12), n1=st.integers(1, 12), n2=st.integers(2, 6),
       task=st.sampled_from(["regression", "classification"]),
       activation=st.sampled_from(sorted(TORCH_RHO)), seed=st.integers(0, 2**32 - 1))
def test_gradients_and_deltas_match_torch_autograd(M, n_x, n1, n2, task, activation, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(M, n_x))
    W1, W2 = rng.normal(size=(n1, n_x)), rng.normal(size=(n2, n1))
    Y = rng.normal(size=(M, n2)) if task == "regression" else rng.integers(0, n2, size=M)
    ours = backprop(W1, W2, X, Y, task, activation)
    loss, dW1, dW2, delta1, delta2 = torch_gradients(W1, W2, X, Y, task, activation)
    assert abs(ours.loss - loss) <= 1e-10 * (1 + abs(loss))
    for got, expected in ((ours.dW1, dW1), (ours.dW2, dW2), (ours.delta1, delta1), (ours.delta2, delta2)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_single_output_regression_accepts_a_vector_of_targets():
    rng = np.random.default_rng(0)
    X, W1, W2, y = rng.normal(size=(64, 8)), rng.normal(size=(5, 8)), rng.normal(size=(1, 5)), rng.normal(size=64)
    np.testing.assert_allclose(backprop(W1, W2, X, y).dW1, backprop(W1, W2, X, y[:, None]).dW1)


def test_one_hot_targets_give_the_same_gradients_as_labels():
    rng = np.random.default_rng(1)
    X, W1, W2 = rng.normal(size=(10, 4)), rng.normal(size=(6, 4)), rng.normal(size=(3, 6))
    labels = rng.integers(0, 3, size=10)
    a = backprop(W1, W2, X, labels, "classification")
    b = backprop(W1, W2, X, np.eye(3)[labels], "classification")
    np.testing.assert_allclose(a.dW1, b.dW1)
    np.testing.assert_allclose(a.dW2, b.dW2)


def test_forward_returns_the_intermediate_results():
    rng = np.random.default_rng(2)
    X, W1, W2 = rng.normal(size=(7, 3)), rng.normal(size=(4, 3)), rng.normal(size=(2, 4))
    z1, a1, z2 = forward(W1, W2, X, "tanh")
    np.testing.assert_allclose(z2, np.tanh(X @ W1.T) @ W2.T)
    assert z1.shape == a1.shape == (7, 4)


@pytest.mark.parametrize("shapes, words", [
    (((5, 8), (1, 5), (64, 7)), "X has 7 features"),
    (((5, 8), (1, 4), (64, 8)), "W2 has shape"),
    (((5,), (1, 5), (64, 8)), "non-empty 2-D"),
    (((5, 8), (1, 5), (0, 8)), "non-empty 2-D"),
])
def test_shape_mismatches_raise_value_error(shapes, words):
    W1, W2, X = (np.ones(s) for s in shapes)
    with pytest.raises(ValueError, match=words):
        backprop(W1, W2, X, np.zeros(X.shape[0]) if X.ndim == 2 else np.zeros(1))


def test_wrong_targets_task_or_activation_raise_value_error():
    X, W1, W2 = np.ones((4, 3)), np.ones((2, 3)), np.ones((3, 2))
    with pytest.raises(ValueError, match=r"regression targets Y must have shape \(4, 3\)"):
        backprop(W1, W2, X, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="M = 4 labels"):
        backprop(W1, W2, X, np.zeros(5, dtype=int), "classification")
    with pytest.raises(ValueError, match="task must be one of"):
        backprop(W1, W2, X, np.zeros((4, 3)), "ranking")
    with pytest.raises(ValueError, match="activation must be one of"):
        backprop(W1, W2, X, np.zeros((4, 3)), activation="swish")
