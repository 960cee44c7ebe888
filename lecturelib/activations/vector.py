r"""Activations of a whole vector: softmax (and log-softmax, and softmax's Jacobian) and maxout.

Source: Lecture 3, "Output activation functions" (softmax) and "Transfer operators" (maxout).
Unlike the element-wise activations (`elementwise.py`), each output here depends on every entry
along `axis`. Tested against `torch.softmax`, `torch.autograd.functional.jacobian` and
`torch.max` (tests/test_activations.py).

Non-numeric input raises TypeError; NaN, an empty axis or an axis x does not have raise
ValueError, each naming the argument. ±∞ entries give the limits (see `softmax`).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..validation import as_float_array, check_vector_axis


def _vectors(x, axis):
    """x as a float array with at least one entry along `axis` (softmax, maxout); raises
    TypeError/ValueError naming `x` or `axis`."""
    x = as_float_array(x)
    if x.ndim > 0:
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"axis must be an integer, got {type(axis).__name__} {axis!r}")
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"axis must lie in {-x.ndim}..{x.ndim - 1} for x of shape {x.shape}, got {axis}")
    check_vector_axis(x, "x", axis)
    return x


def _shifted(x, axis):
    """x − max x along `axis`, the shift that keeps e^{…} from overflowing. Where the max is +∞
    the +∞ entries become 0 and the others −∞ (the limit: the +∞ entries share the mass)."""
    x = _vectors(x, axis)
    top = np.max(x, axis=axis, keepdims=True)
    if np.any(top == -np.inf):
        raise ValueError("softmax is undefined where every entry of x along the axis is -inf "
                         "(e^x sums to 0); give at least one entry > -inf")
    with np.errstate(over="ignore", invalid="ignore"):  # ∞ − ∞ (replaced just below), −∞ for e^{…} = 0
        shifted = x - top
    return np.where(top == np.inf, np.where(x == np.inf, 0.0, -np.inf), shifted)


def softmax(x, axis=-1):
    r"""Softmax ρᵢ(x) = e^{xᵢ} / Σⱼ e^{xⱼ} along `axis`; each ρᵢ ∈ (0, 1) and Σᵢ ρᵢ = 1.

    Computed as softmax(x − max x), which is the same function (the factor e^{−max x} cancels)
    and cannot overflow. Shape: any; the classes lie along `axis`.

    ±∞ entries give the limits: an entry −∞ gets probability 0; if some entries are +∞ they
    share the probability equally (softmax([∞, 0]) = [1, 0]). Raises ValueError where every
    entry along the axis is −∞ (0/0, undefined), and for an `axis` x does not have."""
    exps = np.exp(_shifted(x, axis))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    r"""ln softmax(x)ᵢ = xᵢ − ln Σⱼ e^{xⱼ} along `axis`, computed as (x − m) − ln Σⱼ e^{xⱼ − m}
    with m = max x, which never overflows. ±∞ and errors as for `softmax` (an entry −∞ gives −∞)."""
    shifted = _shifted(x, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_jacobian(x):
    r"""Jacobian of softmax, ∂ρᵢ/∂xⱼ = ρᵢ(δᵢⱼ − ρⱼ), i.e. diag(ρ) − ρρᵀ.

    Shape: x is (..., J); the result is (..., J, J) with rows i and columns j (Jacobian
    layout, as in the lecture). At ±∞ entries it is the limit of the Jacobian."""
    p = softmax(x, axis=-1)
    return np.einsum("...i,ij->...ij", p, np.eye(p.shape[-1])) - p[..., :, None] * p[..., None, :]


def maxout(x, axis=-1):
    r"""Maxout ρ(x) = maxᵢ xᵢ along `axis` (the lecture's form: one unit over all J inputs).

    In a maxout layer the inputs are split into groups and each output unit is the max of its
    group; reshape x to (..., groups, J) and call `maxout` to get that. Raises ValueError for
    an empty axis or an `axis` x does not have."""
    return np.max(_vectors(x, axis), axis=axis)


def maxout_prime(x, axis=-1):
    r"""∂ρ/∂xⱼ = 1 if j = argmaxᵢ xᵢ, else 0: the gradient flows only through the winner.

    On ties the first maximal index wins (NumPy's argmax and `torch.max(x, dim)` agree)."""
    x = _vectors(x, axis)
    winner = np.argmax(x, axis=axis)
    grad = np.zeros_like(x)
    np.put_along_axis(grad, np.expand_dims(winner, axis), 1.0, axis=axis)
    return grad
