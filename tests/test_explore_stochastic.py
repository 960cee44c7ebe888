"""Chapter 4's minibatch and schedule explorers draw what independent references compute: a
closed form, PyTorch's optimisers and learning-rate schedulers, and hand-written loops of the
lecture's formulas; their method menus come from the optimiser registry."""

import math

import numpy as np
import pytest
import torch

from lecturelib import optim, problems
from lecturelib.explore import minibatch_explorer, schedule_explorer
from lecturelib.explore.stochastic import BATCH_SEED, SCHEDULE_STEPS, SCHEDULE_STRIDE

REGRESSION = problems.lecture_regression(seed=0)
X, Y = REGRESSION.X, REGRESSION.y
THETA0 = np.array([10.0, 5.0])
THETA_STAR = np.linalg.solve(X.T @ X, X.T @ Y)  # the normal equations
F_STAR = float(np.mean((Y - X @ THETA_STAR) ** 2))


def drawn(explorer, **setting):
    """The explorer's lines after `update`: {the line's axes title or label: (x, y)}."""
    explorer.update(**setting)
    lines = {}
    for ax in explorer.fig.axes:
        for line in ax.get_lines():
            key = line.get_label() if line.get_label() == "path" else ax.get_title()
            lines[key] = tuple(np.asarray(v, dtype=float) for v in line.get_data())
    return lines


def batches_in_order(batch_size, steps, seed=BATCH_SEED):
    """The minibatches of every step: each epoch a fresh permutation of the 30 examples, cut in
    30/m pieces (the order `trajectory.minibatch_gradient` documents)."""
    rng, out = np.random.default_rng(seed), []
    while len(out) < steps:
        out += np.array_split(rng.permutation(30), 30 // batch_size)
    return out[:steps]


def excess(points):
    return np.log10(np.maximum(np.mean((Y - points @ X.T) ** 2, axis=1) - F_STAR, 1e-10))


def test_the_full_batch_path_is_gradient_descents_closed_form():
    lines = drawn(minibatch_explorer(), method="SGD", batch_size=30, lr=0.1)
    H = 2 * X.T @ X / 30
    k = np.arange(101)
    expected = THETA_STAR + np.array([np.linalg.matrix_power(np.eye(2) - 0.1 * H, j) @ (THETA0 - THETA_STAR)
                                      for j in k])
    x, y = lines["path"]
    assert np.allclose(np.column_stack([x, y]), expected, rtol=0, atol=1e-10)
    assert np.allclose(lines["excess loss on all 30 examples"][1], excess(expected), atol=1e-6)


@pytest.mark.parametrize("method, lr, torch_optimiser", [
    ("SGD", 0.03, lambda p: torch.optim.SGD(p, lr=0.03)),
    ("momentum", 0.03, lambda p: torch.optim.SGD(p, lr=0.03, momentum=0.9)),
    ("Adam", 0.3, lambda p: torch.optim.Adam(p, lr=0.3, betas=(0.9, 0.999), eps=1e-8)),
])
@pytest.mark.parametrize("batch_size", [1, 5])
def test_a_minibatch_path_is_torch_optim_on_the_same_minibatches(method, lr, torch_optimiser, batch_size):
    lines = drawn(minibatch_explorer(), method=method, batch_size=batch_size, lr=lr)
    theta = torch.tensor(THETA0, dtype=torch.float64, requires_grad=True)
    opt, points = torch_optimiser([theta]), [THETA0]
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    for batch in batches_in_order(batch_size, 100):
        opt.zero_grad()
        index = torch.as_tensor(batch)
        torch.mean((Yt[index] - Xt[index] @ theta) ** 2).backward()
        opt.step()
        points.append(theta.detach().numpy().copy())
    x, y = lines["path"]
    assert np.allclose(np.column_stack([x, y]), points, rtol=0, atol=1e-9)
    assert np.allclose(lines["excess loss on all 30 examples"][1], excess(np.array(points)), atol=1e-6)


def torch_rates(scheduler_for, steps=SCHEDULE_STEPS, lr0=0.1):
    """ε_k for k = 0 … steps − 1 from a torch.optim.lr_scheduler on a throwaway optimiser."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    scheduler, rates = scheduler_for(opt), []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(rates)


S = torch.optim.lr_scheduler


@pytest.mark.parametrize("setting, scheduler_for", [
    (dict(schedule_name="constant"), lambda o: S.LambdaLR(o, lambda k: 1.0)),
    (dict(schedule_name="linear decay", tau=100), lambda o: S.LinearLR(o, 1.0, 0.01, total_iters=100)),
    (dict(schedule_name="1/(1 + decay·k)", decay=0.1), lambda o: S.LambdaLR(o, lambda k: 1 / (1 + 0.1 * k))),
    (dict(schedule_name="halving", every=50), lambda o: S.StepLR(o, step_size=50, gamma=0.5)),
    (dict(schedule_name="1-cycle", pct_start=0.5),
     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=SCHEDULE_STEPS, pct_start=0.5, cycle_momentum=False)),
    (dict(schedule_name="cosine, warm restarts", period=20),
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2)),
])
def test_each_drawn_schedule_is_torchs_scheduler(setting, scheduler_for):
    lines = drawn(schedule_explorer(), lr0=0.1, method="SGD", **setting)
    k, log_rate = lines["learning rate"]
    assert np.array_equal(k, np.arange(0, SCHEDULE_STEPS, SCHEDULE_STRIDE))
    expected = torch_rates(scheduler_for)[k.astype(int)]
    assert np.allclose(10**log_rate, expected, rtol=1e-9, atol=0)


def test_sgd_with_halving_is_the_hand_written_online_loop():
    lines = drawn(schedule_explorer(), schedule_name="halving", every=25, lr0=0.03, method="SGD")
    theta, points = THETA0.copy(), [THETA0]
    for k, (i,) in enumerate(batches_in_order(1, SCHEDULE_STEPS)):
        rate = 0.03 * 0.5 ** (k // 25)
        theta = theta + rate * 2 * (Y[i] - X[i] @ theta) * X[i]  # θ ← θ − ε∇(yᵢ − θᵀxᵢ)²
        points.append(theta)
    k, log_excess = lines["excess loss (m = 1)"]
    assert np.allclose(log_excess, excess(np.array(points))[k.astype(int)], atol=1e-6)


def test_a_constant_rate_stalls_where_a_decaying_one_goes_on():
    """The explorer's lesson: at the end, the halving schedule's loss is far below the constant's."""
    explorer = schedule_explorer()
    end = {name: drawn(explorer, schedule_name=name, lr0=0.1, method="SGD")["excess loss (m = 1)"][1][-10:].mean()
           for name in ("constant", "halving")}
    assert end["halving"] < end["constant"] - 1  # more than ten times lower


def test_both_method_menus_are_the_registry():
    def rule(g, s, lr, theta):
        return -lr * np.sign(g), {}

    entry = optim.Entry("sign descent", lambda lr=0.01: optim.Optimizer("sign descent", rule, lr),
                        dict(lr=optim.LR), "testing the registry", 0.01)
    optim.register(entry)
    try:
        for make in (minibatch_explorer, schedule_explorer):
            explorer = make()
            assert tuple(explorer.controls["method"]) == tuple(optim.REGISTRY)
            explorer.update(method="sign descent")
            assert explorer.fig._suptitle.get_text().startswith("sign descent, ")
    finally:
        optim.unregister("sign descent")
    assert math.isclose(len(minibatch_explorer().controls["method"]), len(optim.REGISTRY))


def test_halving_more_often_ends_lower_from_a_large_rate_and_higher_from_a_small_one():
    """The narrative: from ε₀ = 0.1, halving every 150, 100, 50 steps ends lower each time; from
    ε₀ = 0.03 the same ends higher each time (the rate shrinks before the run arrives)."""
    explorer = schedule_explorer()

    def end(every, lr0):  # log₁₀ of the excess loss, the mean of the last ten points drawn
        lines = drawn(explorer, schedule_name="halving", every=every, lr0=lr0, method="SGD")
        return lines["excess loss (m = 1)"][1][-10:].mean()

    assert end(150, 0.1) > end(100, 0.1) > end(50, 0.1)
    assert end(150, 0.03) < end(100, 0.03) < end(50, 0.03) < end(25, 0.03)
    assert end(25, 0.03) > end(150, 0.1) + 3  # stopped short: a thousand times higher


def test_the_smaller_the_batch_the_higher_the_floor():
    explorer = minibatch_explorer()
    end = [drawn(explorer, method="SGD", batch_size=m, lr=0.1)["excess loss on all 30 examples"][1][-20:].mean()
           for m in (1, 2, 5, 10, 30)]
    assert all(a > b for a, b in zip(end, end[1:]))
