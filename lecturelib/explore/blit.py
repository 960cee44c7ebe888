"""The live explorer's redraw: draw only what changed (matplotlib's blitting).

A live redraw used to render the whole figure: axes, ticks, tick labels, contours and legends,
for every move of a slider, although a move changes only a few lines and a title. `Blitter`
renders the parts that stay the same once, keeps that image (Agg's `copy_from_bbox`), and on
each redraw puts it back and draws on top only the artists a frame changes: the lines, line
collections and plain texts that the static explorer ships too (`artists.Inventory`), plus
whatever their axes draw above them (legends, and any other artist of a higher zorder), in
matplotlib's order. The kept image is reused while nothing else changed: every other artist's
`artists.signature`, each axes' limits and scales, the figure's size and resolution form its key;
any change there (a new contour for another problem, limits that follow the curve) renders the
whole figure once more and keeps the new image.

As in the static explorer, the lines are drawn over the axes' spines and ticks, which the full
render draws above them: the two images differ only where a line meets the edge of its axes
(tests/test_explore.py compares them for every chapter's explorer). Pass `blit=False` to
`Explorer` for a figure whose changing parts this does not cover.

Source: matplotlib's "Faster rendering by using blitting" (the Animation and widget machinery
use the same `copy_from_bbox` / `restore_region` / `draw_artist` calls).
"""

from __future__ import annotations

from contextlib import contextmanager

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from .artists import Inventory, signature


class Blitter:
    """Renders `canvas`'s figure, redrawing only the artists that a frame changes (see above)."""

    def __init__(self, canvas: FigureCanvasAgg):
        self.canvas, self.fig = canvas, canvas.figure
        self.key, self.background = None, None

    def render(self) -> None:
        """Bring the canvas up to date with the figure: the kept background and the changing
        artists on top when only those changed, else a full render (which is kept)."""
        inventory = Inventory(self.fig)
        on_top = self._on_top(inventory)
        key = self._key(inventory, on_top)
        if key != self.key or self.background is None:
            with _left_out(artist for artist, _ in on_top):
                self.canvas.draw()
            self.background, self.key = self.canvas.copy_from_bbox(self.fig.bbox), key
        else:
            self.canvas.restore_region(self.background)
        for artist, owner in on_top:
            if artist.get_visible():
                owner.draw_artist(artist)

    def forget(self) -> None:
        """Render the whole figure next time (after a change this module cannot see)."""
        self.key, self.background = None, None

    def _on_top(self, inventory: Inventory) -> list:
        """(artist, its axes or the figure) to draw over the background, in drawing order: per
        axes, its shipped artists and every other child of higher zorder than the lowest of them
        (a legend, zorder 5, above lines, zorder 2; one put below the lines stays in the
        background), sorted by zorder as Axes.draw sorts them; then the figure's own."""
        shipped = set(map(id, inventory.shipped))
        order = []
        for ax in self.fig.axes:
            children = ax.get_children()
            lowest = min((a.get_zorder() for a in children if id(a) in shipped), default=None)
            if lowest is None:  # nothing of this axes changes: all of it stays in the background
                continue
            furniture = _axes_furniture(ax)
            drawn = [a for a in children if id(a) in shipped or (a not in furniture and a.get_zorder() > lowest)]
            order += [(artist, ax) for artist in sorted(drawn, key=lambda a: a.get_zorder())]  # stable, as Axes.draw
        figure_level = [a for a in inventory.shipped if a in self.fig.texts or a is self.fig._suptitle]
        order += [(artist, self.fig) for artist in dict.fromkeys(figure_level + list(self.fig.legends))]
        return order

    def _key(self, inventory: Inventory, on_top: list) -> tuple:
        """What the kept background depends on."""
        drawn_on_top = set(id(a) for a, _ in on_top)
        fixed = [a for a in inventory.fixed if id(a) not in drawn_on_top]
        limits = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_visible())
                       for ax in self.fig.axes)
        return (self.fig.dpi, tuple(self.fig.get_size_inches()), limits, len(self.fig.axes),
                tuple(id(a) for a, _ in on_top), tuple(signature(a) for a in fixed))


@contextmanager
def _left_out(artists):
    """The artists drawn nothing for the duration: texts by a transparent colour (hiding an axes
    title would make Axes.draw place it as if absent: far above the axes, out of the picture),
    everything else by visibility."""
    saved = []
    for artist in artists:
        if isinstance(artist, Text):
            saved.append((artist, artist.set_alpha, artist.get_alpha()))
            artist.set_alpha(0.0)
        else:
            saved.append((artist, artist.set_visible, artist.get_visible()))
            artist.set_visible(False)
    try:
        yield
    finally:
        for artist, setter, value in saved:
            setter(value)


def _axes_furniture(ax) -> set:
    """What Axes.draw draws as part of the axes itself (spines, axis, background patch): left in
    the background, as the static explorer does."""
    return {ax.patch, ax.xaxis, ax.yaxis, *ax.spines.values()}
