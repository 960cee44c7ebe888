"""Linear CG against numpy.linalg.solve and scipy.sparse.linalg.cg; nonlinear CG against
scipy.optimize.minimize(method="CG")."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize, rosen, rosen_der
from scipy.sparse.linalg import cg as scipy_cg

from lecturelib.conjugate_gradient import conjugate_gradient, nonlinear_cg
from lecturelib.problems import as_problem, logistic_regression


def spd(n, condition, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return Q @ np.diag(np.geomspace(1, condition, n)) @ Q.T, rng.normal(size=n)


@given(st.integers(1, 12), st.floats(1, 50), st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_cg_solves_an_n_by_n_spd_system_in_at_most_n_steps(n, condition, seed):
    # Exact in n steps holds in exact arithmetic; in floating point rounding slowly destroys
    # the conjugacy of the directions, so we keep κ moderate (see the next test for large κ).
    A, b = spd(n, condition, seed)
    result = conjugate_gradient(A, b, tol=1e-10)
    assert result.iterations <= n
    x = np.linalg.solve(A, b)
    assert np.linalg.norm(result.x - x) <= 1e-7 * np.linalg.norm(x)


def test_with_large_kappa_rounding_breaks_the_n_step_promise_but_the_error_norm_still_falls():
    A, b = spd(12, 1e3, 0)
    x = np.linalg.solve(A, b)
    result = conjugate_gradient(A, b, tol=1e-14, max_iter=40)
    residual_after_n = result.residual_norms[12] / np.linalg.norm(b)
    assert residual_after_n > 1e-3  # not solved after n = 12 steps in floating point ...
    errors = [np.sqrt((p - x) @ A @ (p - x)) for p in result.points]
    assert np.all(np.diff(errors) <= 1e-12 * errors[0])  # ... but ‖x_k − x‖_A never grows
    assert result.residual_norms[-1] <= 1e-12 * np.linalg.norm(b)  # and a few more steps solve it


def test_cg_matches_scipy_sparse_cg_and_accepts_a_matvec():
    A, b = spd(50, 100.0, 3)
    ours = conjugate_gradient(lambda p: A @ p, b, tol=1e-12, max_iter=200)
    theirs, info = scipy_cg(A, b, rtol=1e-12, maxiter=200)
    assert info == 0
    np.testing.assert_allclose(ours.x, theirs, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.x, np.linalg.solve(A, b), rtol=1e-8, atol=1e-10)


def test_cg_iterates_match_scipy_step_by_step():
    A, b = spd(8, 30.0, 4)
    ours = conjugate_gradient(A, b, tol=1e-14)
    seen = []
    scipy_cg(A, b, rtol=1e-14, maxiter=3, callback=lambda xk: seen.append(xk.copy()))
    np.testing.assert_allclose(ours.points[1:4], np.array(seen), rtol=1e-8, atol=1e-12)


def test_cg_converges_faster_for_smaller_condition_numbers():
    steps = [conjugate_gradient(*spd(200, kappa, 5), tol=1e-8, max_iter=1000).iterations
             for kappa in (10.0, 1e3, 1e5)]
    assert steps[0] < steps[1] < steps[2]
    kappa = 1e3  # the classical bound: ‖e_k‖_A ≤ 2((√κ − 1)/(√κ + 1))^k ‖e_0‖_A
    assert steps[1] <= np.log(2 / 1e-8 * np.sqrt(kappa)) / -np.log((kappa**0.5 - 1) / (kappa**0.5 + 1))


def test_cg_rejects_bad_systems_with_clear_messages():
    with pytest.raises(ValueError, match="not positive definite"):
        conjugate_gradient(np.diag([1.0, -1.0]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="square"):
        conjugate_gradient(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="must match"):
        conjugate_gradient(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match="symmetric"):
        conjugate_gradient(np.array([[2.0, 1.0], [0.0, 2.0]]), np.ones(2))
    with pytest.raises(ValueError, match="x0"):
        conjugate_gradient(np.eye(2), np.ones(2), x0=np.ones(3))
    with pytest.raises(TypeError):
        conjugate_gradient(np.eye(2), "b")


@pytest.mark.parametrize("formula", ["PR", "FR"])
def test_nonlinear_cg_finds_scipys_minimiser_on_rosenbrock(formula):
    x0 = np.array([-1.2, 1.0])
    ours = nonlinear_cg(as_problem(rosen, rosen_der, dim=2), x0, formula=formula, tol=1e-8, max_iter=5000)
    theirs = minimize(rosen, x0, jac=rosen_der, method="CG", options={"gtol": 1e-8})
    np.testing.assert_allclose(ours.final, theirs.x, atol=1e-6)
    np.testing.assert_allclose(ours.final, [1.0, 1.0], atol=1e-6)


@pytest.mark.parametrize("problem", ["Rosenbrock-2D", "logistic regression"])
def test_nonlinear_pr_cg_needs_at_most_1_2_times_scipys_iterations(problem):
    if problem == "Rosenbrock-2D":
        f, grad, x0 = rosen, rosen_der, np.array([-1.2, 1.0])
    else:
        logistic = logistic_regression()
        f, grad, x0 = logistic.f, logistic.grad, np.zeros(logistic.dim)
    ours = nonlinear_cg(as_problem(f, grad, dim=x0.size), x0, tol=1e-5)
    theirs = minimize(f, x0, jac=grad, method="CG", options={"gtol": 1e-5})
    assert np.abs(grad(ours.final)).max() <= 1e-5
    assert abs(f(ours.final) - theirs.fun) <= 1e-8 * max(1.0, abs(theirs.fun))  # same minimum
    assert ours.steps <= 1.2 * theirs.nit, (ours.steps, theirs.nit)


def test_nonlinear_cg_on_a_quadratic_is_linear_cg():
    A, b = spd(6, 50.0, 6)
    path = nonlinear_cg(as_problem(lambda x: 0.5 * x @ A @ x - b @ x, lambda x: A @ x - b, dim=6), np.zeros(6),
                        tol=1e-9, restart=100)
    np.testing.assert_allclose(path.final, np.linalg.solve(A, b), atol=1e-7)
    # n = 6 steps with exact line searches; the Wolfe search is inexact, which costs a few more
    assert path.steps <= 2 * 6


def test_nonlinear_cg_rejects_an_unknown_formula():
    with pytest.raises(ValueError, match="formula must be one of"):
        nonlinear_cg(as_problem(rosen, rosen_der, dim=2), [0.0, 0.0], formula="HS")
