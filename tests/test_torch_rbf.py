"""3-step RBF learning by torch autograd (lecturelib.torch_rbf): it lowers the 2-step training
loss, records the objective of lecturelib.rbf_three_step before and after, and explains bad
input."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from lecturelib import rbf, rbf_three_step, torch_rbf

rng = np.random.default_rng(0)
X1 = np.sort(rng.uniform(-3, 3, 60))
Y1 = np.sin(X1) + 0.1 * rng.normal(size=60)
MOONS_X, MOONS_Y = make_moons(200, noise=0.2, random_state=0)
BLOBS_X, BLOBS_Y = make_blobs(150, centers=3, cluster_std=1.5, random_state=0)



@pytest.mark.parametrize("task,X,y,n", [("regression", X1, Y1, 6), ("binary", MOONS_X, MOONS_Y, 8),
                                        ("multiclass", BLOBS_X, BLOBS_Y, 6)])
def test_three_step_lowers_the_two_step_training_loss(task, X, y, n):
    two_step = rbf.fit_two_step(X, y, n, task=task, ridge=1e-3)
    three_step, history = torch_rbf.fine_tune(two_step, X, y, steps=150, lr=0.01)
    assert history[0] == pytest.approx(rbf_three_step.objective(two_step, X, y), rel=1e-12)
    assert history[-1] == pytest.approx(rbf_three_step.objective(three_step, X, y), rel=1e-12)
    assert rbf_three_step.objective(three_step, X, y) < 0.98 * rbf_three_step.objective(two_step, X, y)
    assert (three_step.sigma > 0).all()


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="lr must be > 0"):
        torch_rbf.fine_tune(rbf.fit_two_step(X1, Y1, 4), X1, Y1, lr=0)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

from bad_input import case, every_bad_argument_test, message_test, planted  # noqa: E402
from chapter1_data import NET, X, Y_REG  # noqa: E402


BAD_ARGUMENTS = [
    case("fine_tune-steps", lambda v: torch_rbf.fine_tune(NET, X, Y_REG, steps=v), ["steps"], (200, 10**6)),
    case("fine_tune-lr", lambda v: torch_rbf.fine_tune(NET, X, Y_REG, steps=3, lr=v), ["lr"]),
    case("fine_tune-y", lambda v: torch_rbf.fine_tune(NET, X, planted(Y_REG, v), steps=3), ["y"]),
    case("fine_tune-net", lambda v: torch_rbf.fine_tune(v, X, Y_REG, steps=3), ["net"]),
]


test_every_bad_argument_is_answered_clearly = every_bad_argument_test(BAD_ARGUMENTS)


MESSAGES = [
    (lambda: torch_rbf.fine_tune(NET, X, Y_REG, steps=2.5), "steps must be a whole number >= 0, got 2.5"),
]
test_bad_input_gets_a_message_naming_the_argument = message_test(MESSAGES)
