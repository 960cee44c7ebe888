r"""3-step learning of an RBF network (`rbf`), in NumPy: the objective, its gradients derived by
hand, and step 3 itself, gradient descent on the centres μ, the widths σ and the weights w
together, from the 2-step solution.

Source: Lecture 3, "Learning mechanism" (step 3). The objective is

    L(μ, σ, w) = (1/n) Σₙ ℓ(g(wᵀφ(xₙ)), yₙ) + (λ/n)‖w‖²,

with ℓ the task's loss (ℓ2, binary or multi-class cross-entropy of the logits) and λ the
network's ridge. `fine_tune` runs Adam on (μ, log σ, w) through the library's one training
loop (`training.fit`); `torch_rbf.fine_tune` is the same descent with ∇L from torch autograd.

Bad input raises TypeError (non-numbers) or a ValueError that names the argument; a descent
whose loss overflows or whose widths leave [1e-100, ∞) raises `trajectory.Diverged`.
"""

from __future__ import annotations

import numpy as np

from . import optim
from .activations import sigmoid, softmax
from .losses import binary_cross_entropy_with_logits, cross_entropy
from .rbf import RBFNet, _net_targets, gaussian_feature_gradients
from .rbf_weights import penalty
from .training import Diverged, fit
from .validation import check_in_range, check_positive, check_whole

MAX_STEPS = 10**4  # each step evaluates the network on every sample


def objective(net: RBFNet, X, y) -> float:
    """L = (1/n) Σ ℓ + (λ/n)‖w‖² with ℓ the task's loss: (ŷ − y)², BCE or CE (of the logits)."""
    X, Y = _net_targets(net, X, y)
    return _objective(net, net.logits(X), Y)


def _objective(net: RBFNet, z: np.ndarray, Y: np.ndarray) -> float:
    """L for the logits z = Φw of the n samples with targets Y."""
    with np.errstate(all="ignore"):  # huge weights: L = inf, an honest overflow (NaN: below)
        if net.task == "regression":
            data = np.mean(np.sum((z - Y) ** 2, axis=1))
        elif net.task == "binary":
            data = binary_cross_entropy_with_logits(z, Y)
        else:
            data = cross_entropy(z, Y)
        return _overflow_check(float(data + penalty(net.ridge, len(Y), net.w)), net)


def _overflow_check(value, net: RBFNet):
    if np.isnan(value).any():
        raise ValueError(f"the objective of this network is NaN in float64 (w up to {np.abs(net.w).max():.3g}, "
                         f"ridge = {net.ridge:g}): rescale y, or fit with another ridge")
    return value


def objective_gradients(net: RBFNet, X, y) -> dict[str, np.ndarray]:
    """∇L by hand (`objective_and_gradients` without L)."""
    return objective_and_gradients(net, X, y)[1]


def objective_and_gradients(net: RBFNet, X, y) -> tuple[float, dict[str, np.ndarray]]:
    """(L, ∇L by hand), from one evaluation of the network. With e = ∂L/∂z = (g(z) − Y)/n (times 2
    for ℓ2) and δᵢ = ∂L/∂φᵢ = e w_{i+1}ᵀ:

        ∇w = Φᵀe + (2λ/n) w,   ∇μᵢ = Σₙ δₙᵢ φᵢ(xₙ)(xₙ − μᵢ)/σᵢ²,   ∇σᵢ = Σₙ δₙᵢ φᵢ(xₙ)‖xₙ − μᵢ‖²/σᵢ³.

    The gradients are {"mu": (N, d), "sigma": (N,), "w": (N+1, K)}. Raises ValueError for the
    bad X, y that `rbf.targets` rejects, and if L or a gradient is NaN (an overflow)."""
    X, Y = _net_targets(net, X, y)
    n = len(X)
    z = net.logits(X)
    phi, dphi_dmu, dphi_dsigma = gaussian_feature_gradients(X, net.mu, net.sigma)
    with np.errstate(all="ignore"):  # huge weights: inf, an honest overflow (NaN: checked)
        prediction = {"regression": z, "binary": sigmoid(z), "multiclass": softmax(z, axis=1)}[net.task]
        e = (prediction - Y) / n * (2.0 if net.task == "regression" else 1.0)
        delta = e @ net.w[1:].T  # ∂L/∂φᵢ(xₙ), (n, N)
        features = np.hstack([np.ones((n, 1)), phi])
        gradients = {"mu": np.einsum("ni,nid->id", delta, dphi_dmu),
                     "sigma": np.einsum("ni,ni->i", delta, dphi_dsigma),
                     "w": features.T @ e + 2.0 * net.ridge / n * net.w}
    for gradient in gradients.values():
        _overflow_check(gradient, net)
    return _objective(net, z, Y), gradients


def fine_tune(net: RBFNet, X, y, *, steps: int = 300, lr: float = 0.01) -> tuple[RBFNet, list[float]]:
    """Step 3 in NumPy: `steps` Adam steps (`optim.adam(lr)`) on μ, log σ and w together from
    `net`, with the hand-derived gradients of `objective_and_gradients` (∂L/∂log σ = σ ∂L/∂σ),
    through `training.fit`: the descent of `torch_rbf.fine_tune`, which takes its gradients
    from torch autograd. Returns the tuned network and L before the first step and after each.

    Raises TypeError unless net is an `rbf.RBFNet`; ValueError unless 0 ≤ steps ≤ 10⁴ is a
    whole number and lr > 0, and as `objective_and_gradients` does for bad X, y;
    `trajectory.Diverged` (a ValueError) if a large lr drives a width σ out of [1e-100, ∞) or
    the loss to overflow."""
    if not isinstance(net, RBFNet):
        raise TypeError(f"net must be an rbf.RBFNet (e.g. from rbf.fit_two_step), got {type(net).__name__}")
    steps = check_whole(steps, "steps")
    check_in_range(steps, "steps", 0, MAX_STEPS, low_open=False, high_open=False)
    lr = check_positive(lr, "lr")
    n, d = net.mu.shape

    def network(theta):  # θ = (μ, log σ, w), flattened
        with np.errstate(over="ignore"):  # a width e^{log σ} = ∞ is refused by RBFNet
            sigma = np.exp(theta[n * d:n * d + n])
        return RBFNet(theta[:n * d].reshape(n, d), sigma, theta[n * d + n:].reshape(net.w.shape),
                      net.task, net.ridge)

    def value_and_grad(theta, k):
        try:
            current = network(theta)
            with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked and raised
                loss, g = objective_and_gradients(current, X, y)
        except ValueError as error:  # at step 0: bad X or y; later a width left [1e-100, ∞) or L overflowed
            if k == 0:
                raise
            raise Diverged(f"with lr = {lr:g}: {error}") from None
        return loss, np.concatenate([g["mu"].ravel(), g["sigma"] * current.sigma, g["w"].ravel()])

    theta = np.concatenate([net.mu.ravel(), np.log(net.sigma), net.w.ravel()])
    path = fit(optim.adam(lr), value_and_grad, theta, steps, problem="the 3-step RBF objective")
    return network(path.final), path.losses.tolist()
