"""A throw-away activation for tests/test_new_activation.py: the scaled tanh ρ(x) = s·tanh(x)
(LeCun's 1.7159·tanh(2x/3) without the inner factor), written the way a newcomer would add an
activation: ρ, ρ′, a PyTorch reference and one catalogue entry, and nothing else.

`scaled_tanh_entry()` builds the entry without registering it. Loaded as a pytest plugin
(`pytest -p throwaway_activation`, with tests/ on the path), the module registers it before the
test modules are collected, together with a copy whose ρ′ has a slip (the square of tanh
forgotten), so that a run shows the catalogue's tests take both in and catch the slip.
"""

import numpy as np

from lecturelib.activations import Activation, Parameter, register
from lecturelib.validation import as_float_array, check_real

NAME, WRONG_NAME = "scaled tanh", "wrong scaled tanh"


def scaled_tanh(x, scale=1.0):
    r"""ρ(x) = s·tanh(x), range (−|s|, |s|). Raises TypeError/ValueError naming x or scale."""
    return check_real(scale, "scale") * np.tanh(as_float_array(x))


def scaled_tanh_prime(x, scale=1.0):
    r"""ρ′(x) = s·(1 − tanh²(x))."""
    return check_real(scale, "scale") * (1.0 - np.tanh(as_float_array(x)) ** 2)


def slipped_prime(x, scale=1.0):
    r"""A slip a checker must catch: s·(1 − tanh(x)), the square forgotten."""
    return check_real(scale, "scale") * (1.0 - np.tanh(as_float_array(x)))


def scaled_tanh_torch(t, scale):
    import torch

    return scale * torch.tanh(t)


def scaled_tanh_entry(name=NAME, rho_prime=scaled_tanh_prime) -> Activation:
    return Activation(name, scaled_tanh, rho_prime, r"$s \tanh(x)$", r"$s\,(1-\tanh^2 x)$", r"$(-s, s)$",
                      r"$(-\lvert s \rvert, \lvert s \rvert)$", "other", torch=scaled_tanh_torch,
                      params=[Parameter("scale", 1.0, "s", explore=(0.5, 2.0), page=(0.5, 2.0))])


def pytest_configure(config):
    register(scaled_tanh_entry())
    register(scaled_tanh_entry(WRONG_NAME, slipped_prime))
