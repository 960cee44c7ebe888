"""The reverse-mode engine (lecturelib.autodiff) against torch.autograd: random expression
trees (hypothesis), the lectures' examples, gradient accumulation, and bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from expression_trees import check_engine_against_torch, points, trees
from lecturelib import autodiff as ad
from lecturelib.autodiff import Value


@settings(max_examples=300, deadline=None)
@given(tree=trees, x=points)
def test_random_expression_matches_torch_in_value_and_gradient(tree, x):
    check_engine_against_torch(ad.gradient, Value, tree, x)


def test_worked_example_of_the_lecture():
    f = ad.worked_example(1.0, -3.0, 4.0)  # f = (x + y)·z
    f.backward()
    x, y, z = (node for node in ad.topological_order(f) if not node.parents)
    assert f.data == -8.0
    assert (x.grad, y.grad, z.grad) == (4.0, 4.0, -2.0)  # the slide's numbers


def test_multiple_paths_example_matches_torch():
    y = ad.multiple_paths(1.2, 0.5, -0.3)
    y.backward()
    leaves = {node.label: node for node in ad.topological_order(y) if not node.parents}
    tx, t1, t2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.2, 0.5, -0.3))
    y1, y2 = t1 * tx, t2 * tx
    ty = (y1 * torch.exp(y2)) * (y2 * torch.exp(y1))
    expected = torch.autograd.grad(ty, (tx, t1, t2))
    assert math.isclose(y.data, ty.item(), rel_tol=1e-12)
    for name, e in zip(("x", "w1", "w2"), expected):
        assert math.isclose(leaves[name].grad, float(e), rel_tol=1e-12)


def test_a_node_used_twice_accumulates_both_paths():
    a = Value(3.0)
    b = a * a + a  # db/da = 2a + 1 = 7: three uses of a
    b.backward()
    assert a.grad == 7.0


def test_backward_twice_gives_the_same_gradients_not_double():
    x = Value(2.0)
    y = (x * x).tanh() * x
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_backward_steps_visit_every_node_once_in_reverse_topological_order():
    f = ad.worked_example()
    visited = list(ad.backward_steps(f))
    assert visited[0] is f and len(visited) == len({id(v) for v in visited}) == 5
    order = ad.topological_order(f)
    assert visited == order[::-1]


def test_relu_gradient_at_zero_is_zero_like_torch():
    x = Value(0.0)
    x.relu().backward()
    t = torch.tensor(0.0, requires_grad=True)
    torch.relu(t).backward()
    assert x.grad == float(t.grad) == 0.0


def test_sigmoid_does_not_overflow_for_large_negative_inputs():
    x = Value(-800.0)
    s = x.sigmoid()
    s.backward()
    assert s.data == 0.0 and x.grad == 0.0


def test_reverse_jacobian_matches_torch():
    def f(a, b):
        return [a * b, (a + b).exp(), a.tanh() / b]

    jac = np.array(ad.jacobian(f, [0.3, -1.7]))
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.stack([t[0] * t[1], torch.exp(t[0] + t[1]), torch.tanh(t[0]) / t[1]]),
        torch.tensor([0.3, -1.7], dtype=torch.float64)).numpy()
    np.testing.assert_allclose(jac, expected, rtol=1e-12)


@pytest.mark.parametrize("operand", ["2", None, [1.0], 1 + 2j, True])
def test_unsupported_operand_types_raise_type_error(operand):
    with pytest.raises(TypeError, match="allowed are Value, int and float"):
        Value(1.0) + operand
    with pytest.raises(TypeError, match="allowed are Value, int and float"):
        operand * Value(1.0)


def test_value_of_a_non_number_raises_type_error():
    with pytest.raises(TypeError, match="real number"):
        Value("3")


def test_value_exponent_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"x.log\(\)\).exp\(\)"):
        Value(2.0) ** Value(3.0)


@pytest.mark.parametrize("build, words", [
    (lambda: Value(-1.0).log(), "positive"),
    (lambda: Value(1.0) / Value(0.0), "division by zero"),
    (lambda: Value(-2.0) ** 0.5, "integer exponent"),
    (lambda: Value(0.0) ** -1, "undefined"),
    (lambda: Value(800.0).exp(), "overflows"),
    (lambda: (-2.0) ** Value(1.0), "positive base"),
])
def test_operations_outside_their_domain_raise_value_error(build, words):
    with pytest.raises(ValueError, match=words):
        build()


def test_a_value_is_finite_so_backward_never_starts_from_inf():
    with pytest.raises(ValueError, match="must be finite, got inf"):
        Value(float("inf")).backward()


def test_gradient_of_a_function_with_several_outputs_raises_value_error():
    with pytest.raises(ValueError, match="one scalar output"):
        ad.gradient(lambda a, b: [a, b], [1.0, 2.0])
