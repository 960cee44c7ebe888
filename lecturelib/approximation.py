r"""Universal approximation with sigmoid bumps, and why depth helps: the sawtooth.

Source: Lecture 3, "Universal Approximators" and "Why do we need deep networks?".

**Bumps.** A steep sigmoid σ(s(x − a)) is almost a step at a; the difference of two steps is
a bump of height h on [a, b],

    bump(x) = h [σ(s(x − a)) − σ(s(x − b))],

and a sum of N bumps on a grid a = e₀ < e₁ < … < e_N = b with heights hᵢ = f(midpointᵢ) is a
staircase that approximates a continuous f (Nielsen, "Neural Networks and Deep Learning",
ch. 4; Cybenko, 1989). It is a one-hidden-layer sigmoid network: N + 1 hidden units (one step
per edge) whose output weights are the height differences hᵢ − hᵢ₋₁.

**Depth.** The tent map T(x) = 2x on [0, ½], 2(1 − x) on [½, 1], is T(x) = 2 relu(x) − 4 relu(x − ½)
on [0, 1], two ReLUs. Composing it L times gives a sawtooth with 2^{L−1} teeth and 2^L linear
pieces (Telgarsky, 2016). A deep ReLU network of width 2 computes it exactly with 6L + 1
parameters; a one-hidden-layer ReLU network with m units has at most m + 1 linear pieces on a
line, so it needs m ≥ 2^L − 1 units, about 3·2^L parameters: exponential against linear in L.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .activations import sigmoid
from .networks import mlp
from .validation import as_float_array, check_positive


def step(x, position: float, steepness: float) -> np.ndarray:
    """σ(s(x − a)): a smooth step from 0 to 1 at a; s → ∞ gives the binary step."""
    x = as_float_array(x)
    return sigmoid(check_positive(steepness, "steepness") * (x - position))


def bump(x, left: float, right: float, height: float = 1.0, steepness: float = 100.0) -> np.ndarray:
    """h [σ(s(x − a)) − σ(s(x − b))]: about h on (a, b), about 0 outside. Needs a < b."""
    if not left < right:
        raise ValueError(f"a bump needs left < right, got left = {left}, right = {right}")
    return height * (step(x, left, steepness) - step(x, right, steepness))


def bump_heights(f, n_bumps: int, interval=(0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """The N + 1 edges of N equal bins of `interval`, and the heights hᵢ = f(midpoint of bin i)."""
    if isinstance(n_bumps, bool) or not isinstance(n_bumps, (int, np.integer)) or n_bumps < 1:
        raise ValueError(f"n_bumps must be a whole number >= 1, got {n_bumps!r}")
    edges = np.linspace(*interval, n_bumps + 1)
    return edges, as_float_array(f((edges[:-1] + edges[1:]) / 2), "f(midpoints)")


def bump_sum(x, edges, heights, sharpness: float = 40.0) -> np.ndarray:
    """Σᵢ hᵢ [σ(s(x − eᵢ)) − σ(s(x − eᵢ₊₁))] with steepness s = sharpness / (bin width)."""
    edges, heights = as_float_array(edges, "edges"), as_float_array(heights, "heights")
    if edges.shape != (heights.size + 1,):
        raise ValueError(f"need one more edge than heights, got {edges.size} and {heights.size}")
    s = check_positive(sharpness, "sharpness") / np.min(np.diff(edges))
    steps = sigmoid(s * (as_float_array(x)[..., None] - edges))  # (…, N + 1)
    return (steps[..., :-1] - steps[..., 1:]) @ heights


# -- depth: the sawtooth ----------------------------------------------------------------------

def tent(x) -> np.ndarray:
    """The tent map T(x) = 2 relu(x) − 4 relu(x − ½), i.e. 2x on [0, ½] and 2(1 − x) on [½, 1]."""
    x = as_float_array(x)
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def sawtooth(x, depth: int) -> np.ndarray:
    """T ∘ T ∘ … ∘ T (depth times) on [0, 1]: 2^{depth−1} teeth, 2^depth linear pieces."""
    for _ in range(depth):
        x = tent(x)
    return as_float_array(x)


def deep_sawtooth_network(depth: int) -> nn.Sequential:
    """A ReLU network of width 2 and depth + 1 weight layers that computes sawtooth(x, depth)
    exactly on [0, 1]: each hidden layer holds (relu(u), relu(u − ½)) of the previous tent's
    output u = 2 relu(·) − 4 relu(· − ½). 6·depth + 1 parameters."""
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
    2^depth − 1 units, since m units make at most m + 1 pieces)."""
    pieces = 2**depth
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
    return sum(p.numel() for p in model.parameters())


def fit_full_batch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, steps: int,
                   lr: float = 0.01) -> list[float]:
    """Full-batch Adam on the mean squared error; returns the loss before each step and at the
    end. Raises ValueError if the loss becomes NaN or infinite (diverged at step k)."""
    check_positive(lr, "lr")
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for k in range(steps + 1):
        loss = torch.mean((model(x) - y) ** 2)
        if not torch.isfinite(loss):
            raise ValueError(f"training diverged at step {k} (loss = {loss.item()}); try lr < {lr}")
        history.append(loss.item())
        if k < steps:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return history
