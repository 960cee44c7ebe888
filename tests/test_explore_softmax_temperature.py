"""Chapter 2's softmax-temperature explorer draws torch's softmax(x/T) and its Jacobian."""

import numpy as np
import pytest
import torch

from lecturelib.explore import softmax_explorer, softmax_tour
from lecturelib.explore.softmax_temperature import CURVE_T, SOFTMAX_SCORES, TEMPERATURES


def torch_softmax(scores, temperature):
    return torch.softmax(torch.as_tensor(scores, dtype=torch.float64) / temperature, dim=0)


@pytest.mark.parametrize("temperature", [TEMPERATURES[0], 1.0, 3.0, TEMPERATURES[-1]])
def test_the_figure_shows_torchs_softmax_and_jacobian_at_the_chosen_temperature(temperature):
    explorer = softmax_explorer()
    explorer.update(temperature=temperature)
    ax_bars, ax_probs, ax_grad = explorer.fig.axes
    reference = torch_softmax(SOFTMAX_SCORES, temperature).numpy()
    tops = [line.get_ydata()[1] for line in ax_bars.lines[-len(SOFTMAX_SCORES):]]
    assert np.allclose(tops, reference, rtol=1e-12, atol=1e-300)
    jacobian = torch.autograd.functional.jacobian(lambda x: torch_softmax(x, temperature),
                                                  torch.tensor(SOFTMAX_SCORES, dtype=torch.float64))
    marker = ax_grad.lines[-1]
    assert marker.get_xdata()[0] == temperature
    assert np.isclose(marker.get_ydata()[0], jacobian.abs().max().item(), rtol=1e-10)
    assert list(ax_probs.lines[-1].get_xdata()) == [temperature, temperature]


def test_the_fixed_curves_are_torchs_softmax_against_temperature():
    ax_probs = softmax_explorer().fig.axes[1]
    curves = np.column_stack([line.get_ydata() for line in ax_probs.lines[:len(SOFTMAX_SCORES)]])
    reference = torch.stack([torch_softmax(SOFTMAX_SCORES, t) for t in CURVE_T]).numpy()
    assert np.allclose(curves, reference, rtol=1e-12, atol=1e-300)


def test_the_limits_one_hot_when_cold_uniform_when_hot():
    explorer = softmax_explorer()
    explorer.update(temperature=TEMPERATURES[0])
    tops = [line.get_ydata()[1] for line in explorer.fig.axes[0].lines[-4:]]
    assert tops[0] > 1 - 1e-8 and max(tops[1:]) < 1e-8  # e^{-1/0.05} ≈ 2e-9
    explorer.update(temperature=TEMPERATURES[-1])
    tops = [line.get_ydata()[1] for line in explorer.fig.axes[0].lines[-4:]]
    assert np.allclose(tops, 0.25, atol=0.02)  # e^{±1.5/20} spread around 1/4


def test_bad_scores_and_temperatures_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="at least two finite numbers"):
        softmax_explorer(scores=[1.0])
    with pytest.raises(ValueError, match="temperature"):
        softmax_explorer().update(temperature=1000.0)


def test_the_tour_moves_the_slider_over_its_whole_range():
    temperatures = [frame["temperature"] for frame in softmax_tour()]
    assert temperatures[0] == min(TEMPERATURES) and temperatures[-1] == max(TEMPERATURES)
