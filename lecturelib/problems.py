"""Test problems for optimisers: functions with analytic gradients (and Hessians), plus the
lectures' 30-point linear regression.

A `Problem` is data: its function `f(θ) -> float`, its gradient `grad(θ) -> (d,)`, optionally its
Hessian `hess(θ) -> (d, d)`, its dimension `dim`, known minimisers, and a plotting window.
Chapters 4 and 5 (first- and second-order methods) run their optimisers on these problems.

Chapter 5 races its methods on two larger ones: an n-dimensional ill-conditioned quadratic,
and L2-regularised logistic regression on scikit-learn's breast-cancer data (569 examples,
30 standardised features, shipped with scikit-learn: no download).

Sources: Lecture 4 (the "canyon": a poorly conditioned quadratic; saddle points), Lecture 3
(the regression example: N = 30, y = 3x + 2 + U(−0.1, 0.1), θ₀ = [10, 5]), Lecture 5 (a double
well, for "can momentum overcome local minima?"); Rosenbrock (1960),
Beale (1958) and Himmelblau (1972) are the classic test functions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .activations import sigmoid
from .validation import (as_float_array, check_finite, check_in_range, check_indices, check_objective,
                         check_positive, check_real, check_squares, check_symmetric, check_vector, check_whole)


@dataclass(frozen=True)
class Problem:
    """A function to minimise, with its derivatives.

    name:   what the figures call it.
    f:      θ (d,) -> float.
    grad:   θ (d,) -> ∇f(θ), shape (d,).
    dim:    d.
    hess:   θ (d,) -> ∇²f(θ), shape (d, d), or None.
    minima: known local minimisers, shape (k, d) (may be empty).
    window: ((x_low, x_high), (y_low, y_high)) for contour plots of a 2-D problem.
    maxima: known local maximisers, shape (k, d) (may be empty).

    Raises TypeError if f or grad is not callable (hess not callable or None) and ValueError
    unless dim is a whole number >= 1.
    """

    name: str
    f: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    dim: int
    hess: Callable[[np.ndarray], np.ndarray] | None = None
    minima: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    window: tuple = ((-2.0, 2.0), (-2.0, 2.0))
    maxima: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    def __post_init__(self):
        for name in ("f", "grad"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be a function of θ, got {type(getattr(self, name)).__name__}")
        if self.hess is not None and not callable(self.hess):
            raise TypeError(f"hess must be None or a function of θ, got {type(self.hess).__name__}")
        check_whole(self.dim, "dim", minimum=1)

    def check_point(self, theta, name: str = "theta") -> np.ndarray:
        """θ as a float vector of length `dim`: TypeError if it is not numeric, ValueError if it
        has another shape or holds NaN or inf. `name`: the caller's name for θ, for the message."""
        return check_vector(theta, name, self.dim, of=f" for {self.name}")

    def grid(self, n: int = 121):
        """X, Y, Z = f on an n × n grid over `window` (2-D problems), for contour plots.
        Raises ValueError unless the problem is 2-D and 2 <= n <= 1000."""
        n = check_whole(n, "n", minimum=2)
        if n > 1000:
            raise ValueError(f"n must be <= 1000 (the grid costs n² evaluations of f), got {n}")
        if self.dim != 2:
            raise ValueError(f"grid draws 2-D problems; {self.name} has dim = {self.dim}")
        (x0, x1), (y0, y1) = self.window
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        Z = np.array([self.f(np.array(p)) for p in zip(X.ravel(), Y.ravel())]).reshape(X.shape)
        return X, Y, Z


def check_problem(problem) -> Problem:
    """Return `problem`, or raise TypeError unless it is a `Problem`."""
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a lecturelib.problems.Problem (e.g. problems.rosenbrock()), "
                        f"got {type(problem).__name__}")
    return problem


def _xy(t):
    """(x, y) = θ of a 2-D test function, or ValueError unless θ has exactly two entries."""
    if len(t) != 2:
        raise ValueError(f"θ must have 2 entries (x, y) for this 2-D function, got {len(t)}: "
                         f"{np.asarray(t).tolist()}")
    return t[0], t[1]


def as_problem(f, grad=None, hess=None, *, dim=None, name: str = "f") -> Problem:
    """The one adapter from plain callables to a `Problem`, for the solvers that take a Problem.

    as_problem(f, grad, hess=None, dim=d, name="f") -> Problem(name, f, grad, d, hess);
    as_problem(problem) returns the Problem unchanged (then grad, hess and dim must be left out).
    f: θ (d,) -> float; grad: θ -> (d,); hess: θ -> (d, d), or None (no Newton methods then).
    Raises TypeError if f, grad or hess is not callable (naming it) or name is not a string, and
    ValueError unless dim is a whole number >= 1."""
    if isinstance(f, Problem):
        if grad is not None or hess is not None or dim is not None:
            raise TypeError("as_problem(problem) takes no grad, hess or dim: the Problem has them")
        return f
    if grad is None:
        raise TypeError("grad must be a function of θ (the gradient of f), got None")
    if dim is None:
        raise TypeError("dim (the length of θ, a whole number >= 1) is required with plain callables")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    return Problem(name, f, grad, check_whole(dim, "dim", minimum=1), hess)


def solver_input(problem, theta0):
    """(θ₀, f, grad) for a solver of chapter 5: TypeError unless `problem` is a `Problem`,
    TypeError/ValueError (naming theta0) unless θ₀ is a finite vector of length `problem.dim`;
    f and grad wrapped by `validation.check_objective` (f a number, grad a finite (d,) vector)."""
    theta = check_problem(problem).check_point(theta0, "theta0")
    return check_objective(problem.f, problem.grad, theta)


def quadratic(H, b=None, name: str = "quadratic") -> Problem:
    """f(θ) = ½ θᵀHθ − bᵀθ, ∇f = Hθ − b, ∇²f = H (H symmetric, shape (d, d)).

    Its minimiser, when H is positive definite, solves Hθ = b. Raises TypeError for non-numbers
    and ValueError if H is not a symmetric square matrix of finite numbers (at least 1 × 1) or b
    is not a finite vector of matching length."""
    H = check_symmetric(H, "H")
    if H.size == 0:
        raise ValueError("H must be a symmetric square matrix of at least 1 × 1, got shape (0, 0)")
    d = H.shape[0]
    b = np.zeros(d) if b is None else check_finite(b, "b")
    if b.shape != (d,):
        raise ValueError(f"b must have shape ({d},) to match H, got {b.shape}")
    minima = np.zeros((0, d))
    if np.linalg.eigvalsh(H).min() > 0:
        try:
            minima = np.linalg.solve(H, b)[None, :]
        except np.linalg.LinAlgError:  # positive definite up to rounding only
            pass
    return Problem(name, lambda t: float(0.5 * t @ H @ t - b @ t), lambda t: H @ t - b, d,
                   hess=lambda t: H, minima=minima)


def l2_penalised(problem: Problem, l2: float) -> Problem:
    """J(θ) = L(θ) + (λ/2)‖θ‖², Lecture 7's loss plus ℓ2 penalty (λ = `l2` ≥ 0, on every
    parameter): ∇J = ∇L + λθ, ∇²J = ∇²L + λI; no known minima. TypeError unless problem is a
    Problem, ValueError unless l2 is a finite number >= 0."""
    problem, l2 = check_problem(problem), check_positive(l2, "l2", allow_zero=True)
    hess = None if problem.hess is None else (lambda t: problem.hess(t) + l2 * np.eye(len(t)))
    return Problem(f"{problem.name} + (λ/2)‖θ‖², λ = {l2:g}", lambda t: problem.f(t) + l2 / 2 * float(t @ t),
                   lambda t: problem.grad(t) + l2 * t, problem.dim, hess, np.zeros((0, problem.dim)),
                   problem.window)


def canyon(condition_number: float = 20.0, angle: float = np.pi / 6, curvature: float = 1.0) -> Problem:
    """The lecture's "long canyon": f(θ) = ½ θᵀHθ with H = R diag(λ_min, λ_max) Rᵀ,
    λ_max = `curvature`, λ_min = λ_max / κ, rotated by `angle` (radians).

    κ = `condition_number` = λ_max / λ_min ≥ 1 is the condition number of the Hessian.
    Gradient descent with a fixed step is stable for ε < 2 / λ_max (Lecture 4).
    Raises TypeError for non-numbers, ValueError for κ < 1, curvature <= 0 or a non-finite angle."""
    kappa = check_real(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(f"condition_number must be >= 1, got {kappa}")
    lam_max = check_positive(curvature, "curvature")
    angle = check_real(angle, "angle")
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([lam_max / kappa, lam_max]) @ R.T
    problem = quadratic((H + H.T) / 2, name=f"canyon (κ = {kappa:g})")
    return Problem(problem.name, problem.f, problem.grad, 2, problem.hess, problem.minima,
                   window=((-6.0, 6.0), (-4.0, 4.0)))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Problem:
    """f(x, y) = (a − x)² + b (y − x²)²; minimum 0 at (a, a²), in a curved, flat-bottomed valley.
    a: a finite number; b > 0 (TypeError/ValueError otherwise)."""
    a, b = check_real(a, "a"), check_positive(b, "b")

    def f(t):
        x, y = _xy(t)
        return float((a - x) ** 2 + b * (y - x**2) ** 2)

    def grad(t):
        x, y = _xy(t)
        return np.array([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)])

    def hess(t):
        x, y = _xy(t)
        return np.array([[2 - 4 * b * (y - 3 * x**2), -4 * b * x], [-4 * b * x, 2 * b]])

    return Problem("Rosenbrock", f, grad, 2, hess, np.array([[a, a * a]]), ((-2.0, 2.0), (-1.0, 3.0)))


_BEALE_C = np.array([1.5, 2.25, 2.625])


def beale() -> Problem:
    """f(x, y) = Σᵢ (cᵢ − x + x yⁱ)², c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5)."""
    powers = np.arange(1, 4)

    def terms(t):
        x, y = _xy(t)
        return _BEALE_C - x + x * y**powers

    def f(t):
        return float(np.sum(terms(t) ** 2))

    def grad(t):
        x, y = _xy(t)
        r = terms(t)
        dr_dx = -1 + y**powers
        dr_dy = x * powers * y ** (powers - 1)
        return np.array([2 * r @ dr_dx, 2 * r @ dr_dy])

    def hess(t):
        x, y = _xy(t)
        r = terms(t)
        dx = -1 + y**powers
        dy = x * powers * y ** (powers - 1)
        dxy = powers * y ** (powers - 1)
        dyy = x * powers * (powers - 1) * y ** np.maximum(powers - 2, 0)
        hxy = 2 * (dx @ dy + r @ dxy)
        return np.array([[2 * dx @ dx, hxy], [hxy, 2 * (dy @ dy + r @ dyy)]])

    return Problem("Beale", f, grad, 2, hess, np.array([[3.0, 0.5]]), ((-4.5, 4.5), (-4.5, 4.5)))


def saddle() -> Problem:
    """f(x, y) = x² − y²: a saddle point at the origin (Hessian eigenvalues 2 and −2), unbounded
    below along y."""
    H = np.diag([2.0, -2.0])
    def f(t):
        x, y = _xy(t)
        return float(x**2 - y**2)

    def grad(t):
        x, y = _xy(t)
        return np.array([2 * x, -2 * y])

    return Problem("saddle x² − y²", f, grad, 2, lambda t: H,
                   np.zeros((0, 2)), ((-2.0, 2.0), (-2.0, 2.0)))


HIMMELBLAU_MINIMA = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
                              [3.584428, -1.848126]])
HIMMELBLAU_MAXIMUM = np.array([[-0.270845, -0.923039]])  # f = 181.617


def himmelblau() -> Problem:
    """f(x, y) = (x² + y − 11)² + (x + y² − 7)²: non-convex, four local minima (value 0), one
    local maximum and four saddle points. Which minimum a method finds depends on where it starts."""

    def f(t):
        x, y = _xy(t)
        return float((x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2)

    def grad(t):
        x, y = _xy(t)
        a, b = x**2 + y - 11, x + y**2 - 7
        return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])

    def hess(t):
        x, y = _xy(t)
        a, b = x**2 + y - 11, x + y**2 - 7
        return np.array([[4 * a + 8 * x**2 + 2, 4 * x + 4 * y], [4 * x + 4 * y, 2 + 4 * b + 8 * y**2]])

    return Problem("Himmelblau", f, grad, 2, hess, HIMMELBLAU_MINIMA, ((-5.0, 5.0), (-5.0, 5.0)),
                   HIMMELBLAU_MAXIMUM)


_DOUBLE_WELL_MAX_TILT = 8 / (3 * np.sqrt(3))  # beyond it f′ has one real root: one minimum


def double_well(tilt: float = 0.3) -> Problem:
    """f(θ) = (θ² − 1)² + tilt·θ, one parameter: two basins near θ = ±1, separated by a barrier
    near 0; for tilt > 0 the left one is deeper (the global minimum), the right one shallow.
    For Lecture 5's question "can momentum overcome local minima?". Minima are the outer roots
    of f′(θ) = 4θ³ − 4θ + tilt, listed deepest first. Raises TypeError/ValueError unless tilt is
    a number with |tilt| < 8/(3√3) ≈ 1.54 (beyond that there is only one minimum)."""
    tilt = check_real(tilt, "tilt")
    if abs(tilt) >= _DOUBLE_WELL_MAX_TILT:
        raise ValueError(f"tilt must lie in (-{_DOUBLE_WELL_MAX_TILT:.4f}, {_DOUBLE_WELL_MAX_TILT:.4f}) "
                         f"for two minima, got {tilt:g}")

    def f(t):
        return float((t[0] ** 2 - 1) ** 2 + tilt * t[0])

    roots = np.sort(np.roots([4.0, 0.0, -4.0, tilt]).real)
    minima = sorted([roots[0], roots[2]], key=lambda r: f([r]))
    return Problem(f"double well (tilt = {tilt:g})", f,
                   lambda t: np.array([4 * t[0] ** 3 - 4 * t[0] + tilt]), 1,
                   lambda t: np.array([[12 * t[0] ** 2 - 4]]), np.array(minima)[:, None],
                   ((-2.0, 2.0), (-1.0, 4.0)))


@dataclass(frozen=True)
class Regression(Problem):
    """Least squares θᵀ[1, x] ≈ y on data (X, y): f(θ) = (1/N) Σᵢ (yᵢ − θᵀXᵢ)² (the ℓ2 loss,
    averaged), with `batch_grad(θ, indices)` the gradient on a minibatch."""

    X: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def batch_grad(self, theta, indices) -> np.ndarray:
        """(1/m) Σ_{i ∈ batch} ∇θ (yᵢ − θᵀXᵢ)² = −(2/m) X_Bᵀ (y_B − X_B θ).

        indices: m >= 1 whole numbers in [0, N) (repeats allowed). Raises TypeError/ValueError
        for other indices and for θ of the wrong shape."""
        theta = as_float_array(theta, "theta", allow_nan=True)
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},), got {theta.shape}")
        return self.unchecked_batch_grad(theta, check_indices(indices, len(self.y)))

    def unchecked_batch_grad(self, theta: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """`batch_grad` without its input checks, for a loop whose θ is a float vector of length
        `dim` and whose indices are known to be valid (`trajectory.minibatch_gradient`)."""
        X, y = self.X[indices], self.y[indices]
        return -2.0 * X.T @ (y - X @ theta) / len(indices)


def linear_regression(x, y, name: str = "linear regression") -> Regression:
    """Least squares for the model θᵀ[1, x] on data x, y (shape (N,) each):
    f(θ) = (1/N) Σᵢ (yᵢ − θ₁ − θ₂xᵢ)², ∇f = −(2/N) Xᵀ(y − Xθ), ∇²f = (2/N) XᵀX."""
    x, y = check_finite(x, "x"), check_finite(y, "y")
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be vectors of the same length >= 2, got shapes {x.shape}, {y.shape}")
    check_squares(x, "x"), check_squares(y, "y")  # XᵀX and the squared residuals must not overflow
    n = x.size
    X = np.column_stack([np.ones(n), x])
    H = 2.0 * X.T @ X / n

    def f(t):
        return float(np.mean((y - X @ t) ** 2))

    def grad(t):
        return -2.0 * X.T @ (y - X @ t) / n

    minimum = np.linalg.lstsq(X, y, rcond=None)[0]
    return Regression(name, f, grad, 2, lambda t: H, minimum[None, :], ((-1.0, 11.0), (-1.0, 6.0)), X=X, y=y)


THETA0_REGRESSION = np.array([10.0, 5.0])  # the lecture's starting point


def lecture_regression(n: int = 30, seed: int = 0, x_scale: float = 1.0) -> Regression:
    """The lectures' example: N = 30 samples of y = 3x + 2 + U(−0.1, 0.1), model θᵀ[1, x].

    The slides do not say how x is drawn; we take x ~ N(0, x_scale²) (what `torch.randn` gives),
    seeded by `seed`. θ* ≈ (2, 3): intercept first, then slope. Raises ValueError unless
    2 <= n <= 10⁶, seed is a whole number >= 0 and 0 < x_scale <= 1e100."""
    n = check_whole(n, "n", minimum=2)
    if n > 10**6:
        raise ValueError(f"n must be <= 1000000 samples, got {n}")
    rng = np.random.default_rng(check_whole(seed, "seed"))
    x_scale = check_positive(x_scale, "x_scale")
    if x_scale > 1e100:
        raise ValueError(f"x_scale must be <= 1e100 (the squares of x must not overflow), got {x_scale:g}")
    x = rng.normal(scale=x_scale, size=n)
    y = 3.0 * x + 2.0 + rng.uniform(-0.1, 0.1, size=n)
    return linear_regression(x, y, "lecture regression")


PROBLEMS = {"canyon": canyon, "Rosenbrock": rosenbrock, "Beale": beale, "saddle": saddle,
            "Himmelblau": himmelblau, "regression": lecture_regression}


# -- larger problems for the race of chapter 5 ----------------------------------------


def ill_conditioned_quadratic(n: int = 20, kappa: float = 1e3, seed: int = 0) -> Problem:
    """f(θ) = ½θᵀHθ − bᵀθ with eigenvalues of H spread geometrically over [1, κ] in random
    directions (seeded); its minimiser is H⁻¹b. Raises ValueError unless 1 <= n <= 2000,
    1 <= κ <= 1e16 (beyond that float64 cannot represent the smallest eigenvalue next to the
    largest) and seed is a whole number >= 0."""
    n = check_whole(n, "n", minimum=1)
    if n > 2000:
        raise ValueError(f"n must be <= 2000 (H has n² entries), got {n}")
    kappa = check_in_range(kappa, "kappa", 1, 1e16, low_open=False, high_open=False)
    rng = np.random.default_rng(check_whole(seed, "seed"))
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    H = Q @ np.diag(np.geomspace(1.0, kappa, n)) @ Q.T
    return quadratic((H + H.T) / 2, rng.normal(size=n), name=f"quadratic (n = {n}, κ = {kappa:g})")


@functools.lru_cache(maxsize=1)
def _breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's breast-cancer data, read once per process (reading its CSV costs 0.1 s):
    (X with a bias column first and standardised features, y), both read-only."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = np.column_stack([np.ones(len(X)), (X - X.mean(0)) / X.std(0)])
    X.flags.writeable = y.flags.writeable = False
    return X, y


def logistic_regression(l2: float = 1e-2) -> Problem:
    """Mean cross-entropy of p = σ(Xθ) on the breast-cancer data (a bias column first, features
    standardised) plus (l2/2)‖w‖² on the weights (not the bias), which keeps the minimiser finite.

    ∇f = Xᵀ(p − y)/N + l2·w;  ∇²f = Xᵀ diag(p(1 − p)) X / N + l2·I (weights only).
    Raises TypeError/ValueError unless l2 is a finite number >= 0."""
    l2 = check_positive(l2, "l2", allow_zero=True)
    X, y = _breast_cancer()
    ridge = l2 * np.diag(np.r_[0.0, np.ones(X.shape[1] - 1)])

    def f(w):
        z = X @ w
        return float(np.mean(np.logaddexp(0, z) - y * z) + 0.5 * w @ ridge @ w)

    def grad(w):
        return X.T @ (sigmoid(X @ w) - y) / len(y) + ridge @ w

    def hess(w):
        p = sigmoid(X @ w)
        return (X.T * (p * (1 - p))) @ X / len(y) + ridge

    return Problem("logistic regression (breast cancer)", f, grad, X.shape[1], hess,
                   np.zeros((0, X.shape[1])))
