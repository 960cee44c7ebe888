"""Bad input to chapter 1's library: k-means (lecturelib.kmeans), Growing Neural Gas (gng), RBF
features, fits and heads (rbf), sigmoid bumps and the sawtooth (approximation).

The property tests hand every argument of every function the careless values of
`bad_input.bad_numbers()` and require the shared contract `bad_input.clear_answer`: a
ValueError/TypeError that names the argument, or a NaN-free answer, within the time limit.
Then the regressions of issue 11, each against an independent reference (scikit-learn, NumPy's
lstsq, exact fractions, closed forms)."""

import math
import numbers
import time
import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit
from sklearn.cluster import KMeans

from bad_input import bad_numbers, clear_answer
from lecturelib import approximation as ap
from lecturelib import torch_approximation as tap
from lecturelib.distances import squared_distances
from lecturelib import kmeans as km
from lecturelib import rbf, rbf_three_step, rbf_weights
from lecturelib import torch_rbf as rbf_training
from lecturelib.gng import growing_neural_gas
from lecturelib.torch_networks import mlp

rng = np.random.default_rng(0)
X = rng.normal(size=(12, 2))
Y_REG = X[:, 0] - 0.5 * X[:, 1]
Y_BIN = (X[:, 0] > 0).astype(int)
Y_MULTI = np.arange(12) % 3
NET = rbf.fit_two_step(X, Y_REG, 4)
BINARY = rbf.fit_two_step(X, Y_BIN, 4, task="binary", ridge=0.1)
PHI = NET.features(X)
T = torch.linspace(0, 1, 8, dtype=torch.float64)[:, None]
rbf_training.fine_tune(NET, X, Y_REG, steps=1)  # torch.optim imports lazily: not inside a time limit
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


def planted(array, value):
    """`array` with its first entry replaced by `value` if that is a real number; otherwise
    `value` itself (None, "1", True, [1.0]) stands for the whole array."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        array = np.array(array, dtype=float)
        array.flat[0] = value
        return array
    return value


def long_but_valid(value, limit, maximum):
    """A whole number in (limit, maximum]: a legitimate count that only asks for a long run."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
            and value == int(value) and limit < value <= maximum)


def case(name, call, names, long_run=None):
    return pytest.param(call, names, long_run, id=name)


def check(call, names, long_run, value):
    if long_run is not None:
        assume(not long_but_valid(value, *long_run))
    clear_answer(lambda: call(value), names)


KMEANS = [
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
    case("squared_distances-centres", lambda v: squared_distances(X, planted(X[:3], v)), ["centres"]),
]

GNG = [
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

RBF_FEATURES = [
    case("features-sigma", lambda v: rbf.rbf_features(X, X[:3], v), ["sigma"]),
    case("features-X", lambda v: rbf.rbf_features(planted(X, v), X[:3], 1.0), ["X"]),
    case("features-mu", lambda v: rbf.rbf_features(X, planted(X[:3], v), 1.0), ["mu"]),
    case("gradients-sigma", lambda v: rbf.gaussian_feature_gradients(X, X[:3], [1.0, v, 2.0]), ["sigma"]),
    case("gradients-X", lambda v: rbf.gaussian_feature_gradients(planted(X, v), X[:3], 1.0), ["X"]),
    case("toy_target-x", lambda v: rbf.toy_target(planted([0.5, 1.0], v)), ["x"]),
    case("toy_regression-n", lambda v: rbf.toy_regression(v), ["n"], (10**5, 10**7)),
    case("toy_regression-noise", lambda v: rbf.toy_regression(10, noise=v), ["noise"]),
    case("toy_regression-seed", lambda v: rbf.toy_regression(10, seed=v), ["seed"]),
    case("place_centres-n_centres", lambda v: rbf.place_centres(X, v), ["n_centres"]),
    case("place_centres-random", lambda v: rbf.place_centres(X, v, method="random"), ["n_centres"]),
    case("place_centres-method", lambda v: rbf.place_centres(X, 3, method=v), ["method"]),
    case("place_centres-seed", lambda v: rbf.place_centres(X, 3, seed=v), ["seed"]),
    case("width_max_distance-mu", lambda v: rbf.width_max_distance(planted(X[:3], v)), ["mu"]),
    case("width_nearest_centres-p", lambda v: rbf.width_nearest_centres(X[:4], v), ["p"]),
    case("width_nearest_centres-mu", lambda v: rbf.width_nearest_centres(planted(X[:4], v)), ["mu"]),
    case("width_cluster_spread-X", lambda v: rbf.width_cluster_spread(planted(X, v), X[:3]), ["X", "mu"]),
]

RBF_FITS = [
    case("fit-n_centres", lambda v: rbf.fit_two_step(X, Y_REG, v), ["n_centres"]),
    case("fit-width", lambda v: rbf.fit_two_step(X, Y_REG, 3, width=v), ["width"]),
    case("fit-ridge", lambda v: rbf.fit_two_step(X, Y_REG, 3, ridge=v), ["ridge"]),
    case("fit-binary-ridge", lambda v: rbf.fit_two_step(X, Y_BIN, 3, task="binary", ridge=v), ["ridge"]),
    case("fit-multiclass-n_centres", lambda v: rbf.fit_two_step(X, Y_MULTI, v, task="multiclass"),
         ["n_centres"]),
    case("fit-task", lambda v: rbf.fit_two_step(X, Y_REG, 3, task=v), ["task"]),
    case("fit-centres", lambda v: rbf.fit_two_step(X, Y_REG, 3, centres=v), ["centres"]),
    case("fit-seed", lambda v: rbf.fit_two_step(X, Y_REG, 3, seed=v), ["seed"]),
    case("fit-X", lambda v: rbf.fit_two_step(planted(X, v), Y_REG, 3), ["X", "y", "n_centres"]),
    case("fit-y", lambda v: rbf.fit_two_step(X, planted(Y_REG, v), 3), ["y"]),
    case("fit-binary-y", lambda v: rbf.fit_two_step(X, planted(Y_BIN, v), 3, task="binary"), ["y"]),
    case("fit-multiclass-y", lambda v: rbf.fit_two_step(X, planted(Y_MULTI, v), 3, task="multiclass"), ["y"]),
    case("fine_tune-steps", lambda v: rbf_training.fine_tune(NET, X, Y_REG, steps=v), ["steps"], (200, 10**6)),
    case("fine_tune-lr", lambda v: rbf_training.fine_tune(NET, X, Y_REG, steps=3, lr=v), ["lr"]),
    case("fine_tune-y", lambda v: rbf_training.fine_tune(NET, X, planted(Y_REG, v), steps=3), ["y"]),
    case("fine_tune-net", lambda v: rbf_training.fine_tune(v, X, Y_REG, steps=3), ["net"]),
]

RBF_HEADS = [
    case("targets-task", lambda v: rbf.targets(X, Y_REG, v), ["task"]),
    case("targets-n_classes", lambda v: rbf.targets(X, Y_MULTI, "multiclass", v), ["n_classes", "y"]),
    case("targets-y", lambda v: rbf.targets(X, planted(Y_MULTI, v), "multiclass"), ["y"]),
    case("output_weights-ridge", lambda v: rbf_weights.output_weights(PHI, Y_REG, v), ["ridge"]),
    case("output_weights-Phi", lambda v: rbf_weights.output_weights(planted(PHI, v), Y_REG), ["Phi"]),
    case("output_weights-Y", lambda v: rbf_weights.output_weights(PHI, planted(Y_REG, v)), ["Y"]),
    case("newton-ridge", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", v), ["ridge"]),
    case("newton-max_iter", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, max_iter=v),
         ["max_iter"]),
    case("newton-tol", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, tol=v), ["tol"]),
    case("newton-task", lambda v: rbf_weights.newton_weights(PHI, Y_BIN[:, None], v, 0.1), ["task"]),
    case("newton-Y", lambda v: rbf_weights.newton_weights(PHI, planted(Y_BIN[:, None], v), "binary", 0.1), ["Y"]),
    case("RBFNet-w", lambda v: rbf.RBFNet(NET.mu, NET.sigma, planted(NET.w, v)), ["w"]),
    case("RBFNet-sigma", lambda v: rbf.RBFNet(NET.mu, planted(NET.sigma, v), NET.w), ["sigma"]),
    case("RBFNet-ridge", lambda v: rbf.RBFNet(NET.mu, NET.sigma, NET.w, ridge=v), ["ridge"]),
    case("RBFNet-task", lambda v: rbf.RBFNet(NET.mu, NET.sigma, NET.w, task=v), ["task"]),
    case("predict-X", lambda v: NET.predict(planted(X, v)), ["X"]),
    case("classify-X", lambda v: BINARY.classify(planted(X, v)), ["X"]),
    case("objective-y", lambda v: rbf_three_step.objective(NET, X, planted(Y_REG, v)), ["y"]),
    case("objective-binary-y", lambda v: rbf_three_step.objective(BINARY, X, planted(Y_BIN, v)), ["y"]),
    case("gradients-y", lambda v: rbf_three_step.objective_gradients(NET, X, planted(Y_REG, v)), ["y"]),
]

APPROXIMATION = [
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
    case("deep_sawtooth_network-depth", lambda v: tap.deep_sawtooth_network(v), ["depth"], (50, 1000)),
    case("shallow_sawtooth_network-depth", lambda v: tap.shallow_sawtooth_network(v), ["depth"], (12, 20)),
    case("count_parameters-model", lambda v: tap.count_parameters(v), ["model"]),
    case("fit_full_batch-steps", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T, steps=v),
         ["steps"], (200, 10**6)),
    case("fit_full_batch-lr", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T, steps=3, lr=v),
         ["lr"]),
    case("fit_full_batch-x", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), v, T, steps=3),
         ["x"]),
    case("fit_full_batch-y", lambda v: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, v, steps=3),
         ["y"]),
]


@pytest.mark.parametrize("call,names,long_run", KMEANS)
@SETTINGS
@given(value=bad_numbers())
def test_kmeans_answers_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


@pytest.mark.parametrize("call,names,long_run", GNG)
@SETTINGS
@given(value=bad_numbers())
def test_gng_answers_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


@pytest.mark.parametrize("call,names,long_run", RBF_FEATURES)
@SETTINGS
@given(value=bad_numbers())
def test_rbf_features_and_widths_answer_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


@pytest.mark.parametrize("call,names,long_run", RBF_FITS)
@SETTINGS
@given(value=bad_numbers())
def test_rbf_fits_answer_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


@pytest.mark.parametrize("call,names,long_run", RBF_HEADS)
@SETTINGS
@given(value=bad_numbers())
def test_rbf_heads_answer_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


@pytest.mark.parametrize("call,names,long_run", APPROXIMATION)
@SETTINGS
@given(value=bad_numbers())
def test_approximation_answers_every_bad_argument_clearly(call, names, long_run, value):
    check(call, names, long_run, value)


# -- awkward data: duplicates, tiny and huge coordinates ------------------------------------------

AWKWARD = st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, -1e-160, 1e-8, 1e10, 1e150, -3e153])


@st.composite
def awkward_points(draw, most=8):
    n, d = draw(st.integers(1, most)), draw(st.integers(1, 3))
    return draw(arrays(np.float64, (n, d), elements=AWKWARD))


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


@settings(max_examples=60, deadline=None)
@given(awkward_points(), st.data())
def test_gng_on_awkward_data_answers_clearly(points, data):
    assume(len(points) >= 2)
    result = clear_answer(lambda: growing_neural_gas(points, data.draw(st.integers(2, len(points))), steps=200,
                                                     insert_every=data.draw(st.integers(1, 50)), max_age=1), ["X"])
    if not isinstance(result, Exception):
        assert np.isfinite(result.units).all() and np.isfinite(result.inertia)


@settings(max_examples=80, deadline=None)
@given(awkward_points(most=10), st.data())
def test_rbf_fits_on_awkward_data_answer_clearly(points, data):
    task = data.draw(st.sampled_from(rbf.TASKS))
    labels = st.integers(0, 1 if task == "binary" else 3)
    y = data.draw(arrays(np.float64, len(points), elements=AWKWARD) if task == "regression"
                  else arrays(np.int64, len(points), elements=labels))
    net = clear_answer(lambda: rbf.fit_two_step(
        points, y, data.draw(st.integers(1, len(points))), task=task,
        width=data.draw(st.sampled_from(["nearest centres", "max distance", 1e-100, 1.0, 1e300])),
        ridge=data.draw(st.sampled_from([0.0, 1e-3, 5e-324, 1e300])),
        centres=data.draw(st.sampled_from(rbf.METHODS))), ["X", "y", "mu", "n_centres", "ridge"])
    if not isinstance(net, Exception):
        clear_answer(lambda: net.predict(points), ["X"])
        clear_answer(lambda: rbf_three_step.objective(net, points, y), ["ridge"])
        clear_answer(lambda: rbf_three_step.objective_gradients(net, points, y), ["ridge"])


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.integers(1, 5), elements=AWKWARD), st.data())
def test_bump_sums_on_awkward_edges_answer_clearly(edges, data):
    heights = data.draw(arrays(np.float64, len(edges) - 1, elements=AWKWARD))
    x = data.draw(arrays(np.float64, 4, elements=st.floats(allow_nan=False)))
    sharpness = data.draw(st.sampled_from([1e-300, 40.0, 1e300]))
    clear_answer(lambda: ap.bump_sum(x, np.sort(edges), heights, sharpness), ["edges", "heights", "sharpness"])


# -- the regressions of issue 11 ----------------------------------------------------------------

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


@pytest.mark.parametrize("call,words", [
    (lambda: growing_neural_gas(X, 1.5), "max_units must be a whole number >= 2, got 1.5"),
    (lambda: growing_neural_gas(X, 13), "max_units must lie between 2 and the number of points 12, got 13"),
    (lambda: growing_neural_gas(X, 4, insert_every=0), "insert_every must be a whole number >= 1, got 0"),  # was ZeroDivisionError
    (lambda: growing_neural_gas(X, 4, eps_b=1.5), r"eps_b must lie in \(0, 1\]"),
    (lambda: growing_neural_gas(X, 4, decay=0), r"decay must lie in \(0, 1\]"),
    (lambda: growing_neural_gas(X, 4, steps=10**12), "steps must lie in"),  # was a MemoryError
    (lambda: rbf.fit_two_step(X, Y_REG, 0), "n_centres must be a whole number >= 1, got 0"),
    (lambda: rbf.fit_two_step(X, Y_REG, 13), "n_centres must lie between 1 and the number of points 12"),
    (lambda: rbf.fit_two_step(X, Y_REG, 1), "needs at least 2 centres.*n_centres >= 2 or give the width"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, centres="k-means"), "centres must be one of"),
    (lambda: rbf.place_centres(X, 3, method="k-means"), "method must be one of"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, width=-1.0), "width must be finite and > 0 for every centre"),
    (lambda: rbf.fit_two_step(X, Y_REG, 3, seed=-1), "seed must be a whole number >= 0"),
    (lambda: rbf.targets(X, np.zeros(12), "multiclass"), "multiclass labels y must be 0 … K−1 with 2 <= K"),
    (lambda: rbf.targets(X, Y_MULTI, "multiclass", n_classes=2), "labels y must be 0 … 1 for n_classes = 2"),
    (lambda: NET.classify(X), "classify needs a network with task 'binary' or 'multiclass'"),
    (lambda: rbf_weights.newton_weights(PHI, Y_BIN[:, None], "binary", 0.1, tol=0), "tol must be > 0"),
    (lambda: rbf_training.fine_tune(NET, X, Y_REG, steps=2.5), "steps must be a whole number >= 0, got 2.5"),
    (lambda: km.kmeans(X * 1e200, 2), "X has entries as large as .*rescale X"),
    (lambda: ap.tent(np.inf), "x contains inf"),  # was NaN
    (lambda: ap.bump_sum(0.5, [0.0, 0.5, 0.5], [1.0, 2.0]), "edges must increase strictly"),
    (lambda: tap.deep_sawtooth_network(0), "depth must be a whole number >= 1"),  # was a torch RuntimeError
    (lambda: tap.shallow_sawtooth_network(40), r"depth must lie in \[1, 20\]"),
    (lambda: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T, T[:, 0], steps=3),
     r"y must be a finite tensor of shape \(8, 1\).*the shape of model\(x\); got \(8,\)"),  # was broadcast to (8, 8)
    (lambda: tap.fit_full_batch(mlp([1, 4, 1], dtype=torch.float64), T.T, T, steps=3),
     r"x of shape \(1, 8\) does not fit the model"),  # was a torch RuntimeError
])
def test_bad_input_gets_a_message_naming_the_argument(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()


def test_kmeans_plusplus_on_identical_points_does_not_divide_by_zero():
    same = np.ones((6, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for trials in (1, None):
            assert len(set(km.kmeans_plusplus(same, 4, n_local_trials=trials).tolist())) == 4
        result = km.kmeans(same, 3, n_init=2)
    assert result.inertia == 0.0
    np.testing.assert_array_equal(result.centres, np.ones((3, 2)))


def test_singular_least_squares_is_the_minimum_norm_solution_not_a_linalg_error():
    Phi = np.hstack([PHI, PHI[:, 1:2], np.zeros((12, 1))])  # a repeated and a zero column
    np.testing.assert_allclose(rbf_weights.output_weights(Phi, Y_REG), np.linalg.lstsq(Phi, Y_REG, rcond=None)[0],
                               atol=1e-10)
    np.testing.assert_array_equal(rbf_weights.output_weights(np.zeros((5, 3)), np.ones(5)), np.zeros(3))
    twice = np.vstack([X, X])  # every point twice: the k-means centres of 24 points
    net = rbf.fit_two_step(twice, np.r_[Y_REG, Y_REG], 12, width=0.5, ridge=0.0)
    Phi = net.features(twice)
    np.testing.assert_allclose(net.w[:, 0], np.linalg.lstsq(Phi, np.r_[Y_REG, Y_REG], rcond=None)[0],
                               atol=1e-8)
    with pytest.raises(ValueError, match="weights reach .* use a larger ridge"):
        rbf_weights.output_weights(np.full((3, 1), 1e-160), np.ones(3))


def test_extreme_widths_give_the_limits_of_the_gaussian():
    mu = np.array([[0.0, 0.0], [3.0, 0.0]])
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    narrow = rbf.rbf_features(points, mu, 1e-100)  # φ = 1 at its centre, 0 elsewhere
    np.testing.assert_array_equal(narrow, [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    phi, dmu, dsigma = rbf.gaussian_feature_gradients(points, mu, 1e-100)
    assert np.isfinite(dmu).all() and np.isfinite(dsigma).all()
    np.testing.assert_array_equal(rbf.rbf_features(points, mu, 1e200)[:, 1:], 1.0)  # σ² overflows: φ = 1
    expected = np.exp(-((points[:, None] - mu[None]) ** 2).sum(-1) / (2 * 0.7**2))
    np.testing.assert_allclose(rbf.rbf_features(points, mu, 0.7)[:, 1:], expected, rtol=1e-14)
    with pytest.raises(ValueError, match="sigma must be finite and > 0"):
        rbf.rbf_features(points, mu, 1e-101)  # σ³ would underflow: ∂φ/∂σ = 0/0


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
