"""Chapter 1's explorers of k-means++ seeding and of sigmoid bumps draw what independent
references compute: SciPy's distances and sigmoid (`cdist`, `expit`), a bump staircase written
out from its formula, and PyTorch's sigmoid network with the staircase's weights."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist
from scipy.special import expit

from lecturelib import kmeans as km
from lecturelib.explore import bump_explorer, seeding_explorer
from lecturelib.explore.bumps import BUMP_COUNTS, T, bump_target
from lecturelib.explore.seeding import BANDS, CANDIDATES, SEEDS, seeding_data


def staircase(x, n_bumps, sharpness):
    """Σᵢ f(mᵢ)[σ(s(x − eᵢ)) − σ(s(x − eᵢ₊₁))] on N equal bins of [0, 1], s = sharpness·N."""
    edges = np.linspace(0, 1, n_bumps + 1)
    heights = np.sin(2 * np.pi * (edges[:-1] + edges[1:]) / 2) * np.exp(-(edges[:-1] + edges[1:]) / 2) \
        + (edges[:-1] + edges[1:]) / 2
    s = sharpness * n_bumps
    single = heights * (expit(s * (x[:, None] - edges[:-1])) - expit(s * (x[:, None] - edges[1:])))
    return single.sum(axis=1), single


@pytest.fixture(scope="module")
def bumps():
    return bump_explorer()


@pytest.mark.parametrize("n_bumps, sharpness", [(1, 40.0), (3, 0.5), (8, 4.0), (32, 100.0)])
def test_bump_explorer_draws_the_staircase_and_its_bumps(bumps, n_bumps, sharpness):
    bumps.update(n_bumps=n_bumps, sharpness=sharpness)
    ax_fit, ax_err = bumps.fig.axes
    target, total = ax_fit.lines
    expected, single = staircase(T, n_bumps, sharpness)
    np.testing.assert_allclose(target.get_ydata(), np.sin(2 * np.pi * T) * np.exp(-T) + T, atol=1e-12)
    np.testing.assert_allclose(total.get_ydata(), expected, atol=1e-12)
    segments = ax_fit.collections[0].get_segments()
    assert len(segments) == n_bumps
    for i, segment in enumerate(segments):
        np.testing.assert_allclose(segment[:, 1], single[:, i], atol=1e-12)
    error = np.mean(np.abs(expected - bump_target(T)))
    now = ax_err.lines[-1]
    assert now.get_xdata()[0] == n_bumps and now.get_ydata()[0] == pytest.approx(error, rel=1e-12)
    assert f"{error:.3f}" in bumps.fig._suptitle.get_text()


def test_the_staircase_is_a_torch_sigmoid_network(bumps):
    """N + 1 hidden units σ(s x − s eⱼ), output weights the jumps of the staircase (chapter 1)."""
    n_bumps, sharpness = 12, 40.0
    bumps.update(n_bumps=n_bumps, sharpness=sharpness)
    edges = np.linspace(0, 1, n_bumps + 1)
    heights = bump_target((edges[:-1] + edges[1:]) / 2)
    s = sharpness * n_bumps
    net = torch.nn.Sequential(torch.nn.Linear(1, n_bumps + 1), torch.nn.Sigmoid(),
                              torch.nn.Linear(n_bumps + 1, 1, bias=False)).double()
    with torch.no_grad():
        net[0].weight.fill_(s)
        net[0].bias.copy_(torch.tensor(-s * edges))
        net[2].weight.copy_(torch.tensor(np.diff(np.concatenate([[0.0], heights, [0.0]])))[None, :])
    output = net(torch.tensor(T)[:, None]).detach().numpy()[:, 0]
    np.testing.assert_allclose(bumps.fig.axes[0].lines[1].get_ydata(), output, atol=1e-10)


def test_bump_explorer_shows_the_error_falling_like_one_over_n_for_steep_sigmoids(bumps):
    bumps.update(n_bumps=8, sharpness=40.0)
    curve = bumps.fig.axes[1].lines[1]
    counts, errors = np.asarray(curve.get_xdata(), float), np.asarray(curve.get_ydata())
    expected = [np.mean(np.abs(staircase(T, n, 40.0)[0] - bump_target(T))) for n in BUMP_COUNTS]
    np.testing.assert_allclose(errors, expected, rtol=1e-12)
    slope = np.polyfit(np.log(counts[counts >= 4]), np.log(errors[counts >= 4]), 1)[0]
    assert -1.15 < slope < -0.85
    bumps.update(n_bumps=8, sharpness=0.5)  # wide steps melt the bumps: a much larger error
    assert bumps.fig.axes[1].lines[-1].get_ydata()[0] > 2 * errors[list(BUMP_COUNTS).index(8)]


def test_bump_explorer_draws_only_the_sum_for_many_bumps(bumps):
    bumps.update(n_bumps=64, sharpness=40.0)
    assert bumps.fig.axes[0].collections[0].get_segments() == []
    assert "only the sum" in bumps.fig._suptitle.get_text()


@pytest.fixture(scope="module")
def seeding():
    return seeding_explorer()


@pytest.mark.parametrize("seeds, run, candidates", [(1, 0, 0), (2, 3, 0), (4, 5, 1), (6, 7, 1), (6, 2, 0)])
def test_seeding_explorer_draws_what_scipy_computes_from_the_seeds_it_shows(seeding, seeds, run, candidates):
    menu = tuple(CANDIDATES)[candidates]
    seeding.update(seeds=seeds, run=run, candidates=menu)
    X = seeding_data()
    ax_data, ax_phi = seeding.fig.axes
    *bands, chosen, tried, kept = ax_data.lines
    shown = np.vstack([chosen.get_xydata(), kept.get_xydata()])
    assert len(shown) == seeds and len(tried.get_xydata()) == (1 if seeds == 1 else CANDIDATES[menu])
    d2 = cdist(X, shown, "sqeuclidean").min(axis=1)
    phi = d2.sum()
    # the next draw's chance p = D²/ΣD², in bands of p·n: each point sits in its band
    p_times_n = d2 / phi * len(X)
    for line, low, high in zip(bands, BANDS[:-1], BANDS[1:]):
        inside = (p_times_n >= low) & (p_times_n < high)
        np.testing.assert_array_equal(line.get_xydata(), X[inside])
    assert sum(len(line.get_xydata()) for line in bands) == len(X)
    # the kept candidate is the one whose addition gives the lowest potential
    if seeds > 1:
        before = cdist(X, chosen.get_xydata(), "sqeuclidean").min(axis=1)
        with_each = [np.minimum(before, cdist(X, c[None], "sqeuclidean")[:, 0]).sum() for c in tried.get_xydata()]
        assert np.min(with_each) == pytest.approx(phi, rel=1e-12)
    now = ax_phi.lines[-1]
    assert now.get_xdata()[0] == seeds and now.get_ydata()[0] == pytest.approx(phi, rel=1e-12)
    assert f"φ = {phi:.0f}" in seeding.fig._suptitle.get_text()
    # the seeds are the ones k-means++ returns for this seed and number of candidates
    indices = km.kmeans_plusplus(X, seeds, seed=run, n_local_trials=CANDIDATES[menu])
    np.testing.assert_array_equal(np.vstack([X[indices[:-1]], X[indices[-1:]]]), shown)


def test_greedy_seeding_ends_lower_than_uniform_seeds_in_every_run(seeding):
    """The lesson: D² sampling with the best of 3 candidates covers the six blobs better than
    uniformly drawn points, in every run offered (φ from SciPy's distances)."""
    X = seeding_data()
    for run in range(8):
        seeding.update(seeds=SEEDS, run=run, candidates=tuple(CANDIDATES)[1])
        plus, uniform = seeding.fig.axes[1].lines[1:3]
        shown = np.vstack([line.get_xydata() for line in seeding.fig.axes[0].lines[-3::2]])
        assert plus.get_ydata()[-1] == pytest.approx(cdist(X, shown, "sqeuclidean").min(axis=1).sum())
        assert plus.get_ydata()[-1] < uniform.get_ydata()[-1]


def test_greedy_seeding_puts_a_seed_in_every_blob_and_the_original_rule_sometimes_does_not(seeding):
    """What the chapter's text says of the runs offered: the greedy rule covers all six blobs in
    every run, the original rule misses one in some (blobs found by scikit-learn's KMeans)."""
    from sklearn.cluster import KMeans

    X = seeding_data()
    blob = KMeans(SEEDS, n_init=10, random_state=0).fit(X).labels_
    covered = {}
    for menu in CANDIDATES:
        for run in range(8):
            seeding.update(seeds=SEEDS, run=run, candidates=menu)
            shown = np.vstack([line.get_xydata() for line in seeding.fig.axes[0].lines[-3::2]])
            rows = [int(np.flatnonzero((X == point).all(axis=1))[0]) for point in shown]
            covered[menu, run] = len(set(blob[rows]))
    greedy, original = tuple(CANDIDATES)[1], tuple(CANDIDATES)[0]
    assert all(covered[greedy, run] == SEEDS for run in range(8))
    assert [run for run in range(8) if covered[original, run] < SEEDS] == [0, 4, 5]


@pytest.mark.usefixtures("book_build")
@pytest.mark.parametrize("name", ["seeding", "bumps"])
def test_the_pages_frames_are_the_live_figures_lines_and_titles(name):
    """test_static_explorer.py's check of the page data against the live figure, for these two."""
    from test_static_explorer import built, check_frame_against_live, sample_settings

    explorer, static, _ = built(name)
    for setting in sample_settings(static.data, 6, seed=len(name)):
        check_frame_against_live(explorer, static, setting)
