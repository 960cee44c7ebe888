"""Every explorer takes exactly what its controls offer: each value a slider or menu offers
draws a finite figure, anything else gets a ValueError/TypeError that names the control.
(tests/test_explore.py checks the live widget and the animation themselves.)"""

import io
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from matplotlib.text import Text
from PIL import Image

from bad_input import BAD_NUMBERS, bad_numbers, clear_answer
from lecturelib.explore import (EXPLORERS, LIVE_DPI, activation_explorer, backward_explorer, damping_explorer,
                                descent_explorer, rbf_explorer)

NAMES = sorted(EXPLORERS)


@pytest.fixture(scope="module")
def explorers():
    built = {name: build() for name, (build, _) in EXPLORERS.items()}
    yield built
    for explorer in built.values():
        plt.close(explorer.fig)


def is_menu(values) -> bool:
    return all(isinstance(v, str) for v in values)


def menus(explorer) -> list[str]:
    return [name for name, values in explorer.controls.items() if is_menu(values)]


def offered(values, most: int = 30) -> list:
    """What a sweep tries: every value of a control, or for a long slider its ends and 8 between."""
    values = list(values)
    if len(values) <= most:
        return values
    return [values[i] for i in sorted(set(np.linspace(0, len(values) - 1, 10).round().astype(int)))]


def assert_draws_finite(explorer, what):
    """The figure shows some data (lines, line segments, text boxes) and none of it is NaN or inf."""
    axes = explorer.fig.axes
    data = [np.asarray(line.get_xydata(), dtype=float) for ax in axes for line in ax.lines]
    data += [np.asarray(s, dtype=float) for ax in axes for c in ax.collections if hasattr(c, "get_segments")
             for s in c.get_segments()]
    data += [np.asarray(t.get_position(), dtype=float) for ax in axes for t in ax.texts
             if t.get_text().strip()]
    assert all(np.isfinite(d).all() for d in data), f"{what}: the figure holds NaN or inf"
    assert any(d.size for d in data), f"{what}: the figure shows no data"
    words = " ".join(t.get_text() for t in explorer.fig.findobj(Text)).replace(",", " ").split()
    assert "nan" not in words and "inf" not in words, f"{what}: a title or label shows nan or inf"


def draw(explorer, params, failures):
    """update(**params): a failure is recorded, a drawing must be finite."""
    try:
        explorer.update(**params)
    except Exception as error:  # noqa: BLE001 - every failure is reported at the end
        failures.append(f"{params}: {type(error).__name__}: {error}")
        return
    assert_draws_finite(explorer, str(params))


@pytest.mark.parametrize("name", NAMES)
def test_every_value_each_control_offers_draws_a_finite_figure(explorers, name):
    """One control at a time, every value it offers, the other controls at their defaults;
    then every menu setting with each slider it shows at its two ends (where things break)."""
    explorer, failures = explorers[name], []
    for control, values in explorer.controls.items():
        for value in offered(values):
            draw(explorer, {control: value}, failures)
    names = menus(explorer)
    for options in itertools.product(*(explorer.controls[m] for m in names)):
        setting = dict(zip(names, options))
        hidden = {c for c, (menu, values) in explorer.shown_when.items() if setting[menu] not in values}
        if any(setting[m] != explorer.defaults[m] for m in hidden.intersection(names)):
            continue  # a hidden menu's other options draw the same figure
        for control, values in explorer.controls.items():
            if control not in names and control not in hidden:
                for value in (min(values), max(values)):
                    draw(explorer, {**setting, control: value}, failures)
    assert not failures, "values the controls offer do not draw:\n" + "\n".join(failures)


@pytest.mark.parametrize("name", NAMES)
def test_each_controls_last_value_renders_a_png_of_the_figure(explorers, name):
    """What the live widget shows: a PNG of the whole figure (rendering is slow, so one value
    per control; the sweep above redraws every value)."""
    explorer = explorers[name]
    size = tuple(int(v * LIVE_DPI) for v in explorer.fig.get_size_inches())
    for control, values in explorer.controls.items():
        image = Image.open(io.BytesIO(explorer.png(**{control: list(values)[-1]})))
        assert image.size == size, control
        assert len(image.convert("L").getcolors(maxcolors=256 * 256)) > 2, f"{control}: a blank image"


@pytest.mark.parametrize("name", NAMES)
def test_the_live_widget_offers_exactly_the_values_the_sweep_tries(explorers, name):
    explorer = explorers[name]
    controls, _ = explorer.live().children
    assert len(controls.children) == len(explorer.controls)
    for control, widget in zip(explorer.controls, controls.children):
        assert list(widget.options) == list(explorer.controls[control]), control
        assert widget.description == explorer.labels.get(control, control)


def accepts(explorer, control, value) -> bool:
    """The specification, written independently of `Explorer.check`."""
    values = list(explorer.controls[control])
    if is_menu(values):
        return isinstance(value, str) and value in values
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        return False
    if control in explorer.between:
        return min(values) <= value <= max(values)
    return any(value == v for v in values)


def careless_value(explorer, control):
    values = list(explorer.controls[control])
    near = st.sampled_from(values)
    if is_menu(values):
        return st.one_of(near, near.map(str.lower), near.map(lambda v: v + " "), st.text(max_size=6),
                         bad_numbers())
    low, high = float(min(values)), float(max(values))
    return st.one_of(near, near.map(lambda v: v + 0.5), st.floats(low, high), st.floats(low - 1, high + 1),
                     bad_numbers(), st.text(max_size=3))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_value_is_drawn_if_its_control_offers_it_and_refused_by_name_otherwise(explorers, name, data):
    explorer = explorers[name]
    control = data.draw(st.sampled_from(list(explorer.controls)), label="control")
    value = data.draw(careless_value(explorer, control), label="value")
    setting = {m: data.draw(st.sampled_from(list(explorer.controls[m]))) for m in menus(explorer)}
    answer = clear_answer(lambda: explorer.update(**{**setting, control: value}), names=[control])
    if accepts(explorer, control, value):
        assert not isinstance(answer, Exception), f"{control} = {value!r} is offered but refused: {answer}"
        assert_draws_finite(explorer, f"{name}, {control} = {value!r}")
    else:
        assert isinstance(answer, Exception), f"{control} = {value!r} is not offered but was accepted"


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keyword=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
def test_an_unknown_keyword_is_a_type_error_listing_the_controls(explorers, name, keyword):
    explorer = explorers[name]
    if keyword in explorer.controls:
        return
    with pytest.raises(TypeError) as error:
        explorer.update(**{keyword: 1.0})
    assert repr(keyword) in str(error.value)
    assert all(control in str(error.value) for control in explorer.controls)


def test_a_value_outside_its_control_is_refused_with_what_the_control_offers(explorers):
    rbf, descent = explorers["RBF networks (ch. 1)"], explorers["first-order methods (ch. 4)"]
    error = clear_answer(lambda: rbf.update(n_centres=5), names=["n_centres"])
    assert "n_centres must be one of 1, 2, 3, 4, 6, 8, 10, 12, 15, 20, 30, 40; got 5" in str(error)
    error = clear_answer(lambda: rbf.png(sigma=5), names=["sigma"])
    assert "sigma must lie in [0.05, 3], got 5" in str(error)
    error = clear_answer(lambda: descent.update(lr=10), names=["lr"])
    assert "lr must lie in [0.0001, 5], got 10" in str(error)
    error = clear_answer(lambda: descent.update(method="adamw"), names=["method"])
    assert "method must be one of 'SGD', 'momentum'" in str(error) and "got 'adamw'" in str(error)
    error = clear_answer(lambda: descent.update(eps=0.1), names=["eps"])
    assert isinstance(error, TypeError) and "problem, method, lr, beta" in str(error)
    steps = len(explorers["backward pass (ch. 3)"].controls["step"])
    error = clear_answer(lambda: explorers["backward pass (ch. 3)"].update(step=steps), names=["step"])
    assert f"got {steps}" in str(error)
    error = clear_answer(lambda: explorers["second-order methods (ch. 5)"].update(damping=3.0), names=["damping"])
    assert "one of 0, 1, 2, 5, 10" in str(error)  # a Newton path is computed only for these


def test_a_whole_number_written_as_a_float_is_the_sliders_value(explorers):
    rbf = explorers["RBF networks (ch. 1)"]
    rbf.update(n_centres=10.0, sigma=0.5)
    assert rbf.fig._suptitle.get_text().startswith("N = 10, σ = 0.5:")
    assert len(rbf.fig.axes[0].collections[0].get_segments()) == 10  # one wᵢφᵢ per centre


def test_bad_frames_are_refused_before_the_animation_is_made(explorers):
    explorer = explorers["first-order methods (ch. 4)"]
    error = clear_answer(lambda: explorer.animation([{"lr": 0.01}, {"lr": 10}]), names=["frames[1]"])
    assert "lr must lie in" in str(error)
    for frames in (5, "lr", {"lr": 0.01}, None):
        assert isinstance(clear_answer(lambda: explorer.animation(frames), names=["frames"]), TypeError)
    clear_answer(lambda: explorer.animation([]), names=["frames"])
    clear_answer(lambda: explorer.animation([0.01]), names=["frames[0]"])
    for bad in (0, -1, float("nan"), "fast"):
        clear_answer(lambda: explorer.animation([{}], interval_ms=bad), names=["interval_ms"])
        clear_answer(lambda: explorer.animation([{}], dpi=bad), names=["dpi"])
        clear_answer(lambda: explorer.redraw_seconds([{}], repeats=bad), names=["repeats"])


COORDINATES = [v for v in BAD_NUMBERS if v not in (-1, 0, -0.5, 0.5, 1.5)]  # one valid (True): builds are slow
BUILDERS = [
    ("n_points", lambda v: rbf_explorer(n_points=v), BAD_NUMBERS),
    ("held_out", lambda v: rbf_explorer(held_out=v), BAD_NUMBERS),
    ("x_range", lambda v: activation_explorer(x_range=(v, 4.0)), COORDINATES),
    ("x_range", lambda v: activation_explorer(x_range=v), BAD_NUMBERS),
    ("root", lambda v: backward_explorer(root=v), [v for v in BAD_NUMBERS if v is not None]),  # None: default
    ("steps", lambda v: descent_explorer(steps=v), BAD_NUMBERS),
    ("start", lambda v: damping_explorer(start=(v, 0.0)), COORDINATES),
    ("start", lambda v: damping_explorer(start=v), BAD_NUMBERS),
]


@pytest.mark.parametrize("argument, build, values", BUILDERS,
                         ids=[f"{a}-{i}" for i, (a, *_) in enumerate(BUILDERS)])
def test_an_explorer_built_from_careless_arguments_draws_or_names_the_argument(argument, build, values):
    for value in values:
        answer = clear_answer(lambda: build(value), names=[argument])
        if not isinstance(answer, Exception):
            assert_draws_finite(answer, f"{argument} = {value!r}")
            plt.close(answer.fig)


def test_a_start_where_newton_meets_a_singular_hessian_is_named():
    error = clear_answer(lambda: damping_explorer(start=(1.0, -1.0)), names=["start"])
    assert "α = 10" in str(error) and "singular" in str(error)
