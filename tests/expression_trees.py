"""Random expression trees for the property-based tests of both autodiff engines
(tests/test_autodiff.py, tests/test_forward_mode.py): the same tree is evaluated by our
engine and by torch, whose values and gradients are the reference.

A tree is a nested tuple: ("var", i), ("const", c), (unary, child), (binary, left, right) or
("pow", child, k). Our Value and Dual and torch tensors share the method names used here
(.exp(), .log(), .tanh(), .sigmoid(), .relu()) and the Python operators, so one evaluator
serves all three; constants stay Python floats, which exercises the reflected operators
(2.0 - x, 3.0 / x, 2.0 ** x).
"""

import numpy as np
import torch
from hypothesis import assume
from hypothesis import strategies as st

N_VARIABLES = 3

def _no_underflow(v: float) -> float:
    """Numbers below 1e-8 in size become 0: powers of them would underflow, and where a
    result underflows the two float64 computations may round it differently (0 vs 1e-310)."""
    return 0.0 if abs(v) < 1e-8 else v


UNARY = {
    "exp": lambda a: a.exp(),
    "log": lambda a: (a * a + 0.5).log(),  # a positive argument by construction
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "neg": lambda a: -a,
    "sqrt": lambda a: (a * a + 0.5) ** 0.5,  # a fractional power of a positive base
    "rpow": lambda a: 2.0**a,
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}

variables = st.integers(0, N_VARIABLES - 1).map(lambda i: ("var", i))
leaves = st.one_of(
    variables,
    variables,  # listed twice: two leaves in three are variables
    st.floats(-3, 3).map(lambda c: ("const", _no_underflow(c))),
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.sampled_from(sorted(BINARY)), children, children),
        st.tuples(st.just("pow"), children, st.sampled_from([2, 3, -1])),
    ),
    max_leaves=10,
)
points = st.lists(st.floats(-2, 2).map(_no_underflow), min_size=N_VARIABLES, max_size=N_VARIABLES)


def evaluate(tree, variables, lift):
    """The tree's value with ("var", i) = variables[i]; `lift` turns a float into the
    backend's type before a unary operation (which floats do not have)."""
    kind = tree[0]
    if kind == "var":
        return variables[tree[1]]
    if kind == "const":
        return tree[1]
    if kind in UNARY:
        a = evaluate(tree[1], variables, lift)
        return UNARY[kind](lift(a) if isinstance(a, float) else a)
    if kind == "pow":
        a = evaluate(tree[1], variables, lift)
        return (lift(a) if isinstance(a, float) else a) ** tree[2]
    a, b = evaluate(tree[1], variables, lift), evaluate(tree[2], variables, lift)
    if isinstance(a, float) and isinstance(b, float):
        a = lift(a)  # a constant subtree is still evaluated by the backend (0/0 → ValueError)
    return BINARY[kind](a, b)


def uses_a_variable(tree) -> bool:
    return tree[0] == "var" or any(isinstance(t, tuple) and uses_a_variable(t) for t in tree[1:])


def torch_reference(tree, x):
    """(value, gradient) by torch autograd in float64, or None where torch leaves the
    float range (inf, NaN) or the tree is not differentiable in a way we compare."""
    variables = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in x]
    out = evaluate(tree, variables, lambda c: torch.tensor(c, dtype=torch.float64))
    if not torch.is_tensor(out) or not out.requires_grad:
        return None
    grads = torch.autograd.grad(out, variables, allow_unused=True)
    grads = np.array([0.0 if g is None else float(g) for g in grads])
    value = out.detach().item()
    if not np.isfinite(value) or not np.all(np.isfinite(grads)) or abs(value) > 1e8 \
            or np.abs(grads).max() > 1e8:
        return None
    return value, grads


def assert_matches_torch(value, grads, reference):
    expected_value, expected_grads = reference
    scale = 1.0 + np.abs(expected_grads).max()
    assert np.isclose(value, expected_value, rtol=1e-9, atol=1e-12), (value, expected_value)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-8, atol=1e-10 * scale)


def check_engine_against_torch(gradient, number_type, tree, x):
    """`gradient(f, x) -> (value, grads)` of an engine whose numbers are `number_type`, on the
    tree at x, against torch; points outside an operation's domain are skipped."""
    assume(uses_a_variable(tree))
    reference = torch_reference(tree, x)
    assume(reference is not None)
    try:
        value, grads = gradient(lambda *v: evaluate(tree, v, number_type), x)
    except ValueError:  # outside an operation's domain: division by 0, exp overflow
        assume(False)
    assert_matches_torch(value, grads, reference)
