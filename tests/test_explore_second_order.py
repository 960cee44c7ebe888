"""Chapter 5's explorers draw what independent computations give: a NumPy loop of steepest
descent with the exact step, the Newton step to the minimum, the closed-form level sets and
Kantorovich's bound, and the L-BFGS runs of the damping explorer."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lecturelib.explore.second_order import (CANYON_STARTS, CONDITIONING_STEPS, LEVELS, MEMORY_VALUES, MEMORY_XLIM,
                                             conditioning_explorer, damping_explorer)
from lecturelib.problems import ill_conditioned_quadratic
from lecturelib.quasi_newton import lbfgs


@pytest.fixture(scope="module")
def conditioning():
    explorer = conditioning_explorer()
    yield explorer
    plt.close(explorer.fig)


def canyon_hessian(kappa, angle=np.pi / 6):
    """The canyon's Hessian, written out here: R diag(1/κ, 1) Rᵀ."""
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return R @ np.diag([1 / kappa, 1.0]) @ R.T


def exact_line_search_descent(H, theta, steps):
    points = [theta]
    for _ in range(steps):
        g = H @ theta
        if not (g @ g > 0 and g @ H @ g > 0):  # at the minimum, up to rounding: no step to take
            break
        theta = theta - (g @ g) / (g @ H @ g) * g
        points.append(theta)
    return np.array(points)


@pytest.mark.parametrize("kappa, start", [(5.0, "worst case"), (100.0, "worst case"), (20.0, "(−5, 2)"),
                                          (1000.0, "on the valley floor")])
def test_the_conditioning_explorer_draws_steepest_descent_newton_and_the_bound(conditioning, kappa, start):
    conditioning.update(kappa=kappa, start=start)
    path_axes, loss_axes = conditioning.fig.axes[:2]
    *ellipses, descent, newton = (np.column_stack(line.get_data()) for line in path_axes.lines[:LEVELS + 2])
    levels = np.vstack(ellipses)
    H = canyon_hessian(kappa)
    expected = exact_line_search_descent(H, descent[0], CONDITIONING_STEPS)
    f_expected = 0.5 * np.einsum("ij,jk,ik->i", expected, H, expected)
    meaningful = int(np.sum(f_expected > 1e-24 * f_expected[0])) + 1  # past that, rounding decides when to stop
    assert len(descent) >= min(meaningful, len(expected))
    np.testing.assert_allclose(descent[:meaningful], expected[:meaningful], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(newton, [descent[0], [0.0, 0.0]], atol=1e-12)  # one step to the minimum
    if start == "(−5, 2)":
        np.testing.assert_array_equal(descent[0], [-5.0, 2.0])
    values = 0.5 * np.einsum("ij,jk,ik->i", levels, H, levels)
    f0 = 0.5 * descent[0] @ H @ descent[0]
    gaps = np.abs(np.log(values / f0)[:, None] - np.log(np.geomspace(1, 1e-3, 5)))
    assert gaps.min(axis=1).max() < 1e-9 and set(gaps.argmin(axis=1)) == set(range(5))
    loss, bound = (np.asarray(line.get_ydata(), float) for line in loss_axes.lines[:2])
    rate = ((kappa - 1) / (kappa + 1)) ** 2
    np.testing.assert_allclose(bound, np.log10(f0 * rate ** np.arange(CONDITIONING_STEPS + 1)), rtol=1e-12)
    assert all(len(ellipse) == 73 for ellipse in ellipses) and len(ellipses) == 5
    np.testing.assert_allclose(loss[:meaningful], np.log10(f_expected[:meaningful]), rtol=1e-7, atol=1e-9)
    assert np.all(loss <= bound[:len(loss)] + 1e-9)  # Kantorovich: never above the bound
    if start == "worst case":  # equal eigen-components of g: the bound is attained, step after step
        np.testing.assert_allclose(loss, bound[:len(loss)], atol=1e-6)


def test_from_an_eigenvector_steepest_descent_also_takes_one_step(conditioning):
    for start in ("on the valley floor", "across the valley"):
        conditioning.update(kappa=500.0, start=start)
        assert "ε* f < 1e-8 in 1 step," not in conditioning.fig.axes[0].get_title()  # titles end there
        assert conditioning.fig.axes[0].get_title().endswith("ε* f < 1e-8 in 1 step")
    conditioning.update(kappa=500.0, start="worst case")
    assert conditioning.fig.axes[0].get_title().endswith(f"after {CONDITIONING_STEPS}")
    assert set(CANYON_STARTS) == set(conditioning.controls["start"])


def test_the_memory_panel_shows_every_lbfgs_run_whole():
    quadratic = ill_conditioned_quadratic(n=30, kappa=1e3, seed=0)
    lengths = {m: len(lbfgs(quadratic, np.zeros(30), m=m, tol=1e-6, max_iter=1000).grad_norms)
               for m in MEMORY_VALUES}
    # every run fits whole, and the longest fills most of the axis: 357 here, 295 with NumPy 1.26's
    # rounding on this κ = 1000 quadratic (the oldest-dependencies lane)
    assert 0.75 * MEMORY_XLIM <= max(lengths.values()) <= MEMORY_XLIM
    explorer = damping_explorer()
    for m in MEMORY_VALUES:
        explorer.update(damping=0.0, m=m)
        assert len(explorer.fig.axes[1].lines[1].get_xdata()) == lengths[m]
    plt.close(explorer.fig)
