"""Learning-rate schedules: functions t -> ε_t, for t = 0, 1, 2, … (the number of steps taken).

Pass one as `lr` to any rule of `lecturelib.optim`. Sources: Lecture 4 and Lecture 7 (linear
decay to ε_τ, then constant; the Robbins–Monro conditions Σ ε_k = ∞, Σ ε_k² < ∞), Lecture 7
(Keras' lr0 / (1 + decay·t)), Lecture 3 (halving, halving when the validation error stops
improving (`reduce_on_plateau`, which reads the validation loss, not t), the 1-cycle policy of Smith (2018), SGD with
warm restarts of Loshchilov & Hutter (2017)).

Bad input: every factory raises TypeError for a non-number and ValueError for a value outside
its range (rates must be finite and > 0; counts, periods and steps whole numbers >= 1; decay
factors and fractions inside their intervals). A schedule raises ValueError for a step t that
is not a whole number >= 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from .validation import check_choice, check_in_range, check_positive, check_real, check_whole

Schedule = Callable[[int], float]


def _step(t) -> int:
    return check_whole(t, "the step t", minimum=0)


def constant(lr: float) -> Schedule:
    """ε_t = lr."""
    lr = check_positive(lr, "lr")
    return lambda t: lr + 0 * _step(t)


def linear_decay(lr0: float, lr_tau: float, tau: int) -> Schedule:
    """ε_k = (1 − α) ε₀ + α ε_τ with α = k/τ for k ≤ τ, then ε_τ (Lectures 4, 7); τ: a whole
    number of steps >= 1."""
    lr0, lr_tau = check_positive(lr0, "lr0"), check_positive(lr_tau, "lr_tau")
    tau = check_whole(tau, "tau", minimum=1)

    def schedule(t):
        alpha = min(_step(t), tau) / tau
        return (1 - alpha) * lr0 + alpha * lr_tau

    return schedule


def inverse_time(lr0: float, decay: float) -> Schedule:
    """ε_t = ε₀ / (1 + decay · t) (Keras' `decay` argument, Lecture 7). With decay > 0 it satisfies
    the Robbins–Monro conditions (it behaves like 1/t)."""
    lr0, decay = check_positive(lr0, "lr0"), check_positive(decay, "decay", allow_zero=True)
    return lambda t: lr0 / (1 + decay * _step(t))


def step_decay(lr0: float, every: int, factor: float = 0.5) -> Schedule:
    """ε_t = ε₀ · factor^⌊t / every⌋: halve (factor = ½) the rate every `every` ≥ 1 steps
    (Lecture 3); factor in (0, 1]."""
    lr0 = check_positive(lr0, "lr0")
    factor = check_in_range(factor, "factor", 0, 1, high_open=False)
    every = check_whole(every, "every", minimum=1)
    return lambda t: lr0 * factor ** (_step(t) // every)


def _cosine(start: float, end: float, fraction: float) -> float:
    """From `start` (fraction 0) to `end` (fraction 1) along half a cosine."""
    return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))


def one_cycle(lr_max: float, total_steps: int, pct_start: float = 0.3, div_factor: float = 25.0,
              final_div_factor: float = 1e4) -> Schedule:
    """The 1-cycle policy (Smith, 2018), as torch.optim.lr_scheduler.OneCycleLR (cosine form):
    up from lr_max/div_factor to lr_max over the first pct_start of the steps, then down to
    lr_max/(div_factor · final_div_factor) at the last step.

    total_steps ≥ 1; pct_start in (0, 1); div_factor, final_div_factor ≥ 1. When the warm-up
    ends at step 0 (pct_start · total_steps = 1) step 0 gets lr_max (torch divides by zero).
    Calling the schedule past its last step raises ValueError."""
    lr_max = check_positive(lr_max, "lr_max")
    total_steps = check_whole(total_steps, "total_steps", minimum=1)
    pct_start = check_in_range(pct_start, "pct_start", 0, 1)
    div_factor = _at_least_one(div_factor, "div_factor")
    final_div_factor = _at_least_one(final_div_factor, "final_div_factor")
    initial = lr_max / div_factor
    final = initial / final_div_factor
    peak = float(pct_start * total_steps) - 1
    last = total_steps - 1

    def schedule(t):
        t = _step(t)
        if t > last:
            raise ValueError(f"one_cycle was built for {total_steps} steps; step {t} is past its end")
        if t <= peak and peak > 0:
            return _cosine(initial, lr_max, t / peak)
        return _cosine(lr_max, final, (t - peak) / (last - peak))

    return schedule


def _at_least_one(value, name: str) -> float:
    """`value` as a float, or ValueError unless it is a finite number >= 1 (a divisor that must
    not raise the rate)."""
    value = check_positive(value, name)
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value:g}")
    return value


def _cycle(t: int, period: int, period_mult: int) -> tuple[int, int]:
    """(t_cur, T_i): the steps since the last restart and the length of the current period.

    Period i starts at S_i = period · (m^i − 1)/(m − 1) for m = period_mult > 1 (at i · period
    for m = 1). The logarithm gives i up to rounding; exact integer arithmetic corrects it."""
    if period_mult == 1:
        return t % period, period
    m = period_mult

    def start(i):
        return period * (m**i - 1) // (m - 1)

    i = int(math.log(t * (m - 1) // period + 1, m))
    while i > 0 and start(i) > t:
        i -= 1
    while start(i + 1) <= t:
        i += 1
    return t - start(i), period * m**i


def cosine_warm_restarts(lr_max: float, period: int, period_mult: int = 1, lr_min: float = 0.0) -> Schedule:
    """SGD with warm restarts (Loshchilov & Hutter, 2017), as CosineAnnealingWarmRestarts:
    ε_t = ε_min + ½(ε_max − ε_min)(1 + cos(π t_cur / T_i)), where t_cur counts the steps since the
    last restart and the period T_i starts at `period` and is multiplied by `period_mult` at each
    restart. period, period_mult: whole numbers >= 1; 0 <= lr_min <= lr_max. ε_t costs O(1)."""
    lr_max = check_positive(lr_max, "lr_max")
    lr_min = check_positive(lr_min, "lr_min", allow_zero=True)
    if lr_min > lr_max:
        raise ValueError(f"lr_min must be <= lr_max, got lr_min = {lr_min:g} > lr_max = {lr_max:g}")
    period = check_whole(period, "period", minimum=1)
    period_mult = check_whole(period_mult, "period_mult", minimum=1)

    def schedule(t):
        t_cur, length = _cycle(_step(t), period, period_mult)
        return _cosine(lr_max, lr_min, t_cur / length)

    return schedule


@dataclass(frozen=True)
class PlateauState:
    """What `reduce_on_plateau` remembers between epochs: the rate, the best validation loss so
    far, the epochs since it last improved, and the epochs of cooldown left."""

    lr: float
    best: float = math.inf
    bad_epochs: int = 0
    cooldown_left: int = 0


_MIN_DECAY = 1e-8  # torch's `eps`: a cut smaller than this is skipped


@dataclass(frozen=True)
class ReduceOnPlateau:
    """Halve the learning rate when the validation loss stops improving (Lecture 3), as
    torch.optim.lr_scheduler.ReduceLROnPlateau(mode="min"):

        state = plateau.init()                 # PlateauState(lr=lr0, best=inf, ...)
        state = plateau.step(state, val_loss)  # once per epoch; the new rate is state.lr

    A loss L improves on the best so far if L < best·(1 − threshold) (threshold_mode "rel") or
    L < best − threshold ("abs"). After more than `patience` epochs without improvement the rate
    becomes max(factor·lr, min_lr), and the next `cooldown` epochs count as neither good nor bad."""

    lr0: float
    factor: float
    patience: int
    threshold: float
    threshold_mode: str
    cooldown: int
    min_lr: float

    def init(self) -> PlateauState:
        return PlateauState(self.lr0)

    def improves(self, val_loss: float, best: float) -> bool:
        if self.threshold_mode == "rel":
            return val_loss < best * (1 - self.threshold)
        return val_loss < best - self.threshold

    def step(self, state: PlateauState, val_loss) -> PlateauState:
        """The state after an epoch whose validation loss is `val_loss` (a finite number).
        Raises TypeError/ValueError for another `state` or `val_loss`."""
        if not isinstance(state, PlateauState):
            raise TypeError(f"state must be the PlateauState that init() or step() returned, "
                            f"got {type(state).__name__}")
        val_loss = check_real(val_loss, "val_loss")
        if self.improves(val_loss, state.best):
            state = replace(state, best=val_loss, bad_epochs=0)
        else:
            state = replace(state, bad_epochs=state.bad_epochs + 1)
        if state.cooldown_left > 0:  # bad epochs do not count during the cooldown
            state = replace(state, cooldown_left=state.cooldown_left - 1, bad_epochs=0)
        if state.bad_epochs > self.patience:
            lr = max(state.lr * self.factor, self.min_lr)
            state = replace(state, lr=lr if state.lr - lr > _MIN_DECAY else state.lr,
                            bad_epochs=0, cooldown_left=self.cooldown)
        return state


def reduce_on_plateau(lr0: float, factor: float = 0.5, patience: int = 10, threshold: float = 1e-4,
                      threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0) -> ReduceOnPlateau:
    """A `ReduceOnPlateau` (see there): lr0 > 0; factor in (0, 1) (½: Lecture 3's halving);
    patience and cooldown whole numbers >= 0; threshold >= 0 (< 1 when relative); threshold_mode
    "rel" or "abs"; 0 <= min_lr <= lr0. The defaults are PyTorch's, except factor (0.1 there).
    Raises TypeError/ValueError naming the argument otherwise."""
    lr0 = check_positive(lr0, "lr0")
    factor = check_in_range(factor, "factor", 0, 1)
    patience = check_whole(patience, "patience")
    threshold_mode = check_choice(threshold_mode, "threshold_mode", ["rel", "abs"])
    if threshold_mode == "rel":
        threshold = check_in_range(threshold, "threshold", 0, 1, low_open=False)
    else:
        threshold = check_positive(threshold, "threshold", allow_zero=True)
    cooldown = check_whole(cooldown, "cooldown")
    min_lr = check_positive(min_lr, "min_lr", allow_zero=True)
    if min_lr > lr0:
        raise ValueError(f"min_lr must be <= lr0, got min_lr = {min_lr:g} > lr0 = {lr0:g}")
    return ReduceOnPlateau(lr0, factor, patience, threshold, threshold_mode, cooldown, min_lr)


SCHEDULES = {"constant": constant, "linear decay": linear_decay, "1/(1 + decay·t)": inverse_time,
             "step (halving)": step_decay, "1-cycle": one_cycle, "cosine, warm restarts": cosine_warm_restarts}
