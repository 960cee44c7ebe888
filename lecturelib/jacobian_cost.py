r"""What a Jacobian costs: the operations forward and reverse mode run for it, and the memory it
would take if it were ever built.

Source: Lecture 3, "Automatic differentiation" (forward mode costs one pass per input, reverse
mode one pass per output: "more efficient when we have more inputs than outputs"); Lecture 5,
"Remember: Vectorized Operations" (the Jacobian of a layer with input and output in ℝ⁴⁰⁹⁶ holds
4096 × 4096 floats, that of a minibatch of 16 holds (16·4096)²). Reference: Margossian (2019),
"A review of automatic differentiation and its efficient implementation", section 2.

* `operations(f, x)` counts what our two engines run for the whole m × n Jacobian of
  f: ℝⁿ → ℝᵐ at x, read off the graph that f records on `autodiff.Value`s. With N the number of
  operations of f, forward mode (`forward_mode.jacobian`) runs f once per input, every operation
  with its tangent: n·N. Reverse mode (`autodiff.jacobian`) runs f once to record the graph, N,
  then one backward pass per output yᵢ, which runs the local rule of each of the Nᵢ operations
  yᵢ depends on: N + Σᵢ Nᵢ. (An operation whose result reaches no output is not counted.)
* `many_inputs` (ℝⁿ → ℝ) and `many_outputs` (ℝ → ℝᵐ) are chapter 3's two test functions, and
  `chained(m)` is their composition ℝⁿ → ℝᵐ: written once, they run on `Value` and on
  `forward_mode.Dual`.
* `memory(width, batch, itemsize)` is the bytes of the Jacobian of an element-wise layer
  z = ρ(y) (tanh, say) of `width` units on a minibatch, built explicitly, against what reverse
  mode keeps instead; `binary_size` writes bytes in binary units (KiB, MiB, GiB).

Bad input: `operations` takes a function and a non-empty sequence of finite real numbers, and f
must return Values (or constants); `memory` takes whole numbers ≥ 1; TypeError or ValueError
otherwise, naming the argument.
"""

from __future__ import annotations

import numbers
from typing import Callable, NamedTuple, Sequence

from .autodiff import Value, as_point, topological_order
from .validation import check_function, check_whole


def many_inputs(*x):
    """f(x) = Σᵢ tanh(xᵢ)·xᵢ₊₁ (indices cyclic, xₙ₊₁ = x₁), ℝⁿ → ℝ: 3n operations."""
    return sum(x[i].tanh() * x[(i + 1) % len(x)] for i in range(len(x)))


def many_outputs(t, m: int) -> list:
    """g(t) = (h₁, …, hₘ) with h₀ = t, hⱼ = tanh(0.9 hⱼ₋₁ + 0.1), ℝ → ℝᵐ: the states of a
    recurrence (an unrolled recurrent network), 3m operations."""
    states, h = [], t
    for _ in range(m):
        h = (0.9 * h + 0.1).tanh()
        states.append(h)
    return states


def chained(m: int) -> Callable:
    """x ↦ many_outputs(many_inputs(x), m), ℝⁿ → ℝᵐ: 3n + 3m operations, and every output
    depends on every input."""
    m = check_whole(m, "m", minimum=1)
    return lambda *x: many_outputs(many_inputs(*x), m)


class Operations(NamedTuple):
    """The operations each mode runs for the whole m × n Jacobian (see the module docstring)."""

    n: int        # inputs
    m: int        # outputs
    per_pass: int  # N, the operations of f
    forward: int  # n·N
    reverse: int  # N + Σᵢ Nᵢ


def operations(f: Callable[..., Value | Sequence[Value]], x: Sequence[float]) -> Operations:
    """The operations forward and reverse mode run for the whole Jacobian of f at x.

    f takes n Values and returns one Value or a sequence of m (a number among them is a
    constant output, which depends on no operation). Raises TypeError/ValueError unless f is a
    function and x a non-empty sequence of finite real numbers, and TypeError if f returns
    anything else."""
    check_function(f, "f")
    inputs = [Value(v, label=f"x{i + 1}") for i, v in enumerate(as_point(x))]
    returned = f(*inputs)
    outputs = list(returned) if isinstance(returned, (list, tuple)) else [returned]
    for output in outputs:
        if isinstance(output, bool) or not isinstance(output, (Value, numbers.Real)):
            raise TypeError(f"f must return a Value or a sequence of Values, got {type(output).__name__}")
    outputs = [o if isinstance(o, Value) else Value(o, label="a constant output") for o in outputs]
    # One node whose parents are the outputs gives one topological order of the whole graph;
    # below, each node's operations (itself, if it is one, and all it depends on) are one bit each.
    order = topological_order(Value(0.0, outputs))[:-1]
    depends: dict[int, int] = {}
    for bit, node in enumerate(order):
        below = 1 << bit if node.parents else 0
        for parent in node.parents:
            below |= depends[id(parent)]
        depends[id(node)] = below
    everything = 0
    for output in outputs:
        everything |= depends[id(output)]
    per_pass = everything.bit_count()
    backward = sum(depends[id(output)].bit_count() for output in outputs)
    return Operations(len(inputs), len(outputs), per_pass, len(inputs) * per_pass, per_pass + backward)


class Memory(NamedTuple):
    """Bytes for an element-wise layer z = ρ(y) of `width` units on a minibatch of `batch`."""

    batch_jacobian: int  # ∂z/∂y of the whole batch as one matrix: (batch·width)² entries
    per_sample: int      # its diagonal blocks, one width × width Jacobian per sample
    vector: int          # the vector-Jacobian product z̄ ∂z/∂y: batch·width entries, as z itself


def memory(width: int, batch: int, itemsize: int = 4) -> Memory:
    """The bytes of an explicit Jacobian of an element-wise layer (tanh) of `width` units on a
    minibatch of `batch` samples, `itemsize` bytes per entry (4: float32), against the
    vector-Jacobian product z̄ ∂z/∂y = z̄ ⊙ ρ′(y) that reverse mode computes instead (for tanh
    ρ′ = 1 − z², from the output z it keeps), as large as the layer's output. Lecture 5: width
    4096 and batch 16 give 64 MiB per sample and 16 GiB for the batch.

    Raises TypeError/ValueError unless every argument is a whole number ≥ 1."""
    width = check_whole(width, "width", minimum=1)
    batch = check_whole(batch, "batch", minimum=1)
    itemsize = check_whole(itemsize, "itemsize", minimum=1)
    return Memory(batch_jacobian=(batch * width) ** 2 * itemsize, per_sample=batch * width**2 * itemsize,
                  vector=batch * width * itemsize)


UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def binary_size(n_bytes: int) -> str:
    """`n_bytes` in binary units, three significant digits at most: "64 MiB", "1.5 GiB",
    "256 KiB", "12 bytes". Raises TypeError/ValueError unless `n_bytes` is a whole number ≥ 0."""
    n_bytes = check_whole(n_bytes, "n_bytes", minimum=0)
    size, unit = float(n_bytes), 0
    while size >= 1024 and unit < len(UNITS) - 1:
        size, unit = size / 1024, unit + 1
    return f"{size:.3g} {UNITS[unit]}"
