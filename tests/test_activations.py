"""Every activation and derivative against torch.nn.functional and torch.autograd (float64),
on a grid that includes 0, large ±x and the kinks."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lecturelib import activations as A

GRID = np.unique(np.concatenate([
    np.linspace(-10, 10, 201),            # includes the kink at 0 exactly
    [-1e-12, 1e-12, -1e-6, 1e-6],         # either side of the kink
    [-800.0, -100.0, -40.0, -20.0, 20.0, 40.0, 100.0, 800.0],  # saturation, overflow of e^{±x}
]))
assert 0.0 in GRID

# name -> (torch function of a float64 tensor, our ρ, our ρ′)
TORCH_REFERENCE = {
    "identity": (lambda t: t * 1.0, A.identity, A.identity_prime),
    "sigmoid": (torch.sigmoid, A.sigmoid, A.sigmoid_prime),
    "tanh": (torch.tanh, A.tanh, A.tanh_prime),
    "relu": (F.relu, A.relu, A.relu_prime),
    "leaky_relu": (lambda t: F.leaky_relu(t, 0.01), A.leaky_relu, A.leaky_relu_prime),
    "prelu": (lambda t: F.prelu(t, torch.tensor([0.25], dtype=torch.float64)), A.prelu, A.prelu_prime),
    "prelu_alpha_0.7": (lambda t: F.prelu(t, torch.tensor([0.7], dtype=torch.float64)),
                        lambda x: A.prelu(x, 0.7), lambda x: A.prelu_prime(x, 0.7)),
    "gelu": (lambda t: F.gelu(t, approximate="none"), A.gelu, A.gelu_prime),
    "gelu_tanh": (lambda t: F.gelu(t, approximate="tanh"),
                  lambda x: A.gelu(x, "tanh"), lambda x: A.gelu_prime(x, "tanh")),
    "elu": (F.elu, A.elu, A.elu_prime),
    "elu_alpha_0.5": (lambda t: F.elu(t, alpha=0.5), lambda x: A.elu(x, 0.5), lambda x: A.elu_prime(x, 0.5)),
    "selu": (F.selu, A.selu, A.selu_prime),
    "silu": (F.silu, A.silu, A.silu_prime),
    "gaussian": (lambda t: torch.exp(-t**2), A.gaussian, A.gaussian_prime),
    "softplus": (F.softplus, A.softplus, A.softplus_prime),
}
# torch's softplus returns x itself above x = 20 (and 1 for the derivative), where the exact
# ln(1 + e^x) differs by ln(1 + e^{-x}) < e^{-20} ≈ 2e-9, a relative error below 1e-10.
RTOL = {"softplus": 1e-9}


def torch_value_and_grad(fn, x):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("name", sorted(TORCH_REFERENCE))
def test_activation_and_derivative_match_torch(name):
    torch_fn, rho, rho_prime = TORCH_REFERENCE[name]
    value, grad = torch_value_and_grad(torch_fn, GRID)
    np.testing.assert_allclose(rho(GRID), value, rtol=RTOL.get(name, 1e-12), atol=1e-14)
    np.testing.assert_allclose(rho_prime(GRID), grad, rtol=RTOL.get(name, 1e-10), atol=1e-14)


def test_binary_step_values_match_torch_heaviside_and_derivative_is_zero_off_the_kink():
    expected = torch.heaviside(torch.tensor(GRID), torch.tensor(1.0, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(A.binary_step(GRID), expected)
    off_kink = GRID[np.abs(GRID) > 1e-3]
    h = 1e-6
    finite_difference = (A.binary_step(off_kink + h) - A.binary_step(off_kink - h)) / (2 * h)
    np.testing.assert_array_equal(A.binary_step_prime(off_kink), finite_difference)


def test_soboleva_with_unit_parameters_is_tanh():
    np.testing.assert_allclose(A.soboleva_tanh(GRID), np.tanh(GRID), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(A.soboleva_tanh_prime(GRID), 1 - np.tanh(GRID) ** 2, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("a,b,c,d", [(1.0, 1.0, 1.0, 1.0), (0.5, 1.2, 1.0, 1.5), (2.0, 0.3, 2.0, 0.3),
                                     (1.5, 1.0, 1.0, 1.0)])
def test_soboleva_matches_torch_autograd_of_its_formula(a, b, c, d):
    x = np.linspace(-6, 6, 121)  # moderate x: the torch formula as written overflows beyond ~|x| > 700/max(a..d)

    def formula(t):
        return (torch.exp(a * t) - torch.exp(-b * t)) / (torch.exp(c * t) + torch.exp(-d * t))

    value, grad = torch_value_and_grad(formula, x)
    np.testing.assert_allclose(A.soboleva_tanh(x, a, b, c, d), value, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(A.soboleva_tanh_prime(x, a, b, c, d), grad, rtol=1e-10, atol=1e-14)


def test_soboleva_stays_finite_where_the_formula_as_written_overflows():
    x = np.array([-800.0, 800.0])
    # closed-form asymptotes: ρ ≈ e^{(a-c)x} for x → +∞ and ρ ≈ -e^{(d-b)x} for x → -∞
    a, b, c, d = 0.5, 1.2, 1.0, 1.5
    expected = [-math.exp((d - b) * -800.0), math.exp((a - c) * 800.0)]
    np.testing.assert_allclose(A.soboleva_tanh(x, a, b, c, d), expected, rtol=1e-12)
    np.testing.assert_allclose(A.soboleva_tanh(x), [-1.0, 1.0])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "elu", "selu", "silu", "gelu", "gaussian"])
def test_no_overflow_warnings_at_extreme_inputs(name):
    import warnings

    catalogue = {a.name.lower(): a for a in A.ACTIVATIONS.values()}
    activation = catalogue[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = activation(np.array([-1e6, -800.0, 800.0, 1e6]))
        out_prime = activation.prime(np.array([-1e6, -800.0, 800.0, 1e6]))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(out_prime))


# -- softmax and maxout -------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 7), elements=st.floats(-50, 50)))
def test_softmax_and_its_jacobian_match_torch(x):
    t = torch.tensor(x)
    np.testing.assert_allclose(A.softmax(x), torch.softmax(t, dim=0).numpy(), rtol=1e-12, atol=1e-15)
    expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), t).numpy()
    np.testing.assert_allclose(A.softmax_jacobian(x), expected, rtol=1e-10, atol=1e-15)


def test_softmax_jacobian_is_batched_and_extreme_logits_do_not_overflow():
    x = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    jac = A.softmax_jacobian(x)
    assert jac.shape == (2, 3, 3)
    for row, expected_input in zip(jac, x):
        expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0),
                                                      torch.tensor(expected_input)).numpy()
        np.testing.assert_allclose(row, expected, atol=1e-15)


def test_softmax_along_another_axis_matches_torch():
    x = np.random.default_rng(1).normal(size=(4, 3, 5))
    np.testing.assert_allclose(A.softmax(x, axis=1), torch.softmax(torch.tensor(x), dim=1).numpy(), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=st.floats(-100, 100),
              unique=True))
def test_maxout_and_its_derivative_match_torch_max(x):
    t = torch.tensor(x, requires_grad=True)
    values = torch.max(t, dim=-1).values
    values.sum().backward()
    np.testing.assert_array_equal(A.maxout(x), values.detach().numpy())
    np.testing.assert_array_equal(A.maxout_prime(x), t.grad.numpy())


def test_maxout_groups_by_reshaping():
    x = np.array([1.0, 5.0, 3.0, -2.0, 0.0, -1.0])  # two units of three inputs each
    np.testing.assert_array_equal(A.maxout(x.reshape(2, 3)), [5.0, 0.0])


# -- the ranges the lecture states -----------------------------------------------------------

def test_lecture_range_bounds_against_scipy_minimisation():
    from scipy.optimize import minimize_scalar
    from scipy.special import erf, expit

    gelu_min = minimize_scalar(lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), bracket=(-2, -0.5, 0)).fun
    silu_min = minimize_scalar(lambda x: x * expit(x), bracket=(-3, -1, 0)).fun
    x = np.linspace(-5, 0, 500001)
    assert A.gelu(x).min() == pytest.approx(gelu_min, abs=1e-9)
    assert A.silu(x).min() == pytest.approx(silu_min, abs=1e-9)
    assert gelu_min >= -0.17          # the lecture's GELU range holds
    assert silu_min < -0.278          # the lecture's SiLU bound is slightly too tight
    assert A.selu(-1e3) == pytest.approx(-A.SELU_ALPHA * A.SELU_LAMBDA)
    assert 1.67326 == pytest.approx(A.SELU_ALPHA, abs=1e-5) and 1.0507 == pytest.approx(A.SELU_LAMBDA, abs=1e-4)


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["1.0", None, [1, "a"], np.array([1 + 2j]), [[1, 2], [3]], True])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must"):
        A.sigmoid(bad)


def test_nan_input_is_a_value_error():
    with pytest.raises(ValueError, match="NaN"):
        A.relu([0.0, float("nan")])


@pytest.mark.parametrize("call,message", [
    (lambda: A.prelu([1.0], alpha=-0.1), "alpha must be >= 0, got -0.1"),
    (lambda: A.leaky_relu([1.0], slope=-0.1), "slope must be >= 0, got -0.1"),
    (lambda: A.elu([1.0], alpha=-0.5), "alpha must be >= 0, got -0.5"),
    (lambda: A.elu([1.0], alpha=float("inf")), "must be finite"),
    (lambda: A.gelu([1.0], approximate="erf"), "approximate must be one of 'none', 'tanh'"),
    (lambda: A.softmax(3.0), "vector"),
    (lambda: A.softmax(np.zeros((2, 0))), "at least one entry"),
    (lambda: A.maxout(np.zeros((0,))), "at least one entry"),
])
def test_parameters_out_of_range_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_parameter_of_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="alpha must be a real number"):
        A.prelu([1.0], alpha="0.2")
