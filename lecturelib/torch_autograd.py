"""The torch adapter for chapter 5: gradients, Hessians and Hessian-vector products of a
function written with torch operations, by reverse-mode autodiff, returned as NumPy arrays for
the NumPy solvers
(`second_order.newton(as_problem(f, grad, lambda t: torch_hessian(f_torch, t), dim=n), θ₀, …)`).

    torch_gradient(f_torch, θ)             ∇f(θ), one backward pass
    torch_hessian(f_torch, θ)              ∇²f(θ), one backward pass per row (n² memory)
    hessian_vector_product(f_torch, θ, v)  Hv = ∇(∇f(θ)ᵀv), without forming H (Pearlmutter, 1994)

Torch lives in the `torch_*` adapters, never in the algorithms: importing `second_order` does not
import torch. (`second_order.finite_difference_hvp` is the NumPy alternative: two gradients.)

Bad input: θ not a vector of finite numbers, v of another shape, f_torch that raises, returns
more than one number or is not finite at θ: TypeError/ValueError naming the argument.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .validation import CALLER_ERRORS, check_finite, check_function, check_no_overflow, check_point, format_point


def _torch_loss(f_torch, theta, *, create_graph: bool):
    """(x, f_torch(x), ∇f(x) or None for a constant f) for x = θ as a float64 tensor."""
    check_function(f_torch, "f_torch", "a function of a torch tensor")
    x = torch.as_tensor(check_point(theta, "theta")).requires_grad_(True)
    try:
        value = f_torch(x)
    except CALLER_ERRORS as error:
        raise ValueError(f"f_torch raised {type(error).__name__} at θ = {format_point(theta)}: {error} "
                         "(f_torch must be written with torch operations)") from error
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        got = f"shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else type(value).__name__
        raise TypeError(f"f_torch must return a torch tensor with one entry, got {got}")
    if not torch.isfinite(value).all():
        raise ValueError(f"f_torch is not finite at θ = {format_point(theta)}: its derivatives are not defined there")
    if not value.requires_grad:  # f does not depend on θ
        return x, value, None
    (g,) = torch.autograd.grad(value.reshape(()), x, create_graph=create_graph)
    return x, value, g


def torch_gradient(f_torch: Callable, theta) -> np.ndarray:
    """∇f(θ) by reverse-mode autodiff. f_torch: a torch tensor (n,) -> scalar tensor.
    Raises TypeError/ValueError if θ is not a vector of finite numbers, or f_torch raises, does
    not return one number, or is not finite at θ."""
    x, _, g = _torch_loss(f_torch, theta, create_graph=False)
    if g is None:  # f does not depend on θ
        return np.zeros(x.shape)
    return check_no_overflow(g.numpy(), f"the gradient of f_torch at θ = {format_point(theta)}")


def torch_hessian(f_torch: Callable, theta) -> np.ndarray:
    """H = ∇²f(θ), shape (n, n), row by row: Hᵢ = ∇(∂f/∂θᵢ), one backward pass through the
    gradient's graph per row, so forming H costs n gradient evaluations (and n² memory).

    Use it when no analytic Hessian is given; f_torch must be written with torch operations.
    tests/test_second_order.py checks it against `torch.autograd.functional.hessian`. Raises as
    `torch_gradient` does."""
    x, _, g = _torch_loss(f_torch, theta, create_graph=True)
    if g is None or not g.requires_grad:  # f is constant or linear: the gradient is constant
        return np.zeros((x.numel(), x.numel()))
    rows = [torch.autograd.grad(g[i], x, retain_graph=True, allow_unused=True)[0]
            for i in range(x.numel())]
    H = torch.stack([torch.zeros_like(x) if r is None else r for r in rows]).detach().numpy()
    return check_no_overflow(H, f"the Hessian of f_torch at θ = {format_point(theta)}")


def hessian_vector_product(f_torch: Callable, theta, v) -> np.ndarray:
    """Hv without forming H (Pearlmutter, 1994): Hv = ∇(∇f(θ)ᵀv), two backward passes.

    The gradient is built with `create_graph=True`, so it can be differentiated again; the scalar
    ∇f(θ)ᵀv is then differentiated with respect to θ. Memory O(n), not O(n²).
    Raises ValueError if v does not have θ's shape or is not finite, and as `torch_gradient`."""
    theta, v = check_point(theta, "theta"), check_finite(v, "v")
    if v.shape != theta.shape:
        raise ValueError(f"v must have the shape of theta {theta.shape}, got {v.shape}")
    x, _, g = _torch_loss(f_torch, theta, create_graph=True)
    if g is None or not g.requires_grad:  # f is constant or linear: H = 0
        return np.zeros(x.shape)
    (hv,) = torch.autograd.grad(g @ torch.as_tensor(v), x, allow_unused=True)
    return np.zeros(x.shape) if hv is None else check_no_overflow(hv.numpy(), f"Hv of f_torch at θ = {format_point(theta)}")
