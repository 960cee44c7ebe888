"""The small torch networks (lecturelib.torch_networks), the gradient-flow measurements, and
training through the one loop against torch.optim."""

import pytest
import torch

from lecturelib.torch_networks import dead_units, gradient_norms, mlp


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


# -- training: the iterates of torch.optim, Lecture 7's classifier ------------------------------

import numpy as np  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from lecturelib import optim  # noqa: E402
from lecturelib.torch_networks import MAX_EPOCHS, digits_split, train, train_classifier  # noqa: E402
from lecturelib.trajectory import Diverged  # noqa: E402
from tests.bad_input import bad_numbers, clear_answer  # noqa: E402


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_train_gives_torch_optim_sgds_iterates(momentum):
    """Our momentum form v ← βv − εg, θ ← θ + v against torch's b ← βb + g, θ ← θ − εb (the
    same iterates for a constant ε), in float64: equal to 1e-12 after 60 minibatch steps."""
    g = torch.Generator().manual_seed(3)
    x = torch.rand(40, 2, generator=g, dtype=torch.float64) * 4 - 2
    y = torch.sin(x[:, :1]) * torch.cos(x[:, 1:])
    ours = mlp([2, 16, 1], "relu", seed=2, dtype=torch.float64)
    train(ours, x, y, lr=0.05, steps=60, batch_size=8, momentum=momentum, seed=5)
    theirs = mlp([2, 16, 1], "relu", seed=2, dtype=torch.float64)
    optimiser = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=momentum)
    order = torch.Generator().manual_seed(5)
    for _ in range(60):
        batch = torch.randint(0, 40, (8,), generator=order)
        optimiser.zero_grad()
        torch.mean((theirs(x[batch]) - y[batch]) ** 2).backward()
        optimiser.step()
    assert all(torch.allclose(a, b, rtol=0, atol=1e-12) for a, b in zip(ours.parameters(), theirs.parameters()))


def test_digits_split_is_sklearns_stratified_split_scaled_to_the_unit_interval():
    x_train, x_test, y_train, y_test = digits_split()
    digits = load_digits()
    a_train, a_test, b_train, b_test = train_test_split(
        digits.data, digits.target, test_size=0.1, random_state=0, stratify=digits.target)
    assert x_train.shape == (1617, 64) and x_test.shape == (180, 64)
    assert x_train.dtype == torch.float32 and y_train.dtype == torch.int64
    np.testing.assert_allclose(x_train.numpy() * 16, a_train, atol=1e-5)
    assert np.array_equal(y_test.numpy(), b_test) and np.array_equal(y_train.numpy(), b_train)
    assert np.bincount(y_test.numpy()).min() >= 17  # stratified: every digit in the test set


def test_train_classifier_matches_a_keras_style_loop_with_torch_optim_sgd():
    """Lecture 7's `model.fit`: softmax cross-entropy, shuffled minibatches of 128, SGD(0.05)."""
    data = digits_split()
    x_train, x_test, y_train, y_test = data
    result = train_classifier(mlp([64, 32, 10], "sigmoid", seed=1), optim.sgd(0.05), data, epochs=3, seed=4)
    history, accuracy = result.epoch_losses, result.accuracy
    model = mlp([64, 32, 10], "sigmoid", seed=1)
    reference = torch.optim.SGD(model.parameters(), lr=0.05)
    order, expected = torch.Generator().manual_seed(4), []
    for _ in range(3):
        losses = []
        for batch in torch.randperm(1617, generator=order).split(128):
            reference.zero_grad()
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            reference.step()
            losses.append(loss.item() * len(batch))
        expected.append(sum(losses) / 1617)
    np.testing.assert_allclose(history, expected, rtol=1e-5)
    with torch.no_grad():
        assert accuracy == pytest.approx((model(x_test).argmax(1) == y_test).float().mean().item())


SMALL = (torch.rand(20, 4, generator=torch.Generator().manual_seed(0)), torch.rand(6, 4),
         torch.arange(20) % 3, torch.arange(6) % 3)


def test_train_classifier_reports_divergence_with_the_one_exception():
    with pytest.raises(Diverged, match="diverged at step"):
        train_classifier(mlp([4, 5, 3], "relu"), optim.sgd(1e20), SMALL, epochs=3)




def _not_a_long_valid_run(value):
    return not (type(value) is int and 20 < value <= MAX_EPOCHS)


@settings(max_examples=60, deadline=None)
@given(value=bad_numbers().filter(_not_a_long_valid_run),
       which=st.sampled_from(["epochs", "batch_size", "seed"]))
def test_train_classifier_explains_bad_counts(value, which):
    model = mlp([4, 5, 3], "tanh")
    clear_answer(lambda: train_classifier(model, optim.sgd(0.1), SMALL, **{which: value}),
                 names=[which])


@settings(max_examples=40, deadline=None)
@given(value=bad_numbers())
def test_digits_split_explains_a_bad_test_size(value):
    clear_answer(lambda: digits_split(test_size=value), names=["test_size"])


@pytest.mark.parametrize("data,name", [
    ((SMALL[0], SMALL[1], SMALL[2] + 3, SMALL[3]), "y_train"),  # labels beyond the 3 outputs
    ((SMALL[0], SMALL[1], SMALL[2], SMALL[3].float()), "y_test"),
    ((SMALL[0][:, :3], SMALL[1], SMALL[2], SMALL[3]), "x_train"),
    ((SMALL[0], SMALL[1] * np.nan, SMALL[2], SMALL[3]), "x_test"),
    (SMALL[:3], "data"),
    (None, "data"),
])
def test_train_classifier_names_data_that_does_not_fit_the_model(data, name):
    with pytest.raises((TypeError, ValueError), match=name):
        train_classifier(mlp([4, 5, 3], "tanh"), optim.sgd(0.1), data)


def test_train_classifier_rejects_a_rule_that_is_not_an_optimiser():
    with pytest.raises(TypeError, match="rule"):
        train_classifier(mlp([4, 5, 3], "tanh"), torch.optim.SGD, SMALL)
