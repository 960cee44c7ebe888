"""Explorers: one figure, two ways to play with it.

An `Explorer` is a matplotlib figure plus a function `update(**params)` that redraws its
artists for new parameter values. It can be shown

* live, with ipywidgets controls (`explorer.live()`): every change calls `update` and sends
  a fresh PNG of the figure to an image widget; this needs a running kernel (Jupyter,
  Binder, Colab);
* as an animation (`explorer.animation(frames)`): a self-contained HTML/JavaScript player
  (matplotlib's `to_jshtml`) that steps through a list of parameter settings and plays in
  the static book with no kernel and no network.

Each chapter's explorer is a function below that builds its figure and returns an Explorer;
`EXPLORERS` lists them for the benchmark (benchmarks/run.py times `update` + PNG render).
"""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from PIL import Image
from matplotlib import animation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import activations as act
from .plotting import PALETTE, new_figure, zero_axes

LIVE_DPI = 72  # the live image: small enough to redraw within 50 ms on a 2-core machine


@dataclass
class Explorer:
    """A figure, the function that redraws it, and the controls for each parameter.

    controls: name -> the values the control offers (numbers give a slider, strings a menu).
    defaults: the parameter values shown first.
    """

    fig: Figure
    update: Callable[..., None]
    controls: dict[str, Sequence]
    defaults: dict

    def __post_init__(self):
        # Lay the figure out once (constrained layout) for the defaults, then freeze that
        # layout: recomputing it on every redraw would cost more than the drawing itself.
        self.fig.set_dpi(LIVE_DPI)
        self._canvas = FigureCanvasAgg(self.fig)
        self.update(**self.defaults)
        self._canvas.draw()
        self.fig.set_layout_engine("none")

    def png(self, **params) -> bytes:
        """Redraw for `params` (missing ones keep their defaults) and return the figure as PNG."""
        self.update(**{**self.defaults, **params})
        self._canvas.draw()
        image = Image.frombuffer("RGBA", self._canvas.get_width_height(), self._canvas.buffer_rgba())
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)  # fast to encode, a little larger
        return buffer.getvalue()

    def live(self):
        """The interactive version: controls above the figure (needs a kernel)."""
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        inputs = {}
        for name, values in self.controls.items():
            values = list(values)
            if all(isinstance(v, str) for v in values):
                inputs[name] = widgets.Dropdown(options=values, value=self.defaults[name], description=name)
            else:
                inputs[name] = widgets.SelectionSlider(options=values, value=self.defaults[name],
                                                       description=name, continuous_update=True)

        def redraw(_change=None):
            image.value = self.png(**{name: w.value for name, w in inputs.items()})

        for w in inputs.values():
            w.observe(redraw, names="value")
        return widgets.VBox([widgets.HBox(list(inputs.values()), layout=widgets.Layout(flex_flow="row wrap")),
                             image])

    def animation(self, frames: Sequence[dict], *, interval_ms: int = 400, dpi: int = 80):
        """The static version: an HTML player stepping through `frames` (dicts of parameters)."""
        from IPython.display import HTML

        self.fig.set_dpi(dpi)
        player = animation.FuncAnimation(self.fig, lambda i: self.update(**{**self.defaults, **frames[i]}),
                                         frames=len(frames), interval=interval_ms, repeat=True)
        return HTML(player.to_jshtml(default_mode="loop"))

    def redraw_seconds(self, frames: Sequence[dict], repeats: int = 3) -> float:
        """Median time of one live redraw (update + PNG render) over `frames`, for the benchmark."""
        self.png(**frames[0])  # warm up fonts and caches
        times = []
        for _ in range(repeats):
            for params in frames:
                start = time.perf_counter()
                self.png(**params)
                times.append(time.perf_counter() - start)
        return statistics.median(times)


# -- chapter 2: activations ----------------------------------------------------------------

PARAMETRIC_ACTIVATIONS = ("PReLU", "ELU", "Soboleva tanh")


def activation_explorer(x_range: tuple[float, float] = (-4.0, 4.0)) -> Explorer:
    """ρ and ρ′ of a parametric activation: PReLU's slope α, ELU's α, Soboleva's a, b, c, d."""
    x = np.linspace(*x_range, 401)
    fig, (ax_rho, ax_prime) = new_figure(1, 2, width=7.5, height=3.2)
    (rho_line,) = ax_rho.plot(x, x, color=PALETTE["blue"])
    (prime_line,) = ax_prime.plot(x, x, color=PALETTE["vermillion"])
    for ax, label in ((ax_rho, "ρ(x)"), (ax_prime, "ρ′(x)")):
        zero_axes(ax)
        ax.set_xlabel("x")
        ax.set_ylabel(label)
        ax.set_xlim(*x_range)
    ax_rho.set_title("activation ρ")
    ax_prime.set_title("derivative ρ′")
    title = fig.suptitle("")

    def update(activation, alpha, a, b, c, d):
        params = dict(a=a, b=b, c=c, d=d) if activation == "Soboleva tanh" else dict(alpha=alpha)
        chosen = act.ACTIVATIONS[activation]
        rho_line.set_ydata(chosen(x, **params))
        prime_line.set_ydata(chosen.prime(x, **params))
        for ax, line in ((ax_rho, rho_line), (ax_prime, prime_line)):
            y = line.get_ydata()
            low, high = float(np.min(y)), float(np.max(y))
            pad = 0.08 * max(high - low, 1e-3)
            ax.set_ylim(max(low, -6.0) - pad, min(high, 6.0) + pad)
        values = ", ".join(f"{k} = {v:g}" for k, v in params.items())
        title.set_text(f"{activation}: {values}")

    controls = {
        "activation": PARAMETRIC_ACTIVATIONS,
        "alpha": np.round(np.linspace(0.0, 2.0, 21), 2),
        "a": np.round(np.linspace(0.0, 2.0, 21), 2),
        "b": np.round(np.linspace(0.0, 2.0, 21), 2),
        "c": np.round(np.linspace(0.0, 2.0, 21), 2),
        "d": np.round(np.linspace(0.0, 2.0, 21), 2),
    }
    defaults = dict(activation="PReLU", alpha=0.2, a=1.0, b=1.0, c=1.0, d=1.0)
    return Explorer(fig, update, controls, defaults)


def activation_tour() -> list[dict]:
    """The frames of the activation animation: PReLU's α, then ELU's α, then Soboleva's a."""
    frames = [dict(activation="PReLU", alpha=float(v)) for v in np.linspace(0.0, 1.0, 6)]
    frames += [dict(activation="ELU", alpha=float(v)) for v in np.linspace(0.2, 2.0, 6)]
    frames += [dict(activation="Soboleva tanh", a=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    frames += [dict(activation="Soboleva tanh", b=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    return frames


# What the benchmark times: name -> (build the explorer, the frames to redraw).
EXPLORERS: dict[str, tuple[Callable[[], Explorer], Callable[[], list[dict]]]] = {
    "activations (ch. 2)": (activation_explorer, activation_tour),
}
