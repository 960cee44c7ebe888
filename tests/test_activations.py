"""Every activation of the catalogue and its derivative against its PyTorch reference and
torch.autograd (float64), on a grid that includes 0, large ±x and the kinks, at its default
parameters and across each explored parameter's range; then softmax and maxout, the lecture's
ranges, bad input, and the catalogue itself.

The cases are read from the registry (`activations.ACTIVATIONS`): a new entry is tested with no
edit here (tests/test_new_activation.py shows it). Each reference is written with torch's own
operations; Soboleva's, a rewriting that does not overflow, is itself checked against the
slide's formula below."""

import math

import numpy as np
import pytest
import torch
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


def torch_cases() -> list:
    """(name, parameters) for every catalogue entry with a PyTorch reference: at its defaults,
    then each explored parameter at each value of its sweep, the others at their defaults."""
    cases = []
    for entry in A.ACTIVATIONS.values():
        if entry.torch is None:
            continue
        cases.append(pytest.param(entry.name, {}, id=entry.name))
        for p in entry.params:
            for value in p.sweep():
                if value != p.default:
                    shown = value if isinstance(value, str) else f"{value:g}"
                    cases.append(pytest.param(entry.name, {p.name: value}, id=f"{entry.name}-{p.name}={shown}"))
    return cases


TORCH_CASES = torch_cases()
TESTED_WITHOUT_TORCH = {"binary step": "test_binary_step_values_match_torch_heaviside_and_derivative_is_zero_off_the_kink"}


def reference(name, params):
    """The entry's PyTorch reference with its defaults and `params`, a function of a tensor."""
    entry = A.ACTIVATIONS[name]
    return lambda t: entry.torch(t, **{**entry.defaults, **params})


def torch_value_and_grad(fn, x):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("name, params", TORCH_CASES)
def test_activation_and_derivative_match_torch(name, params):
    """Where a reference written as on the slide overflows into NaN (Soboleva's e^{ax} beyond
    |x| ≈ 700/a), it says nothing: it must hold for |x| <= 100, and mpmath checks the rest
    (tests/test_bad_input_activations_autodiff.py)."""
    entry = A.ACTIVATIONS[name]
    value, grad = torch_value_and_grad(reference(name, params), GRID)
    holds = ~(np.isnan(value) | np.isnan(grad))
    assert holds[np.abs(GRID) <= 100].all(), f"the torch reference of {name} is NaN for |x| <= 100"
    np.testing.assert_allclose(entry(GRID, **params)[holds], value[holds], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(entry.prime(GRID, **params)[holds], grad[holds], rtol=1e-10, atol=1e-14)


def test_every_activation_is_compared_with_torch_or_tested_on_its_own():
    without = {name for name, entry in A.ACTIVATIONS.items() if entry.torch is None}
    assert without <= set(TESTED_WITHOUT_TORCH), f"{without - set(TESTED_WITHOUT_TORCH)} have no torch reference"
    assert all(name in globals() for name in TESTED_WITHOUT_TORCH.values())
    compared = {case.values[0] for case in TORCH_CASES}
    assert compared == set(A.ACTIVATIONS) - without
    swept = {(case.values[0], p) for case in TORCH_CASES for p in case.values[1]}
    assert swept == {(entry.name, p.name) for entry in A.ACTIVATIONS.values() if entry.torch
                     for p in entry.params if p.explored}, "every explored parameter is swept"


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


@pytest.mark.parametrize("name", list(A.ACTIVATIONS))
def test_no_overflow_warnings_at_extreme_inputs(name):
    import warnings

    activation = A.ACTIVATIONS[name]
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


# -- the catalogue ---------------------------------------------------------------------------

def test_each_parameters_default_is_the_default_of_its_functions():
    import inspect

    for entry in A.ACTIVATIONS.values():
        for function in (entry.rho, entry.rho_prime):
            keywords = {k: v.default for k, v in inspect.signature(function).parameters.items() if k != "x"}
            assert keywords == entry.defaults, f"{entry.name}: {function.__name__} has defaults {keywords}"


def test_the_catalogue_table_has_one_row_per_activation_with_its_formulas():
    lines = A.catalogue_table().splitlines()
    assert lines[0].count("|") == 6 and set(lines[1]) == {"|", "-"}
    rows = [line.split(" | ") for line in lines[2:]]
    assert [row[0].strip("| ") for row in rows] == list(A.ACTIVATIONS)
    for row, entry in zip(rows, A.ACTIVATIONS.values()):
        assert len(row) == 5 and row[1] == entry.formula and row[3] == entry.lecture_range
    assert "| SiLU | " in A.catalogue_table() and "$[-0.278, \\infty)$ | $[-0.2785, \\infty)$" in A.catalogue_table()
    for entry in A.ACTIVATIONS.values():  # Markdown with its mathematics in $…$: a cell can wrap
        for text in (entry.formula, entry.derivative, entry.lecture_range, entry.range):
            assert text.count("$") % 2 == 0 and text.count("$") >= 2 and "|" not in text, (entry.name, text)


def test_the_families_split_the_catalogue_in_order():
    members = [a.name for family in A.FAMILIES for a in A.in_family(family)]
    assert sorted(members) == sorted(A.ACTIVATIONS)
    assert [a.name for a in A.in_family("other")][:2] == ["Gaussian", "softplus"]  # then any added later
    with pytest.raises(ValueError, match="family must be one of 'classic'"):
        A.in_family("exotic")


def entry(**changes):
    fields = dict(name="test entry", rho=A.tanh, rho_prime=A.tanh_prime, formula="", derivative="",
                  lecture_range="", range="", family="other")
    return A.Activation(**{**fields, **changes})


def test_a_malformed_entry_or_parameter_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="family must be one of"):
        entry(family="exotic")
    with pytest.raises(TypeError, match="rho_prime must be a function"):
        entry(rho_prime=None)
    with pytest.raises(TypeError, match="torch must be"):
        entry(torch="tanh")
    with pytest.raises(ValueError, match="two parameters share a name"):
        entry(params=[A.Parameter("k", 1.0), A.Parameter("k", 2.0)])
    with pytest.raises(ValueError, match="default -1 lies outside allowed"):
        A.Parameter("k", -1, allowed=(0.0, math.inf))
    with pytest.raises(ValueError, match="explore .* inside allowed"):
        A.Parameter("k", 1.0, allowed=(0.0, math.inf), explore=(-1.0, 2.0))
    with pytest.raises(ValueError, match="page value 3 lies outside explore"):
        A.Parameter("k", 1.0, explore=(0.0, 2.0), page=(0.5, 3))
    with pytest.raises(ValueError, match="not one of its choices"):
        A.Parameter("form", "fast", choices=("none", "tanh"))
    with pytest.raises(TypeError, match="explore must be a pair"):
        A.Parameter("k", 1.0, explore=[0.0, 2.0])


def test_register_refuses_a_second_entry_of_the_same_name_and_anything_else():
    with pytest.raises(ValueError, match="'ELU' is already registered"):
        A.register(entry(name="ELU"))
    with pytest.raises(TypeError, match="register takes an Activation"):
        A.register("ELU")
    assert "test entry" not in A.ACTIVATIONS


def test_an_unknown_parameter_is_a_type_error_listing_the_parameters():
    with pytest.raises(TypeError, match="ELU has no parameter 'beta'; its parameters: alpha"):
        A.ACTIVATIONS["ELU"]([1.0], beta=2.0)
    with pytest.raises(TypeError, match="ReLU has no parameter 'alpha'; its parameters: none"):
        A.ACTIVATIONS["ReLU"].prime([1.0], alpha=2.0)


def test_a_parameters_slider_page_and_sweep_hold_its_default_and_ends():
    alpha = A.ACTIVATIONS["PReLU"].parameter("alpha")
    assert alpha.slider()[0] == 0.0 and alpha.slider()[-1] == 2.0 and 0.25 in alpha.slider()
    assert len(alpha.slider()) == A.catalogue.SLIDER_STEPS + 1 and alpha.slider()[1] == 0.1
    assert 0.25 in alpha.page_values() and alpha.sweep() == [0.0, 0.25, 1.0, 2.0]
    slope = A.ACTIVATIONS["leaky ReLU"].parameter("slope")
    assert not slope.explored and slope.slider() == slope.page_values() == slope.sweep() == [0.01]
    assert A.ACTIVATIONS["GELU"].parameter("approximate").sweep() == ["none", "tanh"]
    assert alpha.allows(0.0) and not alpha.allows(-0.1) and not alpha.allows(True) and not alpha.allows(math.nan)
