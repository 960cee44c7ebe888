"""Explorer of chapter 2: the dying ReLU, against the learning rate and the initial bias.

A ReLU unit of the first layer, z = wᵀx + b, is dead when z ≤ 0 on every training input: its
boundary wᵀx + b = 0 has left the data, with all of it on the negative side, and its gradient
is exactly 0. The explorer trains chapter 2's network 2 → 64 → 1 on y = sin(2x₁)cos(x₂) over
[−2, 2]² (`torch_networks.mlp`, `train`, `dead_masks`) with the learning rate and a shift of
every first-layer bias at initialisation (b ← b + δ) on the controls, and shows each unit's
boundary in the input square at the chosen step, dead units in vermillion, with the fraction of
dead units against the step. Each (learning rate, shift) is trained once, when first shown.
"""

from __future__ import annotations

import functools

import numpy as np

from ..plotting import PALETTE, new_figure
from .explorer import Explorer


DYING_RATES = (0.03, 0.1, 0.15, 0.2)  # the chapter's learning rates: 0.2 is near divergence
BIAS_SHIFTS = (0.0, -0.5, -1.0, -1.6)  # δ added to every first-layer bias at initialisation
STEPS, EVERY = 100, 10  # 100 SGD steps as in the chapter; a snapshot every 10
SNAPSHOTS = tuple(range(0, STEPS + 1, EVERY))
PAGE_RATES, PAGE_SHIFTS = DYING_RATES, (0.0, -1.0, -1.6)
HIDDEN, SEED, BOX = 64, 0, 2.0


def dying_relu_data():
    """Chapter 2's regression problem: 512 points uniform on [−2, 2]² (seed 0) and
    y = sin(2x₁)cos(x₂), as float32 tensors (512, 2) and (512, 1)."""
    import torch

    sample = torch.rand(512, 2, generator=torch.Generator().manual_seed(0)) * 4 - 2
    return sample, (torch.sin(2 * sample[:, 0]) * torch.cos(sample[:, 1]))[:, None]


def dying_relu_run(lr: float, shift: float, seed: int = SEED) -> dict:
    """Train the 2 → HIDDEN → 1 ReLU network for STEPS minibatch SGD steps (`torch_networks.train`)
    after adding `shift` to every first-layer bias; a snapshot every EVERY steps of the first
    layer's weights W (HIDDEN, 2), biases b, dead units (`dead_masks`) and their fraction. Returns
    {"weights": [W], "biases": [b], "masks": [dead?], "dead": [fraction], "diverged": bool}: a run that diverges
    keeps the snapshots taken before (`trajectory.Diverged`)."""
    import torch

    from ..torch_networks import dead_masks, mlp, train
    from ..trajectory import Diverged

    sample, target = dying_relu_data()
    model = mlp([2, HIDDEN, 1], "relu", seed=seed)
    with torch.no_grad():
        model[0].bias += shift
    run = {"weights": [], "biases": [], "masks": [], "dead": [], "diverged": False}

    def snapshot(m):
        run["weights"].append(m[0].weight.detach().numpy().astype(float).copy())
        run["biases"].append(m[0].bias.detach().numpy().astype(float).copy())
        mask = dead_masks(m, sample)[0]
        run["masks"].append(mask.numpy().copy())
        run["dead"].append(float(mask.float().mean()))

    try:
        train(model, sample, target, lr=lr, steps=STEPS, seed=seed, every=EVERY, measure=snapshot)
    except Diverged:
        run["diverged"] = True
    return run


def boundaries(weights: np.ndarray, biases: np.ndarray, reach: float = 4 * BOX) -> np.ndarray:
    """The segments of the lines wᵀx + b = 0 through the input plane, one per unit (K, 2, 2): the
    point −b w/‖w‖² nearest the origin ± `reach` along the line's direction (−w₂, w₁)/‖w‖."""
    norm2 = np.maximum(np.sum(weights**2, axis=1), 1e-300)
    foot = -biases[:, None] * weights / norm2[:, None]
    along = np.column_stack([-weights[:, 1], weights[:, 0]]) / np.sqrt(norm2)[:, None]
    return np.stack([foot - reach * along, foot + reach * along], axis=1)


def dying_relu_explorer() -> Explorer:
    """The input square with each first-layer unit's boundary wᵀx + b = 0 at the chosen step
    (dead units vermillion, the others blue) over the training inputs, and the fraction of dead
    units against the step; controls: the learning rate, the bias shift δ and the step."""
    from matplotlib.collections import LineCollection

    sample, _ = dying_relu_data()
    points = sample.numpy()
    fig, (ax_plane, ax_dead) = new_figure(1, 2, width=8.0, height=3.4, width_ratios=[1, 1.2])
    from matplotlib.patches import Rectangle

    ax_plane.scatter(points[:, 0], points[:, 1], s=3, color=PALETTE["black"], alpha=0.35, linewidths=0)
    ax_plane.add_patch(Rectangle((-BOX, -BOX), 2 * BOX, 2 * BOX, fill=False, edgecolor=PALETTE["black"],
                                 linewidth=0.8, linestyle="--"))  # the data's square
    alive = LineCollection([], colors=PALETTE["blue"], linewidths=0.8, alpha=0.7)
    dead = LineCollection([], colors=PALETTE["vermillion"], linewidths=1.4)
    ax_plane.add_collection(alive)
    ax_plane.add_collection(dead)
    from matplotlib.lines import Line2D

    ax_plane.legend(handles=[Line2D([], [], color=PALETTE["vermillion"], linewidth=1.4, label="dead"),
                             Line2D([], [], color=PALETTE["blue"], linewidth=0.8, label="alive")],
                    loc="upper right", fontsize=7, framealpha=0.9)
    ax_plane.set(xlim=(-1.6 * BOX, 1.6 * BOX), ylim=(-1.6 * BOX, 1.6 * BOX), aspect="equal",
                 xlabel="x₁", ylabel="x₂")
    (dead_line,) = ax_dead.plot([], [], color=PALETTE["vermillion"], marker="o", markersize=3)
    (now,) = ax_dead.plot([], [], "o", color=PALETTE["black"], markersize=7, fillstyle="none")
    ax_dead.set(xlim=(-5, STEPS + 5), ylim=(-0.03, 1.03), xlabel="SGD step",
                ylabel="fraction of dead units", title="dead ReLU units")
    plane_title = ax_plane.set_title("")
    title = fig.suptitle("")
    run = functools.lru_cache(maxsize=None)(dying_relu_run)  # a setting is trained once

    def draw(lr, shift, step):
        result = run(lr, shift)
        shown = min(step // EVERY, len(result["dead"]) - 1)  # past a divergence: its last snapshot
        segments = boundaries(result["weights"][shown], result["biases"][shown])
        is_dead = result["masks"][shown]
        alive.set_segments(segments[~is_dead])
        dead.set_segments(segments[is_dead])
        dead_line.set_data(np.array(SNAPSHOTS[:shown + 1]), result["dead"][:shown + 1])
        now.set_data([SNAPSHOTS[shown]], [result["dead"][shown]])
        plane_title.set_text(f"boundaries wᵀx + b = 0, step {SNAPSHOTS[shown]}")
        fate = (f"diverged after step {SNAPSHOTS[len(result['dead']) - 1]}" if result["diverged"]
                else f"{result['dead'][shown]:.0%} of units dead")
        title.set_text(f"ReLU 2 → {HIDDEN} → 1, learning rate {lr:g}, bias shift δ = {shift:g}: {fate}")

    controls = {"lr": DYING_RATES, "shift": BIAS_SHIFTS, "step": SNAPSHOTS}
    defaults = {"lr": 0.15, "shift": 0.0, "step": STEPS}
    labels = {"lr": "learning rate ε", "shift": "initial bias shift δ", "step": "SGD step"}
    return Explorer(fig, draw, controls, defaults, labels=labels)


def dying_relu_tour() -> list[dict]:
    """The frames the benchmark redraws: the steps of one run, then every rate and shift at the
    last step (each trained once, on first view)."""
    frames = [dict(lr=0.15, shift=0.0, step=k) for k in SNAPSHOTS]
    frames += [dict(lr=lr, shift=shift, step=STEPS) for shift in BIAS_SHIFTS for lr in DYING_RATES]
    return frames


def dying_relu_grid() -> dict:
    """The static explorer's settings (`dying_relu_explorer().static(**dying_relu_grid())`)."""
    return dict(name="dying-relu", title="Dying ReLU explorer",
                grid={"lr": list(PAGE_RATES), "shift": list(PAGE_SHIFTS), "step": list(SNAPSHOTS)},
                caption=f"Learning rate ε = {', '.join(map(str, PAGE_RATES))}; initial bias shift δ = "
                        f"{', '.join(f'{s:g}' for s in PAGE_SHIFTS)}; SGD steps 0 to {STEPS} every {EVERY}.")
