"""Small PyTorch networks, and what the chapters measure on them.

`mlp` builds the lecture's feedforward network: width = neurons per layer, depth = number of
weight layers, hidden activation f, optional output activation g. `gradient_norms` and
`dead_units` measure the gradient flow that chapter 2 discusses (vanishing gradients, dying
ReLUs). `digits_split` and `train_classifier` are Lecture 7's Keras example (MNIST, `fit`) with
scikit-learn's 8 × 8 digits, trained by any rule of `lecturelib.optim` (chapters 3 and 4).

Every network here trains through the library's one loop, `training.fit`: `fit_model` gives
it the model's weights as a list of tensors and a function that loads them, evaluates the loss
on batch k and returns its gradients by autograd. The rules of `optim` run on the tensors
directly, so no torch.optim optimiser is built (the first one of a process imports
torch._dynamo, about 2 s). A loss that becomes non-finite or explodes raises
`trajectory.Diverged`.

Bad input raises TypeError/ValueError naming the argument: layer widths, steps, batch sizes
and seeds are whole numbers (`validation.check_whole`), names come from the listed choices,
x and y are finite float tensors whose shapes fit the model (`validation.check_batch`). Sizes are capped (MAX_PARAMETERS,
MAX_STEPS, MAX_BATCH) so that a typo cannot exhaust memory or run for hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

from . import optim
from .training import fit
from .trajectory import Trajectory
from .validation import (check_batch, check_choice, check_function, check_in_range, check_positive, check_seed,
                         check_whole)

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
    seed = check_seed(seed)
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


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The nn.Linear layers of `model`, input side first (TypeError unless it is an nn.Module)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


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
    check_batch(model, x)
    pre = []
    h = x
    layers = list(model)
    for layer, following in zip(layers, layers[1:] + [None]):
        h = layer(h)
        if isinstance(layer, nn.Linear) and following is not None:
            pre.append(h)
    return pre


@torch.no_grad()
def dead_masks(model: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """Per hidden layer, which units are dead on x: a boolean tensor (units,), True where the
    unit's pre-activation is ≤ 0 for every input in x."""
    return [(z <= 0).all(dim=0) for z in hidden_pre_activations(model, x)]


def dead_units(model: nn.Sequential, x: torch.Tensor) -> list[float]:
    """Per hidden layer, the fraction of units whose pre-activation is ≤ 0 for every input in x
    (`dead_masks`).

    For a ReLU such a unit outputs 0 and passes back a zero gradient on the whole data set:
    no update can revive it. ("Dead on this data": a fresh input could still switch it on.)"""
    return [float(mask.float().mean()) for mask in dead_masks(model, x)]


def trainable(model: nn.Module) -> list[torch.Tensor]:
    """The parameters of `model` that training changes (requires_grad on); ValueError if none."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters (requires_grad is off for all)")
    return params


@torch.no_grad()
def load(params: list[torch.Tensor], theta) -> None:
    """Copy the weights θ (a list of tensors) into the model's parameters."""
    for p, t in zip(params, theta):
        p.copy_(t)


def fit_model(model: nn.Module, rule, loss_on_batch, steps: int, *, callback=None,
              problem: str = "the training loss") -> Trajectory:
    """Train `model` for `steps` steps of `rule` (an `optim` rule, or torch.optim through
    `torch_optim.from_torch`) on loss_on_batch(k), the loss of batch k as a scalar tensor computed
    from the model: `training.fit` over the model's trainable weights, whose gradients come
    from autograd (zeros for a weight the loss does not use). The model ends with the trained
    weights. callback(k, model) runs after each step. Returns the Trajectory (losses[k] = the
    loss of batch k before step k + 1). Raises `trajectory.Diverged` if the loss becomes
    non-finite or explodes, and as `training.fit` for bad steps."""
    params = trainable(model)

    def value_and_grad(theta, k):
        load(params, theta)
        loss = loss_on_batch(k)
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        return loss.item(), [torch.zeros_like(p) if g is None else g for p, g in zip(params, grads)]

    def after_step(k, theta, state):
        load(params, theta)
        callback(k, model)

    path = fit(rule, value_and_grad, [p.detach().clone() for p in params], steps, problem=problem,
               callback=after_step if callback else None)
    load(params, path.final)
    return path


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float, steps: int,
          batch_size: int = 32, momentum: float = 0.0, seed: int = 0,
          measure=None, every: int = 1) -> list:
    """Minibatch SGD on the mean squared error (the lecture's regression set-up).

    Each step draws `batch_size` samples (with replacement, from `seed`), then takes a step of
    `optim.momentum(lr, beta=momentum)` (v ← βv − ε∇L, θ ← θ + v; plain `optim.sgd(lr)` for
    momentum 0) through `fit_model`. Returns `measure(model)` recorded before the first step and
    every `every` steps after it (an empty list without `measure`). Raises
    `trajectory.Diverged` (a ValueError) if the loss becomes NaN, infinite or explodes: training
    diverged. Raises TypeError/ValueError naming the argument for lr <= 0, momentum outside
    [0, 1), steps outside 0..MAX_STEPS, batch_size outside 1..MAX_BATCH, every < 1, a measure
    that is not callable, or x, y that do not fit the model (y must have the shape of model(x))."""
    lr = check_positive(lr, "lr")
    momentum = check_in_range(momentum, "momentum", 0.0, 1.0, low_open=False)
    steps, every = check_whole(steps, "steps"), check_whole(every, "every", minimum=1)
    batch_size, seed = check_whole(batch_size, "batch_size", minimum=1), check_seed(seed)
    if steps > MAX_STEPS or batch_size > MAX_BATCH:
        raise ValueError(f"steps must be <= {MAX_STEPS} and batch_size <= {MAX_BATCH}, got {steps} and {batch_size}")
    check_function(measure, "measure", "a function of the model", optional=True)
    x, y = check_batch(model, x, y=y)
    trainable(model)
    generator = torch.Generator().manual_seed(seed)

    def loss_on_batch(k):
        batch = torch.randint(0, x.shape[0], (batch_size,), generator=generator)
        return torch.mean((model(x[batch]) - y[batch]) ** 2)

    history = [measure(model)] if measure else []

    def record(k, model):
        if k % every == 0:
            history.append(measure(model))

    rule = optim.momentum(lr, beta=momentum) if momentum else optim.sgd(lr)
    fit_model(model, rule, loss_on_batch, steps, callback=record if measure else None)
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


@dataclass(frozen=True)
class Classifier:
    """What `train_classifier` returns: the mean training loss of each epoch (epochs,), the test
    accuracy in [0, 1] after training, and the run (`path.losses`: the loss of every minibatch)."""

    epoch_losses: np.ndarray
    accuracy: float
    path: Trajectory


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The fraction of the samples x whose largest output is at their label y."""
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def train_classifier(model: nn.Module, rule, data, *, epochs: int = 10, batch_size: int = 128,
                     seed: int = 0, progress: bool = False) -> Classifier:
    """Train `model` with a `lecturelib.optim` rule on softmax + cross-entropy, as Keras'
    `model.fit(x, y, batch_size, epochs)` does in Lecture 7.

    data: (x_train (M, n_in), x_test, y_train (M,) class indices, y_test), as `digits_split`
    returns. Each epoch visits the training set once in a fresh order drawn from `seed`, in
    minibatches of `batch_size`; L = −(1/B) Σ log softmax(model(x))_y (`F.cross_entropy` on
    the logits); the rule updates the weights through `fit_model` (the one loop). Returns a
    `Classifier` (mean training loss per epoch, test accuracy, the run); `progress` prints a
    bar, the epoch's loss and the test accuracy after each epoch. Raises `trajectory.Diverged`
    (a ValueError) if the loss becomes NaN, infinite or explodes, TypeError/ValueError naming
    the argument for a rule that is not an optimiser, epochs or batch_size outside 1 …
    MAX_EPOCHS / MAX_BATCH, a bad seed, or data whose shapes, dtypes or labels do not fit the
    model."""
    import torch.nn.functional as F

    if not all(callable(getattr(rule, name, None)) for name in ("init", "eval_point")):
        raise TypeError(f"rule must be an optimiser of lecturelib.optim (e.g. optim.adam(0.01)), "
                        f"got {type(rule).__name__}")
    epochs = check_whole(epochs, "epochs", minimum=1)
    batch_size = check_whole(batch_size, "batch_size", minimum=1)
    if epochs > MAX_EPOCHS or batch_size > MAX_BATCH:
        raise ValueError(f"epochs must be <= {MAX_EPOCHS} and batch_size <= {MAX_BATCH}, "
                         f"got {epochs} and {batch_size}")
    seed = check_seed(seed)
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be (x_train, x_test, y_train, y_test), as digits_split returns")
    x_train, x_test, y_train, y_test = data
    check_batch(model, x_train, "x_train"), check_batch(model, x_test, "x_test")
    with torch.no_grad():
        classes = model(x_train[:1]).shape[-1]
    for name, y, x in (("y_train", y_train, x_train), ("y_test", y_test, x_test)):
        if (not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or y.shape != (len(x),)
                or y.min() < 0 or y.max() >= classes):
            raise ValueError(f"{name} must be an int64 tensor of {len(x)} class indices in "
                             f"0 … {classes - 1}, got {getattr(y, 'dtype', type(y).__name__)} "
                             f"{tuple(getattr(y, 'shape', ()))}")
    order = torch.Generator().manual_seed(seed)
    per_epoch = -(-len(x_train) // batch_size)
    sizes = [len(b) for b in torch.arange(len(x_train)).split(batch_size)]
    batches: list[torch.Tensor] = []
    seen: list[float] = []  # the loss of every minibatch so far, for the progress bar

    def loss_on_batch(k):
        if k % per_epoch == 0:  # a new epoch: a fresh order
            batches[:] = torch.randperm(len(x_train), generator=order).split(batch_size)
        batch = batches[k % per_epoch]
        loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
        seen.append(loss.item())
        return loss

    def epoch_mean(losses) -> float:
        return sum(loss * size for loss, size in zip(losses, sizes)) / len(x_train)

    def report(k, model):
        if k % per_epoch == 0:
            epoch = k // per_epoch
            bar = "█" * epoch + "·" * (epochs - epoch)
            print(f"epoch {epoch:2d}/{epochs} {bar} loss {epoch_mean(seen[k - per_epoch:k]):.4f}, "
                  f"test accuracy {accuracy(model, x_test, y_test):.3f}")

    path = fit_model(model, rule, loss_on_batch, epochs * per_epoch, callback=report if progress else None)
    epoch_losses = np.array([epoch_mean(row) for row in path.losses[:-1].reshape(epochs, per_epoch)])
    return Classifier(epoch_losses, accuracy(model, x_test, y_test), path)
