"""The bridge between the rules of `optim` and torch.optim (lecturelib.torch_optim), both ways:
`TorchOptimizer` trains a torch.nn.Module with our rule exactly as torch.optim does, and
`from_torch` / `torch_counterpart` run torch.optim's optimisers in our loop, equal to our rules
step for step; careless input gets a clear answer."""

import numpy as np
import pytest
import torch

from lecturelib import optim, problems, torch_optim
from lecturelib.trajectory import run
from test_optim import CASES


@pytest.fixture(autouse=True)
def float64_by_default():
    """torch.optim keeps scalar state (NAdam's product of the μ_k) in the default dtype."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


# -- TorchOptimizer: our rule in torch's loop -------------------------------------------------

# (RMSProp at ε = 0.003 meets a gradient component near 0 on this network, where its step
# ε·g/√r flips with g's last bit: 2e-8 apart after 50 steps, rounding amplified, not a
# different rule; at ε = 0.01 the two agree to 1e-15.)
MODULE_CASES = ["SGD", "momentum", "Nesterov, lecture form (gradient at θ + βv)", "AdaGrad", "Adam",
                "AMSGrad", "AdaMax", "Nadam", "AdaDelta", "RMSProp, ε = 0.01", "AdamW"]


@pytest.mark.parametrize("name", MODULE_CASES)
def test_torch_adapter_trains_a_module_exactly_like_torch_optim(name):
    ours, theirs_cls, kwargs = CASES[name]
    torch.manual_seed(0)
    data, target = torch.randn(32, 4, dtype=torch.float64), torch.randn(32, 2, dtype=torch.float64)
    models = []
    for _ in range(2):
        torch.manual_seed(1)
        models.append(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double())
    optimisers = [torch_optim.TorchOptimizer(models[0].parameters(), ours), theirs_cls(models[1].parameters(), **kwargs)]
    for _ in range(50):
        for model, opt in zip(models, optimisers):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(data), target).backward()
            opt.step()
    for a, b in zip(models[0].parameters(), models[1].parameters()):
        assert torch.allclose(a, b, rtol=0, atol=1e-10), name


def test_adapter_rejects_something_that_is_not_a_rule():
    with pytest.raises(TypeError, match="rule must be"):
        torch_optim.TorchOptimizer([torch.zeros(2, requires_grad=True)], torch.optim.SGD)


# -- from_torch and torch_counterpart: torch.optim's rule in our loop ---------------------------


def test_from_torch_in_the_one_loop_visits_the_points_of_torch_optims_own_loop():
    rosenbrock, start = problems.rosenbrock(), np.array([-1.2, 1.0])
    path = run(torch_optim.from_torch("Adam", lr=0.01), rosenbrock, start, 100)
    p = torch.tensor(start, requires_grad=True)
    adam = torch.optim.Adam([p], lr=0.01)
    expected = [start.copy()]
    for _ in range(100):
        p.grad = torch.tensor(rosenbrock.grad(p.detach().numpy()))
        adam.step()
        expected.append(p.detach().numpy().copy())
    np.testing.assert_allclose(path.points, expected, rtol=0, atol=1e-12)
    assert path.method == "torch.optim.Adam"


@pytest.mark.parametrize("name", [n for n, e in optim.REGISTRY.items() if e.torch is not None])
def test_every_registered_counterpart_follows_our_rule_for_50_noisy_steps(name):
    """What chapter 4's table claims, rule by rule: ours and torch's through the same loop."""
    canyon, start = problems.canyon(20.0), np.array([-5.0, 2.5])
    noise = np.random.default_rng(6).normal(scale=0.3, size=(50, 2))
    pair = torch_optim.torch_counterpart(name, lr=optim.REGISTRY[name].lr)
    ours, theirs = (run(rule, canyon, start, 50, gradient=lambda t, k: canyon.grad(t) + noise[k])
                    for rule in pair)
    assert np.abs(ours.points - theirs.points).max() < 1e-10


def test_the_bridge_names_what_it_cannot_build():
    with pytest.raises(ValueError, match="cls must be one of"):
        torch_optim.from_torch("Adamm", lr=0.1)
    with pytest.raises(ValueError, match="name must be one of"):
        torch_optim.torch_counterpart("Adamm")
    assert torch_optim.torch_counterpart("RMSProp + Nesterov") is None
    assert torch_optim.torch_counterpart("momentum", weight_decay=0.1) is None  # torch has no SGDW


import pytest
import torch
from bad_input import clear_answer
from lecturelib import optim, torch_optim


def test_torch_adapter_answers_careless_parameters_and_gradients_clearly():
    for bad in (None, [], 3, ["p"]):
        clear_answer(lambda: torch_optim.TorchOptimizer(bad, optim.sgd(0.1)), names=["params"])
    p = torch.zeros(2, requires_grad=True)
    adapter = torch_optim.TorchOptimizer([p], optim.adam(0.1))
    p.grad = torch.tensor([float("nan"), 1.0])
    with pytest.raises(ValueError, match="grad contains NaN"):
        adapter.step()
    assert torch.equal(p.detach(), torch.zeros(2))  # nothing was changed
