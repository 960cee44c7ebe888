"""Checkers for the exercises of chapter 3, Automatic differentiation.

Each reference is computed with torch.autograd, independently of `lecturelib.autodiff` and
`lecturelib.backprop`. (`check_sin_rule` builds graphs with the student's new operation,
so it uses `lecturelib.autodiff.Value` as the engine the rule plugs into.)

A checker that needs torch imports it when it runs, so that importing this module does not.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Value
from . import ExerciseError, Outcome, as_answer, assert_close, call_student, describe, plain, run_check, student_code

POINTS = [(1.0, -3.0, 4.0), (2.0, 0.5, -1.5), (-0.7, 0.2, 3.0)]


def check_worked_example(worked_example_gradients) -> Outcome:
    """Exercise: (∂f/∂x, ∂f/∂y, ∂f/∂z) of f(x, y, z) = (x + y)·z at any point."""
    import torch

    def body():
        for point in POINTS:
            got = call_student(worked_example_gradients, *point)
            x, y, z = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point)
            expected = torch.autograd.grad((x + y) * z, (x, y, z))
            hint = ("Go through d = x + y: ∂f/∂x = (∂f/∂d)(∂d/∂x) with ∂f/∂d = z and ∂d/∂x = 1; "
                    "∂f/∂z = d = x + y.")
            assert_close(got, [float(e) for e in expected], what=f"the gradient at (x, y, z) = {plain(point)}",
                         hint=hint, shape_hint="Return three numbers (∂f/∂x, ∂f/∂y, ∂f/∂z).")
        return "At (1, −3, 4): ∂f/∂x = ∂f/∂y = 4 and ∂f/∂z = −2, as on the slide."

    return run_check("Exercise: the worked example by hand", body)


def check_sin_rule(value_sin) -> Outcome:
    """Exercise: a new operation for the engine, sin, with its local backward rule."""
    import torch

    def new_value(v):
        result = call_student(value_sin, v)
        if not isinstance(result, Value):
            raise ExerciseError(f"value_sin(v) should return a new Value, got {type(result).__name__}")
        if not any(p is v for p in result.parents):
            raise ExerciseError("the result must record its input: create it as Value(math.sin(v.data), (v,), 'sin')")
        return result

    def body():
        a, b = Value(0.8, label="a"), Value(-1.3, label="b")
        c = new_value(a)
        assert_close(c.data, np.sin(0.8), what="value_sin(Value(0.8)).data",
                     hint="compute the forward value with math.sin(v.data)")
        # a reaches the output by three paths: through sin(a·b), sin(a) and the factor a
        out = new_value(a * b) + c * a
        with student_code("your backward rule (called by out.backward())", source=value_sin):
            out.backward()
        ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.8, -1.3))
        t_out = torch.sin(ta * tb) + torch.sin(ta) * ta
        expected_a, expected_b = torch.autograd.grad(t_out, (ta, tb))
        assert_close(out.data, t_out.item(), what="the value sin(a·b) + sin(a)·a",
                     hint="compute the forward value with math.sin(v.data)")
        hint = ("The local rule is v.grad += math.cos(v.data) * out.grad: use +=, since a node used "
                "twice gets one contribution per path, and attach it with out._backward = _backward.")
        assert_close([a.grad, b.grad], [float(expected_a), float(expected_b)],
                     what="the gradients (∂/∂a, ∂/∂b) of sin(a·b) + sin(a)·a", hint=hint)
        return "Your rule composes with the others: the engine sums the three paths through a."

    return run_check("Exercise: a new operation, sin", body)


def check_delta1(delta1) -> Outcome:
    """Exercise: δ₁ = (δ₂ W₂) ⊙ ρ′(z₁) for a tanh hidden layer, over a minibatch."""
    import torch
    rng = np.random.default_rng(3)

    def body():
        for M, n1, n2 in ((5, 4, 3), (1, 6, 1), (8, 3, 2)):
            delta2, W2, z1 = rng.normal(size=(M, n2)), rng.normal(size=(n2, n1)), rng.normal(size=(M, n1))
            got = call_student(delta1, delta2.copy(), W2.copy(), z1.copy())
            t_z1 = torch.tensor(z1, requires_grad=True)
            z2 = torch.tanh(t_z1) @ torch.tensor(W2).T
            (expected,) = torch.autograd.grad(z2, t_z1, grad_outputs=torch.tensor(delta2))
            hint = ("δ₁ = δ₂ (∂z₂/∂z₁) with ∂z₂/∂z₁ = W₂ diag(ρ′(z₁)): multiply δ₂ by W₂, then "
                    "element-wise by tanh′(z₁) = 1 − tanh²(z₁).")
            assert_close(got, expected.numpy(), what=f"δ₁ for M, n1, n2 = {M, n1, n2}", hint=hint,
                         shape_hint=f"For δ₂ of shape {(M, n2)} and W₂ of shape {(n2, n1)}, δ₁ has shape "
                                    f"{(M, n1)}: one row per sample, one entry per hidden unit.")
        return "The error travels back through the matrix of the forward pass, W₂, and ρ′."

    return run_check("Exercise: the delta of the hidden layer", body)


def _torch_shapes(M: int, n: int) -> dict[str, tuple[int, ...]]:
    """Jacobian shapes, numerator layout, for L = (1/M)‖r‖², r = Xw + b − y."""
    import torch
    generator = torch.Generator().manual_seed(0)
    X, y, w = (torch.randn(*shape, dtype=torch.float64, generator=generator)
               for shape in ((M, n), (M,), (n,)))
    b = torch.tensor(0.3, dtype=torch.float64)
    r = X @ w + b - y
    jac = torch.autograd.functional.jacobian
    return {"dL/dr": (1, *jac(lambda r_: (r_**2).mean(), r).shape),
            "dr/dw": tuple(jac(lambda w_: X @ w_ + b - y, w).shape),
            "dL/dw": (1, *jac(lambda w_: ((X @ w_ + b - y) ** 2).mean(), w).shape)}


def check_jacobian_shapes(jacobian_shapes) -> Outcome:
    """Exercise: the shapes of the chain-rule factors for linear regression ℝⁿ → ℝ, batch M."""

    def body():
        for M, n in ((64, 8), (16, 3), (1, 5)):
            got = call_student(jacobian_shapes, M, n)
            if not isinstance(got, dict) or set(got) != {"dL/dr", "dr/dw", "dL/dw"}:
                keys = ", ".join(repr(k) for k in list(got)[:6]) if isinstance(got, dict) else None
                keys = f"the keys {keys}" if keys is not None else describe(got)
                raise ExerciseError("jacobian_shapes(M, n) should return a dict with the keys "
                                    f"'dL/dr', 'dr/dw' and 'dL/dw', got {keys}")
            expected = _torch_shapes(M, n)
            for key, shape in expected.items():
                answer = as_answer(got[key], f"the shape of {key} for M = {M}, n = {n}", kind="shape")
                if answer != shape:
                    raise ExerciseError(f"for M = {M}, n = {n}, {key} has shape {shape}, not {answer}. "
                                        "In Jacobian (numerator) layout ∂a/∂b has one row per entry of a "
                                        "and one column per entry of b; a scalar counts as one row.")
        return "(1 × M)(M × n) = 1 × n: the gradient of a scalar is a row vector."

    return run_check("Exercise: the shapes of the Jacobians", body)
