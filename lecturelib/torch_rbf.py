"""3-step learning of an RBF network (`rbf`): gradient descent on μ, σ and w together, with
∇L from torch autograd, through the library's one training loop (`training.fit`). An
adapter: `rbf` itself needs NumPy and SciPy only.

Source: Lecture 3, "Learning mechanism" (step 3). The objective L(μ, σ, w) is `rbf`'s: the
mean loss plus the ridge penalty (λ/n)‖w‖²; `rbf.objective_gradients` derives the same
gradients by hand.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from . import optim
from .rbf import SIGMA_MIN, RBFNet, _net_targets
from .training import Diverged, fit
from .validation import check_in_range, check_positive, check_whole

MAX_STEPS = 10**6  # a bound against typos such as 10**12


def _torch_objective(mu, log_sigma, w, X, Y, task: str, ridge: float) -> torch.Tensor:
    """The objective L in torch (σ = e^{log σ} keeps every width > 0 during descent)."""
    d2 = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(dim=2)
    phi = torch.exp(-d2 / (2 * torch.exp(log_sigma) ** 2))
    z = torch.cat([torch.ones(len(X), 1, dtype=X.dtype), phi], dim=1) @ w
    if task == "regression":
        data = ((z - Y) ** 2).sum(dim=1).mean()
    elif task == "binary":
        data = torch.nn.functional.binary_cross_entropy_with_logits(z, Y)
    else:
        data = -(Y * torch.log_softmax(z, dim=1)).sum(dim=1).mean()
    return data + ridge / len(X) * (w**2).sum()


def fine_tune(net: RBFNet, X, y, *, steps: int = 300, lr: float = 0.01) -> tuple[RBFNet, list[float]]:
    """Step 3: gradient descent on μ, σ and w together, from the 2-step solution, with
    ∇L from torch autograd and Adam's per-parameter step sizes (`optim.adam(lr)`, chapter 4),
    since μ, σ and w live on different scales. σ is updated through log σ (σ stays > 0).
    Returns the tuned network and L before the first step and after each step.
    Raises `trajectory.Diverged` (a ValueError) if L becomes NaN, infinite or explodes, or a
    width σ shrinks below 1e-100; ValueError unless 0 ≤ steps ≤ 10⁶ is a whole number and lr > 0
    (and for the bad X, y that `targets` rejects)."""
    X, Y = _net_targets(net, X, y)
    steps = check_whole(steps, "steps")
    check_in_range(steps, "steps", 0, MAX_STEPS, low_open=False, high_open=False)
    lr = check_positive(lr, "lr")
    X, Y = torch.tensor(X), torch.tensor(Y)

    def value_and_grad(theta, k):
        theta = [t.detach().requires_grad_(True) for t in theta]
        loss = _torch_objective(*theta, X, Y, net.task, net.ridge)
        return loss.item(), torch.autograd.grad(loss, theta)

    theta0 = [torch.tensor(net.mu), torch.tensor(np.log(net.sigma)), torch.tensor(net.w)]
    path = fit(optim.adam(lr), value_and_grad, theta0, steps, problem="the 3-step RBF objective")
    mu, log_sigma, w = (t.numpy().copy() for t in path.final)
    sigma = np.exp(log_sigma)
    if (sigma < SIGMA_MIN).any():
        raise Diverged(f"3-step training shrank a width σ to {sigma.min():.3g} (< {SIGMA_MIN:g}); try lr < {lr}")
    return replace(net, mu=mu, sigma=sigma, w=w), path.losses.tolist()
