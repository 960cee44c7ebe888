"""Schedules against torch.optim.lr_scheduler (1-cycle, warm restarts, step decay, 1/(1+decay·t))
and against the lecture's formula for linear decay."""

import numpy as np
import pytest
import torch

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
