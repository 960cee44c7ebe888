"""The static explorer: an explorer's figures precomputed for a grid of settings, steered in
the browser with no kernel (the contract is /work/notes/static_contract.md; static.js draws).

`capture(explorer, grid, background)` calls `explorer.update(**setting)` for every setting of
the grid's cartesian product and reads the figure's artists, so the numbers on the page are the
ones lecturelib computes. Artists that never change between settings sharing a background go
into that background's PNG; the others are shipped as data:

* every Line2D and LineCollection: its points in CSS px of the figure (100 px per inch, origin
  top-left), stored as integers in 1/SCALE px, and its style;
* every plain Text that changes (axes titles, suptitle): its string and anchor.

Shrinking, all of it below what the eye sees at 100 px per inch: a line is cut to its axes'
rectangle widened by MARGIN_PX (exact Liang–Barsky clipping, so a diverging path still leaves
the axes as in the live figure; NaN/inf break the line as in matplotlib), then simplified by
Ramer–Douglas–Peucker with tolerance TOLERANCE_PX (every dropped point lies within 0.25 px of
the drawn polyline); of a line's markers, consecutive ones closer than MIN_STEP_PX are merged.
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
import functools
import io
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from ..validation import check_real

CSS_PX_PER_INCH = 100
SCALE = 10             # coordinates in 1/10 CSS px
IMAGE_ZOOM = 2         # background PNG pixels per CSS px
PNG_COLOURS = 64
TOLERANCE_PX = 0.25    # Ramer–Douglas–Peucker tolerance of a line
MIN_STEP_PX = 0.3      # markers closer than this to the previous one are merged
MARGIN_PX = 20         # lines are cut this far outside their clip rectangle (beyond any marker)
MAX_SETTINGS = 20_000  # a grid larger than this would take minutes to capture
MARKERS = {"None": "", "none": "", "": "", " ": "", "o": "o", "*": "*", "^": "^", "s": "s", ".": "."}
PT = CSS_PX_PER_INCH / 72  # CSS px per typographic point


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
                f'<style id="lx-style">{_asset("static.css")}</style>\n'
                f'<script id="lx-script">{_asset("static.js")}</script>\n')

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
    fig, shown = explorer.fig, dict(explorer._shown)
    inventory = _Inventory(fig)
    saved = (fig.get_dpi(), [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes], inventory.visibility())
    try:
        fig.set_dpi(CSS_PX_PER_INCH)
        data, limits = _capture(explorer, inventory, names, grid, background)
    finally:
        explorer.update(**shown)
        dpi, axes_limits, visible = saved
        for ax, (xlim, ylim) in zip(fig.axes, axes_limits):
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
        inventory.restore(visible)
        fig.set_dpi(dpi)
    width, height = (round(v * CSS_PX_PER_INCH) for v in fig.get_size_inches())
    controls = []
    for control in names:
        values = grid[control]
        menu = all(isinstance(v, str) for v in values)
        controls.append({"name": control, "label": labels.get(control, control), "kind": "menu" if menu else "slider",
                         "options": [v if menu else f"{v:g}" for v in values],
                         "initial": _initial(values, explorer.defaults[control], menu)})
    data = {"version": 1, "name": name, "title": title or name, "width": width, "height": height,
            "scale": SCALE, "controls": controls, "background": list(background), **data}
    if caption:
        data["caption"] = caption
    return StaticExplorer(data, limits, time.perf_counter() - started)


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
    count = int(np.prod([len(v) for v in checked.values()]))
    if count > MAX_SETTINGS:
        raise ValueError(f"grid has {count} settings (the product of its lists' lengths); at most "
                         f"{MAX_SETTINGS} can be captured: offer fewer values per control")
    return checked


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


class _Inventory:
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


class _Table:
    """Interns hashable records: equal records get one id."""

    def __init__(self):
        self.ids, self.records = {}, []

    def __call__(self, record) -> int:
        if record not in self.ids:
            self.ids[record] = len(self.records)
            self.records.append(record)
        return self.ids[record]


def _record(artist):
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
        return (visible, segments, _collection_styles(artist))
    style = (_hashable(artist.get_color()), artist.get_fontsize(), artist.get_ha(), artist.get_va(),
             artist.get_weight(), artist.get_rotation())
    return (visible, artist.get_text(), tuple(artist.get_position()), style)


def _hashable(value):
    return tuple(np.ravel(value).tolist()) if isinstance(value, (np.ndarray, list)) else value


def _signature(artist):
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
def _line_style(raw: tuple) -> tuple:
    """The contract's style of a line from `_record`'s raw style."""
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


def _collection_styles(collection: LineCollection) -> tuple:
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
def _text_style(raw: tuple) -> tuple:
    """(colour, size in CSS px, ha, va, weight, rotation) from `_record`'s raw text style."""
    colour, size, ha, va, weight, rotation = raw
    bold = weight in ("bold", "heavy", "extra bold", "black", "semibold", "demibold", "demi") or (
        isinstance(weight, (int, float)) and weight >= 600)
    return (to_hex(colour), round(size * PT, 2), ha, va, "bold" if bold else "normal", float(rotation))


def _capture(explorer, inventory, names, grid, background):
    """Run every setting; group them by background; render the images; build the frames."""
    fig, records, limits_of, signatures = explorer.fig, _Table(), _Table(), _Table()
    indices = list(itertools.product(*(range(len(grid[n])) for n in names)))
    positions = [names.index(b) for b in background]
    runs = []  # per setting: (group key, limits id, fixed-artists id, shipped record ids)
    for index in indices:
        explorer.update(**{n: grid[n][i] for n, i in zip(names, index)})
        runs.append((tuple(index[p] for p in positions),
                     limits_of(tuple((ax.get_xlim(), ax.get_ylim()) for ax in fig.axes)),
                     signatures(tuple(_signature(a) for a in inventory.fixed)),
                     tuple(records(_record(a)) for a in inventory.shipped)))
    groups = {}
    for n, run in enumerate(runs):
        groups.setdefault(run[0], []).append(n)
    styles, text_styles, frames = _Table(), _Table(), _Table()
    images, clips, settings, limits = {}, {}, {}, {}
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
        images[image_key] = _background_png(explorer, [inventory.shipped[j] for j in varying])
        height = fig.bbox.height
        clips[image_key] = [_rectangle(ax.bbox.bounds, height) for ax in fig.axes]
        limits[image_key] = [(ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()) for ax in fig.axes]
        made = {}
        for n in members:
            content = tuple(runs[n][3][j] for j in varying)
            if content not in made:
                frame = _frame([(inventory.shipped[j], records.records[runs[n][3][j]]) for j in varying],
                               fig, styles, text_styles)
                made[content] = frames(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
            settings[",".join(map(str, indices[n]))] = made[content]
    data = {"images": images, "clips": clips,
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
    raise ValueError(f"cannot capture {type(artist).__name__} {_describe(artist)}: it changes between settings "
                     f"that share a background ({', '.join(f'{n} = {grid[n][i]}' for n, i in zip(names, index_a))} "
                     f"and {', '.join(f'{n} = {grid[n][i]}' for n, i in zip(names, index_b))}); only lines "
                     f"and titles can change: add the controls it depends on (among {', '.join(differ)}) "
                     f"to background")


def _describe(artist) -> str:
    if isinstance(artist, Text):
        return repr(artist.get_text())
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    return repr(label) if label and not label.startswith("_") else "(unlabelled)"


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


def _background_png(explorer, hidden) -> str:
    fig, canvas = explorer.fig, explorer._canvas
    was = [a.get_visible() for a in hidden]
    for artist in hidden:
        artist.set_visible(False)
    fig.set_dpi(CSS_PX_PER_INCH * IMAGE_ZOOM)
    try:
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    finally:
        fig.set_dpi(CSS_PX_PER_INCH)
        for artist, v in zip(hidden, was):
            artist.set_visible(v)
    image = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _rectangle(bounds, height) -> list:
    x, y, w, h = bounds
    return [round(x * SCALE), round((height - y - h) * SCALE), round(w * SCALE), round(h * SCALE)]


def _frame(shown, fig, styles, text_styles) -> dict:
    """One frame: the varying artists as they are in one setting."""
    height = fig.bbox.height
    lines, texts = [], []
    for artist, record in shown:
        if not record[0]:
            continue
        if isinstance(artist, Text):
            if record[1]:
                x, y = artist.get_transform().transform(record[2])
                colour, size, ha, va, weight, rotation = _text_style(record[3])
                style = (round(x * SCALE), round((height - y) * SCALE), size, colour, ha, va, weight, rotation)
                texts.append([text_styles(style), record[1]])
            continue
        clip = _clip_index(artist, fig)
        box = _box(fig, clip)
        transform = artist.get_transform()
        if isinstance(artist, Line2D):
            xy = np.column_stack([np.frombuffer(record[1]), np.frombuffer(record[2])])
            parts = [(xy, _line_style(record[3]))]
        else:
            parts = [(np.frombuffer(s).reshape(-1, 2), record[2][i % len(record[2])]) for i, s in enumerate(record[1])]
        for points, style in parts:
            if len(points) == 0:
                continue
            px = transform.transform(points)
            px[:, 1] = height - px[:, 1]
            coordinates = _encode(px, box, style)
            if coordinates:
                lines.append([styles(style), clip, coordinates])
    return {"lines": lines, "texts": texts}


def _clip_index(artist, fig) -> int:
    if not artist.get_clip_on() or artist.get_clip_box() is None:
        return -1
    bounds = artist.get_clip_box().bounds
    for i, ax in enumerate(fig.axes):
        if np.allclose(ax.bbox.bounds, bounds):
            return i
    return -1


def _box(fig, clip):
    """The rectangle (CSS px, y down) a line is cut to: its clip rectangle widened by MARGIN_PX."""
    if clip < 0:
        x0, y0, x1, y1 = 0.0, 0.0, fig.bbox.width, fig.bbox.height
    else:
        x, y, w, h = fig.axes[clip].bbox.bounds
        x0, y0, x1, y1 = x, fig.bbox.height - y - h, x + w, fig.bbox.height - y
    return x0 - MARGIN_PX, y0 - MARGIN_PX, x1 + MARGIN_PX, y1 + MARGIN_PX


def _encode(px, box, style) -> list:
    """A line's CSS-px points as the flat integer list of the contract (None breaks the line)."""
    has_line, has_markers = style[2] > 0, bool(style[4])
    finite = np.isfinite(px).all(axis=1)
    pieces = []
    for run in np.split(px, np.flatnonzero(np.diff(finite.astype(int)))+ 1):
        if not np.isfinite(run).all() or len(run) == 0:
            continue
        if has_line:
            for piece in _cut(run, box):
                pieces.append(_thin(piece) if has_markers else _simplify(piece, TOLERANCE_PX))
        else:
            inside = run[(run[:, 0] >= box[0]) & (run[:, 0] <= box[2]) & (run[:, 1] >= box[1]) & (run[:, 1] <= box[3])]
            if len(inside):
                pieces.append(_thin(inside))
    flat = []
    for piece in pieces:
        q = np.round(piece * SCALE).astype(np.int64)
        if len(q) > 1:
            q = q[np.concatenate([[True], np.any(np.diff(q, axis=0) != 0, axis=1)])]
        if flat:
            flat += [None, None]
        flat += q.ravel().tolist()
    return flat


def _cut(points, box):
    """The parts of a polyline inside `box` (x0, y0, x1, y1), cut exactly (Liang–Barsky)."""
    x0, y0, x1, y1 = box
    inside = (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    if inside.all():
        return [points]
    if len(points) == 1:
        return []
    a, d = points[:-1], np.diff(points, axis=0)
    t0, t1 = np.zeros(len(d)), np.ones(len(d))
    keep = np.ones(len(d), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]), (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            r = q / p
            keep &= ~((p == 0) & (q < 0))
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    starts, ends = a + t0[:, None] * d, a + t1[:, None] * d
    pieces, current = [], None
    for i in np.flatnonzero(keep):
        joined = current is not None and i > 0 and keep[i - 1] and t1[i - 1] == 1 and t0[i] == 0
        if not joined:
            if current:
                pieces.append(np.array(current))
            current = [starts[i]]
        current.append(ends[i])
    if current:
        pieces.append(np.array(current))
    return pieces


def _simplify(points, tolerance):
    """Ramer–Douglas–Peucker: the fewest points such that every dropped one lies within
    `tolerance` of the polyline through the kept ones."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, d, between = points[i], points[j] - points[i], points[i + 1:j]
        length2 = float(d @ d)
        t = np.clip((between - a) @ d / length2, 0, 1) if length2 > 0 else np.zeros(len(between))
        distance = np.hypot(*(between - a - t[:, None] * d).T)
        k = int(np.argmax(distance))
        if distance[k] > tolerance:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return points[keep]


def _thin(points):
    """Markers: drop each one closer than MIN_STEP_PX to the previous one kept."""
    if len(points) < 2 or np.all(np.hypot(*np.diff(points, axis=0).T) >= MIN_STEP_PX):
        return points
    kept = [points[0]]
    for p in points[1:]:
        if np.hypot(*(p - kept[-1])) >= MIN_STEP_PX:
            kept.append(p)
    return np.array(kept)
