"""The torch adapter `torch_training`: the flat NumPy objective of a network against torch's own
gradients (and trained by our L-BFGS), and minibatch training with a torch optimizer."""

import numpy as np
import pytest
import torch

from lecturelib import torch_training as training
from lecturelib.problems import as_problem
from lecturelib.trajectory import Diverged


def test_flat_objective_matches_torch_and_trains_with_our_lbfgs():
    from lecturelib.quasi_newton import lbfgs

    torch.manual_seed(0)
    X, y = torch.randn(64, 2, dtype=torch.float64), torch.randn(64, 1, dtype=torch.float64)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    f, grad, theta0 = training.flat_objective(model, torch.nn.functional.mse_loss, X, y)
    loss = torch.nn.functional.mse_loss(model(X), y)
    loss.backward()
    expected = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy()
    np.testing.assert_allclose(grad(theta0), expected, rtol=1e-12)
    path = lbfgs(as_problem(f, grad, dim=theta0.size), theta0, tol=1e-6, max_iter=300)
    assert path.losses[-1] < 0.9 * path.losses[0]


def test_train_torch_counts_epochs_and_rejects_divergence():
    torch.manual_seed(0)
    X, y = torch.randn(40, 2), torch.randn(40, 1)
    model = torch.nn.Linear(2, 1)
    epochs, losses = training.train_torch(model, torch.nn.functional.mse_loss, X, y,
                                          lambda p: torch.optim.SGD(p, lr=0.1), batch_size=10, epochs=2)
    np.testing.assert_allclose(epochs, np.arange(9) / 4)
    assert losses[-1] < losses[0]
    with pytest.raises(Diverged, match="diverged"):
        training.train_torch(torch.nn.Linear(2, 1), torch.nn.functional.mse_loss, X * 1e3, y,
                             lambda p: torch.optim.SGD(p, lr=10.0), epochs=50)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from bad_input import clear_answer  # noqa: E402


def small_network():
    torch.manual_seed(0)
    return torch.nn.Linear(2, 1), torch.randn(20, 2), torch.randn(20, 1)

@pytest.mark.parametrize("change, name", [
    (dict(model="net"), "model"), (dict(loss_fn=3), "loss_fn"), (dict(X=[[1.0, 2.0]]), "X"),
    (dict(X=torch.full((20, 2), float("nan"))), "X"), (dict(y=torch.randn(19, 1)), "y"),
    (dict(X=torch.randn(20, 5)), "X"), (dict(y=torch.zeros(0, 1)), "y"),
    (dict(make_optimizer=lambda p: torch.optim.SGD(p, lr=float("nan"))), "lr"),
    (dict(make_optimizer=lambda p: torch.optim.SGD(p, lr=float("inf"))), "lr"),
    (dict(make_optimizer="sgd"), "make_optimizer"), (dict(make_optimizer=lambda p: None), "make_optimizer"),
    (dict(batch_size=2.5), "batch_size"), (dict(batch_size=0), "batch_size"),
    (dict(epochs=float("inf")), "epochs"), (dict(epochs=float("nan")), "epochs"), (dict(epochs=-1), "epochs"),
    (dict(seed=-1), "seed"), (dict(seed="0"), "seed"),
])
def test_train_torch_answers_careless_input_clearly(change, name):
    model, X, y = small_network()
    kwargs = dict(model=model, loss_fn=torch.nn.functional.mse_loss, X=X, y=y,
                  make_optimizer=lambda p: torch.optim.SGD(p, lr=0.1), batch_size=5, epochs=1, seed=0)
    answer = clear_answer(lambda: training.train_torch(**{**kwargs, **change}), names=[name])
    assert isinstance(answer, (ValueError, TypeError))

def test_flat_objective_rejects_a_point_of_the_wrong_size_and_a_model_without_parameters():
    model, X, y = small_network()
    f, grad, theta0 = training.flat_objective(model, torch.nn.functional.mse_loss, X, y)
    for bad in (theta0[:-1], np.append(theta0, 1.0), "theta", theta0 * np.nan):
        clear_answer(lambda: f(bad), names=["theta"])
        clear_answer(lambda: grad(bad), names=["theta"])
    clear_answer(lambda: training.flat_objective(torch.nn.ReLU(), torch.nn.functional.mse_loss, X, y),
                 names=["model"])


def test_a_nan_learning_rate_of_a_torch_optimizer_is_an_invalid_lr_not_a_divergence():
    model, X, y = small_network()
    with pytest.raises(ValueError, match="lr"):
        training.train_torch(model, torch.nn.functional.mse_loss, X, y,
                             lambda p: torch.optim.SGD(p, lr=float("nan")))
