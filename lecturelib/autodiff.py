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

What `backward()` requires: it is called on a scalar output (every `Value` is one) whose
value is finite; it raises ValueError otherwise. Unlike PyTorch, which adds into `.grad` on
every call (hence `optimizer.zero_grad()`), each call first resets every gradient in the
graph to 0. Operands must be `Value`s or real numbers (int, float); anything else raises
TypeError. Operations outside their domain (log of x ≤ 0, division by 0, overflowing exp)
raise ValueError.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Iterator, Sequence


def _as_value(other, op: str) -> "Value":
    """`other` as a Value: Values pass through, real numbers become constants."""
    if isinstance(other, Value):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Value(float(other))
    raise TypeError(f"unsupported operand for {op}: Value and {type(other).__name__}; "
                    "allowed are Value, int and float")


def power_slope(a: float, a_to_k: float, k: float) -> float:
    """The local derivative k aᵏ⁻¹ of aᵏ. Where aᵏ⁻¹ overflows (a tiny, k < 1) it is k·aᵏ/a;
    at a = 0 with 0 < k < 1 it is +∞, the limit PyTorch returns too."""
    try:
        return k * a ** (k - 1)
    except OverflowError:
        return k * a_to_k / a
    except ZeroDivisionError:  # 0.0 ** (negative)
        return math.inf


class Value:
    """A scalar node of a computational graph, with its gradient ∂(output)/∂(this node).

    `Value(2.0, label="x")` is a leaf (an input or a weight); operations build new nodes.
    """

    def __init__(self, data, parents: Sequence["Value"] = (), op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value holds a real number (int or float), got {type(data).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
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
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other) -> "Value":
        other = _as_value(other, "/")
        if other.data == 0.0:
            raise ValueError("division by zero: the denominator's value is 0")
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():  # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b² = −(a/b)/b
            self.grad += out.grad / other.data
            other.grad += -out.data / other.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k) -> "Value":
        if isinstance(k, Value):
            raise TypeError("the exponent must be a number (int or float), not a Value; "
                            "for x ** y with y a Value write (y * x.log()).exp()")
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"the exponent must be an int or float, got {type(k).__name__}")
        k = float(k)
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"a negative base ({self.data:g}) needs an integer exponent, got {k:g}")
        if self.data == 0 and k < 0:
            raise ValueError(f"0 ** {k:g} is undefined (division by zero)")
        try:
            out = Value(self.data**k, (self,), f"^{k:g}")
        except OverflowError:
            raise ValueError(f"{self.data:g} ** {k:g} overflows a float") from None

        def _backward():  # ∂(aᵏ)/∂a = k aᵏ⁻¹
            self.grad += power_slope(self.data, out.data, k) * out.grad

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
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> "Value":
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data:g}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # (ln a)′ = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # tanh′ = 1 − tanh²
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> "Value":
        a = self.data  # σ(a) = 1/(1 + e^{−a}), written so that e^{…} never overflows
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        out = Value(s, (self,), "σ")

        def _backward():  # σ′ = σ(1 − σ)
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> "Value":
        out = Value(max(0.0, self.data), (self,), "ReLU")

        def _backward():  # ReLU′ = 1 if a > 0 else 0 (PyTorch's choice at 0)
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # -- the backward pass ---------------------------------------------------------------

    def backward(self) -> None:
        """Fill `.grad` of every node with ∂(self)/∂(node): reverse topological order, chain rule."""
        order = topological_order(self)
        _start_backward(self, order)
        for node in reversed(order):
            node._backward()


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents (root last).

    A depth-first search with an explicit stack, so deep graphs do not hit Python's
    recursion limit."""
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


def _start_backward(root: Value, order: list[Value]) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"backward needs a Value, got {type(root).__name__}")
    if not math.isfinite(root.data):
        raise ValueError(f"backward from a non-finite output ({root.data}): the forward pass "
                         "overflowed or divided by zero")
    for node in order:
        node.grad = 0.0
    root.grad = 1.0  # ∂root/∂root


def backward_steps(root: Value) -> Iterator[Value]:
    """`root.backward()` one node at a time: yields each node right after its local rule ran
    (the explorer steps through these)."""
    order = topological_order(root)
    _start_backward(root, order)
    for node in reversed(order):
        node._backward()
        yield node


def gradient(f: Callable[..., Value], x: Sequence[float]) -> tuple[float, list[float]]:
    """Value and gradient of a scalar function f: ℝⁿ → ℝ in **one** backward pass.

    f takes n Values and returns one Value. Returns (f(x), [∂f/∂x₁, …, ∂f/∂xₙ]).
    Raises ValueError if f returns several outputs: reverse mode differentiates one scalar
    per pass (use `jacobian`)."""
    inputs = [Value(float(v), label=f"x{i + 1}") for i, v in enumerate(x)]
    output = _as_output(f(*inputs))
    output.backward()
    return output.data, [v.grad for v in inputs]


def jacobian(f: Callable[..., Sequence[Value]], x: Sequence[float]) -> list[list[float]]:
    """The m × n Jacobian of f: ℝⁿ → ℝᵐ in reverse mode: one backward pass per output (row)."""
    inputs = [Value(float(v), label=f"x{i + 1}") for i, v in enumerate(x)]
    outputs = f(*inputs)
    if isinstance(outputs, Value):
        outputs = [outputs]
    rows = []
    for output in outputs:
        _as_output(output).backward()
        rows.append([v.grad for v in inputs])
    return rows


def _as_output(output) -> Value:
    if isinstance(output, Value):
        return output
    if isinstance(output, numbers.Real) and not isinstance(output, bool):
        return Value(float(output))  # a constant: every gradient is 0
    if isinstance(output, (list, tuple)):
        raise ValueError(f"backward needs one scalar output, got {len(output)} outputs; "
                         "reverse mode differentiates one output per pass (use jacobian)")
    raise TypeError(f"f must return a Value, got {type(output).__name__}")


# -- the lectures' examples, as graphs with named nodes ----------------------------------------


def named(value: Value, label: str) -> Value:
    """Give a node a name (shown in graph drawings) and return it."""
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
