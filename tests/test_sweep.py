"""trajectory.sweep: a learning-rate sweep taken side by side equals its separate runs, bit for bit.

The reference is `trajectory.run`, one run per rate (the loop every chapter uses): the sweep
must visit the same points, record the same losses and gradient norms, and stop each row at
the same step for the same reason, for every rule of the registry."""

import numpy as np
import pytest

from lecturelib import optim, problems
from lecturelib.trajectory import run, sweep

GRID = np.geomspace(1e-4, 5, 12)  # chapter 4's grid: the larger rates diverge for most rules


def assert_same(separate, together):
    assert len(separate) == len(together)
    for a, b in zip(separate, together):
        assert (a.diverged_at, a.reason, a.why, a.method) == (b.diverged_at, b.reason, b.why, b.method)
        assert np.array_equal(a.points, b.points)
        assert np.array_equal(a.losses, b.losses)
        assert np.array_equal(a.grad_norms, b.grad_norms)
        assert np.array_equal(a.final, b.final) and a.message == b.message


@pytest.mark.parametrize("name", list(optim.REGISTRY))
@pytest.mark.parametrize("problem, start, steps", [
    (problems.rosenbrock(), [-1.2, 1.0], 300),
    (problems.canyon(condition_number=20.0), [-5.0, 2.5], 150),
    (problems.beale(), [1.0, 1.5], 100),
], ids=["rosenbrock", "canyon", "beale"])
def test_every_rule_of_the_registry_equals_its_separate_runs(name, problem, start, steps):
    entry = optim.REGISTRY[name]
    separate = [run(entry.make(lr=lr), problem, start, steps) for lr in GRID]
    together = sweep(name, problem, start, steps, GRID)
    assert_same(separate, together)


def test_the_grid_really_has_rows_that_diverge_and_rows_that_do_not():
    # otherwise the comparison above would not test the per-row stop
    paths = sweep("SGD", problems.rosenbrock(), [-1.2, 1.0], 300, GRID)
    assert 0 < sum(p.diverged for p in paths) < len(GRID)
    assert len({p.diverged_at for p in paths if p.diverged}) > 1  # at different steps


def test_a_row_whose_state_overflows_stops_with_the_optimisers_own_message():
    # Adam squares the gradient: r overflows float64 where g ≈ 1e160 (the step itself does not)
    steep = problems.quadratic(np.diag([1e158, 1.0]), name="steep")
    rates = [1e-3, 2.0]
    separate = [run(optim.REGISTRY["Adam"].make(lr=lr), steep, [1.0, 1.0], 20) for lr in rates]
    assert any("too large" in p.why for p in separate)  # the case this test is about
    assert_same(separate, sweep("Adam", steep, [1.0, 1.0], 20, rates))


def test_a_nesterov_row_whose_look_ahead_gradient_overflows_stops_as_its_run_does():
    rates = [1e-3, 0.05, 3.0]
    problem = problems.rosenbrock()
    separate = [run(optim.REGISTRY["Nesterov"].make(lr=lr), problem, [-1.2, 1.0], 200) for lr in rates]
    assert any(p.diverged for p in separate)
    assert_same(separate, sweep("Nesterov", problem, [-1.2, 1.0], 200, rates))


def test_a_sweep_where_every_row_diverges_stops_early_and_still_equals_the_runs():
    rates = [10.0, 30.0]
    separate = [run(optim.sgd(lr), problems.rosenbrock(), [-1.2, 1.0], 500) for lr in rates]
    assert all(p.diverged and p.diverged_at < 20 for p in separate)
    assert_same(separate, sweep("SGD", problems.rosenbrock(), [-1.2, 1.0], 500, rates))


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(name="Adamm"), ValueError, "name must be one of"),
    (dict(rates=[]), ValueError, "non-empty list of learning rates"),
    (dict(rates=[[0.1]]), ValueError, "non-empty list of learning rates"),
    (dict(rates=[0.1, -1.0]), ValueError, "rates[1]"),
    (dict(rates=[0.1, np.nan]), ValueError, "rates"),
    (dict(rates="fast"), TypeError, "rates"),
    (dict(steps=-1), ValueError, "steps"),
    (dict(steps=10**7), ValueError, "steps must be <="),
    (dict(theta0=[1.0, 2.0, 3.0]), ValueError, "theta0"),
    (dict(problem="rosenbrock"), TypeError, "Problem"),
    (dict(explode=0.0), ValueError, "explode"),
])
def test_bad_input_is_named(kwargs, error, words):
    call = dict(name="SGD", problem=problems.rosenbrock(), theta0=[-1.2, 1.0], steps=10, rates=[0.1])
    call.update(kwargs)
    with pytest.raises(error) as caught:
        sweep(call.pop("name"), call.pop("problem"), call.pop("theta0"), call.pop("steps"), call.pop("rates"),
              **call)
    assert words in str(caught.value)
