"""First-order update rules, written once, run on NumPy vectors and on torch tensors.

An optimiser is a pair of functions with explicit state, as in optax:

    state = opt.init(theta)                     # a dict you can print: {"t": 0, "v": 0, ...}
    step, state = opt.update(grad, state, theta)
    theta = theta + step

Each rule below is the lecture's pseudo-code, line by line. It uses only +, −, ×, ÷ and ** 0.5
(plus `_maximum`), so the same lines run on a NumPy array (the 2-D pictures) and on a
`torch.Tensor` (training a network through `TorchOptimizer`, an adapter to torch.optim).

Nesterov-type rules evaluate the gradient at an interim point θ̃ = θ + αv, not at θ: ask
`opt.eval_point(theta, state)` where to evaluate it (it is θ itself for every other rule).

The learning rate `lr` may be a number or a schedule t -> ε_t (see `schedules`); t counts the
steps already taken (0 for the first step).

Sources: Lectures 3, 4, 5 and 7 (SGD, momentum, Nesterov, delta-bar-delta, AdaGrad, RMSProp,
RMSProp with Nesterov, Adam); Goodfellow, Bengio & Courville (2016), Algorithms 8.1-8.7; the
papers cited in each docstring. Where the slides and PyTorch place ε differently, a flag
selects the form and tests/test_optim.py checks both.

Bad input: the factories raise TypeError/ValueError unless lr > 0 (or a schedule), β, β₁, β₂,
ρ are in [0, 1), δ >= 0 and flags are True/False; `update` raises ValueError for a gradient
holding NaN or inf, of the wrong shape, or so large that the step or the state overflows
(|g| > 1.3e154 squared), a state `init` did not make, or a schedule whose rate at step t is
not a finite number > 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from .validation import as_float_array, check_choice, check_in_range, check_positive, check_whole

# -- the pieces every rule shares ------------------------------------------------------------


def _zeros(x):
    return torch.zeros_like(x) if isinstance(x, torch.Tensor) else np.zeros_like(x, dtype=float)


def _maximum(a, b):
    return torch.maximum(a, b) if isinstance(a, torch.Tensor) else np.maximum(a, b)


def _ema(average, x, rho):
    """Exponential moving average ρ·average + (1 − ρ)·x."""
    return rho * average + (1 - rho) * x


def _root(r, delta, eps_inside):
    """√(δ + r) if `eps_inside` (Goodfellow et al. and Lectures 4, 5, 7), else δ + √r (the papers,
    Lecture 3 and PyTorch)."""
    return (delta + r) ** 0.5 if eps_inside else delta + r**0.5


def _check_beta(value, name: str) -> float:
    """A decay rate of a moving average (β, β₁, β₂, ρ): a number in [0, 1)."""
    return check_in_range(value, name, 0, 1, low_open=False)


def _check_delta(value) -> float:
    """δ, the small constant that keeps a denominator away from 0: a number >= 0."""
    return check_positive(value, "delta", allow_zero=True)


def _guard_delta(rule, delta: float):
    """`rule`, which divides by δ + √r; with δ = 0 (allowed, to show a formula exactly) a
    component whose gradients have all been 0 gives 0/0: report it instead of returning NaN."""
    if delta > 0:
        return rule

    def guarded(g, state, lr):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is reported just below
            step, new_state = rule(g, state, lr)
        if _non_finite(step):
            raise ValueError("with delta = 0 the step is 0/0 (or x/0) for a gradient component that "
                             "has been 0 so far: use a delta > 0, e.g. 1e-8")
        return step, new_state

    return guarded


def _check_lr(lr):
    """ε: a number > 0, or a schedule t -> ε_t (a callable, checked at each step it is used)."""
    if callable(lr):
        return lr
    return check_positive(lr, "lr")


def _check_flag(value, name: str) -> bool:
    return bool(check_choice(value, name, [True, False]))


def _non_finite(x) -> str | None:
    """None if every entry of the array or tensor `x` is finite, else "NaN" or "inf"
    (one pass over x when it is finite, the usual case)."""
    if isinstance(x, torch.Tensor):
        if bool(torch.isfinite(x).all()):
            return None
        return "NaN" if bool(torch.isnan(x).any()) else "inf"
    if np.isfinite(x).all():
        return None
    return "NaN" if np.isnan(x).any() else "inf"


@dataclass(frozen=True)
class Optimizer:
    """An update rule with explicit state.

    name:      for legends.
    rule:      (g, state, ε) -> (step, new state), the lecture's pseudo-code.
    lr:        ε, a number > 0 or a schedule t -> ε_t.
    lookahead: (θ, state) -> θ̃, the interim point where Nesterov-type rules take the gradient.
    hyper:     the hyper-parameters, for display.
    start:     initial values of state entries that do not start at zero (delta-bar-delta's
               per-parameter rates start at ε₀).
    """

    name: str
    rule: Callable
    lr: float | Callable[[int], float]
    lookahead: Callable | None = None
    hyper: dict = field(default_factory=dict)
    state_names: tuple = ()
    start: dict = field(default_factory=dict)

    def __post_init__(self):
        if not callable(self.rule):
            raise TypeError(f"rule must be a function (g, state, lr) -> (step, state), "
                            f"got {type(self.rule).__name__}")
        if self.lookahead is not None and not callable(self.lookahead):
            raise TypeError(f"lookahead must be None or a function (θ, state) -> θ̃, "
                            f"got {type(self.lookahead).__name__}")
        _check_lr(self.lr)

    def init(self, params) -> dict:
        """The initial state: step counter t = 0 and every accumulator (v, r, s, …) at zero
        (or at its `start` value). Raises TypeError/ValueError if `params` is not an array (or
        tensor) of real numbers."""
        if not isinstance(params, torch.Tensor):
            params = as_float_array(params, "params", allow_nan=True)
        return {"t": 0, **{name: _zeros(params) + self.start.get(name, 0.0) for name in self.state_names}}

    def learning_rate(self, t: int) -> float:
        """ε_t, the learning rate of step t (t = 0, 1, …). Raises ValueError if a schedule gives
        a rate that is not a finite number > 0 at step t."""
        return self._rate(check_whole(t, "t"))

    def _rate(self, t: int) -> float:
        """ε_t for a step t already known to be a whole number >= 0."""
        if not callable(self.lr):
            return float(self.lr)
        rate = self.lr(t)
        try:
            if isinstance(rate, (str, bytes, bool)) or rate is None:
                raise TypeError
            rate = float(rate)  # also a 0-d array or tensor
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"lr, a schedule, must return a number, but at step {t} it returned "
                            f"{type(rate).__name__} {rate!r}") from None
        return check_positive(rate, f"lr (the learning rate at step {t}, from the schedule)")

    def update(self, grad, state: dict, params):
        """(step, new state) for the gradient `grad` (same shape as `params`) and the `state`
        from `init` or the previous `update`. Raises ValueError if grad holds NaN or inf or is so
        large that the step or the state overflows, if the shapes differ, or if `state` is not
        this rule's state."""
        if not (isinstance(grad, torch.Tensor) or (isinstance(grad, np.ndarray) and grad.dtype.kind == "f")):
            grad = as_float_array(grad, "grad", allow_nan=True)
        params = self._check_state(state, params)
        if grad.shape != params.shape:
            raise ValueError(f"{self.name}: grad has shape {tuple(grad.shape)} but params has shape "
                             f"{tuple(params.shape)}; they must match")
        bad = _non_finite(grad)
        if bad:
            raise ValueError(f"grad contains {bad} at step {state['t']} of {self.name}: only finite "
                             "gradients can be used (did the loss overflow, or the run diverge?)")
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below
            step, new_state = self.rule(grad, state, self._rate(state["t"]))
        if _non_finite(step) or any(_non_finite(v) for v in new_state.values() if hasattr(v, "shape")):
            biggest = float(abs(grad).max())
            raise ValueError(f"grad is too large for {self.name} at step {state['t']} (largest entry "
                             f"{biggest:.3g}): the step or the state overflowed float64; scale the loss "
                             "down or clip the gradient")
        return step, {**new_state, "t": state["t"] + 1}

    def _check_state(self, state, params):
        """`params` as an array (or tensor); raise unless `state` is a state of this rule for
        parameters of that shape."""
        if not isinstance(params, (torch.Tensor, np.ndarray)):
            params = as_float_array(params, "params", allow_nan=True)
        if not isinstance(state, dict) or "t" not in state or any(k not in state for k in self.state_names):
            keys = ", ".join(("t",) + self.state_names)
            raise TypeError(f"state must be the dict that {self.name}'s init(params) or update(...) "
                            f"returned (keys {keys}), got {type(state).__name__}")
        if type(state["t"]) is not int or state["t"] < 0:
            check_whole(state["t"], "state['t']")
        for key in self.state_names:
            if np.shape(state[key]) != params.shape:
                raise ValueError(f"state['{key}'] has shape {tuple(np.shape(state[key]))} but params has "
                                 f"shape {tuple(params.shape)}: pass the state that init(params) made")
        return params

    def eval_point(self, params, state: dict):
        """Where to evaluate the next gradient: θ, or the look-ahead point θ + αv."""
        if self.lookahead is None:
            return params
        return self.lookahead(self._check_state(state, params), state)

    def __repr__(self):
        values = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.hyper.items())
        return f"{self.name}({values})"


# -- the rules -----------------------------------------------------------------------------


def sgd(lr: float = 0.01) -> Optimizer:
    """(Stochastic) gradient descent: θ ← θ − ε g (Lecture 3, Algorithm 1; Lecture 4).

    With the full training set g is the exact gradient (batch GD); with a minibatch it is the
    estimate ĝ = (1/m) ∇θ Σᵢ L(f(xᵢ; θ), yᵢ). PyTorch: torch.optim.SGD(lr=ε)."""
    return Optimizer("SGD", lambda g, s, lr: (-lr * g, {}), _check_lr(lr), hyper=dict(lr=lr))


def momentum(lr: float = 0.01, beta: float = 0.9) -> Optimizer:
    """Momentum (Polyak, 1964): v ← βv − εg;  θ ← θ + v  (Lectures 3, 4, 7; 4 and 7 call β α).

    PyTorch writes b ← βb + g; θ ← θ − εb, i.e. v = −εb: the same iterates while ε is constant.
    With a schedule the forms differ: here v carries the past learning rates, there only the
    current ε multiplies b (Lecture 5 uses PyTorch's form)."""
    beta = _check_beta(beta, "beta")

    def rule(g, s, lr):
        v = beta * s["v"] - lr * g
        return v, {"v": v}

    return Optimizer("momentum", rule, _check_lr(lr), hyper=dict(lr=lr, beta=beta), state_names=("v",))


def nesterov(lr: float = 0.01, beta: float = 0.9, form: str = "lecture") -> Optimizer:
    """Nesterov momentum (Nesterov, 1983; Sutskever et al., 2013).

    form="lecture" (Lectures 3, 7; Goodfellow Alg. 8.3): take the gradient g at the interim
    point θ̃ = θ + βv (`eval_point`), then v ← βv − εg;  θ ← θ + v.
    Lecture 5 keeps v = βv + ∇L and θ ← θ − αv; in that convention the look-ahead point is
    θ̃ = θ − αβv (its slides write θ − v, then θ + v: the factor αβ is missing).

    form="pytorch" (torch.optim.SGD(nesterov=True), Bengio et al., 2013): the gradient g at the
    parameters φ, then b ← βb + g;  φ ← φ − ε(g + βb). The parameters φ it stores *are* the
    lecture's look-ahead points θ + βv: the two forms give the same sequence of gradient
    evaluations (tests/test_optim.py checks this step by step)."""
    beta = _check_beta(beta, "beta")
    lr = _check_lr(lr)
    check_choice(form, "form", ["lecture", "pytorch"])
    if form == "lecture":
        def rule(g, s, lr):
            v = beta * s["v"] - lr * g
            return v, {"v": v}

        return Optimizer("Nesterov", rule, lr, lookahead=lambda theta, s: theta + beta * s["v"],
                         hyper=dict(lr=lr, beta=beta), state_names=("v",))

    def rule(g, s, lr):
        b = beta * s["b"] + g
        return -lr * (g + beta * b), {"b": b}

    return Optimizer("Nesterov (PyTorch form)", rule, lr, hyper=dict(lr=lr, beta=beta), state_names=("b",))


def adagrad(lr: float = 0.01, delta: float = 1e-7) -> Optimizer:
    """AdaGrad (Duchi et al., 2011; Lectures 3, 4, 5, 7):
    r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g.

    Every parameter gets its own step, shrinking with its whole gradient history. PyTorch:
    torch.optim.Adagrad(lr=ε, eps=δ) (its default δ is 1e-10, the lecture's 1e-7)."""
    delta = _check_delta(delta)

    def rule(g, s, lr):
        r = s["r"] + g * g
        return -lr / (delta + r**0.5) * g, {"r": r}

    return Optimizer("AdaGrad", _guard_delta(rule, delta), _check_lr(lr), hyper=dict(lr=lr, delta=delta),
                     state_names=("r",))


def rmsprop(lr: float = 0.001, rho: float = 0.9, delta: float = 1e-6, eps_inside: bool = True) -> Optimizer:
    """RMSProp (Hinton, 2012; Lectures 3, 4, 5, 7): r ← ρr + (1 − ρ) g ⊙ g;
    θ ← θ − ε / √(δ + r) ⊙ g   (eps_inside=True: Lectures 4, 5, 7 and Goodfellow Alg. 8.5), or
    θ ← θ − ε / (δ + √r) ⊙ g   (eps_inside=False: Lecture 3 and torch.optim.RMSprop(alpha=ρ, eps=δ))."""
    rho = _check_beta(rho, "rho")
    delta, eps_inside = _check_delta(delta), _check_flag(eps_inside, "eps_inside")

    def rule(g, s, lr):
        r = _ema(s["r"], g * g, rho)
        return -lr / _root(r, delta, eps_inside) * g, {"r": r}

    return Optimizer("RMSProp", _guard_delta(rule, delta), _check_lr(lr),
                     hyper=dict(lr=lr, rho=rho, delta=delta, eps_inside=eps_inside), state_names=("r",))


def rmsprop_nesterov(lr: float = 0.001, rho: float = 0.9, beta: float = 0.9, delta: float = 1e-6,
                     eps_inside: bool = True) -> Optimizer:
    """RMSProp with Nesterov momentum (Lecture 7; Goodfellow Alg. 8.6): the gradient g at
    θ̃ = θ + βv, then r ← ρr + (1 − ρ) g ⊙ g;  v ← βv − ε/√(δ + r) ⊙ g;  θ ← θ + v.

    The slide divides by √r alone, which is 0/0 when a gradient component is 0 at the first step;
    we add δ as in RMSProp. With β = 0 this is RMSProp. PyTorch has no such optimiser
    (RMSprop(momentum=β) is the classical, not the Nesterov, momentum)."""
    rho, beta = _check_beta(rho, "rho"), _check_beta(beta, "beta")
    delta, eps_inside = _check_delta(delta), _check_flag(eps_inside, "eps_inside")

    def rule(g, s, lr):
        r = _ema(s["r"], g * g, rho)
        v = beta * s["v"] - lr / _root(r, delta, eps_inside) * g
        return v, {"r": r, "v": v}

    return Optimizer("RMSProp + Nesterov", _guard_delta(rule, delta), _check_lr(lr),
                     lookahead=lambda theta, s: theta + beta * s["v"],
                     hyper=dict(lr=lr, rho=rho, beta=beta, delta=delta), state_names=("r", "v"))


def adam(lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, delta: float = 1e-8,
         eps_inside: bool = False, bias_correction: bool = True, amsgrad: bool = False) -> Optimizer:
    """Adam (Kingma & Ba, 2015; Lectures 3, 4, 5, 7), at step t = 1, 2, …:
    s ← β₁s + (1 − β₁)g;  r ← β₂r + (1 − β₂) g ⊙ g;
    ŝ = s / (1 − β₁ᵗ);  r̂ = r / (1 − β₂ᵗ);  θ ← θ − ε ŝ / (δ + √r̂).

    Lecture 5 writes the bias correction with β instead of βᵗ; it must be βᵗ: s is a weighted sum
    of t gradients whose weights add up to 1 − β₁ᵗ, so dividing by it gives an average. Lecture 7
    writes √(r̂ + δ): `eps_inside=True`. `bias_correction=False` shows what the correction is for.
    `amsgrad=True` (Reddi et al., 2018) divides by the running maximum of r instead:
    r_max ← max(r_max, r), r̂ = r_max / (1 − β₂ᵗ), as torch.optim.Adam(amsgrad=True) does (the
    paper has no bias correction). PyTorch: torch.optim.Adam(lr, betas=(β₁, β₂), eps=δ)."""
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    delta, eps_inside = _check_delta(delta), _check_flag(eps_inside, "eps_inside")
    bias_correction = _check_flag(bias_correction, "bias_correction")
    amsgrad = _check_flag(amsgrad, "amsgrad")

    def rule(g, state, lr):
        t = state["t"] + 1
        s = _ema(state["s"], g, beta1)
        r = _ema(state["r"], g * g, beta2)
        new = {"s": s, "r": r}
        if amsgrad:
            new["r_max"] = r = _maximum(state["r_max"], r)
        if bias_correction:
            s_hat, r_hat = s / (1 - beta1**t), r / (1 - beta2**t)
        else:
            s_hat, r_hat = s, r
        return -lr * s_hat / _root(r_hat, delta, eps_inside), new

    name = "AMSGrad" if amsgrad else ("Adam" if bias_correction else "Adam, no bias correction")
    return Optimizer(name, _guard_delta(rule, delta), _check_lr(lr),
                     hyper=dict(lr=lr, beta1=beta1, beta2=beta2, delta=delta),
                     state_names=("s", "r", "r_max") if amsgrad else ("s", "r"))


def amsgrad(lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, delta: float = 1e-8) -> Optimizer:
    """AMSGrad: Adam with r̂ taken from the running maximum of r (see `adam`)."""
    return adam(lr, beta1, beta2, delta, amsgrad=True)


def adamax(lr: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, delta: float = 1e-8) -> Optimizer:
    """AdaMax (Kingma & Ba, 2015, §7.1): Adam with the ∞-norm in place of the 2-norm,
    s ← β₁s + (1 − β₁)g;  u ← max(β₂u, |g| + δ);  θ ← θ − ε/(1 − β₁ᵗ) · s / u.

    The paper has max(β₂u, |g|); PyTorch (torch.optim.Adamax) adds δ inside the max so that u > 0."""
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    delta = _check_delta(delta)

    def rule(g, state, lr):
        t = state["t"] + 1
        s = _ema(state["s"], g, beta1)
        u = _maximum(beta2 * state["u"], abs(g) + delta)
        return -lr / (1 - beta1**t) * s / u, {"s": s, "u": u}

    return Optimizer("AdaMax", _guard_delta(rule, delta), _check_lr(lr),
                     hyper=dict(lr=lr, beta1=beta1, beta2=beta2), state_names=("s", "u"))


def nadam(lr: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, delta: float = 1e-8,
          momentum_decay: float = 0.004) -> Optimizer:
    """Nadam (Dozat, 2016): Adam with Nesterov momentum, in PyTorch's form (torch.optim.NAdam).

    μ_t = β₁(1 − ½·0.96^(tψ)) with ψ = `momentum_decay` (Dozat's momentum warm-up), Π_t = ∏ μ_k;
    s ← β₁s + (1 − β₁)g;  r ← β₂r + (1 − β₂) g ⊙ g;  r̂ = r/(1 − β₂ᵗ);
    θ ← θ − ε [ (1 − μ_t)/(1 − Π_t) · g + μ_{t+1}/(1 − Π_t μ_{t+1}) · s ] / (δ + √r̂).

    The look-ahead is folded into the step: the current gradient enters with its own weight."""
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    delta = _check_delta(delta)
    psi = check_positive(momentum_decay, "momentum_decay", allow_zero=True)

    def rule(g, state, lr):
        t = state["t"] + 1
        mu, mu_next = (beta1 * (1 - 0.5 * 0.96 ** (k * psi)) for k in (t, t + 1))
        mu_product = state.get("mu_product", 1.0) * mu
        s = _ema(state["s"], g, beta1)
        r = _ema(state["r"], g * g, beta2)
        denominator = delta + (r / (1 - beta2**t)) ** 0.5
        step = -lr * ((1 - mu) / (1 - mu_product) * g + mu_next / (1 - mu_product * mu_next) * s)
        return step / denominator, {"s": s, "r": r, "mu_product": mu_product}

    return Optimizer("Nadam", _guard_delta(rule, delta), _check_lr(lr),
                     hyper=dict(lr=lr, beta1=beta1, beta2=beta2), state_names=("s", "r"))


def adadelta(lr: float = 1.0, rho: float = 0.9, delta: float = 1e-6) -> Optimizer:
    """AdaDelta (Zeiler, 2012): no global learning rate is needed (ε = 1 in the paper).
    r ← ρr + (1 − ρ) g ⊙ g;  Δθ = −√(u + δ)/√(r + δ) ⊙ g;  u ← ρu + (1 − ρ) Δθ ⊙ Δθ;  θ ← θ + εΔθ.
    The ratio of the two RMS values gives Δθ the units of θ. PyTorch: torch.optim.Adadelta."""
    rho = _check_beta(rho, "rho")
    delta = _check_delta(delta)

    def rule(g, state, lr):
        r = _ema(state["r"], g * g, rho)
        change = -((state["u"] + delta) ** 0.5) / (r + delta) ** 0.5 * g
        u = _ema(state["u"], change * change, rho)
        return lr * change, {"r": r, "u": u}

    return Optimizer("AdaDelta", _guard_delta(rule, delta), _check_lr(lr),
                     hyper=dict(lr=lr, rho=rho, delta=delta), state_names=("r", "u"))


def delta_bar_delta(lr: float = 0.01, kappa: float = 0.001, phi: float = 0.1, rho: float = 0.7) -> Optimizer:
    """Delta-bar-delta (Jacobs, 1988, "Increased rates of convergence through learning rate
    adaptation"; Lecture 7): one learning rate εᵢ per parameter, adapted from the signs of its
    partial derivatives, for full-batch gradient descent. With ḡ the exponential average of the
    past gradients (Jacobs's δ̄, with averaging constant ρ, his θ):

        Δεᵢ = κ       if ḡᵢ gᵢ > 0   (the derivative kept its sign: grow additively)
        Δεᵢ = −φ εᵢ   if ḡᵢ gᵢ < 0   (the sign flipped: shrink multiplicatively)
        Δεᵢ = 0       otherwise (at the first step ḡ = 0);
        ε ← ε + Δε;   θ ← θ − ε ⊙ g;   ḡ ← (1 − ρ) g + ρ ḡ.

    State: the rates ε (every one starts at `lr`) and ḡ. Lecture 7: "applicable to only full
    batch optimization": minibatch noise flips the signs at random. lr, the initial rate, must be
    a number > 0 (the rule sets the rates itself, so a schedule is refused); kappa >= 0; phi and
    rho in [0, 1): TypeError/ValueError otherwise. PyTorch has no such optimiser."""
    if callable(lr):
        raise TypeError("lr must be a number (the initial rate of every parameter), not a schedule: "
                        "delta-bar-delta sets its rates itself")
    lr = check_positive(lr, "lr")
    kappa = check_positive(kappa, "kappa", allow_zero=True)
    phi, rho = check_in_range(phi, "phi", 0, 1, low_open=False), _check_beta(rho, "rho")

    def rule(g, s, _):
        agree = s["g_bar"] * g
        rates = s["rates"] + kappa * (agree > 0) - phi * s["rates"] * (agree < 0)
        return -rates * g, {"rates": rates, "g_bar": _ema(s["g_bar"], g, rho)}

    return Optimizer("delta-bar-delta", rule, lr, hyper=dict(lr=lr, kappa=kappa, phi=phi, rho=rho),
                     state_names=("rates", "g_bar"), start={"rates": lr})


# Every rule with the chapter's default hyper-parameters, for comparisons.
RULES: dict[str, Callable[..., Optimizer]] = {
    "SGD": sgd, "momentum": momentum, "Nesterov": nesterov, "AdaGrad": adagrad, "RMSProp": rmsprop,
    "RMSProp + Nesterov": rmsprop_nesterov, "Adam": adam, "AdaDelta": adadelta, "AdaMax": adamax,
    "Nadam": nadam, "AMSGrad": amsgrad,
}


# -- the same rules on a torch.nn.Module -----------------------------------------------------


class TorchOptimizer(torch.optim.Optimizer):
    """Train a torch model with one of the rules above: `TorchOptimizer(model.parameters(), adam())`.

    `step()` calls the rule on each parameter tensor (no second copy of the maths). For a
    Nesterov-type rule the optimiser keeps θ in its state and leaves the model's parameters at
    the look-ahead point θ + βv, so that the next backward pass computes the gradient there, as
    the lecture's pseudo-code asks."""

    def __init__(self, params, rule: Optimizer):
        if not isinstance(rule, Optimizer):
            raise TypeError(f"rule must be an lecturelib.optim.Optimizer (e.g. adam()), got {type(rule).__name__}")
        try:
            super().__init__(params, {})
        except (TypeError, ValueError) as error:  # None, [], a list of strings, ...
            raise type(error)(f"params must be a non-empty iterable of tensors, e.g. model.parameters() "
                              f"({error})") from None
        self.rule = rule

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if self.rule.lookahead is None:
                    if not state:
                        state["rule"] = self.rule.init(p)
                    step, state["rule"] = self.rule.update(p.grad, state["rule"], p)
                    p.add_(step)
                else:
                    if not state:
                        state["theta"] = p.detach().clone()
                        state["rule"] = self.rule.init(p)
                    step, state["rule"] = self.rule.update(p.grad, state["rule"], state["theta"])
                    state["theta"] += step
                    p.copy_(self.rule.eval_point(state["theta"], state["rule"]))
        return loss
