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
