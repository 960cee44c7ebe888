"""The torch adapter for training networks in chapter 5: a network's full-batch loss as NumPy
functions of one flat parameter vector (so that `quasi_newton.lbfgs` & co. can train it), and
minibatch training with a torch.optim optimiser (including torch.optim.LBFGS, which needs a
closure), each step run by the library's one loop (`trajectory.iterate`).

    f, grad, theta0 = flat_objective(model, loss_fn, X, y)
    epochs, losses = train_torch(model, loss_fn, X, y, lambda p: torch.optim.Adam(p, 1e-2), batch_size=32)

Torch lives in the `torch_*` adapters, never in the algorithms (`race`, `quasi_newton`, …).

Bad input (a model without parameters, a loss that is not callable, tensors of mismatched sizes
or holding NaN/inf, rates that are not finite numbers > 0) raises TypeError or ValueError naming
the argument; training whose loss becomes non-finite raises `trajectory.Diverged`.
"""

from __future__ import annotations

import numpy as np
import torch

from .trajectory import Diverged, Method, iterate
from .validation import check_function, check_positive, check_vector, check_whole


def _check_network(model, loss_fn, X, y) -> int:
    """The number of examples in (X, y), or TypeError/ValueError naming the argument that
    cannot be trained on: a model without parameters, a loss that is not callable, tensors
    without rows, of different lengths, or holding NaN or inf."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not any(True for _ in model.parameters()):
        raise ValueError("model has no parameters to train")
    check_function(loss_fn, "loss_fn", "a function (prediction, target) -> loss")
    for name, value in (("X", X), ("y", y)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if value.ndim == 0 or value.shape[0] == 0:
            raise ValueError(f"{name} must hold at least one example (one per row), "
                             f"got shape {tuple(value.shape)}")
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"{name} contains NaN or inf; only finite numbers can be trained on")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must hold the same number of examples, got {X.shape[0]} and {y.shape[0]}")
    return X.shape[0]


def _loss(loss_fn, model, X, y) -> float:
    """float(loss_fn(model(X), y)), with torch's complaint about mismatched shapes turned into a
    ValueError that names the arguments."""
    try:
        return float(loss_fn(model(X), y))
    except (RuntimeError, TypeError, ValueError) as error:
        raise ValueError(f"loss_fn(model(X), y) failed: X must fit the model's input, y its output, and "
                         f"loss_fn must return one number ({error})") from None


def flat_objective(model: torch.nn.Module, loss_fn, X: torch.Tensor, y: torch.Tensor):
    """(f, grad, θ₀): the full-batch loss of `model` as NumPy functions of one flat float64
    parameter vector, so that `quasi_newton.lbfgs` & co. can train a torch network.

    Raises TypeError/ValueError for a bad model, loss_fn, X or y (see `_check_network`); f and
    grad raise ValueError for a θ that is not a finite vector of the model's size."""
    _check_network(model, loss_fn, X, y)
    params = list(model.parameters())
    size = sum(p.numel() for p in params)

    def load(theta):
        theta = check_vector(theta, "theta", size, of=", the model's number of parameters")
        torch.nn.utils.vector_to_parameters(torch.as_tensor(theta, dtype=params[0].dtype), params)

    def f(theta):
        load(theta)
        with torch.no_grad():
            return _loss(loss_fn, model, X, y)

    def grad(theta):
        load(theta)
        loss = loss_fn(model(X), y)
        grads = torch.autograd.grad(loss, params)
        return torch.cat([g.reshape(-1) for g in grads]).double().numpy()

    theta0 = torch.nn.utils.parameters_to_vector(params).detach().double().numpy().copy()
    return f, grad, theta0


def _check_rates(optimizer) -> None:
    """Raise unless `optimizer` is a torch optimizer whose learning rates are finite and > 0
    (torch accepts lr = nan, and training then 'diverges' at once)."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"make_optimizer must return a torch.optim.Optimizer, got {type(optimizer).__name__}")
    for group in optimizer.param_groups:
        if "lr" in group:
            check_positive(float(group["lr"]), "lr (of the optimizer that make_optimizer built)")


def train_torch(model, loss_fn, X, y, make_optimizer, *, batch_size: int | None = None,
                epochs: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Train with a torch optimizer on minibatches (None: full batch), the closure style that
    torch.optim.LBFGS needs, each step a step of the one loop (`trajectory.iterate`), which
    records the loss and detects divergence; it stops once `epochs` epochs of examples have been
    processed. Returns (examples processed / N, full-data loss) after each step: an L-BFGS step
    may evaluate its closure several times, and every evaluation counts.

    make_optimizer: parameters -> torch.optim.Optimizer; batch_size: None or a whole number
    >= 1; epochs > 0 (fractions allowed); seed a whole number >= 0. Raises TypeError/ValueError
    for other values, for a bad model, loss_fn, X or y, an optimizer whose lr is not a finite
    number > 0 or whose step ignores its closure, or a non-finite loss at the start; `Diverged`
    (a ValueError) if the loss becomes non-finite or explodes during training."""
    n = _check_network(model, loss_fn, X, y)
    batch_size = n if batch_size is None else check_whole(batch_size, "batch_size", minimum=1)
    epochs, seed = check_positive(epochs, "epochs"), check_whole(seed, "seed")
    check_function(make_optimizer, "make_optimizer", "a function parameters -> torch optimizer")
    optimizer = make_optimizer(model.parameters())
    _check_rates(optimizer)
    generator = torch.Generator().manual_seed(seed)
    batches: list[torch.Tensor] = []
    seen, epochs_seen = [0], [0.0]

    def full_loss(params, state):
        with torch.no_grad():
            return _loss(loss_fn, model, X, y), state

    def step(params, loss, g, state):
        if not batches:  # a new epoch: a fresh order
            batches.extend(torch.randperm(n, generator=generator).split(batch_size))
        batch = batches.pop(0)

        def closure():
            optimizer.zero_grad()
            loss = loss_fn(model(X[batch]), y[batch])
            loss.backward()
            seen[0] += len(batch)
            return loss

        before = seen[0]
        optimizer.step(closure)
        if seen[0] == before:
            raise TypeError("make_optimizer's optimizer must call the closure in step(closure), "
                            "as every torch.optim optimizer does")
        return (params, *full_loss(params, state))

    def epoch_budget(k, params, state):
        epochs_seen.append(seen[0] / n)
        return epochs_seen[-1] >= epochs

    name = type(optimizer).__name__
    method = Method(name, lambda params: full_loss(params, None), step, lambda params, state: (None, state))
    most = int(np.ceil(epochs * n / batch_size)) + 2  # every step processes at least one batch
    path = iterate(method, list(model.parameters()), max_iter=most, problem="the loss on X, y",
                   callback=epoch_budget, keep_points=False)
    if path.diverged:
        raise Diverged(f"training diverged after {seen[0] / n:.2f} epochs: {path.message}")
    return np.array(epochs_seen), path.losses
