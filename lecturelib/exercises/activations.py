"""Checkers for the exercises of chapter 2, Activations.

Each reference is computed independently of `lecturelib.activations`: with torch autograd,
SciPy, or a closed form.

A checker that needs torch imports it when it runs, so that importing this module does not.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

from . import ExerciseError, Outcome, as_answer, as_parts, assert_close, call_student, plain, run_check

GRID = np.array([-30.0, -6.0, -2.5, -1.0, -0.1, 0.0, 0.1, 1.0, 2.5, 6.0, 30.0])


def _autograd(f, x: np.ndarray) -> np.ndarray:
    """Element-wise derivative of a torch function f by autograd, in float64."""
    import torch
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    f(t).sum().backward()
    return t.grad.numpy()


def check_sigmoid_prime(sigmoid_prime) -> Outcome:
    """Exercise: ρ′ for the sigmoid, written with ρ itself, vectorised over an array."""
    import torch

    def body():
        got = call_student(sigmoid_prime, GRID.copy())
        expected = _autograd(torch.sigmoid, GRID)
        hint = ("Differentiate 1/(1 + e^{-x}) with the chain rule and write the result with "
                "ρ(x): it is ρ(x) times something.")
        assert_close(got, expected, what="sigmoid_prime(x)", rtol=1e-6, atol=1e-12, inputs=GRID, hint=hint)
        return "It peaks at ρ′(0) = 1/4, the source of the vanishing gradient."

    return run_check("Exercise: derivative of the sigmoid", body)


def check_softmax_jacobian(softmax_jacobian) -> Outcome:
    """Exercise: the J × J Jacobian ∂ρᵢ/∂xⱼ of softmax at one vector x."""
    import torch
    rng = np.random.default_rng(0)
    vectors = [np.array([1.0, 2.0, 3.0]), rng.normal(size=5), np.array([1000.0, 0.0, -1000.0, 999.0])]

    def body():
        for x in vectors:
            got = call_student(softmax_jacobian, x.copy())
            expected = torch.autograd.functional.jacobian(
                lambda t: torch.softmax(t, dim=0), torch.tensor(x, dtype=torch.float64)).numpy()
            hint = ("Use ∂ρᵢ/∂xⱼ = ρᵢ(δᵢⱼ − ρⱼ): the diagonal is ρᵢ(1 − ρᵢ), off the diagonal −ρᵢρⱼ; "
                    "every row sums to 0. Subtract max(x) before exponentiating to avoid overflow.")
            assert_close(got, expected, what=f"the Jacobian at x = {plain(x, 3)}", rtol=1e-6, atol=1e-10, hint=hint,
                         shape_hint=f"For x of length {len(x)} it is {len(x)} × {len(x)}: one row per output ρᵢ, "
                                    "one column per input xⱼ.")
        return "Its rows sum to 0 because the outputs always sum to 1."

    return run_check("Exercise: softmax Jacobian", body)


def check_silu_minimum(silu_minimum) -> Outcome:
    """Exercise: `silu_minimum()` returns (x_min, value): where SiLU is smallest, and SiLU there."""

    def body():
        reference = minimize_scalar(lambda x: x * expit(x), bracket=(-3.0, -1.0, 0.0), tol=1e-12)
        x_answer, value_answer = as_parts(call_student(silu_minimum), "silu_minimum()", 2, "the pair (x_min, value)")
        x_answer = as_answer(x_answer, "x_min", kind="number", expected=reference.x)
        value_answer = as_answer(value_answer, "the minimum value", kind="number", expected=reference.fun)
        if abs(x_answer - reference.x) > 1e-4:
            raise ExerciseError(f"x_min = {x_answer:.6g} is not where SiLU is smallest. Set the derivative "
                                "σ(x)(1 + x(1 − σ(x))) to zero and solve numerically (e.g. scipy.optimize.brentq "
                                "on [−3, 0]).")
        if abs(value_answer - reference.fun) > 1e-6:
            raise ExerciseError(f"the minimum value should be SiLU(x_min) ≈ {x_answer:.4f}·σ({x_answer:.4f}); "
                                f"you gave {value_answer:.6g}.")
        return (f"The minimum {reference.fun:.5f} lies below the lecture's bound −0.278, so the slide's "
                "range [−0.278, ∞) is slightly too narrow.")

    return run_check("Exercise: the minimum of SiLU", body)


def check_layers_until(layers_until) -> Outcome:
    """Exercise: `layers_until(bound)`, the fewest sigmoid layers L with (1/4)^L < bound."""

    def body():
        for bound in (1e-6, 1e-3, 0.5, 0.25, 1e-12):
            answer = as_answer(call_student(layers_until, bound), f"layers_until({bound:g}), a number of layers,",
                               kind="int")
            expected = math.floor(math.log(bound) / math.log(0.25)) + 1
            if answer < 0:
                raise ExerciseError(f"layers_until({bound:g}) returned {answer}: a number of layers is never negative.")
            if answer != expected:
                product = 0.25 ** answer
                side = ("not below the bound" if product >= bound else
                        f"below the bound, but so is (1/4)^{answer - 1} = {0.25 ** (answer - 1):.3g}: fewer layers do")
                raise ExerciseError(f"layers_until({bound:g}) returned {answer}: (1/4)^{answer} = {product:.3g} is "
                                    f"{side}. You want the smallest whole L with "
                                    "(1/4)^L < bound, i.e. the smallest L > log(bound)/log(1/4).")
        return "Ten sigmoid layers can shrink a gradient a million-fold."

    return run_check("Exercise: how deep before the gradient vanishes?", body)


def check_prelu_alpha_grad(prelu_alpha_grad) -> Outcome:
    """Exercise: ∂ρ/∂α of PReLU, element-wise, the gradient that lets a network learn α."""
    import torch

    def body():
        alpha = 0.25
        got = call_student(prelu_alpha_grad, GRID.copy(), alpha)
        weight = torch.tensor([alpha], dtype=torch.float64, requires_grad=True)
        expected = np.array([
            torch.autograd.grad(torch.nn.functional.prelu(torch.tensor([v], dtype=torch.float64), weight).sum(),
                                weight)[0].item()
            for v in GRID
        ])
        hint = "ρ(x) = αx for x ≤ 0 and x for x > 0: which branch depends on α?"
        assert_close(got, expected, what="prelu_alpha_grad(x, alpha)", atol=1e-12, inputs=GRID, hint=hint)
        return "Summed over a batch (and chained with ∂L/∂ρ), this is how PyTorch's PReLU learns its slope."

    return run_check("Exercise: the gradient of PReLU with respect to α", body)
