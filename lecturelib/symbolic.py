r"""Symbolic differentiation on expression trees: the first of the three ways to get a derivative
by computer that Lecture 3 names beside numerical and automatic differentiation.

A `Sym` is a formula: a variable, a number, or an operation (+, −, ·, exp) on formulas. Python's
operators build it, so one function, written once, runs on floats, on `autodiff.Value`, on
`forward_mode.Dual` and on `Sym`:

    x = Sym.variable("x")
    def logistic(l):              # one step of the logistic map, 4 l (1 − l)
        return 4 * l * (1 - l)
    f = logistic(logistic(x))     # a formula in x
    df = diff(f, "x")             # its derivative, a formula too

`diff` applies the textbook rules recursively, d(u + v) = du + dv, d(uv) = du·v + u·dv,
d(eᵘ) = eᵘ·du, and simplifies only the obvious (0 + a = a, 1·a = a, 0·a = 0, numbers folded),
as a computer algebra system does before its `simplify`. Every product rule copies u and v into
the result, so for a function built by repeated composition the derivative grows exponentially
as a formula (its `size`, the number of nodes when written out as a tree), while reverse mode
computes the same number with a graph that grows linearly: "expression swell" (Baydin et al.,
*Automatic differentiation in machine learning: a survey*, JMLR 2018, Table 1, on the logistic
map). `evaluate(f, x=0.3)` computes a formula's value.

Bad input: operands must be `Sym`, int or float (TypeError otherwise; NaN and ±∞ are ValueErrors);
a variable name is a non-empty string; `evaluate` needs a finite number for every variable of the
formula (ValueError naming the missing one).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from .validation import check_real

OPERATIONS = ("var", "num", "+", "-", "*", "exp")


@dataclass(frozen=True, eq=False)
class Sym:
    """A formula: `op` is one of OPERATIONS; `args` are its operands (Sym), or its name (var) or
    value (num)."""

    op: str
    args: tuple

    @staticmethod
    def variable(name: str) -> "Sym":
        if not isinstance(name, str) or not name:
            raise ValueError(f"a variable needs a non-empty name, got {name!r}")
        return Sym("var", (name,))

    def __add__(self, other) -> "Sym":
        return _add(self, _as_sym(other, "+"))

    def __radd__(self, other) -> "Sym":
        return _add(_as_sym(other, "+"), self)

    def __sub__(self, other) -> "Sym":
        return _sub(self, _as_sym(other, "-"))

    def __rsub__(self, other) -> "Sym":
        return _sub(_as_sym(other, "-"), self)

    def __mul__(self, other) -> "Sym":
        return _mul(self, _as_sym(other, "*"))

    def __rmul__(self, other) -> "Sym":
        return _mul(_as_sym(other, "*"), self)

    def __neg__(self) -> "Sym":
        return _sub(Sym("num", (0.0,)), self)

    def exp(self) -> "Sym":
        return Sym("num", (_exp(self.args[0]),)) if self.op == "num" else Sym("exp", (self,))

    def __str__(self) -> str:
        if self.op in ("var", "num"):
            return f"{self.args[0]:g}" if self.op == "num" else self.args[0]
        if self.op == "exp":
            return f"exp({self.args[0]})"
        return f"({self.args[0]} {self.op} {self.args[1]})"


def _exp(x: float) -> float:
    """eˣ as a float: inf where it overflows (as NumPy and torch give), not an OverflowError."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _as_sym(other, op: str) -> Sym:
    if isinstance(other, Sym):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Sym("num", (check_real(other, f"the operand of {op}"),))
    raise TypeError(f"unsupported operand for {op}: Sym and {type(other).__name__}; "
                    "allowed are Sym, int and float")


def _number(e: Sym, value: float) -> bool:
    return e.op == "num" and e.args[0] == value


def _add(a: Sym, b: Sym) -> Sym:
    if a.op == b.op == "num":
        return Sym("num", (a.args[0] + b.args[0],))
    return b if _number(a, 0) else a if _number(b, 0) else Sym("+", (a, b))


def _sub(a: Sym, b: Sym) -> Sym:
    if a.op == b.op == "num":
        return Sym("num", (a.args[0] - b.args[0],))
    return a if _number(b, 0) else Sym("-", (a, b))


def _mul(a: Sym, b: Sym) -> Sym:
    if a.op == b.op == "num":
        return Sym("num", (a.args[0] * b.args[0],))
    if _number(a, 0) or _number(b, 0):
        return Sym("num", (0.0,))
    return b if _number(a, 1) else a if _number(b, 1) else Sym("*", (a, b))


def diff(e: Sym, name: str) -> Sym:
    """∂e/∂name by the rules of the module docstring: a new formula."""
    if not isinstance(e, Sym):
        raise TypeError(f"diff needs a Sym, got {type(e).__name__}")
    if e.op == "var":
        return Sym("num", (1.0 if e.args[0] == name else 0.0,))
    if e.op == "num":
        return Sym("num", (0.0,))
    if e.op == "exp":
        return _mul(e, diff(e.args[0], name))
    u, v = e.args
    du, dv = diff(u, name), diff(v, name)
    if e.op == "+":
        return _add(du, dv)
    if e.op == "-":
        return _sub(du, dv)
    return _add(_mul(du, v), _mul(u, dv))  # the product rule: u and v are copied


def size(e: Sym) -> int:
    """The number of nodes of the formula written out as a tree (a repeated subformula counts
    each time it appears, as it does when printed)."""
    if not isinstance(e, Sym):
        raise TypeError(f"size needs a Sym, got {type(e).__name__}")
    return 1 if e.op in ("var", "num") else 1 + sum(size(a) for a in e.args)


def evaluate(e: Sym, **values) -> float:
    """The value of the formula for the given variables, e.g. `evaluate(f, x=0.3)`."""
    if not isinstance(e, Sym):
        raise TypeError(f"evaluate needs a Sym, got {type(e).__name__}")
    if e.op == "var":
        if e.args[0] not in values:
            raise ValueError(f"no value for the variable {e.args[0]!r}: pass {e.args[0]}=<number>")
        return check_real(values[e.args[0]], e.args[0])
    if e.op == "num":
        return e.args[0]
    if e.op == "exp":
        return _exp(evaluate(e.args[0], **values))
    a, b = (evaluate(arg, **values) for arg in e.args)
    return a + b if e.op == "+" else a - b if e.op == "-" else a * b
