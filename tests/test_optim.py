"""Every update rule PyTorch also has is driven step by step beside torch.optim: same starting
parameters, same gradient at every step (computed at torch's parameters), 60 steps, float64,
equal to 1e-10. The rules and their torch counterparts come from the registry
(`optim.REGISTRY`): a rule registered there is tested here with no other edit. Where the
lecture's formula differs from PyTorch's (ε inside the square root, Nesterov's look-ahead
form), both forms are tested. Decoupled weight decay (AdamW, SGD, momentum) against
torch.optim where it has the same rule, else against a closed form."""

import copy
import inspect

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bad_input import bad_numbers, clear_answer
from lecturelib import optim, torch_optim
from lecturelib.optimizer import with_weight_decay

STEPS = 60
MOST = 100  # the longest drive (AdamW: 80 steps)


@pytest.fixture(autouse=True)
def float64_by_default():
    """torch.optim keeps scalar state (NAdam's product of the μ_k) in the default dtype: make it
    float64 like everything else here, and restore the default afterwards."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)

D = 6
RNG = np.random.default_rng(42)
H = RNG.normal(size=(D, D))
H = H @ H.T / D + np.eye(D)
THETA0 = RNG.normal(size=D)
NOISE = RNG.normal(scale=0.3, size=(MOST, D))


def gradient(p: np.ndarray, k: int) -> np.ndarray:
    """A non-quadratic gradient field plus per-step 'minibatch' noise."""
    return H @ p + 0.5 * np.sin(3 * p) + NOISE[k]


def drive(ours: optim.Optimizer, theirs_cls, *, steps=STEPS, **kwargs):
    """Run both for `steps` steps; return the largest difference between the points where each
    evaluates its gradient (for look-ahead rules: our θ + βv against torch's parameters)."""
    p = torch.tensor(THETA0, dtype=torch.float64, requires_grad=True)
    theirs = theirs_cls([p], **kwargs)
    theta, state = THETA0.copy(), ours.init(THETA0)
    worst = 0.0
    for k in range(steps):
        here = ours.eval_point(theta, state)
        worst = max(worst, np.max(np.abs(here - p.detach().numpy())))
        g = gradient(p.detach().numpy(), k)
        p.grad = torch.tensor(g)
        theirs.step()
        step, state = ours.update(g, state, theta)
        theta = theta + step
    return max(worst, np.max(np.abs(ours.eval_point(theta, state) - p.detach().numpy())))


def registry_cases() -> dict:
    """{name: (our optimiser in torch's form, the torch.optim class, its settings)} for every
    registered rule with a torch counterpart, at its comparison learning rate and default
    hyper-parameters: what the registry says, read at the moment of the call."""
    cases = {}
    for name, entry in optim.REGISTRY.items():
        pair = entry.torch_form(lr=entry.lr)
        if pair is not None:
            ours, cls, settings = pair
            cases[name] = (ours, getattr(torch.optim, cls), settings)
    return cases


CASES = {
    **registry_cases(),
    # the lecture's forms beside torch's, and non-default hyper-parameters
    "Nesterov, lecture form (gradient at θ + βv)": (optim.nesterov(0.05, 0.9), torch.optim.SGD,
                                                    dict(lr=0.05, momentum=0.9, nesterov=True)),
    "RMSProp + Nesterov with β = 0": (optim.rmsprop_nesterov(0.01, 0.9, beta=0.0, delta=1e-6, eps_inside=False),
                                      torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6)),
    "RMSProp, ε = 0.01": (optim.rmsprop(0.01, rho=0.9, delta=1e-6, eps_inside=False), torch.optim.RMSprop,
                          dict(lr=0.01, alpha=0.9, eps=1e-6)),
    "AMSGrad, β = 0.8, ρ = 0.99": (optim.amsgrad(0.01, 0.8, 0.99, 1e-8), torch.optim.Adam,
                                   dict(lr=0.01, betas=(0.8, 0.99), eps=1e-8, amsgrad=True)),
    "SGD with weight decay": (optim.sgd(0.05, weight_decay=0.1), torch.optim.SGD, dict(lr=0.05, weight_decay=0.1)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule_matches_torch_optim_step_by_step_for_60_steps(name):
    ours, theirs_cls, kwargs = CASES[name]
    assert drive(ours, theirs_cls, **kwargs) < 1e-10


def test_the_rules_really_move_and_differ_from_each_other():
    finals = {}
    for name, (ours, _, _) in CASES.items():
        theta, state = THETA0.copy(), ours.init(THETA0)
        for k in range(STEPS):
            step, state = ours.update(gradient(ours.eval_point(theta, state), k), state, theta)
            theta = theta + step
        finals[name] = theta
        assert np.linalg.norm(theta - THETA0) > 1e-2, name
    assert len({tuple(np.round(v, 6)) for v in finals.values()}) >= 10


def slide_rmsprop(lr, rho, delta, steps):
    """Goodfellow Alg. 8.5 / Lecture 7, transcribed independently: Δθ = −ε/√(δ + r) ⊙ g."""
    theta, r = THETA0.copy(), np.zeros(D)
    for k in range(steps):
        g = gradient(theta, k)
        r = rho * r + (1 - rho) * g * g
        theta = theta - lr / np.sqrt(delta + r) * g
    return theta


def test_rmsprop_with_delta_inside_the_root_is_the_slides_algorithm_and_differs_from_torch():
    ours = optim.rmsprop(0.01, rho=0.9, delta=1e-2, eps_inside=True)
    theta, state = THETA0.copy(), ours.init(THETA0)
    for k in range(STEPS):
        step, state = ours.update(gradient(theta, k), state, theta)
        theta = theta + step
    np.testing.assert_allclose(theta, slide_rmsprop(0.01, 0.9, 1e-2, STEPS), rtol=0, atol=1e-12)
    assert drive(ours, torch.optim.RMSprop, lr=0.01, alpha=0.9, eps=1e-2) > 1e-4  # a real difference


def test_adam_with_delta_inside_the_root_matches_a_transcription_of_lecture_7():
    ours = optim.adam(0.01, 0.9, 0.999, delta=1e-3, eps_inside=True)
    theta, state = THETA0.copy(), ours.init(THETA0)
    s = r = np.zeros(D)
    reference = THETA0.copy()
    for k in range(STEPS):
        step, state = ours.update(gradient(theta, k), state, theta)
        theta = theta + step
        g, t = gradient(reference, k), k + 1
        s, r = 0.9 * s + 0.1 * g, 0.999 * r + 0.001 * g * g
        reference = reference - 0.01 * (s / (1 - 0.9**t)) / np.sqrt(r / (1 - 0.999**t) + 1e-3)
    np.testing.assert_allclose(theta, reference, atol=1e-12)


def test_adam_bias_correction_uses_beta_to_the_power_t_not_beta():
    """Adam's first step is ε·sign(g) whatever |g| (δ = 0): s₁ = (1 − β₁)g and r₁ = (1 − β₂)g²
    are divided by exactly 1 − β₁¹ and 1 − β₂¹. Without the correction it is (1 − β₁)/√(1 − β₂)
    ≈ 3.2 times larger; with Lecture 5's slip (β instead of βᵗ) step 2 would be off."""
    ours = optim.adam(0.1, 0.9, 0.999, delta=0.0)
    g = np.array([3.0, -0.02, 40.0])
    step, _ = ours.update(g, ours.init(np.zeros(3)), np.zeros(3))
    np.testing.assert_allclose(step, -0.1 * np.sign(g), rtol=1e-12)
    no_correction = optim.adam(0.1, 0.9, 0.999, delta=0.0, bias_correction=False)
    step, _ = no_correction.update(g, no_correction.init(np.zeros(3)), np.zeros(3))
    np.testing.assert_allclose(step, -0.1 * 0.1 / np.sqrt(0.001) * np.sign(g), rtol=1e-12)
    state = ours.init(np.zeros(3))
    for g_t in (g, 2 * g):  # two steps; the second divides by 1 − β², not 1 − β
        step, state = ours.update(g_t, state, np.zeros(3))
    s2, r2 = 0.9 * 0.1 * g + 0.1 * 2 * g, 0.999 * 0.001 * g**2 + 0.001 * 4 * g**2
    np.testing.assert_allclose(step, -0.1 * (s2 / (1 - 0.81)) / np.sqrt(r2 / (1 - 0.999**2)), rtol=1e-12)


def test_momentum_terminal_velocity_is_lr_times_gradient_over_one_minus_beta():
    ours = optim.momentum(0.1, beta=0.9)
    g = np.array([2.0, -1.0])
    theta, state = np.zeros(2), ours.init(np.zeros(2))
    for _ in range(400):
        step, state = ours.update(g, state, theta)
    np.testing.assert_allclose(np.abs(step), 0.1 * np.abs(g) / (1 - 0.9), rtol=1e-12)


@pytest.mark.parametrize("factory, bad, message", [
    (lambda: optim.sgd(lr=0.0), "lr", "lr must be > 0"),
    (lambda: optim.sgd(lr=-0.1), "lr", "lr must be > 0"),
    (lambda: optim.momentum(0.1, beta=1.0), "beta", "beta must lie in [0, 1)"),
    (lambda: optim.momentum(0.1, beta=-0.1), "beta", "beta must lie in [0, 1)"),
    (lambda: optim.adam(0.1, rho=1.5), "rho", "rho must lie in [0, 1)"),
    (lambda: optim.rmsprop(0.1, rho=1.0), "rho", "rho must lie in [0, 1)"),
    (lambda: optim.nesterov(0.1, form="sutskever"), "form", "form must be"),
])
def test_bad_hyper_parameters_raise_a_clear_value_error(factory, bad, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        factory()


def test_non_numeric_learning_rate_is_a_type_error():
    with pytest.raises(TypeError, match="lr must be a real number"):
        optim.adam(lr="0.01")


def test_gradient_of_the_wrong_shape_is_rejected():
    opt = optim.adam(0.1)
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but params has shape \(2,\)"):
        opt.update(np.ones(3), opt.init(np.zeros(2)), np.zeros(2))


def test_a_schedule_that_returns_a_non_positive_rate_is_reported_with_its_step():
    opt = optim.sgd(lr=lambda t: 0.1 - 0.05 * t)
    state, theta = opt.init(np.zeros(2)), np.zeros(2)
    for _ in range(2):
        _, state = opt.update(np.ones(2), state, theta)
    with pytest.raises(ValueError, match="learning rate at step 2"):
        opt.update(np.ones(2), state, theta)


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(1e-4, 1.0), beta=st.floats(0.0, 0.99), shape=st.sampled_from([(1,), (3,), (2, 3)]))
def test_momentum_on_arrays_of_any_shape_matches_torch_for_one_random_run(lr, beta, shape):
    rng = np.random.default_rng(0)
    theta0, grads = rng.normal(size=shape), rng.normal(size=(5, *shape))
    p = torch.tensor(theta0, requires_grad=True)
    theirs = torch.optim.SGD([p], lr=lr, momentum=beta)
    ours = optim.momentum(lr, beta)
    theta, state = theta0.copy(), ours.init(theta0)
    for g in grads:
        p.grad = torch.tensor(g)
        theirs.step()
        step, state = ours.update(g, state, theta)
        theta = theta + step
    np.testing.assert_allclose(theta, p.detach().numpy(), atol=1e-12)


# -- delta-bar-delta (Jacobs, 1988): no PyTorch version, so a sequence worked out by hand --------


def test_delta_bar_delta_follows_a_hand_computed_sequence_on_a_tiny_quadratic():
    """f(θ) = ½(θ₁² + 4θ₂²), g = (θ₁, 4θ₂), θ₀ = (1, 1); ε₀ = 0.2, κ = 0.1, φ = 0.5, β = 0.5.

    step 1: g = (1, 4);          ḡ = 0, no sign yet: ε = (0.2, 0.2);  θ = (0.8, 0.2);       ḡ = (0.5, 2)
    step 2: g = (0.8, 0.8);      both agree with ḡ: ε = (0.3, 0.3);   θ = (0.56, −0.04);    ḡ = (0.65, 1.4)
    step 3: g = (0.56, −0.16);   θ₂'s sign flipped: ε = (0.4, 0.15);  θ = (0.336, −0.016);  ḡ = (0.605, 0.62)
    step 4: g = (0.336, −0.064); ḡ₂ = 0.62 > 0 still: ε = (0.5, 0.075) (with the previous gradient
            alone, −0.16, θ₂'s rate would have grown);                θ = (0.168, −0.0112)."""
    expected_rates = [(0.2, 0.2), (0.3, 0.3), (0.4, 0.15), (0.5, 0.075)]
    expected_theta = [(0.8, 0.2), (0.56, -0.04), (0.336, -0.016), (0.168, -0.0112)]
    expected_g_bar = [(0.5, 2.0), (0.65, 1.4), (0.605, 0.62), (0.4705, 0.278)]
    opt = optim.delta_bar_delta(lr=0.2, kappa=0.1, phi=0.5, beta=0.5)
    theta = np.array([1.0, 1.0])
    state = opt.init(theta)
    np.testing.assert_array_equal(state["rates"], [0.2, 0.2])
    for rates, point, g_bar in zip(expected_rates, expected_theta, expected_g_bar):
        step, state = opt.update(np.array([1.0, 4.0]) * theta, state, theta)
        theta = theta + step
        np.testing.assert_allclose(state["rates"], rates, rtol=1e-12)
        np.testing.assert_allclose(theta, point, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(state["g_bar"], g_bar, rtol=1e-12)
    assert state["t"] == 4


def test_delta_bar_delta_runs_on_torch_tensors_with_the_same_numbers():
    opt = optim.delta_bar_delta(lr=0.2, kappa=0.1, phi=0.5, beta=0.5)
    theta = torch.tensor([1.0, 1.0], dtype=torch.float64)
    state = opt.init(theta)
    for _ in range(4):
        step, state = opt.update(torch.tensor([1.0, 4.0]) * theta, state, theta)
        theta = theta + step
    np.testing.assert_allclose(theta.numpy(), [0.168, -0.0112], rtol=1e-12)
    np.testing.assert_allclose(state["rates"].numpy(), [0.5, 0.075], rtol=1e-12)


def test_delta_bar_delta_with_kappa_and_phi_zero_is_gradient_descent():
    opt = optim.delta_bar_delta(lr=0.05, kappa=0.0, phi=0.0)
    theta, state, reference = THETA0.copy(), opt.init(THETA0), THETA0.copy()
    for k in range(STEPS):
        step, state = opt.update(H @ theta, state, theta)
        theta, reference = theta + step, reference - 0.05 * H @ reference
    np.testing.assert_allclose(theta, reference, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(["lr", "kappa", "phi", "beta"]),
       bad=st.one_of(bad_numbers(), st.just(lambda t: 0.1)))
def test_delta_bar_delta_answers_careless_hyper_parameters_clearly(name, bad):
    def three_steps():
        opt = optim.delta_bar_delta(**{name: bad})
        theta, state = np.array([1.0, -2.0]), opt.init(np.zeros(2))
        for _ in range(3):
            step, state = opt.update(np.array([0.5, -1.0]), state, theta)
        return step, state

    answer = clear_answer(three_steps, names=[name])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer[0]).all() and (answer[1]["rates"] > 0).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda: optim.delta_bar_delta(lr=lambda t: 0.1), TypeError, "not a schedule"),
    (lambda: optim.delta_bar_delta(phi=1.0), ValueError, r"phi must lie in \[0, 1\)"),
    (lambda: optim.delta_bar_delta(kappa=-0.1), ValueError, "kappa must be >= 0"),
    (lambda: optim.delta_bar_delta(beta=1.0), ValueError, r"beta must lie in \[0, 1\)"),
])
def test_delta_bar_delta_rejects_bad_hyper_parameters_with_their_names(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- RMSProp with Nesterov momentum, β > 0: Goodfellow et al. (2016), Algorithm 8.6 -----------


def algorithm_8_6(lr, rho, alpha, delta, steps):
    """Goodfellow, Bengio & Courville (2016), Algorithm 8.6, line by line (the book divides by
    √r; δ inside the root, as our RMSProp, with δ = 0 giving the book's exact form):
        θ̃ ← θ + αv;  g ← ∇(θ̃);  r ← ρr + (1 − ρ) g ⊙ g;  v ← αv − ε/√(δ + r) ⊙ g;  θ ← θ + v."""
    theta, v, r = THETA0.copy(), np.zeros(D), np.zeros(D)
    for k in range(steps):
        interim = theta + alpha * v
        g = gradient(interim, k)
        r = rho * r + (1 - rho) * g * g
        v = alpha * v - lr / np.sqrt(delta + r) * g
        theta = theta + v
    return theta


@pytest.mark.parametrize("delta", [0.0, 1e-2])
@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_rmsprop_nesterov_with_momentum_matches_goodfellow_algorithm_8_6(beta, delta):
    ours = optim.rmsprop_nesterov(0.01, rho=0.9, beta=beta, delta=delta, eps_inside=True)
    theta, state = THETA0.copy(), ours.init(THETA0)
    for k in range(STEPS):
        step, state = ours.update(gradient(ours.eval_point(theta, state), k), state, theta)
        theta = theta + step
    reference = algorithm_8_6(0.01, 0.9, beta, delta, STEPS)
    np.testing.assert_allclose(theta, reference, rtol=0, atol=1e-12)
    # the momentum matters: without it (β = 0, plain RMSProp) the end point is elsewhere
    assert np.abs(reference - algorithm_8_6(0.01, 0.9, 0.0, delta, STEPS)).max() > 1e-2


@pytest.mark.parametrize("name", ["AdaGrad", "RMSProp", "Adam", "AdaDelta"])
def test_a_gradient_whose_square_overflows_is_reported_not_turned_into_a_zero_step(name):
    """|g| > √(float max) ≈ 1.34e154: g ⊙ g is inf and the step would silently be 0 (ε/∞)."""
    opt = optim.REGISTRY[name].make(lr=0.01)
    huge = np.full(2, 2e154)
    with pytest.raises(ValueError, match="grad is too large"):
        opt.update(huge, opt.init(np.zeros(2)), np.zeros(2))
    step, _ = opt.update(np.full(2, 1e150), opt.init(np.zeros(2)), np.zeros(2))  # still fine
    assert np.isfinite(step).all()


# -- one name per hyper-parameter, every one shown, all state declared by init -----------------

FACTORIES = {**{name: entry.factory for name, entry in optim.REGISTRY.items()}, "delta-bar-delta": optim.delta_bar_delta}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_every_argument_of_a_factory_shows_in_hyper_with_its_value(name):
    """The reference is the factory's own signature: nothing it accepts is hidden from repr."""
    parameters = inspect.signature(FACTORIES[name]).parameters
    opt = FACTORIES[name]()
    for parameter in parameters.values():
        assert opt.hyper[parameter.name] == parameter.default, (name, parameter.name)
        assert f"{parameter.name}=" in repr(opt)


def test_the_hyper_parameters_have_one_name_in_every_rule():
    """β (the average of g), ρ (the average of g ⊙ g), δ and λ (weight_decay): no rule spells
    them beta1/beta2, alpha, momentum or eps, and every registry entry varies only the
    library's names."""
    names = {p for factory in FACTORIES.values() for p in inspect.signature(factory).parameters}
    assert {"beta", "rho", "delta", "weight_decay"} <= names
    assert not names & {"beta1", "beta2", "alpha", "momentum", "eps", "lam", "wd"}
    for entry in optim.REGISTRY.values():
        assert set(entry.hyper) <= optim.KNOWN_HYPER, entry.name


@pytest.mark.parametrize("name", list(FACTORIES))
@pytest.mark.parametrize("params", [np.array([0.5, -1.0, 2.0]), torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)],
                         ids=["numpy", "torch"])
def test_init_declares_all_the_state_and_update_never_changes_the_state_it_is_given(name, params):
    opt = FACTORIES[name]()
    state = opt.init(params)
    for k in range(3):
        before = copy.deepcopy(state)
        grad = params * 0.3 + (k - 1)
        _, new_state = opt.update(grad, state, params)
        assert set(new_state) == set(state), f"{name}: update made state that init did not declare"
        for key, value in state.items():
            assert np.array_equal(np.asarray(value), np.asarray(before[key])), f"{name} changed state[{key!r}]"
            assert value is not new_state[key] or not hasattr(value, "shape"), f"{name} reused state[{key!r}]"
        state = new_state
    assert state["t"] == 3



@pytest.mark.parametrize("bad", [None, "1", float("nan"), np.array([1.0, 2.0])])
def test_nadam_reports_a_careless_scalar_state_by_its_name(bad):
    opt = optim.nadam()
    state = {**opt.init(THETA0), "mu_product": bad}
    clear_answer(lambda: opt.update(np.ones(D), state, THETA0), names=["state['mu_product']"])


# -- decoupled weight decay (Loshchilov & Hutter, 2019): AdamW, SGD, momentum ------------------


def test_adamw_equals_torch_adamw_step_for_step_for_80_steps():
    """A non-quadratic gradient field (Hθ + ½ sin 3θ plus noise), a decay λ = 0.1 strong enough
    to matter: our AdamW and torch.optim.AdamW visit the same points to 1e-9."""
    ours = optim.adamw(0.01, beta=0.9, rho=0.999, delta=1e-8, weight_decay=0.1)
    assert drive(ours, torch.optim.AdamW, steps=80, lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0.1) <= 1e-9
    # and the decay is really there: without it (Adam) the points are elsewhere
    assert drive(optim.adam(0.01), torch.optim.AdamW, steps=80, lr=0.01, weight_decay=0.1) > 1e-3


def test_sgd_with_weight_decay_is_torch_sgd_with_weight_decay_and_the_l2_penalty():
    """For plain SGD decoupled decay and the ℓ2 term (λ/2)‖θ‖² give the same update:
    −εg − ελθ = −ε(g + λθ); torch.optim.SGD(weight_decay=λ) is the second form."""
    assert drive(optim.sgd(0.05, weight_decay=0.1), torch.optim.SGD, lr=0.05, weight_decay=0.1) < 1e-10
    decayed, plain = optim.sgd(0.05, weight_decay=0.1), optim.sgd(0.05)
    theta, state, penalised = THETA0.copy(), decayed.init(THETA0), THETA0.copy()
    for k in range(STEPS):
        step, state = decayed.update(gradient(theta, k), state, theta)
        theta = theta + step
        penalised = penalised + plain.update(gradient(penalised, k) + 0.1 * penalised, plain.init(THETA0),
                                             penalised)[0]
    np.testing.assert_allclose(theta, penalised, rtol=0, atol=1e-12)


def test_momentum_with_weight_decay_follows_its_closed_form_and_is_not_torchs_l2_momentum():
    """On f(θ) = ½aθ² (per coordinate), SGDW is the linear recurrence
        v' = βv − εaθ,   θ' = θ + v' − ελθ = (1 − εa − ελ)θ + βv,
    so (θ_k, v_k) = M^k (θ₀, 0) with M = [[1 − εa − ελ, β], [−εa, β]]: a closed form. torch's
    SGD(momentum=β, weight_decay=λ) puts λθ into the momentum (the ℓ2 penalty): different."""
    a, lr, beta, decay = np.array([0.5, 2.0, 5.0]), 0.05, 0.9, 0.2
    theta0 = np.array([1.0, -2.0, 0.5])
    opt = optim.momentum(lr, beta=beta, weight_decay=decay)
    theta, state = theta0.copy(), opt.init(theta0)
    for _ in range(40):
        step, state = opt.update(a * theta, state, theta)
        theta = theta + step
    for i in range(3):
        M = np.array([[1 - lr * a[i] - lr * decay, beta], [-lr * a[i], beta]])
        expected = np.linalg.matrix_power(M, 40) @ np.array([theta0[i], 0.0])
        np.testing.assert_allclose(theta[i], expected[0], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(state["v"][i], expected[1], rtol=1e-10, atol=1e-14)
    assert optim.REGISTRY["momentum"].torch_form(lr=lr, weight_decay=decay) is None  # torch has no SGDW
    assert drive(optim.momentum(lr, beta, weight_decay=decay), torch.optim.SGD, lr=lr, momentum=beta,
                 weight_decay=decay) > 1e-3


def test_weight_decay_composes_with_any_rule_as_minus_lr_lambda_theta():
    """`with_weight_decay` adds −ε_t λ θ to whatever step the rule takes from g: here with
    AdaGrad and a schedule, against the undecayed rule plus that term."""
    schedule = lambda t: 0.1 / (1 + t)  # noqa: E731
    plain = optim.adagrad(schedule)
    decayed = with_weight_decay(plain, 0.05)
    theta = THETA0.copy()
    s_plain, s_decayed = plain.init(theta), decayed.init(theta)
    for k in range(10):
        g = gradient(theta, k)
        step_plain, s_plain = plain.update(g, s_plain, theta)
        step_decayed, s_decayed = decayed.update(g, s_decayed, theta)
        np.testing.assert_allclose(step_decayed, step_plain - schedule(k) * 0.05 * theta, rtol=1e-13)
        theta = theta + step_decayed
    assert decayed.hyper["weight_decay"] == 0.05 and decayed.name == "AdaGrad + weight decay"


@pytest.mark.parametrize("factory", [optim.sgd, optim.momentum, optim.adamw])
@pytest.mark.parametrize("bad", [-0.1, float("inf"), float("nan"), "0.1"])
def test_a_careless_weight_decay_is_named(factory, bad):
    clear_answer(lambda: factory(0.01, weight_decay=bad), names=["weight_decay"])


# -- the registry: the single source of truth ---------------------------------------------------


def sign_momentum(lr: float = 0.01, beta: float = 0.5) -> optim.Optimizer:
    """A throw-away rule for the registry test: v ← βv − ε sign(g); θ ← θ + v."""
    def rule(g, state, lr, theta):
        v = beta * state["v"] - lr * np.sign(g)
        return v, {"v": v}

    return optim.Optimizer("sign momentum", rule, lr, hyper=dict(lr=lr, beta=beta), state_names=("v",))


def test_a_registered_rule_reaches_the_tables_the_explorer_the_race_and_the_tests():
    """Adding an optimiser is its rule plus one registry entry: chapter 4's table, its explorer,
    the race of chapter 5 and these tests' case lists pick it up with no other edit."""
    from lecturelib import problems, race
    from lecturelib.explore import descent_explorer

    entry = optim.Entry("sign momentum", sign_momentum, dict(lr=optim.LR, beta=optim.BETA),
                        "testing the registry", 0.01)
    optim.register(entry)
    try:
        assert "| sign momentum | lr, beta | testing the registry | none |" in optim.rule_table()
        explorer = descent_explorer(steps=20)
        assert "sign momentum" in explorer.controls["method"]
        explorer.update(problem="canyon", method="sign momentum", lr=explorer.controls["lr"][10], beta=0.5)
        assert explorer.fig._suptitle.get_text().startswith("sign momentum, ε")
        lap = race.lap("sign momentum", problems.rosenbrock(), [-1.2, 1.0], max_iter=50)
        assert lap.method == "sign momentum" and lap.grad_evals == 51
        assert ("sign momentum", "beta") in rule_cases()  # the bad-input tests' case list
        assert "sign momentum" not in registry_cases()  # no torch counterpart: nothing to compare
        with pytest.raises(ValueError, match="registered already"):
            optim.register(entry)
    finally:
        optim.unregister("sign momentum")
    assert "sign momentum" not in optim.REGISTRY and "sign momentum" not in optim.rule_table()


def test_every_registry_entry_is_consistent_with_its_factory():
    """What the registry says about a rule is true of the rule: its hyper-parameters are the
    factory's arguments, a comparison rate builds it, and its torch counterpart exists."""
    for name, entry in optim.REGISTRY.items():
        opt = entry.make(lr=entry.lr)
        assert opt.hyper["lr"] == entry.lr and set(entry.hyper) <= set(opt.hyper), name
        for parameter, limits in entry.hyper.items():
            values = limits.values(5)
            assert values[0] == pytest.approx(limits.low) and values[-1] == pytest.approx(limits.high)
        if entry.torch is not None:
            assert issubclass(getattr(torch.optim, entry.torch.cls), torch.optim.Optimizer), name
    with pytest.raises(ValueError, match="must be an argument of the factory"):
        optim.register(optim.Entry("bad", optim.sgd, dict(lr=optim.LR, beta=optim.BETA), "", 0.1))
    with pytest.raises(ValueError, match="no rule takes"):
        optim.REGISTRY["SGD"].make(lr=0.1, kappa=2)


@pytest.mark.parametrize("grad, params", [(torch.ones(2), np.zeros(2)), (np.ones(2), torch.zeros(2))],
                         ids=["tensor gradient, NumPy θ", "NumPy gradient, tensor θ"])
def test_a_gradient_and_parameters_of_different_kinds_are_refused_clearly(grad, params):
    opt = optim.momentum()
    with pytest.raises(TypeError, match="grad is a .* but params is a .*: pass both"):
        opt.update(grad, opt.init(np.zeros(2)), params)


def test_a_list_of_parameters_is_updated_leaf_by_leaf_like_each_leaf_alone():
    """θ as a network's weights (a list of arrays of different shapes): the state is a list of
    states and each leaf takes the step it would take alone."""
    opt = optim.adam(0.1)
    leaves = [np.array([1.0, -2.0]), np.array([[0.5, 0.0], [3.0, -1.0]])]
    grads = [np.array([0.3, -0.1]), np.array([[1.0, 2.0], [-0.5, 0.0]])]
    steps, state = opt.update(grads, opt.init(leaves), leaves)
    for leaf, g, step in zip(leaves, grads, steps):
        alone, _ = opt.update(g, opt.init(leaf), leaf)
        np.testing.assert_array_equal(step, alone)
    with pytest.raises(TypeError, match="list of 2"):
        opt.update(grads[:1], state, leaves)


# -- bad input: a clear ValueError/TypeError naming the argument, or a correct result (tests/bad_input.py) ---

import math  # noqa: E402
import numbers  # noqa: E402
from bad_input import FEW, SOME, careless_vectors  # noqa: E402


def rule_cases() -> list[tuple[str, str]]:
    """(rule, hyper-parameter) for every argument of every registered rule (`optim.REGISTRY`),
    read at the moment of the call: a rule added to the registry is tested here too."""
    return [(name, parameter) for name, entry in optim.REGISTRY.items()
            for parameter in inspect.signature(entry.factory).parameters]

RULE_CASES = rule_cases()

THETA, GRAD = np.array([1.0, -2.0]), np.array([0.5, -1.0])

def three_steps(opt, grad=GRAD):
    state, steps = opt.init(THETA), []
    for _ in range(3):
        step, state = opt.update(grad, state, THETA)
        steps.append(step)
    return np.array(steps)

@SOME
@given(case=st.sampled_from(RULE_CASES),
       bad=st.one_of(bad_numbers(), st.sampled_from(["lecture", "pytorch", "adam", None, "True"])))
def test_rule_factories_answer_careless_hyper_parameters_clearly(case, bad):
    name, parameter = case
    answer = clear_answer(lambda: three_steps(optim.REGISTRY[name].factory(**{parameter: bad})), names=[parameter])
    if not isinstance(answer, Exception):
        assert not np.isnan(answer).any()

@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), rate=bad_numbers(), at=st.integers(0, 2))
def test_a_schedule_giving_a_careless_rate_is_reported_with_its_step(name, rate, at):
    opt = optim.REGISTRY[name].make(lr=lambda t: rate if t == at else 0.01)
    answer = clear_answer(lambda: three_steps(opt), names=["lr"])
    valid = isinstance(rate, numbers.Real) and not isinstance(rate, bool) and 0 < rate < math.inf
    if valid and isinstance(answer, Exception):  # a finite rate so large that the step overflows
        assert rate > 1e300 and "overflowed" in str(answer), (rate, answer)
    else:
        assert isinstance(answer, Exception) != valid, (rate, answer)
    if isinstance(answer, Exception):
        assert f"step {at}" in str(answer)

@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), grad=careless_vectors())
def test_update_answers_a_careless_gradient_clearly(name, grad):
    opt = optim.REGISTRY[name].make(lr=0.01)
    answer = clear_answer(lambda: opt.update(grad, opt.init(THETA), THETA), names=["grad"])
    if not isinstance(answer, Exception):
        step, state = answer
        assert step.shape == THETA.shape and np.isfinite(step).all() and state["t"] == 1

def careless_states(opt):
    state = opt.init(THETA)
    wrong_shape = opt.init(np.zeros(3))
    return [None, "state", [], {}, {**state, "t": -1}, {**state, "t": 1.5}, {**state, "t": "1"},
            wrong_shape if opt.state_names else None, {k: v for k, v in state.items() if k != "t"}]

@SOME
@given(name=st.sampled_from(list(optim.REGISTRY)), which=st.integers(0, 8))
def test_update_and_eval_point_answer_a_careless_state_clearly(name, which):
    opt = optim.REGISTRY[name].make(lr=0.01)
    state = careless_states(opt)[which]
    clear_answer(lambda: opt.update(GRAD, state, THETA), names=["state"])
    clear_answer(lambda: opt.eval_point(THETA, state) if opt.lookahead else None, names=["state"])

@FEW
@given(name=st.sampled_from(list(optim.REGISTRY)), params=careless_vectors())
def test_update_answers_careless_parameters_clearly(name, params):
    opt = optim.REGISTRY[name].make(lr=0.01)
    answer = clear_answer(lambda: opt.update(GRAD, opt.init(THETA), params), names=["params", "grad"])
    if not isinstance(answer, Exception):
        assert np.isfinite(answer[0]).all()
    clear_answer(lambda: opt.init(params), names=["params"])

def test_adam_rejects_a_gradient_holding_nan_instead_of_stepping_to_nan():
    opt = optim.adam()
    with pytest.raises(ValueError, match="grad contains NaN"):
        opt.update(np.array([0.1, np.nan]), opt.init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match="grad contains inf"):
        opt.update(torch.tensor([0.1, np.inf]), opt.init(torch.zeros(2)), torch.zeros(2))

def test_a_nan_learning_rate_is_an_invalid_lr_not_a_divergence():
    for rule in (entry.factory for entry in optim.REGISTRY.values()):
        with pytest.raises(ValueError, match="lr must be finite"):
            rule(lr=float("nan"))


def test_delta_zero_is_allowed_but_a_0_over_0_step_is_reported():
    opt = optim.adam(0.1, delta=0.0)
    step, _ = opt.update(np.array([3.0, -0.02]), opt.init(np.zeros(2)), np.zeros(2))
    np.testing.assert_allclose(step, [-0.1, 0.1])
    with pytest.raises(ValueError, match="delta = 0"):
        opt.update(np.array([3.0, 0.0]), opt.init(np.zeros(2)), np.zeros(2))
