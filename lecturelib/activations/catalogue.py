r"""The catalogue of element-wise activations: the one registry of the activation family.

One `Activation` entry holds everything the book knows about an activation: ρ and ρ′
(`elementwise.py`), the formulas and ranges chapter 2's table prints, which of chapter 2's
figures draws it (`family`), its PyTorch reference (`torch`) and its parameters (`Parameter`:
the default, the values ρ accepts, the range the chapter explores). `ACTIVATIONS` maps each
name to its entry, in the chapter's order.

Everything that lists activations reads this registry and nothing else: chapter 2's catalogue
table (`catalogue_table`), its figures (`in_family`), its check against PyTorch and its table of
ranges; the explorer (`explore/activations.py`: a menu entry per activation, a slider per
explored parameter, shown only while its activation is chosen); `backprop.backprop`'s
`activation` argument; and the tests (tests/test_activations.py compares every entry with its
PyTorch reference at its defaults and across each explored parameter's range,
tests/test_bad_input_activations_autodiff.py feeds every entry and every parameter bad input).

To add an activation, write ρ and ρ′ (in `elementwise.py`, next to their relatives) and call
`register(Activation(...))` (here, for the book's own). Nothing else names activations:
tests/test_activations.py registers a throw-away one and watches it reach chapter 2's tables and
figures, the explorer and the tests.

The PyTorch references import torch when first called (by the tests and chapter 2's check), so
importing lecturelib never imports torch.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import elementwise as f

FAMILIES = ("classic", "ReLU family", "other")  # chapter 2's three figures of ρ and ρ′
SLIDER_STEPS = 21  # the live explorer offers this many values from low to high (and the default)


@dataclass(frozen=True)
class Parameter:
    """A parameter of an activation, passed to ρ and ρ′ as the keyword `name`.

    default: its value when it is not given (ρ's own default).
    symbol: how the book writes it ("α"): the explorer's label and the figure's title.
    allowed: (low, high), the closed interval of numbers ρ accepts; ρ raises ValueError for a
        number outside it and TypeError for a non-number. Not used with `choices`.
    explore: (low, high), the range the chapter explores: the live explorer's slider
        (`slider()`) and the tests' comparison with PyTorch (`sweep()`); None: the parameter
        stays at its default in the book (leaky ReLU's slope 0.01, which the lecture fixes).
    choices: for a parameter that picks a form (GELU's "none" or "tanh"), the strings ρ
        accepts, each of them explored.
    page: the values the static explorer on the web page offers (`page_values()`; its default:
        the ends of `explore`); the default is always among them.

    Raises TypeError/ValueError naming the field for a default outside `allowed` or `explore`,
    an `explore` range that is not inside `allowed`, or a `page` value outside `explore`.
    """

    name: str
    default: float | str
    symbol: str = ""
    allowed: tuple[float, float] = (-math.inf, math.inf)
    explore: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    page: tuple = ()

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Parameter name must be a Python keyword name, got {self.name!r}")
        if not self.symbol:
            object.__setattr__(self, "symbol", self.name)
        if self.choices:
            if self.default not in self.choices:
                raise ValueError(f"{self.name}: default {self.default!r} is not one of its choices {self.choices}")
            return
        _check_number(self.default, f"{self.name}: default")
        low, high = _check_interval(self.allowed, f"{self.name}: allowed", finite=False)
        if not low <= self.default <= high:
            raise ValueError(f"{self.name}: default {self.default} lies outside allowed [{low}, {high}]")
        if self.explore is not None:
            low, high = _check_interval(self.explore, f"{self.name}: explore", finite=True)
            if not (self.allowed[0] <= low and high <= self.allowed[1]) or not low <= self.default <= high:
                raise ValueError(f"{self.name}: explore [{low}, {high}] must lie inside allowed "
                                 f"{list(self.allowed)} and hold the default {self.default}")
            for value in self.page:
                _check_number(value, f"{self.name}: page")
                if not low <= value <= high:
                    raise ValueError(f"{self.name}: page value {value} lies outside explore [{low}, {high}]")
        elif self.page:
            raise ValueError(f"{self.name}: page values need an explore range")

    @property
    def explored(self) -> bool:
        """Whether the book varies it (a slider or menu in the explorer, a sweep in the tests)."""
        return bool(self.choices) or self.explore is not None

    def slider(self) -> list:
        """The values the live explorer offers: the choices, or SLIDER_STEPS values evenly from
        low to high and the default; [default] for a parameter the book does not explore."""
        if self.choices:
            return list(self.choices)
        if self.explore is None:
            return [self.default]
        even = np.round(np.linspace(*self.explore, SLIDER_STEPS), 10)
        return sorted({float(v) for v in even} | {float(self.default)})

    def page_values(self) -> list:
        """The values the static explorer on the web page offers (see `page`)."""
        if self.choices:
            return list(self.choices)
        if self.explore is None:
            return [self.default]
        return sorted({float(v) for v in (self.page or self.explore)} | {float(self.default)})

    def sweep(self) -> list:
        """The values the tests compare with PyTorch: the choices, or low, middle, high and the
        default of `explore`; [default] for a parameter the book does not explore."""
        if self.choices:
            return list(self.choices)
        if self.explore is None:
            return [self.default]
        low, high = self.explore
        return sorted({float(low), (low + high) / 2, float(high), float(self.default)})

    def allows(self, value) -> bool:
        """Whether ρ accepts `value` for this parameter (the specification its tests check)."""
        if self.choices:
            return isinstance(value, str) and value in self.choices
        real = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        return real and self.allowed[0] <= value <= self.allowed[1]


@dataclass(frozen=True)
class Activation:
    r"""One element-wise activation of the catalogue.

    name: as the book writes it ("leaky ReLU"), its key in ACTIVATIONS.
    rho, rho_prime: ρ(x, **params) and ρ′(x, **params), NumPy, element-wise.
    formula, derivative: ρ(x) and ρ′(x) as chapter 2's catalogue table prints them: Markdown,
        the mathematics in $…$ ("$\alpha x$ if $x \le 0$, else $x$"), so that a cell can wrap.
    lecture_range: its range as the slide writes it, range: its true range (Markdown with $…$),
        which chapter 2 measures; where they differ, the slide has a slip.
    family: the figure of chapter 2 that draws it, one of FAMILIES.
    torch: the PyTorch reference torch(t, **params) for a float64 tensor t, written with torch's
        own operations, never with lecturelib's; None where torch has no differentiable
        counterpart (the binary step, tested by finite differences instead).
    params: its parameters (`Parameter`), keywords of rho and rho_prime.

    Calling the entry evaluates ρ with its defaults (`entry(x, alpha=0.5)` overrides one);
    `entry.prime(x)` evaluates ρ′. Raises TypeError naming the field for a malformed entry.
    """

    name: str
    rho: Callable
    rho_prime: Callable
    formula: str
    derivative: str
    lecture_range: str
    range: str
    family: str
    torch: Callable | None = None
    params: tuple[Parameter, ...] = ()

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise TypeError(f"Activation name must be a non-empty string, got {self.name!r}")
        for field in ("rho", "rho_prime"):
            if not callable(getattr(self, field)):
                raise TypeError(f"{self.name}: {field} must be a function of x, got {getattr(self, field)!r}")
        if self.torch is not None and not callable(self.torch):
            raise TypeError(f"{self.name}: torch must be a function of a tensor or None, got {self.torch!r}")
        if self.family not in FAMILIES:
            raise ValueError(f"{self.name}: family must be one of {', '.join(map(repr, FAMILIES))}, "
                             f"got {self.family!r}")
        object.__setattr__(self, "params", tuple(self.params))
        if not all(isinstance(p, Parameter) for p in self.params):
            raise TypeError(f"{self.name}: params must be Parameter entries, got {self.params!r}")
        if len({p.name for p in self.params}) < len(self.params):
            raise ValueError(f"{self.name}: two parameters share a name: {[p.name for p in self.params]}")

    @property
    def defaults(self) -> dict:
        """Each parameter's default: {name: default}."""
        return {p.name: p.default for p in self.params}

    def parameter(self, name: str) -> Parameter:
        """The parameter called `name`; raises TypeError listing the parameters otherwise."""
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise TypeError(f"{self.name} has no parameter {name!r}; its parameters: {known}")

    def _keywords(self, params: dict) -> dict:
        for name in params:
            self.parameter(name)
        return {**self.defaults, **params}

    def __call__(self, x, **params):
        return self.rho(x, **self._keywords(params))

    def prime(self, x, **params):
        return self.rho_prime(x, **self._keywords(params))


ACTIVATIONS: dict[str, Activation] = {}


def register(activation: Activation) -> Activation:
    """Add `activation` to ACTIVATIONS (after those already there) and return it. Everything
    that lists activations reads ACTIVATIONS when it runs, so the new entry reaches chapter 2's
    tables and figures, the explorer and the tests. Raises TypeError for anything but an
    `Activation`, ValueError for a name already registered."""
    if not isinstance(activation, Activation):
        raise TypeError(f"register takes an Activation, got {type(activation).__name__}")
    if activation.name in ACTIVATIONS:
        raise ValueError(f"an activation called {activation.name!r} is already registered")
    ACTIVATIONS[activation.name] = activation
    return activation


def in_family(family: str) -> list[Activation]:
    """The registered activations of one of chapter 2's figures (FAMILIES), in order."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}, got {family!r}")
    return [a for a in ACTIVATIONS.values() if a.family == family]


def catalogue_table() -> str:
    """Chapter 2's catalogue as a Markdown table: every registered activation, ρ, ρ′, its range as
    the slide writes it and as chapter 2 checks it."""
    rows = [f"| {a.name} | {a.formula} | {a.derivative} | {a.lecture_range} | {a.range} |"
            for a in ACTIVATIONS.values()]
    return ("| activation | $\\rho(x)$ | $\\rho'(x)$ | range on the slide | range, checked below |\n"
            "|---|---|---|---|---|\n" + "\n".join(rows))


def _check_number(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")


def _check_interval(pair, name: str, finite: bool) -> tuple[float, float]:
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {pair!r}")
    for value in pair:
        _check_number(value, name)
    low, high = pair
    if (finite and not (math.isfinite(low) and math.isfinite(high))) or not low < high:
        raise ValueError(f"{name} must be {'finite ' if finite else ''}numbers low < high, got {pair!r}")
    return low, high


# -- the PyTorch references: torch's own operations, imported when first called --------------


def _torch():
    import torch

    return torch


def _soboleva_torch(t, a, b, c, d):
    """Soboleva's tanh as the slide writes it, with torch operations. Its exponentials overflow
    (and the quotient is NaN) for |x| beyond about 700/max(a, b, c, d): there the tests compare
    lecturelib with mpmath instead."""
    torch = _torch()
    return (torch.exp(a * t) - torch.exp(-b * t)) / (torch.exp(c * t) + torch.exp(-d * t))


def _prelu_torch(t, alpha):
    torch = _torch()
    return torch.nn.functional.prelu(t, torch.tensor([alpha], dtype=t.dtype))


# -- the lecture's activations ----------------------------------------------------------------

_SLOPES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0)  # α on the web page: PReLU, ELU
_NUMERATOR, _DENOMINATOR = (0.5, 0.8, 1.0, 1.2), (0.8, 1.0, 1.2)  # Soboleva's a, b and c, d there


def _soboleva_parameter(name: str, page: tuple) -> Parameter:
    return Parameter(name, 1.0, explore=(0.0, 2.0), page=page)


for _entry in [
    Activation("identity", f.identity, f.identity_prime, "$x$", "$1$", r"$\mathbb{R}$", r"$\mathbb{R}$",
               "classic", torch=lambda t: t * 1.0),
    Activation("binary step", f.binary_step, f.binary_step_prime, r"$0$ if $x<0$, $1$ if $x \ge 0$",
               r"$0$ ($x \ne 0$)", r"$\{0, 1\}$", r"$\{0, 1\}$", "classic"),
    Activation("sigmoid", f.sigmoid, f.sigmoid_prime, r"$\frac{1}{1+e^{-x}}$", r"$\rho(x)(1-\rho(x))$",
               "$(0, 1)$", "$(0, 1)$", "classic", torch=lambda t: _torch().sigmoid(t)),
    Activation("tanh", f.tanh, f.tanh_prime, r"$\frac{e^x - e^{-x}}{e^x + e^{-x}}$", r"$1 - \rho(x)^2$",
               "$(-1, 1)$", "$(-1, 1)$", "classic", torch=lambda t: _torch().tanh(t)),
    Activation("Soboleva tanh", f.soboleva_tanh, f.soboleva_tanh_prime,
               r"$\frac{e^{ax} - e^{-bx}}{e^{cx} + e^{-dx}}$", r"$\frac{N' - \rho D'}{D}$", "$(-1, 1)$",
               r"inside $(-1, 1)$ iff $a \le c,\ b \le d$; all of it iff $a = c,\ b = d$",
               "classic", torch=_soboleva_torch,
               params=[_soboleva_parameter("a", _NUMERATOR), _soboleva_parameter("b", _NUMERATOR),
                       _soboleva_parameter("c", _DENOMINATOR), _soboleva_parameter("d", _DENOMINATOR)]),
    Activation("ReLU", f.relu, f.relu_prime, r"$\max(0, x)$", "$1$ if $x>0$, else $0$", r"$[0, \infty)$",
               r"$[0, \infty)$", "ReLU family", torch=lambda t: _torch().nn.functional.relu(t)),
    Activation("leaky ReLU", f.leaky_relu, f.leaky_relu_prime, r"$0.01x$ if $x \le 0$, else $x$",
               r"$0.01$ if $x \le 0$, else $1$", r"$\mathbb{R}$", r"$\mathbb{R}$", "ReLU family",
               torch=lambda t, slope: _torch().nn.functional.leaky_relu(t, slope),
               params=[Parameter("slope", 0.01, allowed=(0.0, math.inf))]),
    Activation("PReLU", f.prelu, f.prelu_prime, r"$\alpha x$ if $x \le 0$, else $x$",
               r"$\alpha$ if $x \le 0$, else $1$", r"$\mathbb{R}$", r"$\mathbb{R}$", "ReLU family",
               torch=_prelu_torch,
               params=[Parameter("alpha", 0.25, "α", allowed=(0.0, math.inf), explore=(0.0, 2.0), page=_SLOPES)]),
    Activation("GELU", f.gelu, f.gelu_prime, r"$x\,\Phi(x)$", r"$\Phi(x) + x\,\varphi(x)$", r"$[-0.17, \infty)$",
               r"$[-0.1700, \infty)$", "ReLU family",
               torch=lambda t, approximate: _torch().nn.functional.gelu(t, approximate=approximate),
               params=[Parameter("approximate", "none", choices=("none", "tanh"))]),
    Activation("ELU", f.elu, f.elu_prime, r"$\alpha(e^x - 1)$ if $x \le 0$, else $x$",
               r"$\alpha e^x$ if $x \le 0$, else $1$", r"$[-\alpha, \infty)$", r"$(-\alpha, \infty)$",
               "ReLU family", torch=lambda t, alpha: _torch().nn.functional.elu(t, alpha=alpha),
               params=[Parameter("alpha", 1.0, "α", allowed=(0.0, math.inf), explore=(0.0, 2.0), page=_SLOPES)]),
    Activation("SELU", f.selu, f.selu_prime, r"$\lambda \cdot \mathrm{ELU}_\alpha(x)$",
               r"$\lambda \cdot \mathrm{ELU}'_\alpha(x)$", r"$[-\alpha\lambda, \infty)$", r"$(-\alpha\lambda, \infty)$",
               "ReLU family", torch=lambda t: _torch().nn.functional.selu(t)),
    Activation("SiLU", f.silu, f.silu_prime, r"$\frac{x}{1+e^{-x}}$", r"$\sigma(x)\,(1 + x(1 - \sigma(x)))$",
               r"$[-0.278, \infty)$", r"$[-0.2785, \infty)$", "ReLU family",
               torch=lambda t: _torch().nn.functional.silu(t)),
    Activation("Gaussian", f.gaussian, f.gaussian_prime, "$e^{-x^2}$", r"$-2x\,e^{-x^2}$", "$[0, 1)$", "$(0, 1]$",
               "other", torch=lambda t: _torch().exp(-t**2)),
    # torch's softplus is x itself above its threshold; at 50 that equals ln(1 + e^x) in float64
    Activation("softplus", f.softplus, f.softplus_prime, r"$\ln(1 + e^x)$", r"$\sigma(x)$", r"$[0, \infty)$",
               r"$(0, \infty)$", "other", torch=lambda t: _torch().nn.functional.softplus(t, threshold=50.0)),
]:
    register(_entry)
del _entry
