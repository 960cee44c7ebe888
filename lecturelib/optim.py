"""First-order update rules, written once, run on NumPy vectors and on torch tensors.

    opt = optim.adam(lr=0.01)
    state = opt.init(theta)                     # a dict you can print: {"t": 0, "s": …, "r": …}
    step, state = opt.update(grad, state, theta)
    theta = theta + step

Every rule of the lectures is reachable from here (`optim.<rule>` and `RULES`, by name):
gradient descent, momentum and Nesterov below; the rules with per-parameter step sizes
(delta-bar-delta, AdaGrad, RMSProp, RMSProp + Nesterov, Adam, AMSGrad, AdaMax, Nadam, AdaDelta)
in `adaptive`; the `Optimizer` with its explicit state (`init`, `update`, `eval_point`) in
`optimizer`; the bridge that trains a torch.nn.Module with these rules in `torch_optim`. None of
these but `torch_optim` imports torch.

One name per hyper-parameter, in every rule. The lecture's symbols are the reference; torch,
which names the same quantity differently from one optimiser to the next, is given in brackets:
    lr     ε, the learning rate (torch: lr);
    beta   β, the decay of the running average of the gradient g (the first moment):
           momentum's and Nesterov's β (torch: momentum), Adam's β₁ (torch: betas[0]),
           delta-bar-delta's averaging constant (Jacobs's θ);
    rho    ρ, the decay of the running average of g ⊙ g (the second moment): RMSProp's and
           AdaDelta's ρ (torch: alpha, rho), Adam's β₂ (torch: betas[1]; Goodfellow's ρ₂);
    delta  δ, the constant that keeps a denominator away from 0 (torch: eps).
`beta1`/`beta2` would number what is not a sequence and leave RMSProp's ρ a second name for
Adam's β₂; with β and ρ, Adam is RMSProp's ρ on r plus momentum's β on s, exactly as the
slide's RMSProp + Nesterov (`rmsprop_nesterov(lr, rho, beta)`) combines them, and one
slider β drives every rule that has one.

The learning rate `lr` may be a number or a schedule t -> ε_t (see `schedules`).

Sources: Lectures 3, 4, 5 and 7; Goodfellow, Bengio & Courville (2016), Algorithms 8.1-8.7; the
papers cited in each docstring.

Bad input: the factories raise TypeError/ValueError unless lr > 0 (or a schedule), β and ρ are
in [0, 1), δ >= 0 and flags are True/False; `update` raises ValueError as `optimizer` says.
"""

from __future__ import annotations

from typing import Callable

from .adaptive import (adadelta, adagrad, adam, adamax, amsgrad, delta_bar_delta, nadam, rmsprop,
                       rmsprop_nesterov)
from .optimizer import Optimizer, check_decay, check_lr
from .validation import check_choice

__all__ = ["Optimizer", "RULES", "sgd", "momentum", "nesterov", "delta_bar_delta", "adagrad", "rmsprop",
           "rmsprop_nesterov", "adam", "amsgrad", "adamax", "nadam", "adadelta"]

# -- gradient descent and momentum ------------------------------------------------------------


def sgd(lr: float = 0.01) -> Optimizer:
    """(Stochastic) gradient descent: θ ← θ − ε g (Lecture 3, Algorithm 1; Lecture 4).

    With the full training set g is the exact gradient (batch GD); with a minibatch it is the
    estimate ĝ = (1/m) ∇θ Σᵢ L(f(xᵢ; θ), yᵢ). PyTorch: torch.optim.SGD(lr=ε)."""
    return Optimizer("SGD", lambda g, s, lr: (-lr * g, {}), check_lr(lr), hyper=dict(lr=lr))


def momentum(lr: float = 0.01, beta: float = 0.9) -> Optimizer:
    """Momentum (Polyak, 1964): v ← βv − εg;  θ ← θ + v  (Lectures 3, 4, 7; 4 and 7 call β α).

    PyTorch writes b ← βb + g; θ ← θ − εb, i.e. v = −εb: the same iterates while ε is constant.
    With a schedule the forms differ: here v carries the past learning rates, there only the
    current ε multiplies b (Lecture 5 uses PyTorch's form)."""
    beta = check_decay(beta, "beta")

    def rule(g, s, lr):
        v = beta * s["v"] - lr * g
        return v, {"v": v}

    return Optimizer("momentum", rule, check_lr(lr), hyper=dict(lr=lr, beta=beta), state_names=("v",))


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
        def rule(g, s, lr):
            v = beta * s["v"] - lr * g
            return v, {"v": v}

        return Optimizer("Nesterov", rule, lr, lookahead=lambda theta, s: theta + beta * s["v"],
                         hyper=dict(lr=lr, beta=beta, form=form), state_names=("v",))

    def rule(g, s, lr):
        b = beta * s["b"] + g
        return -lr * (g + beta * b), {"b": b}

    return Optimizer("Nesterov (PyTorch form)", rule, lr, hyper=dict(lr=lr, beta=beta, form=form),
                     state_names=("b",))


# Every rule with the chapter's default hyper-parameters, for comparisons.
RULES: dict[str, Callable[..., Optimizer]] = {
    "SGD": sgd, "momentum": momentum, "Nesterov": nesterov, "AdaGrad": adagrad, "RMSProp": rmsprop,
    "RMSProp + Nesterov": rmsprop_nesterov, "Adam": adam, "AdaDelta": adadelta, "AdaMax": adamax,
    "Nadam": nadam, "AMSGrad": amsgrad,
}

