"""Explorers of chapter 5: second-order methods. The damping α and the memory m
(`damping_explorer`), and Newton against steepest descent as the condition number κ grows
(`conditioning_explorer`); the line search's constants are in `line_search.py`."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, draw_contours, new_figure
from ..validation import check_finite
from .explorer import Explorer


DAMPING_VALUES = (0.0, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0, 120.0, 200.0)
MEMORY_VALUES = (1, 2, 5, 10, 20)
MEMORY_XLIM = 357  # the longest run, m = 1, records 357 gradient norms here (295 on NumPy 1.26; tests check both fit)


def damping_explorer(start=(0.0, 0.0)) -> Explorer:
    """Left: Newton with the regularised Hessian H + αI on Himmelblau's function, from `start`:
    α = 0 walks to the local maximum, moderate α to a saddle, large α to a minimum, slowly (the
    step tends to −g/α, gradient descent with learning rate 1/α). Right: L-BFGS with memory m on
    an ill-conditioned 30-dimensional quadratic, ‖∇f‖ per iteration, BFGS for reference. Every
    run is computed once, when the explorer is built; a redraw only moves lines, so α and m
    take only the values their sliders offer. The L-BFGS runs are computed when a redraw first
    needs them (once per m), so building the explorer costs only the Newton paths.

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
    runs = {}  # m -> ‖∇f‖ per iteration of L-BFGS, computed on first use

    def lbfgs_norms(m):
        if m not in runs:
            runs[m] = lbfgs(quadratic, x0, m=m, tol=1e-6, max_iter=1000).grad_norms
        return runs[m]

    ax_memory.semilogy(reference, "--", color=PALETTE["black"], linewidth=1.2,
                       label=f"BFGS: {len(reference) - 1} iterations")
    (memory_line,) = ax_memory.semilogy([], [], color=PALETTE["orange"], label="L-BFGS")
    ax_memory.set(xlim=(0, MEMORY_XLIM), ylim=(1e-7, 1e2),
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
        norms = lbfgs_norms(m)
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


KAPPA_VALUES = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
CANYON_STARTS = ("worst case", "(−5, 2)", "on the valley floor", "across the valley")
CONDITIONING_STEPS = 100
TARGET = 1e-8  # "converged": f(θ_k) below this (f* = 0)
LEVELS = 5  # level sets drawn: f₀ times 1 … 10⁻³


def canyon_start(problem, name: str) -> np.ndarray:
    """The start `name` (one of CANYON_STARTS) on the canyon `problem`, from the eigenvectors
    v_min, v_max of its Hessian: "worst case" is 5 (κ v_min + v_max)/√(κ² + 1) from the
    minimum, where the gradient's two eigen-components are equal and steepest descent with ε*
    attains its bound; "on the valley floor" is −5 v_min and "across the valley" 3 v_max,
    eigenvectors, where it takes one step; "(−5, 2)" is the chapter's start."""
    (lam_min, lam_max), V = np.linalg.eigh(problem.hess(np.zeros(2)))
    v_min, v_max = V.T * np.where(V[0] != 0, np.sign(V[0]), np.sign(V[1]))[:, None]  # signs fixed
    kappa = lam_max / lam_min
    starts = {"worst case": -5 * (kappa * v_min + v_max) / np.hypot(kappa, 1.0),
              "(−5, 2)": np.array([-5.0, 2.0]), "on the valley floor": -5 * v_min,
              "across the valley": 3 * v_max}
    return starts[name]


def steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def bound_steps(kappa: float, f0: float) -> int:
    """Steps after which the bound f_k ≤ ((κ − 1)/(κ + 1))^(2k) f₀ falls below TARGET: 1 for κ = 1."""
    if kappa == 1 or f0 < TARGET:
        return 1 if f0 >= TARGET else 0
    return int(np.ceil(np.log(TARGET / f0) / (2 * np.log((kappa - 1) / (kappa + 1)))))


def level_sets(problem, levels, n: int = 73) -> list[np.ndarray]:
    """The level sets ½θᵀHθ = c of a quadratic canyon for each c of `levels`, each a (2, n)
    closed polyline: θ = √(2c) V Λ^(−1/2) (cos t, sin t), from the eigen-decomposition
    H = V Λ Vᵀ of the problem's own Hessian."""
    eigenvalues, V = np.linalg.eigh(problem.hess(np.zeros(2)))
    t = np.linspace(0, 2 * np.pi, n)
    circle = np.stack([np.cos(t), np.sin(t)])
    return [np.sqrt(2 * c) * (V @ (circle / np.sqrt(eigenvalues)[:, None])) for c in levels]


def conditioning_explorer() -> Explorer:
    """Newton against steepest descent with the optimal step ε* = gᵀg / gᵀHg on the canyon
    ½θᵀHθ (`problems.canyon`) as its condition number κ grows, from three starts. Left: the
    level sets and both paths; right: log₁₀ f(θ_k) for CONDITIONING_STEPS steps and the
    bound f_k ≤ ((κ − 1)/(κ + 1))^(2k) f₀ of steepest descent with exact steps (Lecture 4's
    rate). Newton lands on the minimum in one step for every κ; steepest descent needs about
    κ/4 · ln(f₀/f) steps, except from a start on an eigenvector of H, where it too takes one.
    Each (κ, start) is computed on its first redraw and kept."""
    from ..linesearch import steepest_descent
    from ..problems import canyon
    from ..second_order import newton

    fig, (ax_path, ax_loss) = new_figure(1, 2, width=7.2, height=3.0, width_ratios=[1.2, 1])
    level_lines = [ax_path.plot([], [], color=PALETTE["black"], linewidth=0.5, alpha=0.4)[0]
                   for _ in range(LEVELS)]
    (descent_line,) = ax_path.plot([], [], ".-", color=PALETTE["orange"], linewidth=1.0,
                                   markersize=3, label="steepest descent, ε*")
    (newton_line,) = ax_path.plot([], [], "o-", color=PALETTE["blue"], linewidth=1.2,
                                  markersize=4, label="Newton")
    ax_path.plot([0.0], [0.0], "*", color=PALETTE["green"], markersize=9)
    ax_path.set(xlim=(-6, 6), ylim=(-4, 4), xlabel="θ₁", ylabel="θ₂", xticks=[-5, 0, 5],
                yticks=[-4, 0, 4])
    ax_path.set_aspect("equal")
    ax_path.grid(False)
    path_title = ax_path.set_title("", fontsize=9)
    (loss_line,) = ax_loss.plot([], [], color=PALETTE["orange"])
    (bound_line,) = ax_loss.plot([], [], "--", color=PALETTE["black"], linewidth=1.0,
                                 label="bound ((κ−1)/(κ+1))²ᵏ f₀")
    (newton_loss,) = ax_loss.plot([], [], "o-", color=PALETTE["blue"], markersize=4)
    ax_loss.axhline(np.log10(TARGET), color=PALETTE["green"], linestyle=":", linewidth=1)
    ax_loss.set(xlim=(0, CONDITIONING_STEPS), ylim=(-13, 2), xlabel="step k",
                ylabel="log₁₀ f(θₖ)", xticks=[0, 50, 100], yticks=[-12, -8, -4, 0])
    # one legend for both panels, outside the axes: a legend over the lines is redrawn each frame
    fig.legend(handles=[descent_line, newton_line, bound_line], loc="outside lower center", ncol=3,
               fontsize=7)
    loss_title = ax_loss.set_title("", fontsize=9)
    runs = {}

    def run(kappa, start):
        if (kappa, start) not in runs:
            problem = canyon(kappa)
            theta0 = canyon_start(problem, start)
            descent = steepest_descent(problem, theta0, steps=CONDITIONING_STEPS)
            runs[kappa, start] = (problem, descent, newton(problem, theta0))
        return runs[kappa, start]

    def draw(kappa, start):
        problem, descent, jump = run(kappa, start)
        f0 = descent.losses[0]
        for line, ellipse in zip(level_lines, level_sets(problem, f0 * np.geomspace(1, 1e-3, LEVELS))):
            line.set_data(*ellipse)
        descent_line.set_data(descent.points[:, 0], descent.points[:, 1])
        newton_line.set_data(jump.points[:, 0], jump.points[:, 1])
        k = np.arange(CONDITIONING_STEPS + 1)
        bound = f0 * ((kappa - 1) / (kappa + 1)) ** (2 * k)
        bound_line.set_data(k, np.log10(np.maximum(bound, 1e-300)))  # κ = 1: 0 after one step
        losses = np.log10(np.maximum(descent.losses, 1e-300))
        loss_line.set_data(np.arange(len(losses)), losses)
        newton_loss.set_data(np.arange(len(jump.losses)), np.log10(np.maximum(jump.losses, 1e-300)))
        below = np.flatnonzero(descent.losses < TARGET)
        reached = (f"f < 1e-8 in {steps(below[0])}" if below.size
                   else f"f = {descent.losses[-1]:.0e} after {CONDITIONING_STEPS}")
        path_title.set_text(f"κ = {kappa:g}: Newton {steps(jump.steps)}, ε* {reached}")
        loss_title.set_text(f"bound: f < 1e-8 within {steps(bound_steps(kappa, f0))}")

    controls = {"kappa": KAPPA_VALUES, "start": CANYON_STARTS}
    return Explorer(fig, draw, controls, dict(kappa=20.0, start="worst case"),
                    labels=dict(kappa="condition number κ", start="start"))


def conditioning_tour() -> list[dict]:
    """The frames of the benchmark: κ from 1 to 1000 from the worst start, then every start."""
    frames = [dict(kappa=k, start="worst case") for k in KAPPA_VALUES]
    return frames + [dict(kappa=100.0, start=s) for s in CANYON_STARTS]


def conditioning_grid() -> dict:
    """The static explorer's settings (`conditioning_explorer().static(**conditioning_grid())`):
    every κ and every start; one background (only lines and titles change)."""
    return dict(name="conditioning", title="Newton against steepest descent as κ grows",
                labels=dict(kappa="condition number κ", start="start"),
                caption=f"Every condition number κ of the slider ({', '.join(f'{k:g}' for k in KAPPA_VALUES)}) "
                        f"from each of the {len(CANYON_STARTS)} starts ({', '.join(CANYON_STARTS)}).")
