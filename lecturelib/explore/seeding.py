"""Explorer of chapter 1's k-means++ seeding, one draw at a time.

k-means++ (Arthur & Vassilvitskii, 2007) draws the first seed uniformly from the data and
every next one with probability D(x)²/ΣD², D(x) the distance from x to the nearest seed so far;
the greedy variant (scikit-learn's default) draws 2 + ⌊ln k⌋ candidates that way and keeps
the one that lowers the potential φ = ΣD² most. The reader steps through the draws of one run
(`kmeans.seeding_steps`), picks the run (the random seed) and the number of candidates, and
sees which points the next draw favours and how φ falls against seeds drawn uniformly at random.
"""

from __future__ import annotations

import numpy as np

from .. import kmeans as km
from ..plotting import PALETTE, new_figure
from ..rbf import place_centres
from .explorer import Explorer

SEEDS = 6  # one per blob
RUNS = tuple(range(8))  # the random seeds offered
CANDIDATES = {"1 (k-means++)": 1, "3 (greedy)": 2 + int(np.log(SEEDS))}  # greedy: 2 + ⌊ln 6⌋
# The next draw's probability p, as a multiple of the uniform 1/n: one marker size per band.
BANDS = (0.0, 0.1, 1.0, 4.0, np.inf)
BAND_LABELS = ("p < 0.1/n", "0.1/n ≤ p < 1/n", "1/n ≤ p < 4/n", "p ≥ 4/n")


def seeding_data() -> np.ndarray:
    """240 points in six Gaussian blobs of unequal size and spread (seeded), shape (240, 2)."""
    rng = np.random.default_rng(3)
    centres = np.array([[-5.5, 3.0], [0.0, 5.0], [5.5, 3.0], [-4.5, -4.0], [1.0, -2.0], [6.0, -5.0]])
    spreads, counts = (0.6, 0.8, 0.5, 0.9, 0.4, 0.6), (60, 40, 30, 50, 25, 35)
    return np.concatenate([c + s * rng.standard_normal((n, 2)) for c, s, n in zip(centres, spreads, counts)])


def potential(X: np.ndarray, centres: np.ndarray) -> float:
    """φ = Σₓ min over the centres of ‖x − c‖² (k-means' inertia of these centres)."""
    return float(km.squared_distances(X, centres).min(axis=1).sum())


def _legend_under_lines(ax, **kwargs) -> None:
    """A legend drawn like any artist of zorder 1, under the lines, where no line goes: not the
    axes' own legend, which matplotlib (and so the live redraw, blit.py) draws over everything
    each time; its text layout would be most of a redraw (matplotlib's "multiple legends" recipe)."""
    legend = ax.legend(**kwargs)
    ax.legend_ = None
    legend.set_zorder(1)
    ax.add_artist(legend)


def seeding_explorer() -> Explorer:
    """Left: the data, sized by their chance of being drawn next (four bands of p·n), the seeds
    drawn so far (triangles), the last draw's candidates (open circles) and the one kept (star).
    Right: the potential φ against the number of seeds, for this run's k-means++ seeds and for
    as many data points drawn uniformly (`rbf.place_centres(method="random")`, same seed); the
    dot is the current step, the dotted line the inertia k-means reaches with six centres
    (best of 10). Each run's draws are computed when first shown and kept (a few ms)."""
    from matplotlib.ticker import NullLocator

    X = seeding_data()
    best = km.kmeans(X, SEEDS, seed=0, n_init=10).inertia
    runs = {}  # (run, candidates) -> the SEEDS + 1 draws (the last gives the probabilities after SEEDS)
    uniform = {}  # run -> φ of 1 … SEEDS uniformly drawn points

    fig, (ax_data, ax_phi) = new_figure(1, 2, width=7.0, height=3.0, width_ratios=[1.3, 1])
    sizes = (1.5, 3.0, 4.5, 7.0)
    colours = (PALETTE["sky"], PALETTE["sky"], PALETTE["blue"], PALETTE["blue"])
    bands = [ax_data.plot([], [], "o", color=c, markersize=m, alpha=0.8, label=label)[0]
             for c, m, label in zip(colours, sizes, BAND_LABELS)]
    (chosen,) = ax_data.plot([], [], "^", color=PALETTE["black"], markersize=7, label="seeds")
    (tried,) = ax_data.plot([], [], "o", mfc="none", color=PALETTE["vermillion"], markersize=9,
                            markeredgewidth=1.2, label="candidates")
    (kept,) = ax_data.plot([], [], "*", color=PALETTE["vermillion"], markersize=12, label="newest seed")
    ax_data.set(xlim=(-8, 8.5), ylim=(-8, 13), xlabel="x₁", ylabel="x₂", xticks=[-5, 0, 5], yticks=[-5, 0, 5])
    _legend_under_lines(ax_data, loc="upper left", fontsize=6, ncol=3, title="p: the chance of being drawn next",
                        title_fontsize=6, handletextpad=0.3, columnspacing=0.8)
    steps_axis = np.arange(1, SEEDS + 1)
    ax_phi.axhline(best, color=PALETTE["black"], linestyle=":", linewidth=1, label="k-means, 6 centres")
    (plus_line,) = ax_phi.semilogy([], [], "o-", color=PALETTE["blue"], markersize=3, label="k-means++ seeds")
    (uniform_line,) = ax_phi.semilogy([], [], "s--", color=PALETTE["orange"], markersize=3,
                                      label="uniform random seeds")
    (now,) = ax_phi.semilogy([], [], "o", color=PALETTE["vermillion"], markersize=6)
    ax_phi.set(xlim=(0.7, SEEDS + 0.3), ylim=(best / 2, 2e5), xlabel="seeds drawn",
               ylabel="potential φ = ΣD²", title="potential against seeds", xticks=steps_axis)
    ax_phi.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than the data
    _legend_under_lines(ax_phi, loc="upper right", fontsize=6)
    title = fig.suptitle("", fontsize=10)

    def draw(seeds, run, candidates):
        trials = CANDIDATES[candidates]
        if (run, trials) not in runs:
            runs[run, trials] = km.seeding_steps(X, SEEDS + 1, seed=run, n_local_trials=trials)
        if run not in uniform:
            uniform[run] = [potential(X, place_centres(X, j, method="random", seed=run)) for j in steps_axis]
        steps = runs[run, trials]
        picked = [step.kept for step in steps[:seeds]]
        last, upcoming = steps[seeds - 1], steps[seeds].probabilities * len(X)
        for line, low, high in zip(bands, BANDS[:-1], BANDS[1:]):
            inside = (upcoming >= low) & (upcoming < high)
            line.set_data(X[inside, 0], X[inside, 1])
        chosen.set_data(X[picked[:-1], 0], X[picked[:-1], 1])
        tried.set_data(X[last.candidates, 0], X[last.candidates, 1])
        kept.set_data(X[[last.kept], 0], X[[last.kept], 1])
        phi = [float(step.potentials.min()) for step in steps[:SEEDS]]
        plus_line.set_data(steps_axis, phi)
        uniform_line.set_data(steps_axis, uniform[run])
        now.set_data([seeds], [phi[seeds - 1]])
        how = "uniform" if seeds == 1 else ("∝ D²" if trials == 1 else f"best of {trials} drawn ∝ D²")
        title.set_text(f"Run {run}, draw {seeds} ({how}): φ = {phi[seeds - 1]:.0f}")

    controls = {"seeds": tuple(int(j) for j in steps_axis), "run": RUNS, "candidates": tuple(CANDIDATES)}
    return Explorer(fig, draw, controls, dict(seeds=3, run=0, candidates=tuple(CANDIDATES)[0]),
                    labels=dict(seeds="seeds drawn", run="random seed", candidates="candidates per draw"))


def seeding_tour() -> list[dict]:
    """The frames of the live-redraw benchmark: the six draws of run 0, each way, then run 1 … 7."""
    return ([dict(seeds=j, candidates=c) for c in CANDIDATES for j in range(1, SEEDS + 1)]
            + [dict(seeds=SEEDS, run=r) for r in RUNS])


def seeding_grid() -> dict:
    """The static explorer's settings (`seeding_explorer().static(**seeding_grid())`): every step,
    run and number of candidates the controls offer."""
    return dict(name="seeding", title="k-means++ seeding, step by step",
                labels=dict(seeds="seeds drawn", run="random seed", candidates="candidates per draw"),
                caption=f"Every step of the seeding (1 to {SEEDS} seeds), {len(RUNS)} runs (random seeds "
                        f"0 to {RUNS[-1]}) and both numbers of candidates per draw: 1 (k-means++) and "
                        f"{CANDIDATES[tuple(CANDIDATES)[1]]} (greedy, scikit-learn's default for 6 seeds).")
