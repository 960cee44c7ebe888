"""Explorer of chapter 2: any activation of the catalogue, its own parameters, and depth.

The menu, the sliders and the static page's values all come from the catalogue
(`activations.ACTIVATIONS`): one menu entry per activation, one control per explored parameter
(`Parameter.explore` or `choices`), shown only while its activation is chosen. A new
activation reaches the explorer with no edit here.
"""

from __future__ import annotations

import functools
import itertools
import re

import numpy as np

from .. import activations as act
from ..plotting import PALETTE, new_figure, zero_axes
from ..validation import check_choice, check_finite, check_whole
from .explorer import Explorer


MAX_X = 100.0  # Soboleva's e^{ax} with a = 2 stays finite (e^{200}) on [−MAX_X, MAX_X]
DEPTHS = (1, 2, 3, 5, 10, 20)
PAGE_DEPTHS = (1, 10)  # on the web page: one layer against the chapter's ten (each doubles the page)
MAX_DEPTH = 10_000  # depth_gradient loops over the layers: a bound against typos such as 10**9
GRADIENT_LIMITS = (1e-12, 1e8)  # the log y-axis of the depth panel: (1/4)^20 ≈ 1e-12 to 2^20 ≈ 1e6
Y_CAP = 6.0  # the panels of ρ and ρ′ show at most [−6, 6]: beyond, an unbounded curve leaves the axes
FIRST_SHOWN = "PReLU"  # the activation the explorer opens with (if the catalogue has it)


def control_name(activation: str, parameter: str) -> str:
    """The explorer's control for `parameter` of `activation`: "prelu_alpha", "soboleva_tanh_a"."""
    return re.sub(r"[^0-9a-z]+", "_", activation.lower()).strip("_") + "_" + parameter


def _explored(catalogue) -> dict[str, list[tuple[act.Parameter, str]]]:
    """activation -> its explored parameters with their control names; raises ValueError if two
    activations' names give the same control name."""
    owners, seen = {}, {}
    for entry in catalogue.values():
        for p in entry.params:
            if p.explored:
                name = control_name(entry.name, p.name)
                if name in seen or name in ("activation", "depth"):
                    raise ValueError(f"the activations {seen.get(name)!r} and {entry.name!r} both give the "
                                     f"explorer control {name!r}: rename one")
                seen[name] = entry.name
                owners.setdefault(entry.name, []).append((p, name))
    return owners


def _value(v) -> str:
    return v if isinstance(v, str) else f"{v:g}"


def activation_explorer(x_range: tuple[float, float] = (-4.0, 4.0)) -> Explorer:
    """ρ and ρ′ of any activation of the catalogue with its own parameters (PReLU's slope α,
    ELU's α, Soboleva's a, b, c, d, GELU's form, ...: each slider shown only while its
    activation is chosen), and what depth does to the gradient: |d h_L/d x| of the chain
    h_l = ρ(h_{l−1}), h_0 = x, of `depth` layers (`depth_gradient`, chapter 2's one-neuron
    chain with weights 1), on a log axis. The catalogue is read when the explorer is built.

    Raises ValueError unless `x_range` is two numbers −MAX_X <= low < high <= MAX_X."""
    from matplotlib.ticker import MaxNLocator, NullLocator

    low, high = _interval(x_range, "x_range", MAX_X)
    catalogue = dict(act.ACTIVATIONS)
    owners = _explored(catalogue)
    x = np.linspace(low, high, 401)
    fig, (ax_rho, ax_prime, ax_depth) = new_figure(1, 3, width=9.6, height=3.2)
    (rho_line,) = ax_rho.plot(x, x, color=PALETTE["blue"])
    (prime_line,) = ax_prime.plot(x, x, color=PALETTE["vermillion"])
    for ax, label in ((ax_rho, "ρ(x)"), (ax_prime, "ρ′(x)")):
        zero_axes(ax)
        ax.set_xlabel("x")
        ax.set_ylabel(label)
        ax.set_xlim(low, high)
        ax.yaxis.set_major_locator(MaxNLocator(5))  # few labels: each one costs a text layout
    ax_rho.set_title("activation ρ")
    ax_prime.set_title("derivative ρ′")
    ax_depth.axhline(1.0, color=PALETTE["black"], linewidth=0.8, alpha=0.6)
    (depth_line,) = ax_depth.semilogy(x, np.ones_like(x), color=PALETTE["green"])
    ax_depth.set(xlim=(low, high), ylim=GRADIENT_LIMITS, xlabel="x = h₀", ylabel="gradient |∂h/∂x| (log scale)")
    # plain-text tick labels: mathtext 10^k labels would cost more than the rest of the redraw
    ax_depth.set_yticks([1e-12, 1e-6, 1, 1e6], ["10⁻¹²", "10⁻⁶", "1", "10⁶"])
    ax_depth.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than the data
    title = fig.suptitle("")

    @functools.lru_cache(maxsize=4096)  # the static capture asks for each curve many times
    def gradient_curve(activation, depth, *params):
        # 0 (a dead unit) and overflow are drawn just past the axis' ends (log scale: no 0, no ∞)
        low_end, high_end = GRADIENT_LIMITS
        return np.clip(np.abs(depth_gradient(activation, x, depth, **dict(params))), low_end / 10, high_end * 10)

    @functools.lru_cache(maxsize=None)
    def y_ranges(activation):
        # one y-range per activation for ρ and one for ρ′, held while its sliders move: a curve
        # moves against fixed axes, and the live redraw keeps the axes' image (`blit.py`)
        chosen, explored = catalogue[activation], owners.get(activation, [])
        settings = itertools.product(*(p.page_values() for p, _ in explored))
        curves = [(chosen(x, **params), chosen.prime(x, **params))
                  for params in (dict(zip((p.name for p, _ in explored), values)) for values in settings)]
        return tuple(_y_range(np.stack(ys)) for ys in zip(*curves))

    def draw(activation, depth, **values):
        # only the chosen activation's controls count; the others are hidden
        params = {p.name: values[name] for p, name in owners.get(activation, [])}
        chosen = catalogue[activation]
        rho_line.set_ydata(chosen(x, **params))
        prime_line.set_ydata(chosen.prime(x, **params))
        depth_line.set_ydata(gradient_curve(activation, depth, *params.items()))
        ax_depth.set_title(f"gradient at depth L = {depth}")
        for ax, limits in zip((ax_rho, ax_prime), y_ranges(activation)):
            ax.set_ylim(limits)
        shown = ", ".join(f"{p.symbol} = {_value(values[name])}" for p, name in owners.get(activation, []))
        title.set_text(f"{activation}: {shown}" if shown else activation)

    controls, defaults, labels, shown_when = {"activation": list(catalogue)}, {}, {}, {}
    defaults["activation"] = FIRST_SHOWN if FIRST_SHOWN in catalogue else next(iter(catalogue))
    for activation, explored in owners.items():
        for p, name in explored:
            controls[name], defaults[name], labels[name] = p.slider(), p.default, p.symbol
            shown_when[name] = ("activation", (activation,))
    controls["depth"], defaults["depth"], labels["depth"] = DEPTHS, 10, "depth L"
    between = tuple(name for name, values in controls.items()
                    if name in shown_when and not isinstance(values[0], str))
    return Explorer(fig, draw, controls, defaults, between=between, shown_when=shown_when, labels=labels)


def depth_gradient(activation: str, x, depth: int, **params) -> np.ndarray:
    """d h_L/d x for the chain of `depth` one-neuron layers h_l = ρ(h_{l−1}), h_0 = x (weights 1):
    by the chain rule the product of ρ′ at each layer's input,

        d h_L/d x = ρ′(h_0) ρ′(h_1) ⋯ ρ′(h_{L−1}),

    with ρ = `activations.ACTIVATIONS[activation]` and its parameters. A factor ρ′ = 0 (a dead
    unit) makes the product 0 even where a later layer overflowed (0·∞ is taken as 0), so the
    answer is never NaN; it may be ±∞ where the forward pass overflows (an unbounded Soboleva).
    Raises ValueError unless activation is one of ACTIVATIONS, x is finite and depth is a whole
    number from 1 to MAX_DEPTH (and for the parameters the activation rejects)."""
    chosen = act.ACTIVATIONS[check_choice(activation, "activation", list(act.ACTIVATIONS))]
    h, gradient = check_finite(x, "x"), None
    depth = check_whole(depth, "depth", minimum=1)
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be <= {MAX_DEPTH} layers, got {depth}")
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(depth):
            factor = chosen.prime(h, **params)
            gradient = factor if gradient is None else np.where((gradient == 0) | (factor == 0), 0.0,
                                                                gradient * factor)
            h = chosen(h, **params)
    return gradient


def _y_range(curves: np.ndarray) -> tuple[float, float]:
    """The y-limits that show every curve (rows) within ±Y_CAP, padded by 8 % of their span."""
    low, high = max(float(np.min(curves)), -Y_CAP), min(float(np.max(curves)), Y_CAP)
    pad = 0.08 * max(high - low, 1e-3)
    return low - pad, high + pad


def _interval(pair, name: str, bound: float) -> tuple[float, float]:
    """`pair` as (low, high) with −bound <= low < high <= bound, or a ValueError naming `name`."""
    pair = check_finite(pair, name)
    if pair.shape != (2,) or not -bound <= pair[0] < pair[1] <= bound:
        raise ValueError(f"{name} must be two numbers (low, high) with {-bound:g} <= low < high "
                         f"<= {bound:g}, got {pair.tolist()}")
    return float(pair[0]), float(pair[1])


def activation_tour() -> list[dict]:
    """The frames the benchmark redraws: PReLU's α, then ELU's α, then Soboleva's a and b, then
    the depths."""
    prelu, elu = control_name("PReLU", "alpha"), control_name("ELU", "alpha")
    frames = [dict(activation="PReLU", **{prelu: float(v)}) for v in np.linspace(0.0, 1.0, 6)]
    frames += [dict(activation="ELU", **{elu: float(v)}) for v in np.linspace(0.2, 2.0, 6)]
    for p in "ab":
        frames += [dict(activation="Soboleva tanh", **{control_name("Soboleva tanh", p): float(v)})
                   for v in np.linspace(0.4, 1.6, 7)]
    frames += [dict(activation="Soboleva tanh", depth=L) for L in DEPTHS]
    return frames


def activation_grid() -> dict:
    """The static explorer's settings (`activation_explorer().static(**activation_grid())`): the
    activations of the catalogue that have a parameter to explore (each one is a background
    image to render and ship, so the page leaves out those with nothing to move), each explored
    parameter at its `page_values()` (shown only with its activation, so the settings add up
    over the activations instead of multiplying), and depth L in PAGE_DEPTHS. Each activation
    keeps one y-range: the static figure uses the union of the live ranges of its settings."""
    owners = _explored(act.ACTIVATIONS)
    grid, parts = {"activation": list(owners), "depth": list(PAGE_DEPTHS)}, []
    for activation, explored in owners.items():
        same = {}  # the parameters that offer the same values are listed together
        for p, name in explored:
            grid[name] = p.page_values()
            same.setdefault(tuple(map(_value, grid[name])), []).append(p.symbol)
        parts.append(f"{activation} " + " and ".join(f"{', '.join(symbols)} = {', '.join(values)}"
                                                   for values, symbols in same.items()))
    return dict(name="activations", title="Parametric activation explorer", background=("activation",), grid=grid,
                caption=f"{'; '.join(parts)}; depth L = {' and '.join(map(str, PAGE_DEPTHS))}; "
                        f"each activation keeps one y-range.")
