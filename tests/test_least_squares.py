"""Gauss-Newton and Levenberg-Marquardt against scipy.optimize.least_squares(method="lm")
(MINPACK) on nonlinear fits, and the limits of the LM step against closed forms."""

import numpy as np
import pytest
from scipy.optimize import least_squares

from lecturelib.least_squares import gauss_newton, gauss_newton_step, levenberg_marquardt, lm_step

t = np.linspace(0, 4, 40)
rng = np.random.default_rng(0)
y = 2.5 * np.exp(-1.3 * t) + 0.5 + 0.02 * rng.normal(size=t.size)


def residual(p):  # r = model − data, model a·exp(−b t) + c
    a, b, c = p
    return a * np.exp(-b * t) + c - y


def jacobian(p):
    a, b, c = p
    e = np.exp(-b * t)
    return np.column_stack([e, -a * t * e, np.ones_like(t)])


def rosenbrock_residual(p):  # Σ r² = Rosenbrock
    return np.array([10 * (p[1] - p[0] ** 2), 1 - p[0]])


def rosenbrock_jacobian(p):
    return np.array([[-20 * p[0], 10.0], [-1.0, 0.0]])


@pytest.mark.parametrize("start", [[1.0, 1.0, 0.0], [5.0, 0.2, -1.0], [0.1, 4.0, 2.0]])
def test_lm_finds_the_same_fit_as_minpack(start):
    ours = levenberg_marquardt(residual, jacobian, start, tol=1e-12)
    theirs = least_squares(residual, start, jac=jacobian, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    np.testing.assert_allclose(ours.final, theirs.x, rtol=1e-7)
    assert ours.losses[-1] == pytest.approx(2 * theirs.cost, rel=1e-10)  # SciPy's cost is ½Σr²


def test_lm_solves_rosenbrock_like_minpack():
    ours = levenberg_marquardt(rosenbrock_residual, rosenbrock_jacobian, [-1.2, 1.0], tol=1e-12)
    theirs = least_squares(rosenbrock_residual, [-1.2, 1.0], jac=rosenbrock_jacobian, method="lm")
    np.testing.assert_allclose(ours.final, theirs.x, atol=1e-8)
    np.testing.assert_allclose(ours.final, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(ours.losses) < 0)  # only steps that lower f are accepted


def test_gauss_newton_converges_from_a_good_start_and_matches_minpack():
    ours = gauss_newton(residual, jacobian, [2.0, 1.0, 0.3], tol=1e-12)
    theirs = least_squares(residual, [2.0, 1.0, 0.3], jac=jacobian, method="lm", xtol=1e-15, ftol=1e-15)
    np.testing.assert_allclose(ours.final, theirs.x, rtol=1e-7)
    assert ours.steps < 15


def test_gauss_newton_step_uses_two_j_transpose_j_as_the_hessian():
    p = np.array([2.0, 1.0, 0.3])
    J, r = jacobian(p), residual(p)
    gradient = 2 * J.T @ r  # ∇ Σr²
    np.testing.assert_allclose(gauss_newton_step(J, r), -np.linalg.solve(2 * J.T @ J, gradient))


def test_lm_step_tends_to_gauss_newton_for_small_lambda_and_scaled_gradient_for_large():
    p = np.array([1.0, 0.5, 0.0])
    J, r = jacobian(p), residual(p)
    np.testing.assert_allclose(lm_step(J, r, 1e-12), gauss_newton_step(J, r), rtol=1e-8)
    damping = 1e8
    scaled_gradient = -(J.T @ r) / np.diag(J.T @ J) / damping
    np.testing.assert_allclose(lm_step(J, r, damping), scaled_gradient, rtol=1e-6)


def test_gauss_newton_can_diverge_where_lm_does_not():
    start = [0.1, 4.0, 2.0]  # far from the fit: the full Gauss-Newton step overshoots
    gn = gauss_newton(residual, jacobian, start, max_iter=100)
    lm = levenberg_marquardt(residual, jacobian, start, tol=1e-10)
    assert gn.diverged and gn.diverged_at == 1 and np.all(np.isfinite(gn.losses))
    # LM reaches the least-squares fit SciPy finds from the same start (its gradient is then at
    # rounding level: 1e-13 with NumPy 2, 1.4e-10 with NumPy 1.26's LAPACK)
    reference = least_squares(residual, start, jac=jacobian, xtol=1e-15, ftol=1e-15, gtol=1e-15)
    assert not lm.diverged and np.allclose(lm.final, reference.x, rtol=1e-7, atol=1e-9)
    assert np.abs(2 * jacobian(lm.final).T @ residual(lm.final)).max() <= 1e-8


def test_bad_input():
    with pytest.raises(ValueError, match="J of shape"):
        lm_step(np.ones((3, 2)), np.ones(4), 1.0)
    with pytest.raises(ValueError, match="damping must be >= 0"):
        lm_step(np.ones((3, 2)), np.ones(3), -1.0)
    with pytest.raises(ValueError, match="singular"):
        gauss_newton_step(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="up and down must be > 1"):
        levenberg_marquardt(residual, jacobian, [1.0, 1.0, 0.0], up=0.5)
    with pytest.raises(ValueError, match=r"jacobian must return shape \(2, 2\)"):
        levenberg_marquardt(lambda p: p, lambda p: np.ones((2, 3)), [1.0, 1.0])
