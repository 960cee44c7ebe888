r"""Element-wise activation functions ("transfer operators") and their derivatives.

Source: Lecture 3, "Transfer operators" (AI II: Deep learning methods). Each activation
ρ sits next to its derivative ρ′ (`name_prime`), written from the formula on the slide and
tested against the PyTorch reference its catalogue entry holds (`catalogue.py`,
tests/test_activations.py).

Every function takes a number or an array of any shape and works element-wise (softmax and
maxout, which act along an axis, are in `vector.py`). Non-numeric input raises TypeError, NaN
and parameters out of range raise ValueError, each naming the argument. x = ±∞ is allowed and
gives the limit of ρ (and ρ′) as x → ±∞, also where the formula as written gives ∞ − ∞ or 0·∞
(GELU, SiLU, Soboleva's tanh at ±∞).

At a kink (x = 0 for the step and the ReLU family) ρ′ is not defined; we take the branch
the lecture assigns x = 0 to, which is also what PyTorch's autograd returns.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf

from ..validation import as_float_array, check_choice, check_positive, check_real


def _with_limits(x, y, minus, plus, beyond=None):
    """y = ρ(x) (or ρ′(x)) with the limits of ρ at x → −∞ and x → +∞ put in where the formula
    breaks down (∞ − ∞ or 0·∞): at x = ±∞, or where `beyond` says so."""
    beyond = np.isinf(x) if beyond is None else beyond
    if not np.any(beyond):
        return y
    return np.where(beyond & (x > 0), plus, np.where(beyond & (x < 0), minus, y))


# -- classic activations -------------------------------------------------------------------


def identity(x):
    r"""Identity ρ(x) = x, range ℝ."""
    return as_float_array(x).copy()


def identity_prime(x):
    r"""ρ′(x) = 1."""
    return np.ones_like(as_float_array(x))


def binary_step(x):
    r"""Binary step ρ(x) = 0 if x < 0, 1 if x ≥ 0; range {0, 1}."""
    x = as_float_array(x)
    return np.where(x >= 0, 1.0, 0.0)


def binary_step_prime(x):
    r"""ρ′(x) = 0 for x ≠ 0 (at x = 0 the step has no derivative; we return 0).

    A zero gradient everywhere is why the step cannot be trained by gradient descent."""
    return np.zeros_like(as_float_array(x))


def sigmoid(x):
    r"""Logistic sigmoid ρ(x) = 1 / (1 + e^{−x}), range (0, 1)."""
    x = as_float_array(x)
    with np.errstate(over="ignore"):  # e^{-x} = inf for x < -709 gives the right limit, 0
        return 1.0 / (1.0 + np.exp(-x))


def sigmoid_prime(x):
    r"""ρ′(x) = ρ(x)(1 − ρ(x)), at most 1/4 (at x = 0)."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    r"""Hyperbolic tangent ρ(x) = (e^x − e^{−x}) / (e^x + e^{−x}), range (−1, 1).

    Evaluated with `np.tanh`: the quotient as written overflows for |x| > 709."""
    return np.tanh(as_float_array(x))


def tanh_prime(x):
    r"""ρ′(x) = 1 − tanh²(x), at most 1 (at x = 0)."""
    return 1.0 - tanh(x) ** 2


def _soboleva_exponents(x, a, b, c, d):
    """x as an array, its exponents p = ax, q = −bx, r = cx, s = −dx, and the entries where one
    of them overflows (x = ±∞, or a huge product): there ρ is at its limit as x → ±∞."""
    x = as_float_array(x)
    a, b, c, d = (check_real(v, n) for v, n in zip((a, b, c, d), "abcd"))
    with np.errstate(over="ignore", invalid="ignore"):
        p, q, r, s = a * x, -b * x, c * x, -d * x
        beyond = ~(np.isfinite(p) & np.isfinite(q) & np.isfinite(r) & np.isfinite(s))
    return x, (a, b, c, d), np.where(beyond, 0.0, [p, q, r, s]), beyond


def _soboleva_at_plus_infinity(a, b, c, d) -> tuple[float, float]:
    """(ρ(+∞), ρ′(+∞)). For x → +∞, ρ ≈ sign(a + b)·e^{σx}/k with σ = max(a, −b) − max(c, −d),
    k = 2 if c = −d (else 1): ±∞ for σ > 0, 0 for σ < 0, ±1/k for σ = 0 (where ρ′ → 0)."""
    if a + b == 0:  # e^{ax} − e^{−bx} ≡ 0
        return 0.0, 0.0
    sign, sigma = math.copysign(1.0, a + b), max(a, -b) - max(c, -d)
    if sigma > 0:
        return sign * math.inf, sign * math.inf
    return (sign / (2.0 if c == -d else 1.0) if sigma == 0 else 0.0), 0.0


def soboleva_tanh(x, a=1.0, b=1.0, c=1.0, d=1.0):
    r"""Soboleva modified hyperbolic tangent ρ(x) = (e^{ax} − e^{−bx}) / (e^{cx} + e^{−dx}).

    With a = b = c = d = 1 it is tanh. The lecture gives the range (−1, 1). For positive
    a, b, c, d the image lies inside (−1, 1) iff a ≤ c and b ≤ d, is all of (−1, 1) iff a = c
    and b = d (the limits are then ±1), and is unbounded iff a > c or b > d; if a < c (b < d)
    ρ tends to 0 as x → +∞ (−∞). Chapter 2 proves this and checks it numerically.

    a, b, c, d are any finite reals (TypeError/ValueError otherwise). In log space,
    ρ = sign(p − q)·exp(max(p, q) + ln(1 − e^{−|p−q|}) − ln(e^r + e^s)), p, q, r, s = ax, −bx,
    cx, −dx: nothing overflows unless ρ does (then ±∞); at x = ±∞, ρ is its limit."""
    x, params, (p, q, r, s), beyond = _soboleva_exponents(x, a, b, c, d)
    with np.errstate(divide="ignore", over="ignore"):
        log_numerator = np.maximum(p, q) + np.log(-np.expm1(-np.abs(p - q)))
        rho = np.sign(p - q) * np.exp(log_numerator - np.logaddexp(r, s))
    a, b, c, d = params
    return _with_limits(x, rho, -_soboleva_at_plus_infinity(b, a, d, c)[0],
                        _soboleva_at_plus_infinity(a, b, c, d)[0], beyond)


def soboleva_tanh_prime(x, a=1.0, b=1.0, c=1.0, d=1.0):
    r"""ρ′(x) = (N′D − ND′) / D² with N = e^{ax} − e^{−bx}, D = e^{cx} + e^{−dx}, which expands to

        ρ′(x) = [(a−c) e^{(a+c)x} + (a+d) e^{(a−d)x} + (b+c) e^{(c−b)x} + (b−d) e^{−(b+d)x}] / D²,

    summed as e^m Σ wₖ e^{eₖ − m} (m the largest exponent), so nothing overflows unless ρ′ does."""
    x, params, (p, q, r, s), beyond = _soboleva_exponents(x, a, b, c, d)
    a, b, c, d = params
    weights = np.reshape([a - c, a + d, b + c, b - d], (4,) + (1,) * x.ndim)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        exponents = np.stack([p + r, p + s, q + r, q + s])
        beyond = beyond | ~np.isfinite(exponents).all(axis=0)
        exponents = np.where(beyond | (weights == 0), -np.inf, exponents)
        m = np.max(exponents, axis=0)  # Σ wₖ e^{eₖ} = e^m Σ wₖ e^{eₖ − m}, the largest term ±1
        m = np.where(np.isfinite(m), m, 0.0)
        terms = weights * np.exp(exponents - m)
        total = (terms[0] + terms[2]) + (terms[1] + terms[3])  # pairs that cancel exactly if a = −b
        rho_prime = np.sign(total) * np.exp(np.log(np.abs(total)) + m - 2.0 * np.logaddexp(r, s))
    return _with_limits(x, rho_prime, _soboleva_at_plus_infinity(b, a, d, c)[1],
                        _soboleva_at_plus_infinity(a, b, c, d)[1], beyond)


# -- the ReLU family -----------------------------------------------------------------------


def relu(x):
    r"""Rectified linear unit ρ(x) = max(0, x), range [0, ∞)."""
    return np.maximum(0.0, as_float_array(x))


def relu_prime(x):
    r"""ρ′(x) = 1 if x > 0, 0 if x ≤ 0. A unit whose input stays ≤ 0 gets no gradient: a dead ReLU."""
    return np.where(as_float_array(x) > 0, 1.0, 0.0)


def leaky_relu(x, slope=0.01):
    r"""Leaky ReLU ρ(x) = slope·x if x ≤ 0, x if x > 0; the lecture fixes slope = 0.01. Range ℝ.

    Raises ValueError for slope < 0 (TypeError for a non-number)."""
    return _prelu(x, slope, "slope")


def leaky_relu_prime(x, slope=0.01):
    r"""ρ′(x) = slope if x ≤ 0, 1 if x > 0."""
    return _prelu_prime(x, slope, "slope")


def prelu(x, alpha=0.25):
    r"""Parametric ReLU ρ(x) = αx if x ≤ 0, x if x > 0, with α ∈ ℝ⁺ learnt (torch's default 0.25).

    Raises ValueError for α < 0 (the lecture's α ∈ ℝ⁺; α = 0 is the plain ReLU, ρ(−∞) = 0)."""
    return _prelu(x, alpha, "alpha")


def prelu_prime(x, alpha=0.25):
    r"""∂ρ/∂x = α if x ≤ 0, 1 if x > 0. (With respect to α: ∂ρ/∂α = x for x ≤ 0, else 0.)"""
    return _prelu_prime(x, alpha, "alpha")


def _prelu(x, alpha, name):
    x, alpha = as_float_array(x), check_positive(alpha, name, allow_zero=True)
    with np.errstate(over="ignore", invalid="ignore"):  # 0·(−∞) at α = 0: the limit is 0
        return _with_limits(x, np.where(x > 0, x, alpha * x), -math.inf if alpha > 0 else 0.0, math.inf)


def _prelu_prime(x, alpha, name):
    x, alpha = as_float_array(x), check_positive(alpha, name, allow_zero=True)
    return np.where(x > 0, 1.0, alpha)


_GELU_FORMS = ("none", "tanh")


def gelu(x, approximate="none"):
    r"""Gaussian error linear unit ρ(x) = x Φ(x) = ½ x (1 + erf(x/√2)), range ≈ [−0.17, ∞).

    Φ is the standard normal CDF. `approximate="tanh"` gives the approximation PyTorch offers,
    ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))) (Hendrycks & Gimpel, 2016). ρ(−∞) = 0, ρ(+∞) = ∞.
    Raises ValueError unless `approximate` is "none" or "tanh".
    """
    x = as_float_array(x)
    check_choice(approximate, "approximate", _GELU_FORMS)
    with np.errstate(over="ignore", invalid="ignore"):  # x³ overflows, (−∞)·0 at x = −∞
        if approximate == "none":
            rho = 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
        else:
            rho = 0.5 * x * (1.0 + np.tanh(_gelu_tanh_inner(x)))
    return _with_limits(x, rho, 0.0, math.inf)


_GELU_K = np.sqrt(2.0 / np.pi)


def _gelu_tanh_inner(x):
    return _GELU_K * (x + 0.044715 * x**3)


def gelu_prime(x, approximate="none"):
    r"""ρ′(x) = Φ(x) + x φ(x) with φ(x) = e^{−x²/2}/√(2π) the normal density (exact form);
    for the tanh form, ½(1 + t) + ½ x (1 − t²) √(2/π)(1 + 3·0.044715 x²), t = tanh(inner).
    ρ′(−∞) = 0, ρ′(+∞) = 1."""
    x = as_float_array(x)
    check_choice(approximate, "approximate", _GELU_FORMS)
    # beyond |x| = 1e3 both forms equal their limits 0 and 1 to the last bit; clipping there
    # keeps x², x³ from overflowing into ∞·0
    x_clipped = np.clip(x, -1e3, 1e3)
    if approximate == "none":
        cdf = 0.5 * (1.0 + erf(x_clipped / np.sqrt(2.0)))
        pdf = np.exp(-0.5 * x_clipped**2) / np.sqrt(2.0 * np.pi)
        return cdf + x_clipped * pdf
    t = np.tanh(_gelu_tanh_inner(x_clipped))
    return 0.5 * (1.0 + t) + 0.5 * x_clipped * (1.0 - t**2) * _GELU_K * (1.0 + 3 * 0.044715 * x_clipped**2)


def elu(x, alpha=1.0):
    r"""Exponential linear unit ρ(x) = α(e^x − 1) if x ≤ 0, x if x > 0, α ≥ 0; range (−α, ∞).

    (The lecture writes [−α, ∞); −α is only approached as x → −∞.) α = 0 is the ReLU.
    Raises ValueError for α < 0 (TypeError for a non-number)."""
    x = as_float_array(x)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_prime(x, alpha=1.0):
    r"""ρ′(x) = α e^x if x ≤ 0, 1 if x > 0."""
    x = as_float_array(x)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


# Klambauer et al. (2017), "Self-normalizing neural networks"; the lecture rounds them to
# α = 1.67326 and λ = 1.0507. These full-precision values are the ones PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def selu(x):
    r"""Scaled ELU ρ(x) = λ·(α(e^x − 1) if x ≤ 0, x if x > 0), α ≈ 1.67326, λ ≈ 1.0507;
    range (−αλ, ∞) ≈ (−1.7581, ∞)."""
    return SELU_LAMBDA * elu(x, SELU_ALPHA)


def selu_prime(x):
    r"""ρ′(x) = λα e^x if x ≤ 0, λ if x > 0."""
    return SELU_LAMBDA * elu_prime(x, SELU_ALPHA)


def silu(x):
    r"""Sigmoid linear unit ("swish") ρ(x) = x / (1 + e^{−x}) = x·σ(x), range ≈ [−0.2785, ∞).

    (The lecture writes [−0.278, ∞); the true minimum, −0.27846 at x ≈ −1.2785, lies just below.)
    ρ(−∞) = 0, ρ(+∞) = ∞."""
    x = as_float_array(x)
    with np.errstate(invalid="ignore"):  # (−∞)·0 at x = −∞
        return _with_limits(x, x * sigmoid(x), 0.0, math.inf)


def silu_prime(x):
    r"""ρ′(x) = σ(x)(1 + x(1 − σ(x))); ρ′(−∞) = 0, ρ′(+∞) = 1."""
    x = as_float_array(x)
    s = sigmoid(x)
    with np.errstate(invalid="ignore"):  # ∞·0 at x = ±∞
        return _with_limits(x, s * (1.0 + x * (1.0 - s)), 0.0, 1.0)


# -- other activations ---------------------------------------------------------------------


def gaussian(x):
    r"""Gaussian ρ(x) = e^{−x²}, range (0, 1]. (The lecture writes [0, 1); but ρ(0) = 1 and ρ > 0.)"""
    x = as_float_array(x)
    return np.exp(-(np.clip(x, -1e3, 1e3) ** 2))  # e^{−x²} = 0 in float64 beyond |x| ≈ 27


def gaussian_prime(x):
    r"""ρ′(x) = −2x e^{−x²}."""
    x = np.clip(as_float_array(x), -1e3, 1e3)  # keeps ∞·0 out where e^{−x²} = 0
    return -2.0 * x * np.exp(-(x**2))


def softplus(x):
    r"""Softplus ρ(x) = ln(1 + e^x), a smooth ReLU; range (0, ∞).

    Evaluated as `logaddexp(0, x)`, which equals ln(1 + e^x) without overflow."""
    return np.logaddexp(0.0, as_float_array(x))


def softplus_prime(x):
    r"""ρ′(x) = e^x / (1 + e^x) = σ(x): the derivative of softplus is the sigmoid."""
    return sigmoid(x)
