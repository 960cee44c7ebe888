"""Checkers for the exercises of chapter 5, Second-order methods.

Each reference is independent of `lecturelib.second_order` and friends: a closed form
(the minimiser of a quadratic), SciPy (its BFGS inverse-Hessian update), a Cholesky test, or
torch.autograd.functional (Hessians, Hessian-vector products).

A checker that needs torch imports it when it runs, so that importing this module does not.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigvalsh
from scipy.optimize import BFGS

from . import ExerciseError, Outcome, as_answer, assert_close, call_student, plain, run_check

QUADRATICS = [  # (H, b, θ) for f(θ) = ½θᵀHθ − bᵀθ
    (np.array([[2.0, 0.0], [0.0, 8.0]]), np.array([2.0, 4.0]), np.array([3.0, -1.0])),
    (np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]), np.array([-2.0, 5.0])),
    (np.array([[10.0, -3.0], [-3.0, 1.5]]), np.array([0.0, 1.0]), np.array([0.5, 0.5])),
]


def check_newton_step(newton_step) -> Outcome:
    """Exercise: `newton_step(theta, H, b)`, one Newton step on f(θ) = ½θᵀHθ − bᵀθ."""

    def body():
        for H, b, theta in QUADRATICS:
            minimiser = np.linalg.solve(H, b)  # where ∇f = Hθ − b vanishes
            what = f"the Newton step from θ = {plain(theta)} with H = {plain(H)}"
            got = as_answer(call_student(newton_step, theta.copy(), H.copy(), b.copy()), what, expected=minimiser)
            g = H @ theta - b
            if np.allclose(got, -np.linalg.solve(H, g)):
                raise ExerciseError("you returned the step −H⁻¹g, not the new point: add θ. (The slide "
                                    "writes x(n+1) = −∇f H⁻¹ and drops x(n) the same way.)")
            if np.allclose(got, theta - g):
                raise ExerciseError("you took a gradient step θ − g: Newton rescales g by H⁻¹.")
            if np.allclose(got, theta - H @ g):
                raise ExerciseError("you multiplied g by H; Newton multiplies by H⁻¹ (solve H d = g).")
            assert_close(got, minimiser, what=what, rtol=1e-8, atol=1e-10, hint="θ_new = θ − H⁻¹(Hθ − b).")
        return "On a positive-definite quadratic one Newton step lands on the minimiser H⁻¹b."

    return run_check("Exercise: one Newton step by hand", body)


def check_hvp_by_differences(hvp_by_differences) -> Outcome:
    """Exercise: `hvp_by_differences(grad, theta, v, eps)`, Hv from two gradients."""
    import torch
    weights = torch.arange(1.0, 5.0, dtype=torch.float64)

    def f_torch(t):  # a non-quadratic test function: its Hessian changes with θ
        return torch.logsumexp(weights * t, 0) + (t**4).sum() / 4 + t[0] * t[1] ** 2

    def grad(theta):
        """∇f(θ) for θ of shape (4,)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (4,):
            raise ValueError(f"grad(theta) needs theta of shape (4,), got shape {theta.shape}")
        x = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
        return torch.autograd.grad(f_torch(x), x)[0].numpy()

    rng = np.random.default_rng(5)

    def body():
        for _ in range(3):
            theta, v = rng.normal(size=4), rng.normal(size=4)
            expected = torch.autograd.functional.hvp(
                f_torch, torch.tensor(theta), torch.tensor(v))[1].numpy()
            what = f"Hv at θ = {plain(theta, 3)}"
            got = as_answer(call_student(hvp_by_differences, grad, theta.copy(), v.copy(), 1e-5), what,
                            expected=expected)
            if np.allclose(got / 2, expected, rtol=1e-4):
                raise ExerciseError("your result is twice Hv: a central difference divides by 2ε, the "
                                    "distance between θ + εv and θ − εv.")
            assert_close(got, expected, what=what, rtol=1e-5, atol=1e-7,
                         hint="(∇f(θ + εv) − ∇f(θ − εv)) / 2ε: a central difference of the gradient "
                              "along v (the forward difference is less accurate).")
        return "Two gradients give Hv: CG can use it to solve H d = −g without ever forming H."

    return run_check("Exercise: a Hessian-vector product from two gradients", body)


def check_bfgs_update(bfgs_update) -> Outcome:
    """Exercise: `bfgs_update(H_inv, s, y)`, the BFGS update of the inverse-Hessian estimate."""
    rng = np.random.default_rng(4)
    pairs = []
    for _ in range(3):
        s = rng.normal(size=3)
        pairs.append((s, s * np.array([1.0, 3.0, 0.5]) + 0.1 * rng.normal(size=3)))

    def body():
        reference = BFGS(init_scale=1.0)
        reference.initialize(3, "inv_hess")
        H = np.eye(3)
        for k, (s, y) in enumerate(pairs):
            reference.update(s, y)
            what = f"the estimate after update {k + 1}"
            H = as_answer(call_student(bfgs_update, H.copy(), s.copy(), y.copy()), what,
                          expected=reference.get_matrix(), shape_hint="H⁻¹ stays n × n = 3 × 3.")
            if not np.allclose(H @ y, s, rtol=1e-6, atol=1e-9):
                raise ExerciseError(f"after update {k + 1} the secant condition H y = s fails: the new "
                                    "estimate must map the change of gradient y to the step s. Check "
                                    "ρ = 1/(yᵀs) and the order of s and y in the outer products.")
            assert_close(H, reference.get_matrix(), what=what,
                         rtol=1e-7, atol=1e-10,
                         hint="(I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs).")
        return "It agrees with scipy.optimize.BFGS, and H y = s holds after every update."

    return run_check("Exercise: the BFGS update", body)


def _is_positive_definite(A) -> bool:
    try:
        np.linalg.cholesky(A)
        return True
    except np.linalg.LinAlgError:
        return False


def check_smallest_alpha(smallest_alpha) -> Outcome:
    """Exercise: `smallest_alpha(H)`, the α* with H + αI positive definite exactly for α > α*."""
    matrices = [np.diag([2.0, -2.0]), np.array([[1.0, 3.0], [3.0, 1.0]]), np.diag([4.0, 1.0]),
                np.array([[-1.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, -5.0]])]

    def body():
        for H in matrices:
            alpha = as_answer(call_student(smallest_alpha, H.copy()), f"α* for H = {plain(H)}", kind="number",
                              expected=-eigvalsh(H).min())
            n, margin = H.shape[0], 1e-6 * (1 + abs(alpha))
            above = _is_positive_definite(H + (alpha + margin) * np.eye(n))
            below = _is_positive_definite(H + (alpha - margin) * np.eye(n))
            if not above or below:
                side = "not yet positive definite" if not above else "already positive definite below it"
                raise ExerciseError(f"for H = {plain(H)}, α* = {alpha:.4g} is wrong: H + αI is {side}. "
                                    "H + αI has eigenvalues λᵢ + α; all must be > 0.")
        return "α* = −λ_min(H): for a positive-definite H any α ≥ 0 will do."

    return run_check("Exercise: when is H + αI positive definite?", body)


def check_gauss_newton_hessian(gauss_newton_hessian) -> Outcome:
    """Exercise: `gauss_newton_hessian(J)`, the lecture's approximation of ∇²Σr² from J."""
    import torch
    t = torch.linspace(0, 2, 6, dtype=torch.float64)
    data = 1.5 * torch.exp(-0.7 * t)

    def residual(p):
        return p[0] * torch.exp(-p[1] * t) - data

    def body():
        for point in ([1.5, 0.7], [1.0, 1.0], [2.0, 0.2]):
            p = torch.tensor(point, dtype=torch.float64)
            J = torch.autograd.functional.jacobian(residual, p).numpy()
            what = f"the Gauss-Newton Hessian at θ = {plain(point)}"
            got = as_answer(call_student(gauss_newton_hessian, J.copy()), what, expected=2 * J.T @ J,
                            shape_hint="The Hessian is n × n = 2 × 2 (one row and column per parameter): "
                                       "JᵀJ, not JJᵀ.")
            if np.allclose(got, J.T @ J):
                raise ExerciseError("this is JᵀJ: for f = Σrᵢ² (the lecture's convention) "
                                    "∇f = 2Jᵀr and the Gauss-Newton Hessian carries the factor 2.")
            if point == [1.5, 0.7]:  # zero residual: the approximation is exact
                exact = torch.autograd.functional.hessian(lambda q: (residual(q) ** 2).sum(), p).numpy()
                assert_close(got, exact, what="the Gauss-Newton Hessian at the exact fit", rtol=1e-8,
                             atol=1e-10, hint="At zero residual ∇²f = 2JᵀJ exactly.")
            assert_close(got, 2 * J.T @ J, what=what, rtol=1e-8,
                         atol=1e-10, hint="drop the term with second derivatives of r: H ≈ 2JᵀJ.")
        return "It equals torch's exact Hessian where the residuals vanish."

    return run_check("Exercise: the Gauss-Newton Hessian", body)
