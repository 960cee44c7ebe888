"""The Optimizer: an update rule with explicit state, and the checks every rule shares.

An optimiser is a pair of functions with explicit state, as in optax:

    state = opt.init(theta)                     # a dict you can print: {"t": 0, "v": 0, ...}
    step, state = opt.update(grad, state, theta)
    theta = theta + step                        # or: theta, state = opt.step(theta, grad, state)

`init` declares all of the state; `update` returns a new state and never changes the one it is
given. The rule sees θ as well as g (`rule(g, state, ε, θ)`, optax's `update(grads, state,
params)`), so decoupled weight decay is one piece that composes with any rule
(`with_weight_decay`). The rules themselves are in `optim` (gradient descent and momentum) and
`adaptive` (per-parameter step sizes). A rule uses only +, −, ×, ÷ and ** 0.5 (plus a
maximum), so the same lines run on a NumPy array (the 2-D pictures) and on a torch tensor
(training a network); θ may also be a list of arrays or tensors (a network's weight matrices
and biases): every method then maps over the list, and the state is a list of states. This
module never imports torch: a tensor is recognised by its type's module and handled through
its own methods.

Nesterov-type rules evaluate the gradient at an interim point θ̃ = θ + βv, not at θ: ask
`opt.eval_point(theta, state)` where to evaluate it (it is θ itself for every other rule).

The learning rate `lr` may be a number or a schedule t -> ε_t (see `schedules`); t counts the
steps already taken (0 for the first step).

Bad input: `update` raises ValueError for a gradient holding NaN or inf, of the wrong shape, or
so large that the step or the state overflows (|g| > 1.3e154 squared), a state `init` did not
make, or a schedule whose rate at step t is not a finite number > 0; TypeError for a gradient
that is a torch tensor while θ is a NumPy array (or the other way round); the factories raise
TypeError/ValueError naming the hyper-parameter (`validation.check_lr`, `check_decay`, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .validation import (Diverged, as_float_array, check_lr, check_positive, check_real, check_whole,
                         is_tensor)

# -- the pieces every rule shares ------------------------------------------------------------


def _zeros(x):
    """Zeros shaped like the array or tensor x (float64 for an array; a tensor's own dtype)."""
    return x.new_zeros(x.shape) if is_tensor(x) else np.zeros_like(x, dtype=float)


def non_finite(x) -> str | None:
    """None if every entry of the array or tensor `x` is finite, else "NaN" or "inf"
    (one pass over x when it is finite, the usual case)."""
    if is_tensor(x):
        if bool(x.isfinite().all()):
            return None
        return "NaN" if bool(x.isnan().any()) else "inf"
    if np.isfinite(x).all():
        return None
    return "NaN" if np.isnan(x).any() else "inf"


def all_finite(*arrays) -> bool:
    """True when every entry of the arrays (or tensors) is finite, in one sum per array: a NaN or
    ±inf entry makes its sum non-finite. The sum can also overflow when the entries are near the
    largest float, so a False is confirmed entry by entry (`non_finite`) before it is reported;
    this keeps the per-step check cheap (no boolean copy of a 200,000-entry gradient)."""
    total = 0.0
    for x in arrays:  # a NumPy array first: the 2-D pictures take millions of steps
        total += float(x.sum() if type(x) is np.ndarray else (x.detach() if is_tensor(x) else x).sum())
    return math.isfinite(total)


def overflow_message(name: str, grad, t: int, rate: float) -> str:
    """What a rule says when its step or its state overflowed float64 at step t (`Diverged`)."""
    return (f"grad is too large for {name} at step {t} (largest entry {float(abs(grad).max()):.3g}, "
            f"lr = {rate:.3g}): the step or the state overflowed float64; "
            "use a smaller lr, scale the loss down or clip the gradient")


def is_list(params) -> bool:
    """True when θ is a list (or tuple) of arrays or tensors, the weights of a network."""
    return isinstance(params, (list, tuple))


def add(params, step):
    """θ + Δθ, for an array, a tensor, or a list of them (a new θ: nothing changes in place)."""
    if is_list(params):
        return [p + s for p, s in zip(params, step)]
    return params + step


@dataclass(frozen=True)
class Optimizer:
    """An update rule with explicit state.

    name:      for legends.
    rule:      (g, state, ε, θ) -> (step, new state), the lecture's pseudo-code.
    lr:        ε, a number > 0 or a schedule t -> ε_t.
    lookahead: (θ, state) -> θ̃, the interim point where Nesterov-type rules take the gradient.
    hyper:     every argument of the factory, for display.
    state_names: the state entries with one value per parameter (v, r, s, …).
    start:     initial values of those that do not start at zero (delta-bar-delta's
               per-parameter rates start at ε₀).
    scalars:   state entries that are one number for all parameters, with their initial
               values (Nadam's product Π_t of the momentum factors starts at 1).
    """

    name: str
    rule: Callable
    lr: float | Callable[[int], float]
    lookahead: Callable | None = None
    hyper: dict = field(default_factory=dict)
    state_names: tuple = ()
    start: dict = field(default_factory=dict)
    scalars: dict = field(default_factory=dict)

    def __post_init__(self):
        if not callable(self.rule):
            raise TypeError(f"rule must be a function (g, state, lr, theta) -> (step, state), "
                            f"got {type(self.rule).__name__}")
        if self.lookahead is not None and not callable(self.lookahead):
            raise TypeError(f"lookahead must be None or a function (θ, state) -> θ̃, "
                            f"got {type(self.lookahead).__name__}")
        check_lr(self.lr)

    def init(self, params):
        """The initial state, all of it: step counter t = 0, every accumulator (v, r, s, …) at
        zero (or at its `start` value) and the `scalars`; for a list of arrays (or tensors) a
        list of such states. Raises TypeError/ValueError if `params` is not an array (or tensor)
        of real numbers, or a non-empty list of them."""
        if is_list(params):
            if not params:
                raise ValueError("params must be an array, a tensor or a non-empty list of them, got []")
            return [self.init(p) for p in params]
        if not is_tensor(params):
            params = as_float_array(params, "params", allow_nan=True)
        arrays = {name: _zeros(params) + self.start.get(name, 0.0) for name in self.state_names}
        return {"t": 0, **arrays, **self.scalars}

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

    def update(self, grad, state, params):
        """(step, new state) for the gradient `grad` (same shape as `params`) and the `state`
        from `init` or the previous `update`; for a list of parameters, lists of both. Raises
        ValueError if grad holds NaN or inf or is so large that the step or the state overflows,
        if the shapes differ, or if `state` is not this rule's state; TypeError if grad is a torch
        tensor and params a NumPy array, or the other way round."""
        if is_list(params):
            self._check_lists(grad, state, params)
            pairs = [self.update(g, s, p) for g, s, p in zip(grad, state, params)]
            return [step for step, _ in pairs], [s for _, s in pairs]
        if is_tensor(grad) != is_tensor(params):
            kinds = {True: "a torch tensor", False: "a NumPy array"}
            raise TypeError(f"{self.name}: grad is {kinds[is_tensor(grad)]} but params is "
                            f"{kinds[is_tensor(params)]}: pass both as NumPy arrays or both as tensors")
        if not (is_tensor(grad) or (isinstance(grad, np.ndarray) and grad.dtype.kind == "f")):
            grad = as_float_array(grad, "grad", allow_nan=True)
        params = self._check_state(state, params)
        if grad.shape != params.shape:
            raise ValueError(f"{self.name}: grad has shape {tuple(grad.shape)} but params has shape "
                             f"{tuple(params.shape)}; they must match")
        bad = None if all_finite(grad) else non_finite(grad)
        if bad:
            raise ValueError(f"grad contains {bad} at step {state['t']} of {self.name}: only finite "
                             "gradients can be used (did the loss overflow, or the run diverge?)")
        return self.advance(grad, state, params)

    def advance(self, grad, state, params):
        """`update` without its input checks, for a loop that checks them once per run
        (`trajectory.iterate`): `state` comes from `init` or the previous step, and `grad` is
        finite and shaped like θ. Raises `Diverged` (a ValueError) if the step or the state
        overflows."""
        if is_list(params):
            pairs = [self.advance(g, s, p) for g, s, p in zip(grad, state, params)]
            return [step for step, _ in pairs], [s for _, s in pairs]
        rate = self._rate(state["t"])
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below
            step, new_state = self.rule(grad, state, rate, params)
        arrays = [step, *(v for v in new_state.values() if hasattr(v, "shape"))]
        if not all_finite(*arrays) and any(non_finite(v) for v in arrays):
            raise Diverged(overflow_message(self.name, grad, state["t"], rate))
        return step, {**new_state, "t": state["t"] + 1}

    def step(self, params, grad, state):
        """One step of the rule without the input checks, as the loops take it: (θ + Δθ, new
        state), a new θ (an array, a tensor or a list of them; nothing changes in place)."""
        update, state = self.advance(grad, state, params)
        return add(params, update), state

    def _check_lists(self, grad, state, params):
        for name, value in (("grad", grad), ("state", state)):
            if not is_list(value) or len(value) != len(params):
                raise TypeError(f"{self.name}: params is a list of {len(params)} arrays, so {name} must be "
                                f"a list of {len(params)} too, got {type(value).__name__}")

    def _check_state(self, state, params):
        """`params` as an array (or tensor); raise unless `state` is a state of this rule for
        parameters of that shape."""
        if not (is_tensor(params) or isinstance(params, np.ndarray)):
            params = as_float_array(params, "params", allow_nan=True)
        names = ("t", *self.state_names, *self.scalars)
        if not isinstance(state, dict) or any(k not in state for k in names):
            keys = ", ".join(names)
            raise TypeError(f"state must be the dict that {self.name}'s init(params) or update(...) "
                            f"returned (keys {keys}), got {type(state).__name__}")
        if type(state["t"]) is not int or state["t"] < 0:
            check_whole(state["t"], "state['t']")
        for key in self.state_names:
            if is_tensor(state[key]) != is_tensor(params):
                raise TypeError(f"state['{key}'] and params must both be NumPy arrays or both torch "
                                "tensors: pass the state that init(params) made")
            if tuple(np.shape(state[key])) != tuple(params.shape):
                raise ValueError(f"state['{key}'] has shape {tuple(np.shape(state[key]))} but params has "
                                 f"shape {tuple(params.shape)}: pass the state that init(params) made")
        for key in self.scalars:
            check_real(state[key], f"state['{key}']")
        return params

    def eval_point(self, params, state):
        """Where to evaluate the next gradient: θ, or the look-ahead point θ + βv (a list of
        them for a list of parameters)."""
        if self.lookahead is None:
            return params
        if is_list(params):
            return [self.eval_point(p, s) for p, s in zip(params, state)]
        return self.lookahead(self._check_state(state, params), state)

    def __repr__(self):
        values = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.hyper.items())
        return f"{self.name}({values})"


def with_weight_decay(opt: Optimizer, weight_decay: float, name: str | None = None) -> Optimizer:
    """`opt` with decoupled weight decay (Loshchilov & Hutter, 2019, "Decoupled Weight Decay
    Regularization", ICLR): every step also shrinks θ towards 0,

        θ ← θ + Δθ_rule − ε_t λ θ,

    where Δθ_rule is the step `opt` takes from g alone and λ = `weight_decay`. The decay never
    enters g, so the rule's averages and its per-parameter scaling do not touch it: for plain
    SGD this is the ℓ2 penalty (λ/2)‖θ‖² in the loss (−ε(g + λθ) = −εg − ελθ), for momentum
    and the adaptive rules it is not (chapter 4). As torch.optim.AdamW does, the decay is
    scaled by the learning rate ε_t (the paper scales it by the schedule multiplier η_t alone:
    its λ is ε·λ here for a constant ε). weight_decay must be a number >= 0; 0 returns `opt`."""
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an Optimizer (e.g. optim.adam()), got {type(opt).__name__}")
    decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    if decay == 0:
        return opt
    rule = opt.rule

    def decayed(g, state, lr, theta):
        step, state = rule(g, state, lr, theta)
        return step - lr * decay * theta, state

    return replace(opt, name=name or f"{opt.name} + weight decay", rule=decayed,
                   hyper={**opt.hyper, "weight_decay": decay})
