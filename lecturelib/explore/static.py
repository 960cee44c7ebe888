"""The static explorer: an explorer's figures precomputed for a grid of settings, steered in
the browser with no kernel (static.js draws; docs/static-explorer.md is the contract between
the JSON written here and the script that reads it).

`capture(explorer, grid, background)` calls `explorer.update(**setting)` for every setting of
the grid and reads the figure's artists (artists.py), so the numbers on the page are the ones
lecturelib computes. The settings are the grid's cartesian product, except that a control the
explorer shows only for some values of a menu (`Explorer.shown_when`) varies only with those
values and otherwise stays at its initial value: the count is a sum over the menu's values. Artists that never change between settings sharing a
background go into that background's PNG; the others are shipped as data:

* every Line2D and LineCollection: its points in CSS px of the figure (100 px per inch, origin
  top-left), stored as integers in 1/SCALE px, cut, simplified and rounded as pixels.py says,
  and its style;
* every plain Text that changes (axes titles, suptitle): its string and anchor.

What matplotlib draws over a shipped line cannot be in the background, which lies under the
canvas: each axes' legend, the unchanging lines it draws after a shipped one (zorder, then the
order they were added; chapter 4's minimum star) and the figure's legends become overlays,
each drawn alone on a transparent figure at IMAGE_ZOOM ×, cropped to what it covers, left out
of the background and drawn by static.js on the canvas after the lines:
`"overlays": {image key: [{"src": PNG data URL (RGBA), "x", "y", "w", "h"}, ...]}` (1/SCALE CSS
px, in drawing order; a list may be empty; data without the key draws none). Spines and ticks,
which matplotlib also draws over lines, stay in the background: a shipped line meets them only
at the edge of its axes, where it is clipped.

Frames are deduplicated by content. Background PNGs are drawn at IMAGE_ZOOM × for sharp
high-DPI screens and palette-quantised to PNG_COLOURS colours (PIL fast octree: a quarter of the bytes of
the RGBA PNG, no visible change).

Axis limits must be fixed within a background group: where the live explorer moves them with a
parameter (chapter 2's y-limits follow the curve), the static figure uses the union of the
group's limits. Anything else that changes inside a group (patches, images, contour visibility,
legend texts, which are laid out at draw time) cannot be captured and raises a ValueError
naming the artist and the controls to put in `background`.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from ..validation import check_real
from .artists import Inventory, Table, describe, line_style, record, signature, text_style
from .pixels import CSS_PX_PER_INCH, SCALE, clip_index, cut_box, encode, rectangle

IMAGE_ZOOM = 2         # background PNG pixels per CSS px
PNG_COLOURS = 64
MAX_SETTINGS = 20_000  # a grid larger than this would take minutes to capture


@dataclass
class StaticExplorer:
    """The captured explorer: `data` is the JSON of the contract, `html()` the self-contained
    HTML (JSON, static.css and static.js inlined), shown by Jupyter via `_repr_html_`.
    `limits[image key]` holds each axes' (xlim, ylim, xscale, yscale) of that background."""

    data: dict
    limits: dict = field(default_factory=dict)
    seconds: float = 0.0

    def html(self) -> str:
        text = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
        return (f'<div class="lx-explorer" data-lx-name="{_attribute(self.data["name"])}">'
                f'<script type="application/json" class="lx-data">{text}</script></div>\n'
                f'<style class="lx-style">{_asset("static.css")}</style>\n'
                f'<script class="lx-script">{_asset("static.js")}</script>\n')

    def _repr_html_(self) -> str:
        return self.html()

    @property
    def size_bytes(self) -> int:
        return len(self.html().encode("utf-8"))


def _asset(name: str) -> str:
    path = Path(__file__).with_name(name)
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def capture(explorer, grid=None, background=(), *, name="explorer", title="", caption="",
            labels=None) -> StaticExplorer:
    """`explorer` precomputed for every setting of `grid` (see `Explorer.static` for the
    arguments and what is raised); leaves the figure as it was (its data, limits, visibility, dpi)."""
    started = time.perf_counter()
    names = list(explorer.controls)
    grid, background, labels, initial, indices = checked_arguments(explorer, grid, background, name=name, title=title,
                                                                   caption=caption, labels=labels)
    fig, shown = explorer.fig, dict(explorer._shown)
    inventory = Inventory(fig)
    saved = (fig.get_dpi(), [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes], inventory.visibility())
    try:
        fig.set_dpi(CSS_PX_PER_INCH)
        data, limits = _capture(explorer, inventory, names, grid, background, indices)
    finally:
        explorer.update(**shown)
        dpi, axes_limits, visible = saved
        for ax, (xlim, ylim) in zip(fig.axes, axes_limits):
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
        inventory.restore(visible)
        fig.set_dpi(dpi)
    width, height = (round(v * CSS_PX_PER_INCH) for v in fig.get_size_inches())
    labels = {**explorer.labels, **labels}
    controls = []
    for control, first in zip(names, initial):
        values = grid[control]
        menu = all(isinstance(v, str) for v in values)
        controls.append({"name": control, "label": labels.get(control, control), "kind": "menu" if menu else "slider",
                         "options": [v if menu else f"{v:g}" for v in values], "initial": first})
        if control in explorer.shown_when:
            owner, values = explorer.shown_when[control]
            controls[-1]["when"] = {"control": owner,
                                    "options": [i for i, v in enumerate(grid[owner]) if v in values]}
    data = {"version": 1, "name": name, "title": title or name, "width": width, "height": height,
            "scale": SCALE, "controls": controls, "background": list(background), **data}
    if caption:
        data["caption"] = caption
    return StaticExplorer(data, limits, time.perf_counter() - started)


def checked_arguments(explorer, grid=None, background=(), *, name="explorer", title="", caption="", labels=None):
    """The arguments of `capture`, checked (it raises as `Explorer.static` says) without drawing
    anything: (grid, background, labels, each control's initial index, the settings' indices)."""
    names = list(explorer.controls)
    grid = _check_grid(explorer, grid)
    background = _check_background(names, background)
    labels = {} if labels is None else labels
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise TypeError(f"labels must be a dict of control name -> label (a string), got {labels!r}")
    unknown = [label for label in labels if label not in names]
    if unknown:
        raise TypeError(f"labels names {unknown[0]!r}, which is not a control; the controls are {', '.join(names)}")
    for value, argument in ((name, "name"), (title, "title"), (caption, "caption")):
        if not isinstance(value, str):
            raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    initial = [_initial(grid[c], explorer.defaults[c], all(isinstance(v, str) for v in grid[c])) for c in names]
    return grid, background, labels, initial, _settings(explorer, names, grid, initial)


def _check_grid(explorer, grid) -> dict:
    """Every control -> the list of its values offered (default: all), each one the control offers."""
    if grid is None:
        grid = {}
    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict of control name -> list of values, got {type(grid).__name__}")
    unknown = [control for control in grid if control not in explorer.controls]
    if unknown:
        raise TypeError(f"grid names {unknown[0]!r}, which is not a control of this explorer; "
                        f"the controls are {', '.join(explorer.controls)}")
    checked = {}
    for control, offered in explorer.controls.items():
        offered = list(offered)
        values = grid.get(control, offered)
        if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
            raise TypeError(f"grid[{control!r}] must be a list of values, got {type(values).__name__}")
        values = list(values)
        if not values:
            raise ValueError(f"grid[{control!r}] must offer at least one value, got none")
        menu = all(isinstance(v, str) for v in offered)
        chosen = []
        for value in values:
            if not menu:
                check_real(value, f"grid[{control!r}]")
            matches = [v for v in offered if (v == value if menu else isinstance(value, (int, float, np.number))
                                              and not isinstance(value, (bool, np.bool_)) and float(v) == float(value))]
            if not matches:
                shown = ", ".join(str(v) if menu else f"{v:g}" for v in offered)
                raise ValueError(f"grid[{control!r}] holds {value!r}, which the control {control} does not "
                                 f"offer; it offers {shown}")
            chosen.append(matches[0] if menu else float(matches[0]) if isinstance(matches[0], float) else matches[0])
        if len(set(map(str, chosen))) < len(chosen):
            raise ValueError(f"grid[{control!r}] repeats a value: {values}")
        checked[control] = chosen
    return checked


def _settings(explorer, names, grid, initial) -> list[tuple[int, ...]]:
    """Every setting the page offers, as option indices in control order, sorted: each
    combination of the controls shown, with a hidden control at its initial option (a control
    with `shown_when` varies only with the menu values that show it). Raises ValueError for more
    than MAX_SETTINGS settings."""
    free = [n for n in names if n not in explorer.shown_when]
    combinations = list(itertools.product(*(range(len(grid[n])) for n in free)))
    options = []
    for combination in combinations:
        chosen = dict(zip(free, combination))
        options.append([[chosen[n]] if n in chosen else
                        range(len(grid[n])) if grid[explorer.shown_when[n][0]][chosen[explorer.shown_when[n][0]]]
                        in explorer.shown_when[n][1] else [first] for n, first in zip(names, initial)])
    count = sum(int(np.prod([len(o) for o in option])) for option in options)
    if count > MAX_SETTINGS:
        raise ValueError(f"grid has {count} settings (the product of its lists' lengths, a control hidden by "
                         f"shown_when counting only with the menu values that show it); at most "
                         f"{MAX_SETTINGS} can be captured: offer fewer values per control")
    return sorted(set(itertools.chain.from_iterable(itertools.product(*option) for option in options)))


def _check_background(names, background) -> tuple:
    if isinstance(background, str) or not isinstance(background, (tuple, list)):
        raise TypeError(f"background must be a tuple of control names, got {background!r}")
    for control in background:
        if control not in names:
            raise ValueError(f"background names {control!r}, which is not a control; the controls are "
                             f"{', '.join(names)}")
    if len(set(background)) < len(background):
        raise ValueError(f"background repeats a control: {list(background)}")
    return tuple(c for c in names if c in background)  # in control order


def _initial(values, default, menu) -> int:
    if default in values:
        return values.index(default)
    if menu:
        return 0
    return int(np.argmin([abs(float(v) - float(default)) for v in values]))


def _capture(explorer, inventory, names, grid, background, indices):
    """Run every setting (`indices`: option indices per control); group them by background;
    render the images; build the frames."""
    fig, records, limits_of, signatures = explorer.fig, Table(), Table(), Table()
    positions = [names.index(b) for b in background]
    runs = []  # per setting: (group key, limits id, fixed-artists id, shipped record ids)
    for index in indices:
        explorer.update(**{n: grid[n][i] for n, i in zip(names, index)})
        runs.append((tuple(index[p] for p in positions),
                     limits_of(tuple((ax.get_xlim(), ax.get_ylim()) for ax in fig.axes)),
                     signatures(tuple(signature(a) for a in inventory.fixed)),
                     tuple(records(record(a)) for a in inventory.shipped)))
    groups = {}
    for n, run in enumerate(runs):
        groups.setdefault(run[0], []).append(n)
    styles, text_styles, frames = Table(), Table(), Table()
    images, overlays, clips, settings, limits = {}, {}, {}, {}, {}
    for key, members in groups.items():
        first = runs[members[0]]
        for n in members:
            if runs[n][2] != first[2]:
                _explain(inventory, signatures, first, runs[n], names, indices[members[0]], indices[n], grid)
        union = _union([limits_of.records[runs[n][1]] for n in members])
        varying = [j for j in range(len(inventory.shipped)) if any(runs[n][3][j] != first[3][j] for n in members)]
        image_key = ",".join(map(str, key))
        explorer.update(**{c: grid[c][i] for c, i in zip(names, indices[members[0]])})
        for ax, (xlim, ylim) in zip(fig.axes, union):
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
        shown = [inventory.shipped[j] for j in varying]
        images[image_key], overlays[image_key] = _render(explorer, shown, _above(fig, shown))
        height = fig.bbox.height
        clips[image_key] = [rectangle(ax.bbox.bounds, height) for ax in fig.axes]
        limits[image_key] = [(ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()) for ax in fig.axes]
        made = {}
        for n in members:
            content = tuple(runs[n][3][j] for j in varying)
            if content not in made:
                frame = _frame([(inventory.shipped[j], records.records[runs[n][3][j]]) for j in varying],
                               fig, styles, text_styles)
                made[content] = frames(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
            settings[",".join(map(str, indices[n]))] = made[content]
    data = {"images": images, "overlays": overlays, "clips": clips,
            "styles": [dict(zip(("color", "alpha", "width", "dash", "marker", "size", "face"),
                                (c, a, w, list(d), m, s, f))) for c, a, w, d, m, s, f in styles.records],
            "text_styles": [dict(zip(("x", "y", "size", "color", "ha", "va", "weight", "rotation"), t))
                            for t in text_styles.records],
            "frames": [json.loads(f) for f in frames.records], "settings": settings}
    return data, limits


def _explain(inventory, signatures, first, other, names, index_a, index_b, grid):
    a, b = signatures.records[first[2]], signatures.records[other[2]]
    j = next(j for j in range(len(a)) if a[j] != b[j])
    artist = inventory.fixed[j]
    differ = [n for n, i, k in zip(names, index_a, index_b) if i != k]
    raise ValueError(f"cannot capture {type(artist).__name__} {describe(artist)}: it changes between settings "
                     f"that share a background ({', '.join(f'{n} = {grid[n][i]}' for n, i in zip(names, index_a))} "
                     f"and {', '.join(f'{n} = {grid[n][i]}' for n, i in zip(names, index_b))}); only lines "
                     f"and titles can change: add the controls it depends on (among {', '.join(differ)}) "
                     f"to background")


def _union(limit_sets):
    """Each axes' limits covering every setting of the group (orientation of the first kept)."""
    union = []
    for per_axes in zip(*limit_sets):
        pair = []
        for axis in range(2):
            lows = [min(lim[axis]) for lim in per_axes]
            highs = [max(lim[axis]) for lim in per_axes]
            first = per_axes[0][axis]
            span = (min(lows), max(highs))
            pair.append(span if first[0] <= first[1] else span[::-1])
        union.append(tuple(pair))
    return union


def _above(fig, varying) -> list:
    """The unchanging artists matplotlib draws over a shipped line, in drawing order: each
    axes' legend and lines after (by zorder, then as added) the first line shipped in it, and
    the figure's legends."""
    above = []
    for ax in fig.axes:
        shipped = [a for a in varying if a.axes is ax and not isinstance(a, Text)]
        if not shipped:
            continue
        order = sorted(ax.get_children(), key=lambda a: a.get_zorder())  # stable, as Axes.draw
        after = order[min(order.index(a) for a in shipped) + 1:]
        above += [a for a in after if a.get_visible() and all(a is not v for v in varying)
                  and (a is ax.get_legend() or isinstance(a, Line2D))]
    if any(not isinstance(a, Text) for a in varying):
        above += [legend for legend in fig.legends if legend.get_visible()]
    return above


def _render(explorer, hidden, above) -> tuple[str, list]:
    """The background PNG without `hidden` and `above`, and the overlays: each of `above`
    drawn alone on a transparent figure, cropped to what it covers."""
    fig, canvas = explorer.fig, explorer._canvas
    was = [a.get_visible() for a in hidden + above]
    for artist in hidden + above:
        artist.set_visible(False)
    fig.set_dpi(CSS_PX_PER_INCH * IMAGE_ZOOM)
    layers = []
    try:
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
        for artist in above:
            renderer = RendererAgg(*canvas.get_width_height(), fig.dpi)
            artist.set_visible(True)
            artist.draw(renderer)
            artist.set_visible(False)
            layers.append(np.array(renderer.buffer_rgba()))
    finally:
        fig.set_dpi(CSS_PX_PER_INCH)
        for artist, v in zip(hidden + above, was):
            artist.set_visible(v)
    return _png(image), [overlay for overlay in map(_overlay, layers) if overlay]


def _overlay(layer) -> dict | None:
    """An RGBA figure-sized layer as the contract's overlay: its covered part as a PNG and
    where it goes (1/SCALE CSS px)."""
    rows, columns = np.flatnonzero(layer[..., 3].any(axis=1)), np.flatnonzero(layer[..., 3].any(axis=0))
    if not len(rows):
        return None
    (r0, r1), (c0, c1) = (rows[0], rows[-1] + 1), (columns[0], columns[-1] + 1)
    to = SCALE / IMAGE_ZOOM
    return {"src": _png(Image.fromarray(layer[r0:r1, c0:c1], "RGBA")),
            "x": round(c0 * to), "y": round(r0 * to), "w": round((c1 - c0) * to), "h": round((r1 - r0) * to)}


def _png(image) -> str:
    image = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _frame(shown, fig, styles, text_styles) -> dict:
    """One frame: the varying artists as they are in one setting."""
    height = fig.bbox.height
    lines, texts = [], []
    for artist, now in shown:
        if not now[0]:
            continue
        if isinstance(artist, Text):
            if now[1]:
                x, y = artist.get_transform().transform(now[2])
                colour, size, ha, va, weight, rotation = text_style(now[3])
                style = (round(x * SCALE), round((height - y) * SCALE), size, colour, ha, va, weight, rotation)
                texts.append([text_styles(style), now[1]])
            continue
        clip = clip_index(artist, fig)
        box = cut_box(fig, clip)
        transform = artist.get_transform()
        if isinstance(artist, Line2D):
            xy = np.column_stack([np.frombuffer(now[1]), np.frombuffer(now[2])])
            parts = [(xy, line_style(now[3]))]
        else:
            parts = [(np.frombuffer(s).reshape(-1, 2), now[2][i % len(now[2])]) for i, s in enumerate(now[1])]
        for points, style in parts:
            if len(points) == 0:
                continue
            px = transform.transform(points)
            px[:, 1] = height - px[:, 1]
            coordinates = encode(px, box, style)
            if coordinates:
                lines.append([styles(style), clip, coordinates])
    return {"lines": lines, "texts": texts}
