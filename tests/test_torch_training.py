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
