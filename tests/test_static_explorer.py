"""The static explorer ships what lecturelib computes: its frames against the live figure's
artists and against `trajectory.run` itself, transformed to pixels by hand from the axes'
limits and rectangles (not with the capture code); the JSON is complete; the HTML is
self-contained and within budget; bad input is refused clearly; the live figure is untouched."""

import base64
import functools
import io
import itertools
import json
import re

import numpy as np
import pytest
from hypothesis import given, settings as hypothesis_settings
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.text import Text

from bad_input import bad_numbers, clear_answer
from lecturelib import optim, problems, trajectory
from lecturelib.explore import (DESCENT_STARTS, STATIC_EXPLORERS, activation_explorer, backward_explorer,
                                damping_explorer, descent_explorer)

pytestmark = pytest.mark.usefixtures("book_build")  # the capture, as in the build (_ext/build_only.py)

BUDGET_BYTES = 1_500_000
# shipped precision (0.1 px) + rounding of the clip rectangle + line simplification (0.25 px)
TOLERANCE = 0.1 + 0.1 + 0.25
MARKER_TOLERANCE = TOLERANCE + 0.3  # consecutive markers closer than 0.3 px are merged


@functools.cache
def built(name):
    build, grid = STATIC_EXPLORERS[name]
    explorer = build()
    static = explorer.static(**grid())
    return explorer, static, static.html()


def shown_controls(data, indices):
    """Which controls a setting (option indices) shows: those without "when", and those whose
    menu has one of the options listed (the contract, read here without static.py)."""
    names = [c["name"] for c in data["controls"]]
    return [not c.get("when") or indices[names.index(c["when"]["control"])] in c["when"]["options"]
            for c in data["controls"]]


def key_of(data, setting):
    """The settings key of `setting` (control -> value), found through the options' strings; a
    hidden control counts as its initial option."""
    indices = []
    for control in data["controls"]:
        value = setting[control["name"]]
        shown = value if isinstance(value, str) else f"{value:g}"
        indices.append(control["options"].index(shown))
    return ",".join(str(i if shown else c["initial"])
                    for i, shown, c in zip(indices, shown_controls(data, indices), data["controls"]))


def image_key(data, key):
    names = [c["name"] for c in data["controls"]]
    indices = key.split(",")
    return ",".join(indices[names.index(b)] for b in data["background"])


def value_of(control, index):
    option = control["options"][index]
    if control["kind"] == "menu":
        return option
    number = float(option)
    return int(number) if number.is_integer() and control["name"] in ("n_centres", "m", "step") else number


def polylines(flat, scale):
    """The shipped flat list [x0, y0, x1, y1, None, None, ...] as arrays of CSS px, one per piece."""
    pieces, current = [], []
    for j in range(0, len(flat), 2):
        if flat[j] is None:
            pieces.append(current)
            current = []
        else:
            current.append((flat[j] / scale, flat[j + 1] / scale))
    pieces.append(current)
    return [np.array(p, dtype=float) for p in pieces if p]


def to_pixels(x, y, rectangle, limits):
    """Data -> CSS px by hand: the axes' rectangle [x, y, w, h] (y down) and its limits."""
    (x0, x1), (y0, y1), xscale, yscale = limits
    x, y = np.asarray(x, float), np.asarray(y, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if xscale == "log":
            x, x0, x1 = np.log10(x), np.log10(x0), np.log10(x1)
        if yscale == "log":
            y, y0, y1 = np.log10(y), np.log10(y0), np.log10(y1)
    left, top, width, height = rectangle
    return np.column_stack([left + (x - x0) / (x1 - x0) * width, top + (y1 - y) / (y1 - y0) * height])


def distance_to_polyline(points, line):
    """Each point's distance to the polyline `line` (or to its single point)."""
    if len(line) == 1:
        return np.hypot(*(points - line[0]).T)
    a, b = line[:-1], line[1:]
    d = b - a
    length2 = np.maximum((d ** 2).sum(axis=1), 1e-300)
    t = np.clip(((points[:, None, :] - a[None]) * d[None]).sum(axis=2) / length2, 0, 1)
    nearest = a[None] + t[..., None] * d[None]
    return np.hypot(*(points[:, None, :] - nearest).transpose(2, 0, 1)).min(axis=1)


def inside(points, rectangle, margin=0.0):
    left, top, width, height = rectangle
    return ((points[:, 0] >= left - margin) & (points[:, 0] <= left + width + margin)
            & (points[:, 1] >= top - margin) & (points[:, 1] <= top + height + margin))


def assert_same_curve(shipped, reference, rectangle, markers=False):
    """Every shipped point lies near the reference polyline, and every reference point inside
    the axes lies near the shipped one (markers: near a shipped marker)."""
    finite = reference[np.isfinite(reference).all(axis=1)]
    tolerance = MARKER_TOLERANCE if markers else TOLERANCE
    for piece in shipped:
        if markers:
            gap = np.min(np.hypot(*(piece[:, None, :] - finite[None]).transpose(2, 0, 1)), axis=1)
        else:
            gap = distance_to_polyline(piece, finite)
        assert gap.max() <= tolerance, f"a shipped point is {gap.max():.2f} px off the computed curve"
    seen = finite[inside(finite, rectangle)]
    if len(seen):
        everything = np.concatenate(shipped)
        if markers:
            gap = np.min(np.hypot(*(seen[:, None, :] - everything[None]).transpose(2, 0, 1)), axis=1)
        else:
            gap = np.min([distance_to_polyline(seen, piece) for piece in shipped], axis=0)
        assert gap.max() <= tolerance, f"a computed point is {gap.max():.2f} px from the shipped curve"


def reference_lines(explorer, data, key, static):
    """Every visible line of the live figure (after `update`), transformed by hand: colour ->
    list of (pixels, axes index, has markers)."""
    rectangles = [[v / data["scale"] for v in r] for r in data["clips"][image_key(data, key)]]
    limits = static.limits[image_key(data, key)]
    found = {}
    for i, ax in enumerate(explorer.fig.axes):
        for artist in ax.lines:
            if artist.get_visible() and len(artist.get_xdata()):
                pixels = to_pixels(artist.get_xdata(), artist.get_ydata(), rectangles[i], limits[i])
                found.setdefault(to_hex(artist.get_color()), []).append(
                    (pixels, i, artist.get_linestyle() in ("None", "")))
        for artist in ax.collections:
            if type(artist) is LineCollection and artist.get_visible():
                colour = to_hex(artist.get_colors()[0])
                for segment in artist.get_segments():
                    found.setdefault(colour, []).append(
                        (to_pixels(segment[:, 0], segment[:, 1], rectangles[i], limits[i]), i, False))
    return found, rectangles


def check_frame_against_live(explorer, static, setting):
    data = static.data
    key = key_of(data, setting)
    explorer.update(**setting)
    frame = data["frames"][data["settings"][key]]
    found, rectangles = reference_lines(explorer, data, key, static)
    for style_index, clip, flat in frame["lines"]:
        style = data["styles"][style_index]
        candidates = [c for c in found.get(style["color"], []) if c[1] == clip]
        assert candidates, f"no live line of colour {style['color']} in axes {clip} for {setting}"
        shipped = polylines(flat, data["scale"])
        errors = []
        for pixels, _, markers_only in candidates:
            try:
                assert_same_curve(shipped, pixels, rectangles[clip], markers=style["width"] == 0)
                break
            except AssertionError as error:
                errors.append(str(error))
        else:
            pytest.fail(f"{setting}: the shipped {style['color']} line matches no live line: {errors[:3]}")
    live_texts = {t.get_text() for t in explorer.fig.findobj(Text)}
    for _, text in frame["texts"]:
        assert text in live_texts, f"{setting}: shipped text {text!r} is not on the live figure"


# every explorer whose frames are lines and texts over a background; chapter 3's backward pass
# ships a whole image per step (its boxes' colours change), checked by its own tests
LINE_EXPLORERS = sorted(set(STATIC_EXPLORERS) - {"backward"})


def sample_settings(data, count, seed):
    rng = np.random.default_rng(seed)
    controls = data["controls"]
    return [{c["name"]: value_of(c, int(rng.integers(len(c["options"])))) for c in controls}
            for _ in range(count)]


@pytest.mark.parametrize("name", LINE_EXPLORERS)
def test_shipped_frames_are_the_live_figures_lines_and_titles(name):
    explorer, static, _ = built(name)
    for setting in sample_settings(static.data, 6, seed=len(name)):
        check_frame_against_live(explorer, static, setting)


@pytest.mark.parametrize("name", LINE_EXPLORERS)
def test_every_line_that_changes_inside_a_background_is_shipped(name):
    explorer, static, _ = built(name)
    data = static.data
    first, second = sample_settings(data, 2, seed=7)
    for control in data["background"]:
        second[control] = first[control]  # the same background: what differs must be in the frames
    drawn = []
    for setting in (first, second):
        explorer.update(**setting)
        drawn.append([(np.asarray(a.get_xdata(), float).tobytes(), np.asarray(a.get_ydata(), float).tobytes())
                      for ax in explorer.fig.axes for a in ax.lines])
    lines = [a for ax in explorer.fig.axes for a in ax.lines]
    for setting in (first, second):
        frame = data["frames"][data["settings"][key_of(data, setting)]]
        colours = {data["styles"][s]["color"] for s, _, _ in frame["lines"]}
        for artist, before, after in zip(lines, *drawn):
            if before != after and len(artist.get_xdata()):
                assert to_hex(artist.get_color()) in colours, f"{setting}: a changing line is not shipped"


def rule_for(method, lr, beta):
    """The update rule as chapter 4 builds it: β for the rules whose registry entry has one."""
    entry = optim.REGISTRY[method]
    return entry.make(lr=lr, beta=beta) if "beta" in entry.hyper else entry.make(lr=lr)


@pytest.mark.parametrize("problem, method, lr, beta", [
    ("canyon", "momentum", 0.07248, 0.9),
    ("canyon", "SGD", 3.12368, 0.0),      # diverges: the path leaves the axes
    ("Rosenbrock", "Adam", 0.18572, 0.9),
    ("Rosenbrock", "Nesterov", 0.00066, 0.95),
    ("Rosenbrock", "momentum", 0.01104, 0.5),  # diverges
])
def test_descent_paths_are_trajectory_run_in_pixels(problem, method, lr, beta):
    _, static, _ = built("descent")
    data = static.data
    key = key_of(data, dict(problem=problem, method=method, lr=lr, beta=beta))
    landscape = {"canyon": problems.canyon(20.0), "Rosenbrock": problems.rosenbrock()}[problem]
    path = trajectory.run(rule_for(method, lr, beta), landscape, DESCENT_STARTS[problem], 150)
    rectangle = [v / data["scale"] for v in data["clips"][image_key(data, key)][0]]
    (x0, x1), (y0, y1) = landscape.window
    pixels = to_pixels(path.points[:, 0], path.points[:, 1], rectangle, ((x0, x1), (y0, y1), "linear", "linear"))
    frame = data["frames"][data["settings"][key]]
    shipped = [polylines(flat, data["scale"]) for s, clip, flat in frame["lines"]
               if data["styles"][s]["color"] == "#d55e00" and clip == 0]
    assert len(shipped) == 1, "one path per frame"
    assert_same_curve(shipped[0], pixels, rectangle)
    assert any(f"{lr:g}" in text for _, text in frame["texts"])


@pytest.mark.parametrize("name", sorted(STATIC_EXPLORERS))
def test_the_json_is_complete_and_every_index_is_valid(name):
    _, static, html = built(name)
    data = json.loads(re.search(r'class="lx-data">(.*?)</script>', html, re.S).group(1).replace("<\\/", "</"))
    assert data == json.loads(json.dumps(static.data))
    assert data["version"] == 1 and data["scale"] == 10 and data["title"]
    controls = data["controls"]
    sizes = [len(c["options"]) for c in controls]
    keys = {",".join(map(str, index)) for index in itertools.product(*map(range, sizes))  # hidden: initial
            if all(shown or i == c["initial"] for i, shown, c in zip(index, shown_controls(data, index), controls))}
    assert set(data["settings"]) == keys
    names = [c["name"] for c in controls]
    image_keys = {",".join(map(str, index)) for index in
                  itertools.product(*(range(sizes[names.index(b)]) for b in data["background"]))}
    assert set(data["images"]) == image_keys == set(data["clips"]) == set(data["overlays"])
    assert all(image.startswith("data:image/png;base64,") for image in data["images"].values())
    for overlay in itertools.chain(*data["overlays"].values()):
        assert overlay["src"].startswith("data:image/png;base64,")
        x, y, w, h = (overlay[k] for k in "xywh")
        assert all(isinstance(v, int) for v in (x, y, w, h)) and w > 0 and h > 0
        assert 0 <= x and x + w <= data["width"] * data["scale"] and 0 <= y and y + h <= data["height"] * data["scale"]
    assert all(0 <= c["initial"] < len(c["options"]) and c["kind"] in ("menu", "slider") for c in controls)
    assert all(0 <= v < len(data["frames"]) for v in data["settings"].values())
    axes = len(next(iter(data["clips"].values())))
    for frame in data["frames"]:
        for style, clip, flat in frame["lines"]:
            assert 0 <= style < len(data["styles"]) and -1 <= clip < axes
            assert len(flat) % 2 == 0 and all(v is None or isinstance(v, int) for v in flat)
        assert all(0 <= t < len(data["text_styles"]) for t, _ in frame["texts"])


@pytest.mark.parametrize("name", sorted(STATIC_EXPLORERS))
def test_html_is_self_contained_and_within_budget(name):
    _, static, html = built(name)
    assert "http://" not in html and "https://" not in html
    assert html.split('<style class="lx-style">')[0].count('<div class="lx-explorer"') == 1 and 'class="lx-script"' in html and 'class="lx-style"' in html
    assert static.size_bytes == len(html.encode("utf-8")) <= BUDGET_BYTES, f"{name}: {static.size_bytes} bytes"
    assert static._repr_html_() == html


def png_of(url):
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")


@pytest.mark.parametrize("name", ["rbf", "descent", "damping"])
def test_legends_over_shipped_lines_are_overlays_and_not_in_the_background(name):
    """matplotlib draws a legend over the lines: where its axes ships a line, an overlay (drawn
    after the lines) covers the box matplotlib lays the legend out in, and there the background
    with the overlays on top is matplotlib's own figure with the shipped lines hidden, while
    the background alone is not (the legend is not in it twice, nor under the lines)."""
    from PIL import Image

    explorer, static, _ = built(name)
    data, fig, scale = static.data, explorer.fig, static.data["scale"]
    checked = 0
    for setting in sample_settings(data, 2, seed=11):
        key = key_of(data, setting)
        frame, overlays = data["frames"][data["settings"][key]], data["overlays"][image_key(data, key)]
        background = png_of(data["images"][image_key(data, key)])
        zoom = background.size[0] / data["width"]
        composite = background.copy()
        for overlay in overlays:
            composite.alpha_composite(png_of(overlay["src"]), (round(overlay["x"] * zoom / scale),
                                                              round(overlay["y"] * zoom / scale)))
        explorer.update(**setting)
        shipped = {(data["styles"][s]["color"], clip) for s, clip, _ in frame["lines"]}
        hidden = [line for i, ax in enumerate(fig.axes) for line in ax.lines
                  if (to_hex(line.get_color()), i) in shipped and line.get_visible()]
        dpi = fig.get_dpi()
        try:
            for line in hidden:
                line.set_visible(False)
            for ax, (xlim, ylim, _, _) in zip(fig.axes, static.limits[image_key(data, key)]):
                ax.set(xlim=xlim, ylim=ylim)
            fig.set_dpi(100 * zoom)
            explorer._canvas.draw()
            reference = Image.frombuffer("RGBA", explorer._canvas.get_width_height(), explorer._canvas.buffer_rgba())
            reference = np.asarray(reference.convert("RGB"), dtype=float)
            boxes = [(i, ax.get_legend().get_window_extent().extents) for i, ax in enumerate(fig.axes)
                     if ax.get_legend() is not None and i in {clip for _, clip in shipped}]
        finally:
            fig.set_dpi(dpi)
            for line in hidden:
                line.set_visible(True)
        for i, (x0, y0, x1, y1) in boxes:  # image px at zoom, y up
            top, bottom = reference.shape[0] - y1, reference.shape[0] - y0
            assert any(o["x"] * zoom / scale <= x0 + 2 and x1 - 2 <= (o["x"] + o["w"]) * zoom / scale
                       and o["y"] * zoom / scale <= top + 2 and bottom - 2 <= (o["y"] + o["h"]) * zoom / scale
                       for o in overlays), f"{name}: no overlay covers the legend of axes {i}"
            window = np.s_[int(top) + 1:int(bottom) - 1, int(x0) + 1:int(x1) - 1]
            with_overlays = np.abs(np.asarray(composite.convert("RGB"), float)[window] - reference[window]).mean()
            alone = np.abs(np.asarray(background.convert("RGB"), float)[window] - reference[window]).mean()
            assert with_overlays < 2.5, f"{name}: background + overlays is {with_overlays:.1f} off matplotlib's legend"
            assert alone > 4 * with_overlays + 2, f"{name}: the background alone already shows the legend"
            checked += 1
    assert checked, f"{name}: no legend over a shipped line was checked"


def test_the_activation_page_adds_up_each_activations_settings_instead_of_multiplying_them():
    """Each activation with its own parameters' values (and the depths), read from the catalogue:
    a sum over the activations, far below the product of every control's values."""
    from lecturelib import activations as act
    from lecturelib.explore.activations import PAGE_DEPTHS, control_name

    _, static, _ = built("activations")
    data = static.data
    page = [c["options"] for c in data["controls"] if c["name"] == "activation"][0]
    expected = sum(int(np.prod([len(p.page_values()) for p in act.ACTIVATIONS[a].params if p.explored]))
                   for a in page) * len(PAGE_DEPTHS)
    assert len(data["settings"]) == expected
    assert expected < np.prod([len(c["options"]) for c in data["controls"]]) / 10
    assert set(page) == {a for a, entry in act.ACTIVATIONS.items() if any(p.explored for p in entry.params)}
    for control in data["controls"]:
        if control["name"] not in ("activation", "depth"):
            owner = page[control["when"]["options"][0]]
            assert control["when"] == {"control": "activation", "options": [page.index(owner)]}
            assert control["name"].startswith(control_name(owner, ""))
            assert control["label"] in {p.symbol for p in act.ACTIVATIONS[owner].params}


def test_activation_backgrounds_span_every_live_y_range():
    explorer, static, _ = built("activations")
    for setting in sample_settings(static.data, 10, seed=3):
        explorer.update(**setting)
        limits = static.limits[image_key(static.data, key_of(static.data, setting))]
        for ax, (_, (low, high), _, _) in zip(explorer.fig.axes, limits):
            assert low <= ax.get_ylim()[0] and ax.get_ylim()[1] <= high


def test_bad_grids_and_backgrounds_are_refused_naming_what_is_wrong():
    explorer = damping_explorer()
    with pytest.raises(ValueError, match=r"grid\['damping'\].*3.*offers"):
        explorer.static(grid=dict(damping=[0.0, 3.0]), background=("m",))
    with pytest.raises(TypeError, match="'lr'.*not a control"):
        explorer.static(grid=dict(lr=[0.1]))
    with pytest.raises(ValueError, match="background names 'beta'"):
        explorer.static(background=("beta",))
    with pytest.raises(TypeError, match="background"):
        explorer.static(background="m")
    with pytest.raises(TypeError, match="grid must be a dict"):
        explorer.static(grid=[("damping", [0.0])])
    with pytest.raises(ValueError, match=r"grid\['m'\] must offer at least one"):
        explorer.static(grid=dict(m=[]))
    with pytest.raises(ValueError, match="settings"):
        activation_explorer().static()  # every value of Soboleva's four controls: 21⁴ settings
    # the legend's text changes with m: m must select the background
    with pytest.raises(ValueError, match="background.*m"):
        explorer.static(grid=dict(damping=[0.0], m=[1, 5]))
    # the contours shown change with the problem: it must select the background
    with pytest.raises(ValueError, match="QuadContourSet.*background.*problem"):
        descent_explorer().static(grid=dict(method=["SGD"], lr=[0.11602], beta=[0.9]))
    # the boxes' colours change with the step: it must select the background
    with pytest.raises(ValueError, match="background.*step"):
        backward_explorer().static(grid=dict(step=[0, 1]))


@hypothesis_settings(max_examples=25, deadline=None)
@given(value=bad_numbers())
def test_careless_grid_values_get_a_clear_answer(value):
    explorer = _damping()
    clear_answer(lambda: explorer.static(grid=dict(damping=[value], m=[5])), names=["damping"])


@functools.cache
def _damping():
    return damping_explorer()


def rendered(explorer) -> bytes:
    explorer._canvas.draw()
    return bytes(explorer._canvas.buffer_rgba())


@pytest.mark.parametrize("build, setting, kwargs", [
    (activation_explorer, dict(activation="ELU", elu_alpha=1.5),
     dict(grid=dict(activation=["PReLU", "ELU", "Soboleva tanh"], elu_alpha=[0.2, 1.5],
                    **{f"soboleva_tanh_{p}": [1.0] for p in "abcd"}), background=("activation",))),
    (descent_explorer, dict(problem="Rosenbrock", method="Adam", lr=0.18572, beta=0.9),
     dict(grid=dict(method=["SGD", "Adam"], lr=[0.18572], beta=[0.9]), background=("problem",))),
    (damping_explorer, dict(damping=10.0, m=2), dict(grid=dict(damping=[0.0, 10.0], m=[1, 2]), background=("m",))),
])
def test_static_leaves_the_live_figure_as_it_was(build, setting, kwargs):
    explorer = build()
    default_png = explorer.png()
    explorer.update(**setting)
    before, dpi = rendered(explorer), explorer.fig.get_dpi()
    explorer.static(**kwargs)
    assert explorer.fig.get_dpi() == dpi
    assert rendered(explorer) == before, "the figure shows the same setting, drawn the same way"
    assert explorer.png() == default_png
    from PIL import Image
    assert Image.open(io.BytesIO(explorer.png())).size == Image.open(io.BytesIO(default_png)).size


def test_a_readers_kernel_skips_the_capture_and_still_checks_the_arguments(monkeypatch):
    """Outside the book's build (no LECTURELIB_BOOK_BUILD: a reader's kernel, nbgrader), `static`
    never captures: it returns the note, counting the settings the page offers; bad arguments
    get the same errors as in the build. In the build (the module's fixture) it captures."""
    from lecturelib.explore import build_only, static as static_module

    build, grid = STATIC_EXPLORERS["damping"]
    explorer = build()
    captured = explorer.static(**grid())
    assert isinstance(captured, static_module.StaticExplorer)
    monkeypatch.delenv(build_only.BOOK_BUILD)

    def no_capture(*args, **kwargs):
        raise AssertionError("a reader's kernel ran the web page's capture")

    monkeypatch.setattr(static_module, "capture", no_capture)
    note = explorer.static(**grid())
    assert isinstance(note, build_only.ForTheWebPage)
    assert note.settings == len(captured.data["settings"]) > 1
    assert "computed when the book is built" in note._repr_markdown_()
    with pytest.raises(TypeError, match="not a control"):
        explorer.static(grid=dict(lr=[0.1]))
