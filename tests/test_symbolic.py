"""Symbolic differentiation (lecturelib.symbolic) against torch autograd, and its expression swell
against reverse mode (the logistic map of Baydin et al., 2018, Table 1)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lecturelib import autodiff as ad
from lecturelib.symbolic import Sym, diff, evaluate, size

NAMES = ("x", "y")
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
trees = st.recursive(
    st.one_of(st.sampled_from(NAMES), st.floats(-3, 3)),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(OPS)), children, children),
        st.tuples(st.just("exp"), children),
        st.tuples(st.just("neg"), children),
    ),
    max_leaves=8,
)


def build(tree, variables, lift):
    if isinstance(tree, str):
        return variables[NAMES.index(tree)]
    if isinstance(tree, float):
        return tree
    if tree[0] in ("exp", "neg"):
        a = build(tree[1], variables, lift)
        a = lift(a) if isinstance(a, float) else a
        return a.exp() if tree[0] == "exp" else -a
    return OPS[tree[0]](build(tree[1], variables, lift), build(tree[2], variables, lift))


@settings(max_examples=200, deadline=None)
@given(trees, st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2))
def test_derivative_formulas_match_torch_autograd(tree, point):
    symbols = [Sym.variable(name) for name in NAMES]
    formula = build(tree, symbols, lambda c: Sym("num", (c,)))
    formula = formula if isinstance(formula, Sym) else Sym("num", (formula,))
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    out = build(tree, leaves, lambda c: torch.tensor(c, dtype=torch.float64))
    assume(torch.is_tensor(out) and out.requires_grad and torch.isfinite(out) and abs(out) < 1e8)
    expected = [0.0 if g is None else float(g)
                for g in torch.autograd.grad(out, leaves, allow_unused=True)]
    assume(all(math.isfinite(g) and abs(g) < 1e8 for g in expected))
    values = dict(zip(NAMES, point))
    assert evaluate(formula, **values) == pytest.approx(out.item(), rel=1e-9, abs=1e-12)
    ours = [evaluate(diff(formula, name), **values) for name in NAMES]
    scale = 1 + max(abs(g) for g in expected)
    np.testing.assert_allclose(ours, expected, rtol=1e-8, atol=1e-10 * scale)


def test_exp_that_overflows_is_inf_as_in_torch_not_an_error():
    # hypothesis found exp(exp(exp(2))) = e^1618, folded as a constant while the formula is built
    folded = Sym("num", (2.0,)).exp().exp().exp()
    assert evaluate(folded) == math.inf == torch.exp(torch.tensor(1618.0, dtype=torch.float64)).item()
    assert evaluate(Sym.variable("x").exp(), x=1000.0) == math.inf
    assert evaluate(Sym.variable("x").exp(), x=-1000.0) == 0.0


def logistic(l):
    return 4 * l * (1 - l)


def test_logistic_map_derivative_swells_while_reverse_mode_grows_linearly():
    x, formula_sizes, graph_sizes = Sym.variable("x"), [], []
    f = x
    for n in range(1, 7):
        f = logistic(f)
        df = diff(f, "x")

        def composed(v, n=n):
            for _ in range(n):
                v = logistic(v)
            return v

        _, (slope,) = ad.gradient(composed, [0.3])
        assert evaluate(df, x=0.3) == pytest.approx(slope, rel=1e-12)
        formula_sizes.append(size(df))
        graph_sizes.append(len(ad.topological_order(composed(ad.Value(0.3)))))
    assert all(b > 2 * a for a, b in zip(formula_sizes, formula_sizes[1:]))  # exponential
    assert len(set(np.diff(graph_sizes))) == 1  # the graph grows by the same count each step


def test_simplification_keeps_only_what_is_needed():
    x = Sym.variable("x")
    assert str(diff(x * x, "x")) == "(x + x)"
    assert str(diff(3 * x + 2, "x")) == "3"
    assert size(diff(Sym.variable("y").exp(), "x")) == 1  # 0


@pytest.mark.parametrize("bad, error", [(None, TypeError), ("1", TypeError), (True, TypeError),
                                        (float("nan"), ValueError), (math.inf, ValueError)])
def test_bad_operands_are_refused_with_a_clear_error(bad, error):
    with pytest.raises(error, match="operand|finite|real"):
        Sym.variable("x") + bad


def test_evaluate_names_a_missing_variable_and_variables_need_names():
    with pytest.raises(ValueError, match="'y'"):
        evaluate(Sym.variable("x") * Sym.variable("y"), x=1.0)
    with pytest.raises(ValueError, match="name"):
        Sym.variable("")
    with pytest.raises(TypeError, match="Sym"):
        diff(3.0, "x")
