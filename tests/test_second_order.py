"""Newton's method and its repairs, checked against closed forms (a quadratic's minimiser, the
normal equations) and numpy.linalg (eigen-decompositions). The torch Hessians: test_autograd.py."""

import numpy as np
import pytest
from bad_input import bad_numbers, clear_answer
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from lecturelib import second_order as so
from lecturelib.problems import as_problem


def rosenbrock(t):
    return float((1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2)


def rosenbrock_grad(t):
    x, y = t
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def rosenbrock_hess(t):
    x, y = t
    return np.array([[2 - 400 * (y - 3 * x**2), -400 * x], [-400 * x, 200.0]])



def test_finite_difference_hvp_rejects_a_vector_of_the_wrong_shape():
    with pytest.raises(ValueError, match="shape of theta"):
        so.finite_difference_hvp(rosenbrock_grad, np.zeros(2), np.zeros(3))


def test_newton_solves_a_positive_definite_quadratic_in_one_step():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    H, b = A @ A.T + 0.5 * np.eye(6), rng.normal(size=6)
    quadratic = as_problem(lambda t: 0.5 * t @ H @ t - b @ t, lambda t: H @ t - b, lambda t: H, dim=6)
    path = so.newton(quadratic, rng.normal(size=6), tol=1e-9)
    assert path.steps == 1
    np.testing.assert_allclose(path.final, np.linalg.solve(H, b), rtol=1e-10)


def test_newton_on_linear_regression_gives_the_normal_equations_in_one_step():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(30), rng.normal(size=(30, 2))])
    y = X @ np.array([2.0, 3.0, -1.0]) + rng.uniform(-0.1, 0.1, 30)
    f = lambda t: float((y - X @ t) @ (y - X @ t))  # noqa: E731  J(θ) = (y − Xθ)ᵀ(y − Xθ)
    grad = lambda t: -2 * X.T @ (y - X @ t)  # noqa: E731
    hess = lambda t: 2 * X.T @ X  # noqa: E731
    path = so.newton(as_problem(f, grad, hess, dim=3), np.array([10.0, 5.0, 0.0]))
    assert path.steps == 1
    np.testing.assert_allclose(path.final, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)


def test_newton_with_line_search_minimises_rosenbrock():
    path = so.newton(as_problem(rosenbrock, rosenbrock_grad, rosenbrock_hess, dim=2), [-1.2, 1.0],
                     line_search=True)
    np.testing.assert_allclose(path.final, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(path.losses) <= 0), "a line search never goes uphill"
    assert path.steps < 30


saddle = as_problem(lambda t: float(t[0] ** 2 - t[1] ** 2), lambda t: np.array([2 * t[0], -2 * t[1]]),
                    lambda t: np.diag([2.0, -2.0]), dim=2, name="saddle")


def test_plain_newton_jumps_onto_the_saddle_and_saddle_free_newton_escapes():
    path = so.newton(saddle, [0.5, 0.3])
    np.testing.assert_allclose(path.final, [0.0, 0.0], atol=1e-12)  # a critical point, not a minimum
    escaped = so.saddle_free_newton(saddle, [0.5, 0.3], max_iter=5)
    assert abs(escaped.final[1]) > 1 and escaped.final[0] == pytest.approx(0)
    assert np.all(np.diff(escaped.losses) < 0)


def test_regularised_newton_is_positive_definite_exactly_when_the_damping_exceeds_minus_lambda_min():
    g, H = np.array([1.0, 1.0]), np.diag([2.0, -2.0])
    d_small = so.newton_direction(g, H, damping=1.0)  # H + I has eigenvalues 3, −1: still uphill in y
    d_large = so.newton_direction(g, H, damping=3.0)  # H + 3I = diag(5, 1): positive definite
    assert g @ d_small > 0 and g @ d_large < 0
    np.testing.assert_allclose(d_large, -np.linalg.solve(H + 3 * np.eye(2), g))


def test_saddle_free_direction_uses_absolute_eigenvalues():
    rng = np.random.default_rng(2)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    lam = np.array([3.0, -2.0, 0.5, -0.1])
    H, g = Q @ np.diag(lam) @ Q.T, rng.normal(size=4)
    expected = -np.linalg.solve(Q @ np.diag(np.abs(lam)) @ Q.T, g)
    np.testing.assert_allclose(so.saddle_free_direction(g, H), expected, rtol=1e-10)


def test_singular_hessian_raises_a_clear_error():
    flat = as_problem(lambda t: float(t[0] ** 2), lambda t: np.array([2 * t[0], 0.0]),
                      lambda t: np.diag([2.0, 0.0]), dim=2)
    with pytest.raises(so.SingularHessianError, match="singular.*damping > 0"):
        so.newton(flat, [1.0, 1.0])
    path = so.newton(flat, [1.0, 1.0], damping=1e-3)  # regularised: defined, converges in x
    assert abs(path.final[0]) < 1e-6
    assert issubclass(so.SingularHessianError, ValueError)


def test_line_search_falls_back_to_steepest_descent_when_newton_points_uphill():
    f = lambda t: float(t[0] ** 2 - t[1] ** 2 + t[1] ** 4)  # noqa: E731  minima at y = ±1/√2
    grad = lambda t: np.array([2 * t[0], -2 * t[1] + 4 * t[1] ** 3])  # noqa: E731
    hess = lambda t: np.diag([2.0, -2 + 12 * t[1] ** 2])  # noqa: E731
    problem = as_problem(f, grad, hess, dim=2)
    path = so.newton(problem, [0.5, 0.1], line_search=True)
    np.testing.assert_allclose(np.abs(path.final), [0, 1 / np.sqrt(2)], atol=1e-7)
    plain = so.newton(problem, [0.5, 0.1])
    np.testing.assert_allclose(plain.final, [0, 0], atol=1e-7)  # plain Newton: the saddle


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        so.newton_direction(np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="damping must be >= 0"):
        so.newton(saddle, [1.0, 1.0], damping=-1.0)
    with pytest.raises(TypeError):
        so.newton(saddle, "start")


def test_divergence_is_reported_not_returned_as_nan():
    # f = ¾|x|^{4/3}: convex, minimum at 0, but Newton's step is x ← x − 3x = −2x
    f = lambda t: float(0.75 * np.abs(t[0]) ** (4 / 3))  # noqa: E731
    grad = lambda t: np.sign(t) * np.abs(t) ** (1 / 3)  # noqa: E731
    hess = lambda t: np.array([[np.abs(t[0]) ** (-2 / 3) / 3]])  # noqa: E731
    path = so.newton(as_problem(f, grad, hess, dim=1), [1.0], max_iter=2000)
    assert path.diverged and 15 < path.diverged_at < 30
    assert np.all(np.isfinite(path.losses))
    np.testing.assert_allclose(path.points[1:4, 0], [-2.0, 4.0, -8.0])


def test_curvature_and_quadratic_model():
    H = np.diag([1.0, 10.0])
    assert so.curvature(H, [0.0, 3.0]) == pytest.approx(10.0)
    g, s = np.array([1.0, -2.0]), np.array([0.3, 0.1])
    assert so.quadratic_model(5.0, g, H, s) == pytest.approx(5.0 + 0.3 - 0.2 + 0.5 * (0.09 + 0.1))


def test_hessian_cost_reports_memory_and_two_cpu_times():
    small, large = so.hessian_cost(20), so.hessian_cost(200)
    assert small[0] == 20 * 20 * 8 and large[0] == 200 * 200 * 8
    assert all(isinstance(t, float) and t >= 0 for t in (*small[1:], *large[1:]))
    assert small[1] >= small[2] and large[1] >= large[2]  # the solve includes its triangular part


careless_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
                             elements=st.one_of(st.floats(-3, 3), st.sampled_from([np.nan, np.inf, 1e300])))


@given(st.one_of(bad_numbers(), careless_arrays), st.one_of(bad_numbers(), careless_arrays))
@settings(max_examples=60, deadline=None)
def test_finite_difference_hvp_answers_careless_points_and_vectors_clearly(theta, v):
    names = ["theta", "v", "grad"]
    clear_answer(lambda: so.finite_difference_hvp(rosenbrock_grad, theta, v), names)
