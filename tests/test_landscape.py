"""Chord gaps against closed forms (‖x‖², Himmelblau on a chord worked out by hand), multi-start
against the literature's four minima of Himmelblau's function, and bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_input import bad_numbers, clear_answer
from lecturelib import landscape, optim, problems

# Himmelblau (1972)'s four minima, f = 0, from the literature (not from lecturelib)
LITERATURE = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])


def test_chord_gap_of_the_squared_norm_is_lambda_one_minus_lambda_times_the_squared_distance():
    rng = np.random.default_rng(0)
    a, b, lam = rng.normal(size=(50, 3)), rng.normal(size=(50, 3)), rng.uniform(size=50)
    gaps = landscape.chord_gaps(lambda x: float(x @ x), a, b, lam)
    np.testing.assert_allclose(gaps, lam * (1 - lam) * np.sum((a - b) ** 2, axis=1), rtol=1e-10)
    assert gaps.min() >= 0


def test_himmelblau_breaks_the_chord_inequality_between_two_of_its_minima():
    """a = (3, 2), b = (−2.805118, 3.131312): f(a) ≈ f(b) ≈ 0, but the midpoint
    (0.097441, 2.565656) has f = (0.0095 + 2.5657 − 11)² + (0.0974 + 6.5826 − 7)² ≈ 71.15."""
    himmelblau = problems.himmelblau()
    gap = landscape.chord_gaps(himmelblau.f, LITERATURE[:1], LITERATURE[1:2], [0.5])
    x, y = (3.0 - 2.805118) / 2, (2.0 + 3.131312) / 2
    by_hand = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    assert by_hand > 71
    np.testing.assert_allclose(gap, [-by_hand], atol=1e-9)


def test_one_dimensional_points_may_be_given_as_vectors():
    gaps = landscape.chord_gaps(lambda x: float(abs(x[0])), [-1.0, 2.0], [1.0, 3.0], [0.5, 0.25])
    np.testing.assert_allclose(gaps, [1.0, 0.0], atol=1e-15)


def test_multi_start_on_himmelblau_finds_the_four_minima_of_the_literature():
    grid = np.linspace(-4.5, 4.5, 4)
    starts = np.array([[x, y] for x in grid for y in grid])
    found = landscape.multi_start(optim.sgd(0.01), problems.himmelblau(), starts, 1000)
    assert len(found.minima) == 4 and found.counts.sum() == 16 and len(found.paths) == 16
    for minimum in LITERATURE:
        assert np.min(np.linalg.norm(found.minima - minimum, axis=1)) < 1e-5
    assert np.all(found.values < 1e-12) and np.all(np.diff(found.values) >= 0)


def test_multi_start_leaves_diverged_runs_out_of_the_minima():
    found = landscape.multi_start(optim.sgd(0.01), problems.himmelblau(), [[3.1, 2.1], [10, 10]], 200)
    assert found.paths[1].diverged and not found.paths[0].diverged
    assert found.counts.sum() == 1 and np.allclose(found.minima, [[3.0, 2.0]], atol=1e-6)


def test_multi_start_on_a_double_well_finds_both_basins_deepest_first():
    well = problems.double_well(0.3)
    found = landscape.multi_start(optim.sgd(0.01), well, [[-2.0], [-0.5], [0.5], [2.0]], 2000)
    np.testing.assert_allclose(found.minima, well.minima, atol=1e-6)
    assert list(found.counts) == [2, 2]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(["f", "a", "b", "lam"]),
       bad=st.one_of(bad_numbers(), st.sampled_from([[[1.0, 2.0]], [[np.nan, 0.0]], [2.0], [-0.1],
                                                      "x", lambda x: "one", lambda x: np.inf])))
def test_chord_gaps_answer_careless_input_clearly(which, bad):
    args = dict(f=lambda x: float(x @ x), a=[[0.0, 1.0]], b=[[2.0, -1.0]], lam=[0.5])
    args[which] = bad
    names = [which, "f"] if which == "f" else [which, "a and b"]
    answer = clear_answer(lambda: landscape.chord_gaps(**args), names=names)
    if not isinstance(answer, Exception):
        assert answer.shape == (1,) and np.isfinite(answer).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(["method", "problem", "starts", "steps", "merge"]),
       bad=st.one_of(bad_numbers(), st.sampled_from([[[1.0]], [[np.inf, 0.0]], np.zeros((0, 2)), "sgd"])))
def test_multi_start_answers_careless_input_clearly(which, bad):
    args = dict(method=optim.sgd(0.01), problem=problems.himmelblau(), starts=[[3.1, 2.1]], steps=5,
                merge=1e-3)
    if which == "steps" and isinstance(bad, (int, float)) and not isinstance(bad, bool) and bad > 1000:
        bad = 1000.5  # a legal but slow budget: try a non-whole one instead
    args[which] = bad
    answer = clear_answer(lambda: landscape.multi_start(**args), names=[which])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer.minima).all()
