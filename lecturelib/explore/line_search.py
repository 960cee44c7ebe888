"""Explorer of chapter 5's line search: the strong Wolfe conditions against c₁, c₂ and the first
trial step, along one direction of Rosenbrock's function.

Along d = −g/‖g‖ from θ₀ = (−1.2, 1), φ(α) = f(θ₀ + αd) falls into a shallow dip (α ≈ 0.19),
climbs over a ridge of height 235 and falls into a deeper dip (α ≈ 2.85) on the other side of
the valley. The search (`linesearch.wolfe_line_search`, the one of our BFGS, L-BFGS and
nonlinear CG) accepts a step α with

    sufficient decrease (Armijo):  φ(α) ≤ φ(0) + c₁ α φ′(0),
    strong curvature condition:    |φ′(α)| ≤ c₂ |φ′(0)|      (0 < c₁ < c₂ < 1).
"""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, new_figure
from .explorer import Explorer


C1_VALUES = (1e-4, 0.01, 0.1, 0.2, 0.3, 0.4)
C2_VALUES = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
FIRST_STEPS = (0.5, 1.0, 2.0, 3.0)
ALPHA_MAX = 3.2  # the α shown: both dips and the rise after the second
Y_TOP = 50.0  # φ shown up to here; the ridge between the dips reaches 235
MAX_INTERVALS = 3  # bars per set: one per dip, and one to spare
SETS_Y = {"armijo": -4.0, "wolfe": -9.0}  # where the bars of the two sets are drawn


def along_steepest_descent():
    """(problem, θ₀, d): Rosenbrock, its usual start and the unit steepest-descent direction."""
    from ..problems import rosenbrock

    problem, theta0 = rosenbrock(), np.array([-1.2, 1.0])
    g = problem.grad(theta0)
    return problem, theta0, -g / np.linalg.norm(g)


def runs_of(alphas: np.ndarray, holds: np.ndarray) -> list[tuple[float, float]]:
    """The intervals (first α, last α) of `alphas` where `holds` is True, in order (a single
    point gives an interval of length zero)."""
    edges = np.diff(np.concatenate([[0], holds.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(alphas[a]), float(alphas[b])) for a, b in zip(starts, ends)]


def wolfe_sets(phi: np.ndarray, slopes: np.ndarray, alphas: np.ndarray, c1: float, c2: float):
    """Boolean masks over `alphas`: where sufficient decrease holds, and where both strong Wolfe
    conditions hold, for φ(α) = phi and φ′(α) = slopes (φ(0) = phi[0], φ′(0) = slopes[0])."""
    armijo = phi <= phi[0] + c1 * alphas * slopes[0]
    return armijo, armijo & (np.abs(slopes) <= c2 * abs(slopes[0]))


def wolfe_explorer(n: int = 1601) -> Explorer:
    """φ(α) along the steepest-descent direction of Rosenbrock from (−1.2, 1) (see the module's
    docstring), the Armijo line φ(0) + c₁αφ′(0), the steps where sufficient decrease holds and
    where both strong Wolfe conditions hold (bars under the curve, on n points of [0, ALPHA_MAX]),
    every point `wolfe_line_search` evaluates from the first trial step α₁ (given f and ∇f at
    θ₀, as BFGS gives them) and the step it accepts, with its count of function and gradient
    evaluations. A setting with c₁ ≥ c₂ draws
    no search (the conditions need c₁ < c₂). Each setting is searched on its first redraw."""
    from ..linesearch import wolfe_line_search

    problem, theta0, d = along_steepest_descent()
    alphas = np.linspace(0.0, ALPHA_MAX, n)
    points = theta0 + alphas[:, None] * d
    phi = np.array([problem.f(p) for p in points])
    slopes = np.array([problem.grad(p) @ d for p in points])

    fig, ax = new_figure(width=6.4, height=3.2)
    ax.plot(alphas, phi, color=PALETTE["black"], linewidth=1.2, label="φ(α) = f(θ₀ + αd)")
    (armijo_line,) = ax.plot([], [], "--", color=PALETTE["orange"], linewidth=1.0,
                             label="φ(0) + c₁αφ′(0)")
    bars = {key: [ax.plot([], [], color=PALETTE[colour], linewidth=5, solid_capstyle="butt")[0]
                  for _ in range(MAX_INTERVALS)]
            for key, colour in (("armijo", "orange"), ("wolfe", "green"))}
    (trials,) = ax.plot([], [], "s", color=PALETTE["vermillion"], markersize=4, label="evaluated")
    (off_chart,) = ax.plot([], [], "^", color=PALETTE["vermillion"], markersize=5,
                           label=f"evaluated, φ > {Y_TOP:g}")
    (accepted,) = ax.plot([], [], "o", color=PALETTE["blue"], markersize=7, label="accepted step")
    for key, text in (("armijo", "sufficient decrease"), ("wolfe", "strong Wolfe")):
        ax.text(1.55, SETS_Y[key], text, ha="center", va="center", fontsize=7)  # between the dips
    ax.axhline(0.0, color=PALETTE["black"], linewidth=0.5)
    ax.set(xlim=(0, ALPHA_MAX), ylim=(-12, Y_TOP), xlabel="step α along d = −g/‖g‖", ylabel="φ(α)",
           yticks=[0, 25, 50], xticks=[0, 1, 2, 3])
    # legend outside the axes, so a redraw need not draw it over the changing lines
    fig.legend(loc="outside right upper", fontsize=7)
    title = ax.set_title("", fontsize=9)
    searches = {}

    def search(c1, c2, alpha1):
        if (c1, c2, alpha1) not in searches:
            evaluated = []

            def f(theta):
                evaluated.append((theta - theta0) @ d)  # α of this point (‖d‖ = 1)
                return problem.f(theta)

            def grad(theta):
                counts["grad"] += 1
                return problem.grad(theta)

            counts = {"grad": 0}
            # f and ∇f at θ₀ are known, as in BFGS: count only the search's own evaluations
            alpha, value, _ = wolfe_line_search(f, grad, theta0, d, f0=phi[0], g0=problem.grad(theta0),
                                                c1=c1, c2=c2, alpha1=alpha1)
            searches[c1, c2, alpha1] = (alpha, value, np.array(evaluated), counts["grad"])
        return searches[c1, c2, alpha1]

    def draw(c1, c2, alpha1):
        armijo_line.set_data([0.0, ALPHA_MAX], phi[0] + c1 * slopes[0] * np.array([0.0, ALPHA_MAX]))
        armijo, wolfe = wolfe_sets(phi, slopes, alphas, c1, c2)
        for key, holds in (("armijo", armijo), ("wolfe", wolfe if c1 < c2 else np.zeros_like(wolfe))):
            intervals = runs_of(alphas, holds)
            if len(intervals) > MAX_INTERVALS:  # cannot happen for the c₁, c₂ offered (tested)
                raise RuntimeError(f"{len(intervals)} intervals where {key} holds: draw more bars")
            for k, line in enumerate(bars[key]):
                if k < len(intervals):
                    line.set_data(intervals[k], [SETS_Y[key]] * 2)
                else:
                    line.set_data([], [])
        if not c1 < c2:
            for line in (trials, off_chart, accepted):
                line.set_data([], [])
            title.set_text(f"c₁ = {c1:g}, c₂ = {c2:g}: the conditions need c₁ < c₂")
            return
        alpha, value, evaluated, n_grad = search(c1, c2, alpha1)
        values = np.array([problem.f(theta0 + a * d) for a in evaluated])
        high = values > Y_TOP
        trials.set_data(evaluated[~high], values[~high])
        off_chart.set_data(evaluated[high], np.full(high.sum(), Y_TOP - 2.5))  # at the top edge
        accepted.set_data([alpha], [value])
        title.set_text(f"c₁ = {c1:g}, c₂ = {c2:g}, α₁ = {alpha1:g}: α = {alpha:.3f}, "
                       f"{len(evaluated)} f and {n_grad} ∇f evaluations")

    controls = {"c1": C1_VALUES, "c2": C2_VALUES, "alpha1": FIRST_STEPS}
    labels = dict(c1="sufficient decrease c₁", c2="curvature c₂", alpha1="first trial α₁")
    return Explorer(fig, draw, controls, dict(c1=1e-4, c2=0.9, alpha1=1.0), labels=labels)


def wolfe_tour() -> list[dict]:
    """The frames of the benchmark: c₂ from 0.9 down to 0.1, c₁ up to 0.4, then each α₁."""
    frames = [dict(c1=1e-4, c2=c2, alpha1=1.0) for c2 in reversed(C2_VALUES)]
    frames += [dict(c1=c1, c2=0.5, alpha1=1.0) for c1 in C1_VALUES]
    return frames + [dict(c1=1e-4, c2=0.5, alpha1=a) for a in FIRST_STEPS]


def wolfe_grid() -> dict:
    """The static explorer's settings (`wolfe_explorer().static(**wolfe_grid())`): every c₁, c₂
    and α₁ of the live controls; one background (only lines and the title change)."""
    return dict(name="wolfe", title="Strong Wolfe line search explorer",
                labels=dict(c1="sufficient decrease c₁", c2="curvature c₂", alpha1="first trial α₁"),
                caption=f"Every c₁ ({', '.join(f'{c:g}' for c in C1_VALUES)}), every c₂ "
                        f"({', '.join(f'{c:g}' for c in C2_VALUES)}) and every first trial step α₁ "
                        f"({', '.join(f'{a:g}' for a in FIRST_STEPS)}); c₁ ≥ c₂ shows no search.")
