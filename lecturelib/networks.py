"""Small PyTorch networks, and what the chapters measure on them.

`mlp` builds the lecture's feedforward network: width = neurons per layer, depth = number of
weight layers, hidden activation f, optional output activation g. `gradient_norms` and
`dead_units` measure the gradient flow that chapter 2 discusses (vanishing gradients, dying
ReLUs).
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

# torch modules for the hidden activations the chapters train with
TORCH_ACTIVATIONS = {
    "identity": nn.Identity,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "softplus": nn.Softplus,
}


INITS = ("default", "xavier", "he")


def mlp(sizes: Sequence[int], activation: str = "relu", *, seed: int = 0, init: str = "default",
        dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Linear layers of the given sizes with `activation` between them (none after the last).

    mlp([2, 16, 16, 1], "tanh") has depth 3 (weight layers) and width 16. The output is
    left linear: the loss applies the output activation (BCEWithLogits, CrossEntropy).
    Weights are drawn from `seed` with `init`:
      "default"  PyTorch's nn.Linear initialisation, U(±1/√fan_in) for weights and biases;
      "xavier"   Glorot & Bengio (2010), N(0, 2/(fan_in + fan_out)), zero biases (for tanh, sigmoid);
      "he"       He et al. (2015), N(0, 2/fan_in), zero biases (for ReLU and its variants).
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if len(sizes) < 2 or any(not isinstance(n, int) or n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least two positive layer widths (input ... output), got {list(sizes)}")
    if activation not in TORCH_ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(TORCH_ACTIVATIONS)}, got {activation!r}")
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layer = nn.Linear(n_in, n_out, dtype=dtype)
            if init != "default":
                std = (2.0 / (n_in + n_out)) ** 0.5 if init == "xavier" else (2.0 / n_in) ** 0.5
                nn.init.normal_(layer.weight, 0.0, std)
                nn.init.zeros_(layer.bias)
            layers.append(layer)
            if i < len(sizes) - 2:
                layers.append(TORCH_ACTIVATIONS[activation]())
        return nn.Sequential(*layers)
    finally:
        torch.random.set_rng_state(generator_state)


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def gradient_norms(model: nn.Module, loss: torch.Tensor) -> list[float]:
    """‖∂L/∂W_l‖ (Frobenius norm) for each linear layer l = 1 … depth, input side first."""
    weights = [layer.weight for layer in linear_layers(model)]
    grads = torch.autograd.grad(loss, weights)
    return [float(g.norm()) for g in grads]


def hidden_pre_activations(model: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """The inputs z_l = W_l h_{l-1} + b_l of every hidden activation, for a batch x."""
    pre = []
    h = x
    layers = list(model)
    for layer, following in zip(layers, layers[1:] + [None]):
        h = layer(h)
        if isinstance(layer, nn.Linear) and following is not None:
            pre.append(h)
    return pre


@torch.no_grad()
def dead_units(model: nn.Sequential, x: torch.Tensor) -> list[float]:
    """Per hidden layer, the fraction of units whose pre-activation is ≤ 0 for every input in x.

    For a ReLU such a unit outputs 0 and passes back a zero gradient on the whole data set:
    no update can revive it. ("Dead on this data": a fresh input could still switch it on.)"""
    return [float((z <= 0).all(dim=0).float().mean()) for z in hidden_pre_activations(model, x)]


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float, steps: int,
          batch_size: int = 32, momentum: float = 0.0, seed: int = 0,
          measure=None, every: int = 1) -> list:
    """Minibatch SGD on the mean squared error (the lecture's regression set-up).

    Each step draws `batch_size` samples (with replacement, from `seed`), then
    v ← μv + ∇L, θ ← θ − lr·v (torch.optim.SGD). Returns `measure(model)` recorded before the
    first step and every `every` steps after it (an empty list without `measure`).
    Raises ValueError if the loss becomes NaN or infinite: training diverged."""
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must hold the same number of samples, got {x.shape[0]} and {y.shape[0]}")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    generator = torch.Generator().manual_seed(seed)
    history = [measure(model)] if measure else []
    for step in range(1, steps + 1):
        batch = torch.randint(0, x.shape[0], (batch_size,), generator=generator)
        loss = torch.mean((model(x[batch]) - y[batch]) ** 2)
        if not torch.isfinite(loss):
            raise ValueError(f"training diverged at step {step} (loss = {loss.item()}); try a smaller lr than {lr}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if measure and step % every == 0:
            history.append(measure(model))
    return history
