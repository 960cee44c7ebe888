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


# -- iterate: the one loop every method runs in ------------------------------------------------

import math  # noqa: E402
import pathlib  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from lecturelib.trajectory import (CONVERGED, DIVERGED, LINE_SEARCH_FAILED, MAX_ITER, STEPS,  # noqa: E402
                                   LineSearchError, Method, descent, iterate)


def halving(lr=0.5, fail_at=None, overflow_at=None):
    """Gradient descent θ ← θ − lr·θ on f = ½‖θ‖² (so θ_k = (1 − lr)^k θ₀, a closed form), as a
    Method whose state counts the steps; it raises LineSearchError at step `fail_at` and returns
    an infinite point at step `overflow_at`."""
    def step(theta, loss, g, k):
        if k == fail_at:
            raise LineSearchError("no step")
        if k == overflow_at:
            return np.full_like(theta, np.inf), k + 1
        return theta - lr * g, k + 1

    return descent("halving", lambda t: 0.5 * float(t @ t), lambda t: t.copy(), step, state=0)


def test_iterate_stops_when_the_sup_norm_of_the_gradient_reaches_tol():
    theta0, tol = np.array([3.0, -1.0]), 1e-6
    path = iterate(halving(), theta0, tol=tol, max_iter=100)
    k = math.ceil(math.log2(3.0 / tol))  # ‖∇f(θ_k)‖_∞ = 3 · 2⁻ᵏ ≤ tol first at this k
    assert path.reason == CONVERGED and path.converged and path.steps == k
    expected = theta0 * 0.5 ** np.arange(k + 1)[:, None]
    np.testing.assert_array_equal(path.points, expected)  # θ₀ recorded first; halving is exact
    np.testing.assert_allclose(path.losses, 0.5 * (expected**2).sum(axis=1), rtol=1e-15)
    np.testing.assert_allclose(path.grad_norms, np.linalg.norm(expected, axis=1), rtol=1e-15)
    assert f"converged in {k} steps" in path.message


def test_iterate_stops_at_max_iter_and_without_tol_takes_every_step():
    limited = iterate(halving(), np.array([3.0, -1.0]), tol=1e-300, max_iter=7)
    assert limited.reason == MAX_ITER and limited.steps == 7 and not limited.converged
    untested = iterate(halving(), np.array([3.0, -1.0]), max_iter=7)
    assert untested.reason == STEPS and untested.steps == 7
    assert iterate(halving(), np.zeros(2), tol=0.0, max_iter=7).steps == 0  # ∇f(θ₀) = 0: converged


def test_iterate_detects_divergence_once_and_records_only_finite_points():
    # lr = 3: θ_k = (−2)^k θ₀, f(θ_k) = 4^k f(θ₀); the loop's limit is 1e8 · (1 + f(θ₀)) = 2e8
    path = iterate(halving(lr=3.0), np.ones(1), tol=1e-8, max_iter=100)
    first_above = next(k for k in range(100) if 0.5 * 4.0**k > 2e8)
    assert path.reason == DIVERGED and path.diverged_at == first_above
    assert path.steps == first_above - 1 and np.isfinite(path.points).all()
    overflow = iterate(halving(overflow_at=3), np.ones(1), tol=1e-8, max_iter=100)
    assert overflow.reason == DIVERGED and overflow.diverged_at == 4 and overflow.steps == 3


def test_iterate_reports_a_failed_line_search_and_keeps_the_steps_before_it():
    path = iterate(halving(fail_at=2), np.array([1.0, 2.0]), tol=1e-8, max_iter=100)
    assert path.reason == LINE_SEARCH_FAILED and path.steps == 2 and "no step" in path.message


def test_iterate_treats_a_non_finite_gradient_as_divergence_and_refuses_a_bad_start():
    grad = lambda t: np.array([np.nan]) if t[0] < 0.3 else t.copy()  # noqa: E731
    method = descent("nan-gradient", lambda t: 0.5 * float(t @ t), grad, lambda t, f, g, s: (t - 0.5 * g, s))
    path = iterate(method, np.array([1.0]), tol=1e-8, max_iter=10)
    assert path.diverged_at == 2 and path.steps == 1  # θ₂ = 0.25 has a NaN gradient
    with pytest.raises(ValueError, match="not finite at θ₀"):
        iterate(descent("nan", lambda t: float("nan"), grad, lambda t, f, g, s: (t, s)), np.ones(1),
                max_iter=3)
    with pytest.raises(ValueError, match="gradient of f is not finite"):
        iterate(method, np.array([0.1]), max_iter=3)


def test_iterate_passes_explicit_state_to_the_callback_and_the_step_returns_new_state():
    seen = []
    method = Method("count", lambda t: (0.5 * float(t @ t), {"k": 0}),
                    lambda t, f, g, s: (t - 0.5 * g, 0.5 * float((t - 0.5 * g) @ (t - 0.5 * g)), {"k": s["k"] + 1}),
                    lambda t, s: (t.copy(), s))
    iterate(method, np.array([1.0]), max_iter=4, callback=lambda k, t, s: seen.append((k, t[0], s)))
    assert [(k, x, s["k"]) for k, x, s in seen] == [(k, 0.5**k, k) for k in range(1, 5)]
    assert len({id(s) for _, _, s in seen}) == 4  # a new state each step: none mutated in place


LIBRARY = pathlib.Path(__file__).resolve().parent.parent / "lecturelib"


def test_only_the_loop_builds_trajectories_and_decides_divergence():
    """Every Trajectory comes from `iterate`: no other module constructs one or sets diverged_at."""
    for path in LIBRARY.rglob("*.py"):
        if path.name == "trajectory.py" and path.parent == LIBRARY:
            continue
        code = path.read_text()
        assert not re.search(r"\bTrajectory\(", code), f"{path.name} builds a Trajectory itself"
        assert not re.search(r"\bdiverged_at\s*=", code), f"{path.name} decides divergence itself"


def test_the_algorithms_import_without_torch():
    """torch lives in the adapters (autograd, training); importing an algorithm never imports it."""
    modules = ["trajectory", "linesearch", "second_order", "quasi_newton", "conjugate_gradient",
               "least_squares", "landscape"]
    code = ("import sys; import lecturelib." + "; import lecturelib.".join(modules)
            + "; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", "one of these modules imports torch"
    optim_uses_torch = subprocess.run(
        [sys.executable, "-c", "import sys, lecturelib.optim; print('torch' in sys.modules)"],
        capture_output=True, text=True, check=True).stdout.strip() == "True"
    if optim_uses_torch:
        pytest.skip("race imports optim, which still imports torch")
    race = subprocess.run([sys.executable, "-c", "import sys, lecturelib.race; print('torch' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert race.stdout.strip() == "False"


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from bad_input import SOME, bad_numbers, careless_vectors, clear_answer, large_but_valid  # noqa: E402
from lecturelib import linesearch as ls  # noqa: E402
from lecturelib import trajectory  # noqa: E402


RUN = dict(method=optim.sgd(0.1), problem=problems.canyon(10.0), theta0=[1.0, 1.0], steps=20, gradient=None,
           explode=1e8, raise_on_divergence=False)

@SOME
@given(name=st.sampled_from(list(RUN)),
       bad=st.one_of(bad_numbers(), careless_vectors(),
                     st.sampled_from([optim.adam, "sgd", lambda theta, k: np.array([np.nan, 1.0]),
                                      lambda theta, k: np.ones(3), lambda theta, k: None,
                                      problems.rosenbrock()])))
def test_run_answers_careless_input_clearly(name, bad):
    assume(not (name == "steps" and large_but_valid(bad)))
    kwargs = {**RUN, name: bad}
    answer = clear_answer(lambda: run(**kwargs), names=[name, "θ₀"])
    if not isinstance(answer, Exception):
        assert answer.reason in (STEPS, DIVERGED) and np.isfinite(answer.points).all()

def test_run_reports_a_gradient_that_becomes_nan_as_divergence_and_refuses_a_nan_start():
    path = run(optim.sgd(0.1), problems.canyon(), [1.0, 1.0], 10, gradient=lambda theta, k: theta * np.nan)
    assert path.diverged_at == 1 and path.reason == DIVERGED and "diverged at step 1" in path.message
    bad_grad = problems.Problem("bad gradient", lambda t: 0.0, lambda t: np.array([np.nan]), 1)
    with pytest.raises(ValueError, match="gradient of bad gradient is not finite"):
        run(optim.sgd(0.1), bad_grad, [0.0], 3)

REGRESSION = problems.lecture_regression()

@SOME
@given(name=st.sampled_from(["problem", "batch_size", "seed", "shuffle"]),
       bad=st.one_of(bad_numbers(), st.sampled_from([problems.canyon(), "yes", None])))
def test_minibatch_gradient_answers_careless_input_clearly(name, bad):
    kwargs = {**dict(problem=REGRESSION, batch_size=4, seed=0, shuffle=True), name: bad}

    def gradients():
        gradient = trajectory.minibatch_gradient(**kwargs)
        return np.array([gradient(np.zeros(2), k) for k in range(9)])

    answer = clear_answer(gradients, names=[name])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer).all()

def test_trajectories_say_why_they_stopped():
    canyon = problems.canyon(10.0, angle=0.0)  # H = diag(0.1, 1)
    assert run(optim.sgd(0.5), canyon, [1.0, 1.0], 5).reason == STEPS
    assert run(optim.sgd(2.5), canyon, [1.0, 1.0], 500).reason == DIVERGED
    exact = ls.steepest_descent(canyon, [1.0, 0.0], 10)  # along an axis: ε* = 1/0.1 lands on 0
    assert exact.reason == CONVERGED and exact.steps == 1 and exact.converged
    assert ls.steepest_descent(problems.canyon(10.0), [-3.0, 2.0], 5).reason == MAX_ITER
    failed = ls.steepest_descent(problems.saddle(), [0.0, 1.0], 5)  # gᵀHg < 0: no exact step
    assert failed.reason == LINE_SEARCH_FAILED and failed.steps == 0 and "line search" in failed.message
    assert ls.coordinate_descent(canyon, [3.0, -2.0], 5).reason == CONVERGED
    assert ls.coordinate_descent(problems.canyon(10.0), [3.0, -2.0], 3).reason == MAX_ITER
    valley = problems.Problem("−cos x + y²", lambda t: -math.cos(t[0]) + t[1] ** 2,
                              lambda t: np.array([math.sin(t[0]), 2 * t[1]]), 2,
                              lambda t: np.diag([math.cos(t[0]), 2.0]))
    concave_later = ls.coordinate_descent(valley, [1.2, 1.0], 5)  # x: 1.2 → −1.37 → 3.6, where cos x < 0
    assert concave_later.reason == LINE_SEARCH_FAILED and concave_later.steps == 4  # 2 sweeps
    assert math.cos(concave_later.final[0]) < 0
