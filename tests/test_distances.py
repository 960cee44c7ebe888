"""Squared distances (lecturelib.distances) against scipy's cdist, never negative, and bad input."""

import numpy as np
import pytest

from bad_input import case, every_bad_argument_test, planted
from chapter1_data import X
from lecturelib.distances import squared_distances


BAD_ARGUMENTS = [
    case("squared_distances-centres", lambda v: squared_distances(X, planted(X[:3], v)), ["centres"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


def test_squared_distances_are_scipys_and_never_negative():
    from scipy.spatial.distance import cdist

    rng = np.random.default_rng(3)
    points, centres = rng.normal(size=(30, 3)), rng.normal(size=(5, 3))
    np.testing.assert_allclose(squared_distances(points, centres), cdist(points, centres, "sqeuclidean"),
                               rtol=1e-12, atol=1e-12)
    same = squared_distances(points, points)
    assert (same >= 0).all() and np.allclose(np.diag(same), 0, atol=1e-12)
    with pytest.raises(ValueError, match="centres has 2 features but X has 3"):
        squared_distances(points, centres[:, :2])
