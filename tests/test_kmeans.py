"""k-means++ and Lloyd (lecturelib.kmeans) against scikit-learn: the same seeding rule
(D² sampling, checked as a distribution), the same Lloyd fixed point from the same start, and
an inertia as low as sklearn.cluster.KMeans finds."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.cluster import KMeans, kmeans_plusplus as sk_kmeans_plusplus
from sklearn.datasets import make_blobs, make_moons

from lecturelib import kmeans as km

POINTS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [4.0, 1.0], [5.0, 5.0]])


def pair_frequencies(draw, runs):
    counts = np.zeros((len(POINTS), len(POINTS)))
    for seed in range(runs):
        first, second = draw(seed)
        counts[first, second] += 1
    return counts / runs


def d2_sampling_probabilities():
    """P(first = i, second = j) = (1/n) · D(j)²/Σ D² with D the distance to point i."""
    d2 = ((POINTS[:, None] - POINTS[None]) ** 2).sum(-1)
    return d2 / d2.sum(axis=1, keepdims=True) / len(POINTS)


def sklearn_pair(seed, trials):
    _, indices = sk_kmeans_plusplus(POINTS, 2, random_state=seed, n_local_trials=trials)
    return indices


def test_original_kmeans_plusplus_draws_the_second_centre_with_probability_d_squared():
    ours = pair_frequencies(lambda s: km.kmeans_plusplus(POINTS, 2, seed=s, n_local_trials=1), 4000)
    theirs = pair_frequencies(lambda s: sklearn_pair(s, 1), 4000)
    exact = d2_sampling_probabilities()
    assert np.abs(ours - exact).max() < 0.02
    assert np.abs(theirs - exact).max() < 0.02


def test_greedy_seeding_has_the_same_distribution_as_sklearn():
    ours = pair_frequencies(lambda s: km.kmeans_plusplus(POINTS, 2, seed=s), 4000)
    theirs = pair_frequencies(lambda s: sklearn_pair(s, None), 4000)
    exact = greedy_probabilities()
    assert np.abs(ours - exact).max() < 0.02
    assert np.abs(theirs - exact).max() < 0.02
    assert np.abs(exact - d2_sampling_probabilities()).max() > 0.03  # a different rule


def greedy_probabilities(trials=2):
    """sklearn's default for k = 2: draw 2 + ⌊ln 2⌋ = 2 candidates by D² sampling, keep the one
    whose addition leaves the smaller potential Σₙ min(D(xₙ)², ‖xₙ − candidate‖²)."""
    d2 = ((POINTS[:, None] - POINTS[None]) ** 2).sum(-1)
    result = np.zeros_like(d2)
    for i in range(len(POINTS)):
        p = d2[i] / d2[i].sum()
        potential = np.minimum(d2[i][:, None], d2).sum(axis=0)  # after adding candidate j
        for a in range(len(POINTS)):
            for b in range(len(POINTS)):
                winner = a if potential[a] <= potential[b] else b
                result[i, winner] += p[a] * p[b] / len(POINTS)
    return result


def test_lloyd_reaches_sklearns_fixed_point_from_the_same_start():
    X, _ = make_blobs(200, centers=4, cluster_std=1.2, random_state=3)
    start = X[km.kmeans_plusplus(X, 4, seed=1)]
    ours = km.lloyd(X, start, tol=0.0)
    theirs = KMeans(4, init=start, n_init=1, algorithm="lloyd", tol=0.0).fit(X)
    np.testing.assert_allclose(ours.centres, theirs.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(ours.labels, theirs.labels_)
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-10)


@pytest.mark.parametrize("k", [3, 8, 20])
def test_inertia_is_as_low_as_sklearns(k):
    X, _ = make_moons(300, noise=0.2, random_state=0)
    ours = km.kmeans(X, k, seed=0, n_init=10)
    theirs = KMeans(k, n_init=10, random_state=0).fit(X)
    assert ours.inertia <= 1.03 * theirs.inertia_


def test_inertia_is_the_within_cluster_sum_of_squares():
    X, _ = make_blobs(100, centers=3, random_state=0)
    result = km.kmeans(X, 3, seed=0)
    brute = sum(((x - result.centres[c]) ** 2).sum() for x, c in zip(X, result.labels))
    assert result.inertia == pytest.approx(brute, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_lloyd_never_increases_the_inertia_of_its_start(seed, k):
    X = np.random.default_rng(seed).normal(size=(30, 2))
    start = X[km.kmeans_plusplus(X, k, seed=seed)]
    d2 = ((X[:, None] - start[None]) ** 2).sum(-1)
    assert km.lloyd(X, start).inertia <= d2.min(axis=1).sum() + 1e-9


def test_repeated_points_still_give_k_distinct_indices():
    X = np.zeros((5, 2))
    assert len(set(km.kmeans_plusplus(X, 3).tolist())) == 3


@pytest.mark.parametrize("X,k,error,words", [
    (POINTS, 6, ValueError, "between 1 and the number of points 5"),
    (POINTS, 0, ValueError, "k must be a whole number >= 1, got 0"),
    (POINTS, 2.5, ValueError, "k must be a whole number"),
    (POINTS, "2", TypeError, "k must be a whole number"),
    (np.array([[0.0, np.nan], [1.0, 1.0]]), 1, ValueError, "NaN"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), 1, ValueError, "inf"),
    ("points", 1, TypeError, "numbers"),
])
def test_bad_input_is_explained(X, k, error, words):
    with pytest.raises(error, match=words):
        km.kmeans(X, k)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

import warnings  # noqa: E402
from bad_input import awkward_points, case, clear_answer, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import X  # noqa: E402


BAD_ARGUMENTS = [
    case("kmeans-k", lambda v: km.kmeans(X, v), ["k"]),
    case("kmeans-seed", lambda v: km.kmeans(X, 3, seed=v), ["seed"]),
    case("kmeans-n_init", lambda v: km.kmeans(X, 3, n_init=v), ["n_init"], (20, km.MAX_INIT)),
    case("kmeans-max_iter", lambda v: km.kmeans(X, 3, max_iter=v), ["max_iter"]),
    case("kmeans-tol", lambda v: km.kmeans(X, 3, tol=v), ["tol"]),
    case("kmeans-X", lambda v: km.kmeans(planted(X, v), 3), ["X", "k"]),
    case("kmeans++-k", lambda v: km.kmeans_plusplus(X, v), ["k"]),
    case("kmeans++-seed", lambda v: km.kmeans_plusplus(X, 3, seed=v), ["seed"]),
    case("kmeans++-n_local_trials", lambda v: km.kmeans_plusplus(X, 3, n_local_trials=v), ["n_local_trials"]),
    case("kmeans++-X", lambda v: km.kmeans_plusplus(planted(X, v), 2), ["X", "k"]),
    case("lloyd-centres", lambda v: km.lloyd(X, planted(X[:3], v)), ["centres"]),
    case("lloyd-max_iter", lambda v: km.lloyd(X, X[:3], max_iter=v), ["max_iter"]),
    case("lloyd-tol", lambda v: km.lloyd(X, X[:3], tol=v), ["tol"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: km.kmeans(X * 1e200, 2), "X has entries as large as .*rescale X"),
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)


@settings(max_examples=80, deadline=None)
@given(awkward_points(), st.data())
def test_kmeans_on_awkward_data_is_exact_or_refuses_clearly(points, data):
    k = data.draw(st.integers(1, len(points)))
    result = clear_answer(lambda: km.kmeans(points, k, n_init=data.draw(st.integers(1, 3))), ["X"])
    if not isinstance(result, Exception):  # the inertia of the answer, recomputed by brute force
        brute = sum(float(((x - result.centres[c]) ** 2).sum()) for x, c in zip(points, result.labels))
        # the rounding of ‖x‖² − 2x·μ + ‖μ‖², and of subnormal squares
        rounding = points.size * (16 * np.finfo(float).eps * np.abs(points).max() ** 2 + 1e-321)
        assert result.inertia == pytest.approx(brute, rel=1e-6, abs=rounding)
        assert set(result.labels) <= set(range(k))


def test_kmeans_needs_at_least_one_lloyd_iteration_and_one_equals_sklearns_first():
    with pytest.raises(ValueError, match="max_iter must be a whole number >= 1, got 0"):
        km.kmeans(X, 3, max_iter=0)  # was an UnboundLocalError
    start = X[km.kmeans_plusplus(X, 3)]
    ours = km.lloyd(X, start, max_iter=1)
    theirs = KMeans(3, init=start, n_init=1, max_iter=1, algorithm="lloyd").fit(X)
    assert ours.n_iter == 1
    np.testing.assert_allclose(ours.centres, theirs.cluster_centers_, atol=1e-12)


def test_counts_are_whole_numbers_not_truncated():
    with pytest.raises(ValueError, match="k must be a whole number >= 1, got 2.5"):
        km.kmeans(X, 2.5)
    np.testing.assert_array_equal(km.kmeans(X, 2.0).centres, km.kmeans(X, 2).centres)
    with pytest.raises(ValueError, match="n_init must lie in"):
        km.kmeans(X, 2, n_init=10**12)  # was a MemoryError


def test_kmeans_plusplus_on_identical_points_does_not_divide_by_zero():
    same = np.ones((6, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for trials in (1, None):
            assert len(set(km.kmeans_plusplus(same, 4, n_local_trials=trials).tolist())) == 4
        result = km.kmeans(same, 3, n_init=2)
    assert result.inertia == 0.0
    np.testing.assert_array_equal(result.centres, np.ones((3, 2)))


@pytest.mark.parametrize("seed, trials", [(0, 1), (4, None), (9, 5)])
def test_seeding_steps_are_kmeans_plusplus_draws_with_what_decided_them(seed, trials):
    """Each step's probabilities are D²/ΣD² (uniform for the first seed), its potentials
    Σ min(D², ‖x − candidate‖²), its kept point the candidate of lowest potential, and the kept
    points are `kmeans_plusplus`'s seeds; distances from the points, not from the code."""
    X, _ = make_blobs(120, centers=4, random_state=2)
    steps = km.seeding_steps(X, 5, seed=seed, n_local_trials=trials)
    np.testing.assert_array_equal([step.kept for step in steps],
                                  km.kmeans_plusplus(X, 5, seed=seed, n_local_trials=trials))
    np.testing.assert_allclose(steps[0].probabilities, np.full(len(X), 1 / len(X)))
    for j, step in enumerate(steps[1:], start=1):
        seeds = X[[s.kept for s in steps[:j]]]
        d2 = ((X[:, None] - seeds[None]) ** 2).sum(-1).min(axis=1)
        np.testing.assert_allclose(step.probabilities, d2 / d2.sum(), rtol=1e-10)
        assert len(step.candidates) == (2 + int(np.log(5)) if trials is None else trials)
        with_each = [np.minimum(d2, ((X - X[c]) ** 2).sum(-1)).sum() for c in step.candidates]
        np.testing.assert_allclose(step.potentials, with_each, rtol=1e-10)
        assert step.kept == step.candidates[int(np.argmin(with_each))]
