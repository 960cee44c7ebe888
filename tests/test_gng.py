"""Growing Neural Gas (lecturelib.gng): it grows to its budget, quantises about as well as
scikit-learn's KMeans with the same number of centres, and its edges learn the topology
(two far-apart clusters give two connected components, counted by scipy.sparse.csgraph)."""

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_moons

from lecturelib.gng import growing_neural_gas

MOONS, _ = make_moons(300, noise=0.08, random_state=0)


def components(result):
    edges = np.array(result.edges)
    n = len(result.units)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[0]


def test_gng_grows_to_its_budget_and_every_unit_has_an_edge():
    result = growing_neural_gas(MOONS, 20, steps=3000)
    assert len(result.units) == 20
    assert set(np.array(result.edges).ravel()) == set(range(20))


def test_gng_quantises_about_as_well_as_kmeans():
    result = growing_neural_gas(MOONS, 20, steps=5000)
    reference = KMeans(20, n_init=10, random_state=0).fit(MOONS).inertia_
    assert result.inertia < 1.25 * reference


def test_gng_edges_keep_separate_clusters_apart():
    X, _ = make_blobs(300, centers=[[0, 0], [10, 0]], cluster_std=0.5, random_state=0)
    result = growing_neural_gas(X, 12, steps=3000)
    assert components(result) == 2
    assert all(np.sign(result.units[a, 0] - 5) == np.sign(result.units[b, 0] - 5)
               for a, b in result.edges)


def test_units_stay_inside_the_data():
    result = growing_neural_gas(MOONS, 10, steps=2000, seed=3)
    assert (result.units >= MOONS.min(0) - 1e-9).all() and (result.units <= MOONS.max(0) + 1e-9).all()


@pytest.mark.parametrize("X,units,words", [
    (MOONS[:5], 6, "max_units must lie between 2 and the number of points 5"),
    (MOONS, 1, "max_units must be a whole number >= 2"),
    (np.array([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]]), 2, "NaN"),
])
def test_bad_input_is_explained(X, units, words):
    with pytest.raises(ValueError, match=words):
        growing_neural_gas(X, units)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from hypothesis import assume, given, settings, strategies as st  # noqa: E402
from bad_input import awkward_points, case, clear_answer, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import X  # noqa: E402


BAD_ARGUMENTS = [
    case("gng-max_units", lambda v: growing_neural_gas(X, v, steps=100), ["max_units"]),
    case("gng-steps", lambda v: growing_neural_gas(X, 4, steps=v), ["steps"], (2000, 10**6)),
    case("gng-insert_every", lambda v: growing_neural_gas(X, 4, steps=100, insert_every=v), ["insert_every"]),
    case("gng-eps_b", lambda v: growing_neural_gas(X, 4, steps=100, eps_b=v), ["eps_b"]),
    case("gng-eps_n", lambda v: growing_neural_gas(X, 4, steps=100, eps_n=v), ["eps_n"]),
    case("gng-max_age", lambda v: growing_neural_gas(X, 4, steps=100, max_age=v), ["max_age"]),
    case("gng-insert_decay", lambda v: growing_neural_gas(X, 4, steps=100, insert_decay=v), ["insert_decay"]),
    case("gng-decay", lambda v: growing_neural_gas(X, 4, steps=100, decay=v), ["decay"]),
    case("gng-seed", lambda v: growing_neural_gas(X, 4, steps=100, seed=v), ["seed"]),
    case("gng-X", lambda v: growing_neural_gas(planted(X, v), 4, steps=100), ["X", "max_units"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: growing_neural_gas(X, 1.5), "max_units must be a whole number >= 2, got 1.5"),
    (lambda: growing_neural_gas(X, 13), "max_units must lie between 2 and the number of points 12, got 13"),
    (lambda: growing_neural_gas(X, 4, insert_every=0), "insert_every must be a whole number >= 1, got 0"),  # was ZeroDivisionError
    (lambda: growing_neural_gas(X, 4, eps_b=1.5), r"eps_b must lie in \(0, 1\]"),
    (lambda: growing_neural_gas(X, 4, decay=0), r"decay must lie in \(0, 1\]"),
    (lambda: growing_neural_gas(X, 4, steps=10**12), "steps must lie in"),  # was a MemoryError
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)


@settings(max_examples=60, deadline=None)
@given(awkward_points(), st.data())
def test_gng_on_awkward_data_answers_clearly(points, data):
    assume(len(points) >= 2)
    result = clear_answer(lambda: growing_neural_gas(points, data.draw(st.integers(2, len(points))), steps=200,
                                                     insert_every=data.draw(st.integers(1, 50)), max_age=1), ["X"])
    if not isinstance(result, Exception):
        assert np.isfinite(result.units).all() and np.isfinite(result.inertia)
