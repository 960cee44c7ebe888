"""The explorer machinery: live redraws change the picture, the animation is self-contained."""

import numpy as np
import pytest

from lecturelib.explore import EXPLORERS, activation_explorer, activation_tour


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_redraws_differently_for_different_parameters(name):
    build, frames = EXPLORERS[name]
    explorer = build()
    settings = frames()
    images = {explorer.png(**settings[0]), explorer.png(**settings[-1])}
    assert len(images) == 2
    for name_, values in explorer.controls.items():
        assert explorer.defaults[name_] in list(values), f"default {name_} is not one of its control's values"


def test_activation_explorer_draws_the_chosen_activation_and_its_derivative():
    explorer = activation_explorer()
    explorer.update(**{**explorer.defaults, "activation": "ELU", "elu_alpha": 1.5})
    rho_line, prime_line = (ax.lines[0] for ax in explorer.fig.axes[:2])
    x = rho_line.get_xdata()
    expected_rho = np.where(x > 0, x, 1.5 * np.expm1(np.minimum(x, 0)))
    np.testing.assert_allclose(rho_line.get_ydata(), expected_rho, atol=1e-12)
    np.testing.assert_allclose(prime_line.get_ydata(), np.where(x > 0, 1.0, 1.5 * np.exp(np.minimum(x, 0))),
                               atol=1e-12)
    assert "ELU" in explorer.fig._suptitle.get_text() and "1.5" in explorer.fig._suptitle.get_text()


def test_live_explorer_updates_its_image_when_a_control_moves():
    explorer = activation_explorer()
    box = explorer.live()
    controls, image = box.children
    before = image.value
    slider = dict(zip(explorer.controls, controls.children))["prelu_alpha"]
    assert slider.description == "α"
    slider.value = 1.0
    assert image.value != before


def test_live_explorer_shows_only_the_chosen_activations_sliders():
    explorer = activation_explorer()
    controls, image = explorer.live().children
    widgets = dict(zip(explorer.controls, controls.children))
    visible = lambda: [name for name, w in widgets.items() if w.layout.display != "none"]
    assert visible() == ["activation", "prelu_alpha", "depth"]
    widgets["activation"].value = "Soboleva tanh"
    assert visible() == ["activation"] + [f"soboleva_tanh_{p}" for p in "abcd"] + ["depth"]
    assert [widgets[f"soboleva_tanh_{p}"].description for p in "abcd"] == list("abcd")
    before = image.value
    widgets["prelu_alpha"].value = 2.0  # hidden: the figure stays as it was
    assert image.value == before
    widgets["activation"].value = "sigmoid"  # no parameters: the menu and depth only
    assert visible() == ["activation", "depth"]


def test_a_hidden_control_has_no_say_over_the_figure():
    explorer = activation_explorer()
    pictures = {explorer.png(activation="PReLU", prelu_alpha=0.5, elu_alpha=alpha, soboleva_tanh_a=a)
                for alpha in (0.0, 2.0) for a in (0.0, 2.0)}
    assert len(pictures) == 1
    assert explorer.png(activation="PReLU", prelu_alpha=0.5) != explorer.png(activation="PReLU", prelu_alpha=1.5)


def test_shown_when_and_labels_are_checked_when_the_explorer_is_made():
    from lecturelib.explore import Explorer
    from lecturelib.plotting import new_figure

    def make(**kwargs):
        fig, _ = new_figure()
        controls = {"shape": ["a", "b"], "k": [1, 2], "m": ["x", "y"]}
        return Explorer(fig, lambda **_: None, controls, {"shape": "a", "k": 1, "m": "x"}, **kwargs)

    assert make(shown_when={"k": ("shape", "b")}).shown({"shape": "a", "k": 1, "m": "x"}) == ["shape", "m"]
    for bad, words in [({"q": ("shape", ("a",))}, "'q', which is not a control"),
                       ({"k": ("k", ("a",))}, "a menu that is always shown"),
                       ({"k": ("shape", ("c",))}, "some of shape's values"),
                       ({"k": ("m", ("x",)), "m": ("shape", ("a",))}, "a menu that is always shown"),
                       ({"k": "shape"}, "must be a pair")]:
        with pytest.raises(ValueError, match=words):
            make(shown_when=bad)
    with pytest.raises(ValueError, match="labels must map controls to strings"):
        make(labels={"q": "Q"})


def test_animation_is_self_contained_html_with_one_frame_per_setting():
    html = activation_explorer().animation(activation_tour()[:3]).data
    assert html.count("data:image/png;base64") == 3
    assert "<script" in html
    assert "http" not in html, "the animation must not load anything from the network"
    assert 'class="fa' not in html and "▶" in html, "player buttons drawn with plain symbols"


def test_making_the_animation_leaves_the_live_figure_size_alone():
    explorer = activation_explorer()
    before = explorer.png()
    explorer.animation(activation_tour()[:2])
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(explorer.png())).size == Image.open(io.BytesIO(before)).size


def full_render(explorer) -> np.ndarray:
    """The figure rendered whole, as matplotlib draws it (no blitting)."""
    explorer._canvas.draw()
    return np.asarray(explorer._canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_a_blitted_redraw_shows_what_a_full_render_shows(name):
    """Six frames spread over each explorer's tour (first and last included), drawn by blitting (blit.py: only the changed artists
    over a kept background), against the whole figure rendered afresh: the same pixels except
    where a line meets its axes' spines and ticks (drawn under the lines by blitting, above them
    by matplotlib), at most 0.5 % of the pixels, each close. A background kept too long (a
    contour, limits or a legend that changed without a full render) would differ in whole areas."""
    from io import BytesIO

    from PIL import Image

    build, tour = EXPLORERS[name]
    explorer = build()
    frames = explorer.settings(tour())
    frames = [frames[i] for i in sorted(set(np.linspace(0, len(frames) - 1, 6).round().astype(int)))]
    for frame in frames + frames[::-1]:  # forwards, then back: the kept background is reused
        blitted = np.asarray(Image.open(BytesIO(explorer.png(**frame))).convert("RGBA")).astype(int)
        whole = full_render(explorer).astype(int)
        differ = np.abs(blitted - whole).max(axis=2) > 24
        assert differ.mean() <= 0.005, f"{name}, {frame}: {differ.mean():.2%} of the pixels differ"
        explorer._blitter.forget()  # the full render drew over the canvas: start the next from scratch
        explorer.png(**frame)  # ... and keep a background again, so the next frame can reuse it


def test_the_blitter_reuses_its_background_until_something_else_changes():
    """Between frames that change only lines and titles the background is not rendered again;
    when limits change (chapter 2's y-range follows the curve) it is."""
    explorer = activation_explorer()
    explorer.png(depth=1)  # the first image: the layout and the background, rendered once each
    renders = []
    original = explorer._canvas.draw
    explorer._canvas.draw = lambda *a, **k: (renders.append(1), original(*a, **k))
    explorer.png(depth=10)  # the depth panel's line only
    assert renders == [], "a change of lines only rendered the whole figure again"
    count, limits = len(renders), explorer.fig.axes[0].get_ylim()
    explorer.png(depth=10, activation="sigmoid")  # ρ's y-range follows the curve: (0, 1) now
    assert explorer.fig.axes[0].get_ylim() != limits, "the test needs a frame with other limits"
    assert len(renders) == count + 1, "new limits must render the background again"


def test_a_reader_kernel_pays_no_render_for_a_static_cell(monkeypatch):
    """Built and asked for its static version outside the book's build, an explorer checks the
    arguments and returns the note: the figure is neither laid out nor rendered (the live
    explorer or the capture does that on first use)."""
    from lecturelib.explore import rbf_grid, rbf_explorer
    from lecturelib.explore.build_only import BOOK_BUILD, ForTheWebPage

    monkeypatch.delenv(BOOK_BUILD, raising=False)
    explorer = rbf_explorer()
    renders = []
    original = explorer._canvas.draw
    explorer._canvas.draw = lambda *a, **k: (renders.append(1), original(*a, **k))
    assert isinstance(explorer.static(**rbf_grid()), ForTheWebPage)
    assert renders == []
    explorer.png()
    assert renders, "the first image lays the figure out"
