r"""Radial basis function (RBF) networks: features, widths, 2-step and 3-step learning.

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

* **2-step learning**: (1) centres by vector quantisation (k-means++ and Lloyd, or data
  points drawn at random) and widths by a heuristic; (2) the weights w with μ, σ fixed, where
  L is convex in w: in closed form for regression, by Newton's method (IRLS) for classification.
* **3-step learning**: (3) then gradient descent on all of μ, σ, w together, with ∇L from
  torch autograd; `objective_gradients` derives the same gradients by hand.

Bad input raises ValueError (σ ≤ 0, more centres than points, mismatched X/y, NaN) or
TypeError (non-numeric input, an unknown task).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from . import kmeans as km
from .activations import sigmoid, softmax
from .losses import binary_cross_entropy_with_logits, cross_entropy
from .validation import as_float_array, check_positive

TASKS = ("regression", "binary", "multiclass")


# -- the features -------------------------------------------------------------------------

def check_widths(sigma, n_centres: int) -> np.ndarray:
    """σ as an array of shape (N,): a single number is shared by every centre. Raises
    ValueError unless every σᵢ is a finite number > 0."""
    sigma = as_float_array(sigma, "sigma")
    if sigma.ndim == 0:
        sigma = np.full(n_centres, float(sigma))
    if sigma.shape != (n_centres,):
        raise ValueError(f"sigma must be one number or one per centre, shape ({n_centres},), got {sigma.shape}")
    if not (np.isfinite(sigma).all() and (sigma > 0).all()):
        raise ValueError(f"every width sigma must be finite and > 0, got min {sigma.min():g}")
    return sigma


def _points(X, mu=None) -> np.ndarray:
    X = as_float_array(X, "X")
    X = X[:, None] if X.ndim == 1 else X
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, d) with n >= 1, got {X.shape}")
    if mu is not None and X.shape[1] != mu.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features but the centres have {mu.shape[1]}")
    return X


def _centres(mu) -> np.ndarray:
    mu = as_float_array(mu, "mu")
    mu = mu[:, None] if mu.ndim == 1 else mu
    if mu.ndim != 2 or mu.shape[0] == 0:
        raise ValueError(f"mu must have shape (N, d) with N >= 1 centres, got {mu.shape}")
    return mu


def rbf_features(X, mu, sigma) -> np.ndarray:
    """Φ with rows φ(xₙ) = (1, exp(−‖xₙ − μᵢ‖²/2σᵢ²) for i = 0 … N−1), shape (n, N+1)."""
    mu = _centres(mu)
    X, sigma = _points(X, mu), check_widths(sigma, mu.shape[0])
    gaussians = np.exp(-km.squared_distances(X, mu) / (2.0 * sigma**2))
    return np.hstack([np.ones((X.shape[0], 1)), gaussians])


def gaussian_feature_gradients(X, mu, sigma):
    """The hand-derived derivatives of φᵢ(x) = exp(−‖x − μᵢ‖²/2σᵢ²):

        ∂φᵢ/∂μᵢ = φᵢ(x) (x − μᵢ)/σᵢ²,      ∂φᵢ/∂σᵢ = φᵢ(x) ‖x − μᵢ‖²/σᵢ³.

    Returns (φ (n, N), ∂φ/∂μ (n, N, d), ∂φ/∂σ (n, N)), without the constant feature."""
    mu = _centres(mu)
    X, sigma = _points(X, mu), check_widths(sigma, mu.shape[0])
    diff = X[:, None, :] - mu[None, :, :]  # x − μᵢ, (n, N, d)
    d2 = (diff**2).sum(axis=2)
    phi = np.exp(-d2 / (2.0 * sigma**2))
    return phi, phi[:, :, None] * diff / sigma[None, :, None] ** 2, phi * d2 / sigma**3


def toy_target(x) -> np.ndarray:
    """The 1-D function the chapter fits: f(x) = sin(2x) e^{−x²/8} + x/5 on [−3, 3]."""
    x = as_float_array(x)
    return np.sin(2 * x) * np.exp(-(x**2) / 8) + x / 5


def toy_regression(n: int = 100, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points x ~ U(−3, 3) (sorted) and y = toy_target(x) + noise·ε, ε ~ N(0, 1)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, n))
    return x, toy_target(x) + noise * rng.normal(size=n)


# -- placing centres and choosing widths -----------------------------------------------------

def place_centres(X, n_centres: int, *, method: str = "kmeans++", seed: int = 0) -> np.ndarray:
    """N centres (N, d): "random" draws N distinct data points uniformly, "kmeans++" runs
    k-means++ seeding then Lloyd (lecturelib.kmeans). Raises ValueError if N > n."""
    X = km.check_points(X, n_centres)
    if method == "random":
        return X[np.random.default_rng(seed).choice(len(X), n_centres, replace=False)]
    if method == "kmeans++":
        return km.kmeans(X, n_centres, seed=seed).centres
    raise ValueError(f"method must be 'random' or 'kmeans++', got {method!r}")


def width_max_distance(mu) -> np.ndarray:
    """One width for all: σ = d_max/√(2N), d_max the largest distance between two centres
    (Haykin, Neural Networks: A Comprehensive Foundation, 2nd ed., ch. 5). Wide enough to
    overlap, never flat."""
    mu = _centres(mu)
    if len(mu) < 2:
        raise ValueError("width_max_distance needs at least 2 centres")
    d_max = np.sqrt(km.squared_distances(mu, mu).max())
    return check_widths(d_max / np.sqrt(2 * len(mu)), len(mu))


def width_nearest_centres(mu, p: int = 2) -> np.ndarray:
    """Per-centre widths σᵢ = RMS distance from μᵢ to its p nearest other centres
    (Moody & Darken, 1989): narrow where centres are dense, wide where they are sparse.
    With fewer than p + 1 centres all N − 1 others are used."""
    mu = _centres(mu)
    if len(mu) < 2 or p < 1:
        raise ValueError(f"width_nearest_centres needs N >= 2 centres and p >= 1, got N = {len(mu)}, p = {p}")
    p = min(p, len(mu) - 1)
    d2 = km.squared_distances(mu, mu)
    np.fill_diagonal(d2, np.inf)
    return check_widths(np.sqrt(np.sort(d2, axis=1)[:, :p].mean(axis=1)), len(mu))


def width_cluster_spread(X, mu) -> np.ndarray:
    """Per-centre widths from the points nearest each centre: σᵢ² = mean ‖x − μᵢ‖²/d over
    the cluster (the per-coordinate variance of a Gaussian fitted to it). A cluster of one
    point (or a repeated point) gets its nearest-centre width instead."""
    mu = _centres(mu)
    X = _points(X, mu)
    d2 = km.squared_distances(X, mu)
    labels = d2.argmin(axis=1)
    spread = np.array([d2[labels == i, i].mean() if (labels == i).sum() > 1 else 0.0
                       for i in range(len(mu))]) / X.shape[1]
    sigma = np.sqrt(spread)
    if (sigma <= 0).any():
        sigma = np.where(sigma > 0, sigma, width_nearest_centres(mu, p=1))
    return check_widths(sigma, len(mu))


WIDTHS = {"max distance": width_max_distance, "nearest centres": width_nearest_centres}


# -- the network and its objective ----------------------------------------------------------

@dataclass
class RBFNet:
    """centres mu (N, d), widths sigma (N,), weights w (N+1, K), the task and the ridge λ."""

    mu: np.ndarray
    sigma: np.ndarray
    w: np.ndarray
    task: str = "regression"
    ridge: float = 0.0

    def features(self, X) -> np.ndarray:
        return rbf_features(X, self.mu, self.sigma)

    def logits(self, X) -> np.ndarray:
        """z = Φw, shape (n, K): the input of the output transfer function g."""
        return self.features(X) @ self.w

    def predict(self, X) -> np.ndarray:
        """g(z): the regression output (n,) (or (n, K)), P(y = 1) (n,) or class probabilities (n, K)."""
        z = self.logits(X)
        if self.task == "multiclass":
            return softmax(z, axis=1)
        out = z if self.task == "regression" else sigmoid(z)
        return out[:, 0] if out.shape[1] == 1 else out

    def classify(self, X) -> np.ndarray:
        """Class labels: P(y = 1) ≥ ½ for binary, the most probable class for multi-class."""
        p = self.predict(X)
        return (p >= 0.5).astype(int) if self.task == "binary" else p.argmax(axis=1)


def check_task(task: str) -> str:
    if task not in TASKS:
        raise TypeError(f"task must be one of {TASKS}, got {task!r}")
    return task


def targets(X, y, task: str, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, d), Y (n, K)): Y is y as a column (regression, binary) or one-hot (multi-class).
    Raises ValueError if X and y hold different numbers of samples, or labels are invalid."""
    check_task(task)
    X, y = _points(X), as_float_array(y, "y")
    if y.shape[0:1] != X.shape[0:1] or y.ndim > 2:
        raise ValueError(f"X and y must hold the same number of samples: X has shape {X.shape}, y {y.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains inf; only finite inputs are allowed")
    if task == "regression":
        return X, y[:, None] if y.ndim == 1 else y
    if y.ndim != 1 or not np.array_equal(y, np.round(y)) or y.min() < 0:
        raise ValueError("classification labels must be a 1-D array of whole numbers 0, 1, …")
    if task == "binary":
        if y.max() > 1:
            raise ValueError(f"binary labels must be 0 or 1, got values up to {y.max():g}")
        return X, y[:, None]
    k = int(y.max()) + 1 if n_classes is None else n_classes
    return X, np.eye(k)[y.astype(int)]


def objective(net: RBFNet, X, y) -> float:
    """L = (1/n) Σ ℓ + (λ/n)‖w‖² with ℓ the task's loss: (ŷ − y)², BCE or CE (of the logits)."""
    X, Y = targets(X, y, net.task, net.w.shape[1] if net.task == "multiclass" else None)
    z = net.logits(X)
    if net.task == "regression":
        data = np.mean(np.sum((z - Y) ** 2, axis=1))
    elif net.task == "binary":
        data = binary_cross_entropy_with_logits(z, Y)
    else:
        data = cross_entropy(z, Y)
    return float(data + net.ridge / len(X) * np.sum(net.w**2))


def objective_gradients(net: RBFNet, X, y) -> dict[str, np.ndarray]:
    """∇L by hand. With e = ∂L/∂z = (g(z) − Y)/n (times 2 for ℓ2) and δᵢ = ∂L/∂φᵢ = e w_{i+1}ᵀ:

        ∇w = Φᵀe + (2λ/n) w,   ∇μᵢ = Σₙ δₙᵢ φᵢ(xₙ)(xₙ − μᵢ)/σᵢ²,   ∇σᵢ = Σₙ δₙᵢ φᵢ(xₙ)‖xₙ − μᵢ‖²/σᵢ³.

    Returns {"mu": (N, d), "sigma": (N,), "w": (N+1, K)}."""
    X, Y = targets(X, y, net.task, net.w.shape[1] if net.task == "multiclass" else None)
    n = len(X)
    z = net.logits(X)
    prediction = {"regression": z, "binary": sigmoid(z), "multiclass": softmax(z, axis=1)}[net.task]
    e = (prediction - Y) / n * (2.0 if net.task == "regression" else 1.0)
    phi, dphi_dmu, dphi_dsigma = gaussian_feature_gradients(X, net.mu, net.sigma)
    delta = e @ net.w[1:].T  # ∂L/∂φᵢ(xₙ), (n, N)
    features = np.hstack([np.ones((n, 1)), phi])
    return {"mu": np.einsum("ni,nid->id", delta, dphi_dmu),
            "sigma": np.einsum("ni,ni->i", delta, dphi_dsigma),
            "w": features.T @ e + 2.0 * net.ridge / n * net.w}


# -- step 2: the output weights --------------------------------------------------------------

def output_weights(Phi, Y, ridge: float = 0.0) -> np.ndarray:
    """The closed form w = argmin ‖Φw − Y‖² + λ‖w‖² = (ΦᵀΦ + λI)⁻¹ΦᵀY, computed from the SVD
    Φ = U diag(s) Vᵀ as w = V diag(s/(s² + λ)) UᵀY (stable even when ΦᵀΦ is near-singular;
    λ = 0 gives the minimum-norm least-squares solution Φ⁺Y, singular values below
    the usual cutoff n·ε·s_max treated as 0, as numpy.linalg.lstsq does)."""
    Phi, Y = as_float_array(Phi, "Phi"), as_float_array(Y, "Y")
    ridge = check_positive(ridge, "ridge", allow_zero=True)
    if Phi.ndim != 2 or Y.shape[0:1] != Phi.shape[0:1]:
        raise ValueError(f"Phi (n, M) and Y (n,) or (n, K) must have the same n, got {Phi.shape} and {Y.shape}")
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    cutoff = max(Phi.shape) * np.finfo(float).eps * s.max()
    keep = s > cutoff if ridge == 0 else np.ones_like(s, dtype=bool)
    filtered = np.zeros_like(s)
    filtered[keep] = s[keep] / (s[keep] ** 2 + ridge)
    return Vt.T @ (filtered[:, None] * (U.T @ Y.reshape(len(Y), -1))).reshape((len(s),) + Y.shape[1:])


def newton_weights(Phi, Y, task: str, ridge: float, *, max_iter: int = 50, tol: float = 1e-10):
    """Newton's method (IRLS) for the classification weights with Φ fixed: L is convex in w,
    with gradient G = Φᵀ(P − Y)/n + (2λ/n)w and Hessian H = (1/n) Σₙ Sₙ ⊗ φₙφₙᵀ + (2λ/n)I,
    Sₙ = pₙ(1 − pₙ) (sigmoid) or diag(pₙ) − pₙpₙᵀ (softmax). Each step w ← w − t H⁻¹G halves t
    until L decreases. Raises ValueError if it has not converged after max_iter steps, or if
    λ = 0 and the classes are separable (then the infimum 0 is approached as ‖w‖ → ∞)."""
    n, M = Phi.shape
    K = Y.shape[1]

    def loss_and_probabilities(w):
        z = Phi @ w
        penalty = ridge / n * np.sum(w**2)
        if task == "binary":
            return binary_cross_entropy_with_logits(z, Y) + penalty, sigmoid(z)
        return cross_entropy(z, Y) + penalty, softmax(z, axis=1)

    w = np.zeros((M, K))
    loss, P = loss_and_probabilities(w)
    for _ in range(max_iter):
        gradient = Phi.T @ (P - Y) / n + 2 * ridge / n * w
        if task == "binary":
            S = (P * (1 - P))[:, :, None]
        else:
            S = np.einsum("nk,kl->nkl", P, np.eye(K)) - np.einsum("nk,nl->nkl", P, P)
        H = np.einsum("na,nb,nkl->akbl", Phi, Phi, S).reshape(M * K, M * K) / n
        H += 2 * ridge / n * np.eye(M * K)
        direction = np.linalg.lstsq(H, gradient.ravel(), rcond=None)[0].reshape(M, K)
        t = 1.0
        while t > 1e-10:
            new_loss, new_P = loss_and_probabilities(w - t * direction)
            if new_loss <= loss:
                break
            t /= 2
        w, converged = w - t * direction, loss - new_loss < tol
        loss, P = new_loss, new_P
        if converged:
            break
    else:
        raise ValueError(f"Newton's method did not converge in {max_iter} steps; use ridge > 0")
    z = Phi @ w
    correct = (z[:, 0] > 0) == (Y[:, 0] == 1) if task == "binary" else z.argmax(1) == Y.argmax(1)
    if ridge == 0 and correct.all():
        raise ValueError("the classes are separable on these features, so with ridge = 0 the loss "
                         "has no minimum (it falls to 0 as ‖w‖ → ∞): use ridge > 0")
    return w


# -- 2-step and 3-step learning ----------------------------------------------------------------

def fit_two_step(X, y, n_centres: int, *, task: str = "regression", centres: str = "kmeans++",
                 width="nearest centres", ridge: float = 1e-3, seed: int = 0) -> RBFNet:
    """Step 1: centres (`place_centres`) and widths (a number, or a name in WIDTHS);
    step 2: the weights, in closed form (regression) or by Newton's method (classification)."""
    X, Y = targets(X, y, task)
    mu = place_centres(X, n_centres, method=centres, seed=seed)
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ValueError(f"width must be a number > 0 or one of {sorted(WIDTHS)}, got {width!r}")
        sigma = WIDTHS[width](mu)
    else:
        sigma = check_widths(width, n_centres)
    ridge = check_positive(ridge, "ridge", allow_zero=True)
    Phi = rbf_features(X, mu, sigma)
    w = output_weights(Phi, Y, ridge) if task == "regression" else newton_weights(Phi, Y, task, ridge)
    return RBFNet(mu, sigma, w, task, ridge)


def torch_objective(mu, log_sigma, w, X, Y, task: str, ridge: float) -> torch.Tensor:
    """The objective L in torch (σ = e^{log σ} keeps every width > 0 during descent)."""
    d2 = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(dim=2)
    phi = torch.exp(-d2 / (2 * torch.exp(log_sigma) ** 2))
    z = torch.cat([torch.ones(len(X), 1, dtype=X.dtype), phi], dim=1) @ w
    if task == "regression":
        data = ((z - Y) ** 2).sum(dim=1).mean()
    elif task == "binary":
        data = torch.nn.functional.binary_cross_entropy_with_logits(z, Y)
    else:
        data = -(Y * torch.log_softmax(z, dim=1)).sum(dim=1).mean()
    return data + ridge / len(X) * (w**2).sum()


def fine_tune(net: RBFNet, X, y, *, steps: int = 300, lr: float = 0.01) -> tuple[RBFNet, list[float]]:
    """Step 3: gradient descent on μ, σ and w together, from the 2-step solution, with
    ∇L from torch autograd and Adam's per-parameter step sizes (torch.optim.Adam, chapter 4),
    since μ, σ and w live on different scales. σ is updated through log σ (σ stays > 0).
    Returns the tuned network and L before the first step and after each step.
    Raises ValueError if L becomes NaN or infinite (diverged)."""
    check_positive(lr, "lr")
    X, Y = targets(X, y, net.task, net.w.shape[1] if net.task == "multiclass" else None)
    X, Y = torch.tensor(X), torch.tensor(Y)
    mu = torch.tensor(net.mu, requires_grad=True)
    log_sigma = torch.tensor(np.log(net.sigma), requires_grad=True)
    w = torch.tensor(net.w, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma, w], lr=lr)
    history = []
    for step in range(steps + 1):
        loss = torch_objective(mu, log_sigma, w, X, Y, net.task, net.ridge)
        if not torch.isfinite(loss):
            raise ValueError(f"3-step training diverged at step {step} (L = {loss.item()}); try lr < {lr}")
        history.append(loss.item())
        if step == steps:
            break
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    tuned = replace(net, mu=mu.detach().numpy().copy(), sigma=np.exp(log_sigma.detach().numpy()),
                    w=w.detach().numpy().copy())
    return tuned, history
