"""Explorer of chapter 4: first-order methods."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, draw_contours, new_figure
from ..validation import check_whole
from .explorer import Explorer


DESCENT_STARTS = {"canyon": (-5.0, 2.5), "Rosenbrock": (-1.2, 1.0)}
DESCENT_RATES = tuple(float(v) for v in np.round(np.geomspace(1e-4, 5.0, 24), 5))
MAX_STEPS = 10_000  # every redraw runs the method afresh: more steps would not redraw live


def descent_explorer(steps: int = 150) -> Explorer:
    """A method's path on the canyon (κ = 20) or on Rosenbrock, and its loss per step: pick the
    method (every rule of `optim.REGISTRY`), the learning rate ε and the momentum β (β₁ for
    Adam-type rules; ignored by the rules whose registry entry has no β).

    Raises ValueError unless `steps` is a whole number from 1 to MAX_STEPS (TypeError for a
    non-number)."""
    from .. import optim, problems, trajectory

    steps = check_whole(steps, "steps", minimum=1)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be <= {MAX_STEPS} (each redraw runs them all), got {steps}")
    landscapes = {"canyon": problems.canyon(20.0), "Rosenbrock": problems.rosenbrock()}
    fig, (ax_path, ax_loss) = new_figure(1, 2, width=6.4, height=2.8, width_ratios=[1.15, 1])
    contours = {name: draw_contours(ax_path, problem, n=50, levels=9, minima=False)
                for name, problem in landscapes.items()}
    (path_line,) = ax_path.plot([], [], color=PALETTE["vermillion"], linewidth=1.2, label="path")
    (minimum,) = ax_path.plot([], [], "*", color=PALETTE["green"], markersize=11, label="minimum")
    (loss_line,) = ax_loss.plot([], [], color=PALETTE["blue"])
    ax_path.set(xlabel="θ₁", ylabel="θ₂")
    ax_path.legend(loc="lower right")
    ax_loss.set(xlabel="step k", ylabel="log₁₀ f(θₖ)", xlim=(0, steps), ylim=(-12, 4), title="loss")
    title = fig.suptitle("")

    def draw(problem, method, lr, beta):
        landscape = landscapes[problem]
        for name, contour in contours.items():
            contour.set_visible(name == problem)
        (x0, x1), (y0, y1) = landscape.window
        ax_path.set(xlim=(x0, x1), ylim=(y0, y1), title=landscape.name)
        minimum.set_data(landscape.minima[:, 0], landscape.minima[:, 1])
        entry = optim.REGISTRY[method]
        rule = entry.make(lr=lr, beta=beta) if "beta" in entry.hyper else entry.make(lr=lr)
        path = trajectory.run(rule, landscape, DESCENT_STARTS[problem], steps)
        path_line.set_data(path.points[:, 0], path.points[:, 1])
        loss_line.set_data(np.arange(len(path.losses)), np.log10(np.maximum(path.losses, 1e-12)))
        outcome = f"diverged at step {path.diverged_at}" if path.diverged else f"f = {path.losses[-1]:.2g}"
        title.set_text(f"{method}, ε = {lr:g}, β = {beta:g}: {outcome}")

    controls = {"problem": tuple(landscapes), "method": tuple(optim.REGISTRY), "lr": DESCENT_RATES,
                "beta": tuple(float(v) for v in np.round(np.linspace(0.0, 0.95, 20), 2))}
    defaults = dict(problem="canyon", method="momentum", lr=DESCENT_RATES[14], beta=0.9)
    return Explorer(fig, draw, controls, defaults, between=("lr", "beta"))


def descent_tour() -> list[dict]:
    """The frames of the animation: momentum's learning rate swept up to divergence on the
    canyon, then six methods in turn on Rosenbrock, each with a learning rate that suits it."""
    frames = [dict(problem="canyon", method="momentum", lr=lr, beta=0.9) for lr in DESCENT_RATES[9::2]]
    rates = {"SGD": 0.0017, "momentum": 0.0017, "Nesterov": 0.0017, "AdaGrad": 0.76, "RMSProp": 0.072,
             "Adam": 0.3}
    for name, lr in rates.items():
        nearest = min(DESCENT_RATES, key=lambda v: abs(np.log(v / lr)))
        frames.append(dict(problem="Rosenbrock", method=name, lr=nearest, beta=0.9))
    return frames


def descent_grid() -> dict:
    """The static explorer's settings (`descent_explorer().static(**descent_grid())`): every
    problem and method, every other learning rate of the slider (ratio 2.6, through SGD's
    stability limit on both problems) and the largest, four momenta; one background per problem
    (its contours and axis limits)."""
    rates = list(DESCENT_RATES[::2]) + [DESCENT_RATES[-1]]
    betas = [0.0, 0.5, 0.9, 0.95]
    return dict(name="descent", title="Gradient descent explorer", background=("problem",),
                grid=dict(lr=rates, beta=betas),
                labels=dict(problem="problem", method="method", lr="learning rate ε", beta="momentum β (β₁)"),
                caption=f"Every method on both problems, for {len(rates)} learning rates from "
                        f"{rates[0]:g} to {rates[-1]:g} (geometric) and β = {', '.join(f'{b:g}' for b in betas)}; "
                        "β is ignored by methods without momentum.")
