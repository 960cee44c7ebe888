"""The line-search explorer draws what independent computations give: Rosenbrock's φ and φ′
written out here, the strong Wolfe conditions checked on them, and SciPy's line search, whose
step must lie in the set the explorer shows."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.optimize import line_search

from lecturelib.explore.line_search import ALPHA_MAX, C1_VALUES, C2_VALUES, MAX_INTERVALS, wolfe_explorer


def f(t):
    return (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2


def grad(t):
    return np.array([-2 * (1 - t[0]) - 400 * t[0] * (t[1] - t[0] ** 2), 200 * (t[1] - t[0] ** 2)])


THETA0 = np.array([-1.2, 1.0])
D = -grad(THETA0) / np.linalg.norm(grad(THETA0))
STEP = ALPHA_MAX / 1600  # the explorer's grid spacing


@pytest.fixture(scope="module")
def explorer():
    built = wolfe_explorer()
    yield built
    plt.close(built.fig)


def strong_wolfe(alpha, c1, c2):
    phi0, slope0 = f(THETA0), grad(THETA0) @ D
    point = THETA0 + alpha * D
    return f(point) <= phi0 + c1 * alpha * slope0 and abs(grad(point) @ D) <= c2 * abs(slope0)


def lines(explorer):
    """φ, the Armijo line, the bars of sufficient decrease, the bars of strong Wolfe, the
    evaluated points (on and off the chart) and the accepted step."""
    ax = explorer.fig.axes[0]
    n = MAX_INTERVALS
    phi, armijo_line, *rest = ax.lines
    return dict(armijo_line=armijo_line, armijo=rest[:n], wolfe=rest[n:2 * n], trials=rest[2 * n],
                off_chart=rest[2 * n + 1], accepted=rest[2 * n + 2])


def intervals(bars):
    return [tuple(line.get_xdata()) for line in bars if len(line.get_xdata())]


def inside(alpha, spans, slack=STEP):
    return any(a - slack <= alpha <= b + slack for a, b in spans)


@pytest.mark.parametrize("c1, c2, alpha1", [(1e-4, 0.9, 1.0), (1e-4, 0.1, 3.0), (0.1, 0.2, 3.0), (0.3, 0.5, 1.0),
                                            (0.01, 0.3, 2.0)])
def test_the_accepted_step_and_scipys_lie_in_the_strong_wolfe_set_drawn(explorer, c1, c2, alpha1):
    explorer.update(c1=c1, c2=c2, alpha1=alpha1)
    ax = explorer.fig.axes[0]
    drawn = lines(explorer)
    armijo_line, wolfe_bars, accepted = drawn["armijo_line"], drawn["wolfe"], drawn["accepted"]
    np.testing.assert_allclose(armijo_line.get_ydata(),
                               f(THETA0) + c1 * (grad(THETA0) @ D) * np.array([0.0, ALPHA_MAX]), rtol=1e-12)
    spans = intervals(wolfe_bars)
    assert spans, "some step satisfies the strong Wolfe conditions"
    for a, b in spans:  # every drawn interval holds the conditions inside, and they fail just outside
        for alpha in np.linspace(a, b, 7):
            assert strong_wolfe(alpha, c1, c2), (alpha, a, b)
        for alpha in (a - 2 * STEP, b + 2 * STEP):
            if 0 < alpha < ALPHA_MAX:
                assert not strong_wolfe(alpha, c1, c2), (alpha, a, b)
    (alpha,) = accepted.get_xdata()
    assert strong_wolfe(alpha, c1, c2) and inside(alpha, spans)
    np.testing.assert_allclose(accepted.get_ydata(), [f(THETA0 + alpha * D)], rtol=1e-12)
    scipy_alpha = line_search(f, grad, THETA0, D, c1=c1, c2=c2)[0]
    if scipy_alpha is not None and scipy_alpha < ALPHA_MAX:
        assert inside(scipy_alpha, spans), (scipy_alpha, spans)
    evaluated = np.concatenate([drawn["trials"].get_xdata(), drawn["off_chart"].get_xdata()])
    assert np.any(np.isclose(evaluated, alpha))  # the accepted step is one the search evaluated
    assert f"{len(evaluated)} f and" in ax.get_title()


def test_sufficient_decrease_alone_is_a_larger_set_and_c1_at_least_c2_draws_no_search(explorer):
    explorer.update(c1=0.1, c2=0.5, alpha1=1.0)
    armijo, wolfe = intervals(lines(explorer)["armijo"]), intervals(lines(explorer)["wolfe"])
    assert all(inside(a, armijo, 0) and inside(b, armijo, 0) for a, b in wolfe)
    assert not inside(2.85, armijo)  # c₁ = 0.1 rejects the deeper dip beyond the ridge
    explorer.update(c1=1e-4, c2=0.5, alpha1=1.0)
    assert inside(2.85, intervals(lines(explorer)["wolfe"]))  # a small c₁ accepts it
    explorer.update(c1=0.3, c2=0.2, alpha1=1.0)
    ax = explorer.fig.axes[0]
    assert "need c₁ < c₂" in ax.get_title()
    drawn = lines(explorer)
    assert all(len(line.get_xdata()) == 0 for line in drawn["wolfe"] + [drawn[k] for k in ("trials", "off_chart", "accepted")])


def test_every_setting_fits_the_bars_drawn(explorer):  # the explorer raises if a set has more intervals
    for c1 in C1_VALUES:
        for c2 in C2_VALUES:
            explorer.update(c1=c1, c2=c2, alpha1=1.0)
            assert 1 <= len(intervals(lines(explorer)["armijo"])) <= MAX_INTERVALS
