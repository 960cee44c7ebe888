"""Checkers for the exercises of chapter 1, RBF networks.

Each reference is computed independently of `lecturelib.rbf` and `lecturelib.approximation`:
with SciPy (cdist, expit), NumPy's linear algebra, or torch autograd.

A checker that needs torch imports it when it runs, so that importing this module does not.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import expit

from . import ExerciseError, Outcome, as_answer, assert_close, call_student, plain, run_check

X_POINT = np.array([1.0, 2.0])
CENTRES = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 2.0]])
WIDTHS = np.array([1.0, 0.5, 2.0])


def reference_features(X, mu, sigma):
    return np.hstack([np.ones((len(X), 1)), np.exp(-cdist(X, mu, "sqeuclidean") / (2 * sigma**2))])


def check_phi(phi) -> Outcome:
    """Exercise: φ(x) = (1, exp(−‖x − μᵢ‖²/2σᵢ²) …) for one point x."""

    def body():
        got = call_student(phi, X_POINT.copy(), CENTRES.copy(), WIDTHS.copy())
        expected = reference_features(X_POINT[None], CENTRES, WIDTHS)[0]
        hint = ("Each Gaussian entry is exp(−‖x − μᵢ‖² / (2σᵢ²)): the squared distance, divided by "
                "twice the squared width.")
        assert_close(got, expected, what="φ(x)", rtol=1e-9, atol=1e-12, hint=hint,
                     shape_hint=f"φ(x) has N + 1 = {len(CENTRES) + 1} entries: the constant first entry 1 "
                                "(the feature that multiplies the bias w₀), then one Gaussian per centre.")
        return (f"φ((1, 2)) = ({', '.join(f'{v:.4f}' for v in expected)}): the point sits on μ₁'s "
                "circle of radius 1 but μ₁ is narrow, so φ₁ is small.")

    return run_check("Exercise: the feature vector φ(x)", body)


def check_output_weights(output_weights) -> Outcome:
    """Exercise: w = (ΦᵀΦ + λI)⁻¹ Φᵀy, the closed-form step 2 of 2-step learning."""
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-2, 2, 40))
    y = np.tanh(2 * x) + 0.1 * rng.normal(size=40)
    Phi = reference_features(x[:, None], np.linspace(-2, 2, 6)[:, None], np.full(6, 0.7))

    def body():
        for ridge in (0.0, 0.5, 5.0):
            got = call_student(output_weights, Phi.copy(), y.copy(), ridge)
            if ridge == 0:
                expected = np.linalg.lstsq(Phi, y, rcond=None)[0]
            else:
                expected = np.linalg.solve(Phi.T @ Phi + ridge * np.eye(Phi.shape[1]), Phi.T @ y)
            hint = ("Solve the normal equations (ΦᵀΦ + λI) w = Φᵀy (np.linalg.solve), with Φ of shape "
                    "(n, N+1): ΦᵀΦ is (N+1) × (N+1)." + (" Did you add λI?" if ridge else ""))
            assert_close(got, expected, what=f"w for ridge λ = {ridge:g}", rtol=1e-6, atol=1e-8, hint=hint,
                         shape_hint="w has one weight per column of Φ: N + 1 entries.")
        return "A larger λ shrinks ‖w‖ and smooths the fit."

    return run_check("Exercise: the closed-form output weights", body)


RIDGE = 0.01  # the ridge λ of the pick-σ exercise


def _sigma_problem():
    """40 training and 80 held-out points of sin(2x) + noise, 30 centres, 11 candidate widths."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, 120)
    y = np.sin(2 * x) + 0.3 * rng.normal(size=120)
    candidates = np.round(np.geomspace(0.05, 5.0, 11), 3)
    return x[:40], y[:40], x[40:], y[40:], np.linspace(-3, 3, 30), candidates


def _errors(x_train, y_train, x_val, y_val, centres, sigma):
    """Training and held-out mean squared errors of the ridge fit with width σ."""
    def features(x):
        return reference_features(x[:, None], centres[:, None], np.full(len(centres), sigma))

    Phi = features(x_train)
    w = np.linalg.solve(Phi.T @ Phi + RIDGE * np.eye(Phi.shape[1]), Phi.T @ y_train)
    return [float(np.mean((features(x) @ w - t) ** 2)) for x, t in ((x_train, y_train), (x_val, y_val))]


def check_pick_sigma(pick_sigma) -> Outcome:
    """Exercise: choose σ among candidates by the held-out error of the 2-step fit."""
    problem = _sigma_problem()

    def body():
        candidates = problem[-1]
        errors = np.array([_errors(*problem[:-1], s) for s in candidates])
        best = candidates[errors[:, 1].argmin()]
        chosen = as_answer(call_student(pick_sigma, *(a.copy() for a in problem), RIDGE), "the σ you picked",
                           kind="number", expected=best)
        if not np.isclose(chosen, candidates).any():
            raise ExerciseError(f"pick_sigma should return one of the candidates {plain(candidates.tolist())}, "
                                f"got {plain(chosen)}")
        if np.isclose(chosen, candidates[errors[:, 0].argmin()]) and not np.isclose(chosen, best):
            raise ExerciseError(f"σ = {chosen:g} has the smallest *training* error, but it fits the noise: "
                                "choose σ by the error on the held-out points (x_val, y_val).")
        if not np.isclose(chosen, best):
            chosen_error = _errors(*problem[:-1], float(chosen))[1]
            raise ExerciseError(f"σ = {chosen:g} gives a held-out error {chosen_error:.4f}, but σ = {best:g} "
                                f"gives {errors[:, 1].min():.4f}. Fit w on the training points for each "
                                "candidate (with the ridge λ given), then compare mean squared errors on the held-out points.")
        return (f"σ = {best:g}: narrower widths overfit (training error falls, held-out error rises), "
                "wider ones underfit.")

    return run_check("Exercise: pick the width σ", body)


def check_bump(bump) -> Outcome:
    """Exercise: h[σ(s(x − a)) − σ(s(x − b))], a bump from two steep sigmoids."""
    x = np.linspace(-1, 2, 61)

    def body():
        for left, right, height, steepness in ((0.2, 0.7, 1.5, 50.0), (-0.5, 1.5, -2.0, 10.0)):
            got = call_student(bump, x.copy(), left, right, height, steepness)
            expected = height * (expit(steepness * (x - left)) - expit(steepness * (x - right)))
            hint = ("Subtract the step at the right edge from the step at the left edge, each "
                    "σ(s(x − edge)), and scale by the height h.")
            assert_close(got, expected, what=f"bump(x, {left}, {right}, {height}, {steepness})",
                         rtol=1e-6, atol=1e-9, inputs=x, hint=hint)
        return "Weighted bumps side by side form a staircase: the heart of the universal approximation picture."

    return run_check("Exercise: a bump from two sigmoids", body)


def check_dphi_dsigma(dphi_dsigma) -> Outcome:
    """Exercise: ∂φ/∂σ of one Gaussian feature, the gradient 3-step learning needs for σ."""
    import torch
    cases = [(np.array([1.0, 2.0]), np.array([0.0, 0.5]), 0.8), (np.array([-1.0]), np.array([2.0]), 1.7),
             (np.array([0.3, 0.3, 0.3]), np.array([0.3, 0.3, 0.3]), 0.5)]

    def body():
        for x, mu, sigma in cases:
            got = call_student(dphi_dsigma, x.copy(), mu.copy(), sigma)
            s = torch.tensor(sigma, dtype=torch.float64, requires_grad=True)
            value = torch.exp(-((torch.tensor(x) - torch.tensor(mu)) ** 2).sum() / (2 * s**2))
            expected = torch.autograd.grad(value, s)[0].item()
            hint = ("Differentiate −‖x − μ‖²/(2σ²) with respect to σ: it gives ‖x − μ‖²/σ³; "
                    "then the chain rule multiplies by φ itself.")
            assert_close(got, expected, what=f"∂φ/∂σ at x = {plain(x)}, μ = {plain(mu)}, σ = {plain(sigma)}",
                         rtol=1e-6, atol=1e-12, hint=hint)
        return "It is zero at the centre and grows with the distance: widening helps far points most."

    return run_check("Exercise: the gradient of φ with respect to σ", body)
