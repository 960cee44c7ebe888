"""Explorer of chapter 1: RBF networks."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, new_figure
from ..validation import check_whole
from .explorer import Explorer


RBF_CENTRES = (1, 2, 3, 4, 6, 8, 10, 12, 15, 20, 30, 40)
RBF_WIDTHS = tuple(float(v) for v in np.round(np.geomspace(0.05, 3.0, 19), 3))
# The lecture's learning schemes: centres drawn at random from the data or placed by
# k-means++ and Lloyd (2-step learning), or the k-means++ fit fine-tuned (3-step learning).
RBF_SCHEMES = ("random data points", "k-means++", "3-step")
THREE_STEP_WIDTHS = RBF_WIDTHS[::2]  # the starting widths of the 3-step error curve (fits are slow)
THREE_STEP = dict(steps=100, lr=0.02)  # Adam on μ, log σ and w; chapter 1 takes 200 steps of 0.01
RIDGE = 1e-6  # λ = 10⁻⁶ keeps the normal equations well posed
MAX_POINTS = 1000  # plenty to see a fit; the centres for every N are placed when it is built


def rbf_explorer(n_points: int = 100, held_out: int = 30) -> Explorer:
    """An RBF fit of a noisy 1-D function: pick the learning scheme, the number of centres N
    and the width σ. 2-step learning places the centres (random data points, or k-means++
    and Lloyd), gives them one shared width σ and solves for the weights; "3-step" then
    fine-tunes centres, widths and weights of the k-means++ fit together (`rbf_three_step.fine_tune`,
    NumPy: hand-derived gradients, the one training loop). The
    weighted basis functions wᵢφᵢ(x) sum to the fit. Right: training and held-out error
    against σ (for 3-step, the starting width) for this N (the dot is the current σ).

    Each 3-step fit is computed when first shown and kept (THREE_STEP_WIDTHS × a few hundred
    ms the first time a scheme-N pair is shown). Raises ValueError unless n_points <= MAX_POINTS,
    `held_out` >= 1 and the n_points − held_out training points are at least as many as the
    most centres the slider offers (TypeError for counts that are not whole numbers)."""
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import NullLocator

    from .. import rbf
    from ..rbf_three_step import fine_tune

    n_points = check_whole(n_points, "n_points")
    held_out = check_whole(held_out, "held_out", minimum=1)
    if n_points > MAX_POINTS:
        raise ValueError(f"n_points must be <= {MAX_POINTS}, got {n_points}")
    if n_points - held_out < max(RBF_CENTRES):
        raise ValueError(f"n_points - held_out (the training points) must be >= {max(RBF_CENTRES)}, the "
                         f"most centres the slider offers; got n_points = {n_points}, held_out = {held_out}")
    x, y = rbf.toy_regression(n_points, seed=0)
    order = np.random.default_rng(1).permutation(n_points)
    test, train = np.sort(order[:held_out]), np.sort(order[held_out:])
    grid = np.linspace(-3.2, 3.2, 121)
    centres = {method: {n: rbf.place_centres(x[train], n, method=method, seed=0) for n in RBF_CENTRES}
               for method in ("random", "kmeans++")}
    tuned = {}  # (N, σ) -> the 3-step network, computed once

    def two_step(mu, sigma):  # the normal equations (ΦᵀΦ + λI)w = Φᵀy: fast
        Phi = rbf.rbf_features(x[train], mu, sigma)
        w = np.linalg.solve(Phi.T @ Phi + RIDGE * np.eye(len(mu) + 1), Phi.T @ y[train])
        return rbf.RBFNet(mu, np.full(len(mu), sigma), w, ridge=RIDGE)

    def fit(scheme, n, sigma):
        if scheme == "3-step":
            if (n, sigma) not in tuned:
                tuned[n, sigma] = fine_tune(two_step(centres["kmeans++"][n], sigma), x[train], y[train],
                                            **THREE_STEP)[0]
            net = tuned[n, sigma]
        else:
            net = two_step(centres["random" if scheme == "random data points" else "kmeans++"][n], sigma)
        return net, [np.mean((net.predict(x[part]) - y[part]) ** 2) for part in (train, test)]

    fig, (ax_fit, ax_err) = new_figure(1, 2, width=7.0, height=2.7, width_ratios=[1.5, 1])
    ax_fit.plot(x[train], y[train], "o", color=PALETTE["blue"], markersize=3, label="training")
    ax_fit.plot(x[test], y[test], "o", mfc="none", color=PALETTE["vermillion"], markersize=3.5,
                label="held out")
    basis = LineCollection([], colors=PALETTE["sky"], linewidths=0.8, label="wᵢφᵢ(x)")
    ax_fit.add_collection(basis)
    (fit_line,) = ax_fit.plot(grid, grid, color=PALETTE["black"], linewidth=1.8, label="fit")
    (marks,) = ax_fit.plot([], [], "^", color=PALETTE["green"], markersize=5, label="centres μᵢ")
    ax_fit.set(xlim=(-3.2, 3.2), ylim=(-2.0, 2.0), xlabel="x", ylabel="y", xticks=[-2, 0, 2],
               yticks=[-2, 0, 2])  # few tick labels: text is most of the redraw time
    ax_fit.legend(loc="upper left", fontsize=7, ncol=2)
    (train_line,) = ax_err.semilogx([], [], color=PALETTE["blue"], label="training")
    (test_line,) = ax_err.semilogx([], [], color=PALETTE["vermillion"], label="held out")
    (now,) = ax_err.semilogx([], [], "o", color=PALETTE["black"], markersize=5)
    ax_err.set(xlim=(RBF_WIDTHS[0], RBF_WIDTHS[-1]), ylim=(0, 0.3), xlabel="width σ",
               yticks=[0, 0.1, 0.2, 0.3], ylabel="MSE", title="mean squared error")
    ax_err.legend(loc="upper left", fontsize=7)
    ax_err.xaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than the data
    ax_err.set_xticks([0.1, 1], ["0.1", "1"])
    title = fig.suptitle("", fontsize=10)
    curves = {}

    def draw(scheme, n_centres, sigma):
        net, (train_error, test_error) = fit(scheme, n_centres, sigma)
        Phi = net.features(grid)
        fit_line.set_ydata(Phi @ net.w[:, 0])
        basis.set_segments([np.column_stack([grid, net.w[i, 0] * Phi[:, i]]) for i in range(1, n_centres + 1)])
        marks.set_data(net.mu[:, 0], np.full(n_centres, -1.85))
        widths = THREE_STEP_WIDTHS if scheme == "3-step" else RBF_WIDTHS
        if (scheme, n_centres) not in curves:
            curves[scheme, n_centres] = np.array([fit(scheme, n_centres, s)[1] for s in widths])
        train_line.set_data(widths, curves[scheme, n_centres][:, 0])
        test_line.set_data(widths, curves[scheme, n_centres][:, 1])
        now.set_data([sigma], [min(test_error, 0.29)])
        heading = "MSE after step 3" if scheme == "3-step" else "mean squared error"
        if ax_err.get_title() != heading:  # set_title would restyle the text on every redraw
            ax_err.set_title(heading)
        title.set_text(f"N = {n_centres}, σ = {sigma:g}: training error {train_error:.3f}, "
                       f"held out {test_error:.3f} ({scheme})")

    controls = {"scheme": RBF_SCHEMES, "n_centres": RBF_CENTRES, "sigma": RBF_WIDTHS}
    return Explorer(fig, draw, controls, dict(scheme="k-means++", n_centres=10, sigma=RBF_WIDTHS[10]),
                    between=("sigma",))


def rbf_tour() -> list[dict]:
    """The frames of the animation: N grows at a good width, then σ sweeps at N = 20."""
    frames = [dict(n_centres=n, sigma=RBF_WIDTHS[10]) for n in (1, 3, 6, 10, 20, 40)]
    frames += [dict(n_centres=20, sigma=s) for s in RBF_WIDTHS[::3]]
    return frames


def rbf_grid() -> dict:
    """The static explorer's settings (`rbf_explorer().static(**rbf_grid())`): every scheme,
    every number of centres, every other width σ of the slider (the widths of the 3-step curve)."""
    widths = list(THREE_STEP_WIDTHS)
    return dict(name="rbf", title="RBF network explorer", grid=dict(sigma=widths),
                labels=dict(scheme="learning scheme", n_centres="centres N", sigma="width σ"),
                caption=f"Every scheme ({', '.join(RBF_SCHEMES)}: {THREE_STEP['steps']} Adam steps from the "
                        f"k-means++ fit), every number of centres N ({', '.join(map(str, RBF_CENTRES))}) and "
                        f"{len(widths)} widths σ from {widths[0]:g} to {widths[-1]:g} (geometric).")
