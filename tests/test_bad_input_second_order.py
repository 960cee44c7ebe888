"""Bad input to the chapter-5 solvers (Newton and its repairs, BFGS, L-BFGS, nonlinear and linear
CG, Gauss-Newton, Levenberg-Marquardt): every hyper-parameter, θ₀, matrix and callable a careless
caller can get wrong is answered by a ValueError/TypeError that names it, or by a NaN-free
result (`bad_input.clear_answer`); and every run says why it stopped, never reporting success
on a failed run. The references are closed forms (Rosenbrock's minimum (1, 1), f = −θ₁ has no
minimum) and SciPy's `rosen_der` for the final gradient."""

import numpy as np
import pytest
from bad_input import BAD_NUMBERS, bad_numbers, clear_answer
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import rosen, rosen_der, rosen_hess

from lecturelib import second_order as so
from lecturelib.conjugate_gradient import conjugate_gradient, nonlinear_cg
from lecturelib.least_squares import gauss_newton, gauss_newton_step, levenberg_marquardt, lm_step
from lecturelib.problems import as_problem
from lecturelib.quasi_newton import bfgs, bfgs_update, lbfgs, lbfgs_inverse_hessian, memory_floats, two_loop
from lecturelib.trajectory import CONVERGED, DIVERGED, LINE_SEARCH_FAILED, MAX_ITER

# a small problem every solver finishes in a few steps: f = ½θᵀQθ − bᵀθ, and r(p) for Σr²
Q, B = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
X0 = np.array([1.0, 1.0])


def f(t):
    return 0.5 * t @ Q @ t - B @ t


def grad(t):
    return Q @ t - B


def hess(t):
    return Q


SMALL = as_problem(f, grad, hess, dim=2, name="small quadratic")
ROSENBROCK = as_problem(rosen, rosen_der, rosen_hess, dim=2, name="Rosenbrock")


def residual(p):
    return np.array([p[0] - 1, 2 * (p[1] + 1), 0.5 * p[0] * p[1]])


def jacobian(p):
    return np.array([[1.0, 0.0], [0.0, 2.0], [0.5 * p[1], 0.5 * p[0]]])


def rosenbrock_residual(p):  # Σr² = Rosenbrock
    return np.array([10 * (p[1] - p[0] ** 2), 1 - p[0]])


def rosenbrock_jacobian(p):
    return np.array([[-20 * p[0], 10.0], [-1.0, 0.0]])


# solver: (a call of it on the small problem with keyword overrides, its hyper-parameters)
SOLVERS = {
    "newton": (lambda **kw: so.newton(SMALL, X0, **kw),
               ["damping", "line_search", "tol", "max_iter"]),
    "saddle_free_newton": (lambda **kw: so.saddle_free_newton(SMALL, X0, **kw),
                           ["min_curvature", "line_search", "tol", "max_iter"]),
    "bfgs": (lambda **kw: bfgs(SMALL, X0, **kw), ["tol", "max_iter", "c1", "c2"]),
    "lbfgs": (lambda **kw: lbfgs(SMALL, X0, **kw), ["m", "tol", "max_iter", "c1", "c2"]),
    "nonlinear_cg": (lambda **kw: nonlinear_cg(SMALL, X0, **kw),
                     ["beta", "restart", "tol", "max_iter", "c1", "c2"]),
    "gauss_newton": (lambda **kw: gauss_newton(residual, jacobian, X0, **kw), ["tol", "max_iter"]),
    "levenberg_marquardt": (lambda **kw: levenberg_marquardt(residual, jacobian, X0, **kw),
                            ["damping", "up", "down", "tol", "max_iter"]),
    "conjugate_gradient": (lambda **kw: conjugate_gradient(Q, B, **kw), ["tol", "max_iter"]),
    "newton_direction": (lambda **kw: so.newton_direction(grad(X0), Q, **kw), ["damping"]),
    "saddle_free_direction": (lambda **kw: so.saddle_free_direction(grad(X0), Q, **kw),
                              ["min_curvature"]),
    "finite_difference_hvp": (lambda **kw: so.finite_difference_hvp(grad, X0, B, **kw), ["eps"]),
    "lm_step": (lambda **kw: lm_step(jacobian(X0), residual(X0), **{"damping": 1.0, **kw}), ["damping"]),
    "memory_floats": (lambda **kw: memory_floats(**{"n": 10, **kw}), ["n", "m"]),
    "lbfgs_inverse_hessian": (lambda **kw: lbfgs_inverse_hessian([B], [Q @ B], **{"n": 2, **kw}), ["n"]),
    "hessian_cost": (lambda **kw: so.hessian_cost(**{"k": 3, "repeats": 1, **kw}), ["k", "repeats", "seed"]),
}
HYPER_PARAMETERS = [(solver, name) for solver, (_, names) in SOLVERS.items() for name in names]
ITERATIVE = ["newton", "saddle_free_newton", "bfgs", "lbfgs", "nonlinear_cg", "gauss_newton",
             "levenberg_marquardt", "conjugate_gradient"]


@pytest.mark.parametrize("solver, name", HYPER_PARAMETERS)
def test_every_hyper_parameter_answers_every_careless_value_clearly(solver, name):
    call = SOLVERS[solver][0]
    for value in BAD_NUMBERS:
        clear_answer(lambda: call(**{name: value}), names=[name])


@given(st.sampled_from(HYPER_PARAMETERS), bad_numbers())
@settings(max_examples=150, deadline=None)
def test_hyper_parameters_answer_generated_values_clearly(case, value):
    solver, name = case
    clear_answer(lambda: SOLVERS[solver][0](**{name: value}), names=[name])


COUNTS = [(s, n) for s, n in HYPER_PARAMETERS
          if n in ("max_iter", "m", "restart", "n", "k", "repeats", "seed")]


@pytest.mark.parametrize("solver, name", COUNTS)
def test_counts_must_be_whole_numbers_not_truncated(solver, name):
    with pytest.raises(ValueError, match=f"{name} must be a whole number"):
        SOLVERS[solver][0](**{name: 2.5})
    with pytest.raises(TypeError, match=name):
        SOLVERS[solver][0](**{name: True})


@pytest.mark.parametrize("solver", ITERATIVE)
def test_tol_may_be_zero_but_not_negative(solver):
    with pytest.raises(ValueError, match="tol must be >= 0"):
        SOLVERS[solver][0](tol=-1e-3)
    assert SOLVERS[solver][0](tol=0.0).reason in (CONVERGED, MAX_ITER, LINE_SEARCH_FAILED)


@pytest.mark.parametrize("solver", ["bfgs", "lbfgs", "nonlinear_cg"])
def test_wolfe_constants_need_0_lt_c1_lt_c2_lt_1(solver):
    call = SOLVERS[solver][0]
    for c1, c2, named in [(0.0, 0.9, "c1"), (1e-4, 1.0, "c2"), (0.5, 0.5, "c1 must be < c2"),
                          (0.9, 0.1, "c1 must be < c2")]:
        with pytest.raises(ValueError, match=named):
            call(c1=c1, c2=c2)


def test_levenberg_marquardt_factors_and_lambda():
    for kwargs, named in [({"up": 1.0}, "up and down must be > 1"), ({"down": 0.5}, "up and down"),
                          ({"damping": 0.0}, "damping must be > 0"), ({"damping": 1e16}, "damping must be < 1e16")]:
        with pytest.raises(ValueError, match=named):
            levenberg_marquardt(residual, jacobian, X0, **kwargs)


def test_huge_down_and_tiny_up_neither_hang_nor_freeze_lambda():
    # λ / 1e300 underflowed to 0 before, and then λ·up stayed 0 for ever on a rejected step
    path = levenberg_marquardt(residual, jacobian, [5.0, 5.0], down=1e300, tol=0.0)
    assert path.reason == LINE_SEARCH_FAILED and np.all(np.isfinite(path.losses))
    assert np.all(np.diff(path.losses) < 0)
    slow = clear_answer(lambda: levenberg_marquardt(residual, jacobian, [5.0, 5.0], up=1 + 1e-12,
                                                    tol=0.0), names=["up"], seconds=5)
    assert slow.reason in (CONVERGED, LINE_SEARCH_FAILED)


# -- θ₀ -----------------------------------------------------------------------------------------

entries = st.one_of(st.floats(-10, 10), st.sampled_from([0.0, np.nan, np.inf, -np.inf, 1e300, -1e300]))


def arrays(max_dims=2):
    """Arrays of 0 to max_dims dimensions, sides 0 to 3, with NaN, ±inf and huge entries."""
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=3),
                      elements=entries)


BAD_STARTS = [None, "1", [1.0, np.nan], [np.inf, 1.0], [[1.0, 1.0]], [], 1.0, [1.0, 2.0, 3.0],
              np.ones((2, 2)), [1e300, 1e300], [1 + 2j, 0], ["a", "b"]]
STARTS = {
    "newton": lambda x: so.newton(SMALL, x),
    "saddle_free_newton": lambda x: so.saddle_free_newton(SMALL, x, line_search=True),
    "bfgs": lambda x: bfgs(SMALL, x),
    "lbfgs": lambda x: lbfgs(SMALL, x),
    "nonlinear_cg": lambda x: nonlinear_cg(SMALL, x),
    "gauss_newton": lambda x: gauss_newton(residual, jacobian, x),
    "levenberg_marquardt": lambda x: levenberg_marquardt(residual, jacobian, x),
    "conjugate_gradient": lambda x: conjugate_gradient(Q, B, x),
}


@pytest.mark.parametrize("solver", STARTS)
def test_bad_starting_points_are_named(solver):
    start_name = "x0" if solver == "conjugate_gradient" else "theta0"
    for theta0 in BAD_STARTS:  # a wrong length: the problem's dim, or the caller's residual
        clear_answer(lambda: STARTS[solver](theta0),
                     names=[start_name, "θ₀", "f", "grad", "hess", "residual", "jacobian"])


@given(st.sampled_from(sorted(STARTS)), st.one_of(bad_numbers(), arrays(2)))
@settings(max_examples=100, deadline=None)
def test_generated_starting_points_are_answered_clearly(solver, theta0):
    start_name = "x0" if solver == "conjugate_gradient" else "theta0"
    clear_answer(lambda: STARTS[solver](theta0),
                 names=[start_name, "θ₀", "f", "grad", "hess", "residual", "jacobian"])


@pytest.mark.parametrize("solver", STARTS)
def test_every_solver_rejects_a_nan_loss_at_the_start_the_same_way(solver):
    nan_f = lambda t: np.nan  # noqa: E731
    nan_r = lambda p: np.array([np.nan, 1.0])  # noqa: E731
    nan_problem = as_problem(nan_f, grad, hess, dim=2)
    calls = {"newton": lambda: so.newton(nan_problem, X0),
             "saddle_free_newton": lambda: so.saddle_free_newton(nan_problem, X0),
             "bfgs": lambda: bfgs(nan_problem, X0), "lbfgs": lambda: lbfgs(nan_problem, X0),
             "nonlinear_cg": lambda: nonlinear_cg(nan_problem, X0),
             "gauss_newton": lambda: gauss_newton(nan_r, jacobian, X0),
             "levenberg_marquardt": lambda: levenberg_marquardt(nan_r, jacobian, X0),
             # linear CG: ½x₀ᵀAx₀ − bᵀx₀ overflows although every entry is finite
             "conjugate_gradient": lambda: conjugate_gradient(np.eye(2) * 1e300, B, [1e300, 1e300])}
    with pytest.raises(ValueError, match="is not finite at θ₀"):
        calls[solver]()


# -- callables that raise, return the wrong shape or NaN -----------------------------------------

BEHAVIOURS = ["nan", "inf", "none", "string", "short", "long", "matrix", "complex", "list",
              "ZeroDivisionError", "IndexError", "KeyError", "LinAlgError", "RuntimeError",
              "OverflowError", "zeros"]


def misbehaving(good, behaviour, after):
    """`good`, except that from call number `after` + 1 on it misbehaves."""
    calls = [0]

    def fn(t):
        calls[0] += 1
        value = good(t)
        if calls[0] <= after:
            return value
        value = np.asarray(value, dtype=float)
        if behaviour in ("ZeroDivisionError", "IndexError", "KeyError", "RuntimeError", "OverflowError"):
            raise {"ZeroDivisionError": ZeroDivisionError, "IndexError": IndexError, "KeyError": KeyError,
                   "RuntimeError": RuntimeError, "OverflowError": OverflowError}[behaviour]("oops")
        if behaviour == "LinAlgError":
            raise np.linalg.LinAlgError("Singular matrix")
        return {"nan": value * np.nan, "inf": value + np.inf, "none": None, "string": "0.5",
                "short": value.reshape(-1)[:-1], "long": np.append(value, 1.0),
                "matrix": np.ones((3, 3)), "complex": value + 1j, "list": value.tolist(),
                "zeros": np.zeros_like(value)}[behaviour]
    return fn


def rosen_fns(which):
    """The Rosenbrock problem's callables with `which` replaced."""
    fns = {"f": rosen, "grad": rosen_der, "hess": rosen_hess}
    return lambda fn: {**fns, which: fn}


SLOTS = {  # (solver, slot): a call of the solver with the callable in `slot` replaced (the
    # solvers take a Problem: a careless callable passes the adapter `as_problem` first)
    ("newton", s): (lambda fns: so.newton(as_problem(fns["f"], fns["grad"], fns["hess"], dim=2), [-1.2, 1.0],
                                          line_search=True), s) for s in ("f", "grad", "hess")}
SLOTS.update({("saddle_free_newton", s): (lambda fns: so.saddle_free_newton(
    as_problem(fns["f"], fns["grad"], fns["hess"], dim=2), [-1.2, 1.0], line_search=True), s)
    for s in ("f", "grad", "hess")})
for _name, _solver in [("bfgs", bfgs), ("lbfgs", lbfgs), ("nonlinear_cg", nonlinear_cg)]:
    SLOTS.update({(_name, s): (lambda fns, solver=_solver: solver(as_problem(fns["f"], fns["grad"], dim=2),
                                                                  [-1.2, 1.0]), s)
                  for s in ("f", "grad")})
for _name, _solver in [("gauss_newton", gauss_newton), ("levenberg_marquardt", levenberg_marquardt)]:
    SLOTS.update({(_name, s): (lambda fns, solver=_solver: solver(fns["residual"], fns["jacobian"],
                                                                  [-1.2, 1.0]), s)
                  for s in ("residual", "jacobian")})
SLOTS[("conjugate_gradient", "A")] = (lambda fns: conjugate_gradient(fns["A"], np.array([1.0, 2.0, 3.0])),
                                      "A")
SLOTS[("finite_difference_hvp", "grad")] = (lambda fns: so.finite_difference_hvp(fns["grad"], X0, B), "grad")

GOOD = {"f": rosen, "grad": rosen_der, "hess": rosen_hess, "residual": rosenbrock_residual,
        "jacobian": rosenbrock_jacobian, "A": lambda p: np.diag([1.0, 2.0, 3.0]) @ p}


@given(st.sampled_from(sorted(SLOTS)), st.sampled_from(BEHAVIOURS), st.sampled_from([0, 1, 3, 10]))
@settings(max_examples=150, deadline=None)
def test_a_misbehaving_callable_is_named(case, behaviour, after):
    call, slot = SLOTS[case]
    fns = {**GOOD, slot: misbehaving(GOOD[slot], behaviour, after)}
    # a singular Hessian or Jacobian is the problem's, not a bad value: named as such
    clear_answer(lambda: call(fns), names=[slot, "Hessian", "JᵀJ", "column"])


@pytest.mark.parametrize("case", sorted(set(SLOTS) - {("conjugate_gradient", "A")}))  # A: an array too
def test_callables_that_are_not_functions_are_named(case):
    call, slot = SLOTS[case]
    with pytest.raises(TypeError, match=f"{slot} must be (None or )?a function"):  # hess may be None
        call({**GOOD, slot: np.ones(2)})


def test_a_wrong_gradient_shape_names_grad():
    with pytest.raises(ValueError, match=r"grad must return shape \(2,\), got shape \(3,\)"):
        bfgs(as_problem(rosen, lambda t: np.ones(3), dim=2), [0.0, 0.0])
    with pytest.raises(ValueError, match="grad raised ZeroDivisionError at θ"):
        nonlinear_cg(as_problem(rosen, lambda t: 1 / 0, dim=2), [0.0, 0.0])
    with pytest.raises(ValueError, match="grad returned NaN"):
        lbfgs(as_problem(rosen, lambda t: np.array([np.nan, 1.0]), dim=2), [0.0, 0.0])
    with pytest.raises(ValueError, match="hess must be symmetric"):
        so.newton(as_problem(rosen, rosen_der, lambda t: np.array([[1.0, 2.0], [0.0, 1.0]]), dim=2), [0.0, 0.0])
    with pytest.raises(TypeError, match="callback must be a function"):
        bfgs(ROSENBROCK, [0.0, 0.0], callback=3)


# -- matrices and vectors -----------------------------------------------------------------------


@given(arrays(1), arrays(2), st.floats(0, 10))
@settings(max_examples=100, deadline=None)
def test_newton_directions_and_the_model_answer_bad_matrices_clearly(g, H, damping):
    H_sym = (H + H.T) / 2 if H.ndim == 2 and H.shape[0] == H.shape[1] else H
    names = ["g", "H", "u", "step", "damping"]
    for candidate in (H, H_sym):
        clear_answer(lambda: so.newton_direction(g, candidate, damping), names)
        clear_answer(lambda: so.saddle_free_direction(g, candidate), names)
        clear_answer(lambda: so.curvature(candidate, g), names)
        clear_answer(lambda: so.quadratic_model(1.0, g, candidate, g), names)


@given(arrays(2), arrays(1), st.booleans())
@settings(max_examples=100, deadline=None)
def test_linear_cg_answers_bad_systems_clearly(A, b, symmetrise):
    if symmetrise and A.ndim == 2 and A.shape[0] == A.shape[1]:
        A = (A + A.T) / 2
    result = clear_answer(lambda: conjugate_gradient(A, b), ["A", "b"])
    if not isinstance(result, Exception):
        assert result.reason in (CONVERGED, MAX_ITER)


@given(arrays(2), arrays(1), arrays(1))
@settings(max_examples=100, deadline=None)
def test_quasi_newton_and_least_squares_pieces_answer_bad_arrays_clearly(M, s, y):
    clear_answer(lambda: bfgs_update(M, s, y), ["H_inv", "s", "y", "yᵀs"])
    clear_answer(lambda: two_loop(s, [s], [y]), ["g", "s_list", "y_list", "H_k"])
    clear_answer(lambda: lm_step(M, s, 1.0), ["J", "r", "JᵀJ"])
    clear_answer(lambda: gauss_newton_step(M, s), ["J", "r", "JᵀJ"])


def test_two_loop_rejects_pairs_without_curvature_instead_of_dividing_by_zero():
    with pytest.raises(ValueError, match="yᵀs = 0"):
        two_loop(np.ones(2), [np.array([1.0, 0.0])], [np.array([0.0, 1.0])])
    with pytest.raises(ValueError, match="equal lengths"):
        two_loop(np.ones(2), [np.ones(2)], [])


def test_singular_systems_say_where_and_what_to_do_never_linalg_error():
    flat = as_problem(lambda t: float(t[0] ** 2), lambda t: np.array([2 * t[0], 0.0]),
                      lambda t: np.diag([2.0, 0.0]), dim=2)
    singular = r"at θ = \[1. 1.\]: the Hessian is singular.*damping > 0"
    with pytest.raises(so.SingularHessianError, match=singular):
        so.newton(flat, [1.0, 1.0])
    with pytest.raises(ValueError, match="must be symmetric"):  # numpy.linalg.solve raised LinAlgError
        so.newton_direction(np.ones(2), np.array([[0.0, 1.0], [0.0, 0.0]]))
    unused = (lambda p: np.array([p[0] - 1, p[0] + 1]), lambda p: np.array([[1.0, 0.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"Levenberg-Marquardt at θ = \[3. 1.\]: column 1 of J"):
        levenberg_marquardt(*unused, [3.0, 1.0])
    with pytest.raises(ValueError, match=r"Gauss-Newton at θ = \[3. 1.\]: JᵀJ .* is singular"):
        gauss_newton(*unused, [3.0, 1.0])
    with pytest.raises(ValueError, match="u must be a non-zero direction"):
        so.curvature(np.eye(2), [0.0, 0.0])  # returned 0/0 = NaN


# -- why a run stopped ----------------------------------------------------------------------------

ROSENBROCK_RUNS = {
    "newton": lambda **kw: so.newton(ROSENBROCK, [-1.2, 1.0], line_search=True, **kw),
    "saddle_free_newton": lambda **kw: so.saddle_free_newton(ROSENBROCK, [-1.2, 1.0], line_search=True, **kw),
    "bfgs": lambda **kw: bfgs(ROSENBROCK, [-1.2, 1.0], **kw),
    "lbfgs": lambda **kw: lbfgs(ROSENBROCK, [-1.2, 1.0], **kw),
    "nonlinear_cg": lambda **kw: nonlinear_cg(ROSENBROCK, [-1.2, 1.0], **{"max_iter": 5000, **kw}),
    "gauss_newton": lambda **kw: gauss_newton(rosenbrock_residual, rosenbrock_jacobian, [-1.2, 1.0], **kw),
    "levenberg_marquardt": lambda **kw: levenberg_marquardt(rosenbrock_residual, rosenbrock_jacobian,
                                                            [-1.2, 1.0], **kw),
}


@pytest.mark.parametrize("solver", ROSENBROCK_RUNS)
def test_a_converged_run_says_so_and_is_at_the_minimum(solver):
    path = ROSENBROCK_RUNS[solver](tol=1e-6)
    assert path.reason == CONVERGED and path.converged and not path.diverged
    assert f"converged in {path.steps} steps" in path.message
    np.testing.assert_allclose(path.final, [1.0, 1.0], atol=1e-5)  # the closed-form minimiser
    assert np.abs(rosen_der(path.final)).max() <= 2e-6  # SciPy's gradient, Σr² = Rosenbrock


@pytest.mark.parametrize("solver", ROSENBROCK_RUNS)
def test_a_run_cut_short_by_max_iter_says_so(solver):
    limit = 1 if solver == "gauss_newton" else 2  # Gauss-Newton solves these residuals in 2 steps
    path = ROSENBROCK_RUNS[solver](max_iter=limit)
    assert path.reason == MAX_ITER and not path.converged and path.steps == limit
    assert "did not converge" in path.message and "iteration limit" in path.message
    assert np.abs(rosen_der(path.final)).max() > 1e-6


UNBOUNDED = {  # f(θ) = −θ₁ and a linear f in 3-D: no minimum, the line search can never stop
    "minus theta_1": (lambda t: -t[0], lambda t: np.array([-1.0, 0.0]), np.zeros(2)),
    "linear": (lambda t: np.array([1.0, -2.0, 0.5]) @ t, lambda t: np.array([1.0, -2.0, 0.5]), np.ones(3)),
}


@pytest.mark.parametrize("method", [bfgs, lbfgs, nonlinear_cg], ids=["BFGS", "L-BFGS", "nonlinear CG"])
@pytest.mark.parametrize("problem", UNBOUNDED)
def test_an_unbounded_function_is_never_reported_as_success(method, problem):
    f_unbounded, grad_unbounded, start = UNBOUNDED[problem]
    path = method(as_problem(f_unbounded, grad_unbounded, dim=start.size), start)
    assert path.reason in (LINE_SEARCH_FAILED, DIVERGED) and not path.converged
    assert "f may be unbounded below" in path.message or "diverged" in path.message


def test_newton_variants_on_functions_without_a_minimum():
    minus_theta_1 = as_problem(lambda t: -t[0], lambda t: np.array([-1.0, 0.0]), lambda t: np.zeros((2, 2)),
                               dim=2)
    with pytest.raises(so.SingularHessianError, match="singular"):  # H = 0: no Newton step
        so.newton(minus_theta_1, np.zeros(2))
    damped = so.newton(minus_theta_1, np.zeros(2), damping=1.0)  # f falls by 1 a step, for ever
    assert damped.reason == MAX_ITER and damped.losses[-1] == pytest.approx(-50)
    saddle = as_problem(lambda t: t[0] ** 2 - t[1] ** 2, lambda t: np.array([2 * t[0], -2 * t[1]]),
                        lambda t: np.diag([2.0, -2.0]), dim=2)
    escaped = so.saddle_free_newton(saddle, [0.5, 0.3])  # y doubles every step: f → −∞
    assert escaped.reason == DIVERGED and "diverged" in escaped.message
    concave = as_problem(lambda t: -(t @ t), lambda t: -2 * t, lambda t: -2 * np.eye(2), dim=2)
    downhill = so.newton(concave, [1.0, 1.0], line_search=True)  # −g, accepted, θ ← 3θ
    assert downhill.reason == DIVERGED and np.all(np.isfinite(downhill.losses))


def test_gauss_newton_divergence_and_lm_stalling_say_so():
    far = so.newton(as_problem(lambda t: float(0.75 * np.abs(t[0]) ** (4 / 3)),
                               lambda t: np.sign(t) * np.abs(t) ** (1 / 3),
                               lambda t: np.array([[np.abs(t[0]) ** (-2 / 3) / 3]]), dim=1), [1.0], max_iter=2000)
    assert far.reason == DIVERGED
    no_zero = (lambda p: np.array([p[0] ** 2 + 1.0]), lambda p: np.array([[2 * p[0]]]))  # min Σr² = 1
    stalled = levenberg_marquardt(*no_zero, [1.0], tol=0.0)  # tol 0 is below rounding
    assert stalled.reason == LINE_SEARCH_FAILED and not stalled.converged
    assert stalled.losses[-1] == pytest.approx(1.0)


def test_linear_cg_says_why_it_stopped():
    A = np.diag([1.0, 2.0, 3.0])
    solved = conjugate_gradient(A, np.ones(3))
    assert solved.reason == CONVERGED and solved.converged and "converged in 3 steps" in solved.message
    np.testing.assert_allclose(solved.x, np.linalg.solve(A, np.ones(3)))
    cut = conjugate_gradient(A, np.ones(3), max_iter=2)
    assert cut.reason == MAX_ITER and "iteration limit after 2 steps" in cut.message
    with pytest.raises(ValueError, match="not positive definite"):
        conjugate_gradient(np.diag([1.0, 0.0]), np.ones(2))  # unbounded quadratic: pᵀAp = 0


# -- the problem: every solver takes a `Problem`; plain callables go through `as_problem` -----------

PROBLEM_SOLVERS = {"newton": so.newton, "saddle_free_newton": so.saddle_free_newton, "bfgs": bfgs,
                   "lbfgs": lbfgs, "nonlinear_cg": nonlinear_cg}


@given(st.sampled_from(sorted(PROBLEM_SOLVERS)),
       st.one_of(bad_numbers(), st.sampled_from([f, (f, grad, hess), {"f": f}, None, "Rosenbrock"])))
@settings(max_examples=80, deadline=None)
def test_a_problem_that_is_not_a_problem_is_named(solver, problem):
    answer = clear_answer(lambda: PROBLEM_SOLVERS[solver](problem, X0), names=["problem"])
    assert isinstance(answer, TypeError), "only a Problem is a problem"


@pytest.mark.parametrize("solver", ["newton", "saddle_free_newton"])
def test_newton_on_a_problem_without_a_hessian_says_so(solver):
    with pytest.raises(ValueError, match="needs a Hessian, and problem no Hessian has none"):
        PROBLEM_SOLVERS[solver](as_problem(f, grad, dim=2, name="no Hessian"), X0)


@pytest.mark.parametrize("solver", ["bfgs", "lbfgs", "nonlinear_cg"])
def test_first_derivative_methods_need_no_hessian_and_name_the_problem(solver):
    path = PROBLEM_SOLVERS[solver](as_problem(f, grad, dim=2, name="small quadratic"), X0)
    assert path.converged and path.problem == "small quadratic"
    np.testing.assert_allclose(path.final, np.linalg.solve(Q, B), atol=1e-5)  # the closed form
