"""Bad input to chapter 4's library (schedules, optim, linesearch, trajectory, problems, race) gets
a clear answer: a ValueError/TypeError that names the argument, or a NaN-free (here: finite and
correct) result, never another exception type, NaN or a hang (`tests/bad_input.py`).

Property tests generate careless values for every argument of every function family; explicit
regression tests pin down the hangs and crashes that were found; the warm-restart schedule's
O(1) closed form is checked against the straightforward loop."""

import inspect
import math
import numbers
import time

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bad_input import bad_numbers, clear_answer, time_limit
from lecturelib import linesearch as ls
from lecturelib import optim, problems, race, torch_optim, trajectory
from lecturelib import torch_training as training
from lecturelib import schedules as S
from lecturelib.trajectory import CONVERGED, DIVERGED, LINE_SEARCH_FAILED, MAX_ITER, STEPS, run

SOME = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def large_but_valid(value, limit=1000) -> bool:
    """A whole number in (limit, 10⁶]: a legal budget that would only make the test slow."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
            and limit < value <= 10**6)


def careless_vectors(size: int = 2):
    """Vectors with NaN and inf in them, the wrong shape, or not numbers at all."""
    return st.one_of(
        hnp.arrays(np.float64, st.sampled_from([(size,), (size + 1,), (1, size), (), (0,)]),
                   elements=st.floats(allow_nan=True, allow_infinity=True)),
        st.sampled_from([None, "theta", [1.0, "a"], [[1.0], [2.0, 3.0]], [1 + 2j, 0.0],
                         np.array([True, False])]),
        bad_numbers())


# -- schedules --------------------------------------------------------------------------------

SCHEDULE_ARGS = {
    S.constant: dict(lr=0.1),
    S.linear_decay: dict(lr0=0.1, lr_tau=0.001, tau=50),
    S.inverse_time: dict(lr0=0.1, decay=0.01),
    S.step_decay: dict(lr0=0.1, every=7, factor=0.5),
    S.one_cycle: dict(lr_max=0.1, total_steps=100, pct_start=0.3, div_factor=25.0, final_div_factor=1e4),
    S.cosine_warm_restarts: dict(lr_max=0.1, period=10, period_mult=2, lr_min=0.001),
}


@SOME
@given(case=st.sampled_from([(f, name) for f, kwargs in SCHEDULE_ARGS.items() for name in kwargs]),
       bad=bad_numbers())
def test_schedule_factories_answer_careless_hyper_parameters_clearly(case, bad):
    factory, name = case
    kwargs = {**SCHEDULE_ARGS[factory], name: bad}

    def rates():
        schedule = factory(**kwargs)
        last = int(kwargs["total_steps"]) - 1 if factory is S.one_cycle else 10**6
        return [schedule(min(t, last)) for t in (0, 1, 2, 9, 10, 11, 99, 10**6)]

    answer = clear_answer(rates, names=[name])
    if isinstance(answer, list):
        assert all(math.isfinite(rate) and rate >= 0 for rate in answer), answer


@SOME
@given(factory=st.sampled_from(list(SCHEDULE_ARGS)), t=bad_numbers())
def test_schedules_answer_a_careless_step_clearly(factory, t):
    schedule = factory(**SCHEDULE_ARGS[factory])
    answer = clear_answer(lambda: schedule(t), names=["step"])
    if not isinstance(answer, Exception):
        assert math.isfinite(answer) and answer >= 0  # halving 1000 times underflows to 0


def warm_restart_loop(t, period, period_mult):
    """(steps since the last restart, current period) by walking through the periods."""
    length = period
    while t >= length:
        t, length = t - length, length * period_mult
    return t, length


@pytest.mark.parametrize("period, period_mult", [(1, 1), (10, 1), (7, 1), (1, 2), (10, 2), (3, 3), (5, 7),
                                                 (50, 2), (1, 10)])
def test_warm_restart_closed_form_equals_the_loop_over_many_steps(period, period_mult):
    schedule = S.cosine_warm_restarts(1.0, period, period_mult, lr_min=0.0)
    starts = [period * (period_mult**i - 1) // (period_mult - 1) if period_mult > 1 else period * i
              for i in range(1, 40)]
    steps = sorted(set(range(3000)) | {s + d for s in starts for d in (-1, 0, 1) if 0 <= s + d < 10**12})
    for t in steps:
        t_cur, length = warm_restart_loop(t, period, period_mult)
        expected = 0.5 * (1 + math.cos(math.pi * t_cur / length))
        assert schedule(t) == pytest.approx(expected, rel=1e-12, abs=1e-15), (t, period, period_mult)


# -- the rule factories and their update ----------------------------------------------------

def rule_cases() -> list[tuple[str, str]]:
    """(rule, hyper-parameter) for every argument of every registered rule (`optim.REGISTRY`),
    read at the moment of the call: a rule added to the registry is tested here too."""
    return [(name, parameter) for name, entry in optim.REGISTRY.items()
            for parameter in inspect.signature(entry.factory).parameters]


RULE_CASES = rule_cases()
THETA, GRAD = np.array([1.0, -2.0]), np.array([0.5, -1.0])


def three_steps(opt, grad=GRAD):
    state, steps = opt.init(THETA), []
    for _ in range(3):
        step, state = opt.update(grad, state, THETA)
        steps.append(step)
    return np.array(steps)


@SOME
@given(case=st.sampled_from(RULE_CASES),
       bad=st.one_of(bad_numbers(), st.sampled_from(["lecture", "pytorch", "adam", None, "True"])))
def test_rule_factories_answer_careless_hyper_parameters_clearly(case, bad):
    name, parameter = case
    answer = clear_answer(lambda: three_steps(optim.REGISTRY[name].factory(**{parameter: bad})), names=[parameter])
    if not isinstance(answer, Exception):
        assert not np.isnan(answer).any()


@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), rate=bad_numbers(), at=st.integers(0, 2))
def test_a_schedule_giving_a_careless_rate_is_reported_with_its_step(name, rate, at):
    opt = optim.REGISTRY[name].make(lr=lambda t: rate if t == at else 0.01)
    answer = clear_answer(lambda: three_steps(opt), names=["lr"])
    valid = isinstance(rate, numbers.Real) and not isinstance(rate, bool) and 0 < rate < math.inf
    if valid and isinstance(answer, Exception):  # a finite rate so large that the step overflows
        assert rate > 1e300 and "overflowed" in str(answer), (rate, answer)
    else:
        assert isinstance(answer, Exception) != valid, (rate, answer)
    if isinstance(answer, Exception):
        assert f"step {at}" in str(answer)


@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), grad=careless_vectors())
def test_update_answers_a_careless_gradient_clearly(name, grad):
    opt = optim.REGISTRY[name].make(lr=0.01)
    answer = clear_answer(lambda: opt.update(grad, opt.init(THETA), THETA), names=["grad"])
    if not isinstance(answer, Exception):
        step, state = answer
        assert step.shape == THETA.shape and np.isfinite(step).all() and state["t"] == 1


def careless_states(opt):
    state = opt.init(THETA)
    wrong_shape = opt.init(np.zeros(3))
    return [None, "state", [], {}, {**state, "t": -1}, {**state, "t": 1.5}, {**state, "t": "1"},
            wrong_shape if opt.state_names else None, {k: v for k, v in state.items() if k != "t"}]


@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), which=st.integers(0, 8))
def test_update_and_eval_point_answer_a_careless_state_clearly(name, which):
    opt = optim.REGISTRY[name].make(lr=0.01)
    state = careless_states(opt)[which]
    clear_answer(lambda: opt.update(GRAD, state, THETA), names=["state"])
    clear_answer(lambda: opt.eval_point(THETA, state) if opt.lookahead else None, names=["state"])


@FEW
@given(name=st.sampled_from(list(optim.REGISTRY)), params=careless_vectors())
def test_update_answers_careless_parameters_clearly(name, params):
    opt = optim.REGISTRY[name].make(lr=0.01)
    answer = clear_answer(lambda: opt.update(GRAD, opt.init(THETA), params), names=["params", "grad"])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer[0]).all()
    clear_answer(lambda: opt.init(params), names=["params"])


# -- line searches -------------------------------------------------------------------------


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


def rosen(x):
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def rosen_grad(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


X0 = np.array([-1.2, 1.0])
WOLFE = dict(theta=X0, d=-rosen_grad(X0), f0=None, g0=None, alpha1=1.0, c1=1e-4, c2=0.9, max_iter=30)


@SOME
@given(name=st.sampled_from(list(WOLFE)), bad=st.one_of(bad_numbers(), careless_vectors()))
def test_wolfe_line_search_answers_careless_input_clearly_or_satisfies_both_conditions(name, bad):
    kwargs = {**WOLFE, name: bad}
    answer = clear_or_no_step(lambda: ls.wolfe_line_search(rosen, rosen_grad, **kwargs),
                              names=[name, "f", "c1 < c2", "descent direction"])
    if not isinstance(answer, Exception):
        alpha, value, g_new = answer
        theta, d = kwargs["theta"], kwargs["d"]
        slope = rosen_grad(theta) @ d
        assert value == rosen(theta + alpha * d) and np.array_equal(g_new, rosen_grad(theta + alpha * d))
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


# -- run, minibatches -----------------------------------------------------------------------

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


@SOME
@given(theta=careless_vectors(), indices=st.one_of(bad_numbers(), careless_vectors(),
                                                    st.lists(st.integers(-40, 40), max_size=5)))
def test_batch_grad_answers_careless_points_and_indices_clearly(theta, indices):
    answer = clear_answer(lambda: REGRESSION.batch_grad(theta, indices), names=["theta", "indices"])
    if not isinstance(answer, Exception):
        i = np.asarray(indices, dtype=int)
        expected = -2 * REGRESSION.X[i].T @ (REGRESSION.y[i] - REGRESSION.X[i] @ np.asarray(theta)) / len(i)
        np.testing.assert_allclose(answer, expected, rtol=1e-12)


# -- problems --------------------------------------------------------------------------------

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


# -- race: first-order runs, laps, torch networks ----------------------------------------------

CANYON = problems.canyon(2.0, angle=0.0)
FIRST_ORDER = dict(opt=optim.sgd(0.5), f=CANYON.f, grad=CANYON.grad, theta0=[1.0, 1.0], tol=1e-5,
                   max_iter=5000)


@SOME
@given(name=st.sampled_from(list(FIRST_ORDER)),
       bad=st.one_of(bad_numbers(), careless_vectors(), st.sampled_from([optim.adam, "sgd", None]),
                     st.just(lambda theta: theta * np.nan)))
def test_first_order_answers_careless_input_clearly(name, bad):
    answer = clear_answer(lambda: race.first_order(**{**FIRST_ORDER, name: bad}), names=[name])
    if not isinstance(answer, Exception):
        final, iterations, norms = answer
        assert np.isfinite(final).all() and np.isfinite(norms).all()
        if iterations is not None:
            assert np.abs(CANYON.grad(final)).max() <= FIRST_ORDER["tol"] if name != "tol" else True


@FEW
@given(name=st.sampled_from(["method", "problem", "theta0", "tol", "max_iter"]),
       bad=st.one_of(bad_numbers(), careless_vectors(),
                     st.sampled_from(["Newton", "BFGS", "adam", optim.adam])))
def test_lap_and_scipy_lap_answer_careless_input_clearly(name, bad):
    assume(not (name == "tol" and isinstance(bad, float) and 0 <= bad < 1e-12))  # valid but slow to reach
    kwargs = {**dict(method="BFGS", problem=CANYON, theta0=[1.0, 1.0], tol=1e-5, max_iter=100), name: bad}
    answer = clear_answer(lambda: race.lap(**kwargs), names=[name, "θ₀"])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer.final).all()
    if name != "max_iter":
        kwargs.pop("max_iter")
        clear_answer(lambda: race.scipy_lap(**kwargs), names=[name, "θ₀"])


def test_torch_adapter_answers_careless_parameters_and_gradients_clearly():
    for bad in (None, [], 3, ["p"]):
        clear_answer(lambda: torch_optim.TorchOptimizer(bad, optim.sgd(0.1)), names=["params"])
    p = torch.zeros(2, requires_grad=True)
    adapter = torch_optim.TorchOptimizer([p], optim.adam(0.1))
    p.grad = torch.tensor([float("nan"), 1.0])
    with pytest.raises(ValueError, match="grad contains NaN"):
        adapter.step()
    assert torch.equal(p.detach(), torch.zeros(2))  # nothing was changed


def test_race_table_rejects_what_is_not_a_list_of_laps():
    for bad in (None, 3, ["lap"], "laps"):
        clear_answer(lambda: race.race_table(bad), names=["laps"])


def test_lap_says_which_method_needs_a_hessian():
    no_hessian = problems.Problem("no Hessian", CANYON.f, CANYON.grad, 2)
    with pytest.raises(ValueError, match="'Newton \\(line search\\)' needs a Hessian"):
        race.lap("Newton (line search)", no_hessian, [1.0, 1.0])
    with pytest.raises(ValueError, match="method must be one of"):
        race.lap("Newton", CANYON, [1.0, 1.0])


def small_network():
    torch.manual_seed(0)
    return torch.nn.Linear(2, 1), torch.randn(20, 2), torch.randn(20, 1)


@pytest.mark.parametrize("change, name", [
    (dict(model="net"), "model"), (dict(loss_fn=3), "loss_fn"), (dict(X=[[1.0, 2.0]]), "X"),
    (dict(X=torch.full((20, 2), float("nan"))), "X"), (dict(y=torch.randn(19, 1)), "y"),
    (dict(X=torch.randn(20, 5)), "X"), (dict(y=torch.zeros(0, 1)), "y"),
    (dict(make_optimizer=lambda p: torch.optim.SGD(p, lr=float("nan"))), "lr"),
    (dict(make_optimizer=lambda p: torch.optim.SGD(p, lr=float("inf"))), "lr"),
    (dict(make_optimizer="sgd"), "make_optimizer"), (dict(make_optimizer=lambda p: None), "make_optimizer"),
    (dict(batch_size=2.5), "batch_size"), (dict(batch_size=0), "batch_size"),
    (dict(epochs=float("inf")), "epochs"), (dict(epochs=float("nan")), "epochs"), (dict(epochs=-1), "epochs"),
    (dict(seed=-1), "seed"), (dict(seed="0"), "seed"),
])
def test_train_torch_answers_careless_input_clearly(change, name):
    model, X, y = small_network()
    kwargs = dict(model=model, loss_fn=torch.nn.functional.mse_loss, X=X, y=y,
                  make_optimizer=lambda p: torch.optim.SGD(p, lr=0.1), batch_size=5, epochs=1, seed=0)
    answer = clear_answer(lambda: training.train_torch(**{**kwargs, **change}), names=[name])
    assert isinstance(answer, (ValueError, TypeError))


def test_flat_objective_rejects_a_point_of_the_wrong_size_and_a_model_without_parameters():
    model, X, y = small_network()
    f, grad, theta0 = training.flat_objective(model, torch.nn.functional.mse_loss, X, y)
    for bad in (theta0[:-1], np.append(theta0, 1.0), "theta", theta0 * np.nan):
        clear_answer(lambda: f(bad), names=["theta"])
        clear_answer(lambda: grad(bad), names=["theta"])
    clear_answer(lambda: training.flat_objective(torch.nn.ReLU(), torch.nn.functional.mse_loss, X, y),
                 names=["model"])


# -- the regressions, one by one ----------------------------------------------------------------


@pytest.mark.parametrize("call, name", [
    (lambda: S.cosine_warm_restarts(0.1, 10, period_mult=0.5)(15), "period_mult"),  # used to hang
    (lambda: S.cosine_warm_restarts(0.1, period=0.5)(0), "period"),  # used to hang: int(0.5) = 0
    (lambda: S.linear_decay(0.1, 0.01, tau=0.5), "tau"),  # ZeroDivisionError
    (lambda: S.step_decay(0.1, every=0.5), "every"),  # ZeroDivisionError
    (lambda: S.one_cycle(0.1, 10.5), "total_steps"),  # truncated to 10
    (lambda: S.cosine_warm_restarts(0.1, 10, lr_min=0.2), "lr_min"),
    (lambda: S.step_decay(0.1, 5, factor=2.0), "factor"),  # 2.0 ** (t // 5) overflows
])
def test_schedule_regressions_raise_clear_errors_at_once(call, name):
    with time_limit(2.0), pytest.raises(ValueError, match=name):
        call()


def test_warm_restarts_cost_constant_time_at_huge_steps():
    start = time.perf_counter()
    assert S.cosine_warm_restarts(0.1, 1)(10**9) == 0.1  # every step is a restart
    t_cur, length = warm_restart_loop(2**62, 3, 2)
    expected = 0.05 * (1 + math.cos(math.pi * t_cur / length))
    assert S.cosine_warm_restarts(0.1, 3, 2)(2**62) == pytest.approx(expected)
    assert time.perf_counter() - start < 0.1


def test_one_cycle_whose_warm_up_ends_at_step_0_starts_at_lr_max_then_anneals():
    schedule = S.one_cycle(1.0, 10, pct_start=0.1)  # warm-up to step 0.1·10 − 1 = 0; used to divide by 0
    final = 1.0 / 25 / 1e4
    expected = [final + (1.0 - final) / 2 * (1 + math.cos(math.pi * t / 9)) for t in range(10)]
    np.testing.assert_allclose([schedule(t) for t in range(10)], expected, rtol=1e-14)


def test_adam_rejects_a_gradient_holding_nan_instead_of_stepping_to_nan():
    opt = optim.adam()
    with pytest.raises(ValueError, match="grad contains NaN"):
        opt.update(np.array([0.1, np.nan]), opt.init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match="grad contains inf"):
        opt.update(torch.tensor([0.1, np.inf]), opt.init(torch.zeros(2)), torch.zeros(2))


def test_a_nan_learning_rate_is_an_invalid_lr_not_a_divergence():
    for rule in (entry.factory for entry in optim.REGISTRY.values()):
        with pytest.raises(ValueError, match="lr must be finite"):
            rule(lr=float("nan"))
    model, X, y = small_network()
    with pytest.raises(ValueError, match="lr"):
        training.train_torch(model, torch.nn.functional.mse_loss, X, y,
                         lambda p: torch.optim.SGD(p, lr=float("nan")))


def test_delta_zero_is_allowed_but_a_0_over_0_step_is_reported():
    opt = optim.adam(0.1, delta=0.0)
    step, _ = opt.update(np.array([3.0, -0.02]), opt.init(np.zeros(2)), np.zeros(2))
    np.testing.assert_allclose(step, [-0.1, 0.1])
    with pytest.raises(ValueError, match="delta = 0"):
        opt.update(np.array([3.0, 0.0]), opt.init(np.zeros(2)), np.zeros(2))


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
