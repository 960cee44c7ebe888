"""Explorer of chapter 1's universal approximation: a sum of sigmoid bumps, their number and
steepness.

A steep sigmoid σ(s(x − a)) is almost a step; two steps make a bump; N bumps on N equal bins
of [0, 1], each as high as f at its bin's midpoint, make a staircase that follows f
(`lecturelib.approximation`: `bump_heights`, `bump`, `bump_sum`). The reader steers the number
of bumps N and the steepness, given as s·Δ (the steepness times the bin width Δ = 1/N, the
`sharpness` of `approximation.bump_sum`): at 40 each step rises within a small part of its
bin, at 1 a step spreads over its neighbours and the staircase melts into a smooth curve.
"""

from __future__ import annotations

import numpy as np

from ..approximation import bump, bump_heights, bump_sum
from ..plotting import PALETTE, new_figure
from .explorer import Explorer

BUMP_COUNTS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128, 256)
BUMP_SHARPNESS = (0.5, 1.0, 2.0, 4.0, 10.0, 40.0, 100.0)  # s·Δ: steepness times bin width
MOST_BUMPS_DRAWN = 32  # above this the single bumps would be a grey band: only their sum is drawn
T = np.linspace(0, 1, 1001)  # where f and the staircase are compared (chapter 1's grid)


def bump_target(t):
    """Chapter 1's target f(t) = sin(2πt) e^(−t) + t on [0, 1]."""
    return np.sin(2 * np.pi * t) * np.exp(-t) + t


def bump_error(n_bumps: int, sharpness: float) -> float:
    """Mean |f − staircase| over the grid T: N bumps with heights f(midpoints), steepness s·Δ."""
    edges, heights = bump_heights(bump_target, n_bumps)
    return float(np.mean(np.abs(bump_sum(T, edges, heights, sharpness) - bump_target(T))))


def bump_explorer() -> Explorer:
    """Left: f, the staircase of N bumps and (for N ≤ MOST_BUMPS_DRAWN) each bump
    hᵢ[σ(s(x − eᵢ)) − σ(s(x − eᵢ₊₁))]. Right: the mean error |f − staircase| against N for this
    steepness (log–log), with the 1/N of the bin argument; the dot is the current N. The error
    curve of a steepness is computed when first shown and kept (13 staircases, a few ms)."""
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import NullLocator

    reference = bump_error(4, 100.0) * 4 / np.array(BUMP_COUNTS, dtype=float)  # ∝ 1/N, through N = 4
    curves = {}  # s·Δ -> the mean error for every N

    fig, (ax_fit, ax_err) = new_figure(1, 2, width=7.0, height=2.7, width_ratios=[1.4, 1])
    ax_fit.plot(T, bump_target(T), color=PALETTE["green"], linewidth=2.5, alpha=0.6, label="target f")
    pieces = LineCollection([], colors=PALETTE["sky"], linewidths=0.8, label="single bumps")
    ax_fit.add_collection(pieces)
    (total,) = ax_fit.plot(T, T, color=PALETTE["black"], linewidth=1.3, label="sum of bumps")
    ax_fit.set(xlim=(0, 1), ylim=(-0.1, 1.5), xlabel="x", ylabel="y", xticks=[0, 0.5, 1],
               yticks=[0, 1])
    ax_fit.legend(loc="upper left", fontsize=7, ncol=2)
    ax_err.loglog(BUMP_COUNTS, reference, ":", color=PALETTE["black"], linewidth=1, label="∝ 1/N")
    (error_line,) = ax_err.loglog([], [], "o-", color=PALETTE["blue"], markersize=3, label="mean |f − sum|")
    (now,) = ax_err.loglog([], [], "o", color=PALETTE["vermillion"], markersize=6)
    ax_err.set(xlim=(0.8, 320), ylim=(1e-3, 1), xlabel="number of bumps N", ylabel="mean error",
               title="error against N")
    ax_err.xaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than the data
    ax_err.yaxis.set_minor_locator(NullLocator())
    ax_err.set_xticks([1, 4, 16, 64, 256], ["1", "4", "16", "64", "256"])
    ax_err.legend(loc="lower left", fontsize=7)
    title = fig.suptitle("", fontsize=10)

    def draw(n_bumps, sharpness):
        edges, heights = bump_heights(bump_target, n_bumps)
        staircase = bump_sum(T, edges, heights, sharpness)
        total.set_ydata(staircase)
        if n_bumps <= MOST_BUMPS_DRAWN:
            steepness = sharpness * n_bumps  # s = (s·Δ) / Δ, Δ = 1/N
            pieces.set_segments([np.column_stack([T, bump(T, a, b, h, steepness)])
                                 for a, b, h in zip(edges[:-1], edges[1:], heights)])
        else:
            pieces.set_segments([])
        if sharpness not in curves:
            curves[sharpness] = np.array([bump_error(n, sharpness) for n in BUMP_COUNTS])
        error_line.set_data(BUMP_COUNTS, curves[sharpness])
        error = curves[sharpness][BUMP_COUNTS.index(n_bumps)]
        now.set_data([n_bumps], [error])
        noun = "bump" if n_bumps == 1 else "bumps"
        title.set_text(f"{n_bumps} {noun}, steepness s·Δ = {sharpness:g}: mean error {error:.3f}"
                       + ("" if n_bumps <= MOST_BUMPS_DRAWN else " (only the sum drawn)"))

    controls = {"n_bumps": BUMP_COUNTS, "sharpness": BUMP_SHARPNESS}
    return Explorer(fig, draw, controls, dict(n_bumps=8, sharpness=40.0),
                    labels=dict(n_bumps="bumps N", sharpness="steepness s·Δ"))


def bump_tour() -> list[dict]:
    """The frames of the live-redraw benchmark: N grows at s·Δ = 40, then the steepness sweeps at N = 8."""
    return ([dict(n_bumps=n, sharpness=40.0) for n in BUMP_COUNTS]
            + [dict(n_bumps=8, sharpness=s) for s in BUMP_SHARPNESS])


def bump_grid() -> dict:
    """The static explorer's settings (`bump_explorer().static(**bump_grid())`): every N and
    every steepness the sliders offer."""
    return dict(name="bumps", title="Universal approximation with sigmoid bumps",
                labels=dict(n_bumps="bumps N", sharpness="steepness s·Δ"),
                caption=f"Every number of bumps N ({', '.join(map(str, BUMP_COUNTS))}; the single bumps drawn "
                        f"up to N = {MOST_BUMPS_DRAWN}) and every steepness s·Δ, the sigmoids' steepness "
                        f"times the bin width ({', '.join(f'{s:g}' for s in BUMP_SHARPNESS)}).")
