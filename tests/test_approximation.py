"""Sigmoid bumps and the sawtooth (lecturelib.approximation): bumps against scipy's expit,
the staircase error falling like 1/N, and the exact deep and shallow ReLU sawtooth networks
against the composed tent map, with their parameter counts in closed form."""

import numpy as np
import pytest
import torch
from scipy.special import expit

from lecturelib import approximation as ap
from lecturelib.networks import mlp

x = np.linspace(0, 1, 2001)


def test_bump_is_the_difference_of_two_steep_sigmoids():
    expected = 2.5 * (expit(80 * (x - 0.3)) - expit(80 * (x - 0.6)))
    np.testing.assert_allclose(ap.bump(x, 0.3, 0.6, 2.5, 80), expected, atol=1e-14)
    assert ap.bump(0.45, 0.3, 0.6, 2.5, 1000) == pytest.approx(2.5)
    assert ap.bump(0.9, 0.3, 0.6, 2.5, 1000) == pytest.approx(0.0, abs=1e-12)


def test_a_sum_of_bumps_is_a_staircase_through_the_midpoint_values():
    edges, heights = ap.bump_heights(np.cos, 4)
    np.testing.assert_allclose(heights, np.cos([0.125, 0.375, 0.625, 0.875]))
    np.testing.assert_allclose(ap.bump_sum(np.array([0.125, 0.625]), edges, heights, 200.0),
                               np.cos([0.125, 0.625]), atol=1e-12)


def test_the_error_of_n_bumps_falls_like_one_over_n():
    target = lambda t: np.sin(2 * np.pi * t) + t  # Lipschitz constant 2π + 1
    errors = []
    for n in (8, 16, 32, 64, 128):
        edges, heights = ap.bump_heights(target, n)
        errors.append(np.mean(np.abs(ap.bump_sum(x, edges, heights) - target(x))))
    slope = np.polyfit(np.log([8, 16, 32, 64, 128]), np.log(errors), 1)[0]
    assert -1.15 < slope < -0.85
    assert errors[-1] < 0.03


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 7])
def test_deep_and_shallow_relu_networks_compute_the_sawtooth_exactly(depth):
    reference = x.copy()
    for _ in range(depth):
        reference = np.where(reference < 0.5, 2 * reference, 2 - 2 * reference)
    np.testing.assert_allclose(ap.sawtooth(x, depth), reference, atol=1e-12)
    grid = torch.tensor(x, dtype=torch.float64)[:, None]
    for model in (ap.deep_sawtooth_network(depth), ap.shallow_sawtooth_network(depth)):
        np.testing.assert_allclose(model(grid).detach().numpy()[:, 0], reference, atol=1e-12)
    assert ap.count_parameters(ap.deep_sawtooth_network(depth)) == 6 * depth + 1
    assert ap.count_parameters(ap.shallow_sawtooth_network(depth)) == 3 * 2**depth + 1


def test_the_sawtooth_has_two_to_the_depth_linear_pieces():
    fine = np.linspace(0, 1, 2**12 + 1)
    slopes = np.sign(np.diff(ap.sawtooth(fine, 5)))
    assert 1 + np.count_nonzero(np.diff(slopes)) == 2**5


def test_count_parameters_is_fan_in_plus_one_times_fan_out():
    assert ap.count_parameters(mlp([3, 5, 2])) == (3 + 1) * 5 + (5 + 1) * 2


def test_full_batch_training_lowers_the_loss_and_reports_divergence():
    grid = torch.linspace(0, 1, 50)[:, None]
    history = ap.fit_full_batch(mlp([1, 8, 1], "tanh"), grid, torch.sin(3 * grid), steps=200)
    assert history[-1] < 0.25 * history[0]
    with pytest.raises(ValueError, match="diverged at step"):
        ap.fit_full_batch(mlp([1, 8, 1], "relu"), grid, 1e30 * grid, steps=50, lr=1e30)


@pytest.mark.parametrize("call,words", [
    (lambda: ap.bump(x, 0.6, 0.3), "left < right"),
    (lambda: ap.step(x, 0.5, 0.0), "steepness must be > 0"),
    (lambda: ap.bump_heights(np.sin, 0), "n_bumps must be a whole number >= 1"),
    (lambda: ap.bump_sum(x, [0, 0.5, 1], [1.0]), "one more edge than heights"),
])
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_full_batch_training_gives_torch_optim_adams_iterates_bit_for_bit():
    grid = torch.linspace(0, 1, 40)[:, None]
    target = torch.sin(6 * grid)
    ours = mlp([1, 8, 8, 1], "relu", seed=3)
    history = ap.fit_full_batch(ours, grid, target, steps=80, lr=0.02)
    theirs = mlp([1, 8, 8, 1], "relu", seed=3)
    adam = torch.optim.Adam(theirs.parameters(), lr=0.02)
    expected = []
    for _ in range(80):
        adam.zero_grad()
        loss = torch.mean((theirs(grid) - target) ** 2)
        expected.append(loss.item())
        loss.backward()
        adam.step()
    assert history[:80] == expected
    assert all(torch.equal(a, b) for a, b in zip(ours.parameters(), theirs.parameters()))


def test_full_batch_training_of_a_frozen_model_is_explained():
    model = mlp([1, 4, 1])
    model.requires_grad_(False)
    grid = torch.linspace(0, 1, 5)[:, None]
    with pytest.raises(ValueError, match="trainable"):
        ap.fit_full_batch(model, grid, grid, steps=3)
