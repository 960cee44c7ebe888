"""Chapter 2's dying-ReLU explorer: what it draws against the network it trains, checked with
plain torch comparisons and the closed form of each unit's boundary."""

import numpy as np
import pytest
import torch

from lecturelib.explore import dying_relu_explorer
from lecturelib.explore.dying_relu import PAGE_RATES, PAGE_SHIFTS, STEPS, boundaries, dying_relu_data, dying_relu_run
from lecturelib.torch_networks import mlp, train


def reference_first_layer(lr, shift, steps):
    """The chapter's recipe run directly: mlp, the bias shift, `train`; the first layer's W, b."""
    sample, target = dying_relu_data()
    model = mlp([2, 64, 1], "relu", seed=0)
    with torch.no_grad():
        model[0].bias += shift
    if steps:
        train(model, sample, target, lr=lr, steps=steps, seed=0)
    return model[0].weight.detach().double(), model[0].bias.detach().double(), sample.double()


@pytest.mark.parametrize("lr, shift, step", [(0.2, 0.0, STEPS), (0.03, -1.6, 0), (0.1, -1.0, STEPS)])
def test_dead_units_drawn_are_those_negative_on_every_input(lr, shift, step):
    explorer = dying_relu_explorer()
    explorer.update(lr=lr, shift=shift, step=step)
    ax_plane, ax_dead = explorer.fig.axes
    alive, dead = ax_plane.collections[-2:]
    weights, biases, sample = reference_first_layer(lr, shift, step)
    is_dead = ((sample @ weights.T + biases) <= 0).all(dim=0).numpy()
    assert len(dead.get_segments()) == is_dead.sum() and len(alive.get_segments()) == (~is_dead).sum()
    assert np.isclose(ax_dead.lines[-1].get_ydata()[0], is_dead.mean())
    for drawn, w, b in ((dead, weights[is_dead], biases[is_dead]), (alive, weights[~is_dead], biases[~is_dead])):
        ends = np.stack(drawn.get_segments())  # (units, 2, 2): both ends lie on w·p + b = 0
        assert np.allclose(np.einsum("kpi,ki->kp", ends, w.numpy()) + b.numpy()[:, None], 0.0, atol=1e-4)


def test_boundaries_lie_on_their_lines_and_pass_nearest_the_origin_at_the_foot():
    weights, biases = np.array([[3.0, 4.0], [0.0, -2.0]]), np.array([5.0, 1.0])
    segments = boundaries(weights, biases, reach=2.0)
    assert np.allclose(np.einsum("kpi,ki->kp", segments, weights) + biases[:, None], 0.0)
    # the foot of the perpendicular: distance |b|/‖w‖ from the origin = 1 and 0.5
    assert np.allclose(np.linalg.norm(segments.mean(axis=1), axis=1), [1.0, 0.5])
    assert np.allclose(np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1), 4.0)


def test_on_the_page_no_first_layer_unit_comes_back():
    for lr in PAGE_RATES:
        for shift in PAGE_SHIFTS:
            masks = np.array(dying_relu_run(lr, shift)["masks"])
            assert not (masks[:-1] & ~masks[1:]).any(), (lr, shift)
