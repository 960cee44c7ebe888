"""The one training loop: a rule of `optim` on a loss it can only sample, minibatch by minibatch,
run by the library's one iteration loop (`trajectory.iterate`), which records the losses,
detects divergence and says why the run stopped. Every network of the book trains through it
(`torch_networks`, `torch_rbf`, `torch_approximation`, `rbf_three_step` and the chapters' own
experiments), with θ a NumPy array or a network's weight tensors.

    path = fit(optim.adam(0.01), value_and_grad, theta0, steps=300)
    path.losses        # the loss of batch k at θ_k, k = 0 … steps
    path.final         # the trained θ

optax's update loop and d2l's `Trainer.fit` are the models: the rule supplies the step
(`init`, `step`, `eval_point`: `optim`'s rules, or torch.optim through the bridge
`torch_optim.from_torch`), `value_and_grad(θ, k)` the loss of batch k and its gradient, and
the loop everything else. This module never imports torch: a tensor is handled through its own
methods.
"""

from __future__ import annotations

from typing import Callable

from .trajectory import MAX_STEPS, Diverged, Method, Trajectory, iterate, stepper
from .validation import check_callback, check_positive, check_whole

__all__ = ["Diverged", "fit", "training"]


def training(opt, value_and_grad: Callable, name: str | None = None) -> Method:
    """A rule trained on a loss it can only sample, as a Method: the step of every training in
    the library (`fit`). Its state is (the rule's state, the last gradient, k).

    opt: a rule of `optim` (or the torch.optim bridge `torch_optim.from_torch`): `init`, `step`
         (or `update`) and `eval_point`.
    value_and_grad: (θ, k) -> (the loss on batch k, its gradient), both at the rule's evaluation
         point (θ, or the look-ahead point of Nesterov-type rules), from one forward and one
         backward pass; θ, and the gradient, are an array, a tensor or a list of them. It may
         raise `Diverged` when the point is unusable (a width σ the model refuses): the run then
         stops as DIVERGED.
    The loss recorded for θ_k is the loss of batch k, evaluated before the step from θ_k."""
    take_step = stepper(opt)

    def evaluate(theta, rule_state, k):
        loss, g = value_and_grad(opt.eval_point(theta, rule_state), k)
        return float(loss), g

    def init(theta):
        rule_state = opt.init(theta)
        loss, g = evaluate(theta, rule_state, 0)
        return loss, (rule_state, g, 0)

    def step(theta, loss, g, state):
        rule_state, _, k = state
        theta, rule_state = take_step(theta, g, rule_state)
        loss, g = evaluate(theta, rule_state, k + 1)
        return theta, loss, (rule_state, g, k + 1)

    return Method(name or getattr(opt, "name", str(opt)), init, step, lambda theta, state: (state[1], state))


def fit(opt, value_and_grad: Callable, theta0, steps: int, *, problem: str = "the training loss",
        callback: Callable | None = None, explode: float = 1e8, name: str | None = None) -> Trajectory:
    """Train θ₀ for `steps` steps of the rule `opt` on the loss that `value_and_grad(θ, k)`
    samples (`training`): the one training loop of the library, `iterate` without the points
    (a network's weights are too many to keep at every step). What optax's update loop and
    d2l's `Trainer.fit` do, with `iterate`'s divergence test.

    θ₀: a NumPy array, a torch tensor, or a list of them (a network's weights; `value_and_grad`
    loads them into the model). callback(k, θ_k, state) runs after each step. Returns the
    Trajectory: `losses[k]` the loss of batch k at θ_k, `grad_norms[k]` the norm of its gradient,
    `final` the trained θ (a new array or new tensors). Raises `Diverged` (a ValueError) if the
    loss becomes non-finite or exceeds explode·(1 + |loss₀|), or a step raised it; ValueError
    unless steps is a whole number in [0, MAX_STEPS] and explode > 0, and for a non-finite loss
    or gradient at θ₀."""
    steps = check_whole(steps, "steps")
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be <= {MAX_STEPS}, got {steps}")
    explode = check_positive(explode, "explode")
    check_callback(callback)
    path = iterate(training(opt, value_and_grad, name), theta0, max_iter=steps, problem=problem,
                   explode=explode, callback=callback, keep_points=False)
    if path.diverged:
        raise Diverged(f"{path.message}; the rule: {opt!r}")
    return path
