"""First-order update rules, written once, run on NumPy vectors and on torch tensors, and the
one registry of them.

    opt = optim.adam(lr=0.01)
    state = opt.init(theta)                     # a dict you can print: {"t": 0, "s": …, "r": …}
    step, state = opt.update(grad, state, theta)
    theta = theta + step

Every rule of the lectures is reachable from here (`optim.<rule>`, and by name in `REGISTRY`):
gradient descent, momentum and Nesterov below; the rules with per-parameter step sizes
(delta-bar-delta, AdaGrad, RMSProp, RMSProp + Nesterov, Adam, AMSGrad, AdaMax, Nadam, AdaDelta,
AdamW) in `adaptive`; the `Optimizer` with its explicit state (`init`, `update`, `eval_point`)
and decoupled weight decay (`with_weight_decay`) in `optimizer`; the bridge between these
rules and torch.optim in `torch_optim`. None of these but `torch_optim` imports torch.

**The registry.** `REGISTRY` maps a name to an `Entry`: the factory, the hyper-parameters a
reader may vary with their ranges, the torch.optim counterpart (how our hyper-parameters
translate), a learning rate for comparisons and what the rule was invented to fix. It is the
single source of truth: chapter 4's tables (`rule_table`, the race with torch.optim, the
digits comparison), its explorer (`explore.first_order`), the race of chapter 5 (`race`) and
the tests read it. Adding an optimiser means writing its rule (a factory returning an
`Optimizer`) and one `register(Entry(...))` line below.

One name per hyper-parameter, in every rule. The lecture's symbols are the reference; torch,
which names the same quantity differently from one optimiser to the next, is given in brackets:
    lr     ε, the learning rate (torch: lr);
    beta   β, the decay of the running average of the gradient g (the first moment):
           momentum's and Nesterov's β (torch: momentum), Adam's β₁ (torch: betas[0]),
           delta-bar-delta's averaging constant (Jacobs's θ);
    rho    ρ, the decay of the running average of g ⊙ g (the second moment): RMSProp's and
           AdaDelta's ρ (torch: alpha, rho), Adam's β₂ (torch: betas[1]; Goodfellow's ρ₂);
    delta  δ, the constant that keeps a denominator away from 0 (torch: eps);
    weight_decay  λ, decoupled weight decay θ ← θ − ελθ (torch: weight_decay).
`beta1`/`beta2` would number what is not a sequence and leave RMSProp's ρ a second name for
Adam's β₂; with β and ρ, Adam is RMSProp's ρ on r plus momentum's β on s, exactly as the
slide's RMSProp + Nesterov (`rmsprop_nesterov(lr, rho, beta)`) combines them, and one
slider β drives every rule that has one.

The learning rate `lr` may be a number or a schedule t -> ε_t (see `schedules`).

Sources: Lectures 3, 4, 5 and 7; Goodfellow, Bengio & Courville (2016), Algorithms 8.1-8.7; the
papers cited in each docstring.

Bad input: the factories raise TypeError/ValueError unless lr > 0 (or a schedule), β and ρ are
in [0, 1), δ >= 0, λ >= 0 and flags are True/False; `update` raises ValueError as `optimizer` says;
`register` refuses an entry whose name is taken or whose hyper-parameters the factory does not
take.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .adaptive import (adadelta, adagrad, adam, adamax, adamw, amsgrad, delta_bar_delta, nadam,
                       rmsprop, rmsprop_nesterov)
from .optimizer import Optimizer, with_weight_decay
from .validation import check_choice, check_decay, check_lr, check_positive

__all__ = ["Optimizer", "REGISTRY", "Entry", "Range", "TorchCounterpart", "register", "unregister",
           "rule_table", "sgd", "momentum", "nesterov", "delta_bar_delta", "adagrad", "rmsprop",
           "rmsprop_nesterov", "adam", "amsgrad", "adamax", "nadam", "adadelta", "adamw"]

# -- gradient descent and momentum ------------------------------------------------------------


def sgd(lr: float = 0.01, weight_decay: float = 0.0) -> Optimizer:
    """(Stochastic) gradient descent: θ ← θ − ε g (Lecture 3, Algorithm 1; Lecture 4).

    With the full training set g is the exact gradient (batch GD); with a minibatch it is the
    estimate ĝ = (1/m) ∇θ Σᵢ L(f(xᵢ; θ), yᵢ). PyTorch: torch.optim.SGD(lr=ε).

    weight_decay λ ≥ 0: decoupled weight decay (Loshchilov & Hutter, 2019;
    `optimizer.with_weight_decay`), θ ← θ − εg − ελθ. For SGD this is the same update as the ℓ2
    penalty (λ/2)‖θ‖² added to the loss, −ε(g + λθ), and as torch.optim.SGD(weight_decay=λ)."""
    opt = Optimizer("SGD", lambda g, s, lr, theta: (-lr * g, {}), check_lr(lr),
                    hyper=dict(lr=lr, weight_decay=weight_decay))
    return with_weight_decay(opt, weight_decay)


def momentum(lr: float = 0.01, beta: float = 0.9, weight_decay: float = 0.0) -> Optimizer:
    """Momentum (Polyak, 1964): v ← βv − εg;  θ ← θ + v  (Lectures 3, 4, 7; 4 and 7 call β α).

    PyTorch writes b ← βb + g; θ ← θ − εb, i.e. v = −εb: the same iterates while ε is constant.
    With a schedule the forms differ: here v carries the past learning rates, there only the
    current ε multiplies b (Lecture 5 uses PyTorch's form).

    weight_decay λ ≥ 0: decoupled weight decay, SGDW of Loshchilov & Hutter (2019,
    Algorithm 1): v ← βv − εg;  θ ← θ + v − ελθ. The decay stays out of v. PyTorch's
    SGD(momentum=β, weight_decay=λ) adds λθ to g instead (the ℓ2 penalty), which then rides
    in the momentum: not the same iterates."""
    beta = check_decay(beta, "beta")

    def rule(g, s, lr, theta):
        v = beta * s["v"] - lr * g
        return v, {"v": v}

    opt = Optimizer("momentum", rule, check_lr(lr), hyper=dict(lr=lr, beta=beta, weight_decay=weight_decay),
                    state_names=("v",))
    return with_weight_decay(opt, weight_decay)


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
    beta = check_decay(beta, "beta")
    lr = check_lr(lr)
    check_choice(form, "form", ["lecture", "pytorch"])
    if form == "lecture":
        def rule(g, s, lr, theta):
            v = beta * s["v"] - lr * g
            return v, {"v": v}

        return Optimizer("Nesterov", rule, lr, lookahead=lambda theta, s: theta + beta * s["v"],
                         hyper=dict(lr=lr, beta=beta, form=form), state_names=("v",))

    def rule(g, s, lr, theta):
        b = beta * s["b"] + g
        return -lr * (g + beta * b), {"b": b}

    return Optimizer("Nesterov (PyTorch form)", rule, lr, hyper=dict(lr=lr, beta=beta, form=form),
                     state_names=("b",))



# -- the registry: every rule the chapters compare, with what they need to know about it ---------


@dataclass(frozen=True)
class Range:
    """The values a reader may give a hyper-parameter: from `low` to `high`, spaced
    geometrically (`log`) or evenly; `values(n)` gives n of them, for sliders and grids."""

    low: float
    high: float
    log: bool = False

    def values(self, n: int) -> tuple[float, ...]:
        points = np.geomspace(self.low, self.high, n) if self.log else np.linspace(self.low, self.high, n)
        return tuple(float(v) for v in np.round(points, 5))


@dataclass(frozen=True)
class TorchCounterpart:
    """The torch.optim optimiser that computes the same rule: the class name in torch.optim,
    `settings(hyper) -> its keyword arguments` for the hyper-parameters of our optimiser
    (`Optimizer.hyper`; None where torch has no such setting), and `form`, the arguments that put
    our rule in torch's form where the lecture's differs (Nesterov, where δ goes)."""

    cls: str
    settings: Callable[[dict], dict | None]
    form: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One optimiser of the registry.

    name:    how the chapters call it (the key of REGISTRY, the optimiser's legend).
    factory: (lr=…, **hyper) -> Optimizer, the rule.
    hyper:   the hyper-parameters a reader may vary, with their ranges (lr first).
    fixes:   what it was invented to fix, in a few words (chapter 4's table).
    lr:      a learning rate for comparisons (chapter 4's digits network, the race).
    torch:   its torch.optim counterpart, or None (PyTorch has no such optimiser)."""

    name: str
    factory: Callable[..., Optimizer]
    hyper: dict
    fixes: str
    lr: float
    torch: TorchCounterpart | None = None

    def make(self, **hyper) -> Optimizer:
        """The optimiser with these hyper-parameters (the factory's defaults for the rest); names
        this rule does not take are left out, so one call serves every rule (an explorer's β
        slider). Raises ValueError for a name no entry uses, TypeError/ValueError as the
        factory does for a bad value."""
        unknown = set(hyper) - set(inspect.signature(self.factory).parameters) - KNOWN_HYPER
        if unknown:
            raise ValueError(f"{self.name} takes {sorted(inspect.signature(self.factory).parameters)}; "
                             f"no rule takes {sorted(unknown)}")
        accepted = inspect.signature(self.factory).parameters
        return self.factory(**{k: v for k, v in hyper.items() if k in accepted})

    def torch_form(self, **hyper) -> tuple[Optimizer, str, dict] | None:
        """(our optimiser in torch's form, the torch.optim class name, its keyword arguments) for
        these hyper-parameters, or None when torch has no counterpart for them."""
        if self.torch is None:
            return None
        ours = self.make(**{**hyper, **self.torch.form})
        settings = self.torch.settings(ours.hyper)
        return None if settings is None else (ours, self.torch.cls, settings)


REGISTRY: dict[str, Entry] = {}
KNOWN_HYPER = {"lr", "beta", "rho", "delta", "weight_decay"}  # the library's one name for each


def register(entry: Entry) -> Entry:
    """Add `entry` to REGISTRY (and so to chapter 4's tables, its explorer, the race and the
    tests). Raises TypeError unless it is an Entry with a callable factory, ValueError if its name
    is taken, a hyper-parameter is not an argument of the factory or has no Range, or lr is not
    > 0."""
    if not isinstance(entry, Entry) or not callable(entry.factory):
        raise TypeError(f"entry must be an optim.Entry with a factory, got {type(entry).__name__}")
    if entry.name in REGISTRY:
        raise ValueError(f"an optimiser named {entry.name!r} is registered already")
    accepted = inspect.signature(entry.factory).parameters
    for name, limits in entry.hyper.items():
        if name not in accepted or not isinstance(limits, Range):
            raise ValueError(f"{entry.name}: hyper-parameter {name!r} must be an argument of the factory "
                             f"with a Range, got {limits!r}")
    check_positive(entry.lr, "lr")
    REGISTRY[entry.name] = entry
    return entry


def unregister(name: str) -> Entry:
    """Remove the entry called `name` (ValueError listing the names if there is none)."""
    check_choice(name, "name", REGISTRY)
    return REGISTRY.pop(name)


def rule_table() -> str:
    """Chapter 4's table of the registered rules, as Markdown: hyper-parameters, the torch.optim
    counterpart and what each was invented to fix."""
    lines = ["| method | hyper-parameters | invented to fix | PyTorch |", "|---|---|---|---|"]
    for entry in REGISTRY.values():
        hyper = ", ".join(entry.hyper)
        counterpart = f"`torch.optim.{entry.torch.cls}`" if entry.torch else "none"
        lines.append(f"| {entry.name} | {hyper} | {entry.fixes} | {counterpart} |")
    return "\n".join(lines)


LR = Range(1e-4, 5.0, log=True)
BETA = Range(0.0, 0.95)
RHO = Range(0.5, 0.999)
DECAY = Range(0.0, 0.1)


def _adam_settings(h):
    return dict(lr=h["lr"], betas=(h["beta"], h["rho"]), eps=h["delta"])


register(Entry("SGD", sgd, dict(lr=LR), "the baseline", 0.1,
               TorchCounterpart("SGD", lambda h: dict(lr=h["lr"], weight_decay=h["weight_decay"]))))
register(Entry("momentum", momentum, dict(lr=LR, beta=BETA), "zigzag in canyons", 0.1,
               TorchCounterpart("SGD", lambda h: None if h["weight_decay"] else dict(lr=h["lr"], momentum=h["beta"]))))
register(Entry("Nesterov", nesterov, dict(lr=LR, beta=BETA), "overshooting of momentum", 0.1,
               TorchCounterpart("SGD", lambda h: dict(lr=h["lr"], momentum=h["beta"], nesterov=True),
                                form=dict(form="pytorch"))))
register(Entry("AdaGrad", adagrad, dict(lr=LR), "one rate for all parameters", 0.05,
               TorchCounterpart("Adagrad", lambda h: dict(lr=h["lr"], eps=h["delta"]))))
register(Entry("RMSProp", rmsprop, dict(lr=LR, rho=RHO), "AdaGrad's vanishing rates", 0.003,
               TorchCounterpart("RMSprop", lambda h: dict(lr=h["lr"], alpha=h["rho"], eps=h["delta"]),
                                form=dict(eps_inside=False))))
register(Entry("RMSProp + Nesterov", rmsprop_nesterov, dict(lr=LR, rho=RHO, beta=BETA),
               "RMSProp without momentum", 0.003))
register(Entry("Adam", adam, dict(lr=LR, beta=BETA, rho=RHO), "RMSProp without momentum; zero-initialised averages",
               0.003, TorchCounterpart("Adam", _adam_settings)))
register(Entry("AdaDelta", adadelta, dict(lr=LR, rho=RHO), "choosing a global rate", 1.0,
               TorchCounterpart("Adadelta", lambda h: dict(lr=h["lr"], rho=h["rho"], eps=h["delta"]))))
register(Entry("AdaMax", adamax, dict(lr=LR, beta=BETA, rho=RHO), "Adam's 2-norm (∞-norm instead)", 0.006,
               TorchCounterpart("Adamax", _adam_settings)))
register(Entry("Nadam", nadam, dict(lr=LR, beta=BETA, rho=RHO), "Adam with classical momentum", 0.006,
               TorchCounterpart("NAdam", lambda h: {**_adam_settings(h), "momentum_decay": h["momentum_decay"]})))
register(Entry("AMSGrad", amsgrad, dict(lr=LR, beta=BETA, rho=RHO), "Adam's rates growing again", 0.003,
               TorchCounterpart("Adam", lambda h: {**_adam_settings(h), "amsgrad": True})))
register(Entry("AdamW", adamw, dict(lr=LR, beta=BETA, rho=RHO, weight_decay=DECAY),
               "Adam's ℓ2 penalty, scaled down where gradients are large (decoupled weight decay)", 0.003,
               TorchCounterpart("AdamW", lambda h: {**_adam_settings(h), "weight_decay": h["weight_decay"]})))
