"""Bad input to the library of chapters 2 and 3 (activations, losses, both autodiff engines,
gradient checking, backprop, graph drawing, torch networks): every call either raises a
ValueError/TypeError that names the argument or returns a NaN-free answer
(`bad_input.clear_answer`), and ±∞ gives the limit the mathematics defines, compared with
torch (where torch defines it, else torch at ±1e100: the limit is reached long before) and
with mpmath at 300 digits.
"""

import itertools
import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bad_input import BAD_NUMBERS, bad_numbers, clear_answer
from lecturelib import activations as A
from lecturelib import autodiff as ad
from lecturelib import forward_mode as fm
from lecturelib import gradcheck as G
from lecturelib import graphs, losses as L
from lecturelib import torch_networks as networks
from lecturelib.autodiff import Value
from lecturelib.backprop import backprop
from lecturelib.forward_mode import Dual
from test_activations import TORCH_CASES, reference, torch_value_and_grad

inf, nan = math.inf, math.nan
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- activations ------------------------------------------------------------------------------

# every catalogue entry's ρ and ρ′, with each of its parameters' forms (choices) and its defaults
ELEMENTWISE = [(f"{entry.name}{'′' if prime else ''}", function, params)
               for entry in A.ACTIVATIONS.values() for prime, function in ((False, entry.rho), (True, entry.rho_prime))
               for params in [{}] + [{p.name: c} for p in entry.params for c in p.choices if c != p.default]]
SPECIAL = [0.0, -0.0, inf, -inf, nan, 1e308, -1e308, 800.0, -800.0, 1e-320]
bad_x = st.one_of(bad_numbers(), st.lists(st.one_of(st.sampled_from(SPECIAL), bad_numbers()), max_size=5),
                  arrays(np.float64, st.integers(0, 4), elements=st.sampled_from(SPECIAL)))


@FAST
@given(f=st.sampled_from(ELEMENTWISE), x=bad_x)
def test_every_activation_and_derivative_answers_any_x_clearly(f, x):
    name, function, params = f
    answer = clear_answer(lambda: function(x, **params), names=["x"])
    if not isinstance(answer, Exception):
        assert np.shape(answer) == np.shape(x)  # NaN was refused, so x is an array of numbers


# every numeric parameter of every catalogue entry, for ρ and ρ′: accepted exactly when
# `Parameter.allows` says so
PARAMETERS = [pytest.param(function, p, id=f"{entry.name}{suffix}-{p.name}")
              for entry in A.ACTIVATIONS.values() for p in entry.params if not p.choices
              for suffix, function in (("", entry.rho), ("′", entry.rho_prime))]
X_WITH_LIMITS = np.array([-inf, -1e6, -800.0, -1.0, 0.0, 1e-300, 2.0, 800.0, 1e6, inf])


@pytest.mark.parametrize("function, parameter", PARAMETERS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=bad_numbers())
def test_every_activation_parameter_is_checked_and_named(function, parameter, value):
    answer = clear_answer(lambda: function(X_WITH_LIMITS, **{parameter.name: value}), names=[parameter.name])
    accepted = not isinstance(answer, Exception)
    assert accepted == parameter.allows(value), f"{parameter.name} = {value!r}: accepted {accepted}"


def test_the_parameters_allowed_values_are_the_lectures():
    """What `allows` encodes, stated independently: the ReLU variants' slopes are >= 0 (the
    lecture's α ∈ ℝ⁺), Soboleva's a, b, c, d any finite reals."""
    for name, parameter in (("leaky ReLU", "slope"), ("PReLU", "alpha"), ("ELU", "alpha")):
        p = A.ACTIVATIONS[name].parameter(parameter)
        assert p.allows(0.0) and p.allows(1e300) and not p.allows(-1e-300)
    for p in A.ACTIVATIONS["Soboleva tanh"].params:
        assert p.allows(-1e300) and p.allows(1e300) and not p.allows(inf)


@FAST
@given(x=bad_x, axis=st.one_of(st.integers(-3, 3), bad_numbers(), st.just("0")),
       f=st.sampled_from([A.softmax, A.log_softmax, A.maxout, A.maxout_prime]))
def test_softmax_and_maxout_answer_bad_x_and_axis_clearly(x, axis, f):
    clear_answer(lambda: f(x, axis=axis), names=["x", "axis"])


@pytest.mark.parametrize("call, error, words", [
    (lambda: A.leaky_relu([1.0], slope=-0.1), ValueError, "slope must be >= 0, got -0.1"),
    (lambda: A.leaky_relu_prime([1.0], slope=None), TypeError, "slope must be a real number"),
    (lambda: A.prelu([1.0], alpha=float("nan")), ValueError, "alpha must be finite"),
    (lambda: A.elu([1.0], alpha=-1.0), ValueError, "alpha must be >= 0"),
    (lambda: A.soboleva_tanh([1.0], c="1"), TypeError, "c must be a real number"),
    (lambda: A.soboleva_tanh([1.0], d=inf), ValueError, "d must be finite"),
    (lambda: A.softmax([1.0, 2.0], axis=1), ValueError, r"axis must lie in -1..0"),
    (lambda: A.maxout([[1.0, 2.0]], axis=1.0), TypeError, "axis must be an integer"),
    (lambda: A.softmax([-inf, -inf]), ValueError, "every entry of x along the axis is -inf"),
])
def test_regressions_name_the_argument_the_caller_passed(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_elu_with_alpha_0_is_the_relu_and_matches_torch():
    x = np.array([-inf, -5.0, -1e-9, 0.0, 1e-9, 3.0, inf])
    t = torch.tensor(x[1:-1], requires_grad=True)
    F.elu(t, alpha=0.0).sum().backward()
    np.testing.assert_array_equal(A.elu(x, 0.0), A.relu(x))
    np.testing.assert_array_equal(A.elu(x[1:-1], 0.0), F.elu(torch.tensor(x[1:-1]), alpha=0.0).numpy())
    np.testing.assert_array_equal(A.elu_prime(x[1:-1], 0.0), t.grad.numpy())
    np.testing.assert_array_equal(A.prelu(x, 0.0), A.relu(x))  # 0·(−∞) is the limit 0


def test_every_value_the_activation_explorer_offers_draws():
    """Each activation with its own controls at every corner of their ranges (every option of a
    menu): ρ and ρ′ are finite (α = 0 used to stop the ELU)."""
    from lecturelib.explore import activation_explorer

    explorer = activation_explorer()
    assert explorer.controls["activation"] == list(A.ACTIVATIONS)
    for activation in A.ACTIVATIONS:
        own = [c for c, (menu, values) in explorer.shown_when.items() if values == (activation,)]
        ends = [list(explorer.controls[c]) if isinstance(explorer.controls[c][0], str)
                else [min(explorer.controls[c]), max(explorer.controls[c])] for c in own]
        for corner in itertools.product(*ends):
            explorer.update(activation=activation, **dict(zip(own, corner)))
            for line in explorer.fig.axes[0].lines[:1] + explorer.fig.axes[1].lines[:1]:
                assert np.all(np.isfinite(line.get_ydata())), (activation, corner)


@pytest.mark.parametrize("name, params", TORCH_CASES)
def test_activations_at_infinity_are_the_limits_torch_reaches_at_1e100(name, params):
    value, grad = torch_value_and_grad(reference(name, params), np.array([-1e100, 1e100]))
    if np.isnan(value).any() or np.isnan(grad).any():  # a reference as on the slide that overflows
        assert name == "Soboleva tanh", f"the torch reference of {name} is NaN at ±1e100"
        return  # test_soboleva_at_infinity_is_its_limit compares with mpmath
    entry = A.ACTIVATIONS[name]
    ours, ours_prime = entry(np.array([-inf, inf]), **params), entry.prime(np.array([-inf, inf]), **params)
    unbounded = np.abs(value) > 1e90
    assert np.all(ours[unbounded] == np.sign(value[unbounded]) * inf)
    np.testing.assert_allclose(ours[~unbounded], value[~unbounded], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ours_prime, grad, rtol=1e-12, atol=1e-300)


# Soboleva's tanh against mpmath at 300 digits: enough that N′D − ND′ keeps its digits for |x| ≤ 60
mpmath.mp.dps = 300
SOBOLEVA_PARAMETERS = st.tuples(*[st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])] * 4)


def soboleva_reference(x, a, b, c, d):
    x, a, b, c, d = (mpmath.mpf(v) for v in (x, a, b, c, d))
    N, D = mpmath.exp(a * x) - mpmath.exp(-b * x), mpmath.exp(c * x) + mpmath.exp(-d * x)
    N_prime, D_prime = a * mpmath.exp(a * x) + b * mpmath.exp(-b * x), c * mpmath.exp(c * x) - d * mpmath.exp(-d * x)
    return N / D, (N_prime * D - N * D_prime) / D**2


def as_double(v) -> float:
    """An mpmath number rounded to float64: ±∞ beyond the float range."""
    return float(v) if abs(v) < 1.7e308 else math.copysign(inf, float(mpmath.sign(v)))


@settings(max_examples=60, deadline=None)
@given(params=SOBOLEVA_PARAMETERS, x=st.one_of(st.floats(-40, 40), st.sampled_from([-1e4, -800.0, 800.0, 1e4])))
def test_soboleva_matches_mpmath_also_where_its_exponentials_overflow(params, x):
    rho, rho_prime = soboleva_reference(x, *params)
    assert A.soboleva_tanh(x, *params) == pytest.approx(as_double(rho), rel=1e-12, abs=1e-300)
    if abs(x) <= 40:
        assert A.soboleva_tanh_prime(x, *params) == pytest.approx(as_double(rho_prime), rel=1e-10, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(params=SOBOLEVA_PARAMETERS, sign=st.sampled_from([-1.0, 1.0]))
def test_soboleva_at_infinity_is_its_limit(params, sign):
    limit = as_double(soboleva_reference(sign * 1e4, *params)[0])  # on the asymptote to 1e-2000
    assert A.soboleva_tanh(sign * inf, *params) == pytest.approx(limit, rel=1e-12, abs=1e-300)
    slope = as_double(soboleva_reference(sign * 60.0, *params)[1])  # grows or decays like e^{±30}
    expected_slope = math.copysign(inf, slope) if abs(slope) > 1e10 else 0.0
    assert abs(slope) > 1e10 or abs(slope) < 1e-10
    assert A.soboleva_tanh_prime(sign * inf, *params) == expected_slope


# -- softmax and cross-entropy at ±∞ --------------------------------------------------------

logit_rows = arrays(np.float64, st.integers(2, 5), elements=st.one_of(
    st.floats(-30, 30), st.sampled_from([inf, -inf])))


def torch_limit(x):
    """x with ±∞ replaced by ±1e100: torch's answer there is the limit to float precision."""
    return torch.tensor(np.clip(x, -1e100, 1e100))


@settings(max_examples=100, deadline=None)
@given(x=logit_rows)
def test_softmax_and_log_softmax_with_infinite_entries_are_the_limits(x):
    if np.all(x == -inf):
        with pytest.raises(ValueError, match="-inf"):
            A.softmax(x)
        return
    expected = torch.softmax(torch_limit(x), dim=0).numpy()
    np.testing.assert_allclose(A.softmax(x), expected, rtol=1e-12, atol=1e-300)
    if not np.any(x == inf):  # no +∞: torch itself defines it
        np.testing.assert_allclose(A.softmax(x), torch.softmax(torch.tensor(x), dim=0).numpy(), rtol=1e-12)
    log_p, expected_log = A.log_softmax(x), torch.log_softmax(torch_limit(x), dim=0).numpy()
    far = expected_log < -1e90
    assert np.all(log_p[far] == -inf)
    np.testing.assert_allclose(log_p[~far], expected_log[~far], rtol=1e-12, atol=1e-14)
    assert np.all(np.isfinite(A.softmax_jacobian(x)))


@settings(max_examples=100, deadline=None)
@given(x=logit_rows, label=st.integers(0, 4), one_hot=st.booleans())
def test_cross_entropy_with_infinite_logits_is_the_limit_and_matches_torch(x, label, one_hot):
    label = label % x.size
    labels = np.eye(x.size)[[label]] if one_hot else np.array([label])
    if np.all(x == -inf):
        clear_answer(lambda: L.cross_entropy(x[None], labels), names=["logits"])
        return
    loss, grad = L.cross_entropy(x[None], labels), L.cross_entropy_grad(x[None], labels)
    t = torch_limit(x)[None].requires_grad_()
    expected = F.cross_entropy(t, torch.tensor([label]))
    expected.backward()
    if expected.item() > 1e90:
        assert loss == inf  # the true class at −∞, or far below a +∞ class
    else:
        assert loss == pytest.approx(expected.item(), rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-12, atol=1e-300)
    if not np.any(x == inf):  # where torch defines the loss itself (and its gradient)
        exact = torch.tensor(x)[None].requires_grad_()
        F.cross_entropy(exact, torch.tensor([label])).backward()
        assert loss == F.cross_entropy(torch.tensor(x)[None], torch.tensor([label])).item() or \
            loss == pytest.approx(F.cross_entropy(torch.tensor(x)[None], torch.tensor([label])).item(), rel=1e-12)
        np.testing.assert_allclose(grad, exact.grad.numpy(), rtol=1e-12, atol=1e-300)


def test_cross_entropy_regressions_for_the_true_class_at_plus_and_minus_infinity():
    assert L.cross_entropy([[inf, 0.0]], [0]) == 0.0
    assert L.cross_entropy([[-inf, 0.0]], [0]) == inf == F.cross_entropy(torch.tensor([[-inf, 0.0]]), torch.tensor([0])).item()
    assert L.cross_entropy([[inf, inf, 0.0]], [1]) == pytest.approx(math.log(2))
    np.testing.assert_array_equal(A.softmax([inf, 0.0]), [1.0, 0.0])
    np.testing.assert_array_equal(A.softmax([inf, inf, 0.0]), [0.5, 0.5, 0.0])
    assert L.binary_cross_entropy_with_logits([inf, -inf], [1.0, 0.0]) == 0.0
    assert L.binary_cross_entropy_with_logits([inf], [0.0]) == inf


LOSS_CALLS = {
    "mse_loss": (lambda a, b: L.mse_loss(a, b), ["prediction", "target"]),
    "mse_loss_grad": (lambda a, b: L.mse_loss_grad(a, b), ["prediction", "target"]),
    "binary_cross_entropy": (lambda a, b: L.binary_cross_entropy(a, b), ["p", "target"]),
    "bce_with_logits": (lambda a, b: L.binary_cross_entropy_with_logits(a, b), ["z", "target"]),
    "bce_with_logits_grad": (lambda a, b: L.binary_cross_entropy_with_logits_grad(a, b), ["z", "target"]),
    "cross_entropy": (lambda a, b: L.cross_entropy(a, b), ["logits", "labels"]),
    "cross_entropy_grad": (lambda a, b: L.cross_entropy_grad(a, b), ["logits", "labels"]),
    "one_hot": (lambda a, b: L.one_hot(b, a), ["num_classes", "labels"]),
}
good_or_bad = st.one_of(bad_x, st.just([[0.5, 0.5]]), st.just([0]), st.just([1.0]), st.just([[1.0, 0.0]]))


@FAST
@given(loss=st.sampled_from(sorted(LOSS_CALLS)), first=good_or_bad, second=good_or_bad)
def test_every_loss_answers_bad_input_clearly(loss, first, second):
    call, names = LOSS_CALLS[loss]
    clear_answer(lambda: call(first, second), names=names)


# -- the two autodiff engines ------------------------------------------------------------------

OPERATIONS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
UNARY = ("exp", "log", "tanh", "sigmoid", "relu")
ENGINE_WORDS = ["operand", "exponent", "Value", "Dual", "overflows", "division by zero", "undefined",
                "positive base", "backward", "f must", "x"]
numbers_for_engines = st.one_of(bad_numbers(), st.sampled_from([10**400, 1e-320, 710.0, -710.0, 0.5]))


def engine_number(kind, v):
    return Value(v) if kind == "Value" else Dual(v, 1.0)


@FAST
@given(kind=st.sampled_from(["Value", "Dual"]), op=st.sampled_from(sorted(OPERATIONS)),
       left=numbers_for_engines, right=numbers_for_engines, lift=st.sampled_from(["left", "right", "both"]))
def test_engine_operations_answer_bad_operands_clearly(kind, op, left, right, lift):
    def build():
        a = engine_number(kind, left) if lift in ("left", "both") else left
        b = engine_number(kind, right) if lift in ("right", "both") else right
        out = OPERATIONS[op](a, b)
        if kind == "Value":
            out.backward()
            return out.data, [getattr(a, "grad", 0.0), getattr(b, "grad", 0.0)]
        return out.value, out.tangent

    answer = clear_answer(build, names=[op, *ENGINE_WORDS])
    if not isinstance(answer, Exception):
        assert math.isfinite(answer[0])  # a value is finite, or the operation said it overflowed


@FAST
@given(kind=st.sampled_from(["Value", "Dual"]), fn=st.sampled_from(UNARY + ("sqrt", "square", "x^0")),
       v=numbers_for_engines)
def test_engine_functions_answer_any_number_clearly(kind, fn, v):
    def build():
        a = engine_number(kind, v)
        out = {"sqrt": lambda: a ** 0.5, "square": lambda: a ** 2, "x^0": lambda: a ** 0}.get(
            fn, lambda: getattr(a, fn)())()
        if kind == "Value":
            out.backward()
            return out.data, a.grad
        return out.value, out.tangent

    clear_answer(build, names=[fn, "**", *ENGINE_WORDS])


@pytest.mark.parametrize("engine", [ad, fm], ids=["reverse", "forward"])
@pytest.mark.parametrize("x", [None, "ab", [nan], [inf], [], 3.0, [[1.0, 2.0]], [1.0, "a"], [10**400]])
def test_engine_gradient_and_jacobian_name_a_bad_x(engine, x):
    clear_answer(lambda: engine.gradient(lambda *v: v[0] * 2.0, x), names=["x"])
    clear_answer(lambda: engine.jacobian(lambda *v: [v[0] * 2.0], x), names=["x"])


@pytest.mark.parametrize("engine", [ad, fm], ids=["reverse", "forward"])
@pytest.mark.parametrize("f", [None, 3, lambda *v: "s", lambda *v: None, lambda *v: nan, lambda *v: [v[0], "s"]])
def test_engine_gradient_names_a_bad_f(engine, f):
    clear_answer(lambda: engine.gradient(f, [1.0]), names=["f", "output"])


@pytest.mark.parametrize("build, words", [
    (lambda: Value(1.0) / 0.0, r"division by zero in 1 / 0"),
    (lambda: Dual(2.0, 1.0) / Value(1.0).data * 0 / 0, r"division by zero in 0 / 0"),
    (lambda: Value(-1.0).log(), r"log\(-1\) is undefined"),
    (lambda: Value(-2.0) ** 0.5, r"\(-2\) \*\* 0.5 is undefined"),
    (lambda: Value(1e308) * 10, r"1e\+308 \* 10 overflows"),
    (lambda: Dual(1e308) + 1e308, r"1e\+308 \+ 1e\+308 overflows"),
    (lambda: Value(nan), "must be finite, got nan"),
    (lambda: Value(2.0) ** nan, "the exponent must be finite"),
    (lambda: Value(1.0) + nan, r"the operand of \+ must be finite"),
    (lambda: Dual(1.0, nan), "tangent must be a real number, got nan"),
    (lambda: ad.worked_example(x=inf), "x must be finite"),
    (lambda: Value(10**400), "beyond the float range"),
])
def test_engine_regressions_say_which_operation_and_value(build, words):
    with pytest.raises(ValueError, match=words):
        build()


def test_zero_times_an_infinite_derivative_is_zero_in_both_engines_and_inf_minus_inf_is_refused():
    def reverse(expression, x0):
        x = Value(x0)
        expression(x).backward()
        return x.grad

    sqrt = lambda a: a ** 0.5  # noqa: E731  (∂√x/∂x = ∞ at 0)
    assert reverse(sqrt, 0.0) == fm.derivative(sqrt, 0.0)[1] == inf
    assert reverse(lambda a: sqrt(a) * 0.0, 0.0) == fm.derivative(lambda a: sqrt(a) * 0.0, 0.0)[1] == 0.0
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (t ** 0).backward()
    assert reverse(lambda a: a ** 0, 0.0) == fm.derivative(lambda a: a ** 0, 0.0)[1] == t.grad.item() == 0.0
    with pytest.raises(ValueError, match="backward"):
        reverse(lambda a: sqrt(a) - sqrt(a), 0.0)
    with pytest.raises(ValueError, match="undefined"):
        fm.derivative(lambda a: sqrt(a) - sqrt(a), 0.0)


# -- gradient checking ---------------------------------------------------------------------------

@FAST
@given(x=st.floats(-10, 10), where=st.sampled_from(["x + h", "x - h", "x"]), value=st.sampled_from([inf, -inf, nan]),
       h=st.floats(1e-6, 1e-2), which=st.sampled_from(["forward", "central", "numerical", "check"]))
def test_a_non_finite_f_in_the_stencil_is_reported_never_a_pass(x, where, value, h, which):
    point = {"x + h": x + h, "x - h": x - h, "x": x}[where]

    def f(v):
        v = float(np.ravel(v)[0])
        return value if v == point else v ** 2

    calls = {"forward": lambda: G.forward_difference(f, x, h), "central": lambda: G.central_difference(f, x, h),
             "numerical": lambda: G.numerical_gradient(f, [x], h),
             "check": lambda: G.gradient_check(f, lambda v: 2 * v, np.array([x]), h=h)}
    used = {"forward": ("x + h", "x"), "central": ("x + h", "x - h"), "numerical": ("x + h", "x - h"),
            "check": ("x + h", "x - h")}[which]
    if where not in used:
        return
    with pytest.raises(ValueError, match=r"f is (-?inf|nan) at x.* [+-]? ?h? ?="):
        calls[which]()


@FAST
@given(value=bad_numbers(), argument=st.sampled_from(["x", "h", "tolerance"]))
def test_gradient_check_arguments_are_checked_and_named(value, argument):
    params = {"x": np.array([0.5, -1.0]), "h": 1e-5, "tolerance": 1e-6, **{argument: value}}
    def f(v):
        with np.errstate(over="ignore"):
            return float(np.sum(np.asarray(v) ** 3))

    answer = clear_answer(lambda: G.gradient_check(f, lambda v: 3 * np.asarray(v) ** 2, params["x"],
                                                   h=params["h"], tolerance=params["tolerance"]),
                          names=[argument, "gradient check failed"])
    if not isinstance(answer, Exception):
        assert answer <= params["tolerance"]


@FAST
@given(analytic=bad_x, numerical=bad_x)
def test_relative_error_answers_bad_gradients_clearly(analytic, numerical):
    clear_answer(lambda: G.relative_error(analytic, numerical), names=["analytic", "numerical"])


def test_gradient_check_regression_inf_at_x_plus_h_is_an_error_naming_f_and_the_point():
    f = lambda v: inf if v[0] > 0.5 else float(v[0])  # noqa: E731
    with pytest.raises(ValueError, match=r"f is inf at x\[0\] \+ h = 0.50001"):
        G.gradient_check(f, np.ones_like, np.array([0.5]))
    with pytest.raises(ValueError, match=r"grad_f\(x\) must have the shape of x"):
        G.gradient_check(lambda v: float(v.sum()), lambda v: np.ones(3), np.zeros(2))
    with pytest.raises(ValueError, match="x \\+ h == x"):
        G.central_difference(math.sin, 1e300)


# -- backprop, graphs, networks --------------------------------------------------------------------

dims = st.integers(1, 4)


@FAST
@given(W1=st.tuples(dims, dims), W2=st.tuples(dims, dims), X=st.tuples(dims, dims), M=dims,
       task=st.sampled_from(["regression", "classification"]), fill=st.sampled_from([0.3, inf, nan, 1e300]))
def test_backprop_names_the_array_whose_shape_or_values_are_wrong(W1, W2, X, M, task, fill):
    X = (M, X[1])
    Y = np.zeros((M, W2[0])) if task == "regression" else np.zeros(M, dtype=int)
    arrays_ = {"W1": np.full(W1, 0.3), "W2": np.full(W2, 0.3), "X": np.full(X, fill)}
    answer = clear_answer(lambda: backprop(arrays_["W1"], arrays_["W2"], arrays_["X"], Y, task),
                          names=["W1", "W2", "X", "overflowed"])
    consistent = X[1] == W1[1] and W2[1] == W1[0] and (task == "regression" or W2[0] >= 2)
    if consistent and math.isfinite(fill) and fill < 1:
        assert not isinstance(answer, Exception), answer


@FAST
@given(Y=bad_x, task=st.sampled_from(["regression", "classification"]),
       activation=st.one_of(st.sampled_from(sorted(A.ACTIVATIONS)), st.text(max_size=5), bad_numbers()))
def test_backprop_names_bad_targets_tasks_and_activations(Y, task, activation):
    W1, W2, X = np.full((3, 2), 0.1), np.full((2, 3), 0.2), np.ones((4, 2))
    clear_answer(lambda: backprop(W1, W2, X, Y, task, activation), names=["Y", "activation"])


@FAST
@given(digits=bad_numbers(), fontsize=bad_numbers(), root=st.sampled_from([None, 3.0, "x", "graph"]))
def test_graph_drawing_checks_its_arguments(digits, fontsize, root):
    f = ad.worked_example()
    clear_answer(lambda: graphs.node_text(f, digits=digits), names=["digits"])
    node = f if root == "graph" else root
    clear_answer(lambda: graphs.node_name(node), names=["node"])
    clear_answer(lambda: graphs.graph_layout(node), names=["root"])


@pytest.mark.parametrize("fontsize", [0, -1, nan, inf, "8", 1e6])
def test_draw_graph_checks_fontsize_and_refuses_graphs_too_big_to_read(fontsize):
    clear_answer(lambda: graphs.draw_graph(ad.worked_example(), fontsize=fontsize), names=["fontsize"])
    y = Value(0.5)
    for _ in range(graphs.MAX_NODES):
        y = y * 1.0
    with pytest.raises(ValueError, match="root's graph has"):
        graphs.draw_graph(y)


@FAST
@given(width=bad_numbers(), depth_extra=st.integers(0, 2),
       activation=st.one_of(st.sampled_from(sorted(networks.TORCH_ACTIVATIONS)), st.text(max_size=4), bad_numbers()))
def test_mlp_widths_are_whole_numbers_and_activations_known(width, depth_extra, activation):
    sizes = [2] + [width] * (1 + depth_extra) + [1]
    answer = clear_answer(lambda: networks.mlp(sizes, activation), names=["sizes", "activation"])
    whole = isinstance(width, (int, float)) and not isinstance(width, bool) and math.isfinite(width) \
        and float(width).is_integer() and width >= 1 and sum(
            (n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])) <= networks.MAX_PARAMETERS
    known = isinstance(activation, str) and activation in networks.TORCH_ACTIVATIONS
    if not isinstance(answer, Exception):
        assert whole and known
    elif whole and known:
        raise AssertionError(f"a valid network was refused: {answer}")


@settings(max_examples=40, deadline=None)
@given(argument=st.sampled_from(["lr", "momentum", "steps", "batch_size", "seed", "every"]),
       value=bad_numbers().filter(lambda v: not (isinstance(v, (int, float)) and 3 < v < 1e12)))
def test_train_checks_and_names_its_hyper_parameters(argument, value):
    model = networks.mlp([2, 3, 1], dtype=torch.float64)
    x, y = torch.ones(8, 2, dtype=torch.float64), torch.zeros(8, 1, dtype=torch.float64)
    params = {"lr": 0.01, "steps": 1, **{argument: value}}  # valid values train a step or three
    clear_answer(lambda: networks.train(model, x, y, **params), names=[argument, "diverged"])


def test_train_refuses_targets_that_would_broadcast():
    model = networks.mlp([2, 3, 1], dtype=torch.float64)
    x = torch.ones(8, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"y must be a finite tensor of shape \(8, 1\)"):
        networks.train(model, x, torch.zeros(8, dtype=torch.float64), lr=0.1, steps=1)
    with pytest.raises(ValueError, match="loss must be a scalar"):
        networks.gradient_norms(model, model(x))
