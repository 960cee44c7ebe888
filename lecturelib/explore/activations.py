"""Explorer of chapter 2: activations."""

from __future__ import annotations

import functools

import numpy as np

from .. import activations as act
from ..plotting import PALETTE, new_figure, zero_axes
from ..validation import check_choice, check_finite, check_whole
from .explorer import Explorer


PARAMETRIC_ACTIVATIONS = ("PReLU", "ELU", "Soboleva tanh")
MAX_X = 100.0  # Soboleva's e^{ax} with a = 2 stays finite (e^{200}) on [−MAX_X, MAX_X]
DEPTHS = (1, 2, 3, 5, 10, 20)
MAX_DEPTH = 10_000  # depth_gradient loops over the layers: a bound against typos such as 10**9
GRADIENT_LIMITS = (1e-12, 1e8)  # the log y-axis of the depth panel: (1/4)^20 ≈ 1e-12 to 2^20 ≈ 1e6


def activation_explorer(x_range: tuple[float, float] = (-4.0, 4.0)) -> Explorer:
    """ρ and ρ′ of a parametric activation (PReLU's slope α, ELU's α, Soboleva's a, b, c, d),
    and what depth does to the gradient: |d h_L/d x| of the chain h_l = ρ(h_{l−1}), h_0 = x, of
    `depth` layers (`depth_gradient`, chapter 2's one-neuron chain with weights 1), on a log axis.

    Raises ValueError unless `x_range` is two numbers −MAX_X <= low < high <= MAX_X."""
    from matplotlib.ticker import NullLocator

    low, high = _interval(x_range, "x_range", MAX_X)
    x = np.linspace(low, high, 401)
    fig, (ax_rho, ax_prime, ax_depth) = new_figure(1, 3, width=9.6, height=3.2)
    (rho_line,) = ax_rho.plot(x, x, color=PALETTE["blue"])
    (prime_line,) = ax_prime.plot(x, x, color=PALETTE["vermillion"])
    for ax, label in ((ax_rho, "ρ(x)"), (ax_prime, "ρ′(x)")):
        zero_axes(ax)
        ax.set_xlabel("x")
        ax.set_ylabel(label)
        ax.set_xlim(low, high)
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

    def draw(activation, alpha, a, b, c, d, depth):
        params = dict(a=a, b=b, c=c, d=d) if activation == "Soboleva tanh" else dict(alpha=alpha)
        chosen = act.ACTIVATIONS[activation]
        rho_line.set_ydata(chosen(x, **params))
        prime_line.set_ydata(chosen.prime(x, **params))
        depth_line.set_ydata(gradient_curve(activation, depth, *params.items()))
        ax_depth.set_title(f"gradient at depth L = {depth}")
        for ax, line in ((ax_rho, rho_line), (ax_prime, prime_line)):
            y = line.get_ydata()
            low, high = float(np.min(y)), float(np.max(y))
            pad = 0.08 * max(high - low, 1e-3)
            ax.set_ylim(max(low, -6.0) - pad, min(high, 6.0) + pad)
        values = ", ".join(f"{'α' if k == 'alpha' else k} = {v:g}" for k, v in params.items())
        title.set_text(f"{activation}: {values}")

    controls = {
        "activation": PARAMETRIC_ACTIVATIONS,
        "alpha": np.round(np.linspace(0.0, 2.0, 21), 2),
        "a": np.round(np.linspace(0.0, 2.0, 21), 2),
        "b": np.round(np.linspace(0.0, 2.0, 21), 2),
        "c": np.round(np.linspace(0.0, 2.0, 21), 2),
        "d": np.round(np.linspace(0.0, 2.0, 21), 2),
        "depth": DEPTHS,
    }
    defaults = dict(activation="PReLU", alpha=0.2, a=1.0, b=1.0, c=1.0, d=1.0, depth=10)
    return Explorer(fig, draw, controls, defaults, between=("alpha", "a", "b", "c", "d"))


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


def _interval(pair, name: str, bound: float) -> tuple[float, float]:
    """`pair` as (low, high) with −bound <= low < high <= bound, or a ValueError naming `name`."""
    pair = check_finite(pair, name)
    if pair.shape != (2,) or not -bound <= pair[0] < pair[1] <= bound:
        raise ValueError(f"{name} must be two numbers (low, high) with {-bound:g} <= low < high "
                         f"<= {bound:g}, got {pair.tolist()}")
    return float(pair[0]), float(pair[1])


def activation_tour() -> list[dict]:
    """The frames of the activation animation: PReLU's α, then ELU's α, then Soboleva's a."""
    frames = [dict(activation="PReLU", alpha=float(v)) for v in np.linspace(0.0, 1.0, 6)]
    frames += [dict(activation="ELU", alpha=float(v)) for v in np.linspace(0.2, 2.0, 6)]
    frames += [dict(activation="Soboleva tanh", a=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    frames += [dict(activation="Soboleva tanh", b=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    frames += [dict(activation="Soboleva tanh", depth=L) for L in DEPTHS]
    return frames


def activation_grid() -> dict:
    """The static explorer's settings (`activation_explorer().static(**activation_grid())`):
    nine values of α for PReLU and ELU; for Soboleva's a, b (numerator) four values and c, d
    (denominator) three around 1 (tanh), where the curves stay within a few units: the static
    figure keeps one y-range per activation, the union of the live ranges. Depth L = 1 and 10
    (one layer against the chapter's ten; each depth doubles the page's size)."""
    alphas = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0]
    numerator, denominator = [0.5, 0.8, 1.0, 1.2], [0.8, 1.0, 1.2]
    depths = [1, 10]
    return dict(name="activations", title="Parametric activation explorer", background=("activation",),
                grid=dict(alpha=alphas, a=numerator, b=numerator, c=denominator, d=denominator, depth=depths),
                labels=dict(activation="activation", alpha="α (PReLU, ELU)", a="a (Soboleva)",
                            b="b (Soboleva)", c="c (Soboleva)", d="d (Soboleva)", depth="depth L"),
                caption=f"α = {', '.join(f'{v:g}' for v in alphas)} for PReLU and ELU; Soboleva's a, b = "
                        f"{', '.join(f'{v:g}' for v in numerator)} and c, d = "
                        f"{', '.join(f'{v:g}' for v in denominator)}; depth L = "
                        f"{' and '.join(map(str, depths))}; each activation keeps one y-range.")
