"""The book's figure helpers (lecturelib.plotting): `draw_paths` and `draw_decision_regions`
draw what they are given, and name the argument a caller got wrong."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from lecturelib import optim, problems  # noqa: E402
from lecturelib.plotting import (  # noqa: E402
    CLASS_COLOURS, PALETTE, PATH_COLOURS, draw_decision_regions, draw_paths)
from lecturelib.trajectory import run  # noqa: E402
from tests.bad_input import bad_numbers, clear_answer  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_draw_paths_draws_each_path_through_its_points_with_its_label(ax):
    rosenbrock = problems.rosenbrock()
    paths = [run(optim.sgd(1e-3), rosenbrock, [-1.2, 1.0], 30),
             run(optim.momentum(1e-3, beta=0.9), rosenbrock, [-1.2, 1.0], 30)]
    draw_paths(ax, rosenbrock, paths, labels=["plain", "heavy ball"], n=40)
    lines = [line for line in ax.get_lines() if line.get_label() in ("plain", "heavy ball")]
    assert [line.get_label() for line in lines] == ["plain", "heavy ball"]
    for line, path, colour in zip(lines, paths, PATH_COLOURS):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), path.points)
        assert line.get_color() == colour
    star = ax.get_lines()[-1]
    np.testing.assert_array_equal(np.column_stack(star.get_data()), [[1.0, 1.0]])  # f's minimum
    assert star.get_color() == PALETTE["green"]
    assert ax.get_title() == rosenbrock.name and ax.get_xlim() == rosenbrock.window[0]


def test_contour_levels_are_geometric_up_to_the_largest_value_on_the_grid(ax):
    himmelblau = problems.himmelblau()
    contours = draw_paths(ax, himmelblau, [], n=30, levels=7) or ax.collections[-1]
    (x0, x1), (y0, y1) = himmelblau.window
    X, Y = np.meshgrid(np.linspace(x0, x1, 30), np.linspace(y0, y1, 30))
    Z = (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2  # Himmelblau (1972), written out
    levels = np.asarray(contours.levels)
    assert len(levels) == 7 and levels[-1] == pytest.approx(Z.max())
    np.testing.assert_allclose(levels[1:] / levels[:-1], (levels[1] / levels[0]))


def test_a_diverged_run_says_so_in_its_label(ax):
    canyon = problems.canyon() if hasattr(problems, "canyon") else problems.rosenbrock()
    path = run(optim.sgd(10.0), canyon, np.array(canyon.window)[:, 1] * 0.5, 200)
    assert path.diverged
    draw_paths(ax, canyon, [path], labels=["too fast"], n=20)
    assert any(line.get_label() == f"too fast (diverged at step {path.diverged_at})"
               for line in ax.get_lines())


@pytest.mark.parametrize("call,name", [
    (lambda ax: draw_paths(ax, problems.quadratic(np.eye(3)), []), "problem"),
    (lambda ax: draw_paths(ax, "rosenbrock", []), "problem"),
    (lambda ax: draw_paths(ax, problems.rosenbrock(), [np.zeros((3, 2))]), r"paths\[0\]"),
    (lambda ax: draw_paths(ax, problems.rosenbrock(),
                           [run(optim.sgd(1e-3), problems.rosenbrock(), [0, 0], 3)], labels=[]),
     "labels"),
])
def test_bad_arguments_are_named(ax, call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call(ax)


@settings(max_examples=60, deadline=None)
@given(value=bad_numbers(), which=st.sampled_from(["n", "levels"]))
def test_bad_grid_sizes_get_a_clear_answer(value, which):
    fig, ax = plt.subplots()
    try:
        clear_answer(lambda: draw_paths(ax, problems.rosenbrock(), [], **{which: value}),
                     names=[which])
    finally:
        plt.close(fig)


class HalfPlanes:
    """Class 0 left of x₁ = 0, class 1 right of it, class 2 above x₂ = 1; two centres."""

    mu = np.array([[-1.0, 0.0], [1.0, 0.0]])

    def classify(self, points):
        points = np.asarray(points)
        return np.where(points[:, 1] > 1, 2, (points[:, 0] > 0).astype(int))


def test_decision_regions_shade_what_the_model_predicts_and_scatter_each_class(ax):
    X = np.array([[-1.0, -0.5], [1.0, -0.5], [0.5, 1.5], [-0.5, 0.2]])
    y = np.array([0, 1, 2, 0])
    draw_decision_regions(ax, HalfPlanes(), X, y, "half planes", n=41)
    shading = ax.collections[0]
    np.testing.assert_allclose(shading.levels, [-0.5, 0.5, 1.5, 2.5])
    scatters = ax.collections[1:]
    assert [s.get_label() for s in scatters] == ["class 0", "class 1", "class 2", "centres"]
    np.testing.assert_array_equal(scatters[0].get_offsets(), X[y == 0])
    np.testing.assert_array_equal(scatters[-1].get_offsets(), HalfPlanes.mu)
    assert matplotlib.colors.to_hex(scatters[1].get_facecolor()[0]) == CLASS_COLOURS[1].lower()
    assert ax.get_title() == "half planes" and ax.get_xlim()[0] <= -1.5


@pytest.mark.parametrize("model,X,y,name", [
    (object(), np.zeros((3, 2)), np.zeros(3), "model"),
    (HalfPlanes(), np.zeros((3, 3)), np.zeros(3), "X"),
    (HalfPlanes(), np.full((3, 2), np.nan), np.zeros(3), "X"),
    (HalfPlanes(), np.zeros((3, 2)), np.zeros(2), "y"),
    (HalfPlanes(), np.zeros((3, 2)), np.array([0, 1, 9]), "y"),
    (HalfPlanes(), np.zeros((3, 2)), np.array([0, 0.5, 1]), "y"),
])
def test_decision_regions_name_the_bad_argument(ax, model, X, y, name):
    with pytest.raises((TypeError, ValueError), match=name):
        draw_decision_regions(ax, model, X, y)
