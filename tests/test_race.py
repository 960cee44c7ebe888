"""The race's problems and bookkeeping: logistic regression's gradient and Hessian against
torch.autograd.functional, scikit-learn's LogisticRegression as the minimiser, evaluation counts
against SciPy's. The torch adapter (training networks): test_training.py."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

from lecturelib import optim, problems, race


def test_logistic_regression_derivatives_match_torch():
    problem = problems.logistic_regression()
    X, y = load_breast_cancer(return_X_y=True)
    X = torch.tensor(np.column_stack([np.ones(len(X)), (X - X.mean(0)) / X.std(0)]))
    y = torch.tensor(y, dtype=torch.float64)

    def f_torch(w):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w, y)
        return loss + 0.5 * 1e-2 * (w[1:] ** 2).sum()

    w = np.random.default_rng(0).normal(scale=0.3, size=31)
    t = torch.tensor(w)
    assert problem.f(w) == pytest.approx(float(f_torch(t)), rel=1e-12)
    np.testing.assert_allclose(problem.grad(w), torch.autograd.functional.jacobian(f_torch, t).numpy(),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(problem.hess(w), torch.autograd.functional.hessian(f_torch, t).numpy(),
                               rtol=1e-10, atol=1e-12)


def test_logistic_regression_minimiser_matches_scikit_learn():
    problem = problems.logistic_regression(l2=1e-2)
    lap = race.lap("Newton (line search)", problem, np.zeros(31), tol=1e-10)
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    # sklearn minimises ½‖w‖² + C Σ log-loss, i.e. our objective times N·C with C = 1/(N·l2)
    model = LogisticRegression(C=1 / (len(y) * 1e-2), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(lap.final, np.r_[model.intercept_, model.coef_[0]], atol=1e-5)


def test_ill_conditioned_quadratic_has_the_requested_condition_number():
    problem = problems.ill_conditioned_quadratic(n=10, kappa=500.0)
    eigenvalues = np.linalg.eigvalsh(problem.hess(np.zeros(10)))
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(500.0)


def test_lap_counts_and_scipy_lap_agree_on_bfgs():
    from lecturelib.problems import rosenbrock

    problem, x0 = rosenbrock(), np.array([-1.2, 1.0])
    ours, theirs = race.lap("BFGS", problem, x0), race.scipy_lap("BFGS", problem, x0)
    assert ours.iterations <= 1.2 * theirs.iterations
    assert ours.grad_evals <= 1.2 * theirs.grad_evals and ours.f_evals <= 1.3 * theirs.f_evals
    gd = race.lap(optim.sgd(lr=1e-4), problem, x0, max_iter=50)
    assert gd.iterations is None and gd.grad_evals == 51 and gd.f_evals == 0
    assert "not reached" in race.race_table([gd, ours])


def test_first_order_reports_divergence_instead_of_returning_nans():
    from lecturelib.problems import rosenbrock

    problem = rosenbrock()
    with pytest.raises(ArithmeticError, match="SGD diverged at step"):
        race.first_order(optim.sgd(lr=0.1), problem.f, problem.grad, [-1.2, 1.0], max_iter=100)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from bad_input import FEW, SOME, bad_numbers, careless_vectors, clear_answer  # noqa: E402


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

def test_race_table_rejects_what_is_not_a_list_of_laps():
    for bad in (None, 3, ["lap"], "laps"):
        clear_answer(lambda: race.race_table(bad), names=["laps"])

def test_lap_says_which_method_needs_a_hessian():
    no_hessian = problems.Problem("no Hessian", CANYON.f, CANYON.grad, 2)
    with pytest.raises(ValueError, match="'Newton \\(line search\\)' needs a Hessian"):
        race.lap("Newton (line search)", no_hessian, [1.0, 1.0])
    with pytest.raises(ValueError, match="method must be one of"):
        race.lap("Newton", CANYON, [1.0, 1.0])
