r"""Step 2 of RBF learning (`rbf`): the output weights w for fixed centres and widths, where
the objective L(w) = (1/n) Σₙ ℓ(g(wᵀφ(xₙ)), yₙ) + (λ/n)‖w‖² is convex in w.

* regression (ℓ2 loss): the closed form w = (ΦᵀΦ + λI)⁻¹ΦᵀY, from the SVD of Φ
  (`output_weights`), Lecture 3's "pseudo-inverse";
* classification (sigmoid or softmax with cross-entropy): Newton's method, i.e. iteratively
  reweighted least squares (`newton_weights`), run by the library's one Newton method,
  `second_order.newton`, and so by the one loop.

Shapes: Φ (n, M) with M = N + 1 features (the constant first), Y (n,) or (n, K), w (M, K).
Bad input raises TypeError (non-numbers) or a ValueError that names the argument. A singular
ΦᵀΦ is no error for the closed form: it gets the minimum-norm solution.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, softmax
from .losses import binary_cross_entropy_with_logits, cross_entropy
from .problems import as_problem
from .second_order import SingularHessianError, newton
from .trajectory import DIVERGED, MAX_ITER, Diverged
from .validation import check_choice, check_finite, check_points, check_positive, check_whole


def penalty(ridge: float, n: int, w: np.ndarray) -> float:
    """(λ/n)‖w‖²: 0 for λ = 0 and inf for λ > 0 even if ‖w‖² overflows float64."""
    square = np.sum(w**2)
    return 0.0 if ridge == 0 else np.inf if np.isinf(square) else ridge / n * square


def output_weights(Phi, Y, ridge: float = 0.0) -> np.ndarray:
    """The closed form w = argmin ‖Φw − Y‖² + λ‖w‖² = (ΦᵀΦ + λI)⁻¹ΦᵀY, computed from the SVD
    Φ = U diag(s) Vᵀ as w = V diag(s/(s² + λ)) UᵀY (stable even when ΦᵀΦ is near-singular;
    λ = 0 gives the minimum-norm least-squares solution Φ⁺Y, singular values below
    the usual cutoff n·ε·s_max treated as 0, as numpy.linalg.lstsq does). So a singular
    system is no error. Raises ValueError for NaN/inf, mismatched shapes, λ < 0, and if some
    weight reaches 1e150 (Φ tiny or nearly singular for this λ, or Y huge)."""
    Phi, Y = _design(Phi, Y)
    ridge = check_positive(ridge, "ridge", allow_zero=True)
    try:
        U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    except np.linalg.LinAlgError as error:  # LAPACK gave up: not seen for finite, scaled Φ
        raise ValueError(f"the SVD of Phi {Phi.shape} did not converge ({error})") from None
    cutoff = max(Phi.shape) * np.finfo(float).eps * s.max()
    keep = s > cutoff if ridge == 0 else np.ones_like(s, dtype=bool)
    filtered = np.zeros_like(s)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # checked below
        filtered[keep] = s[keep] / (s[keep] ** 2 + ridge)
        w = Vt.T @ (filtered[:, None] * (U.T @ Y.reshape(len(Y), -1))).reshape((len(s),) + Y.shape[1:])
    if not np.all(np.abs(w) < 1e150):  # NaN, inf, or too large to square and sum
        raise ValueError(f"the least-squares weights reach {np.abs(w).max():.3g} (largest |Y| = "
                         f"{np.abs(Y).max():.3g}, singular values of Phi {s.min():.3g} … {s.max():.3g}): "
                         "use a larger ridge, or rescale the targets y (Y) or the features Phi")
    return w


def _design(Phi, Y) -> tuple[np.ndarray, np.ndarray]:
    """Φ (n, M) and Y (n,) or (n, K), finite, with the same n and M, K ≥ 1."""
    Phi, Y = check_points(Phi, "Phi"), check_finite(Y, "Y")
    if Y.ndim not in (1, 2) or Y.size == 0 or Y.shape[0] != Phi.shape[0]:
        raise ValueError(f"Phi (n, M) and Y (n,) or (n, K) must have the same n, got {Phi.shape} and {Y.shape}")
    return Phi, Y


def newton_weights(Phi, Y, task: str, ridge: float, *, max_iter: int = 50, tol: float = 1e-8):
    """Newton's method (IRLS) for the classification weights with Φ fixed: L is convex in w,
    with gradient G = Φᵀ(P − Y)/n + (2λ/n)w and Hessian H = (1/n) Σₙ Sₙ ⊗ φₙφₙᵀ + (2λ/n)I,
    Sₙ = pₙ(1 − pₙ) (sigmoid) or diag(pₙ) − pₙpₙᵀ (softmax). The library's one Newton method
    (`second_order.newton` with its backtracking line search) runs it from w = 0 until
    ‖G‖_∞ ≤ tol. Y: (n, 1) labels 0/1 (binary) or (n, K) one-hot rows (multiclass).
    Raises ValueError if it has not converged after max_iter steps, if H is singular (λ = 0 and
    Φ of low rank), or if λ = 0 and the classes are separable (then the infimum 0 is approached
    as ‖w‖ → ∞); `trajectory.Diverged` if L overflows; ValueError for bad input (NaN/inf, Y
    outside [0, 1], an unknown task, λ < 0, max_iter < 1 or not whole, tol ≤ 0)."""
    Phi, Y = _design(Phi, Y)
    task = check_choice(task, "task", ("binary", "multiclass"))
    ridge = check_positive(ridge, "ridge", allow_zero=True)
    max_iter, tol = check_whole(max_iter, "max_iter", minimum=1), check_positive(tol, "tol")
    Y = Y.reshape(len(Y), -1)
    n, M = Phi.shape
    K = Y.shape[1]
    if (Y < 0).any() or (Y > 1).any() or (task == "binary") != (K == 1) or (
            task == "multiclass" and not np.allclose(Y.sum(axis=1), 1.0)):
        raise ValueError(f"Y must hold labels 0/1 in one column (binary) or probability rows of K >= 2 "
                         f"columns (multiclass); got shape {Y.shape} for task {task!r}")
    shrink = 2 * ridge / n  # the ridge's part of the gradient and the Hessian
    if not np.isfinite(shrink):
        raise ValueError(f"ridge = {ridge:g} is too large: 2·ridge/n overflows float64")
    if not np.isfinite(np.einsum("na,nb->ab", Phi, Phi)).all():
        raise ValueError(f"the Newton system overflows float64: Phi has entries up to {np.abs(Phi).max():.3g}")

    def probabilities(w):
        z = Phi @ w.reshape(M, K)
        return sigmoid(z) if task == "binary" else softmax(z, axis=1)

    def loss(w):
        z, w = Phi @ w.reshape(M, K), w.reshape(M, K)
        with np.errstate(all="ignore"):  # ‖w‖² = inf, L = NaN: the line search rejects the step
            data = binary_cross_entropy_with_logits(z, Y) if task == "binary" else cross_entropy(z, Y)
            return float(data + penalty(ridge, n, w))

    def gradient(w):
        return (Phi.T @ (probabilities(w) - Y) / n + shrink * w.reshape(M, K)).ravel()

    def hessian(w):
        P = probabilities(w)
        if task == "binary":
            S = (P * (1 - P))[:, :, None]
        else:
            S = np.einsum("nk,kl->nkl", P, np.eye(K)) - np.einsum("nk,nl->nkl", P, P)
        H = np.einsum("na,nb,nkl->akbl", Phi, Phi, S).reshape(M * K, M * K) / n
        return H + shrink * np.eye(M * K)

    problem = as_problem(loss, gradient, hessian, dim=M * K, name="the output weights' loss")
    try:
        path = newton(problem, np.zeros(M * K), line_search=True, tol=tol, max_iter=max_iter)
    except SingularHessianError:
        raise ValueError("the Newton system for the output weights is singular (Phi has low rank and "
                         "ridge = 0): use ridge > 0") from None
    if path.reason == DIVERGED:
        raise Diverged(f"Newton's method diverged (L not finite at step {path.diverged_at}): the classes "
                       "may be separable and ridge too small, or Phi badly scaled")
    if path.reason == MAX_ITER:
        raise ValueError(f"Newton's method did not reach ‖∇L‖_∞ <= tol = {tol:g} in max_iter = {max_iter} "
                         f"steps (it is {np.abs(gradient(path.final)).max():.3g}): use ridge > 0, or a larger "
                         "tol or max_iter")
    w = path.final.reshape(M, K)  # CONVERGED, or LINE_SEARCH_FAILED: as low as rounding allows
    z = Phi @ w
    correct = (z[:, 0] > 0) == (Y[:, 0] == 1) if task == "binary" else z.argmax(1) == Y.argmax(1)
    if ridge == 0 and correct.all():
        raise ValueError("the classes are separable on these features, so with ridge = 0 the loss "
                         "has no minimum (it falls to 0 as ‖w‖ → ∞): use ridge > 0")
    return w
