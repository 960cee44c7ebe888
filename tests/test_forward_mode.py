"""The forward-mode engine (dual numbers, lecturelib.forward_mode) against torch.autograd on
random expression trees (hypothesis), against the reverse-mode engine, and on bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from expression_trees import (check_engine_against_torch, evaluate, points, torch_reference,
                              trees, uses_a_variable)
from lecturelib import autodiff as ad
from lecturelib import forward_mode as fm
from lecturelib.forward_mode import Dual


@settings(max_examples=300, deadline=None)
@given(tree=trees, x=points)
def test_random_expression_matches_torch_in_value_and_gradient(tree, x):
    check_engine_against_torch(fm.gradient, Dual, tree, x)


@settings(max_examples=100, deadline=None)
@given(tree=trees, x=points, v=points)
def test_one_pass_gives_the_directional_derivative_v_dot_grad(tree, x, v):
    assume(uses_a_variable(tree))
    reference = torch_reference(tree, x)
    assume(reference is not None)
    try:
        (value,), (directional,) = fm.jvp(lambda *a: evaluate(tree, a, Dual), x, v)
    except ValueError:
        assume(False)
    expected = float(np.dot(v, reference[1]))
    assert math.isclose(directional, expected, rel_tol=1e-8,
                        abs_tol=1e-9 * (1 + np.abs(reference[1]).max()))


def test_worked_example_of_the_lecture():
    value, grads = fm.gradient(lambda x, y, z: (x + y) * z, [1.0, -3.0, 4.0])
    assert value == -8.0 and grads == [4.0, 4.0, -2.0]


def test_forward_and_reverse_jacobians_agree_with_torch_for_r_to_rm():
    def f(t):
        return [t * t, t.exp(), t.sigmoid(), (t + 1.0).log()]

    forward = np.array(fm.jacobian(lambda t: f(t), [0.4]))
    reverse = np.array(ad.jacobian(lambda t: f(t), [0.4]))
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.stack([t * t, t.exp(), t.sigmoid(), (t + 1).log()]).reshape(4, 1),
        torch.tensor([0.4], dtype=torch.float64)).numpy().reshape(4, 1)
    np.testing.assert_allclose(forward, expected, rtol=1e-12)
    np.testing.assert_allclose(reverse, expected, rtol=1e-12)


@given(x=st.floats(-5, 5))
def test_derivative_of_tanh_is_one_minus_tanh_squared(x):
    value, slope = fm.derivative(lambda a: a.tanh(), x)
    assert math.isclose(slope, 1 - math.tanh(x) ** 2, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("operand", ["2", None, [1.0], 1 + 2j, True])
def test_unsupported_operand_types_raise_type_error(operand):
    with pytest.raises(TypeError, match="allowed are Dual, int and float"):
        Dual(1.0, 1.0) * operand
    with pytest.raises(TypeError, match="allowed are Dual, int and float"):
        operand - Dual(1.0, 1.0)


@pytest.mark.parametrize("build, words", [
    (lambda: Dual(0.0, 1.0).log(), "positive"),
    (lambda: Dual(1.0, 1.0) / 0, "division by zero"),
    (lambda: Dual(-2.0, 1.0) ** 1.5, "integer exponent"),
    (lambda: Dual(900.0, 1.0).exp(), "overflows"),
])
def test_operations_outside_their_domain_raise_value_error(build, words):
    with pytest.raises(ValueError, match=words):
        build()


def test_gradient_refuses_several_outputs_and_mismatched_directions():
    with pytest.raises(ValueError, match="one scalar"):
        fm.gradient(lambda a, b: [a, b], [1.0, 2.0])
    with pytest.raises(ValueError, match="same length"):
        fm.jvp(lambda a, b: a * b, [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="exponent"):
        Dual(2.0) ** Dual(1.0)
