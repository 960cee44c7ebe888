"""Explorer of chapter 2: activations."""

from __future__ import annotations

import numpy as np

from .. import activations as act
from ..plotting import PALETTE, new_figure, zero_axes
from ..validation import check_finite
from .explorer import Explorer


PARAMETRIC_ACTIVATIONS = ("PReLU", "ELU", "Soboleva tanh")
MAX_X = 100.0  # Soboleva's e^{ax} with a = 2 stays finite (e^{200}) on [−MAX_X, MAX_X]


def activation_explorer(x_range: tuple[float, float] = (-4.0, 4.0)) -> Explorer:
    """ρ and ρ′ of a parametric activation: PReLU's slope α, ELU's α, Soboleva's a, b, c, d.

    Raises ValueError unless `x_range` is two numbers −MAX_X <= low < high <= MAX_X."""
    low, high = _interval(x_range, "x_range", MAX_X)
    x = np.linspace(low, high, 401)
    fig, (ax_rho, ax_prime) = new_figure(1, 2, width=7.5, height=3.2)
    (rho_line,) = ax_rho.plot(x, x, color=PALETTE["blue"])
    (prime_line,) = ax_prime.plot(x, x, color=PALETTE["vermillion"])
    for ax, label in ((ax_rho, "ρ(x)"), (ax_prime, "ρ′(x)")):
        zero_axes(ax)
        ax.set_xlabel("x")
        ax.set_ylabel(label)
        ax.set_xlim(low, high)
    ax_rho.set_title("activation ρ")
    ax_prime.set_title("derivative ρ′")
    title = fig.suptitle("")

    def draw(activation, alpha, a, b, c, d):
        params = dict(a=a, b=b, c=c, d=d) if activation == "Soboleva tanh" else dict(alpha=alpha)
        chosen = act.ACTIVATIONS[activation]
        rho_line.set_ydata(chosen(x, **params))
        prime_line.set_ydata(chosen.prime(x, **params))
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
    }
    defaults = dict(activation="PReLU", alpha=0.2, a=1.0, b=1.0, c=1.0, d=1.0)
    return Explorer(fig, draw, controls, defaults, between=("alpha", "a", "b", "c", "d"))


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
    return frames


def activation_grid() -> dict:
    """The static explorer's settings (`activation_explorer().static(**activation_grid())`):
    nine values of α for PReLU and ELU; for Soboleva's a, b (numerator) four values and c, d
    (denominator) three around 1 (tanh), where the curves stay within a few units: the static
    figure keeps one y-range per activation, the union of the live ranges."""
    alphas = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0]
    numerator, denominator = [0.5, 0.8, 1.0, 1.2], [0.8, 1.0, 1.2]
    return dict(name="activations", title="Parametric activation explorer", background=("activation",),
                grid=dict(alpha=alphas, a=numerator, b=numerator, c=denominator, d=denominator),
                labels=dict(activation="activation", alpha="α (PReLU, ELU)", a="a (Soboleva)",
                            b="b (Soboleva)", c="c (Soboleva)", d="d (Soboleva)"),
                caption=f"α = {', '.join(f'{v:g}' for v in alphas)} for PReLU and ELU; Soboleva's a, b = "
                        f"{', '.join(f'{v:g}' for v in numerator)} and c, d = "
                        f"{', '.join(f'{v:g}' for v in denominator)}; each activation keeps one y-range.")
