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
