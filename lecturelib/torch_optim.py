"""The bridge between the update rules of `optim` and torch.optim, both ways (an adapter).

    optimiser = TorchOptimizer(model.parameters(), optim.adam(0.01))   # our rule, torch's loop
    loss.backward(); optimiser.step()

    rule = from_torch("Adam", lr=0.01)                                # torch's rule, our loop
    trajectory.run(rule, problems.rosenbrock(), [-1.2, 1.0], 100)

The maths stays in `optim`, which runs the same lines on tensors; `TorchOptimizer` only walks
the parameter tensors and keeps each one's state. `from_torch` wraps a torch.optim optimiser
as a rule of the one loop (`trajectory.iterate`, `fit`), so that the chapters can race
torch's implementation against ours step by step; `torch_counterpart` builds both from an
entry of the registry (`optim.REGISTRY`). Torch lives here, never in `optim`.
"""

from __future__ import annotations

import numpy as np
import torch

from .optim import REGISTRY, Optimizer
from .optimizer import is_list
from .validation import check_choice


class TorchOptimizer(torch.optim.Optimizer):
    """Train a torch model with a rule of `optim`: `TorchOptimizer(model.parameters(), adam())`.

    `step()` calls the rule on each parameter tensor (no second copy of the maths). For a
    Nesterov-type rule the optimiser keeps θ in its state and leaves the model's parameters at
    the look-ahead point θ + βv, so that the next backward pass computes the gradient there, as
    the lecture's pseudo-code asks. (The library's own training, `training.fit`, needs none of
    this machinery: building the first torch.optim optimiser of a process imports
    torch._dynamo, about 2 s.)

    Raises TypeError unless `rule` is an `optim.Optimizer` and `params` a non-empty iterable of
    tensors (ValueError for an empty one); `step` raises the rule's ValueError for a NaN or
    infinite gradient."""

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


class TorchRule:
    """A torch.optim optimiser with the interface of a rule of `optim` (`init`, `update`,
    `step`, `eval_point`), so that the one loop can run it: θ is a NumPy array, a tensor or a
    list of them; the optimiser steps tensors that hold a copy of θ. torch.optim keeps its state
    (momentum buffers, averages) inside the optimiser object, so `init` returns a state that
    the steps change in place: run each state once."""

    lookahead = None

    def __init__(self, cls: str, settings: dict, name: str | None = None):
        self.cls, self.settings = getattr(torch.optim, cls), dict(settings)
        self.name = name or f"torch.optim.{cls}"

    def init(self, params) -> dict:
        leaves = list(params) if is_list(params) else [params]
        tensors = [torch.tensor(np.array(p, dtype=float)) if not torch.is_tensor(p) else p.detach().clone()
                   for p in leaves]
        for t in tensors:
            t.requires_grad_(True)
        return {"optimizer": self.cls(tensors, **self.settings), "tensors": tensors, "t": 0}

    def step(self, params, grad, state):
        """(θ after one torch.optim step from θ with gradient g, the state)."""
        leaves, grads = (list(params), list(grad)) if is_list(params) else ([params], [grad])
        with torch.no_grad():
            for t, p, g in zip(state["tensors"], leaves, grads):
                t.copy_(torch.as_tensor(p, dtype=t.dtype))
                t.grad = torch.as_tensor(g, dtype=t.dtype).clone()
        state["optimizer"].step()
        new = [t.detach().clone() if torch.is_tensor(p) else t.detach().numpy().copy()
               for t, p in zip(state["tensors"], leaves)]
        return (new if is_list(params) else new[0]), {**state, "t": state["t"] + 1}

    def update(self, grad, state, params):
        """(Δθ, state): the step torch.optim took (for code written against `update`)."""
        new, state = self.step(params, grad, state)
        if is_list(params):
            return [n - p for n, p in zip(new, params)], state
        return new - params, state

    def eval_point(self, params, state):
        return params


def from_torch(cls: str, name: str | None = None, **settings) -> TorchRule:
    """torch.optim.<cls>(params, **settings) as a rule of the one loop: `from_torch("Adam",
    lr=0.01)`. Raises ValueError unless `cls` names an optimiser of torch.optim."""
    optimisers = sorted(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
                        and issubclass(getattr(torch.optim, n), torch.optim.Optimizer) and n != "Optimizer")
    check_choice(cls, "cls", optimisers)
    return TorchRule(cls, settings, name)


def torch_counterpart(name: str, **hyper) -> tuple[Optimizer, TorchRule] | None:
    """(our optimiser in torch's form, the torch.optim optimiser that computes the same rule) for
    the registry entry `name` with these hyper-parameters, or None when torch has none
    (RMSProp + Nesterov; momentum with decoupled weight decay). Raises ValueError for a name
    that is not registered."""
    check_choice(name, "name", REGISTRY)
    pair = REGISTRY[name].torch_form(**hyper)
    if pair is None:
        return None
    ours, cls, settings = pair
    return ours, TorchRule(cls, settings, f"torch.optim.{cls}")
