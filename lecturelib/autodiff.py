r"""Reverse-mode automatic differentiation on scalars: a tiny autograd in the style of micrograd.

Source: Lecture 3, "Differential programming" (computational graph, chain rule, automatic
differentiation in reverse mode, error backpropagation) and the Lecture 5 recap
f(x, y, z) = (x + y)·z. Model: Karpathy's micrograd, `engine.py`.

A `Value` is a node of the computational graph: a number (`data`), the nodes it was computed
from (`parents`), the operation that made it (`op`), and a closure `_backward` that applies
the operation's *local* derivative. `backward()` visits the graph in reverse topological
order and applies the chain rule node by node:

    parent.grad += (∂ node / ∂ parent) · node.grad

The `+=` matters: a node used by several operations receives one contribution per path, so
the gradient is the lecture's sum over all paths, ∂y/∂x = Σᵢ (∂y/∂yᵢ)(∂yᵢ/∂x).

What `backward()` requires: it is called on a scalar output (every `Value` is one).
Unlike PyTorch, which adds into `.grad` on every call (hence `optimizer.zero_grad()`), each
call first resets every gradient in the graph to 0.

Bad input: a Value holds a finite real number (int or float; TypeError for anything else,
ValueError for NaN and ±∞), and operands must be Values or such numbers. An operation outside
its domain (log or a fractional power of x ≤ 0, division by 0) or whose result overflows a
float raises ValueError naming the operation and its input. A gradient may be ±∞ (√x at
x = 0, as in PyTorch). The chain rule takes 0·∞ = 0 (`chain`; PyTorch gives NaN there), and
where it meets ∞ − ∞ `backward()` raises ValueError instead of leaving NaN in `.grad`.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Iterator, Sequence

from .validation import check_function, check_real


def _as_value(other, op: str) -> "Value":
    """`other` as a Value: Values pass through, finite real numbers become constants."""
    if isinstance(other, Value):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Value(other, label=f"the operand of {op}")
    raise TypeError(f"unsupported operand for {op}: Value and {type(other).__name__}; "
                    "allowed are Value, int and float")


def real(value, name: str) -> float:
    """`check_real`, with an int beyond the float range reported as a ValueError too."""
    try:
        return check_real(value, name)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got an int beyond the float range") from None


def check_result(data: float, op: str, inputs: Sequence[float]) -> float:
    """`data`, the result of `op` on `inputs`, or a ValueError naming the operation where it
    overflowed a float."""
    if not math.isfinite(data):
        shown = (f"{inputs[0]:g} {op} {inputs[1]:g}" if len(inputs) == 2 else
                 f"{inputs[0]:g}{op}" if op.startswith("^") else f"{op}({', '.join(f'{v:g}' for v in inputs)})")
        raise ValueError(f"{shown} overflows a float (gives {data}): every value must stay finite")
    return data


def power_slope(a: float, a_to_k: float, k: float) -> float:
    """The local derivative k aᵏ⁻¹ of aᵏ. Where aᵏ⁻¹ overflows (a tiny, k < 1) it is k·aᵏ/a;
    at a = 0 with 0 < k < 1 it is +∞, the limit PyTorch returns too; for k = 0 it is 0."""
    if k == 0:  # a⁰ = 1 is constant, also at a = 0
        return 0.0
    try:
        return k * a ** (k - 1)
    except OverflowError:
        return k * a_to_k / a
    except ZeroDivisionError:  # 0.0 ** (negative)
        return math.inf


def chain(slope: float, grad: float) -> float:
    """slope · grad, one factor of the chain rule, with 0·∞ = 0: an exact zero (the output
    does not depend on this path) stays zero even against an infinite derivative (√x at 0)."""
    return 0.0 if slope == 0 or grad == 0 else slope * grad


class Value:
    """A scalar node of a computational graph, with its gradient ∂(output)/∂(this node).

    `Value(2.0, label="x")` is a leaf (an input or a weight); operations build new nodes.
    """

    def __init__(self, data, parents: Sequence["Value"] = (), op: str = "", label: str = ""):
        parents = tuple(parents)
        if not all(isinstance(p, Value) for p in parents):
            raise TypeError("the parents of a Value must be Values")
        if op and isinstance(data, float):
            check_result(data, op, [p.data for p in parents])  # raises where the operation overflowed
        self.data = real(data, label or "a Value's data")
        self.grad = 0.0
        self.parents = parents
        self.op = op
        self.label = label
        self._backward: Callable[[], None] = lambda: None  # a leaf has no local rule

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- arithmetic: each operation, then its local backward rule -------------------------

    def __add__(self, other) -> "Value":
        other = _as_value(other, "+")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other) -> "Value":
        other = _as_value(other, "*")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            self.grad += chain(other.data, out.grad)
            other.grad += chain(self.data, out.grad)

        out._backward = _backward
        return out

    def __truediv__(self, other) -> "Value":
        other = _as_value(other, "/")
        if other.data == 0.0:
            raise ValueError(f"division by zero in {self.data:g} / {other.data:g}: the denominator is 0")
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():  # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b² = −(a/b)/b
            self.grad += out.grad / other.data
            other.grad += chain(-out.data / other.data, out.grad)

        out._backward = _backward
        return out

    def __pow__(self, k) -> "Value":
        if isinstance(k, Value):
            raise TypeError("the exponent must be a number (int or float), not a Value; "
                            "for x ** y with y a Value write (y * x.log()).exp()")
        k = real(k, "the exponent")
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"({self.data:g}) ** {k:g} is undefined: a negative base needs an integer exponent")
        if self.data == 0 and k < 0:
            raise ValueError(f"division by zero in 0 ** {k:g}: a negative power of 0 is undefined")
        try:
            out = Value(self.data**k, (self,), f"^{k:g}")
        except OverflowError:
            raise ValueError(f"{self.data:g} ** {k:g} overflows a float") from None

        def _backward():  # ∂(aᵏ)/∂a = k aᵏ⁻¹ (∞ at a = 0 for 0 < k < 1)
            self.grad += chain(power_slope(self.data, out.data, k), out.grad)

        out._backward = _backward
        return out

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other) -> "Value":
        return self + (-_as_value(other, "-"))

    def __radd__(self, other) -> "Value":  # other + self
        return _as_value(other, "+") + self

    def __rsub__(self, other) -> "Value":  # other - self
        return _as_value(other, "-") + (-self)

    def __rmul__(self, other) -> "Value":  # other * self
        return _as_value(other, "*") * self

    def __rtruediv__(self, other) -> "Value":  # other / self
        return _as_value(other, "/") / self

    def __rpow__(self, base) -> "Value":  # base ** self = e^{self · ln base}, base > 0
        base = _as_value(base, "**")
        if base.data <= 0:
            raise ValueError(f"number ** Value needs a positive base, got {base.data:g}")
        return (self * math.log(base.data)).exp()

    # -- elementary functions ----------------------------------------------------------------

    def exp(self) -> "Value":
        if self.data > 709.78:
            raise ValueError(f"exp({self.data:g}) overflows a float (the limit is about 709.78)")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():  # (eᵃ)′ = eᵃ, the output itself
            self.grad += chain(out.data, out.grad)

        out._backward = _backward
        return out

    def log(self) -> "Value":
        if self.data <= 0:
            raise ValueError(f"log({self.data:g}) is undefined: log needs a positive argument")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # (ln a)′ = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # tanh′ = 1 − tanh²
            self.grad += chain(1.0 - out.data**2, out.grad)

        out._backward = _backward
        return out

    def sigmoid(self) -> "Value":
        a = self.data  # σ(a) = 1/(1 + e^{−a}), written so that e^{…} never overflows
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        out = Value(s, (self,), "σ")

        def _backward():  # σ′ = σ(1 − σ)
            self.grad += chain(out.data * (1.0 - out.data), out.grad)

        out._backward = _backward
        return out

    def relu(self) -> "Value":
        out = Value(max(0.0, self.data), (self,), "ReLU")

        def _backward():  # ReLU′ = 1 if a > 0 else 0 (PyTorch's choice at 0)
            self.grad += chain(1.0 if self.data > 0 else 0.0, out.grad)

        out._backward = _backward
        return out

    # -- the backward pass ---------------------------------------------------------------

    def backward(self) -> None:
        """Fill `.grad` of every node with ∂(self)/∂(node): reverse topological order, chain rule.

        Raises ValueError where the chain rule gives NaN (∞·0 or ∞ − ∞) instead of a gradient."""
        for _ in backward_steps(self):
            pass


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents (root last).

    A depth-first search with an explicit stack, so deep graphs do not hit Python's
    recursion limit. Raises TypeError unless `root` is a Value."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value (the output of a graph), got {type(root).__name__}")
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node.parents))
    return order


def backward_steps(root: Value) -> Iterator[Value]:
    """`root.backward()` one node at a time: yields each node right after its local rule ran
    (the explorer steps through these)."""
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0  # ∂root/∂root
    for node in reversed(order):
        node._backward()
        for parent in node.parents:
            if math.isnan(parent.grad):
                raise ValueError(f"backward: the gradient of an input of {node.op} (value {parent.data:g}) "
                                 "is undefined, ∞ − ∞ from paths with infinite derivatives (such as "
                                 "x ** 0.5 at 0)")
        yield node


def as_point(x, name: str = "x") -> list[float]:
    """`x` as a non-empty list of floats, or TypeError/ValueError naming `name` (and the entry)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of real numbers, got str")
    try:
        entries = list(x)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of real numbers, got {type(x).__name__}") from None
    if not entries:
        raise ValueError(f"{name} must hold at least one number")
    return [real(v, f"{name}[{i}]") for i, v in enumerate(entries)]


def gradient(f: Callable[..., Value], x: Sequence[float]) -> tuple[float, list[float]]:
    """Value and gradient of a scalar function f: ℝⁿ → ℝ in **one** backward pass.

    f takes n Values and returns one Value. Returns (f(x), [∂f/∂x₁, …, ∂f/∂xₙ]).
    Raises ValueError if f returns several outputs: reverse mode differentiates one scalar
    per pass (use `jacobian`); TypeError/ValueError unless x is a non-empty sequence of
    finite real numbers."""
    check_function(f, "f")
    inputs = [Value(v, label=f"x{i + 1}") for i, v in enumerate(as_point(x))]
    output = _as_output(f(*inputs))
    output.backward()
    return output.data, [v.grad for v in inputs]


def jacobian(f: Callable[..., Sequence[Value]], x: Sequence[float]) -> list[list[float]]:
    """The m × n Jacobian of f: ℝⁿ → ℝᵐ in reverse mode: one backward pass per output (row)."""
    check_function(f, "f")
    inputs = [Value(v, label=f"x{i + 1}") for i, v in enumerate(as_point(x))]
    outputs = f(*inputs)
    rows = []
    for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
        _as_output(output).backward()
        rows.append([v.grad for v in inputs])
    return rows


def _as_output(output) -> Value:
    if isinstance(output, Value):
        return output
    if isinstance(output, numbers.Real) and not isinstance(output, bool):
        return Value(output, label="the output of f")  # a constant: every gradient is 0
    if isinstance(output, (list, tuple)):
        raise ValueError(f"backward needs one scalar output, got {len(output)} outputs; "
                         "reverse mode differentiates one output per pass (use jacobian)")
    raise TypeError(f"f must return a Value, got {type(output).__name__}")


# -- the lectures' examples, as graphs with named nodes ----------------------------------------


def named(value: Value, label: str) -> Value:
    """Give a node a name (shown in graph drawings) and return it."""
    if not isinstance(value, Value) or not isinstance(label, str):
        raise TypeError(f"named needs a Value and a str label, got {type(value).__name__} and {type(label).__name__}")
    value.label = label
    return value


def worked_example(x: float = 1.0, y: float = -3.0, z: float = 4.0) -> Value:
    """Lecture 5 recap: f(x, y, z) = (x + y)·z through d = x + y; at (1, −3, 4), f = −8."""
    x, y, z = Value(x, label="x"), Value(y, label="y"), Value(z, label="z")
    d = named(x + y, "d")
    return named(d * z, "f")


def multiple_paths(x: float = 1.2, w1: float = 0.5, w2: float = -0.3) -> Value:
    """Lecture 3, "Automatic differentiation - example", for a scalar x:
    y₁ = w₁x, y₂ = w₂x, y₃ = y₁e^{y₂}, y₄ = y₂e^{y₁}, y = y₃y₄ (every input reaches y by
    several paths)."""
    x, w1, w2 = Value(x, label="x"), Value(w1, label="w1"), Value(w2, label="w2")
    y1, y2 = named(w1 * x, "y1"), named(w2 * x, "y2")
    y3 = named(y1 * named(y2.exp(), "e^y2"), "y3")
    y4 = named(y2 * named(y1.exp(), "e^y1"), "y4")
    return named(y3 * y4, "y")
