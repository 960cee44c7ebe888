"""The book's figure style: one colour-blind-safe palette, labelled axes, opaque backgrounds.

Figures are drawn on an opaque white background so that they stay readable when the book
is switched to dark mode (a transparent PNG with black text would vanish on a dark page).

The figures several chapters draw live here too: `draw_paths` (contours of a 2-D problem and
the paths of optimisers over it, chapters 4 and 5) and `draw_decision_regions` (what a
classifier predicts over the plane, chapter 1). Bad arguments raise TypeError/ValueError
naming the argument (`lecturelib.validation`).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .validation import check_finite, check_whole

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
    """Apply the book's style to every figure that follows, and in a notebook show figures
    uncropped (`show_uncropped`)."""
    mpl.rcParams.update(STYLE)
    show_uncropped()


def show_uncropped() -> None:
    """In a notebook, show each figure as drawn instead of cropped to its ink.

    Jupyter's inline backend prints figures with bbox_inches="tight": before the real render it
    renders the figure once more, to find its ink, which costs about a third of each figure's
    time. The book's figures use constrained layout, which already fits titles, labels and
    legends inside the canvas, so the crop only trims the layout's small margins
    (tests/test_built_book.py checks that no figure's ink reaches its edge). Outside IPython this
    does nothing."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    if get_ipython() is None or "inline" not in mpl.get_backend():  # get_backend loads the backend
        return
    from matplotlib_inline.config import InlineBackend

    config = InlineBackend.instance()
    config.print_figure_kwargs = {**config.print_figure_kwargs, "bbox_inches": None}


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


# the colours of successive paths in `draw_paths` (green is kept for the minima)
PATH_COLOURS = [PALETTE[name] for name in ("blue", "orange", "vermillion", "purple", "sky", "black")]


def draw_contours(ax, problem, *, n: int = 90, levels: int = 12, log: bool = False, minima: bool = True):
    """Contours of a 2-D problem over its `window`, its minima (green stars, unless `minima` is
    False) and its axes: the background of `draw_paths` and of the chapters' explorers.

    `levels` contour lines of f on an n × n grid, spaced geometrically from max(min f,
    10⁻³·max f, 10⁻³) to max f (f need not be positive); with `log`, `levels` evenly spaced
    lines of log(1 + f), which shows the bottom of a steep valley. Returns the contour set.
    Raises TypeError/ValueError naming the argument for a problem that is not 2-D, n outside
    2 … 1000 or levels outside 2 … 100."""
    if not callable(getattr(problem, "grid", None)) or getattr(problem, "dim", None) != 2:
        raise ValueError(f"problem must be a 2-D lecturelib.problems.Problem, got "
                         f"{getattr(problem, 'name', type(problem).__name__)}")
    levels = check_whole(levels, "levels", minimum=2)
    if levels > 100:
        raise ValueError(f"levels must be <= 100 contour lines, got {levels}")
    X, Y, Z = problem.grid(n)  # checks n
    if log:
        contours = ax.contour(X, Y, np.log1p(Z - min(Z.min(), 0.0)), levels=levels, colors=PALETTE["black"],
                              linewidths=0.5, alpha=0.4)
    else:
        low = max(Z.min(), 1e-3 * Z.max(), 1e-3)
        contours = ax.contour(X, Y, Z, levels=np.geomspace(low, Z.max(), levels), colors=PALETTE["black"],
                              linewidths=0.5, alpha=0.4)
    if minima:
        ax.plot(*np.asarray(problem.minima).reshape(-1, 2).T, "*", color=PALETTE["green"], markersize=12)
    (x0, x1), (y0, y1) = problem.window
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="θ₁", ylabel="θ₂", title=problem.name)
    return contours


def draw_paths(ax, problem, paths=(), labels=None, *, styles=None, n: int = 90, levels: int = 12,
               log: bool = False) -> list:
    """Contours of a 2-D problem, its minima (green stars) and the paths of some runs, over
    the axes `draw_contours` sets up. Returns the lines of the paths.

    problem: a 2-D `problems.Problem` (its `grid(n)`, `minima` (k, 2), `window` and `name`).
    paths:   `trajectory.Trajectory` objects; path i is drawn through its points (steps + 1, 2)
             in PATH_COLOURS[i % 6] with small dots, labelled labels[i] (default: its method),
             with "(diverged at step k)" added when it diverged.
    styles:  one dict of matplotlib line settings per path (colour, marker, linestyle, …),
             replacing those defaults.
    n, levels, log: the contours, as `draw_contours` draws them.
    Raises TypeError/ValueError naming the argument for a problem that is not 2-D, n outside
    2 … 1000, levels outside 2 … 100, paths that are not trajectories, or labels or styles of
    another length.
    """
    paths = list(paths)
    for i, path in enumerate(paths):
        if not hasattr(path, "points") or not hasattr(path, "diverged"):
            raise TypeError(f"paths[{i}] must be a Trajectory (from trajectory.run), "
                            f"got {type(path).__name__}")
    for name, given in (("labels", labels), ("styles", styles)):
        if given is not None and len(given) != len(paths):
            raise ValueError(f"{name} must give one entry per path ({len(paths)}), got {len(given)}")
    draw_contours(ax, problem, n=n, levels=levels, log=log, minima=False)
    lines = []
    for i, path in enumerate(paths):
        label = labels[i] if labels else path.method
        if path.diverged:
            label += f" (diverged at step {path.diverged_at})"
        style = dict(color=PATH_COLOURS[i % 6], marker=".", markersize=3, linewidth=1.2)
        style.update(styles[i] if styles else {})
        lines += ax.plot(*np.asarray(path.points).T, label=label, **style)
    ax.plot(*np.asarray(problem.minima).reshape(-1, 2).T, "*", color=PALETTE["green"], markersize=12)
    return lines


# the colours of classes 0, 1, 2, … in `draw_decision_regions`
CLASS_COLOURS = [PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "sky", "purple")]


def draw_decision_regions(ax, model, X, y, title: str = "", *, n: int = 150) -> None:
    """The class `model.classify` assigns to each point of an n × n grid around the data
    (shaded), the data points coloured by their labels, and the centres `model.mu` (black
    triangles; as an RBF classifier has them, skipped for a model without).

    model: has `classify(points (m, 2)) -> labels (m,)`; X: inputs (M, 2); y: labels (M,) in
    0 … 5; the grid spans the data ± 0.5. Raises TypeError/ValueError naming the argument
    for a model without `classify`, X that is not a finite (M, 2) array, y of another length
    or with labels outside 0 … 5, or n outside 2 … 1000.
    """
    if not callable(getattr(model, "classify", None)):
        raise TypeError(f"model must have a classify(points) method, got {type(model).__name__}")
    X, y = check_finite(X, "X"), check_finite(y, "y")
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (M, 2) with M >= 1 points, got {X.shape}")
    if y.shape != (len(X),) or np.any(y != np.round(y)) or y.min() < 0 or y.max() >= len(CLASS_COLOURS):
        raise ValueError(f"y must hold {len(X)} class labels in 0 … {len(CLASS_COLOURS) - 1}")
    n = check_whole(n, "n", minimum=2)
    if n > 1000:
        raise ValueError(f"n must be <= 1000 (the grid costs n² classifications), got {n}")
    y = y.astype(int)
    k = max(3, y.max() + 1)
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    labels = np.asarray(model.classify(np.column_stack([g1.ravel(), g2.ravel()])))
    ax.contourf(g1, g2, labels.reshape(g1.shape), levels=np.arange(-0.5, k),
                colors=CLASS_COLOURS[:k], alpha=0.2)
    for label in np.unique(y):
        ax.scatter(*X[y == label].T, s=8, color=CLASS_COLOURS[label], label=f"class {label}")
    if getattr(model, "mu", None) is not None:
        ax.scatter(*np.asarray(model.mu).T, marker="^", s=30, color=PALETTE["black"],
                   label="centres")
    ax.set(title=title, xlabel="x₁", ylabel="x₂")
