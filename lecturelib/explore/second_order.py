"""Explorer of chapter 5: second-order methods."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, draw_contours, new_figure
from ..validation import check_finite
from .explorer import Explorer


DAMPING_VALUES = (0.0, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0, 120.0, 200.0)
MEMORY_VALUES = (1, 2, 5, 10, 20)


def damping_explorer(start=(0.0, 0.0)) -> Explorer:
    """Left: Newton with the regularised Hessian H + αI on Himmelblau's function, from `start`:
    α = 0 walks to the local maximum, moderate α to a saddle, large α to a minimum, slowly (the
    step tends to −g/α, gradient descent with learning rate 1/α). Right: L-BFGS with memory m on
    an ill-conditioned 30-dimensional quadratic, ‖∇f‖ per iteration, BFGS for reference. Every
    run is computed once, when the explorer is built; a redraw only moves lines, so α and m
    take only the values their sliders offer.

    Raises ValueError unless `start` is a point (x, y) of the window the figure shows, and if
    Newton from `start` meets a singular H + αI for one of the α the slider offers."""
    from matplotlib.ticker import NullLocator

    from ..problems import himmelblau, ill_conditioned_quadratic
    from ..quasi_newton import bfgs, lbfgs
    from ..second_order import SingularHessianError, newton

    problem = himmelblau()
    start = check_finite(start, "start")
    (x0, x1), (y0, y1) = problem.window
    if start.shape != (2,) or not (x0 <= start[0] <= x1 and y0 <= start[1] <= y1):
        raise ValueError(f"start must be a point (x, y) of the window [{x0:g}, {x1:g}] × "
                         f"[{y0:g}, {y1:g}] the figure shows, got {start.tolist()}")

    def newton_path(damping):
        try:
            return newton(problem, start, damping=damping, max_iter=100)
        except SingularHessianError:
            raise ValueError(f"from start = {start.tolist()}, Newton with α = {damping:g} (one of the "
                             "slider's values) meets a singular H + αI, where its step is not defined; "
                             "pick another start") from None

    paths = {a: newton_path(a) for a in DAMPING_VALUES}
    fig, (ax_path, ax_memory) = new_figure(1, 2, width=7.2, height=3.1)
    draw_contours(ax_path, problem, n=81, levels=10, log=True, minima=False)
    ax_path.plot(*problem.minima.T, "*", color=PALETTE["green"], markersize=9, label="minima")
    ax_path.plot(*problem.maxima.T, "^", color=PALETTE["vermillion"], label="maximum")
    (path_line,) = ax_path.plot([], [], ".-", color=PALETTE["blue"], linewidth=1.2,
                                markersize=3)
    ax_path.set(xlim=problem.window[0], ylim=problem.window[1], xlabel="x", ylabel="y",
                xticks=[-4, 0, 4], yticks=[-4, 0, 4])  # few labels: text is slow to redraw
    ax_path.legend(loc="lower right", fontsize=7)  # two entries: each one costs redraw time
    ax_path.grid(False)
    path_title = ax_path.set_title("", fontsize=9)

    quadratic = ill_conditioned_quadratic(n=30, kappa=1e3, seed=0)
    x0 = np.zeros(30)
    reference = bfgs(quadratic, x0, tol=1e-6).grad_norms
    runs = {m: lbfgs(quadratic, x0, m=m, tol=1e-6, max_iter=1000).grad_norms
            for m in MEMORY_VALUES}
    ax_memory.semilogy(reference, "--", color=PALETTE["black"], linewidth=1.2,
                       label=f"BFGS: {len(reference) - 1} iterations")
    (memory_line,) = ax_memory.semilogy([], [], color=PALETTE["orange"], label="L-BFGS")
    ax_memory.set(xlim=(0, max(len(r) for r in runs.values())), ylim=(1e-7, 1e2),
                  xlabel="iteration", ylabel="‖∇f‖")
    ax_memory.set_yticks([1e-6, 1e-3, 1.0])
    ax_memory.set_xticks([0, 500, 1000])
    ax_memory.yaxis.set_minor_locator(NullLocator())  # log-scale minor ticks: slow to redraw
    memory_title = ax_memory.set_title("", fontsize=9)
    legend = ax_memory.legend(loc="upper right", fontsize=7)

    def draw(damping, m):
        path = paths[damping]
        path_line.set_data(path.points[:, 0], path.points[:, 1])
        eigenvalues = np.linalg.eigvalsh(problem.hess(path.final))
        kind = ("a minimum" if eigenvalues.min() > 0 else "a maximum" if eigenvalues.max() < 0
                else "a saddle")
        if np.linalg.norm(problem.grad(path.final)) > 1e-6:
            kind = "nothing yet"
        path_title.set_text(f"Newton, H + αI, α = {damping:g}: {kind}, {path.steps} steps")
        norms = runs[m]
        memory_line.set_data(np.arange(len(norms)), norms)
        legend.get_texts()[1].set_text(f"L-BFGS, m = {m}: {len(norms) - 1} iterations")
        memory_title.set_text(f"L-BFGS, n = 30: 2mn = {2 * m * 30} floats kept")

    controls = {"damping": DAMPING_VALUES, "m": MEMORY_VALUES}
    return Explorer(fig, draw, controls, dict(damping=0.0, m=5))


def damping_tour() -> list[dict]:
    """The frames of the damping animation: α from 0 to 200 (m = 5), then m from 1 to 20."""
    frames = [dict(damping=a, m=5) for a in (0.0, 10.0, 20.0, 40.0, 60.0, 200.0)]
    return frames + [dict(damping=60.0, m=m) for m in (1, 20)]


def damping_grid() -> dict:
    """The static explorer's settings (`damping_explorer().static(**damping_grid())`): every α
    and every m; one background per m (the legend's text, laid out by matplotlib, changes with m)."""
    return dict(name="damping", title="Damped Newton and L-BFGS explorer", background=("m",),
                labels=dict(damping="damping α", m="memory m"),
                caption=f"Every damping α of the slider ({DAMPING_VALUES[0]:g} to {DAMPING_VALUES[-1]:g}) "
                        f"and every memory m ({', '.join(map(str, MEMORY_VALUES))}).")
