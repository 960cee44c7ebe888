"""What the figure shows, read for the static explorer (static.py): which artists a frame can
carry (lines, line collections, plain texts) and which must stay fixed inside a background, a
hashable record of each, and the contract's styles (colours as hex, sizes in CSS px).
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.lines import Line2D
from matplotlib.text import Text

from .pixels import CSS_PX_PER_INCH

MARKERS = {"None": "", "none": "", "": "", " ": "", "o": "o", "*": "*", "^": "^", "s": "s", ".": "."}
PT = CSS_PX_PER_INCH / 72  # CSS px per typographic point


class Inventory:
    """The figure's artists, split into those a frame can carry (`shipped`) and the others,
    which must not change inside a background group (`fixed`)."""

    def __init__(self, fig):
        self.fig, self.shipped, self.fixed = fig, [], []
        for ax in fig.axes:
            self.shipped += list(ax.lines)
            for collection in ax.collections:
                (self.shipped if type(collection) is LineCollection else self.fixed).append(collection)
            self.fixed += list(ax.patches) + list(ax.images) + [ax]
            for text in [ax.title, ax._left_title, ax._right_title, *ax.texts]:
                plain = type(text) is Text and text.get_bbox_patch() is None
                (self.shipped if plain else self.fixed).append(text)
            if ax.get_legend() is not None:  # laid out at draw time: its texts cannot be shipped
                self.fixed += list(ax.get_legend().get_texts()) + [ax.get_legend().get_frame()]
        for text in dict.fromkeys([fig._suptitle, *fig.texts]):  # fig.texts holds the suptitle too
            if text is not None:
                (self.shipped if type(text) is Text else self.fixed).append(text)
        self.fixed += list(fig.lines) + list(fig.patches) + list(fig.images) + list(fig.legends)

    def visibility(self):
        return [a.get_visible() for a in self.shipped + self.fixed]

    def restore(self, visible):
        for artist, v in zip(self.shipped + self.fixed, visible):
            artist.set_visible(v)


class Table:
    """Interns hashable records: equal records get one id."""

    def __init__(self):
        self.ids, self.records = {}, []

    def __call__(self, item) -> int:
        if item not in self.ids:
            self.ids[item] = len(self.records)
            self.records.append(item)
        return self.ids[item]


def record(artist):
    """What a shipped artist shows now, hashable (arrays as bytes, styles as matplotlib gives them)."""
    visible = artist.get_visible()
    if isinstance(artist, Line2D):
        x = np.asarray(artist.get_xdata(), dtype=float)
        y = np.asarray(artist.get_ydata(), dtype=float)
        style = (_hashable(artist.get_color()), artist.get_alpha(), artist.get_linewidth(), artist.get_linestyle(),
                 _hashable(artist.get_marker()), artist.get_markersize(), _hashable(artist.get_markerfacecolor()),
                 artist.get_drawstyle(), tuple(artist._dash_pattern[1] or ()), artist.get_label())
        return (visible, x.tobytes(), y.tobytes(), style)
    if isinstance(artist, LineCollection):
        segments = tuple(np.asarray(s, dtype=float).tobytes() for s in artist.get_segments())
        return (visible, segments, collection_styles(artist))
    style = (_hashable(artist.get_color()), artist.get_fontsize(), artist.get_ha(), artist.get_va(),
             artist.get_weight(), artist.get_rotation())
    return (visible, artist.get_text(), tuple(artist.get_position()), style)


def _hashable(value):
    return tuple(np.ravel(value).tolist()) if isinstance(value, (np.ndarray, list)) else value


def signature(artist):
    """A fingerprint of an artist a frame cannot carry, to see whether it changes."""
    visible = artist.get_visible()
    if hasattr(artist, "get_xlim"):  # an Axes: its limits are handled apart
        return (visible, artist.get_xscale(), artist.get_yscale())
    if isinstance(artist, Text):
        patch = artist.get_bbox_patch()
        return (visible, artist.get_text(), tuple(artist.get_position()), to_hex(artist.get_color()),
                None if patch is None else (to_hex(patch.get_facecolor()), to_hex(patch.get_edgecolor())))
    if hasattr(artist, "get_facecolor") and hasattr(artist, "get_patch_transform"):  # a Patch
        return (visible, tuple(to_rgba(artist.get_facecolor())), tuple(to_rgba(artist.get_edgecolor())),
                artist.get_alpha(), artist.get_patch_transform().get_matrix().tobytes())
    if hasattr(artist, "get_offsets"):  # a Collection (contours, scatter)
        return (visible, artist.get_alpha(), np.asarray(artist.get_facecolor()).tobytes(),
                np.asarray(artist.get_edgecolor()).tobytes(), len(artist.get_paths()),
                np.asarray(artist.get_offsets()).tobytes())
    if hasattr(artist, "get_array"):  # an image
        return (visible, np.asarray(artist.get_array()).tobytes())
    return (visible,)


@functools.lru_cache(maxsize=None)
def line_style(raw: tuple) -> tuple:
    """The contract's style of a line from `record`'s raw style."""
    colour, alpha, width, linestyle, marker, size, face, drawstyle, dash, label = raw
    if drawstyle not in ("default", None):
        raise ValueError(f"cannot capture the line {label!r}: drawstyle {drawstyle!r}")
    marker = marker if isinstance(marker, str) else str(marker)
    if marker not in MARKERS:
        raise ValueError(f"cannot capture the line {label!r}: marker {marker!r} is not one of "
                         f"{', '.join(m for m in MARKERS if m.strip() and m.lower() != 'none')}")
    plain = linestyle in ("None", "none", "", " ")
    width = 0.0 if plain else width * PT
    dash = () if plain or linestyle == "-" else dash
    face = "none" if (isinstance(face, str) and face.lower() == "none") or to_rgba(face)[3] == 0 else to_hex(face)
    return _style(colour, alpha, width, tuple(d * PT for d in dash), MARKERS[marker],
                  size * PT if MARKERS[marker] else 0.0, face)


def collection_styles(collection: LineCollection) -> tuple:
    colours, widths = collection.get_colors(), collection.get_linewidths()
    dashes = collection.get_linestyles()
    count = max(len(colours), len(widths), len(dashes), 1)
    styles = []
    for i in range(count):
        dash = dashes[i % len(dashes)][1] if len(dashes) else None
        colour = colours[i % len(colours)] if len(colours) else (0, 0, 0, 0)
        styles.append(_style(colour, collection.get_alpha(), widths[i % len(widths)] * PT,
                             tuple(d * PT for d in (dash or ())), "", 0.0, "none"))
    return tuple(styles)


def _style(colour, alpha, width, dash, marker, size, face) -> tuple:
    rgba = to_rgba(colour)
    alpha = (1.0 if alpha is None else float(alpha)) * rgba[3]
    return (to_hex(rgba), round(alpha, 3), round(float(width), 2), tuple(round(float(d), 2) for d in dash),
            marker, round(float(size), 2), face)


@functools.lru_cache(maxsize=None)
def text_style(raw: tuple) -> tuple:
    """(colour, size in CSS px, ha, va, weight, rotation) from `record`'s raw text style."""
    colour, size, ha, va, weight, rotation = raw
    bold = weight in ("bold", "heavy", "extra bold", "black", "semibold", "demibold", "demi") or (
        isinstance(weight, (int, float)) and weight >= 600)
    return (to_hex(colour), round(size * PT, 2), ha, va, "bold" if bold else "normal", float(rotation))


def describe(artist) -> str:
    if isinstance(artist, Text):
        return repr(artist.get_text())
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    return repr(label) if label and not label.startswith("_") else "(unlabelled)"
