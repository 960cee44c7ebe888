"""Line searches and coordinate descent against SciPy and closed forms."""

import numpy as np
import pytest
from scipy.optimize import line_search, minimize_scalar, rosen, rosen_der

from lecturelib import linesearch as ls
from lecturelib import problems
from lecturelib.linesearch import wolfe_line_search


def test_optimal_step_is_the_exact_line_search_minimum_found_by_scipy():
    p = problems.canyon(30)
    theta = np.array([-4.0, 2.5])
    g = p.grad(theta)
    best = minimize_scalar(lambda e: p.f(theta - e * g), bounds=(0, 10), method="bounded", options={"xatol": 1e-12})
    assert np.isclose(ls.optimal_step(g, p.hess(theta)), best.x, rtol=1e-6)


def test_steepest_descent_with_exact_steps_zigzags_at_right_angles():
    p = problems.canyon(10)
    path = ls.steepest_descent(p, [-5.0, 2.0], 6)
    grads = np.array([p.grad(q) for q in path.points])
    np.testing.assert_allclose(np.sum(grads[1:] * grads[:-1], axis=1), 0, atol=1e-10)
    kappa = 10  # Kantorovich: f shrinks by at least ((κ - 1)/(κ + 1))² per step
    assert np.all(path.losses[1:] <= ((kappa - 1) / (kappa + 1)) ** 2 * path.losses[:-1] + 1e-15)


def test_backtracking_satisfies_armijo_and_converges_on_rosenbrock():
    p = problems.rosenbrock()
    theta = np.array([-1.2, 1.0])
    g = p.grad(theta)
    lr = ls.backtracking(p.f, theta, g)
    assert p.f(theta - lr * g) <= p.f(theta) - 1e-4 * lr * g @ g
    assert p.f(theta - 2 * lr * g) > p.f(theta) - 1e-4 * 2 * lr * g @ g  # the step before failed
    path = ls.steepest_descent(p, theta, 3000, line_search="armijo")
    assert path.losses[-1] < 1e-3


def test_coordinate_descent_solves_a_diagonal_quadratic_in_one_sweep_and_converges_otherwise():
    assert np.allclose(ls.coordinate_descent(problems.canyon(10, angle=0.0), [3.0, -2.0], 1).final, 0)
    path = ls.coordinate_descent(problems.canyon(10), [3.0, -2.0], 60)
    assert np.allclose(path.final, 0, atol=1e-6)
    moves = np.diff(path.points, axis=0)
    assert np.all(np.sum(moves != 0, axis=1) <= 1)  # one coordinate at a time


@pytest.mark.parametrize("call, message", [
    (lambda: ls.optimal_step([1.0, 0.0], np.diag([-1.0, 1.0])), "no minimum along"),
    (lambda: ls.backtracking(lambda t: t @ t, np.ones(2), np.ones(2), direction=np.ones(2)), "downhill"),
    (lambda: ls.steepest_descent(problems.canyon(), [1, 1], 3, line_search="wolfe"),
     "line_search must be one of 'exact', 'armijo'"),
    (lambda: ls.coordinate_descent(problems.saddle(), [1.0, 1.0], 1), "not convex"),
])
def test_bad_input_is_rejected_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- the strong-Wolfe line search: both conditions hold, and it agrees with scipy.optimize.line_search


@pytest.mark.parametrize("start", [[-1.2, 1.0], [0.0, 0.0], [2.0, 2.0], [-0.5, 2.5]])
@pytest.mark.parametrize("c2", [0.1, 0.9])
def test_step_satisfies_the_strong_wolfe_conditions(start, c2):
    x = np.array(start)
    g = rosen_der(x)
    d = -g
    alpha, f_new, g_new = wolfe_line_search(rosen, rosen_der, x, d, alpha1=1.0, c2=c2)
    assert f_new == pytest.approx(rosen(x + alpha * d))
    np.testing.assert_allclose(g_new, rosen_der(x + alpha * d))
    assert f_new <= rosen(x) + 1e-4 * alpha * (g @ d)
    assert abs(g_new @ d) <= c2 * abs(g @ d)


def test_first_trial_step_accepted_like_scipy_on_a_quadratic():
    A = np.diag([1.0, 4.0])
    f, grad = (lambda x: 0.5 * x @ A @ x), (lambda x: A @ x)
    x = np.array([1.0, 1.0])
    d = -np.linalg.solve(A, grad(x))  # the Newton direction: α = 1 is exact
    ours = wolfe_line_search(f, grad, x, d)[0]
    theirs = line_search(f, grad, x, d)[0]
    assert ours == theirs == 1.0


def test_rejects_an_uphill_direction_and_bad_constants():
    x = np.array([0.0, 0.0])
    with pytest.raises(ValueError, match="descent direction"):
        wolfe_line_search(rosen, rosen_der, x, rosen_der(x))
    with pytest.raises(ValueError, match="0 < c1 < c2 < 1"):
        wolfe_line_search(rosen, rosen_der, x, -rosen_der(x), c1=0.5, c2=0.1)


def test_backtracking_with_a_known_f0_takes_the_same_step_with_one_evaluation_less():
    calls = []

    def f(theta):
        calls.append(1)
        return float(theta @ theta)

    theta, g = np.array([3.0, -4.0]), np.array([6.0, -8.0])
    step = ls.backtracking(f, theta, g, lr0=1.0)
    evaluations_without_f0 = len(calls)
    known = float(theta @ theta)
    calls.clear()
    assert ls.backtracking(f, theta, g, lr0=1.0, f0=known) == step
    assert len(calls) == evaluations_without_f0 - 1


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

import math  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from bad_input import FEW, SOME, bad_numbers, careless_vectors, clear_answer, large_but_valid  # noqa: E402
from lecturelib.trajectory import CONVERGED, LINE_SEARCH_FAILED, MAX_ITER  # noqa: E402


@SOME
@given(g=careless_vectors(),
       H=st.one_of(hnp.arrays(np.float64, st.sampled_from([(2, 2), (3, 3), (2,)]),
                              elements=st.floats(allow_nan=True, allow_infinity=True)),
                   st.sampled_from([None, "H", [[1.0, 0.0]], np.eye(2), -np.eye(2), np.zeros((2, 2))])))
def test_optimal_step_answers_careless_input_clearly_or_is_the_minimiser(g, H):
    answer = clear_answer(lambda: ls.optimal_step(g, H), names=["g", "H"])
    if not isinstance(answer, Exception):
        u = np.asarray(g, float) / np.abs(g).max()
        assert math.isfinite(answer) and answer >= 0  # halving 1000 times underflows to 0
        assert answer * (u @ np.asarray(H) @ u) == pytest.approx(u @ u, rel=1e-9)

def quadratic(theta):
    return float(theta @ theta)

BACKTRACKING = dict(theta=np.array([1.0, -2.0]), g=np.array([2.0, -4.0]), direction=None, lr0=1.0, c=1e-4,
                    shrink=0.5, max_halvings=60, f0=None)

def clear_or_no_step(call, names):
    """`clear_answer`, but a LineSearchError (the documented 'no acceptable step') also counts."""
    try:
        return clear_answer(call, names)
    except AssertionError as error:
        if isinstance(error.__cause__, ls.LineSearchError):
            return error.__cause__
        raise

@SOME
@given(name=st.sampled_from(list(BACKTRACKING)), bad=st.one_of(bad_numbers(), careless_vectors()))
def test_backtracking_answers_careless_input_clearly_or_satisfies_armijo(name, bad):
    kwargs = {**BACKTRACKING, name: bad}
    answer = clear_or_no_step(lambda: ls.backtracking(quadratic, **kwargs), names=[name, "f"])
    if isinstance(answer, ls.LineSearchError):
        assert "sufficient decrease" in str(answer)
    elif not isinstance(answer, Exception):
        theta, g = kwargs["theta"], kwargs["g"]
        d = -g if kwargs["direction"] is None else np.asarray(kwargs["direction"], float)
        f0 = quadratic(theta) if kwargs["f0"] is None else float(kwargs["f0"])  # a false f0 is believed
        assert quadratic(theta + answer * d) <= f0 + kwargs["c"] * answer * (g @ d) + 1e-12

X0 = np.array([-1.2, 1.0])

WOLFE = dict(theta=X0, d=-rosen_der(X0), f0=None, g0=None, alpha1=1.0, c1=1e-4, c2=0.9, max_iter=30)

@SOME
@given(name=st.sampled_from(list(WOLFE)), bad=st.one_of(bad_numbers(), careless_vectors()))
def test_wolfe_line_search_answers_careless_input_clearly_or_satisfies_both_conditions(name, bad):
    kwargs = {**WOLFE, name: bad}
    answer = clear_or_no_step(lambda: ls.wolfe_line_search(rosen, rosen_der, **kwargs),
                              names=[name, "f", "c1 < c2", "descent direction"])
    if not isinstance(answer, Exception):
        alpha, value, g_new = answer
        theta, d = kwargs["theta"], kwargs["d"]
        slope = rosen_der(theta) @ d
        assert value == rosen(theta + alpha * d) and np.array_equal(g_new, rosen_der(theta + alpha * d))
        if name not in ("f0", "g0"):  # with a false f(θ) or ∇f(θ) the conditions refer to those
            assert value <= rosen(theta) + kwargs["c1"] * alpha * slope
            assert abs(g_new @ d) <= kwargs["c2"] * abs(slope) + 1e-12

DESCENT = {"problem": problems.canyon(10.0), "theta0": [-3.0, 2.0], "steps": 5}

@FEW
@given(function=st.sampled_from(["steepest exact", "steepest armijo", "coordinate"]),
       name=st.sampled_from(["problem", "theta0", "steps", "lr0"]),
       bad=st.one_of(bad_numbers(), careless_vectors(), st.sampled_from(["exact", problems.rosenbrock()])))
def test_steepest_and_coordinate_descent_answer_careless_input_clearly(function, name, bad):
    assume(not (name == "steps" and large_but_valid(bad, 200)))
    kwargs = {**DESCENT, name: bad}
    if function == "coordinate":
        if name == "lr0":
            return
        kwargs["sweeps"] = kwargs.pop("steps")
        call = lambda: ls.coordinate_descent(**kwargs)  # noqa: E731
    else:
        call = lambda: ls.steepest_descent(**kwargs, line_search=function.split()[1])  # noqa: E731
    answer = clear_answer(call, names=[name, "sweeps", "not convex", "θ₀"])
    if not isinstance(answer, Exception):
        assert answer.reason in (CONVERGED, MAX_ITER, LINE_SEARCH_FAILED)
        assert np.all(np.diff(answer.losses) <= 1e-12)  # every line search only goes down
