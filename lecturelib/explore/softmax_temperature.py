"""Explorer of chapter 2: softmax with a temperature, ρ(x/T), and how large its gradient is.

Dividing the scores by a temperature T > 0 before the softmax moves it between its two limits:
as T → 0 it puts all the probability on the largest score (the one-hot arg max, maxout's
winner), as T → ∞ it spreads it evenly (1/J each). Its Jacobian with respect to the scores,

    ∂ρ(x/T)/∂x = J_ρ(x/T) / T,   J_ρ(u) = diag(ρ(u)) − ρ(u)ρ(u)ᵀ   (`activations.softmax_jacobian`),

vanishes at both ends: a confident softmax saturates like a sigmoid, a flat one barely responds.
"""

from __future__ import annotations

import numpy as np

from .. import activations as act
from ..plotting import PALETTE, new_figure
from .explorer import Explorer


SOFTMAX_SCORES = (2.0, 1.0, 0.1, -1.0)  # the chapter's scores x (its softmax and Jacobian figure)
TEMPERATURES = tuple(float(f"{v:.2g}") for v in np.geomspace(0.05, 20.0, 25))  # ratio 1.28 (2 digits); T = 1 in the middle
PAGE_TEMPERATURES = TEMPERATURES[::2]  # on the web page: ratio 1.65, 0.05 to 20 through 1
CURVE_T = np.geomspace(0.02, 50.0, 241)  # the fixed curves against T, past the slider's ends
COLOURS = ("blue", "orange", "green", "vermillion")


def tempered(scores, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """(ρ(x/T), ∂ρ(x/T)/∂x): the softmax of the scores divided by T, and its Jacobian
    J_ρ(x/T)/T (rows i, columns j), by `activations.softmax` and `softmax_jacobian`. Scores
    of shape (..., J) give (..., J) and (..., J, J); T may be an array that broadcasts over `...`."""
    t = np.asarray(temperature, dtype=float)
    u = np.asarray(scores, dtype=float) / t[..., None]
    return act.softmax(u), act.softmax_jacobian(u) / t[..., None, None]


def softmax_explorer(scores=SOFTMAX_SCORES) -> Explorer:
    """Three panels for the temperature T on the slider: the probabilities ρᵢ(x/T) of the scores
    x (stems, each in the colour of its score's label), each ρᵢ against T (log axis, the same
    colours) with T marked, and the largest entry of the Jacobian
    |∂ρᵢ/∂xⱼ| against T (log–log) with T marked."""
    scores = np.asarray(scores, dtype=float)
    count = len(scores)
    if scores.ndim != 1 or count < 2 or not np.all(np.isfinite(scores)):
        raise ValueError(f"scores must be at least two finite numbers, got {scores.tolist()}")
    curves, jacobians = tempered(scores, CURVE_T)
    largest = np.abs(jacobians).max(axis=(-2, -1))
    fig, (ax_bars, ax_probs, ax_grad) = new_figure(1, 3, width=9.6, height=3.2)
    positions = np.arange(count)
    ax_bars.set(xlim=(-0.6, count - 0.4), ylim=(0, 1.05), xticks=positions, ylabel="probability ρᵢ(x/T)",
                title="softmax(x/T)")
    ax_bars.set_xticklabels([f"x{i + 1} = {s:g}" for i, s in enumerate(scores)], fontsize=8)
    ax_bars.axhline(1 / count, color=PALETTE["black"], linewidth=0.8, linestyle=":")
    colours = [PALETTE[COLOURS[i % len(COLOURS)]] for i in range(count)]
    stems = [ax_bars.plot([], [], color=c, linewidth=7, solid_capstyle="butt")[0] for c in colours]
    for i, colour in enumerate(colours):
        ax_probs.semilogx(CURVE_T, curves[:, i], color=colour, linewidth=1.2)
    for label, colour in zip(ax_bars.get_xticklabels(), colours):  # the key to the curves' colours
        label.set_color(colour)
    ax_probs.set(xlim=CURVE_T[[0, -1]], ylim=(0, 1.05), xlabel="temperature T", ylabel="ρᵢ(x/T)",
                 title="each ρᵢ against T")
    ax_grad.loglog(CURVE_T, largest, color=PALETTE["green"])
    ax_grad.set(xlim=CURVE_T[[0, -1]], ylim=(1e-9, 1.0),
                xlabel="temperature T", ylabel="largest |∂ρᵢ/∂xⱼ|", title="gradient of softmax(x/T)")
    (marker_probs,) = ax_probs.plot([], [], color=PALETTE["black"], linewidth=0.9, linestyle="--")
    (marker_grad,) = ax_grad.plot([], [], "o", color=PALETTE["black"], markersize=6)
    title = fig.suptitle("")

    def draw(temperature):
        p, jacobian = tempered(scores, temperature)
        for i, stem in enumerate(stems):
            stem.set_data([i, i], [0.0, p[i]])
        marker_probs.set_data([temperature, temperature], [0, 1.05])
        biggest = float(np.abs(jacobian).max())
        marker_grad.set_data([temperature], [biggest])
        title.set_text(f"T = {temperature:g}: ρ = ({', '.join(f'{v:.2f}' for v in p)}), "
                       f"largest |∂ρᵢ/∂xⱼ| = {biggest:.2g}")

    return Explorer(fig, draw, {"temperature": TEMPERATURES}, {"temperature": 1.0}, between=("temperature",),
                    labels={"temperature": "temperature T"})


def softmax_tour() -> list[dict]:
    """The frames the benchmark redraws: T from its smallest to its largest value."""
    return [dict(temperature=t) for t in TEMPERATURES]


def softmax_grid() -> dict:
    """The static explorer's settings (`softmax_explorer().static(**softmax_grid())`)."""
    return dict(name="softmax", title="Softmax temperature explorer", grid={"temperature": list(PAGE_TEMPERATURES)},
                caption=f"Scores x = ({', '.join(f'{s:g}' for s in SOFTMAX_SCORES)}); temperature T = "
                        f"{', '.join(f'{t:g}' for t in PAGE_TEMPERATURES)}.")
