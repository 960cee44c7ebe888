"""Sigmoid bumps and the sawtooth (lecturelib.approximation): bumps against scipy's expit,
the staircase error falling like 1/N, the sawtooth against the composed tent map. (Its torch
networks: tests/test_torch_approximation.py.)"""

import numpy as np
import pytest
from scipy.special import expit

from lecturelib import approximation as ap

x = np.linspace(0, 1, 2001)


def test_bump_is_the_difference_of_two_steep_sigmoids():
    expected = 2.5 * (expit(80 * (x - 0.3)) - expit(80 * (x - 0.6)))
    np.testing.assert_allclose(ap.bump(x, 0.3, 0.6, 2.5, 80), expected, atol=1e-14)
    assert ap.bump(0.45, 0.3, 0.6, 2.5, 1000) == pytest.approx(2.5)
    assert ap.bump(0.9, 0.3, 0.6, 2.5, 1000) == pytest.approx(0.0, abs=1e-12)


def test_a_sum_of_bumps_is_a_staircase_through_the_midpoint_values():
    edges, heights = ap.bump_heights(np.cos, 4)
    np.testing.assert_allclose(heights, np.cos([0.125, 0.375, 0.625, 0.875]))
    np.testing.assert_allclose(ap.bump_sum(np.array([0.125, 0.625]), edges, heights, 200.0),
                               np.cos([0.125, 0.625]), atol=1e-12)


def test_the_error_of_n_bumps_falls_like_one_over_n():
    target = lambda t: np.sin(2 * np.pi * t) + t  # Lipschitz constant 2π + 1
    errors = []
    for n in (8, 16, 32, 64, 128):
        edges, heights = ap.bump_heights(target, n)
        errors.append(np.mean(np.abs(ap.bump_sum(x, edges, heights) - target(x))))
    slope = np.polyfit(np.log([8, 16, 32, 64, 128]), np.log(errors), 1)[0]
    assert -1.15 < slope < -0.85
    assert errors[-1] < 0.03






def test_the_sawtooth_has_two_to_the_depth_linear_pieces():
    fine = np.linspace(0, 1, 2**12 + 1)
    slopes = np.sign(np.diff(ap.sawtooth(fine, 5)))
    assert 1 + np.count_nonzero(np.diff(slopes)) == 2**5


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

import time  # noqa: E402
from fractions import Fraction  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from bad_input import AWKWARD, case, clear_answer, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import X, rng  # noqa: E402


BAD_ARGUMENTS = [
    case("step-x", lambda v: ap.step(planted([0.1, 0.9], v), 0.5, 10.0), ["x"]),
    case("step-position", lambda v: ap.step(X, v, 10.0), ["position"]),
    case("step-steepness", lambda v: ap.step(X, 0.5, v), ["steepness"]),
    case("bump-left", lambda v: ap.bump(X, v, 2.0), ["left"]),
    case("bump-right", lambda v: ap.bump(X, -2.0, v), ["right", "left"]),
    case("bump-height", lambda v: ap.bump(X, 0.0, 1.0, v), ["height"]),
    case("bump-steepness", lambda v: ap.bump(X, 0.0, 1.0, 1.0, v), ["steepness"]),
    case("bump_heights-n_bumps", lambda v: ap.bump_heights(np.sin, v), ["n_bumps"], (10**4, ap.MAX_BUMPS)),
    case("bump_heights-interval", lambda v: ap.bump_heights(np.sin, 4, (0.0, v)), ["interval"]),
    case("bump_heights-f", lambda v: ap.bump_heights(lambda t: v, 4), ["f"]),
    case("bump_sum-sharpness", lambda v: ap.bump_sum(X, [0, 0.5, 1], [1.0, 2.0], v), ["sharpness"]),
    case("bump_sum-edges", lambda v: ap.bump_sum(X, planted([0.2, 0.5, 1], v), [1.0, 2.0]), ["edges"]),
    case("bump_sum-heights", lambda v: ap.bump_sum(X, [0, 0.5, 1], planted([1.0, 2.0], v)), ["heights"]),
    case("bump_sum-x", lambda v: ap.bump_sum(planted(X, v), [0, 0.5, 1], [1.0, 2.0]), ["x"]),
    case("tent-x", lambda v: ap.tent(planted([0.2, 0.7], v)), ["x"]),
    case("sawtooth-depth", lambda v: ap.sawtooth(X, v), ["depth"]),
    case("sawtooth-x", lambda v: ap.sawtooth(planted([0.2, 0.7], v), 3), ["x"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: ap.bump(x, 0.6, 0.3), "left < right"),
    (lambda: ap.step(x, 0.5, 0.0), "steepness must be > 0"),
    (lambda: ap.bump_heights(np.sin, 0), "n_bumps must be a whole number >= 1"),
    (lambda: ap.bump_sum(x, [0, 0.5, 1], [1.0]), "one more edge than heights"),
    (lambda: ap.tent(np.inf), "x contains inf"),  # was NaN
    (lambda: ap.bump_sum(0.5, [0.0, 0.5, 0.5], [1.0, 2.0]), "edges must increase strictly"),
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.integers(1, 5), elements=AWKWARD), st.data())
def test_bump_sums_on_awkward_edges_answer_clearly(edges, data):
    heights = data.draw(arrays(np.float64, len(edges) - 1, elements=AWKWARD))
    x = data.draw(arrays(np.float64, 4, elements=st.floats(allow_nan=False)))
    sharpness = data.draw(st.sampled_from([1e-300, 40.0, 1e300]))
    clear_answer(lambda: ap.bump_sum(x, np.sort(edges), heights, sharpness), ["edges", "heights", "sharpness"])


# -- the regressions of issue 11 ----------------------------------------------------------------


def exact_tent(x: Fraction) -> Fraction:
    """T(x) = 2 relu(x) − 4 relu(x − ½) in exact rational arithmetic."""
    return 2 * max(x, Fraction(0)) - 4 * max(x - Fraction(1, 2), Fraction(0))


def test_sawtooth_equals_exact_rational_composition_even_for_huge_depth():
    points = np.r_[rng.uniform(0, 1, 5), 1 / 3, 2 / 3, 5e-324, 1.0, 0.0]

    def exact(depth):
        values = []
        for p in points:
            x = Fraction(p)
            for _ in range(depth):
                x = exact_tent(x)
            values.append(float(x))
        return np.array(values)

    for depth in (1, 3, 30, 60):
        np.testing.assert_array_equal(ap.sawtooth(points, depth), exact(depth))
    start = time.perf_counter()
    huge = ap.sawtooth(points, 10**12)  # every float is dyadic: T^L(x) = 0 once L > 1075
    assert time.perf_counter() - start < 1.0
    np.testing.assert_array_equal(huge, exact(1100))
    assert (huge == 0).all()


def test_tent_outside_the_unit_interval_follows_the_relu_formula():
    x = np.array([-2.0, -0.25, 1.25, 7.0, 1e308])
    relu = lambda t: np.maximum(t, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = 2 * relu(x) - 4 * relu(x - 0.5)
    np.testing.assert_array_equal(ap.tent(x[:-1]), expected[:-1])
    assert ap.tent(x[-1:])[0] == -np.inf  # 2 − 2·1e308 overflows; the formula as written gives NaN
    assert np.isnan(expected[-1])


def test_bumps_of_a_constant_function_and_steps_at_infinity():
    edges, heights = ap.bump_heights(lambda t: 2.0, 5)
    np.testing.assert_array_equal(heights, np.full(5, 2.0))
    np.testing.assert_allclose(ap.step([-np.inf, 0.5, np.inf], 0.5, 1e300), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(ap.bump([-np.inf, 0.4, np.inf], 0.3, 0.6, 2.5, 80.0),
                               2.5 * (expit(80 * (np.array([-np.inf, 0.4, np.inf]) - 0.3))
                                      - expit(80 * (np.array([-np.inf, 0.4, np.inf]) - 0.6))))
