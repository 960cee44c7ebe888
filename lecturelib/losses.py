r"""Loss functions for the three tasks of the lecture, and their gradients.

Source: Lecture 3, "Output activation functions": the output activation is task-dependent,

    regression             identity  + ℓ2 loss
    binary classification  sigmoid   + binary cross-entropy (BCE)
    multi-class            softmax   + cross-entropy (CE)

Every loss is the mean over the N samples of a minibatch (PyTorch's `reduction="mean"`),
and every `*_grad` is the gradient of that mean with respect to the network's output before
the loss: the prediction for ℓ2, the logits z for BCE and CE. For the matched pairs the
gradient is the same simple expression, (output − target) / N: the point of pairing
sigmoid with BCE and softmax with CE.

Predictions and logits may be ±∞: a loss then takes its limit, 0 where the output is right
with certainty (a logit +∞ for the true class), +∞ where it is certainly wrong (a logit −∞
for the true class, a prediction ±∞ for ℓ2), with the convention 0·ln 0 = 0 for the classes
a target gives weight 0. Targets must be finite. Bad input raises TypeError/ValueError naming
the argument.
"""

from __future__ import annotations

import numpy as np

from .activations import log_softmax, sigmoid, softmax, softplus
from .validation import as_float_array, check_finite, check_whole


def _same_shape(prediction, target, names=("prediction", "target")):
    prediction, target = as_float_array(prediction, names[0]), check_finite(target, names[1])
    if prediction.shape != target.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, "
                         f"got {prediction.shape} and {target.shape}")
    if prediction.size == 0:
        raise ValueError(f"{names[0]} is empty: a loss needs at least one sample")
    return prediction, target


def _check_binary(target):
    if np.any((target < 0) | (target > 1)):
        raise ValueError("target must hold binary targets in [0, 1] (labels 0/1 or probabilities)")


def _weighted(weight, log_term):
    """weight · log_term with 0·(±∞) = 0: a class of target weight 0 adds nothing to the loss."""
    with np.errstate(invalid="ignore"):
        return np.where(weight == 0, 0.0, weight * log_term)


def mse_loss(prediction, target):
    r"""ℓ2 loss L = (1/N) Σₙ (ŷₙ − yₙ)², the mean over all entries."""
    prediction, target = _same_shape(prediction, target)
    with np.errstate(over="ignore"):  # a prediction beyond 1e154 costs +∞
        return float(np.mean((prediction - target) ** 2))


def mse_loss_grad(prediction, target):
    r"""∂L/∂ŷ = 2(ŷ − y)/N."""
    prediction, target = _same_shape(prediction, target)
    with np.errstate(over="ignore"):
        return 2.0 * (prediction - target) / prediction.size


def binary_cross_entropy(p, target):
    r"""BCE L = −(1/N) Σₙ [yₙ ln pₙ + (1 − yₙ) ln(1 − pₙ)] for probabilities p = σ(z) ∈ [0, 1].

    Logarithms are clamped at −100 as PyTorch does, so p = 0 or 1 gives a large finite loss.
    Prefer `binary_cross_entropy_with_logits`, which never forms p."""
    p, target = _same_shape(p, target, ("p", "target"))
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p must hold probabilities in [0, 1]; pass logits to binary_cross_entropy_with_logits")
    _check_binary(target)
    with np.errstate(divide="ignore"):
        log_p, log_1mp = np.maximum(np.log(p), -100.0), np.maximum(np.log1p(-p), -100.0)
    return float(-np.mean(target * log_p + (1.0 - target) * log_1mp))


def binary_cross_entropy_with_logits(z, target):
    r"""BCE of p = σ(z), computed stably from the logits: per sample
    −y ln σ(z) − (1 − y) ln(1 − σ(z)) = y ln(1 + e^{−z}) + (1 − y) ln(1 + e^z) (softplus).

    z = ±∞ is allowed: a sample costs 0 if it is certainly right (z = +∞, y = 1), else +∞."""
    z, target = _same_shape(z, target, ("z", "target"))
    _check_binary(target)
    return float(np.mean(_weighted(target, softplus(-z)) + _weighted(1.0 - target, softplus(z))))


def binary_cross_entropy_with_logits_grad(z, target):
    r"""∂L/∂z = (σ(z) − y)/N: sigmoid + BCE give "prediction minus target"."""
    z, target = _same_shape(z, target, ("z", "target"))
    _check_binary(target)
    return (sigmoid(z) - target) / z.size


MAX_ENTRIES = 10**8  # 800 MB of float64: the largest one-hot array we build


def one_hot(labels, num_classes):
    """Rows of the identity: one_hot([2, 0], 3) = [[0, 0, 1], [1, 0, 0]]; one_hot([], 3) has no
    rows, shape (0, 3).

    Raises TypeError unless `labels` is a 1-D array of integers, ValueError unless they lie in
    0..num_classes − 1 (`num_classes` a whole number >= 1, labels × classes <= MAX_ENTRIES)."""
    num_classes = check_whole(num_classes, "num_classes", minimum=1)
    labels = _array(labels, "labels")
    if labels.shape == (0,):  # no labels (NumPy reads [] as floats): no rows
        return np.zeros((0, num_classes))
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be a 1-D array of integers, got dtype {labels.dtype} and shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got values from {labels.min()} to {labels.max()}")
    if labels.size * num_classes > MAX_ENTRIES:
        raise ValueError(f"num_classes = {num_classes} for {labels.size} labels would need more than "
                         f"{MAX_ENTRIES:.0e} entries")
    targets = np.zeros((labels.size, num_classes))
    targets[np.arange(labels.size), labels] = 1.0
    return targets


def _array(values, name):
    """np.asarray(values), or a TypeError naming `name` (ragged lists)."""
    try:
        return np.asarray(values)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers: {error}") from None


def _logits_and_targets(logits, labels):
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] < 2:
        raise ValueError(f"logits must have shape (N, J) with N >= 1 samples and J >= 2 classes, got {logits.shape}")
    if np.any(np.all(logits == -np.inf, axis=1)):
        raise ValueError("logits has a row that is -inf in every class: softmax is undefined there")
    labels = _array(labels, "labels")
    if labels.ndim == 1:
        if labels.shape[0] != logits.shape[0]:
            raise ValueError(f"got {labels.shape[0]} labels for {logits.shape[0]} rows of logits")
        return logits, one_hot(labels, logits.shape[1])
    targets = check_finite(labels, "labels")
    if targets.shape != logits.shape:
        raise ValueError(f"one-hot labels must have the shape of the logits {logits.shape}, got {targets.shape}")
    if np.any(targets < 0) or not np.allclose(targets.sum(axis=1), 1.0):
        raise ValueError("each row of soft/one-hot labels must be a probability vector (>= 0, summing to 1)")
    return logits, targets


def cross_entropy(logits, labels):
    r"""CE L = −(1/N) Σₙ Σⱼ yₙⱼ ln softmax(zₙ)ⱼ for logits z of shape (N, J).

    `labels` are class indices (N,) or probability rows (N, J). Uses
    ln softmax(z)ⱼ = zⱼ − ln Σₖ e^{zₖ} (`log_softmax`), which never overflows.

    ±∞ logits give the limit: a true class at +∞ (alone) costs 0, one at −∞ costs +∞ (as in
    PyTorch); k classes at +∞ share the probability, 1/k each. Raises ValueError for a row of
    logits that is −∞ in every class (softmax undefined)."""
    logits, targets = _logits_and_targets(logits, labels)
    return float(-np.mean(np.sum(_weighted(targets, log_softmax(logits, axis=1)), axis=1))) + 0.0  # not −0


def cross_entropy_grad(logits, labels):
    r"""∂L/∂z = (softmax(z) − y)/N: softmax + CE give "prediction minus target".

    For one sample, ∂L/∂zⱼ = Σᵢ (−yᵢ/pᵢ) pᵢ(δᵢⱼ − pⱼ) = −yⱼ + pⱼ Σᵢ yᵢ = pⱼ − yⱼ."""
    logits, targets = _logits_and_targets(logits, labels)
    return (softmax(logits, axis=1) - targets) / logits.shape[0]


# The lecture's table "the output activation is task-dependent".
OUTPUT_HEADS = {
    "regression": ("identity", "ℓ2 loss", mse_loss),
    "binary classification": ("sigmoid", "binary cross-entropy", binary_cross_entropy_with_logits),
    "multi-class classification": ("softmax", "cross-entropy", cross_entropy),
}
