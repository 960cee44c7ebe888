r"""Radial basis function (RBF) networks: features, centres and widths, the network, 2-step
learning.

Source: Lecture 3, "Radial Basis Function Nets" and "Learning mechanism". For centres
μ₀ … μ_{N−1} ∈ ℝᵈ and widths σᵢ > 0 the network maps x ∈ ℝᵈ to the feature vector

    φ(x) = (1, exp(−‖x − μ₀‖²/2σ₀²), …, exp(−‖x − μ_{N−1}‖²/2σ²_{N−1}))  ∈ ℝ^{N+1}

and models y = g(wᵀφ(x)), g the output transfer function: identity with the ℓ2 loss
(regression), sigmoid with binary cross-entropy (binary), softmax with cross-entropy
(multi-class). Shapes: X (n, d), centres mu (N, d), widths sigma (N,), Φ (n, N+1) with the
column of ones first, weights w (N+1, K) with K outputs (K = 1 for regression of one target
and for binary classification). The bias w₀ is the weight of the constant feature 1.

The objective every fit minimises is the mean loss plus a ridge penalty,

    L(μ, σ, w) = (1/n) Σₙ ℓ(g(wᵀφ(xₙ)), yₙ) + (λ/n) ‖w‖²,

so that for regression the closed form is w = (ΦᵀΦ + λI)⁻¹ Φᵀy.

* **2-step learning** (`fit_two_step`): (1) centres by vector quantisation (k-means++ and
  Lloyd, or data points drawn at random) and widths by a heuristic; (2) the weights w with μ,
  σ fixed, where L is convex in w: in closed form for regression, by Newton's method (IRLS)
  for classification (`rbf_weights`).
* **3-step learning**: (3) then gradient descent on all of μ, σ, w together:
  `rbf_three_step` (the objective, its gradients by hand, and the descent in NumPy) and
  `torch_rbf.fine_tune` (the same descent with ∇L from torch autograd, an adapter: these
  modules need NumPy and SciPy only).

Bad input raises TypeError (non-numbers) or a ValueError that names the argument (each
function's docstring says what is allowed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import kmeans as km
from .activations import sigmoid, softmax
from .distances import squared_distances
from .rbf_weights import newton_weights, output_weights
from .validation import (check_choice, check_finite, check_in_range, check_points, check_positive, check_squares,
                         check_whole)

TASKS = ("regression", "binary", "multiclass")
METHODS = ("kmeans++", "random")  # how `place_centres` places the centres
SIGMA_MIN = 1e-100  # narrower widths make σ³ underflow to 0 (and φ's gradient 0/0)
MAX_CLASSES = 100  # the multi-class Newton step solves a system of size (N + 1)·K


# -- the features -------------------------------------------------------------------------

def check_widths(sigma, n_centres: int, name: str = "sigma") -> np.ndarray:
    """σ as an array of shape (N,): a single number is shared by every centre. Raises
    ValueError unless every σᵢ is a finite number ≥ 1e-100 (σ > 0, and σ³ must not underflow);
    `name` is what the caller called the widths (sigma, width)."""
    sigma = check_finite(sigma, name)
    if sigma.ndim == 0:
        sigma = np.full(n_centres, float(sigma))
    if sigma.shape != (n_centres,):
        raise ValueError(f"{name} must be one number or one per centre, shape ({n_centres},), got {sigma.shape}")
    if (sigma < SIGMA_MIN).any():
        raise ValueError(f"{name} must be finite and > 0 for every centre (at least {SIGMA_MIN:g}, so "
                         f"that σ³ does not underflow), got {sigma.min():g}")
    return sigma


def _points(X, mu=None) -> np.ndarray:
    """X (n, d), finite; a 1-D X is n points with one feature."""
    return check_points(X, "X", features=None if mu is None else mu.shape[1], of="the centres mu have")


def _centres(mu) -> np.ndarray:
    """mu (N, d), finite; a 1-D mu is N centres in one dimension."""
    return check_points(mu, "mu")


def rbf_features(X, mu, sigma) -> np.ndarray:
    """Φ with rows φ(xₙ) = (1, exp(−‖xₙ − μᵢ‖²/2σᵢ²) for i = 0 … N−1), shape (n, N+1).
    Raises ValueError for NaN/inf in X or mu, X and mu with different d, σ < 1e-100."""
    mu = _centres(mu)
    X, sigma = _points(X, mu), check_widths(sigma, mu.shape[0])
    with np.errstate(over="ignore"):  # σ² = inf for σ > 1e154 gives the right limit, φ = 1
        gaussians = np.exp(-squared_distances(X, mu) / (2.0 * sigma**2))
    return np.hstack([np.ones((X.shape[0], 1)), gaussians])


def gaussian_feature_gradients(X, mu, sigma):
    """The hand-derived derivatives of φᵢ(x) = exp(−‖x − μᵢ‖²/2σᵢ²):

        ∂φᵢ/∂μᵢ = φᵢ(x) (x − μᵢ)/σᵢ²,      ∂φᵢ/∂σᵢ = φᵢ(x) ‖x − μᵢ‖²/σᵢ³.

    Returns (φ (n, N), ∂φ/∂μ (n, N, d), ∂φ/∂σ (n, N)), without the constant feature.
    Raises ValueError as `rbf_features` does."""
    mu = _centres(mu)
    X, sigma = _points(X, mu), check_widths(sigma, mu.shape[0])
    diff = X[:, None, :] - mu[None, :, :]  # x − μᵢ, (n, N, d)
    d2 = (diff**2).sum(axis=2)
    with np.errstate(over="ignore"):  # σ², σ³ = inf for huge σ: the right limits 1, 0, 0
        phi = np.exp(-d2 / (2.0 * sigma**2))
        return phi, phi[:, :, None] * diff / sigma[None, :, None] ** 2, phi * d2 / sigma**3


def toy_target(x) -> np.ndarray:
    """The 1-D function the chapter fits: f(x) = sin(2x) e^{−x²/8} + x/5 on [−3, 3].
    Raises ValueError for NaN/inf in x (sin(±inf) is undefined)."""
    x = check_finite(x, "x")
    with np.errstate(over="ignore", invalid="ignore"):  # e^{−x²/8} is exactly 0 beyond |x| ≈ 77,
        wave = np.where(np.abs(x) < 100, np.sin(2 * x) * np.exp(-(x**2) / 8), 0.0)  # sin(2x) NaN
    return wave + x / 5


def toy_regression(n: int = 100, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points x ~ U(−3, 3) (sorted) and y = toy_target(x) + noise·ε, ε ~ N(0, 1).
    Raises ValueError unless 1 ≤ n ≤ 10⁷ is a whole number, noise ≥ 0 and seed ≥ 0."""
    n = check_whole(n, "n", minimum=1)
    check_in_range(n, "n", 1, 10**7, low_open=False, high_open=False)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(check_whole(seed, "seed"))
    x = np.sort(rng.uniform(-3, 3, n))
    return x, toy_target(x) + noise * rng.normal(size=n)


# -- placing centres and choosing widths -----------------------------------------------------

def place_centres(X, n_centres: int, *, method: str = "kmeans++", seed: int = 0) -> np.ndarray:
    """N centres (N, d): "random" draws N distinct data points uniformly, "kmeans++" runs
    k-means++ seeding then Lloyd (lecturelib.kmeans). Raises ValueError unless
    1 ≤ n_centres ≤ n is a whole number, method is one of METHODS and seed ≥ 0."""
    X = check_points(X)
    n_centres = check_whole(n_centres, "n_centres", minimum=1, maximum=len(X), what="the number of points")
    method = check_choice(method, "method", METHODS)
    seed = check_whole(seed, "seed")
    if method == "random":
        return X[np.random.default_rng(seed).choice(len(X), n_centres, replace=False)]
    return km.kmeans(X, n_centres, seed=seed).centres


def _two_or_more(mu: np.ndarray) -> None:
    if len(mu) < 2:
        raise ValueError(f"a width heuristic needs at least 2 centres, but mu holds {len(mu)}: "
                         "use n_centres >= 2 or give the width as a number")


def _no_zero_width(sigma: np.ndarray, rule: str) -> np.ndarray:
    if (sigma == 0).any():
        i = int(np.argmax(sigma == 0))
        raise ValueError(f"centre {i} of mu coincides with {rule}, so its width would be 0: use distinct "
                         "centres (not more than X has distinct points) or give the width as a number")
    return check_widths(sigma, len(sigma), name="sigma computed from mu")


def width_max_distance(mu) -> np.ndarray:
    """One width for all: σ = d_max/√(2N), d_max the largest distance between two centres
    (Haykin, Neural Networks: A Comprehensive Foundation, 2nd ed., ch. 5). Wide enough to
    overlap, never flat. Raises ValueError for fewer than 2 centres or if all coincide."""
    mu = _centres(mu)
    _two_or_more(mu)
    d_max = np.sqrt(squared_distances(mu, mu).max())
    return _no_zero_width(np.full(len(mu), d_max / np.sqrt(2 * len(mu))), "every other centre")


def width_nearest_centres(mu, p: int = 2) -> np.ndarray:
    """Per-centre widths σᵢ = RMS distance from μᵢ to its p nearest other centres
    (Moody & Darken, 1989): narrow where centres are dense, wide where they are sparse.
    With fewer than p + 1 centres all N − 1 others are used. Raises ValueError unless p ≥ 1
    is a whole number and mu holds N ≥ 2 centres, none equal to its p nearest others."""
    p = check_whole(p, "p", minimum=1)
    mu = _centres(mu)
    _two_or_more(mu)
    p = min(p, len(mu) - 1)
    d2 = squared_distances(mu, mu)
    np.fill_diagonal(d2, np.inf)
    return _no_zero_width(np.sqrt(np.sort(d2, axis=1)[:, :p].mean(axis=1)), f"its {p} nearest centres")


def width_cluster_spread(X, mu) -> np.ndarray:
    """Per-centre widths from the points nearest each centre: σᵢ² = mean ‖x − μᵢ‖²/d over
    the cluster (the per-coordinate variance of a Gaussian fitted to it). A cluster of one
    point (or a repeated point) gets its nearest-centre width instead (so then mu needs
    N ≥ 2 distinct centres, else ValueError)."""
    mu = _centres(mu)
    X = _points(X, mu)
    d2 = squared_distances(X, mu)
    labels = d2.argmin(axis=1)
    spread = np.array([d2[labels == i, i].mean() if (labels == i).sum() > 1 else 0.0
                       for i in range(len(mu))]) / X.shape[1]
    sigma = np.sqrt(spread)
    if (sigma <= 0).any():
        sigma = np.where(sigma > 0, sigma, width_nearest_centres(mu, p=1))
    return check_widths(sigma, len(mu), name="sigma computed from X and mu")


WIDTHS = {"max distance": width_max_distance, "nearest centres": width_nearest_centres}


# -- the network and its objective ----------------------------------------------------------

@dataclass
class RBFNet:
    """centres mu (N, d), widths sigma (N,), weights w (N+1, K), the task and the ridge λ.
    Checked when made: ValueError for NaN/inf, σ ≤ 0, w of the wrong shape (K = 1 for
    binary, K ≥ 2 for multiclass), an unknown task or λ < 0."""

    mu: np.ndarray
    sigma: np.ndarray
    w: np.ndarray
    task: str = "regression"
    ridge: float = 0.0

    def __post_init__(self):
        self.task, self.mu = check_task(self.task), _centres(self.mu)
        self.sigma = check_widths(self.sigma, len(self.mu))
        self.ridge, w = check_positive(self.ridge, "ridge", allow_zero=True), check_finite(self.w, "w")
        self.w = w[:, None] if w.ndim == 1 else w
        K = self.w.shape[1] if self.w.ndim == 2 else 0
        if self.w.ndim != 2 or self.w.shape[0] != len(self.mu) + 1 or K < 1 + (self.task == "multiclass") or (
                self.task == "binary" and K != 1):
            raise ValueError(f"w of a {self.task} network must have shape (N + 1, K) = ({len(self.mu) + 1}, K), "
                             f"K = 1 for binary and K >= 2 for multiclass; got {w.shape}")

    def features(self, X) -> np.ndarray:
        return rbf_features(X, self.mu, self.sigma)

    def logits(self, X) -> np.ndarray:
        """z = Φw, shape (n, K): the input of the output transfer function g."""
        Phi = self.features(X)
        if Phi.shape[1] != self.w.shape[0]:
            raise ValueError(f"w has {self.w.shape[0]} rows but there are {len(self.mu)} centres mu (+ 1)")
        return Phi @ self.w

    def predict(self, X) -> np.ndarray:
        """g(z): the regression output (n,) (or (n, K)), P(y = 1) (n,) or class probabilities (n, K)."""
        z = self.logits(X)
        if self.task == "multiclass":
            return softmax(z, axis=1)
        out = z if self.task == "regression" else sigmoid(z)
        return out[:, 0] if out.shape[1] == 1 else out

    def classify(self, X) -> np.ndarray:
        """Class labels: P(y = 1) ≥ ½ for binary, the most probable class for multi-class."""
        if self.task == "regression":
            raise ValueError("classify needs a network with task 'binary' or 'multiclass', not 'regression'")
        p = self.predict(X)
        return (p >= 0.5).astype(int) if self.task == "binary" else p.argmax(axis=1)


def check_task(task: str) -> str:
    """Return task, or raise ValueError unless it is one of TASKS."""
    return check_choice(task, "task", TASKS)


def targets(X, y, task: str, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, d), Y (n, K)): Y is y as a column (regression, binary) or one-hot (multi-class,
    K = n_classes, by default the largest label + 1). Raises ValueError if X and y hold
    different numbers of samples, for NaN/inf, or if the labels are not 0 … K−1 with
    2 ≤ K ≤ 100 (0 or 1 for binary)."""
    task = check_task(task)
    X, y = _points(X), check_finite(y, "y")
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must hold the same number of samples: X has shape {X.shape}, y {y.shape}")
    if task == "regression":
        if y.ndim > 2 or y.size == 0:
            raise ValueError(f"y must have shape (n,) or (n, K) with K >= 1 targets, got {y.shape}")
        return X, check_squares(y[:, None] if y.ndim == 1 else y, "y")
    if y.ndim != 1 or not np.array_equal(y, np.round(y)) or y.min() < 0:
        raise ValueError("classification labels y must be a 1-D array of whole numbers 0, 1, …")
    if task == "binary":
        if y.max() > 1:
            raise ValueError(f"binary labels y must be 0 or 1, got values up to {y.max():g}")
        return X, y[:, None]
    if n_classes is None:
        k = int(y.max()) + 1
        if not 2 <= k <= MAX_CLASSES:
            raise ValueError(f"multiclass labels y must be 0 … K−1 with 2 <= K <= {MAX_CLASSES} classes, "
                             f"got labels up to {y.max():g}")
    else:
        k = check_whole(n_classes, "n_classes", minimum=2)
        check_in_range(k, "n_classes", 2, MAX_CLASSES, low_open=False, high_open=False)
        if y.max() >= k:
            raise ValueError(f"labels y must be 0 … {k - 1} for n_classes = {k}, got a label {y.max():g}")
    return X, np.eye(k)[y.astype(int)]


def _net_targets(net: RBFNet, X, y) -> tuple[np.ndarray, np.ndarray]:
    """targets(X, y) for `net`: as many target columns as net has outputs."""
    if not isinstance(net, RBFNet):
        raise TypeError(f"net must be an RBFNet (from fit_two_step), got {type(net).__name__}")
    X, Y = targets(X, y, net.task, net.w.shape[1] if net.task == "multiclass" else None)
    if Y.shape[1] != net.w.shape[1]:
        raise ValueError(f"y has {Y.shape[1]} target columns but the network has {net.w.shape[1]} outputs")
    return X, Y


# -- 2-step learning ---------------------------------------------------------------------------

def fit_two_step(X, y, n_centres: int, *, task: str = "regression", centres: str = "kmeans++",
                 width="nearest centres", ridge: float = 1e-3, seed: int = 0) -> RBFNet:
    """Step 1: centres (`place_centres`, method `centres`) and widths (a number, one per
    centre, or a name in WIDTHS); step 2: the weights, in closed form (regression) or by
    Newton's method (classification). Raises ValueError (TypeError for non-numbers) naming
    the bad argument, as `targets`, `place_centres` and the width heuristics do."""
    task, ridge = check_task(task), check_positive(ridge, "ridge", allow_zero=True)
    centres = check_choice(centres, "centres", METHODS)
    if isinstance(width, str) and width not in WIDTHS:
        raise ValueError(f"width must be a number > 0 or one of {sorted(WIDTHS)}, got {width!r}")
    X, Y = targets(X, y, task)
    mu = place_centres(X, n_centres, method=centres, seed=seed)
    sigma = WIDTHS[width](mu) if isinstance(width, str) else check_widths(width, len(mu), name="width")
    Phi = rbf_features(X, mu, sigma)
    w = output_weights(Phi, Y, ridge) if task == "regression" else newton_weights(Phi, Y, task, ridge)
    return RBFNet(mu, sigma, w, task, ridge)
