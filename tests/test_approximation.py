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


@pytest.mark.parametrize("call,words", [
    (lambda: ap.bump(x, 0.6, 0.3), "left < right"),
    (lambda: ap.step(x, 0.5, 0.0), "steepness must be > 0"),
    (lambda: ap.bump_heights(np.sin, 0), "n_bumps must be a whole number >= 1"),
    (lambda: ap.bump_sum(x, [0, 0.5, 1], [1.0]), "one more edge than heights"),
])
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError, match=words):
        call()




def test_the_sawtooth_has_two_to_the_depth_linear_pieces():
    fine = np.linspace(0, 1, 2**12 + 1)
    slopes = np.sign(np.diff(ap.sawtooth(fine, 5)))
    assert 1 + np.count_nonzero(np.diff(slopes)) == 2**5
