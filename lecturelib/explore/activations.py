"""Explorer of chapter 2: activations."""

from __future__ import annotations

import numpy as np

from .. import activations as act
from ..plotting import PALETTE, new_figure, zero_axes
from .explorer import Explorer


PARAMETRIC_ACTIVATIONS = ("PReLU", "ELU", "Soboleva tanh")


def activation_explorer(x_range: tuple[float, float] = (-4.0, 4.0)) -> Explorer:
    """ρ and ρ′ of a parametric activation: PReLU's slope α, ELU's α, Soboleva's a, b, c, d."""
    x = np.linspace(*x_range, 401)
    fig, (ax_rho, ax_prime) = new_figure(1, 2, width=7.5, height=3.2)
    (rho_line,) = ax_rho.plot(x, x, color=PALETTE["blue"])
    (prime_line,) = ax_prime.plot(x, x, color=PALETTE["vermillion"])
    for ax, label in ((ax_rho, "ρ(x)"), (ax_prime, "ρ′(x)")):
        zero_axes(ax)
        ax.set_xlabel("x")
        ax.set_ylabel(label)
        ax.set_xlim(*x_range)
    ax_rho.set_title("activation ρ")
    ax_prime.set_title("derivative ρ′")
    title = fig.suptitle("")

    def update(activation, alpha, a, b, c, d):
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
    return Explorer(fig, update, controls, defaults)


def activation_tour() -> list[dict]:
    """The frames of the activation animation: PReLU's α, then ELU's α, then Soboleva's a."""
    frames = [dict(activation="PReLU", alpha=float(v)) for v in np.linspace(0.0, 1.0, 6)]
    frames += [dict(activation="ELU", alpha=float(v)) for v in np.linspace(0.2, 2.0, 6)]
    frames += [dict(activation="Soboleva tanh", a=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    frames += [dict(activation="Soboleva tanh", b=float(v)) for v in np.linspace(0.4, 1.6, 7)]
    return frames
