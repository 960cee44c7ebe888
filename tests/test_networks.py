"""The small torch networks and the gradient-flow measurements."""

import pytest
import torch

from lecturelib.networks import dead_units, gradient_norms, mlp


def test_mlp_has_the_requested_depth_width_and_is_reproducible():
    model = mlp([3, 8, 8, 2], "tanh", seed=4)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [(l.in_features, l.out_features) for l in linears] == [(3, 8), (8, 8), (8, 2)]
    assert isinstance(model[-1], torch.nn.Linear)  # no activation after the output layer
    again = mlp([3, 8, 8, 2], "tanh", seed=4)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters()))


def test_gradient_norms_equal_the_norms_of_autograd_weight_gradients():
    model = mlp([4, 6, 6, 1], "sigmoid", seed=0, dtype=torch.float64)
    x = torch.randn(10, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    loss = model(x).pow(2).mean()
    norms = gradient_norms(model, loss)
    loss2 = model(x).pow(2).mean()
    loss2.backward()
    expected = [m.weight.grad.norm().item() for m in model if isinstance(m, torch.nn.Linear)]
    assert norms == pytest.approx(expected, rel=1e-12)


def test_dead_units_counts_units_negative_on_every_input():
    model = mlp([1, 3, 1], "relu", seed=0, dtype=torch.float64)
    with torch.no_grad():
        model[0].weight[:] = torch.tensor([[1.0], [1.0], [0.0]])
        model[0].bias[:] = torch.tensor([0.0, -10.0, -1.0])  # unit 0 alive on x > 0; units 1, 2 dead on [-1, 1]
    x = torch.linspace(-1, 1, 11, dtype=torch.float64)[:, None]
    assert dead_units(model, x) == [pytest.approx(2 / 3)]


@pytest.mark.parametrize("sizes,activation,message", [
    ([3], "relu", "at least two"),
    ([3, 0, 1], "relu", r"sizes\[1\] \(a layer width\) must be a whole number >= 1"),
    ([3, 1], "swish", "activation must be one of"),
])
def test_bad_architectures_are_rejected(sizes, activation, message):
    with pytest.raises(ValueError, match=message):
        mlp(sizes, activation)
