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

Operands must be `Dual`s or real numbers (int, float), else TypeError; operations outside
their domain raise ValueError, as in `lecturelib.autodiff`.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Sequence

from .autodiff import power_slope


def _as_dual(other, op: str) -> "Dual":
    """`other` as a Dual: Duals pass through, real numbers become constants (tangent 0)."""
    if isinstance(other, Dual):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Dual(float(other), 0.0)
    raise TypeError(f"unsupported operand for {op}: Dual and {type(other).__name__}; "
                    "allowed are Dual, int and float")


class Dual:
    """A value and its tangent (directional derivative): a + ȧε with ε² = 0."""

    def __init__(self, value, tangent=0.0):
        for name, v in (("value", value), ("tangent", tangent)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"a Dual's {name} must be a real number, got {type(v).__name__}")
        self.value = float(value)
        self.tangent = float(tangent)

    def __repr__(self) -> str:
        return f"Dual(value={self.value:.6g}, tangent={self.tangent:.6g})"

    def __add__(self, other) -> "Dual":
        other = _as_dual(other, "+")
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other) -> "Dual":
        other = _as_dual(other, "*")
        return Dual(self.value * other.value,
                    self.tangent * other.value + self.value * other.tangent)

    def __truediv__(self, other) -> "Dual":
        other = _as_dual(other, "/")
        if other.value == 0.0:
            raise ValueError("division by zero: the denominator's value is 0")
        quotient = self.value / other.value
        return Dual(quotient, (self.tangent - quotient * other.tangent) / other.value)

    def __pow__(self, k) -> "Dual":
        if isinstance(k, Dual):
            raise TypeError("the exponent must be a number (int or float), not a Dual; "
                            "for x ** y with y a Dual write (y * x.log()).exp()")
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"the exponent must be an int or float, got {type(k).__name__}")
        k = float(k)
        if self.value < 0 and not k.is_integer():
            raise ValueError(f"a negative base ({self.value:g}) needs an integer exponent, got {k:g}")
        if self.value == 0 and k < 0:
            raise ValueError(f"0 ** {k:g} is undefined (division by zero)")
        try:
            value = self.value**k
        except OverflowError:
            raise ValueError(f"{self.value:g} ** {k:g} overflows a float") from None
        return Dual(value, power_slope(self.value, value, k) * self.tangent)  # k aᵏ⁻¹ ȧ

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
        return Dual(e, e * self.tangent)

    def log(self) -> "Dual":
        if self.value <= 0:
            raise ValueError(f"log needs a positive argument, got {self.value:g}")
        return Dual(math.log(self.value), self.tangent / self.value)

    def tanh(self) -> "Dual":
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self) -> "Dual":
        a = self.value
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return Dual(s, s * (1.0 - s) * self.tangent)

    def relu(self) -> "Dual":
        return Dual(max(0.0, self.value), (1.0 if self.value > 0 else 0.0) * self.tangent)


def _outputs(result) -> list[Dual]:
    if isinstance(result, (list, tuple)):
        return [_as_dual(r, "an output") for r in result]
    return [_as_dual(result, "an output")]


def jvp(f: Callable[..., Dual | Sequence[Dual]], x: Sequence[float], v: Sequence[float]):
    """One forward pass: the values f(x) and the Jacobian-vector product J(x) v.

    f takes n Duals and returns one Dual or a sequence of m. Returns (values, J v), two lists
    of length m. With ‖v‖ = 1 and m = 1, J v = vᵀ∇f is the directional derivative (Lecture 4)."""
    if len(x) != len(v):
        raise ValueError(f"x and v must have the same length, got {len(x)} and {len(v)}")
    outputs = _outputs(f(*[Dual(float(a), float(b)) for a, b in zip(x, v)]))
    return [o.value for o in outputs], [o.tangent for o in outputs]


def derivative(f: Callable[[Dual], Dual], x: float) -> tuple[float, float]:
    """(f(x), f′(x)) for f: ℝ → ℝ, one pass with tangent 1."""
    (value,), (slope,) = jvp(lambda a: _outputs(f(a))[:1], [x], [1.0])
    return value, slope


def jacobian(f: Callable[..., Sequence[Dual]], x: Sequence[float]) -> list[list[float]]:
    """The m × n Jacobian in forward mode: one pass per input xⱼ (column j = J eⱼ)."""
    n = len(x)
    columns = [jvp(f, x, [1.0 if i == j else 0.0 for i in range(n)])[1] for j in range(n)]
    return [list(row) for row in zip(*columns)]


def gradient(f: Callable[..., Dual], x: Sequence[float]) -> tuple[float, list[float]]:
    """(f(x), ∇f(x)) for f: ℝⁿ → ℝ: n forward passes, one per input (pass j gives ∂f/∂xⱼ).

    Raises ValueError if f returns several outputs (use `jacobian`) or x is empty."""
    if len(x) == 0:
        raise ValueError("x must hold at least one number")
    value, grad = None, []
    for j in range(len(x)):
        values, tangents = jvp(f, x, [1.0 if i == j else 0.0 for i in range(len(x))])
        if len(values) != 1:
            raise ValueError(f"gradient needs f to return one scalar, got {len(values)} "
                             "outputs (use jacobian)")
        value = values[0]
        grad.append(tangents[0])
    return value, grad
