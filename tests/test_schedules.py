"""Schedules against torch.optim.lr_scheduler (1-cycle, warm restarts, step decay, 1/(1+decay·t))
and against the lecture's formula for linear decay."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bad_input import bad_numbers, clear_answer
from lecturelib import schedules as S


def torch_rates(make_scheduler, lr, steps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    scheduler = make_scheduler(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(rates)


def test_one_cycle_matches_torch():
    ours = S.one_cycle(0.1, total_steps=100, pct_start=0.3)
    theirs = torch_rates(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=100,
                                                                        pct_start=0.3, cycle_momentum=False), 0.1, 100)
    np.testing.assert_allclose([ours(t) for t in range(100)], theirs, rtol=1e-10)


@pytest.mark.parametrize("mult", [1, 2])
def test_cosine_warm_restarts_match_torch(mult):
    ours = S.cosine_warm_restarts(0.1, period=10, period_mult=mult, lr_min=0.001)
    theirs = torch_rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        o, T_0=10, T_mult=mult, eta_min=0.001), 0.1, 75)
    np.testing.assert_allclose([ours(t) for t in range(75)], theirs, rtol=1e-10)


def test_step_decay_matches_torch_step_lr():
    theirs = torch_rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5), 0.2, 40)
    np.testing.assert_allclose([S.step_decay(0.2, every=7)(t) for t in range(40)], theirs, rtol=1e-12)


def test_inverse_time_matches_torch_lambda_lr():
    theirs = torch_rates(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + 0.01 * t)), 0.5, 30)
    np.testing.assert_allclose([S.inverse_time(0.5, 0.01)(t) for t in range(30)], theirs, rtol=1e-12)


def test_linear_decay_is_the_lectures_formula_then_constant():
    schedule = S.linear_decay(0.1, 0.001, tau=50)
    for k in (0, 10, 25, 50):
        alpha = k / 50
        assert np.isclose(schedule(k), (1 - alpha) * 0.1 + alpha * 0.001)
    assert schedule(50) == schedule(51) == schedule(10_000) == pytest.approx(0.001)


def test_constant_is_constant():
    assert {S.constant(0.3)(t) for t in range(5)} == {0.3}


@pytest.mark.parametrize("call, message", [
    (lambda: S.constant(0.0), "lr must be > 0"),
    (lambda: S.linear_decay(0.1, 0.01, tau=0), "tau must be a whole number >= 1"),
    (lambda: S.one_cycle(0.1, 100, pct_start=1.5), "pct_start must lie in"),
    (lambda: S.one_cycle(0.1, 10)(10), "past its end"),
    (lambda: S.step_decay(0.1, 5)(-1), "whole number >= 0"),
    (lambda: S.inverse_time(0.1, 0.1)(2.5), "whole number >= 0"),
])
def test_bad_input_is_rejected_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- halving on a plateau of the validation loss, against ReduceLROnPlateau ---------------------

# Validation losses with what a run shows: a fall, plateaus, tiny improvements below a relative
# threshold of 1e-2 but above 1e-4, a rise, another fall and a long flat tail.
LOSSES = ([1.0, 0.8, 0.7, 0.69, 0.7, 0.71, 0.7, 0.695, 0.694, 0.6939, 0.6938, 0.5, 0.5, 0.5, 0.5,
           0.51, 0.52, 0.49, 0.4899, 0.48, 0.4799, 0.4798, 0.4797]
          + [0.47] * 6 + [0.3, 0.29, 0.2899] + [0.2899] * 30 + [0.1] + [0.1] * 20)


def torch_plateau_rates(losses, **kwargs):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=kwargs.pop("lr"))
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, **kwargs)
    rates = []
    for loss in losses:
        scheduler.step(loss)
        rates.append(opt.param_groups[0]["lr"])
    return rates


@pytest.mark.parametrize("config", [
    dict(lr=0.1),  # torch's defaults: patience 10, threshold 1e-4 (relative), no cooldown
    dict(lr=0.1, patience=0),
    dict(lr=0.1, patience=2),
    dict(lr=0.1, patience=2, threshold=1e-2),
    dict(lr=0.1, patience=1, threshold=0.005, threshold_mode="abs"),
    dict(lr=0.1, patience=1, cooldown=3),
    dict(lr=0.1, patience=0, cooldown=1, min_lr=0.01),
    dict(lr=0.1, patience=3, threshold=0.0, min_lr=0.02),
    dict(lr=1e-7, patience=0),  # cuts below 1e-8 are skipped, as torch does
])
def test_reduce_on_plateau_matches_torch_step_for_step(config):
    theirs = torch_plateau_rates(LOSSES, **config)
    kwargs = dict(config)
    plateau = S.reduce_on_plateau(kwargs.pop("lr"), factor=0.5, **kwargs)
    state, ours = plateau.init(), []
    for loss in LOSSES:
        state = plateau.step(state, loss)
        ours.append(state.lr)
    assert ours == pytest.approx(theirs, rel=1e-15, abs=0)
    assert len(set(theirs)) > 1 or config["lr"] < 1e-7  # the sequence does trigger cuts


def test_reduce_on_plateau_halves_after_patience_bad_epochs_by_hand():
    """patience 2: the best is 1.0 after epoch 1; epochs 2, 3, 4 do not improve; the third of
    them (more than 2) halves the rate."""
    plateau = S.reduce_on_plateau(0.4, patience=2)
    state, rates = plateau.init(), []
    for loss in (1.0, 1.0, 1.2, 1.1, 1.3, 0.5):
        state = plateau.step(state, loss)
        rates.append(state.lr)
    assert rates == [0.4, 0.4, 0.4, 0.2, 0.2, 0.2]
    assert state.best == 0.5 and state.bad_epochs == 0


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(["lr0", "factor", "patience", "threshold", "threshold_mode", "cooldown",
                             "min_lr"]),
       bad=st.one_of(bad_numbers(), st.sampled_from(["rel", "abs", "max", None])))
def test_reduce_on_plateau_answers_careless_hyper_parameters_clearly(name, bad):
    def rates():
        plateau = S.reduce_on_plateau(**{"lr0": 0.1, name: bad})
        state, out = plateau.init(), []
        for loss in LOSSES[:20]:
            state = plateau.step(state, loss)
            out.append(state.lr)
        return out

    answer = clear_answer(rates, names=[name])
    if isinstance(answer, list):
        assert all(math.isfinite(rate) and rate > 0 for rate in answer)


@settings(max_examples=60, deadline=None)
@given(val_loss=bad_numbers(), state=st.sampled_from([None, "state", {"lr": 0.1}, 0.1]))
def test_reduce_on_plateau_step_answers_careless_losses_and_states_clearly(val_loss, state):
    plateau = S.reduce_on_plateau(0.1)
    answer = clear_answer(lambda: plateau.step(plateau.init(), val_loss), names=["val_loss"])
    if not isinstance(answer, Exception):
        assert answer.lr == 0.1 and answer.best == val_loss
    clear_answer(lambda: plateau.step(state, 0.5), names=["state"])


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

import time  # noqa: E402
from bad_input import SOME, time_limit  # noqa: E402


SCHEDULE_ARGS = {
    S.constant: dict(lr=0.1),
    S.linear_decay: dict(lr0=0.1, lr_tau=0.001, tau=50),
    S.inverse_time: dict(lr0=0.1, decay=0.01),
    S.step_decay: dict(lr0=0.1, every=7, factor=0.5),
    S.one_cycle: dict(lr_max=0.1, total_steps=100, pct_start=0.3, div_factor=25.0, final_div_factor=1e4),
    S.cosine_warm_restarts: dict(lr_max=0.1, period=10, period_mult=2, lr_min=0.001),
}

@SOME
@given(case=st.sampled_from([(f, name) for f, kwargs in SCHEDULE_ARGS.items() for name in kwargs]),
       bad=bad_numbers())
def test_schedule_factories_answer_careless_hyper_parameters_clearly(case, bad):
    factory, name = case
    kwargs = {**SCHEDULE_ARGS[factory], name: bad}

    def rates():
        schedule = factory(**kwargs)
        last = int(kwargs["total_steps"]) - 1 if factory is S.one_cycle else 10**6
        return [schedule(min(t, last)) for t in (0, 1, 2, 9, 10, 11, 99, 10**6)]

    answer = clear_answer(rates, names=[name])
    if isinstance(answer, list):
        assert all(math.isfinite(rate) and rate >= 0 for rate in answer), answer

@SOME
@given(factory=st.sampled_from(list(SCHEDULE_ARGS)), t=bad_numbers())
def test_schedules_answer_a_careless_step_clearly(factory, t):
    schedule = factory(**SCHEDULE_ARGS[factory])
    answer = clear_answer(lambda: schedule(t), names=["step"])
    if not isinstance(answer, Exception):
        assert math.isfinite(answer) and answer >= 0  # halving 1000 times underflows to 0

def warm_restart_loop(t, period, period_mult):
    """(steps since the last restart, current period) by walking through the periods."""
    length = period
    while t >= length:
        t, length = t - length, length * period_mult
    return t, length

@pytest.mark.parametrize("period, period_mult", [(1, 1), (10, 1), (7, 1), (1, 2), (10, 2), (3, 3), (5, 7),
                                                 (50, 2), (1, 10)])
def test_warm_restart_closed_form_equals_the_loop_over_many_steps(period, period_mult):
    schedule = S.cosine_warm_restarts(1.0, period, period_mult, lr_min=0.0)
    starts = [period * (period_mult**i - 1) // (period_mult - 1) if period_mult > 1 else period * i
              for i in range(1, 40)]
    steps = sorted(set(range(3000)) | {s + d for s in starts for d in (-1, 0, 1) if 0 <= s + d < 10**12})
    for t in steps:
        t_cur, length = warm_restart_loop(t, period, period_mult)
        expected = 0.5 * (1 + math.cos(math.pi * t_cur / length))
        assert schedule(t) == pytest.approx(expected, rel=1e-12, abs=1e-15), (t, period, period_mult)

@pytest.mark.parametrize("call, name", [
    (lambda: S.cosine_warm_restarts(0.1, 10, period_mult=0.5)(15), "period_mult"),  # used to hang
    (lambda: S.cosine_warm_restarts(0.1, period=0.5)(0), "period"),  # used to hang: int(0.5) = 0
    (lambda: S.linear_decay(0.1, 0.01, tau=0.5), "tau"),  # ZeroDivisionError
    (lambda: S.step_decay(0.1, every=0.5), "every"),  # ZeroDivisionError
    (lambda: S.one_cycle(0.1, 10.5), "total_steps"),  # truncated to 10
    (lambda: S.cosine_warm_restarts(0.1, 10, lr_min=0.2), "lr_min"),
    (lambda: S.step_decay(0.1, 5, factor=2.0), "factor"),  # 2.0 ** (t // 5) overflows
])
def test_schedule_regressions_raise_clear_errors_at_once(call, name):
    with time_limit(2.0), pytest.raises(ValueError, match=name):
        call()

def test_warm_restarts_cost_constant_time_at_huge_steps():
    start = time.perf_counter()
    assert S.cosine_warm_restarts(0.1, 1)(10**9) == 0.1  # every step is a restart
    t_cur, length = warm_restart_loop(2**62, 3, 2)
    expected = 0.05 * (1 + math.cos(math.pi * t_cur / length))
    assert S.cosine_warm_restarts(0.1, 3, 2)(2**62) == pytest.approx(expected)
    assert time.perf_counter() - start < 0.1

def test_one_cycle_whose_warm_up_ends_at_step_0_starts_at_lr_max_then_anneals():
    schedule = S.one_cycle(1.0, 10, pct_start=0.1)  # warm-up to step 0.1·10 − 1 = 0; used to divide by 0
    final = 1.0 / 25 / 1e4
    expected = [final + (1.0 - final) / 2 * (1 + math.cos(math.pi * t / 9)) for t in range(10)]
    np.testing.assert_allclose([schedule(t) for t in range(10)], expected, rtol=1e-14)
