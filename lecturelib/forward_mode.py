r"""Forward-mode automatic differentiation with dual numbers.

Source: Lecture 3, "Automatic differentiation": forward mode propagates ∂(·)/∂x *forward*,
alongside the values. Reference: Margossian (2019), "A review of automatic differentiation
and its efficient implementation", section 2.

A `Dual` carries a value a and a tangent ȧ = ∂a/∂x for one chosen input direction. Each
operation computes its value and, by the chain rule, its tangent from its inputs' tangents:

    (a + b)˙ = ȧ + ḃ,   (ab)˙ = ȧb + aḃ,   f(a)˙ = f′(a)·ȧ.

(Algebraically a + ȧε with ε² = 0: f(a + ȧε) = f(a) + f′(a)ȧε.) One pass gives the
derivative of every output along one input direction v, the Jacobian-vector product J v.
The gradient of f: ℝⁿ → ℝ therefore costs n passes (v = e₁, …, eₙ), where reverse mode
(`lecturelib.autodiff`) needs one; for f: ℝ → ℝᵐ one forward pass suffices.

Bad input, as in `lecturelib.autodiff`: a Dual's value is a finite real number (TypeError for
a non-number, ValueError for NaN/±∞), its tangent a real number that is not NaN (±∞ is the
slope of √x at 0); operands must be Duals or real numbers, else TypeError. An operation
outside its domain, whose value overflows, or whose tangent is undefined (∞·0, ∞ − ∞)
raises ValueError naming it.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Sequence

from .autodiff import as_point, chain, check_result, power_slope, real
from .validation import check_function


def _as_dual(other, op: str) -> "Dual":
    """`other` as a Dual: Duals pass through, real numbers become constants (tangent 0)."""
    if isinstance(other, Dual):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Dual(real(other, f"the operand of {op}"), 0.0)
    raise TypeError(f"unsupported operand for {op}: Dual and {type(other).__name__}; "
                    "allowed are Dual, int and float")


def _result(op: str, inputs: tuple, value: float, tangent: float) -> "Dual":
    """The Dual an operation returns, or a ValueError naming `op` where its value overflows or
    its tangent is undefined (NaN from ∞·0 or ∞ − ∞ with an infinite tangent)."""
    check_result(value, op, [d.value for d in inputs])
    if math.isnan(tangent):
        raise ValueError(f"the tangent of {op} at {', '.join(f'{d.value:g}' for d in inputs)} is "
                         "undefined (∞·0 or ∞ − ∞: an infinite slope, such as x ** 0.5 at 0)")
    return Dual(value, tangent)


class Dual:
    """A value and its tangent (directional derivative): a + ȧε with ε² = 0."""

    def __init__(self, value, tangent=0.0):
        self.value = real(value, "a Dual's value")
        if isinstance(tangent, bool) or not isinstance(tangent, numbers.Real):
            raise TypeError(f"a Dual's tangent must be a real number, got {type(tangent).__name__}")
        if isinstance(tangent, float) and math.isnan(tangent):
            raise ValueError("a Dual's tangent must be a real number, got nan")
        # a float tangent may be ±∞ (the slope of √x at 0); other numbers must be finite
        self.tangent = float(tangent) if isinstance(tangent, float) else real(tangent, "a Dual's tangent")

    def __repr__(self) -> str:
        return f"Dual(value={self.value:.6g}, tangent={self.tangent:.6g})"

    def __add__(self, other) -> "Dual":
        other = _as_dual(other, "+")
        return _result("+", (self, other), self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other) -> "Dual":
        other = _as_dual(other, "*")
        return _result("*", (self, other), self.value * other.value,
                       chain(other.value, self.tangent) + chain(self.value, other.tangent))

    def __truediv__(self, other) -> "Dual":
        other = _as_dual(other, "/")
        if other.value == 0.0:
            raise ValueError(f"division by zero in {self.value:g} / {other.value:g}: the denominator is 0")
        quotient = self.value / other.value
        return _result("/", (self, other), quotient,
                       (self.tangent - chain(quotient, other.tangent)) / other.value)

    def __pow__(self, k) -> "Dual":
        if isinstance(k, Dual):
            raise TypeError("the exponent must be a number (int or float), not a Dual; "
                            "for x ** y with y a Dual write (y * x.log()).exp()")
        k = real(k, "the exponent")
        if self.value < 0 and not k.is_integer():
            raise ValueError(f"({self.value:g}) ** {k:g} is undefined: a negative base needs an integer exponent")
        if self.value == 0 and k < 0:
            raise ValueError(f"division by zero in 0 ** {k:g}: a negative power of 0 is undefined")
        try:
            value = self.value**k
        except OverflowError:
            raise ValueError(f"{self.value:g} ** {k:g} overflows a float") from None
        # k aᵏ⁻¹ ȧ, which is 0 where ȧ = 0 even if the slope is ∞ (√a at a = 0)
        return _result(f"^{k:g}", (self,), value, chain(power_slope(self.value, value, k), self.tangent))

    def __neg__(self) -> "Dual":
        return Dual(-self.value, -self.tangent)

    def __sub__(self, other) -> "Dual":
        return self + (-_as_dual(other, "-"))

    def __radd__(self, other) -> "Dual":
        return _as_dual(other, "+") + self

    def __rsub__(self, other) -> "Dual":
        return _as_dual(other, "-") + (-self)

    def __rmul__(self, other) -> "Dual":
        return _as_dual(other, "*") * self

    def __rtruediv__(self, other) -> "Dual":
        return _as_dual(other, "/") / self

    def __rpow__(self, base) -> "Dual":  # base ** self = e^{self · ln base}, base > 0
        base = _as_dual(base, "**")
        if base.value <= 0:
            raise ValueError(f"number ** Dual needs a positive base, got {base.value:g}")
        return (self * math.log(base.value)).exp()

    # f(a)˙ = f′(a) · ȧ for each elementary function

    def exp(self) -> "Dual":
        if self.value > 709.78:
            raise ValueError(f"exp({self.value:g}) overflows a float (the limit is about 709.78)")
        e = math.exp(self.value)
        return _result("exp", (self,), e, chain(e, self.tangent))

    def log(self) -> "Dual":
        if self.value <= 0:
            raise ValueError(f"log({self.value:g}) is undefined: log needs a positive argument")
        return _result("log", (self,), math.log(self.value), self.tangent / self.value)

    def tanh(self) -> "Dual":
        t = math.tanh(self.value)
        return _result("tanh", (self,), t, chain(1.0 - t * t, self.tangent))

    def sigmoid(self) -> "Dual":
        a = self.value
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return _result("σ", (self,), s, chain(s * (1.0 - s), self.tangent))

    def relu(self) -> "Dual":
        return Dual(max(0.0, self.value), chain(1.0 if self.value > 0 else 0.0, self.tangent))


def _outputs(result) -> list[Dual]:
    results = result if isinstance(result, (list, tuple)) else [result]
    for r in results:
        if isinstance(r, bool) or not isinstance(r, (Dual, numbers.Real)):
            raise TypeError(f"f must return a Dual or a sequence of Duals, got {type(r).__name__}")
    return [_as_dual(r, "an output") for r in results]


def jvp(f: Callable[..., Dual | Sequence[Dual]], x: Sequence[float], v: Sequence[float]):
    """One forward pass: the values f(x) and the Jacobian-vector product J(x) v.

    f takes n Duals and returns one Dual or a sequence of m. Returns (values, J v), two lists
    of length m. With ‖v‖ = 1 and m = 1, J v = vᵀ∇f is the directional derivative (Lecture 4).
    Raises TypeError/ValueError unless x and v are non-empty sequences of finite real numbers
    of the same length."""
    check_function(f, "f")
    x, v = as_point(x, "x"), as_point(v, "v")
    if len(x) != len(v):
        raise ValueError(f"x and v must have the same length, got {len(x)} and {len(v)}")
    outputs = _outputs(f(*[Dual(a, b) for a, b in zip(x, v)]))
    return [o.value for o in outputs], [o.tangent for o in outputs]


def derivative(f: Callable[[Dual], Dual], x: float) -> tuple[float, float]:
    """(f(x), f′(x)) for f: ℝ → ℝ, one pass with tangent 1."""
    check_function(f, "f")
    (value,), (slope,) = jvp(lambda a: _outputs(f(a))[:1], [real(x, "x")], [1.0])
    return value, slope


def jacobian(f: Callable[..., Sequence[Dual]], x: Sequence[float]) -> list[list[float]]:
    """The m × n Jacobian in forward mode: one pass per input xⱼ (column j = J eⱼ)."""
    x = as_point(x, "x")
    n = len(x)
    columns = [jvp(f, x, [1.0 if i == j else 0.0 for i in range(n)])[1] for j in range(n)]
    return [list(row) for row in zip(*columns)]


def gradient(f: Callable[..., Dual], x: Sequence[float]) -> tuple[float, list[float]]:
    """(f(x), ∇f(x)) for f: ℝⁿ → ℝ: n forward passes, one per input (pass j gives ∂f/∂xⱼ).

    Raises ValueError if f returns several outputs (use `jacobian`) or x is empty."""
    x = as_point(x, "x")
    value, grad = None, []
    for j in range(len(x)):
        values, tangents = jvp(f, x, [1.0 if i == j else 0.0 for i in range(len(x))])
        if len(values) != 1:
            raise ValueError(f"gradient needs f to return one scalar, got {len(values)} "
                             "outputs (use jacobian)")
        value = values[0]
        grad.append(tangents[0])
    return value, grad
