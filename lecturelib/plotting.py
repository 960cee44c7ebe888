"""The book's figure style: one colour-blind-safe palette, labelled axes, opaque backgrounds.

Figures are drawn on an opaque white background so that they stay readable when the book
is switched to dark mode (a transparent PNG with black text would vanish on a dark page).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

# Okabe & Ito (2008), "Color universal design": distinguishable with every common form of
# colour blindness. Black is kept for reference lines.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 90,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.constrained_layout.use": True,
    "lines.linewidth": 2.0,
    "animation.embed_limit": 8.0,  # MB per embedded animation
}


def use_book_style() -> None:
    """Apply the book's style to every figure that follows."""
    mpl.rcParams.update(STYLE)


def zero_axes(ax) -> None:
    """Draw the x and y axes through the origin as thin black lines (for plots of ρ and ρ′)."""
    ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8, alpha=0.6)
    ax.axvline(0.0, color=PALETTE["black"], linewidth=0.8, alpha=0.6)


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float = 3.6, **kwargs):
    """A figure in the book's style that is not shown automatically (for explorers and animations)."""
    with mpl.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    plt.close(fig)  # keep the inline backend from showing it at the end of the cell
    return fig, axes


def plot_function_and_derivative(functions, x, *, ncols: int = 4, panel_size=(2.4, 2.2),
                                 suptitle: str = ""):
    """Small multiples: one panel per function, with f solid and f′ dashed.

    Each item of `functions` is callable and has `.name` and `.prime` (an
    `activations.Activation`, for instance). Returns the figure."""
    curves = [(f.name, f, f.prime) for f in functions]
    nrows = -(-len(curves) // ncols)
    with mpl.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                                 sharex=True, squeeze=False)
        for ax, (title, f, f_prime) in zip(axes.flat, curves):
            zero_axes(ax)
            ax.plot(x, f(x), color=PALETTE["blue"], label="ρ(x)")
            ax.plot(x, f_prime(x), color=PALETTE["vermillion"], linestyle="--", label="ρ′(x)")
            ax.set_title(title)
            ax.set_xlabel("x")
        for ax in axes.flat[len(curves):]:
            ax.set_visible(False)
        axes.flat[0].legend(loc="upper left")
        if suptitle:
            fig.suptitle(suptitle)
    plt.close(fig)
    return fig
