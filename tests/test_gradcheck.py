"""Finite differences and the gradient checker: closed-form derivatives, the error orders
O(h) and O(h²), and a checker that catches a wrong gradient."""

import math

import numpy as np
import pytest
import torch

from lecturelib.gradcheck import (central_difference, forward_difference, gradient_check,
                                  numerical_gradient, relative_error)


def test_central_difference_of_sin_is_close_to_cos():
    assert math.isclose(central_difference(math.sin, 0.7), math.cos(0.7), rel_tol=1e-9)


def test_error_orders_are_h_for_forward_and_h_squared_for_central():
    exact = math.exp(1.0)  # f = exp at x = 1: f′ = f″ = f‴ = e
    for h in (1e-2, 1e-3):
        forward_error = forward_difference(math.exp, 1.0, h) - exact
        central_error = central_difference(math.exp, 1.0, h) - exact
        assert math.isclose(forward_error, h * exact / 2, rel_tol=0.02)  # h f″/2
        assert math.isclose(central_error, h**2 * exact / 6, rel_tol=0.02)  # h² f‴/6


def test_too_small_steps_lose_accuracy_to_round_off():
    exact = math.cos(1.0)
    best = abs(central_difference(math.sin, 1.0, 1e-5) - exact)
    tiny = abs(central_difference(math.sin, 1.0, 1e-13) - exact)
    assert tiny > 100 * best


def test_numerical_gradient_matches_torch_for_a_matrix_argument():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 4))

    def f(W):
        return float(np.sum(np.tanh(W) ** 2 * A))

    W = rng.normal(size=(3, 4))
    t = torch.tensor(W, requires_grad=True)
    (torch.tanh(t) ** 2 * torch.tensor(A)).sum().backward()
    np.testing.assert_allclose(numerical_gradient(f, W), t.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_gradient_check_passes_a_right_gradient_and_catches_a_wrong_one():
    f = lambda x: float(np.sum(x**3))  # noqa: E731
    right = lambda x: 3 * x**2  # noqa: E731
    wrong = lambda x: 2 * x**2  # noqa: E731  (a typical slip)
    x = np.array([0.5, -1.0, 2.0])
    assert gradient_check(f, right, x) < 1e-8
    with pytest.raises(ValueError, match="gradient check failed.*worst entry"):
        gradient_check(f, wrong, x)


def test_relative_error_and_bad_input():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert math.isclose(relative_error([1.0], [3.0]), 0.5)
    with pytest.raises(ValueError, match="different shapes"):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="h must be > 0"):
        central_difference(math.sin, 0.0, h=0.0)
    with pytest.raises(TypeError):
        numerical_gradient(lambda x: 0.0, "abc")
