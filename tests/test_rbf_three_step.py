"""3-step RBF learning in NumPy (lecturelib.rbf_three_step): the objective and its hand-derived
gradients against torch autograd with torch's own losses, and the descent (Adam through the one
loop) against the same descent with autograd's gradients (torch_rbf.fine_tune)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import make_blobs, make_moons

from lecturelib import rbf, rbf_three_step, torch_rbf

rng = np.random.default_rng(0)
X1 = np.sort(rng.uniform(-3, 3, 60))
Y1 = np.sin(X1) + 0.1 * rng.normal(size=60)
MOONS_X, MOONS_Y = make_moons(200, noise=0.2, random_state=0)
BLOBS_X, BLOBS_Y = make_blobs(150, centers=3, cluster_std=1.5, random_state=0)



def torch_loss(task, z, Y):
    """The task's loss written with torch's own loss functions (independent of rbf.py)."""
    if task == "regression":
        return F.mse_loss(z, Y, reduction="sum") / len(z)
    if task == "binary":
        return F.binary_cross_entropy_with_logits(z, Y)
    return F.cross_entropy(z, Y.argmax(dim=1))


@pytest.mark.parametrize("task,X,y", [("regression", X1, Y1), ("binary", MOONS_X, MOONS_Y),
                                      ("multiclass", BLOBS_X, BLOBS_Y)])
def test_hand_gradients_of_the_objective_equal_autograd(task, X, y):
    net = rbf.fit_two_step(X, y, 6, task=task, ridge=0.3)
    net.mu = net.mu + 0.1  # away from the minimum in w, so that no gradient is zero by accident
    _, Y = rbf.targets(X, y, task)
    mu = torch.tensor(net.mu, requires_grad=True)
    sigma = torch.tensor(net.sigma, requires_grad=True)
    w = torch.tensor(net.w, requires_grad=True)
    Xt = torch.tensor(X.reshape(len(X), -1))
    phi = torch.exp(-torch.cdist(Xt, mu) ** 2 / (2 * sigma**2))
    z = torch.cat([torch.ones(len(X), 1, dtype=torch.float64), phi], 1) @ w
    loss = torch_loss(task, z, torch.tensor(Y)) + 0.3 / len(X) * (w**2).sum()
    loss.backward()
    assert rbf_three_step.objective(net, X, y) == pytest.approx(loss.item(), rel=1e-10)
    hand = rbf_three_step.objective_gradients(net, X, y)
    np.testing.assert_allclose(hand["w"], w.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(hand["mu"], mu.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(hand["sigma"], sigma.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("task,X,y,n", [("regression", X1, Y1, 6), ("binary", MOONS_X, MOONS_Y, 8),
                                        ("multiclass", BLOBS_X, BLOBS_Y, 6)])
def test_numpy_fine_tune_is_the_autograd_descent_and_lowers_the_loss(task, X, y, n):
    two_step = rbf.fit_two_step(X, y, n, task=task, ridge=1e-3)
    ours, history = rbf_three_step.fine_tune(two_step, X, y, steps=60, lr=0.01)
    theirs, expected = torch_rbf.fine_tune(two_step, X, y, steps=60, lr=0.01)
    np.testing.assert_allclose(history, expected, rtol=1e-6)
    for a, b in ((ours.mu, theirs.mu), (ours.sigma, theirs.sigma), (ours.w, theirs.w)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)
    assert history[-1] < history[0]


def test_a_learning_rate_that_drives_a_width_to_zero_is_divergence_naming_lr():
    from lecturelib.trajectory import Diverged

    two_step = rbf.fit_two_step(X1, Y1, 4, ridge=1e-3)
    with pytest.raises(Diverged, match="lr"):
        rbf_three_step.fine_tune(two_step, X1, Y1, steps=20, lr=1e6)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from bad_input import case, every_bad_argument_test, planted  # noqa: E402
from chapter1_data import BINARY, NET, X, Y_BIN, Y_REG  # noqa: E402


BAD_ARGUMENTS = [
    case("objective-y", lambda v: rbf_three_step.objective(NET, X, planted(Y_REG, v)), ["y"]),
    case("objective-binary-y", lambda v: rbf_three_step.objective(BINARY, X, planted(Y_BIN, v)), ["y"]),
    case("gradients-y", lambda v: rbf_three_step.objective_gradients(NET, X, planted(Y_REG, v)), ["y"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


from hypothesis import given, settings  # noqa: E402

from bad_input import bad_numbers, clear_answer  # noqa: E402


@settings(max_examples=20, deadline=None)
@given(value=bad_numbers())
def test_careless_three_step_arguments_are_named(value):
    net = rbf.fit_two_step(X1, Y1, 3, ridge=1e-6)
    clear_answer(lambda: rbf_three_step.fine_tune(net, X1, Y1, steps=value), ["steps"])
    clear_answer(lambda: rbf_three_step.fine_tune(net, X1, Y1, steps=2, lr=value), ["lr"])
    clear_answer(lambda: rbf_three_step.fine_tune(value, X1, Y1, steps=2), ["net"])
