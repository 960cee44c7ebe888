"""The sawtooth as torch networks (lecturelib.torch_approximation): the exact deep and shallow
ReLU networks against the composed tent map, their parameter counts in closed form, and
full-batch training through the one loop against torch.optim.Adam."""

import numpy as np
import pytest
import torch

from lecturelib import torch_approximation as ap
from lecturelib.approximation import sawtooth
from lecturelib.torch_networks import mlp
from lecturelib.trajectory import Diverged

x = np.linspace(0, 1, 2001)


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 7])
def test_deep_and_shallow_relu_networks_compute_the_sawtooth_exactly(depth):
    reference = x.copy()
    for _ in range(depth):
        reference = np.where(reference < 0.5, 2 * reference, 2 - 2 * reference)
    np.testing.assert_allclose(sawtooth(x, depth), reference, atol=1e-12)
    grid = torch.tensor(x, dtype=torch.float64)[:, None]
    for model in (ap.deep_sawtooth_network(depth), ap.shallow_sawtooth_network(depth)):
        np.testing.assert_allclose(model(grid).detach().numpy()[:, 0], reference, atol=1e-12)
    assert ap.count_parameters(ap.deep_sawtooth_network(depth)) == 6 * depth + 1
    assert ap.count_parameters(ap.shallow_sawtooth_network(depth)) == 3 * 2**depth + 1


def test_count_parameters_is_fan_in_plus_one_times_fan_out():
    assert ap.count_parameters(mlp([3, 5, 2])) == (3 + 1) * 5 + (5 + 1) * 2


def test_full_batch_training_lowers_the_loss_and_reports_divergence():
    grid = torch.linspace(0, 1, 50)[:, None]
    history = ap.fit_full_batch(mlp([1, 8, 1], "tanh"), grid, torch.sin(3 * grid), steps=200)
    assert history[-1] < 0.25 * history[0]
    with pytest.raises(Diverged, match="diverged at step"):
        ap.fit_full_batch(mlp([1, 8, 1], "relu"), grid, 1e3 * grid, steps=50, lr=1e30)


def test_full_batch_training_gives_torch_optim_adams_iterates():
    """Our Adam (optim.adam on the tensors, through the one loop) against torch.optim.Adam, in
    float64: the same losses and weights to 1e-10 after 80 steps."""
    grid = torch.linspace(0, 1, 40, dtype=torch.float64)[:, None]
    target = torch.sin(6 * grid)
    ours = mlp([1, 8, 8, 1], "relu", seed=3, dtype=torch.float64)
    history = ap.fit_full_batch(ours, grid, target, steps=80, lr=0.02)
    theirs = mlp([1, 8, 8, 1], "relu", seed=3, dtype=torch.float64)
    adam = torch.optim.Adam(theirs.parameters(), lr=0.02)
    expected = []
    for _ in range(80):
        adam.zero_grad()
        loss = torch.mean((theirs(grid) - target) ** 2)
        expected.append(loss.item())
        loss.backward()
        adam.step()
    np.testing.assert_allclose(history[:80], expected, rtol=1e-10)
    assert all(torch.allclose(a, b, rtol=0, atol=1e-10) for a, b in zip(ours.parameters(), theirs.parameters()))


def test_full_batch_training_of_a_frozen_model_is_explained():
    model = mlp([1, 4, 1])
    model.requires_grad_(False)
    grid = torch.linspace(0, 1, 5)[:, None]
    with pytest.raises(ValueError, match="trainable"):
        ap.fit_full_batch(model, grid, grid, steps=3)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from bad_input import case, every_bad_argument_test, message_test  # noqa: E402
from chapter1_data import T  # noqa: E402
from lecturelib import torch_approximation as tap  # noqa: E402


BAD_ARGUMENTS = [
    case("deep_sawtooth_network-depth", lambda v: tap.deep_sawtooth_network(v), ["depth"], (50, 1000)),
    case("shallow_sawtooth_network-depth", lambda v: tap.shallow_sawtooth_network(v), ["depth"], (12, 20)),
    case("count_parameters-model", lambda v: tap.count_parameters(v), ["model"]),
    case("fit_full_batch-steps", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T, steps=v),
         ["steps"], (200, 10**6)),
    case("fit_full_batch-lr", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T, steps=3, lr=v),
         ["lr"]),
    case("fit_full_batch-x", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), v, T, steps=3),
         ["x"]),
    case("fit_full_batch-y", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, v, steps=3),
         ["y"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: tap.deep_sawtooth_network(0), "depth must be a whole number >= 1"),  # was a torch RuntimeError
    (lambda: tap.shallow_sawtooth_network(40), r"depth must lie in \[1, 20\]"),
    (lambda: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T[:, 0], steps=3),
     r"y must be a finite tensor of shape \(8, 1\).*the shape of model\(x\); got \(8,\)"),  # was broadcast to (8, 8)
    (lambda: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T.T, T, steps=3),
     r"x of shape \(1, 8\) does not fit the model"),  # was a torch RuntimeError
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)
