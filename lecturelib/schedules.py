"""Learning-rate schedules: functions t -> ε_t, for t = 0, 1, 2, … (the number of steps taken).

Pass one as `lr` to any rule of `lecturelib.optim`. Sources: Lecture 4 and Lecture 7 (linear
decay to ε_τ, then constant; the Robbins–Monro conditions Σ ε_k = ∞, Σ ε_k² < ∞), Lecture 7
(Keras' lr0 / (1 + decay·t)), Lecture 3 (halving, the 1-cycle policy of Smith (2018), SGD with
warm restarts of Loshchilov & Hutter (2017)).
"""

from __future__ import annotations

import math
from typing import Callable

from .validation import check_positive

Schedule = Callable[[int], float]


def _step(t) -> int:
    if isinstance(t, bool) or int(t) != t or t < 0:
        raise ValueError(f"the step t must be a whole number >= 0, got {t!r}")
    return int(t)


def constant(lr: float) -> Schedule:
    """ε_t = lr."""
    lr = check_positive(lr, "lr")
    return lambda t: lr + 0 * _step(t)


def linear_decay(lr0: float, lr_tau: float, tau: int) -> Schedule:
    """ε_k = (1 − α) ε₀ + α ε_τ with α = k/τ for k ≤ τ, then ε_τ (Lectures 4, 7)."""
    lr0, lr_tau = check_positive(lr0, "lr0"), check_positive(lr_tau, "lr_tau")
    tau = int(check_positive(tau, "tau"))

    def schedule(t):
        alpha = min(_step(t) / tau, 1.0)
        return (1 - alpha) * lr0 + alpha * lr_tau

    return schedule


def inverse_time(lr0: float, decay: float) -> Schedule:
    """ε_t = ε₀ / (1 + decay · t) (Keras' `decay` argument, Lecture 7). With decay > 0 it satisfies
    the Robbins–Monro conditions (it behaves like 1/t)."""
    lr0, decay = check_positive(lr0, "lr0"), check_positive(decay, "decay", allow_zero=True)
    return lambda t: lr0 / (1 + decay * _step(t))


def step_decay(lr0: float, every: int, factor: float = 0.5) -> Schedule:
    """ε_t = ε₀ · factor^⌊t / every⌋: halve (factor = ½) the rate on a fixed schedule (Lecture 3)."""
    lr0, factor = check_positive(lr0, "lr0"), check_positive(factor, "factor")
    every = int(check_positive(every, "every"))
    return lambda t: lr0 * factor ** (_step(t) // every)


def _cosine(start: float, end: float, fraction: float) -> float:
    """From `start` (fraction 0) to `end` (fraction 1) along half a cosine."""
    return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))


def one_cycle(lr_max: float, total_steps: int, pct_start: float = 0.3, div_factor: float = 25.0,
              final_div_factor: float = 1e4) -> Schedule:
    """The 1-cycle policy (Smith, 2018), as torch.optim.lr_scheduler.OneCycleLR (cosine form):
    up from lr_max/div_factor to lr_max over the first pct_start of the steps, then down to
    lr_max/(div_factor · final_div_factor) at the last step."""
    lr_max = check_positive(lr_max, "lr_max")
    total_steps = int(check_positive(total_steps, "total_steps"))
    if not 0 < pct_start < 1:
        raise ValueError(f"pct_start must be in (0, 1), got {pct_start}")
    initial = lr_max / check_positive(div_factor, "div_factor")
    final = initial / check_positive(final_div_factor, "final_div_factor")
    peak = float(pct_start * total_steps) - 1
    last = total_steps - 1

    def schedule(t):
        t = _step(t)
        if t > last:
            raise ValueError(f"one_cycle was built for {total_steps} steps; step {t} is past its end")
        if t <= peak:
            return _cosine(initial, lr_max, t / peak)
        return _cosine(lr_max, final, (t - peak) / (last - peak))

    return schedule


def cosine_warm_restarts(lr_max: float, period: int, period_mult: int = 1, lr_min: float = 0.0) -> Schedule:
    """SGD with warm restarts (Loshchilov & Hutter, 2017), as CosineAnnealingWarmRestarts:
    ε_t = ε_min + ½(ε_max − ε_min)(1 + cos(π t_cur / T_i)), where t_cur counts the steps since the
    last restart and the period T_i starts at `period` and is multiplied by `period_mult` at each
    restart."""
    lr_max = check_positive(lr_max, "lr_max")
    lr_min = check_positive(lr_min, "lr_min", allow_zero=True)
    period = int(check_positive(period, "period"))
    period_mult = int(check_positive(period_mult, "period_mult"))

    def schedule(t):
        t_cur, length = _step(t), period
        while t_cur >= length:
            t_cur -= length
            length *= period_mult
        return _cosine(lr_max, lr_min, t_cur / length)

    return schedule


SCHEDULES = {"constant": constant, "linear decay": linear_decay, "1/(1 + decay·t)": inverse_time,
             "step (halving)": step_decay, "1-cycle": one_cycle, "cosine, warm restarts": cosine_warm_restarts}
