"""The hand-written backprop of the lecture's two-layer network against torch.autograd, in
float64 to 1e-10, on random shapes (hypothesis), for both tasks; the bias gradients of
Lecture 5's network with biases (a bias is the weight of a constant input 1); and bad shapes."""

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



def with_biases(W1, b1, W2, b2, X, rho_of_one):
    """The network z₁ = W₁x + b₁, z₂ = W₂ρ(z₁) + b₂ as one without biases: x → (x, 1), and a
    hidden unit that sees only the 1 and outputs the constant ρ(1); b₂ is scaled by 1/ρ(1)."""
    n1, n_x = W1.shape
    W1_big = np.zeros((n1 + 1, n_x + 1))
    W1_big[:n1, :n_x], W1_big[:n1, n_x], W1_big[n1, n_x] = W1, b1, 1.0
    W2_big = np.column_stack([W2, b2 / rho_of_one])
    return W1_big, W2_big, np.column_stack([X, np.ones(len(X))])


@settings(max_examples=40, deadline=None)
@given(M=st.integers(1, 50), n_x=st.integers(1, 10), n1=st.integers(1, 10), n2=st.integers(2, 5),
       task=st.sampled_from(["regression", "classification"]),
       activation=st.sampled_from(sorted(TORCH_RHO)), seed=st.integers(0, 2**32 - 1))
def test_bias_gradients_are_the_column_sums_of_the_deltas_and_match_torch(M, n_x, n1, n2, task,
                                                                           activation, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(M, n_x))
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((n1, n_x), n1, (n2, n1), n2))
    Y = rng.normal(size=(M, n2)) if task == "regression" else rng.integers(0, n2, size=M)
    params = [torch.tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    w1, c1, w2, c2 = params
    z2 = TORCH_RHO[activation](torch.tensor(X) @ w1.T + c1) @ w2.T + c2
    loss = F.mse_loss(z2, torch.tensor(Y)) if task == "regression" else F.cross_entropy(z2, torch.tensor(Y))
    loss.backward()
    dW1, db1, dW2, db2 = (p.grad.numpy() for p in params)

    rho_of_one = TORCH_RHO[activation](torch.tensor(1.0, dtype=torch.float64)).item()
    ours = backprop(*with_biases(W1, b1, W2, b2, X, rho_of_one), Y, task, activation)
    assert abs(ours.loss - loss.item()) <= 1e-10 * (1 + abs(loss.item()))
    close = dict(rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.dW1[:n1, -1], db1, **close)  # ∂L/∂b₁: the column of the 1
    np.testing.assert_allclose(ours.dW2[:, -1] / rho_of_one, db2, **close)  # ∂L/∂b₂
    np.testing.assert_allclose(ours.delta1[:, :n1].sum(axis=0), db1, **close)  # ∂L/∂b₁ = 1ᵀΔ₁
    np.testing.assert_allclose(ours.delta2.sum(axis=0), db2, **close)  # ∂L/∂b₂ = 1ᵀΔ₂
    np.testing.assert_allclose(ours.dW1[:n1, :n_x], dW1, **close)
    np.testing.assert_allclose(ours.dW2[:, :n1], dW2, **close)


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
