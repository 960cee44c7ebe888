"""BFGS and L-BFGS against scipy.optimize.minimize: the same minimiser, and iteration counts
within 1.2× of SciPy's to the same gradient tolerance, on Rosenbrock-2D and on logistic
regression (scikit-learn's breast-cancer data, standardised)."""

import numpy as np
import pytest
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess
from scipy.special import expit, log_expit
from sklearn.datasets import load_breast_cancer

from lecturelib.problems import as_problem
from lecturelib.quasi_newton import bfgs, bfgs_update, lbfgs, lbfgs_inverse_hessian, memory_floats, two_loop

GTOL = 1e-5


def logistic_regression(l2=1e-2):
    X, y = load_breast_cancer(return_X_y=True)
    X = np.column_stack([np.ones(len(X)), (X - X.mean(0)) / X.std(0)])

    def f(w):
        z = X @ w
        return float(np.mean(-y * log_expit(z) - (1 - y) * log_expit(-z)) + l2 / 2 * w[1:] @ w[1:])

    def grad(w):
        g = X.T @ (expit(X @ w) - y) / len(y)
        g[1:] += l2 * w[1:]
        return g

    return f, grad, np.zeros(X.shape[1])


PROBLEMS = {"Rosenbrock-2D": (rosen, rosen_der, np.array([-1.2, 1.0])),
            "logistic regression": logistic_regression()}
SCIPY = {bfgs: ("BFGS", {"gtol": GTOL}),
         lbfgs: ("L-BFGS-B", {"gtol": GTOL, "ftol": 1e-15, "maxcor": 10})}


@pytest.mark.parametrize("method", [bfgs, lbfgs], ids=["BFGS", "L-BFGS"])
@pytest.mark.parametrize("name", PROBLEMS)
def test_iterations_within_1_2_times_scipys_to_the_same_gradient_tolerance(method, name):
    f, grad, x0 = PROBLEMS[name]
    scipy_method, options = SCIPY[method]
    theirs = minimize(f, x0, jac=grad, method=scipy_method, options=options)
    ours = method(as_problem(f, grad, dim=x0.size), x0, tol=GTOL)
    assert np.abs(grad(ours.final)).max() <= GTOL
    assert ours.steps <= 1.2 * theirs.nit, f"{ours.steps} iterations, SciPy {theirs.nit}"


@pytest.mark.parametrize("method", [bfgs, lbfgs], ids=["BFGS", "L-BFGS"])
@pytest.mark.parametrize("name", PROBLEMS)
def test_same_minimiser_as_scipy(method, name):
    f, grad, x0 = PROBLEMS[name]
    scipy_method, options = SCIPY[method]
    theirs = minimize(f, x0, jac=grad, method=scipy_method, options={**options, "gtol": 1e-9})
    ours = method(as_problem(f, grad, dim=x0.size), x0, tol=1e-9)
    np.testing.assert_allclose(ours.final, theirs.x, atol=1e-6)
    assert ours.losses[-1] == pytest.approx(theirs.fun, rel=1e-10)


def test_bfgs_update_satisfies_the_secant_condition_and_stays_positive_definite():
    rng = np.random.default_rng(0)
    H = np.eye(5)
    for _ in range(20):
        s = rng.normal(size=5)
        y = s + 0.3 * rng.normal(size=5)
        if y @ s <= 0:
            continue
        H = bfgs_update(H, s, y)
        np.testing.assert_allclose(H @ y, s, rtol=1e-8, atol=1e-10)
        assert np.allclose(H, H.T) and np.linalg.eigvalsh(H).min() > 0


def test_bfgs_estimate_approaches_the_inverse_hessian_on_a_quadratic():
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    A = Q @ np.diag([1.0, 3.0, 10.0, 30.0]) @ Q.T
    seen = []
    bfgs(as_problem(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, dim=4), rng.normal(size=4), tol=1e-10,
         callback=lambda k, x, state: seen.append(state["H_inv"].copy()))
    errors = [np.linalg.norm(H - np.linalg.inv(A)) for H in seen]
    assert errors[-1] < 0.1 * np.linalg.norm(np.eye(4) - np.linalg.inv(A))


def test_bfgs_inverse_hessian_at_rosenbrocks_minimum():
    seen = []
    bfgs(as_problem(rosen, rosen_der, dim=2), np.array([-1.2, 1.0]), tol=1e-9,
         callback=lambda k, x, state: seen.append(state["H_inv"].copy()))
    true_inverse = np.linalg.inv(rosen_hess(np.ones(2)))
    assert np.linalg.norm(seen[-1] - true_inverse) < 0.2 * np.linalg.norm(true_inverse)


def test_two_loop_with_full_memory_equals_repeated_bfgs_updates_from_gamma_identity():
    rng = np.random.default_rng(2)
    pairs = []
    for _ in range(4):
        s = rng.normal(size=6)
        pairs.append((s, s + 0.2 * rng.normal(size=6)))
    s_list, y_list = [p[0] for p in pairs], [p[1] for p in pairs]
    gamma = s_list[-1] @ y_list[-1] / (y_list[-1] @ y_list[-1])
    H = gamma * np.eye(6)
    for s, y in pairs:
        H = bfgs_update(H, s, y)
    g = rng.normal(size=6)
    np.testing.assert_allclose(two_loop(g, s_list, y_list), H @ g, rtol=1e-10)
    np.testing.assert_allclose(lbfgs_inverse_hessian(s_list, y_list, 6), H, rtol=1e-10, atol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="curvature condition"):
        bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    with pytest.raises(ValueError, match="H_inv"):
        bfgs_update(np.eye(3), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="m must be a whole number >= 1"):
        lbfgs(as_problem(rosen, rosen_der, dim=2), [0.0, 0.0], m=0)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(2,\)"):
        bfgs(as_problem(rosen, rosen_der, dim=2), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="problem must be a lecturelib.problems.Problem"):
        bfgs(rosen, [0.0, 0.0])


def test_memory_counts():
    counts = memory_floats(1_000_000, m=10)
    assert counts["BFGS (H⁻¹ estimate)"] == 10**12 and counts["L-BFGS (m = 10)"] == 2 * 10**7


@pytest.mark.parametrize("method", [bfgs, lbfgs], ids=["BFGS", "L-BFGS"])
def test_state_is_returned_fresh_each_step_never_mutated(method):
    seen = []
    path = method(as_problem(rosen, rosen_der, dim=2), [-1.2, 1.0], tol=1e-5, callback=lambda k, x, state: seen.append(state))
    assert len({id(state) for state in seen}) == len(seen) == path.steps
    s1, y1 = path.points[1] - path.points[0], rosen_der(path.points[1]) - rosen_der(path.points[0])
    if method is bfgs:  # the state kept from step 1 still holds step 1's estimate: H₁y₁ = s₁
        np.testing.assert_allclose(seen[0]["H_inv"] @ y1, s1, rtol=1e-10, atol=1e-14)
    else:  # and L-BFGS's first state still holds the first pair only
        assert len(seen[0]["s"]) == 1 and len(seen[-1]["s"]) == 10
        np.testing.assert_allclose(seen[0]["s"][0], s1, rtol=1e-12)
