"""The update rules of `optim` on a torch.nn.Module: an adapter to torch.optim.

    optimiser = TorchOptimizer(model.parameters(), optim.adam(0.01))
    loss.backward(); optimiser.step()

The maths stays in `optim`, which runs the same lines on tensors; this module only walks the
parameter tensors and keeps each one's state. It is the only place of the update rules that
imports torch.
"""

from __future__ import annotations

import torch

from .optim import Optimizer


class TorchOptimizer(torch.optim.Optimizer):
    """Train a torch model with a rule of `optim`: `TorchOptimizer(model.parameters(), adam())`.

    `step()` calls the rule on each parameter tensor (no second copy of the maths). For a
    Nesterov-type rule the optimiser keeps θ in its state and leaves the model's parameters at
    the look-ahead point θ + βv, so that the next backward pass computes the gradient there, as
    the lecture's pseudo-code asks.

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
