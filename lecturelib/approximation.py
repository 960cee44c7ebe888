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

Bad input raises TypeError (non-numbers) or ValueError naming the argument: NaN in x, a
steepness or sharpness not > 0, a bump with left ≥ right, counts and depths that are not whole
numbers in range (n_bumps ≤ 10⁵, depth ≤ 20 for the one-hidden-layer network and ≤ 1000 for the
deep one, training steps ≤ 10⁶), tensors that do not fit the model.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .activations import sigmoid
from .networks import mlp
from .validation import as_float_array, check_finite, check_in_range, check_positive, check_real, check_whole

MAX_BUMPS = 10**5
MAX_STEPS = 10**6  # full-batch training: a bound against typos such as 10**12


def step(x, position: float, steepness: float) -> np.ndarray:
    """σ(s(x − a)): a smooth step from 0 to 1 at a; s → ∞ gives the binary step. x may hold
    ±inf (σ is 0 or 1 there); raises ValueError for NaN, a non-finite a, or s not > 0."""
    x, a = as_float_array(x, "x"), check_real(position, "position")
    s = check_positive(steepness, "steepness")
    with np.errstate(over="ignore"):  # s(x − a) = ±inf far from a: σ is then exactly 0 or 1
        return sigmoid(s * (x - a))


def bump(x, left: float, right: float, height: float = 1.0, steepness: float = 100.0) -> np.ndarray:
    """h [σ(s(x − a)) − σ(s(x − b))]: about h on (a, b), about 0 outside. Raises ValueError
    unless a = left < b = right and h are finite and s > 0."""
    left, right, height = check_real(left, "left"), check_real(right, "right"), check_real(height, "height")
    if not left < right:
        raise ValueError(f"a bump needs left < right, got left = {left:g}, right = {right:g}")
    return height * (step(x, left, steepness) - step(x, right, steepness))


def bump_heights(f, n_bumps: int, interval=(0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """The N + 1 edges of N equal bins of `interval` (a, b), and the heights hᵢ = f(midpoint
    of bin i); a constant f may return one number. Raises ValueError unless 1 ≤ n_bumps ≤ 10⁵
    is a whole number, a < b are finite, and f returns finite numbers."""
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}")
    n_bumps = check_whole(n_bumps, "n_bumps", minimum=1)
    check_in_range(n_bumps, "n_bumps", 1, MAX_BUMPS, low_open=False, high_open=False)
    interval = check_finite(interval, "interval")
    if interval.shape != (2,) or not interval[0] < interval[1] or not np.isfinite(np.diff(interval)).all():
        raise ValueError(f"interval must be (a, b) with a < b (and b − a finite), got {interval}")
    edges = np.linspace(*interval, n_bumps + 1)
    heights = check_finite(f((edges[:-1] + edges[1:]) / 2), "f(midpoints) (the heights f returned)")
    if heights.shape not in ((), (n_bumps,)):
        raise ValueError(f"f must return one value per midpoint, shape ({n_bumps},), got {heights.shape}")
    return edges, np.broadcast_to(heights, (n_bumps,)).copy()


def bump_sum(x, edges, heights, sharpness: float = 40.0) -> np.ndarray:
    """Σᵢ hᵢ [σ(s(x − eᵢ)) − σ(s(x − eᵢ₊₁))] with steepness s = sharpness / (bin width).
    Raises ValueError unless the edges increase strictly, there is one more edge than heights,
    all are finite, and sharpness > 0 (with s finite: edges not absurdly close)."""
    edges, heights = check_finite(edges, "edges"), check_finite(heights, "heights")
    if edges.ndim != 1 or edges.shape != (heights.size + 1,) or heights.size == 0:
        raise ValueError(f"edges and heights: need one more edge than heights (at least one height), "
                         f"got {edges.size} edges and {heights.size} heights")
    width = np.min(np.diff(edges))
    if not width > 0:
        raise ValueError(f"edges must increase strictly, got {edges}")
    with np.errstate(over="ignore"):
        s = check_positive(sharpness, "sharpness") / width
    if not 0 < s < np.inf:  # underflow to 0 or overflow to inf: rescale
        raise ValueError(f"sharpness / (smallest bin width) = {sharpness:g} / {width:g} = {s:g} "
                         "is no usable steepness: rescale the edges or the sharpness")
    with np.errstate(over="ignore"):  # ±inf far from an edge: σ is then exactly 0 or 1
        steps = sigmoid(s * (as_float_array(x, "x")[..., None] - edges))  # (…, N + 1)
    return (steps[..., :-1] - steps[..., 1:]) @ heights.ravel()


# -- depth: the sawtooth ----------------------------------------------------------------------

def tent(x) -> np.ndarray:
    """The tent map T(x) = 2 relu(x) − 4 relu(x − ½), i.e. 2x on [0, ½] and 2(1 − x) on [½, 1]
    (0 for x < 0, 2 − 2x < 0 for x > 1). Evaluated piecewise, which is exact on [0, 1] and
    never makes inf − inf for large x. Raises ValueError for NaN/inf in x."""
    return _tent(check_finite(x, "x"))


def _tent(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # 2 − 2x = −inf for x > 9e307: the right limit
        return np.where(x <= 0.5, 2 * np.maximum(x, 0), 2 - 2 * x)


def sawtooth(x, depth: int) -> np.ndarray:
    """T ∘ T ∘ … ∘ T (depth ≥ 1 times) on [0, 1]: 2^{depth−1} teeth, 2^depth linear pieces.
    Stops early once T no longer changes x (every float reaches the fixed point 0 within about
    1100 compositions, so a huge depth returns at once). Raises ValueError for NaN/inf in x
    and unless depth ≥ 1 is a whole number."""
    depth = check_whole(depth, "depth", minimum=1)
    x = check_finite(x, "x")
    for _ in range(depth):
        x, previous = _tent(x), x
        if np.array_equal(x, previous):
            break
    return x


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
    _check_model(model)
    return sum(p.numel() for p in model.parameters())


def fit_full_batch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, steps: int,
                   lr: float = 0.01) -> list[float]:
    """Full-batch Adam (torch.optim.Adam's defaults) on the mean squared error; returns the loss before each step and at the
    end. Raises ValueError if the loss becomes NaN or infinite (diverged at step k), unless
    0 ≤ steps ≤ 10⁶ is a whole number and lr > 0, and if x (n, fan_in) does not fit the model
    or y has not the shape of model(x); TypeError unless x and y are floating-point tensors."""
    _check_model(model)
    x, y = _finite_tensor(x, "x"), _finite_tensor(y, "y")
    steps = check_whole(steps, "steps")
    check_in_range(steps, "steps", 0, MAX_STEPS, low_open=False, high_open=False)
    lr = check_positive(lr, "lr")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters (requires_grad is off for all)")
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    history = []
    for k in range(steps + 1):
        loss = torch.mean((_output(model, x, y) - y) ** 2)
        if not torch.isfinite(loss):
            raise ValueError(f"training diverged at step {k} (loss = {loss.item()}); try lr < {lr}")
        history.append(loss.item())
        if k < steps:
            _adam_step(params, torch.autograd.grad(loss, params, allow_unused=True), m, v, k + 1, lr)
    return history


@torch.no_grad()
def _adam_step(params, grads, m, v, t: int, lr: float, beta1: float = 0.9,
               beta2: float = 0.999, eps: float = 1e-8) -> None:
    """Adam (Kingma & Ba, 2015), step t = 1, 2, …, in place, with torch.optim.Adam's operations
    (bit for bit the same iterates, without importing torch.optim's compiler machinery):
    m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  θ ← θ − ε/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + δ)."""
    for p, g, m_p, v_p in zip(params, grads, m, v):
        if g is None:  # a parameter the loss does not depend on: torch.optim skips it too
            continue
        m_p.lerp_(g, 1 - beta1)
        v_p.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        denom = (v_p.sqrt() / (1 - beta2**t) ** 0.5).add_(eps)
        p.addcdiv_(m_p, denom, value=-(lr / (1 - beta1**t)))


def _check_model(model) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _output(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """model(x), or ValueError if x does not fit the model or y has another shape."""
    try:
        output = model(x)
    except RuntimeError as error:  # torch's own words on the mismatch
        raise ValueError(f"x of shape {tuple(x.shape)} does not fit the model: {error}") from None
    if output.shape != y.shape:
        raise ValueError(f"y must have the shape of model(x), {tuple(output.shape)}, got {tuple(y.shape)}")
    return output


def _finite_tensor(value, name: str) -> torch.Tensor:
    if not (torch.is_tensor(value) and torch.is_floating_point(value)):
        kind = f"a {value.dtype} tensor" if torch.is_tensor(value) else type(value).__name__
        raise TypeError(f"{name} must be a floating-point torch tensor, got {kind}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or inf; only finite numbers are allowed")
    return value
