"""The two controls issue 14 asked for: chapter 1's learning scheme and chapter 2's depth.

References are independent of the explorers: torch autograd of the composed activation (written
with torch's own ops), closed forms (PReLU's αᴸ, the sigmoid's (1/4)ᴸ bound), k-means and random
centres from `rbf.place_centres`, and 3-step learning by `torch_rbf.fine_tune` (our Adam,
torch gradients) against the explorer's NumPy fine-tuning (hand-derived gradients)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from bad_input import bad_numbers, clear_answer
from lecturelib import activations as act, rbf
from lecturelib.explore import activation_explorer, activation_grid, rbf_explorer, rbf_grid
from lecturelib.explore.activations import DEPTHS, GRADIENT_LIMITS, control_name, depth_gradient
from lecturelib.explore.rbf import RBF_SCHEMES, RBF_WIDTHS, THREE_STEP

X = np.linspace(-4, 4, 400)  # an even count: x = 0 (PReLU's and ELU's kink) is not a sample


def torch_rho(activation, params):
    """ρ written with torch's own operations (not lecturelib's): the catalogue entry's reference."""
    entry = act.ACTIVATIONS[activation]
    return lambda h: entry.torch(h, **{**entry.defaults, **params})


def autograd_depth_gradient(activation, params, depth, x=X):
    h0 = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    h, rho = h0, torch_rho(activation, params)
    for _ in range(depth):
        h = rho(h)
    h.sum().backward()  # each h_L(x_i) depends on its own x_i only
    return h0.grad.numpy()


def parameters(entry):
    """A strategy for the entry's explored parameters: each form, or a value of its range to two
    decimals (Soboleva's b = 1e-127 would lose ρ′'s digits to cancellation in both ours and
    torch's: 1 − (1 − b)e^{−bx} is 0 in float64)."""
    return st.fixed_dictionaries({p.name: st.sampled_from(p.choices) if p.choices else
                                  st.floats(*p.explore).map(lambda v: round(v, 2))
                                  for p in entry.params if p.explored})


@pytest.mark.parametrize("activation", [name for name, entry in act.ACTIVATIONS.items() if entry.torch])
@settings(max_examples=25, deadline=None)
@given(data=st.data(), depth=st.sampled_from(DEPTHS))
def test_depth_gradient_is_torch_autograd_of_the_composed_activation(activation, data, depth):
    params = data.draw(parameters(act.ACTIVATIONS[activation]), label="params")
    ours = depth_gradient(activation, X, depth, **params)
    theirs = autograd_depth_gradient(activation, params, depth)
    finite = np.isfinite(theirs) & (np.abs(theirs) < 1e200)  # an unbounded Soboleva may overflow
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("alpha, depth", [(0.2, 10), (1.5, 5), (0.0, 3)])
def test_prelu_chain_gradient_is_alpha_to_the_depth_left_and_one_right(alpha, depth):
    gradient = depth_gradient("PReLU", X, depth, alpha=alpha)
    assert np.array_equal(gradient[X > 0], np.ones((X > 0).sum()))
    np.testing.assert_allclose(gradient[X < 0], alpha**depth, rtol=1e-12)


@pytest.mark.parametrize("depth", [1, 5, 10, 20])
def test_sigmoid_chain_shrinks_at_least_like_a_quarter_to_the_depth(depth):
    """The chapter's bound: ρ′ ≤ 1/4, so the product through L layers is at most (1/4)ᴸ."""
    gradient = depth_gradient("sigmoid", X, depth)
    assert (gradient > 0).all() and gradient.max() <= 0.25**depth * (1 + 1e-12)


def test_dead_units_and_overflow_give_zero_or_infinity_never_nan():
    dead = depth_gradient("Soboleva tanh", X, 20, a=0.0, b=0.0)  # ρ ≡ 0: every factor 0
    assert not dead.any()
    exploding = depth_gradient("Soboleva tanh", X, 20, a=2.0)  # a > c: the forward pass overflows
    assert not np.isnan(exploding).any() and np.isinf(exploding).any()


@pytest.mark.parametrize("activation, params, depth", [
    ("ELU", dict(alpha=1.5), 5), ("PReLU", dict(alpha=0.2), 10), ("Soboleva tanh", dict(a=1.2, b=0.8), 20)])
def test_the_depth_panel_draws_the_chain_gradient_on_a_fixed_log_axis(activation, params, depth):
    explorer = activation_explorer()
    explorer.update(activation=activation, depth=depth, **{control_name(activation, k): v for k, v in params.items()})
    ax = explorer.fig.axes[2]
    line = ax.lines[-1]
    x, shown = line.get_xdata(), line.get_ydata()
    expected = np.abs(autograd_depth_gradient(activation, params, depth, x))
    inside = (expected > GRADIENT_LIMITS[0]) & (expected < GRADIENT_LIMITS[1])
    assert inside.any()
    np.testing.assert_allclose(shown[inside], expected[inside], rtol=1e-9)
    outside = shown[~inside]
    assert ((outside <= GRADIENT_LIMITS[0]) | (outside >= GRADIENT_LIMITS[1])).all()  # off the axis
    assert ax.get_yscale() == "log" and ax.get_ylim() == pytest.approx(GRADIENT_LIMITS)
    assert f"L = {depth}" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


@settings(max_examples=60, deadline=None)
@given(value=bad_numbers())
def test_careless_depths_and_points_are_named(value):
    clear_answer(lambda: depth_gradient("ELU", X, value, alpha=1.0), ["depth"])
    clear_answer(lambda: depth_gradient("ELU", np.array([0.5, value], dtype=object), 3), ["x"])


def test_unknown_activation_and_huge_depth_are_refused_by_name():
    clear_answer(lambda: depth_gradient("relu6", X, 3), ["activation"])
    clear_answer(lambda: depth_gradient("ReLU", X, 10**9), ["depth"])
    clear_answer(lambda: depth_gradient("ELU", X, 3, alpha=float("nan")), ["alpha"])


# -- chapter 1: the learning scheme ---------------------------------------------------------

def data():
    """The explorer's data and split, rebuilt here (rbf_explorer's defaults)."""
    x, y = rbf.toy_regression(100, seed=0)
    order = np.random.default_rng(1).permutation(100)
    return x, y, np.sort(order[30:]), np.sort(order[:30])


@pytest.fixture(scope="module")
def explorer():
    return rbf_explorer()


def shown_centres(explorer):
    fit_axes = explorer.fig.axes[0]
    return np.sort(fit_axes.lines[3].get_xdata())


@pytest.mark.parametrize("n", [3, 12])
def test_random_scheme_draws_its_centres_from_the_training_points(explorer, n):
    x, _, train, _ = data()
    explorer.update(scheme="random data points", n_centres=n)
    np.testing.assert_array_equal(shown_centres(explorer),
                                  np.sort(rbf.place_centres(x[train], n, method="random", seed=0)[:, 0]))
    assert np.isin(shown_centres(explorer), x[train]).all()
    explorer.update(scheme="k-means++", n_centres=n)
    np.testing.assert_allclose(shown_centres(explorer), np.sort(rbf.place_centres(x[train], n, seed=0)[:, 0]))


@pytest.mark.parametrize("n", [3, 6])
def test_three_step_is_torch_fine_tune_from_the_k_means_fit(explorer, n):
    from lecturelib import torch_rbf

    x, y, train, _ = data()
    sigma = RBF_WIDTHS[10]
    mu = rbf.place_centres(x[train], n, seed=0)
    w = rbf.output_weights(rbf.rbf_features(x[train], mu, sigma), y[train], ridge=1e-6)
    start = rbf.RBFNet(mu, np.full(n, sigma), w, ridge=1e-6)
    tuned, history = torch_rbf.fine_tune(start, x[train], y[train], **THREE_STEP)
    explorer.update(scheme="3-step", n_centres=n, sigma=sigma)
    fit_line = explorer.fig.axes[0].lines[2]
    np.testing.assert_allclose(fit_line.get_ydata(), tuned.predict(fit_line.get_xdata()), atol=1e-6)
    np.testing.assert_allclose(shown_centres(explorer), np.sort(tuned.mu[:, 0]), atol=1e-6)
    assert history[-1] < history[0]  # step 3 lowers the training loss (the chapter's claim)
    train_error = np.mean((tuned.predict(x[train]) - y[train]) ** 2)
    assert f"training error {train_error:.3f}" in explorer.fig._suptitle.get_text()
    assert "3-step" in explorer.fig._suptitle.get_text()


def test_every_scheme_draws_its_own_fit_and_error_curve(explorer):
    fits, curves = [], []
    for scheme in RBF_SCHEMES:
        explorer.update(scheme=scheme, n_centres=6, sigma=RBF_WIDTHS[10])
        fits.append(explorer.fig.axes[0].lines[2].get_ydata().copy())
        curves.append(explorer.fig.axes[1].lines[1].get_ydata().copy())
        assert scheme in explorer.fig._suptitle.get_text()
    for i in range(len(fits)):
        for j in range(i):
            assert not np.allclose(fits[i], fits[j]) and not np.array_equal(curves[i], curves[j])
    assert explorer.defaults["scheme"] == "k-means++" and set(explorer.controls["scheme"]) == set(RBF_SCHEMES)


def test_a_revisited_three_step_setting_is_not_fitted_again(explorer):
    import time

    explorer.update(scheme="3-step", n_centres=4)  # the first visit fits the curve's widths
    start = time.perf_counter()
    explorer.update(scheme="3-step", n_centres=4)
    assert time.perf_counter() - start < 0.05


def test_static_grids_offer_every_scheme_and_depth_and_say_so(book_build):
    rbf_kwargs, activation_kwargs = rbf_grid(), activation_grid()
    assert "scheme" not in rbf_kwargs["grid"]  # all of them
    assert all(scheme in rbf_kwargs["caption"] for scheme in RBF_SCHEMES)
    depths = activation_kwargs["grid"]["depth"]
    assert set(depths) <= set(DEPTHS) and "depth" not in activation_kwargs["background"]
    assert f"depth L = {' and '.join(map(str, depths))}" in activation_kwargs["caption"]
    small = rbf_explorer().static(grid=dict(n_centres=[3], sigma=[RBF_WIDTHS[0], RBF_WIDTHS[10]]), name="rbf")
    scheme = next(c for c in small.data["controls"] if c["name"] == "scheme")
    assert scheme["options"] == list(RBF_SCHEMES) and scheme["kind"] == "menu"
    assert len(small.data["frames"]) == 6  # 3 schemes × 2 widths, all different
