"""Rules with adaptive, per-parameter learning rates: delta-bar-delta, AdaGrad, RMSProp (also
with Nesterov momentum), Adam, AMSGrad, AdaMax, Nadam, AdaDelta and AdamW. Each is the lecture's
pseudo-code, line by line, on the explicit state of `optimizer.Optimizer`; the names of the
hyper-parameters (β the decay of the average of g, ρ of the average of g ⊙ g, δ the constant
in the denominator) are the same in every rule: see `optim`.

Sources: Lectures 3, 4, 5 and 7; Goodfellow, Bengio & Courville (2016), Algorithms 8.4-8.7 and
§8.5; the papers cited in each docstring. Where the slides and PyTorch place δ differently, a
flag selects the form and tests/test_optim.py checks both.

Bad input: the factories raise TypeError/ValueError unless lr > 0 (or a schedule), β and ρ are
in [0, 1), δ >= 0 and flags are True/False; `update` as in `optimizer`; with δ = 0 a step that
is 0/0 raises ValueError.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .optimizer import Optimizer, non_finite, with_weight_decay
from .validation import check_decay, check_flag, check_in_range, check_lr, check_positive, is_tensor

# -- the pieces these rules share ------------------------------------------------------------


def _maximum(a, b):
    return a.maximum(b) if is_tensor(a) else np.maximum(a, b)


def _ema(average, x, decay):
    """Exponential moving average decay·average + (1 − decay)·x (decay is β or ρ)."""
    return decay * average + (1 - decay) * x


def _root(r, delta, eps_inside):
    """√(δ + r) if `eps_inside` (Goodfellow et al. and Lectures 4, 5, 7), else δ + √r (the papers,
    Lecture 3 and PyTorch)."""
    return (delta + r) ** 0.5 if eps_inside else delta + r**0.5


def _guard_delta(rule, delta: float):
    """`rule`, which divides by δ + √r; with δ = 0 (allowed, to show a formula exactly) a
    component whose gradients have all been 0 gives 0/0: report it instead of returning NaN."""
    if delta > 0:
        return rule

    def guarded(g, state, lr, theta):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is reported just below
            step, new_state = rule(g, state, lr, theta)
        if non_finite(step):
            raise ValueError("with delta = 0 the step is 0/0 (or x/0) for a gradient component that "
                             "has been 0 so far: use a delta > 0, e.g. 1e-8")
        return step, new_state

    return guarded


# -- the rules -----------------------------------------------------------------------------


def delta_bar_delta(lr: float = 0.01, kappa: float = 0.001, phi: float = 0.1, beta: float = 0.7) -> Optimizer:
    """Delta-bar-delta (Jacobs, 1988, "Increased rates of convergence through learning rate
    adaptation"; Lecture 7): one learning rate εᵢ per parameter, adapted from the signs of its
    partial derivatives, for full-batch gradient descent. With ḡ the exponential average of the
    past gradients (Jacobs's δ̄, with decay β, his θ and the slide's ρ):

        Δεᵢ = κ       if ḡᵢ gᵢ > 0   (the derivative kept its sign: grow additively)
        Δεᵢ = −φ εᵢ   if ḡᵢ gᵢ < 0   (the sign flipped: shrink multiplicatively)
        Δεᵢ = 0       otherwise (at the first step ḡ = 0);
        ε ← ε + Δε;   θ ← θ − ε ⊙ g;   ḡ ← (1 − β) g + β ḡ.

    State: the rates ε (every one starts at `lr`) and ḡ. Lecture 7: "applicable to only full
    batch optimization": minibatch noise flips the signs at random. lr, the initial rate, must be
    a number > 0 (the rule sets the rates itself, so a schedule is refused); kappa >= 0; phi and
    beta in [0, 1): TypeError/ValueError otherwise. PyTorch has no such optimiser."""
    if callable(lr):
        raise TypeError("lr must be a number (the initial rate of every parameter), not a schedule: "
                        "delta-bar-delta sets its rates itself")
    lr = check_positive(lr, "lr")
    kappa = check_positive(kappa, "kappa", allow_zero=True)
    phi, beta = check_in_range(phi, "phi", 0, 1, low_open=False), check_decay(beta, "beta")

    def rule(g, s, _, theta):
        agree = s["g_bar"] * g
        rates = s["rates"] + kappa * (agree > 0) - phi * s["rates"] * (agree < 0)
        return -rates * g, {"rates": rates, "g_bar": _ema(s["g_bar"], g, beta)}

    return Optimizer("delta-bar-delta", rule, lr, hyper=dict(lr=lr, kappa=kappa, phi=phi, beta=beta),
                     state_names=("rates", "g_bar"), start={"rates": lr})


def adagrad(lr: float = 0.01, delta: float = 1e-7) -> Optimizer:
    """AdaGrad (Duchi et al., 2011; Lectures 3, 4, 5, 7):
    r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g.

    Every parameter gets its own step, shrinking with its whole gradient history. PyTorch:
    torch.optim.Adagrad(lr=ε, eps=δ) (its default δ is 1e-10, the lecture's 1e-7)."""
    delta = check_positive(delta, "delta", allow_zero=True)

    def rule(g, s, lr, theta):
        r = s["r"] + g * g
        return -lr / (delta + r**0.5) * g, {"r": r}

    return Optimizer("AdaGrad", _guard_delta(rule, delta), check_lr(lr), hyper=dict(lr=lr, delta=delta),
                     state_names=("r",))


def rmsprop(lr: float = 0.001, rho: float = 0.9, delta: float = 1e-6, eps_inside: bool = True) -> Optimizer:
    """RMSProp (Hinton, 2012; Lectures 3, 4, 5, 7): r ← ρr + (1 − ρ) g ⊙ g;
    θ ← θ − ε / √(δ + r) ⊙ g   (eps_inside=True: Lectures 4, 5, 7 and Goodfellow Alg. 8.5), or
    θ ← θ − ε / (δ + √r) ⊙ g   (eps_inside=False: Lecture 3 and torch.optim.RMSprop(alpha=ρ, eps=δ))."""
    rho = check_decay(rho, "rho")
    delta, eps_inside = check_positive(delta, "delta", allow_zero=True), check_flag(eps_inside, "eps_inside")

    def rule(g, s, lr, theta):
        r = _ema(s["r"], g * g, rho)
        return -lr / _root(r, delta, eps_inside) * g, {"r": r}

    return Optimizer("RMSProp", _guard_delta(rule, delta), check_lr(lr),
                     hyper=dict(lr=lr, rho=rho, delta=delta, eps_inside=eps_inside), state_names=("r",))


def rmsprop_nesterov(lr: float = 0.001, rho: float = 0.9, beta: float = 0.9, delta: float = 1e-6,
                     eps_inside: bool = True) -> Optimizer:
    """RMSProp with Nesterov momentum (Lecture 7; Goodfellow Alg. 8.6): the gradient g at
    θ̃ = θ + βv, then r ← ρr + (1 − ρ) g ⊙ g;  v ← βv − ε/√(δ + r) ⊙ g;  θ ← θ + v.

    The slide divides by √r alone, which is 0/0 when a gradient component is 0 at the first step;
    we add δ as in RMSProp. With β = 0 this is RMSProp. PyTorch has no such optimiser
    (RMSprop(momentum=β) is the classical, not the Nesterov, momentum)."""
    rho, beta = check_decay(rho, "rho"), check_decay(beta, "beta")
    delta, eps_inside = check_positive(delta, "delta", allow_zero=True), check_flag(eps_inside, "eps_inside")

    def rule(g, s, lr, theta):
        r = _ema(s["r"], g * g, rho)
        v = beta * s["v"] - lr / _root(r, delta, eps_inside) * g
        return v, {"r": r, "v": v}

    return Optimizer("RMSProp + Nesterov", _guard_delta(rule, delta), check_lr(lr),
                     lookahead=lambda theta, s: theta + beta * s["v"],
                     hyper=dict(lr=lr, rho=rho, beta=beta, delta=delta, eps_inside=eps_inside),
                     state_names=("r", "v"))


def adam(lr: float = 0.001, beta: float = 0.9, rho: float = 0.999, delta: float = 1e-8,
         eps_inside: bool = False, bias_correction: bool = True, amsgrad: bool = False) -> Optimizer:
    """Adam (Kingma & Ba, 2015; Lectures 3, 4, 5, 7), at step t = 1, 2, …, with β (the paper's
    β₁) and ρ (its β₂):
    s ← βs + (1 − β)g;  r ← ρr + (1 − ρ) g ⊙ g;
    ŝ = s / (1 − βᵗ);  r̂ = r / (1 − ρᵗ);  θ ← θ − ε ŝ / (δ + √r̂).

    Lecture 5 writes the bias correction with β instead of βᵗ; it must be βᵗ: s is a weighted sum
    of t gradients whose weights add up to 1 − βᵗ, so dividing by it gives an average. Lecture 7
    writes √(r̂ + δ): `eps_inside=True`. `bias_correction=False` shows what the correction is for.
    `amsgrad=True` (Reddi et al., 2018) divides by the running maximum of r instead:
    r_max ← max(r_max, r), r̂ = r_max / (1 − ρᵗ), as torch.optim.Adam(amsgrad=True) does (the
    paper has no bias correction). PyTorch: torch.optim.Adam(lr, betas=(β, ρ), eps=δ)."""
    beta, rho = check_decay(beta, "beta"), check_decay(rho, "rho")
    delta, eps_inside = check_positive(delta, "delta", allow_zero=True), check_flag(eps_inside, "eps_inside")
    bias_correction = check_flag(bias_correction, "bias_correction")
    amsgrad = check_flag(amsgrad, "amsgrad")

    def rule(g, state, lr, theta):
        t = state["t"] + 1
        s = _ema(state["s"], g, beta)
        r = _ema(state["r"], g * g, rho)
        new = {"s": s, "r": r}
        if amsgrad:
            new["r_max"] = r = _maximum(state["r_max"], r)
        if bias_correction:
            s_hat, r_hat = s / (1 - beta**t), r / (1 - rho**t)
        else:
            s_hat, r_hat = s, r
        return -lr * s_hat / _root(r_hat, delta, eps_inside), new

    name = "AMSGrad" if amsgrad else ("Adam" if bias_correction else "Adam, no bias correction")
    return Optimizer(name, _guard_delta(rule, delta), check_lr(lr),
                     hyper=dict(lr=lr, beta=beta, rho=rho, delta=delta, eps_inside=eps_inside,
                                bias_correction=bias_correction, amsgrad=amsgrad),
                     state_names=("s", "r", "r_max") if amsgrad else ("s", "r"))


def adamw(lr: float = 0.001, beta: float = 0.9, rho: float = 0.999, delta: float = 1e-8,
          weight_decay: float = 0.01) -> Optimizer:
    """AdamW (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization", ICLR): Adam
    plus decoupled weight decay λ (`optimizer.with_weight_decay`), at step t = 1, 2, …:
    s ← βs + (1 − β)g;  r ← ρr + (1 − ρ) g ⊙ g;  ŝ = s / (1 − βᵗ);  r̂ = r / (1 − ρᵗ);
    θ ← θ − ε ŝ / (δ + √r̂) − ε λ θ.

    Adam with the ℓ2 penalty (λ/2)‖θ‖² in the loss adds λθ to g, and then divides it by √r̂
    like the rest of g: weights with large gradients are hardly decayed. AdamW keeps the decay
    out of s and r, so every weight shrinks by the same factor 1 − ελ per step. PyTorch:
    torch.optim.AdamW(lr, betas=(β, ρ), eps=δ, weight_decay=λ), whose default λ is 0.01; the
    paper scales λ by the schedule multiplier alone, torch (and we) by ε_t. λ >= 0."""
    opt = adam(lr, beta, rho, delta)
    opt = replace(opt, name="AdamW", hyper=dict(lr=lr, beta=opt.hyper["beta"], rho=opt.hyper["rho"],
                                                   delta=opt.hyper["delta"], weight_decay=weight_decay))
    return with_weight_decay(opt, weight_decay, name="AdamW")


def amsgrad(lr: float = 0.001, beta: float = 0.9, rho: float = 0.999, delta: float = 1e-8) -> Optimizer:
    """AMSGrad: Adam with r̂ taken from the running maximum of r (see `adam`)."""
    return adam(lr, beta, rho, delta, amsgrad=True)


def adamax(lr: float = 0.002, beta: float = 0.9, rho: float = 0.999, delta: float = 1e-8) -> Optimizer:
    """AdaMax (Kingma & Ba, 2015, §7.1): Adam with the ∞-norm in place of the 2-norm (β, ρ are
    the paper's β₁, β₂): s ← βs + (1 − β)g;  u ← max(ρu, |g| + δ);  θ ← θ − ε/(1 − βᵗ) · s / u.

    The paper has max(ρu, |g|); PyTorch (torch.optim.Adamax) adds δ inside the max so that u > 0."""
    beta, rho = check_decay(beta, "beta"), check_decay(rho, "rho")
    delta = check_positive(delta, "delta", allow_zero=True)

    def rule(g, state, lr, theta):
        t = state["t"] + 1
        s = _ema(state["s"], g, beta)
        u = _maximum(rho * state["u"], abs(g) + delta)
        return -lr / (1 - beta**t) * s / u, {"s": s, "u": u}

    return Optimizer("AdaMax", _guard_delta(rule, delta), check_lr(lr),
                     hyper=dict(lr=lr, beta=beta, rho=rho, delta=delta), state_names=("s", "u"))


def nadam(lr: float = 0.002, beta: float = 0.9, rho: float = 0.999, delta: float = 1e-8,
          momentum_decay: float = 0.004) -> Optimizer:
    """Nadam (Dozat, 2016): Adam with Nesterov momentum, in PyTorch's form (torch.optim.NAdam;
    β, ρ are its betas).

    μ_t = β(1 − ½·0.96^(tψ)) with ψ = `momentum_decay` (Dozat's momentum warm-up), Π_t = ∏ μ_k
    (the state's `mu_product`, Π_0 = 1);
    s ← βs + (1 − β)g;  r ← ρr + (1 − ρ) g ⊙ g;  r̂ = r/(1 − ρᵗ);
    θ ← θ − ε [ (1 − μ_t)/(1 − Π_t) · g + μ_{t+1}/(1 − Π_t μ_{t+1}) · s ] / (δ + √r̂).

    The look-ahead is folded into the step: the current gradient enters with its own weight."""
    beta, rho = check_decay(beta, "beta"), check_decay(rho, "rho")
    delta = check_positive(delta, "delta", allow_zero=True)
    psi = check_positive(momentum_decay, "momentum_decay", allow_zero=True)

    def rule(g, state, lr, theta):
        t = state["t"] + 1
        mu, mu_next = (beta * (1 - 0.5 * 0.96 ** (k * psi)) for k in (t, t + 1))
        mu_product = state["mu_product"] * mu
        s = _ema(state["s"], g, beta)
        r = _ema(state["r"], g * g, rho)
        denominator = delta + (r / (1 - rho**t)) ** 0.5
        step = -lr * ((1 - mu) / (1 - mu_product) * g + mu_next / (1 - mu_product * mu_next) * s)
        return step / denominator, {"s": s, "r": r, "mu_product": mu_product}

    return Optimizer("Nadam", _guard_delta(rule, delta), check_lr(lr),
                     hyper=dict(lr=lr, beta=beta, rho=rho, delta=delta, momentum_decay=psi),
                     state_names=("s", "r"), scalars={"mu_product": 1.0})


def adadelta(lr: float = 1.0, rho: float = 0.9, delta: float = 1e-6) -> Optimizer:
    """AdaDelta (Zeiler, 2012): no global learning rate is needed (ε = 1 in the paper).
    r ← ρr + (1 − ρ) g ⊙ g;  Δθ = −√(u + δ)/√(r + δ) ⊙ g;  u ← ρu + (1 − ρ) Δθ ⊙ Δθ;  θ ← θ + εΔθ.
    The ratio of the two RMS values gives Δθ the units of θ. PyTorch: torch.optim.Adadelta."""
    rho = check_decay(rho, "rho")
    delta = check_positive(delta, "delta", allow_zero=True)

    def rule(g, state, lr, theta):
        r = _ema(state["r"], g * g, rho)
        change = -((state["u"] + delta) ** 0.5) / (r + delta) ** 0.5 * g
        u = _ema(state["u"], change * change, rho)
        return lr * change, {"r": r, "u": u}

    return Optimizer("AdaDelta", _guard_delta(rule, delta), check_lr(lr),
                     hyper=dict(lr=lr, rho=rho, delta=delta), state_names=("r", "u"))
