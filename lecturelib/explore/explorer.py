"""The Explorer: one figure, two ways to play with it.

An `Explorer` is a matplotlib figure plus a function `update(**params)` that redraws its
artists for new parameter values. It can be shown

* live, with ipywidgets controls (`explorer.live()`): every change calls `update` and sends
  a fresh PNG of the figure to an image widget; this needs a running kernel (Jupyter,
  Binder, Colab);
* as an animation (`explorer.animation(frames)`): a self-contained HTML/JavaScript player
  (matplotlib's `to_jshtml`) that steps through a list of parameter settings and plays in
  the static book with no kernel and no network.

The chapters' explorers live beside this module, one module per chapter, and
`lecturelib.explore` re-exports them.
"""

from __future__ import annotations

import io
import re
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from PIL import Image
from matplotlib import animation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


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

        live_dpi = self.fig.get_dpi()
        self.fig.set_dpi(dpi)
        try:
            player = animation.FuncAnimation(self.fig, lambda i: self.update(**{**self.defaults, **frames[i]}),
                                             frames=len(frames), interval=interval_ms, repeat=True)
            html = player.to_jshtml(default_mode="loop")
        finally:
            self.fig.set_dpi(live_dpi)  # later live redraws keep their size and speed
        return HTML(self_contained(html))

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


# matplotlib's player draws its buttons with Font Awesome 4 icons from a CDN; plain symbols
# keep the animation self-contained (offline book, USB stick, any notebook front end).
PLAYER_SYMBOLS = {
    "fa fa-minus": "−", "fa fa-fast-backward": "|◀◀", "fa fa-step-backward": "|◀",
    "fa fa-play fa-flip-horizontal": "◀", "fa fa-pause": "❚❚", "fa fa-play": "▶",
    "fa fa-step-forward": "▶|", "fa fa-fast-forward": "▶▶|", "fa fa-plus": "+",
}


def self_contained(player_html: str) -> str:
    """matplotlib's to_jshtml output without its CDN stylesheet, icons replaced by symbols."""
    player_html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", player_html)
    for css_class, symbol in PLAYER_SYMBOLS.items():
        player_html = player_html.replace(f'<i class="{css_class}"></i>', symbol)
    return player_html
