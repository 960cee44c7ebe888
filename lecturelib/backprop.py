r"""Error backpropagation by hand for the lecture's two-layer network, over a minibatch.

Source: Lecture 3, "Error backpropagation" and "Modelling example". For one sample xᵢ:

    z₁ = W₁ xᵢ,   z₂ = W₂ ρ(z₁),   L = φ(yᵢ, z₂)            (no biases, as on the slide)

    δ₂ = ∂L/∂z₂ = ∂φ(yᵢ, z₂)/∂z₂
    δ₁ = ∂L/∂z₁ = (∂L/∂z₂)(∂z₂/∂z₁) = δ₂ W₂ diag(ρ′(z₁))
    ∂L/∂W₂ = δ₂ᵀ ρ(z₁)ᵀ,   ∂L/∂W₁ = δ₁ᵀ xᵢᵀ

(the slide writes δ₂ = ∂φ(yᵢ, z₂)/∂xᵢ; the derivative is with respect to z₂). In Jacobian
layout the deltas are row vectors: the error travels back "through the matrix used for the
forward pass", W₂, transposed.

A minibatch stacks M samples as rows, X of shape (M, n_x), so every sample's row vector
becomes a row of a matrix and the formulas stay the same:

    Z₁ = X W₁ᵀ (M, n₁),  A₁ = ρ(Z₁),  Z₂ = A₁ W₂ᵀ (M, n₂)
    Δ₂ = ∂L/∂Z₂ (M, n₂),  Δ₁ = (Δ₂ W₂) ⊙ ρ′(Z₁) (M, n₁)
    ∂L/∂W₂ = Δ₂ᵀ A₁ (n₂, n₁),  ∂L/∂W₁ = Δ₁ᵀ X (n₁, n_x)

The sum over the batch happens inside the last two matrix products. φ is task-dependent
(`lecturelib.losses`): "regression" is the ℓ2 loss, the mean of (z₂ − y)² over all entries
(n₂ = 1 on the slide), with Δ₂ = 2(Z₂ − Y)/(M n₂); "classification" is softmax +
cross-entropy averaged over the batch, with Δ₂ = (softmax(Z₂) − Y)/M, "p − y".

Bad input: W1, W2, X (and regression targets Y) must be finite arrays; a shape mismatch
raises ValueError naming the array and the shape it must have, an unknown task or activation
ValueError listing the allowed ones, bad classification labels the error of
`losses.cross_entropy` prefixed by "Y". If the forward or backward pass overflows (inf or NaN
from very large weights or inputs) a ValueError says so instead of returning it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import losses
from .activations import ACTIVATIONS
from .validation import check_choice, check_finite

TASKS = ("regression", "classification")


@dataclass
class Backprop:
    """Everything the forward and backward passes computed for one minibatch."""

    loss: float
    z1: np.ndarray  # (M, n1)
    a1: np.ndarray  # (M, n1), ρ(z1)
    z2: np.ndarray  # (M, n2), the network's output (logits for classification)
    delta2: np.ndarray  # (M, n2), ∂L/∂z2
    delta1: np.ndarray  # (M, n1), ∂L/∂z1
    dW1: np.ndarray  # (n1, n_x), ∂L/∂W1
    dW2: np.ndarray  # (n2, n1), ∂L/∂W2


def _check_shapes(W1, W2, X):
    W1, W2, X = check_finite(W1, "W1"), check_finite(W2, "W2"), check_finite(X, "X")
    for name, array in (("W1", W1), ("W2", W2), ("X", X)):
        if array.ndim != 2 or 0 in array.shape:
            raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    if X.shape[1] != W1.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features per row but W1 has shape {W1.shape}: "
                         "W1 must be (n1, n_x) with n_x = X.shape[1] (X is (M, n_x), one sample per row)")
    if W2.shape[1] != W1.shape[0]:
        raise ValueError(f"W2 has shape {W2.shape} but W1 has {W1.shape[0]} rows: "
                         "W2 must be (n2, n1) with n1 = W1.shape[0]")
    return W1, W2, X


def _activation(name: str):
    return ACTIVATIONS[check_choice(name, "activation", sorted(ACTIVATIONS))]


def _finite(arrays: dict, where: str) -> None:
    """Raise ValueError if the pass overflowed: a non-finite entry in one of `arrays`."""
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"the {where} pass overflowed: {name} holds inf or NaN; W1, W2 and X are "
                             "too large for float64 (scale them down)")


def forward(W1, W2, X, activation: str = "tanh") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forward pass Z₁ = X W₁ᵀ, A₁ = ρ(Z₁), Z₂ = A₁ W₂ᵀ; returns (Z₁, A₁, Z₂)."""
    W1, W2, X = _check_shapes(W1, W2, X)
    return _forward(W1, W2, X, _activation(activation))


def _forward(W1, W2, X, rho):
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        z1 = X @ W1.T
        a1 = rho(z1)
        z2 = a1 @ W2.T
    _finite({"z1": z1, "a1": a1, "z2": z2}, "forward")
    return z1, a1, z2


def _loss_and_delta2(z2: np.ndarray, Y, task: str) -> tuple[float, np.ndarray]:
    """φ and δ₂ = ∂L/∂z₂ for the task."""
    if task == "regression":
        Y = check_finite(Y, "Y")
        if Y.ndim == 1 and z2.shape[1] == 1:
            Y = Y[:, None]  # targets of a single-output regression may come as a vector
        if Y.shape != z2.shape:
            raise ValueError(f"regression targets Y must have shape {z2.shape} (M, n2), got {Y.shape}")
        return losses.mse_loss(z2, Y), losses.mse_loss_grad(z2, Y)
    try:
        if np.shape(Y)[:1] != z2.shape[:1]:
            raise ValueError(f"expected M = {z2.shape[0]} labels (M,) or one-hot rows (M, n2), "
                             f"got shape {np.shape(Y)}")
        return losses.cross_entropy(z2, Y), losses.cross_entropy_grad(z2, Y)
    except (TypeError, ValueError) as error:  # the labels' errors, said about Y
        raise type(error)(f"Y (the classification targets): {error}") from None


def backprop(W1, W2, X, Y, task: str = "regression", activation: str = "tanh") -> Backprop:
    """Loss and gradients of the two-layer network on the minibatch (X, Y), by hand.

    W1 (n1, n_x), W2 (n2, n1), X (M, n_x); Y is (M, n2) (or (M,) with n2 = 1) for
    regression, labels (M,) or one-hot rows (M, n2) for classification."""
    W1, W2, X = _check_shapes(W1, W2, X)
    check_choice(task, "task", TASKS)
    if task == "classification" and W2.shape[0] < 2:
        raise ValueError(f"W2 must have n2 >= 2 rows (one per class) for classification, got shape {W2.shape}")
    rho = _activation(activation)
    z1, a1, z2 = _forward(W1, W2, X, rho)
    loss, delta2 = _loss_and_delta2(z2, Y, task)  # δ₂ = ∂φ/∂z₂
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        delta1 = (delta2 @ W2) * rho.prime(z1)  # δ₁ = δ₂ W₂ diag(ρ′(z₁)), row by row
        dW1, dW2 = delta1.T @ X, delta2.T @ a1
    _finite({"loss": loss, "delta2": delta2, "delta1": delta1, "dW1": dW1, "dW2": dW2}, "backward")
    return Backprop(loss=loss, z1=z1, a1=a1, z2=z2, delta2=delta2, delta1=delta1, dW1=dW1, dW2=dW2)
