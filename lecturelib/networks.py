"""Small PyTorch networks, and what the chapters measure on them.

`mlp` builds the lecture's feedforward network: width = neurons per layer, depth = number of
weight layers, hidden activation f, optional output activation g. `gradient_norms` and
`dead_units` measure the gradient flow that chapter 2 discusses (vanishing gradients, dying
ReLUs). `digits_split` and `train_classifier` are Lecture 7's Keras example (MNIST, `fit`) with
scikit-learn's 8 × 8 digits, trained by any rule of `lecturelib.optim` (chapter 4).

Bad input raises TypeError/ValueError naming the argument: layer widths, steps, batch sizes
and seeds are whole numbers (`validation.check_whole`), names come from the listed choices,
x and y are finite float tensors whose shapes fit the model. Sizes are capped (MAX_PARAMETERS,
MAX_STEPS, MAX_BATCH) so that a typo cannot exhaust memory or run for hours.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .validation import check_choice, check_in_range, check_positive, check_whole

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
MAX_PARAMETERS = 10**7  # 40 MB of float32: far beyond the lectures' networks
MAX_STEPS = 100_000
MAX_BATCH = 10**6
MAX_EPOCHS = 1000


def _check_sizes(sizes) -> list[int]:
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"sizes must be a list of layer widths (input ... output), got {type(sizes).__name__}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two positive layer widths (input ... output), got {list(sizes)}")
    sizes = [check_whole(n, f"sizes[{i}] (a layer width)", minimum=1) for i, n in enumerate(sizes)]
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"sizes {sizes} give {parameters} parameters; mlp builds at most {MAX_PARAMETERS}")
    return sizes


def mlp(sizes: Sequence[int], activation: str = "relu", *, seed: int = 0, init: str = "default",
        dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Linear layers of the given sizes with `activation` between them (none after the last).

    mlp([2, 16, 16, 1], "tanh") has depth 3 (weight layers) and width 16. The output is
    left linear: the loss applies the output activation (BCEWithLogits, CrossEntropy).
    Weights are drawn from `seed` with `init`:
      "default"  PyTorch's nn.Linear initialisation, U(±1/√fan_in) for weights and biases;
      "xavier"   Glorot & Bengio (2010), N(0, 2/(fan_in + fan_out)), zero biases (for tanh, sigmoid);
      "he"       He et al. (2015), N(0, 2/fan_in), zero biases (for ReLU and its variants).
    Raises TypeError/ValueError for widths that are not whole numbers >= 1 (or give more than
    MAX_PARAMETERS parameters), an unknown activation or init, a bad seed or a non-float dtype.
    """
    check_choice(init, "init", INITS)
    sizes = _check_sizes(sizes)
    check_choice(activation, "activation", sorted(TORCH_ACTIVATIONS))
    seed = _check_seed(seed)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch dtype (torch.float32, torch.float64), got {dtype!r}")
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


def _check_seed(seed) -> int:
    seed = check_whole(seed, "seed")
    if seed >= 2**64:
        raise ValueError(f"seed must be below 2**64, got {seed}")
    return seed


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The nn.Linear layers of `model`, input side first (TypeError unless it is an nn.Module)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _check_batch(model: nn.Module, x, name: str = "x") -> torch.Tensor:
    """`x` checked as a batch for `model`: a finite tensor (M, n_in) of the weights' dtype."""
    layers = linear_layers(model)
    if not layers:
        raise ValueError("model has no nn.Linear layer")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    weight = layers[0].weight
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != weight.shape[1]:
        raise ValueError(f"{name} must have shape (M, {weight.shape[1]}) with M >= 1 samples, got {tuple(x.shape)}")
    if x.dtype != weight.dtype:
        raise TypeError(f"{name} must have the model's dtype {weight.dtype}, got {x.dtype}")
    if not torch.isfinite(x).all():
        raise ValueError(f"{name} contains inf or NaN; only finite numbers are allowed")
    return x


def gradient_norms(model: nn.Module, loss: torch.Tensor) -> list[float]:
    """‖∂L/∂W_l‖ (Frobenius norm) for each linear layer l = 1 … depth, input side first.

    A layer `loss` does not depend on gets 0. Raises ValueError unless `loss` is a finite
    scalar tensor computed from the model's weights with autograd on."""
    weights = [layer.weight for layer in linear_layers(model)]
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError(f"loss must be a scalar torch.Tensor, got {type(loss).__name__} "
                         f"{tuple(loss.shape) if isinstance(loss, torch.Tensor) else ''}")
    if not torch.isfinite(loss).all():
        raise ValueError(f"loss must be finite, got {loss.item()}")
    if not loss.requires_grad or not weights:
        raise ValueError("loss must be computed from the model's weights with autograd on "
                         "(not under torch.no_grad())")
    grads = torch.autograd.grad(loss.reshape(()), weights, allow_unused=True)
    return [0.0 if g is None else float(g.norm()) for g in grads]


def hidden_pre_activations(model: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """The inputs z_l = W_l h_{l-1} + b_l of every hidden activation, for a batch x (M, n_in)."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential (as mlp builds), got {type(model).__name__}")
    _check_batch(model, x)
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


@torch.no_grad()
def _sgd_step(params, grads, velocity, lr: float, momentum: float) -> None:
    """v ← μv + g (v = g at the first step), θ ← θ − lr·v, in place, with torch.optim.SGD's
    operations (the same iterates bit for bit, without importing torch.optim's compiler
    machinery, which costs seconds on first use)."""
    for i, (p, g) in enumerate(zip(params, grads)):
        if g is None:  # a parameter the loss does not depend on: torch.optim skips it too
            continue
        if momentum:
            velocity[i] = g.clone() if velocity[i] is None else velocity[i].mul_(momentum).add_(g)
            g = velocity[i]
        p.add_(g, alpha=-lr)


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float, steps: int,
          batch_size: int = 32, momentum: float = 0.0, seed: int = 0,
          measure=None, every: int = 1) -> list:
    """Minibatch SGD on the mean squared error (the lecture's regression set-up).

    Each step draws `batch_size` samples (with replacement, from `seed`), then
    v ← μv + ∇L, θ ← θ − lr·v (torch.optim.SGD's form and iterates). Returns `measure(model)` recorded before the
    first step and every `every` steps after it (an empty list without `measure`).
    Raises ValueError if the loss becomes NaN or infinite: training diverged. Raises
    TypeError/ValueError naming the argument for lr <= 0, momentum outside [0, 1), steps
    outside 0..MAX_STEPS, batch_size outside 1..MAX_BATCH, every < 1, a measure that is not
    callable, or x, y that do not fit the model (y must have the shape of model(x))."""
    lr = check_positive(lr, "lr")
    momentum = check_in_range(momentum, "momentum", 0.0, 1.0, low_open=False)
    steps, every = check_whole(steps, "steps"), check_whole(every, "every", minimum=1)
    batch_size, seed = check_whole(batch_size, "batch_size", minimum=1), _check_seed(seed)
    if steps > MAX_STEPS or batch_size > MAX_BATCH:
        raise ValueError(f"steps must be <= {MAX_STEPS} and batch_size <= {MAX_BATCH}, got {steps} and {batch_size}")
    if measure is not None and not callable(measure):
        raise TypeError(f"measure must be a function of the model or None, got {type(measure).__name__}")
    x = _check_batch(model, x)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor, got {type(y).__name__}")
    with torch.no_grad():
        output_shape = tuple(model(x[:1]).shape[1:])
    if tuple(y.shape) != (x.shape[0], *output_shape) or y.dtype != x.dtype or not torch.isfinite(y).all():
        raise ValueError(f"y must be a finite tensor of shape {(x.shape[0], *output_shape)} and dtype "
                         f"{x.dtype}, the shape of model(x); got {tuple(y.shape)}, {y.dtype}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters (requires_grad is off for all)")
    velocity = [None] * len(params)
    generator = torch.Generator().manual_seed(seed)
    history = [measure(model)] if measure else []
    for step in range(1, steps + 1):
        batch = torch.randint(0, x.shape[0], (batch_size,), generator=generator)
        loss = torch.mean((model(x[batch]) - y[batch]) ** 2)
        if not torch.isfinite(loss):
            raise ValueError(f"training diverged at step {step} (loss = {loss.item()}); try a smaller lr than {lr}")
        _sgd_step(params, torch.autograd.grad(loss, params, allow_unused=True), velocity, lr, momentum)
        if measure and step % every == 0:
            history.append(measure(model))
    return history


# -- Lecture 7's classifier: the digits in place of MNIST ---------------------------------------


def digits_split(test_size: float = 0.1, seed: int = 0):
    """scikit-learn's 8 × 8 digits (1797 images, pixels scaled to [0, 1]) split into training
    and test sets, stratified by class: (x_train (M, 64) float32, x_test, y_train (M,) int64,
    y_test) tensors. The book's stand-in for MNIST (Lecture 7), which needs a download.
    Raises TypeError/ValueError naming the argument for test_size outside (0, 1) or a bad seed."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_size = check_in_range(test_size, "test_size", 0.0, 1.0)
    seed = check_whole(seed, "seed")
    if not 10 / 1797 <= test_size <= 1 - 10 / 1797:
        raise ValueError(f"test_size must leave at least one image per class (10 of 1797) on "
                         f"each side, got {test_size}")
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data / 16.0, digits.target, test_size=test_size, random_state=seed % 2**32,
        stratify=digits.target)
    x_train, x_test = (torch.tensor(a, dtype=torch.float32) for a in (x_train, x_test))
    return x_train, x_test, torch.tensor(y_train), torch.tensor(y_test)


def train_classifier(model: nn.Module, rule, data, *, epochs: int = 10, batch_size: int = 128,
                     seed: int = 0, progress: bool = False):
    """Train `model` with a `lecturelib.optim` rule on softmax + cross-entropy, as Keras'
    `model.fit(x, y, batch_size, epochs)` does in Lecture 7.

    data: (x_train (M, n_in), x_test, y_train (M,) class indices, y_test), as `digits_split`
    returns. Each epoch visits the training set once in a fresh order drawn from `seed`, in
    minibatches of `batch_size`; L = −(1/B) Σ log softmax(model(x))_y (`F.cross_entropy` on
    the logits); the rule updates the weights through `torch_optim.TorchOptimizer`.
    Returns (mean training loss per epoch, shape (epochs,), test accuracy in [0, 1]);
    `progress` prints a bar per epoch. Raises ValueError if the loss becomes NaN or infinite
    (training diverged), TypeError/ValueError naming the argument for a rule that is
    not an optimiser, epochs or batch_size outside 1 … MAX_EPOCHS / MAX_BATCH, a bad seed, or
    data whose shapes, dtypes or labels do not fit the model."""
    import numpy as np
    import torch.nn.functional as F

    from .torch_optim import TorchOptimizer

    epochs = check_whole(epochs, "epochs", minimum=1)
    batch_size = check_whole(batch_size, "batch_size", minimum=1)
    if epochs > MAX_EPOCHS or batch_size > MAX_BATCH:
        raise ValueError(f"epochs must be <= {MAX_EPOCHS} and batch_size <= {MAX_BATCH}, "
                         f"got {epochs} and {batch_size}")
    seed = _check_seed(seed)
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be (x_train, x_test, y_train, y_test), as digits_split returns")
    x_train, x_test, y_train, y_test = data
    _check_batch(model, x_train, "x_train"), _check_batch(model, x_test, "x_test")
    with torch.no_grad():
        classes = model(x_train[:1]).shape[-1]
    for name, y, x in (("y_train", y_train, x_train), ("y_test", y_test, x_test)):
        if (not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or y.shape != (len(x),)
                or y.min() < 0 or y.max() >= classes):
            raise ValueError(f"{name} must be an int64 tensor of {len(x)} class indices in "
                             f"0 … {classes - 1}, got {getattr(y, 'dtype', type(y).__name__)} "
                             f"{tuple(getattr(y, 'shape', ()))}")
    optimiser = TorchOptimizer(model.parameters(), rule)
    order = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
        total = 0.0
        for batch in torch.randperm(len(x_train), generator=order).split(batch_size):
            optimiser.zero_grad()
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        history.append(total / len(x_train))
        if not np.isfinite(history[-1]):
            raise ValueError(f"training with {rule.name} diverged in epoch {epoch + 1} "
                             f"(loss = {history[-1]}); try a smaller lr")
        if progress:
            bar = "█" * (epoch + 1) + "·" * (epochs - epoch - 1)
            print(f"epoch {epoch + 1:2d}/{epochs} {bar} loss {history[-1]:.4f}")
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return np.array(history), accuracy
