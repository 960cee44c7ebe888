"""Checkers for the exercises of chapter 4, First-order methods.

Each reference is computed independently of `lecturelib.optim`: with torch.optim, SciPy, or a
closed form.

A checker that needs torch imports it when it runs, so that importing this module does not.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigvalsh
from scipy.optimize import minimize_scalar

from . import ExerciseError, Outcome, as_answer, as_names, as_parts, assert_close, call_student, plain, run_check


def _torch_steps(make_optimizer, theta0, grads):
    """The parameters, and the optimiser's state, after each of torch.optim's steps with the
    given gradients (float64): a list of (θ, {name: array})."""
    import torch
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([p])
    steps = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        state = {k: v.detach().numpy().copy() for k, v in opt.state[p].items() if v.ndim}
        steps.append((p.detach().numpy().copy(), state))
    return steps


def check_momentum_step(momentum_step) -> Outcome:
    """Exercise: `momentum_step(theta, v, grad, lr, beta) -> (theta, v)`, one step of
    v ← βv − εg;  θ ← θ + v, checked over 8 steps against torch.optim.SGD(momentum=β)."""
    import torch
    rng = np.random.default_rng(1)
    theta0, grads = rng.normal(size=3), rng.normal(size=(8, 3))
    lr, beta = 0.1, 0.8

    def body():
        expected = _torch_steps(lambda p: torch.optim.SGD(p, lr=lr, momentum=beta), theta0, grads)
        theta, v = theta0.copy(), np.zeros(3)
        hint = ("The velocity remembers past steps: v ← βv − εg (minus: we go downhill), then θ ← θ + v. "
                "Check the sign of the gradient term and that θ uses the *new* v.")
        for k, (g, (want, state)) in enumerate(zip(grads, expected)):
            answer = call_student(momentum_step, theta.copy(), v.copy(), g.copy(), lr, beta)
            theta, v = as_parts(answer, f"momentum_step (step {k + 1})", 2, "the pair (theta, v)")
            theta = as_answer(theta, f"θ after step {k + 1}", expected=want)
            v = as_answer(v, f"v after step {k + 1}", expected=-lr * state["momentum_buffer"])
            assert_close(theta, want, what=f"θ after step {k + 1}", rtol=1e-9, atol=1e-12, hint=hint)
            assert_close(v, -lr * state["momentum_buffer"], what=f"v after step {k + 1}", rtol=1e-9,
                         atol=1e-12, hint=hint)
        return "Same iterates as torch.optim.SGD(momentum=0.8), whose buffer b is −v/ε."

    return run_check("Exercise: the momentum update", body)


def check_largest_stable_lr(largest_stable_lr) -> Outcome:
    """Exercise: `largest_stable_lr(H)`: the supremum of the learning rates for which gradient
    descent converges on f(θ) = ½θᵀHθ (H symmetric positive definite): 2 / λ_max."""
    rng = np.random.default_rng(2)
    matrices = [np.diag([1.0, 10.0]), np.array([[3.0, 1.0], [1.0, 2.0]])]
    A = rng.normal(size=(5, 5))
    matrices.append(A @ A.T + 0.1 * np.eye(5))

    def body():
        for H in matrices:
            got = call_student(largest_stable_lr, H.copy())
            expected = 2.0 / eigvalsh(H).max()
            hint = ("Along the eigenvector of eigenvalue λ the error is multiplied by (1 − ελ) every step; "
                    "it shrinks only if |1 − ελ| < 1 for every λ. Which λ limits ε?")
            assert_close(got, expected, what=f"the largest stable step for H with eigenvalues "
                         f"{plain(eigvalsh(H), 3)}", rtol=1e-6, hint=hint)
        return "Beyond 2/λ_max the steepest direction overshoots further at every step."

    return run_check("Exercise: the largest stable learning rate", body)


def check_adam_step(adam_step) -> Outcome:
    """Exercise: `adam_step(theta, s, r, grad, t, lr, beta, rho, delta) -> (theta, s, r)`,
    Adam with bias correction at step t = 1, 2, …, against torch.optim.Adam for 6 steps (β, ρ are
    the slide's β₁, β₂: the names of `optim.adam`)."""
    import torch
    rng = np.random.default_rng(3)
    theta0, grads = rng.normal(size=4), rng.normal(scale=[1.0, 0.01, 5.0, 0.3], size=(6, 4))
    lr, beta, rho, delta = 0.05, 0.9, 0.999, 1e-8

    def body():
        expected = _torch_steps(lambda p: torch.optim.Adam(p, lr=lr, betas=(beta, rho), eps=delta),
                                theta0, grads)
        theta, s, r = theta0.copy(), np.zeros(4), np.zeros(4)
        for t, (g, (want, state)) in enumerate(zip(grads, expected), start=1):
            answer = call_student(adam_step, theta.copy(), s.copy(), r.copy(), g.copy(), t, lr, beta, rho, delta)
            theta, s, r = as_parts(answer, f"adam_step (step {t})", 3, "the triple (theta, s, r)")
            theta = as_answer(theta, f"θ after step {t}", expected=want)
            s = as_answer(s, f"s after step {t}", expected=state["exp_avg"])
            r = as_answer(r, f"r after step {t}", expected=state["exp_avg_sq"])
            uncorrected = theta0 - lr * (1 - beta) * g / (np.sqrt((1 - rho) * g * g) + delta)
            if t == 1 and np.allclose(theta, uncorrected, rtol=1e-6):
                raise ExerciseError("your first step is the uncorrected one, −ε s/(√r + δ), far from ε "
                                    "per coordinate: divide s by 1 − βᵗ and r by 1 − ρᵗ.")
            hint = ("Correct the bias with the t-th power: ŝ = s/(1 − βᵗ), r̂ = r/(1 − ρᵗ) (Lecture 5's slide "
                    "writes β instead of βᵗ). The step is −ε ŝ/(√r̂ + δ).")
            assert_close(theta, want, what=f"θ after step {t}", rtol=1e-8, atol=1e-12, hint=hint)
            moments = ("Return the running moments themselves, s ← βs + (1 − β)g and r ← ρr + (1 − ρ)g², "
                       "not the bias-corrected ŝ and r̂ (those only enter the step).")
            assert_close(s, state["exp_avg"], what=f"s after step {t}", rtol=1e-8, atol=1e-12, hint=moments)
            assert_close(r, state["exp_avg_sq"], what=f"r after step {t}", rtol=1e-8, atol=1e-15, hint=moments)
        return "Your first step has length ε in every coordinate, whatever the gradient's size."

    return run_check("Exercise: Adam with bias correction", body)


ROBBINS_MONRO_CANDIDATES = {
    # name: the exponent p of ε_k ~ k^(−p) for large k (None: tends to a constant > 0)
    "constant": 0.0,
    "1/k": 1.0,
    "1/sqrt(k)": 0.5,
    "1/k^2": 2.0,
    "k^(-0.75)": 0.75,
    "1/(1 + decay*k)": 1.0,
    "linear decay to eps_tau, then constant": 0.0,
}


def check_robbins_monro(robbins_monro_schedules) -> Outcome:
    """Exercise: `robbins_monro_schedules()` returns the set of names (from
    ROBBINS_MONRO_CANDIDATES) whose rates satisfy Σ ε_k = ∞ and Σ ε_k² < ∞."""
    # p-series: Σ k^(−p) diverges iff p ≤ 1, Σ k^(−2p) converges iff 2p > 1.
    expected = {name for name, p in ROBBINS_MONRO_CANDIDATES.items() if 0.5 < p <= 1.0}

    def body():
        got = as_names(call_student(robbins_monro_schedules), "robbins_monro_schedules()", ROBBINS_MONRO_CANDIDATES)
        for name in sorted(got - expected):
            p = ROBBINS_MONRO_CANDIDATES[name]
            why = ("its rates do not go to 0, so Σ ε_k² = ∞" if p == 0 else
                   "Σ ε_k is finite: the steps add up to a bounded distance" if p > 1 else
                   "Σ ε_k² = Σ 1/k = ∞: the noise is never averaged out")
            raise ExerciseError(f"'{name}' does not satisfy Robbins–Monro: {why}.")
        for name in sorted(expected - got):
            raise ExerciseError(f"you left out '{name}': compare its decay k^(−p) with the p-series test "
                                "(Σ k^(−p) < ∞ exactly when p > 1).")
        return "Exactly the rates that decay like k^(−p) with ½ < p ≤ 1."

    return run_check("Exercise: schedules that satisfy Robbins–Monro", body)


def check_optimal_step(optimal_step) -> Outcome:
    """Exercise: `optimal_step(g, H)`, the ε minimising the quadratic model f(x₀ − εg), checked
    against a numerical line search (scipy.optimize.minimize_scalar)."""
    rng = np.random.default_rng(4)
    cases = []
    for d in (2, 3, 6):
        A = rng.normal(size=(d, d))
        cases.append((rng.normal(size=d), A @ A.T + 0.5 * np.eye(d)))

    def body():
        for g, H in cases:
            got = call_student(optimal_step, g.copy(), H.copy())
            model = lambda e: -e * g @ g + 0.5 * e * e * g @ H @ g  # noqa: E731
            expected = minimize_scalar(model, bounds=(0, 100), method="bounded", options={"xatol": 1e-12}).x
            hint = "Differentiate f(x₀) − ε gᵀg + ½ε² gᵀHg with respect to ε and set it to zero."
            assert_close(got, expected, what=f"the optimal step for d = {len(g)}", rtol=1e-5, hint=hint)
        return "On a quadratic this is the exact line search."

    return run_check("Exercise: the optimal step on a quadratic", body)
