"""Each problem's analytic gradient and Hessian against torch.autograd, and its minima against
SciPy or the known closed forms; the regression data against the lecture's recipe."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from lecturelib import problems

TORCH_VERSIONS = {
    "canyon": lambda t, H: 0.5 * t @ H @ t,
    "Rosenbrock": lambda t, H: (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2,
    "Beale": lambda t, H: sum((c - t[0] + t[0] * t[1] ** i) ** 2 for i, c in zip((1, 2, 3), (1.5, 2.25, 2.625))),
    "saddle": lambda t, H: t[0] ** 2 - t[1] ** 2,
    "Himmelblau": lambda t, H: (t[0] ** 2 + t[1] - 11) ** 2 + (t[0] + t[1] ** 2 - 7) ** 2,
}


def build(name):
    return problems.PROBLEMS[name]()


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(TORCH_VERSIONS)),
       point=st.tuples(st.floats(-3, 3), st.floats(-3, 3)))
def test_gradient_and_hessian_match_torch_autograd(name, point):
    problem = build(name)
    theta = np.array(point)
    H = torch.tensor(problem.hess(theta)) if name == "canyon" else None
    t = torch.tensor(theta, requires_grad=True)
    value = TORCH_VERSIONS[name](t, H)
    (grad,) = torch.autograd.grad(value, t)
    hess = torch.autograd.functional.hessian(lambda u: TORCH_VERSIONS[name](u, H), torch.tensor(theta))
    assert np.isclose(problem.f(theta), value.item(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.grad(theta), grad.numpy(), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(problem.hess(theta), hess.numpy(), rtol=1e-10, atol=1e-9)


def test_regression_gradient_matches_finite_differences_and_minibatches_average_to_it():
    reg = problems.lecture_regression()
    theta, h = np.array([0.3, -1.2]), 1e-6
    fd = [(reg.f(theta + h * e) - reg.f(theta - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(reg.grad(theta), fd, rtol=1e-7)
    singles = np.mean([reg.batch_grad(theta, [i]) for i in range(30)], axis=0)
    np.testing.assert_allclose(singles, reg.grad(theta), rtol=1e-12)


def test_regression_follows_the_lecture_recipe():
    reg = problems.lecture_regression(seed=3)
    x = reg.X[:, 1]
    assert reg.X.shape == (30, 2) and np.all(reg.X[:, 0] == 1)
    assert np.all(np.abs(reg.y - (3 * x + 2)) <= 0.1)
    np.testing.assert_array_equal(reg.y, problems.lecture_regression(seed=3).y)  # seeded
    assert not np.array_equal(reg.y, problems.lecture_regression(seed=4).y)
    np.testing.assert_allclose(reg.minima[0], np.polyfit(x, reg.y, 1)[::-1], atol=1e-10)


@pytest.mark.parametrize("name", ["Rosenbrock", "Beale", "Himmelblau", "canyon"])
def test_listed_minima_are_minima_found_by_scipy(name):
    problem = build(name)
    for minimum in problem.minima:
        result = minimize(problem.f, minimum + 0.05, jac=problem.grad, method="BFGS", tol=1e-12)
        np.testing.assert_allclose(result.x, minimum, atol=1e-5)
        assert np.all(np.linalg.eigvalsh(problem.hess(minimum)) > 0)


def test_canyon_has_the_requested_condition_number():
    H = problems.canyon(condition_number=50, angle=0.3, curvature=2.0).hess(np.zeros(2))
    eigenvalues = np.linalg.eigvalsh(H)
    assert np.isclose(eigenvalues.max() / eigenvalues.min(), 50) and np.isclose(eigenvalues.max(), 2.0)


def test_saddle_is_a_stationary_point_with_eigenvalues_of_both_signs():
    s = problems.saddle()
    assert np.all(s.grad(np.zeros(2)) == 0)
    assert sorted(np.linalg.eigvalsh(s.hess(np.zeros(2)))) == [-2.0, 2.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda: problems.canyon(condition_number=0.5), ValueError, "condition_number must be >= 1"),
    (lambda: problems.quadratic([[1, 2], [0, 1]]), ValueError, "H must be symmetric"),
    (lambda: problems.quadratic(np.eye(2), b=[1, 2, 3]), ValueError, "b must have shape"),
    (lambda: problems.rosenbrock().check_point([1, 2, 3]), ValueError, r"shape \(2,\)"),
    (lambda: problems.rosenbrock().check_point("ab"), TypeError, "theta must be"),
])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


@settings(max_examples=25, deadline=None)
@given(tilt=st.floats(-1.5, 1.5), x=st.floats(-2, 2))
def test_double_well_derivatives_match_torch_and_its_minima_are_scipys(tilt, x):
    well = problems.double_well(tilt)
    t = torch.tensor([x], dtype=torch.float64, requires_grad=True)
    value = (t[0] ** 2 - 1) ** 2 + tilt * t[0]
    (grad,) = torch.autograd.grad(value, t, create_graph=True)
    (second,) = torch.autograd.grad(grad[0], t)
    assert np.isclose(well.f(np.array([x])), value.item(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(well.grad(np.array([x])), grad.detach().numpy(), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(well.hess(np.array([x]))[0], second.numpy(), rtol=1e-10, atol=1e-9)
    assert well.minima.shape == (2, 1) and well.f(well.minima[0]) <= well.f(well.minima[1])
    for minimum in well.minima:  # SciPy's local minimiser, started nearby, stays there
        result = minimize(well.f, minimum + 0.01, jac=well.grad, method="BFGS", tol=1e-12)
        np.testing.assert_allclose(result.x, minimum, atol=1e-5)


def test_double_well_with_positive_tilt_has_its_deep_minimum_on_the_left():
    well = problems.double_well(0.3)
    # 4θ³ − 4θ + 0.3 = 0 by bisection on the two sign changes, independently of np.roots
    roots = []
    for low, high in ((-2.0, -0.5), (0.5, 2.0)):
        for _ in range(100):
            mid = (low + high) / 2
            low, high = (mid, high) if (4 * low**3 - 4 * low + 0.3) * (4 * mid**3 - 4 * mid + 0.3) > 0 else (low, mid)
        roots.append(low)
    np.testing.assert_allclose(well.minima[:, 0], roots, atol=1e-12)
    assert well.f(well.minima[0]) < 0 < well.f(well.minima[1])


@pytest.mark.parametrize("tilt, error", [(1.54, ValueError), (-2.0, ValueError), ("0.3", TypeError),
                                         (float("nan"), ValueError)])
def test_double_well_rejects_a_tilt_without_two_minima(tilt, error):
    with pytest.raises(error, match="tilt"):
        problems.double_well(tilt)


# -- the adapter from plain callables (the solvers of chapter 5 take a Problem) --------------------


def test_as_problem_wraps_callables_and_passes_a_problem_through():
    rosenbrock = problems.rosenbrock()
    assert problems.as_problem(rosenbrock) is rosenbrock
    wrapped = problems.as_problem(rosenbrock.f, rosenbrock.grad, rosenbrock.hess, dim=2, name="mine")
    assert (wrapped.name, wrapped.dim, wrapped.f, wrapped.grad, wrapped.hess) == (
        "mine", 2, rosenbrock.f, rosenbrock.grad, rosenbrock.hess)
    assert problems.as_problem(rosenbrock.f, rosenbrock.grad, dim=2).hess is None
    assert problems.as_problem(rosenbrock.f, rosenbrock.grad, dim=2).name == "f"


def _f(t):
    return float(t @ t)


def _grad(t):
    return 2 * t


@settings(max_examples=80, deadline=None)
@given(slot=st.sampled_from(["f", "grad", "hess", "dim", "name"]),
       value=st.one_of(st.none(), st.integers(-3, 0), st.floats(allow_nan=True), st.text(max_size=3),
                       st.lists(st.floats(-1, 1), max_size=2), st.just(np.ones(2)), st.just(True)))
def test_as_problem_names_a_careless_argument(slot, value):
    arguments = {"f": _f, "grad": _grad, "hess": None, "dim": 2, "name": "f", slot: value}
    valid = ((slot == "hess" and value is None) or (slot == "name" and isinstance(value, str))
             or (slot == "dim" and isinstance(value, (int, float)) and not isinstance(value, bool)
                 and np.isfinite(value) and value == round(value) and value >= 1))  # 1.0 counts too
    f, grad, hess = arguments.pop("f"), arguments.pop("grad"), arguments.pop("hess")
    if valid:
        problem = problems.as_problem(f, grad, hess, **arguments)
        assert problem.dim == arguments["dim"] and isinstance(problem.dim, int)
        return
    with pytest.raises((TypeError, ValueError), match=rf"^{slot}\b"):  # the message starts with its name
        problems.as_problem(f, grad, hess, **arguments)


def test_as_problem_refuses_extra_arguments_with_a_problem_and_a_missing_dim():
    with pytest.raises(TypeError, match="takes no grad, hess or dim"):
        problems.as_problem(problems.rosenbrock(), dim=2)
    with pytest.raises(TypeError, match="dim"):
        problems.as_problem(_f, _grad)
    with pytest.raises(TypeError, match="grad must be a function"):
        problems.as_problem(_f)


def test_a_2d_function_given_three_coordinates_says_so_instead_of_unpacking():
    for problem in (problems.rosenbrock(), problems.beale(), problems.himmelblau(), problems.saddle()):
        for function in (problem.f, problem.grad):
            with pytest.raises(ValueError, match="θ must have 2 entries"):
                function([1.0, 2.0, 3.0])


def test_himmelblaus_maximum_is_a_stationary_point_with_negative_curvature():
    """Independent of the constant: the gradient there is 0 to the printed digits (SciPy's
    root polishes it), and both Hessian eigenvalues are negative."""
    from scipy.optimize import root

    himmelblau = problems.himmelblau()
    (maximum,) = himmelblau.maxima
    polished = root(himmelblau.grad, maximum, jac=himmelblau.hess, tol=1e-14).x
    np.testing.assert_allclose(polished, maximum, atol=1e-6)
    assert np.linalg.eigvalsh(himmelblau.hess(polished)).max() < 0


def test_l2_penalised_adds_half_lambda_theta_squared_and_its_derivatives():
    base, l2 = problems.rosenbrock(), 0.3
    penalised = problems.l2_penalised(base, l2)
    rng = np.random.default_rng(1)
    for theta in rng.normal(size=(5, 2)):
        assert penalised.f(theta) == pytest.approx(base.f(theta) + l2 / 2 * theta @ theta, rel=1e-14)
        steps = 1e-6 * np.eye(2)  # central differences, an independent reference
        numeric = [(penalised.f(theta + s) - penalised.f(theta - s)) / 2e-6 for s in steps]
        np.testing.assert_allclose(penalised.grad(theta), numeric, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(penalised.hess(theta), base.hess(theta) + l2 * np.eye(2), rtol=1e-14)
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        problems.l2_penalised(base, -1.0)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from hypothesis import assume  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from bad_input import SOME, bad_numbers, careless_vectors, clear_answer, large_but_valid  # noqa: E402


FACTORIES = {
    problems.canyon: dict(condition_number=20.0, angle=0.5, curvature=1.0),
    problems.rosenbrock: dict(a=1.0, b=100.0),
    problems.lecture_regression: dict(n=30, seed=0, x_scale=1.0),
    problems.ill_conditioned_quadratic: dict(n=5, kappa=100.0, seed=0),
    problems.logistic_regression: dict(l2=0.01),
    problems.quadratic: dict(H=np.eye(2), b=np.ones(2)),
    problems.linear_regression: dict(x=[0.0, 1.0, 2.0], y=[1.0, 3.0, 5.0]),
}

@SOME
@given(case=st.sampled_from([(f, name) for f, kwargs in FACTORIES.items() for name in kwargs]),
       bad=st.one_of(bad_numbers(), careless_vectors(),
                     hnp.arrays(np.float64, (2, 2), elements=st.floats(allow_nan=True, allow_infinity=True))))
def test_problem_factories_answer_careless_input_clearly(case, bad):
    factory, name = case
    assume(not (factory is problems.ill_conditioned_quadratic and name == "n" and large_but_valid(bad, 100)))
    answer = clear_answer(lambda: factory(**{**FACTORIES[factory], name: bad}), names=[name])
    if not isinstance(answer, Exception):
        assert isinstance(answer, problems.Problem) and answer.dim >= 1

@SOME
@given(name=st.sampled_from(sorted(problems.PROBLEMS)), theta=careless_vectors())
def test_check_point_answers_careless_points_clearly(name, theta):
    problem = problems.PROBLEMS[name]()
    answer = clear_answer(lambda: problem.check_point(theta), names=["theta"])
    if not isinstance(answer, Exception):
        assert answer.shape == (2,) and np.isfinite(answer).all()

@SOME
@given(field=st.sampled_from(["f", "grad", "dim", "hess"]),
       bad=st.one_of(bad_numbers(), st.sampled_from(["f", None, [1.0]])))
def test_problem_and_its_grid_answer_careless_input_clearly(field, bad):
    kwargs = dict(name="bowl", f=lambda t: float(t @ t), grad=lambda t: 2 * t, dim=2, hess=None)
    clear_answer(lambda: problems.Problem(**{**kwargs, field: bad}), names=[field])
    bowl = problems.Problem(**kwargs)
    assume(not large_but_valid(bad, 60))
    answer = clear_answer(lambda: bowl.grid(bad), names=["n"])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer[2]).all()

def test_grid_of_a_problem_that_is_not_2d_says_so():
    with pytest.raises(ValueError, match="2-D problems"):
        problems.ill_conditioned_quadratic(n=3).grid(10)

REGRESSION = problems.lecture_regression()

@SOME
@given(theta=careless_vectors(), indices=st.one_of(bad_numbers(), careless_vectors(),
                                                    st.lists(st.integers(-40, 40), max_size=5)))
def test_batch_grad_answers_careless_points_and_indices_clearly(theta, indices):
    answer = clear_answer(lambda: REGRESSION.batch_grad(theta, indices), names=["theta", "indices"])
    if not isinstance(answer, Exception):
        i = np.asarray(indices, dtype=int)
        expected = -2 * REGRESSION.X[i].T @ (REGRESSION.y[i] - REGRESSION.X[i] @ np.asarray(theta)) / len(i)
        np.testing.assert_allclose(answer, expected, rtol=1e-12)
