"""The Explorer: one figure, three ways to play with it.

An `Explorer` is a matplotlib figure, a function `draw(**params)` that redraws its artists
for new parameter values, and the controls that offer those values. `explorer.update(**params)`
checks the values against the controls first, so a value they do not offer gets an error that
names the control and what it offers, never a KeyError from deep inside. It can be shown

* live, with ipywidgets controls (`explorer.live()`): every change calls `update` and sends
  a fresh PNG of the figure to an image widget; this needs a running kernel (Jupyter,
  Binder, Colab);
* as an animation (`explorer.animation(frames)`): a self-contained HTML/JavaScript player
  (matplotlib's `to_jshtml`) that steps through a list of parameter settings and plays in
  the static book with no kernel and no network;
* as a static explorer (`explorer.static(grid, background)`): the same controls in plain HTML
  over every setting of a grid, precomputed here by `update` and drawn by a small script
  (static.py, static.js, and the contract between them in docs/static-explorer.md), in the
  book with no kernel and no network.

A control can belong to one or a few values of a menu (`shown_when`): chapter 2's sliders for
PReLU's α appear only while the menu shows PReLU. Live and static, such a control is shown
only then, and the static grid holds the settings of each menu value side by side (a sum over
the menu's values), not every combination of every control (a product).

The chapters' explorers live beside this module, one module per chapter, and
`lecturelib.explore` re-exports them.
"""

from __future__ import annotations

import io
import re
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Callable, Sequence

from PIL import Image
from matplotlib import animation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .blit import Blitter
from ..validation import check_choice, check_in_range, check_positive, check_real, check_whole


LIVE_DPI = 72  # the live image: small enough to redraw within 50 ms on a 2-core machine


@dataclass
class Explorer:
    """A figure, the function that redraws it, and the controls for each parameter.

    draw: draw(**params) redraws the figure's artists for one value of every control.
    controls: name -> the values the control offers (strings give a menu, numbers a slider).
    defaults: the parameter values shown first.
    between: the sliders whose figure is drawn for any value between their ends (the slider
        offers a grid of them); every other control accepts exactly the values it offers.
    shown_when: control -> (menu, values): the control is shown only while `menu` (a menu that
        is itself always shown) has one of `values`; while it is hidden, `draw` must ignore its
        value (it still receives one: the last chosen, or the default).
    labels: control -> its label in the live and static controls (default: the control's name).
    blit: redraw only what changed (blit.py: the lines and titles a frame changes, over a kept
        image of the rest); False renders the whole figure at every redraw.
    """

    fig: Figure
    draw: Callable[..., None]
    controls: dict[str, Sequence]
    defaults: dict
    between: tuple[str, ...] = ()
    shown_when: dict[str, tuple[str, tuple]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    blit: bool = True

    def __post_init__(self):
        if set(self.defaults) != set(self.controls) or not set(self.between) <= set(self.controls):
            raise ValueError(f"every control needs a default and `between` names only controls: "
                             f"controls {list(self.controls)}, defaults {list(self.defaults)}, "
                             f"between {list(self.between)}")
        self.shown_when = {control: self._condition(control, condition)
                           for control, condition in dict(self.shown_when).items()}
        unknown = [name for name in self.labels if name not in self.controls]
        if unknown or not all(isinstance(label, str) for label in self.labels.values()):
            raise ValueError(f"labels must map controls to strings; the controls are "
                             f"{', '.join(self.controls)}, got {self.labels!r}")
        self._shown = self.check(**self.defaults)  # a bad default is refused here, not at first use
        self.fig.set_dpi(LIVE_DPI)
        self._canvas = FigureCanvasAgg(self.fig)
        self._blitter = Blitter(self._canvas) if self.blit else None
        self._laid_out = False

    def _lay_out(self) -> None:
        """Lay the figure out once (constrained layout) for the defaults, then freeze that layout:
        recomputing it on every redraw would cost more than the drawing itself. Done on first
        use (an update, a render, the capture), so that a reader's kernel which only prints the
        static cell's note never pays for it."""
        if self._laid_out:
            return
        self._laid_out = True
        self.draw(**self._shown)
        self.fig.draw_without_rendering()  # runs the layout engine; the first render draws anyway
        self.fig.set_layout_engine("none")

    def _condition(self, control, condition) -> tuple[str, tuple]:
        """`shown_when[control]` checked: (a menu that is always shown, some of its values)."""
        if control not in self.controls:
            raise ValueError(f"shown_when names {control!r}, which is not a control; the controls are "
                             f"{', '.join(self.controls)}")
        if not isinstance(condition, tuple) or len(condition) != 2:
            raise ValueError(f"shown_when[{control!r}] must be a pair (menu, its values), got {condition!r}")
        menu, values = condition
        options = list(self.controls[menu]) if isinstance(menu, str) and menu in self.controls else [None]
        if menu == control or menu in self.shown_when or not all(isinstance(v, str) for v in options):
            raise ValueError(f"shown_when[{control!r}] must name a menu that is always shown, got {menu!r}")
        values = (values,) if isinstance(values, str) else tuple(values)
        if not values or not set(values) <= set(options):
            raise ValueError(f"shown_when[{control!r}] must give some of {menu}'s values "
                             f"({', '.join(options)}), got {list(values)}")
        return menu, values

    def shown(self, setting: dict) -> list[str]:
        """The controls shown for `setting` (every control's value, as `check` returns it), in
        order: those without a `shown_when`, and those whose menu has one of their values."""
        return [control for control in self.controls if control not in self.shown_when
                or setting[self.shown_when[control][0]] in self.shown_when[control][1]]

    def check(self, **params) -> dict:
        """Every control's value for `params` (missing ones keep their defaults), checked.

        A menu takes one of its options, a slider in `between` any number from its smallest to
        its largest value, any other slider one of its values. Raises TypeError for a name that
        is not a control, and ValueError (TypeError for a non-number) for a value outside it:
        "n_centres must be one of 1, 2, 3, …; got 5", "lr must lie in [0.0001, 5], got 10"."""
        unknown = [name for name in params if name not in self.controls]
        if unknown:
            raise TypeError(f"{unknown[0]!r} is not a control of this explorer; "
                            f"the controls are {', '.join(self.controls)}")
        return {name: self._offered(name, value) for name, value in {**self.defaults, **params}.items()}

    def _offered(self, name: str, value):
        """`value` as the control `name` offers it, or a ValueError/TypeError naming `name`."""
        values = list(self.controls[name])
        if all(isinstance(v, str) for v in values):
            return check_choice(value, name, values)
        if name in self.between:
            return check_in_range(value, name, min(values), max(values), low_open=False, high_open=False)
        check_real(value, name)  # rejects True, "3" and nan before they are compared with numbers
        return values[values.index(check_choice(value, name, values))]  # 10.0 -> the slider's 10

    def update(self, **params) -> None:
        """Redraw the figure for `params` (missing ones keep their defaults); raises as `check`."""
        checked = self.check(**params)
        self._lay_out()
        self.draw(**checked)
        self._shown = checked  # what the figure shows, restored after `static`

    def png(self, **params) -> bytes:
        """Redraw for `params` (missing ones keep their defaults) and return the figure as PNG;
        raises as `check`."""
        self.update(**params)
        if self._blitter is None:
            self._canvas.draw()
        else:
            self._blitter.render()
        image = Image.frombuffer("RGBA", self._canvas.get_width_height(), self._canvas.buffer_rgba())
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)  # fast to encode, a little larger
        return buffer.getvalue()

    def static(self, grid: dict | None = None, background: tuple[str, ...] = (), *, name: str = "explorer",
               title: str = "", caption: str = "", labels: dict | None = None):
        """The static version with controls: every setting of `grid` precomputed, steered in the
        browser with no kernel (see `static.py`, and docs/static-explorer.md for the contract).

        grid: control -> the values offered on the page (default: all the control offers); a
            control hidden by `shown_when` stays at its default (the value of the grid nearest
            to it), so the settings are a sum over the menus' values, not a product;
        background: the controls whose value selects a pre-rendered background image (the
            artists that are neither lines nor titles may change with these only);
        name, title: the explorer's id and accessible name; caption: a sentence shown under the
            controls; labels: control -> its label (default: `self.labels`, then the control's name).
        Returns a `StaticExplorer` (Jupyter shows its HTML). The live figure is left as it was.
        Raises TypeError for a grid, labels or background naming no control, ValueError for a
        grid value the control does not offer, a background naming a non-control, a grid of
        more than static.MAX_SETTINGS settings, or an artist that changes inside a background.

        The capture is work only the web page and the PDF use: it runs when the book is built
        (`build_only.in_book_build()`). In a reader's kernel the arguments are checked all the same,
        and a `build_only.ForTheWebPage` note is returned instead, in milliseconds."""
        from .build_only import ForTheWebPage, in_book_build
        from .static import capture, checked_arguments

        if not in_book_build():
            *_, settings = checked_arguments(self, grid, background, name=name, title=title, caption=caption,
                                             labels=labels)
            return ForTheWebPage(name, len(settings))
        self._lay_out()
        return capture(self, grid, background, name=name, title=title, caption=caption, labels=labels)

    def live(self):
        """The interactive version: controls above the figure (needs a kernel), each labelled
        (`labels`); a control with a `shown_when` is hidden while its menu has another value."""
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        inputs = {}
        for name, values in self.controls.items():
            values, label = list(values), self.labels.get(name, name)
            if all(isinstance(v, str) for v in values):
                inputs[name] = widgets.Dropdown(options=values, value=self.defaults[name], description=label)
            else:
                inputs[name] = widgets.SelectionSlider(options=values, value=self.defaults[name],
                                                       description=label, continuous_update=True)

        def show_or_hide(_change=None):
            shown = self.shown({name: w.value for name, w in inputs.items()})
            for name, w in inputs.items():
                w.layout.display = None if name in shown else "none"

        def redraw(_change=None):
            image.value = self.png(**{name: w.value for name, w in inputs.items()})

        show_or_hide()
        for name, w in inputs.items():
            if any(menu == name for menu, _ in self.shown_when.values()):
                w.observe(show_or_hide, names="value")
            w.observe(redraw, names="value")
        return widgets.VBox([widgets.HBox(list(inputs.values()), layout=widgets.Layout(flex_flow="row wrap")),
                             image])

    def animation(self, frames: Sequence[dict], *, interval_ms: int = 400, dpi: int = 80):
        """The static version: an HTML player stepping through `frames` (dicts of parameters).

        Raises TypeError/ValueError for frames that are not dicts of the controls' values (see
        `check`), and for an `interval_ms` or `dpi` that is not > 0."""
        from IPython.display import HTML

        settings = self.settings(frames)
        interval_ms, dpi = check_positive(interval_ms, "interval_ms"), check_positive(dpi, "dpi")
        self._lay_out()
        live_dpi = self.fig.get_dpi()
        self.fig.set_dpi(dpi)
        try:
            player = animation.FuncAnimation(self.fig, lambda i: self.draw(**settings[i]),
                                             frames=len(settings), interval=interval_ms, repeat=True)
            html = player.to_jshtml(default_mode="loop")
        finally:
            self.fig.set_dpi(live_dpi)  # later live redraws keep their size and speed
        return HTML(self_contained(html))

    def redraw_seconds(self, frames: Sequence[dict], repeats: int = 3) -> float:
        """Median time of one live redraw (update + PNG render) over `frames`, for the benchmark.
        Raises as `animation` for bad frames, and unless `repeats` is a whole number >= 1."""
        settings, repeats = self.settings(frames), check_whole(repeats, "repeats", minimum=1)
        self.png(**settings[0])  # warm up fonts and caches
        times = []
        for _ in range(repeats):
            for params in settings:
                start = time.perf_counter()
                self.png(**params)
                times.append(time.perf_counter() - start)
        return statistics.median(times)

    def settings(self, frames: Sequence[dict]) -> list[dict]:
        """Each frame (a dict of parameters) checked and completed with the defaults (`check`);
        a frame's error says which frame: "frames[3]: lr must lie in [0.0001, 5], got 10"."""
        if isinstance(frames, (str, bytes, Mapping)) or not isinstance(frames, Sequence):
            raise TypeError(f"frames must be a list of dicts of parameters, got {type(frames).__name__}")
        if not frames:
            raise ValueError("frames must hold at least one dict of parameters, got none")
        settings = []
        for i, frame in enumerate(frames):
            if not isinstance(frame, Mapping):
                raise TypeError(f"frames[{i}] must be a dict of parameters, got {type(frame).__name__}")
            try:
                settings.append(self.check(**frame))
            except (TypeError, ValueError) as error:
                raise type(error)(f"frames[{i}]: {error}") from None
        return settings


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
