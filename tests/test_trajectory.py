"""run() records what happens and reports divergence; minibatches cover every example once per
epoch. References: closed forms for gradient descent on a quadratic."""

import numpy as np
import pytest

from lecturelib import optim, problems
from lecturelib.problems import Problem
from lecturelib.trajectory import Diverged, minibatch_gradient, run


def test_gradient_descent_on_a_quadratic_follows_the_closed_form():
    p = problems.canyon(10, angle=0.0)  # H = diag(0.1, 1)
    path = run(optim.sgd(0.5), p, [1.0, 1.0], 20)
    k = np.arange(21)
    expected = np.column_stack([(1 - 0.5 * 0.1) ** k, (1 - 0.5) ** k])
    np.testing.assert_allclose(path.points, expected, rtol=1e-12)
    np.testing.assert_allclose(path.losses, [p.f(q) for q in expected], rtol=1e-12)
    np.testing.assert_allclose(path.grad_norms, np.linalg.norm(expected * [0.1, 1], axis=1), rtol=1e-12)
    assert not path.diverged and "20 steps" in path.message


def test_a_step_above_two_over_lambda_max_diverges_and_says_when():
    p = problems.canyon(10, angle=0.0)
    path = run(optim.sgd(2.2), p, [1.0, 1.0], 500)  # |1 - 2.2| = 1.2 per step along λ_max = 1
    assert path.diverged and path.diverged_at == len(path.points)
    k, limit = path.diverged_at, 1e8 * (1 + p.f(np.ones(2)))  # f(θ_k) ≈ ½·1.44^k along λ_max
    assert 0.5 * 1.44**k > limit > 0.5 * 1.44 ** (k - 1)
    assert f"diverged at step {path.diverged_at}" in path.message
    assert np.all(np.isfinite(path.points))
    with pytest.raises(Diverged, match="diverged at step"):
        run(optim.sgd(2.2), p, [1.0, 1.0], 500, raise_on_divergence=True)


def test_a_problem_that_returns_nan_is_reported():
    def log(t):
        with np.errstate(invalid="ignore"):
            return float(np.log(t[0]))

    bad = Problem("log", log, lambda t: np.array([1 / t[0]]), 1)
    with pytest.raises(ValueError, match="not finite at θ₀"):
        run(optim.sgd(0.1), bad, [-1.0], 5)
    path = run(optim.sgd(1.0), bad, [0.5], 5)  # 0.5 - 1/0.5 < 0: log is NaN there
    assert path.diverged_at == 1


def test_saddle_escapes_along_the_negative_curvature_direction():
    path = run(optim.sgd(0.1), problems.saddle(), [1.0, 1e-3], 200)
    assert path.diverged and abs(path.points[-1, 0]) < 1e-3 and abs(path.points[-1, 1]) > 1


def test_nesterov_gradients_are_taken_at_the_look_ahead_point():
    p = problems.canyon(5)
    seen = []
    method = optim.nesterov(0.1, beta=0.9)

    def gradient(theta, k):
        seen.append(theta)
        return p.grad(theta)

    path = run(method, p, [3.0, 1.0], 3, gradient=gradient)
    v1 = path.points[1] - path.points[0]
    np.testing.assert_allclose(seen[1], path.points[1] + 0.9 * v1)


def test_minibatches_visit_every_example_once_per_epoch():
    reg = problems.lecture_regression()
    used = []
    original = reg.batch_grad

    class Spy:
        y = reg.y

        def batch_grad(self, theta, idx):
            used.extend(idx)
            return original(theta, idx)

    gradient = minibatch_gradient(Spy(), batch_size=4, seed=1)
    for k in range(8):  # 30 examples in 8 batches of 4 or 3 = one epoch
        gradient(np.zeros(2), k)
    assert sorted(used) == list(range(30))
    unshuffled = minibatch_gradient(Spy(), batch_size=30, shuffle=False)
    used.clear()
    unshuffled(np.zeros(2), 0)
    assert used == list(range(30))


def test_wrong_starting_point_and_batch_size_are_rejected():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        run(optim.sgd(0.1), problems.rosenbrock(), [0.0], 3)
    with pytest.raises(ValueError, match="batch_size must be <="):
        minibatch_gradient(problems.lecture_regression(), 31)


def test_descent_explorer_draws_the_run_it_names():
    from lecturelib.explore import descent_explorer

    explorer = descent_explorer(steps=40)
    explorer.update(problem="canyon", method="SGD", lr=2.5, beta=0.9)
    path_line = explorer.fig.axes[0].lines[0]
    expected = run(optim.sgd(2.5), problems.canyon(20.0), [-5.0, 2.5], 40)
    np.testing.assert_allclose(np.column_stack(path_line.get_data()), expected.points)
    assert f"diverged at step {expected.diverged_at}" in explorer.fig._suptitle.get_text()
