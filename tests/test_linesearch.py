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
