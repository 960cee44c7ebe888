"""The sawtooth of chapter 1 as torch networks (an adapter of `approximation`): a deep ReLU
network of width 2 and a one-hidden-layer one that compute it exactly, their parameter counts,
and full-batch training to see whether gradient descent finds such weights.

Source: Lecture 3, "Why do we need deep networks?"; Telgarsky (2016). The tent map and the
sawtooth themselves are NumPy functions in `approximation`.

Bad input raises TypeError/ValueError naming the argument: depths that are not whole numbers in
range (≤ 20 for the one-hidden-layer network, ≤ 1000 for the deep one), training steps outside
0 … 10⁶, a learning rate not > 0, tensors that do not fit the model; training whose loss
becomes non-finite raises `trajectory.Diverged`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import optim
from .torch_networks import fit_model, mlp
from .validation import check_batch, check_in_range, check_positive, check_whole

MAX_STEPS = 10**6  # full-batch training: a bound against typos such as 10**12


def _depth(depth, largest: int) -> int:
    depth = check_whole(depth, "depth", minimum=1)
    return int(check_in_range(depth, "depth", 1, largest, low_open=False, high_open=False))


def deep_sawtooth_network(depth: int) -> nn.Sequential:
    """A ReLU network of width 2 and depth + 1 weight layers that computes sawtooth(x, depth)
    exactly on [0, 1]: each hidden layer holds (relu(u), relu(u − ½)) of the previous tent's
    output u = 2 relu(·) − 4 relu(· − ½). 6·depth + 1 parameters. Needs 1 ≤ depth ≤ 1000."""
    depth = _depth(depth, 1000)
    model = mlp([1] + [2] * depth + [1], "relu", dtype=torch.float64)
    layers = [m for m in model if isinstance(m, nn.Linear)]
    split_bias = torch.tensor([0.0, -0.5], dtype=torch.float64)
    combine = torch.tensor([[2.0, -4.0]], dtype=torch.float64)
    with torch.no_grad():
        layers[0].weight.copy_(torch.ones(2, 1)), layers[0].bias.copy_(split_bias)
        for layer in layers[1:-1]:  # split(combine(h)): rows [2, −4], biases (0, −½)
            layer.weight.copy_(combine.repeat(2, 1)), layer.bias.copy_(split_bias)
        layers[-1].weight.copy_(combine), layers[-1].bias.zero_()
    return model


def shallow_sawtooth_network(depth: int) -> nn.Sequential:
    """One hidden ReLU layer, f(x) = Σₖ cₖ relu(x − k/2^depth) for k = 0 … 2^depth − 1: a unit
    at 0 and one at every kink, cₖ the change of slope there. Computes sawtooth(x, depth)
    exactly on [0, 1] with 2^depth units, 3·2^depth + 1 parameters (the lower bound is
    2^depth − 1 units, since m units make at most m + 1 pieces). Needs 1 ≤ depth ≤ 20."""
    pieces = 2 ** _depth(depth, 20)
    kinks = np.arange(pieces) / pieces
    slopes = np.where(np.arange(pieces) % 2 == 0, float(pieces), -float(pieces))
    coefficients = np.diff(np.concatenate([[0.0], slopes]))
    model = mlp([1, pieces, 1], "relu", dtype=torch.float64)
    with torch.no_grad():
        model[0].weight.fill_(1.0), model[0].bias.copy_(torch.tensor(-kinks))
        model[2].weight.copy_(torch.tensor(coefficients)[None, :]), model[2].bias.zero_()
    return model


def count_parameters(model: nn.Module) -> int:
    """The number of weights and biases: Σ over layers of (fan_in + 1) · fan_out."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters())


def fit_full_batch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, steps: int,
                   lr: float = 0.01) -> list[float]:
    """Full-batch Adam (`optim.adam(lr)`, torch.optim.Adam's defaults) on the mean squared error,
    through the one loop (`torch_networks.fit_model`); returns the loss before each step and at
    the end. Raises `trajectory.Diverged` (a ValueError) if the loss becomes NaN, infinite or
    explodes, ValueError unless 0 ≤ steps ≤ 10⁶ is a whole number and lr > 0, and if x (n, fan_in)
    does not fit the model or y has not the shape of model(x); TypeError unless x and y are
    floating-point tensors (`validation.check_batch`)."""
    x, y = check_batch(model, x, y=y)
    steps = check_whole(steps, "steps")
    check_in_range(steps, "steps", 0, MAX_STEPS, low_open=False, high_open=False)
    lr = check_positive(lr, "lr")
    path = fit_model(model, optim.adam(lr), lambda k: torch.mean((model(x) - y) ** 2), steps)
    return path.losses.tolist()
