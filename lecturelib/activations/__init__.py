r"""Activation functions ("transfer operators"), their derivatives and their catalogue.

Source: Lecture 3, "Transfer operators" and "Output activation functions" (AI II: Deep learning
methods). One idea per module:

    elementwise   ρ and ρ′ of every element-wise activation (sigmoid, tanh, the ReLU family, ...)
    vector        activations of a whole vector: softmax (its log and Jacobian) and maxout
    catalogue     the registry ACTIVATIONS: one entry per element-wise activation with ρ, ρ′,
                  formulas, ranges, PyTorch reference and parameters, read by chapter 2, its
                  explorer and the tests

Everything is importable from here (`from lecturelib import activations as act`; `act.relu`,
`act.softmax`, `act.ACTIVATIONS["ELU"]`).
"""

from .catalogue import (ACTIVATIONS, FAMILIES, Activation, Parameter, catalogue_table, in_family,
                        register)
from .elementwise import (SELU_ALPHA, SELU_LAMBDA, binary_step, binary_step_prime, elu, elu_prime,
                          gaussian, gaussian_prime, gelu, gelu_prime, identity, identity_prime,
                          leaky_relu, leaky_relu_prime, prelu, prelu_prime, relu, relu_prime, selu,
                          selu_prime, sigmoid, sigmoid_prime, silu, silu_prime, soboleva_tanh,
                          soboleva_tanh_prime, softplus, softplus_prime, tanh, tanh_prime)
from .vector import log_softmax, maxout, maxout_prime, softmax, softmax_jacobian

__all__ = [
    "ACTIVATIONS", "FAMILIES", "Activation", "Parameter", "catalogue_table", "in_family", "register",
    "SELU_ALPHA", "SELU_LAMBDA", "binary_step", "binary_step_prime", "elu", "elu_prime", "gaussian",
    "gaussian_prime", "gelu", "gelu_prime", "identity", "identity_prime", "leaky_relu",
    "leaky_relu_prime", "prelu", "prelu_prime", "relu", "relu_prime", "selu", "selu_prime", "sigmoid",
    "sigmoid_prime", "silu", "silu_prime", "soboleva_tanh", "soboleva_tanh_prime", "softplus",
    "softplus_prime", "tanh", "tanh_prime",
    "log_softmax", "maxout", "maxout_prime", "softmax", "softmax_jacobian",
]
