"""Explorers of chapter 4's stochastic gradient descent: the minibatch size against the noise of
the path, and each learning-rate schedule against its parameters.

Both run the lecture's regression (Lecture 3: N = 30 samples of y = 3x + 2 + U(−0.1, 0.1),
θ₀ = [10, 5]) with any rule of `optim.REGISTRY` (a newly registered rule appears in their menus
with no edit), through the library's one loop (`trajectory.run` with `minibatch_gradient`): the
explorers draw, they compute nothing of their own. Every redraw runs the rule afresh (a few
hundred steps, a few milliseconds); the runs are cached per setting, so moving back to a setting
costs only the drawing (each explorer keeps its own cache).
"""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, draw_contours, new_figure
from .explorer import Explorer

BATCH_SIZES = (1, 2, 3, 5, 6, 10, 15, 30)  # the divisors of N = 30: every minibatch of an epoch has m examples
BATCH_RATES = (0.003, 0.01, 0.03, 0.1, 0.3)
BATCH_STEPS = 100
BATCH_SEED = 1  # the order of the examples: the same for every setting


def _regression():
    from .. import problems

    return problems.lecture_regression(seed=0), problems.THETA0_REGRESSION


def _rule(method: str, lr):
    from .. import optim

    return optim.REGISTRY[method].make(lr=lr)


def _first_method() -> str:
    """The menus' default rule: SGD, or the registry's first rule if SGD were ever taken out."""
    from .. import optim

    return "SGD" if "SGD" in optim.REGISTRY else next(iter(optim.REGISTRY))


def minibatch_path(method: str, batch_size: int, lr, steps: int = BATCH_STEPS):
    """`method` (a name of optim.REGISTRY, its default hyper-parameters but ε) with learning rate
    `lr` (a number or a schedule) for `steps` steps on the lecture's regression from θ₀ = [10, 5],
    each step on a minibatch of `batch_size` examples (every epoch a fresh order, seed
    BATCH_SEED): a `trajectory.Trajectory`."""
    from ..trajectory import minibatch_gradient, run

    regression, theta0 = _regression()
    return run(_rule(method, lr), regression, theta0, steps,
               gradient=minibatch_gradient(regression, batch_size, seed=BATCH_SEED))


def minibatch_explorer() -> Explorer:
    """SGD's path on the regression's contours and its excess loss f(θₖ) − f* per step, for any
    rule of the registry, batch size m (a divisor of N = 30: 1 is online SGD, 30 the full batch)
    and learning rate ε. The smaller m, the noisier the gradient, E‖ĝ − g‖² ∝ (N − m)/m, and the
    higher the floor where the excess loss stops falling at a constant ε."""
    from .. import optim

    regression, _ = _regression()
    f_star = regression.f(regression.minima[0])
    fig, (ax_path, ax_loss) = new_figure(1, 2, width=6.4, height=2.8, width_ratios=[1.15, 1])
    draw_contours(ax_path, regression, n=50, levels=12)
    (path_line,) = ax_path.plot([], [], color=PALETTE["vermillion"], linewidth=1.0, label="path")
    ax_path.set(xlabel="θ₁ (intercept)", ylabel="θ₂ (slope)", title="path over the loss")
    ax_path.legend(loc="upper left")
    (loss_line,) = ax_loss.plot([], [], color=PALETTE["blue"], linewidth=1.2)
    ax_loss.set(xlabel="step k", ylabel="log₁₀ (f(θₖ) − f*)", xlim=(0, BATCH_STEPS), ylim=(-10, 3),
                title="excess loss on all 30 examples")
    title = fig.suptitle("")
    runs = {}

    def draw(method, batch_size, lr):
        key = (method, batch_size, lr)
        path = runs[key] = runs.get(key) or minibatch_path(method, batch_size, lr)
        path_line.set_data(path.points[:, 0], path.points[:, 1])
        excess = np.maximum(path.losses - f_star, 1e-10)
        loss_line.set_data(np.arange(len(excess)), np.log10(excess))
        outcome = (f"diverged at step {path.diverged_at}" if path.diverged
                   else f"f − f* = {path.losses[-1] - f_star:.1e} after {path.steps} steps")
        title.set_text(f"{method}, m = {batch_size}, ε = {lr:g}: {outcome}")

    controls = {"method": tuple(optim.REGISTRY), "batch_size": BATCH_SIZES, "lr": BATCH_RATES}
    defaults = dict(method=_first_method(), batch_size=1, lr=0.1)
    labels = dict(method="method", batch_size="batch size m", lr="learning rate ε")
    return Explorer(fig, draw, controls, defaults, labels=labels)


def minibatch_tour() -> list[dict]:
    """The frames the benchmark redraws: SGD from online to the full batch, then Adam the same."""
    return [dict(method=method, batch_size=m, lr=0.1) for method in ("SGD", "Adam") for m in BATCH_SIZES]


def minibatch_grid() -> dict:
    """The static explorer's settings (`minibatch_explorer().static(**minibatch_grid())`): every
    rule of the registry, five batch sizes and four learning rates; one background (the contours
    and both axes' limits are the same for every setting)."""
    sizes, rates = [1, 2, 5, 10, 30], [0.01, 0.03, 0.1, 0.3]
    return dict(name="minibatch", title="Minibatch size explorer", grid=dict(batch_size=sizes, lr=rates),
                caption=f"Every method, batch sizes m = {', '.join(map(str, sizes))} (30 is the full "
                        f"batch) and learning rates ε = {', '.join(f'{r:g}' for r in rates)}; "
                        f"{BATCH_STEPS} steps each, the examples in the same order for every setting.")


# -- each learning-rate schedule against its parameters -----------------------------------------

SCHEDULE_STEPS = 300  # online steps (m = 1): 10 epochs of the 30 examples
SCHEDULE_STRIDE = 2  # the curves show every other step (the page carries half of the points)
SCHEDULE_RATES = (0.01, 0.03, 0.1)
# schedule -> (its parameter's control, label, values, default, symbol in the title); None: none
SCHEDULE_PARAMETERS = {
    "constant": None,
    "linear decay": ("tau", "τ (steps to ε₀/100)", (50, 100, 200, 300), 200, "τ"),
    "1/(1 + decay·k)": ("decay", "decay", (0.01, 0.03, 0.1, 0.3), 0.03, "decay"),
    "halving": ("every", "halve every (steps)", (25, 50, 100, 150), 50, "every"),
    "1-cycle": ("pct_start", "warm-up fraction", (0.1, 0.3, 0.5, 0.7), 0.3, "warm-up"),
    "cosine, warm restarts": ("period", "first period T₀ (steps)", (10, 20, 50, 100), 20, "T₀"),
}


def schedule(name: str, lr0: float, **params):
    """The schedule `name` of SCHEDULE_PARAMETERS from `lecturelib.schedules`, starting at (or
    peaking at) ε₀ = lr0, for SCHEDULE_STEPS steps; params: its one parameter (the others ignored)."""
    from .. import schedules

    if name == "constant":
        return schedules.constant(lr0)
    if name == "linear decay":
        return schedules.linear_decay(lr0, lr0 / 100, tau=params["tau"])
    if name == "1/(1 + decay·k)":
        return schedules.inverse_time(lr0, decay=params["decay"])
    if name == "halving":
        return schedules.step_decay(lr0, every=params["every"])
    if name == "1-cycle":
        return schedules.one_cycle(lr0, total_steps=SCHEDULE_STEPS, pct_start=params["pct_start"])
    return schedules.cosine_warm_restarts(lr0, period=params["period"], period_mult=2)


def schedule_explorer() -> Explorer:
    """A learning-rate schedule ε_k (left) and what it does to online SGD on the regression: the
    excess loss f(θₖ) − f* per step (right). Pick the schedule, its parameter (shown with its
    schedule), the starting rate ε₀ and the rule (every rule of the registry takes a schedule as
    its ε). A constant rate stalls at the noise floor of the one-example gradient; a rate that
    ends low goes below it."""
    from .. import optim

    regression, _ = _regression()
    f_star = regression.f(regression.minima[0])
    fig, (ax_rate, ax_loss) = new_figure(1, 2, width=6.4, height=2.8)
    (rate_line,) = ax_rate.plot([], [], color=PALETTE["orange"], linewidth=1.2)
    ax_rate.set(xlabel="step k", ylabel="log₁₀ εₖ", xlim=(0, SCHEDULE_STEPS), ylim=(-7, 0),
                title="learning rate")
    (loss_line,) = ax_loss.plot([], [], color=PALETTE["blue"], linewidth=1.0)
    ax_loss.set(xlabel="step k", ylabel="log₁₀ (f(θₖ) − f*)", xlim=(0, SCHEDULE_STEPS), ylim=(-10, 3),
                title="excess loss (m = 1)")
    title = fig.suptitle("")
    shown = np.arange(0, SCHEDULE_STEPS + 1, SCHEDULE_STRIDE)
    runs = {}

    def draw(schedule_name, lr0, method, **params):
        spec = SCHEDULE_PARAMETERS[schedule_name]
        own = {} if spec is None else {spec[0]: params[spec[0]]}
        rate = schedule(schedule_name, lr0, **own)
        key = (schedule_name, lr0, method, *own.values())
        path = runs[key] = runs.get(key) or minibatch_path(method, 1, rate, SCHEDULE_STEPS)
        steps = shown[shown < SCHEDULE_STEPS]
        rate_line.set_data(steps, np.log10([rate(int(k)) for k in steps]))
        kept = shown[shown < len(path.losses)]
        loss_line.set_data(kept, np.log10(np.maximum(path.losses[kept] - f_star, 1e-10)))
        outcome = (f"diverged at step {path.diverged_at}" if path.diverged
                   else f"f − f* = {path.losses[-1] - f_star:.1e} after {path.steps} steps")
        setting = "" if spec is None else f" ({spec[4]} = {own[spec[0]]:g})"
        title.set_text(f"{method}, {schedule_name}{setting}, ε₀ = {lr0:g}\n{outcome}")

    controls = {"schedule_name": tuple(SCHEDULE_PARAMETERS)}
    defaults = {"schedule_name": "halving"}
    labels = {"schedule_name": "schedule"}
    shown_when = {}
    for name, spec in SCHEDULE_PARAMETERS.items():
        if spec is not None:
            control, label, values, default, _ = spec
            controls[control], defaults[control], labels[control] = values, default, label
            shown_when[control] = ("schedule_name", (name,))
    controls.update(lr0=SCHEDULE_RATES, method=tuple(optim.REGISTRY))
    defaults.update(lr0=0.1, method=_first_method())
    labels.update(lr0="starting rate ε₀", method="method")
    return Explorer(fig, draw, controls, defaults, shown_when=shown_when, labels=labels)


def schedule_tour() -> list[dict]:
    """The frames the benchmark redraws: each schedule at each value of its parameter, with SGD."""
    frames = [dict(schedule_name="constant")]
    for name, spec in SCHEDULE_PARAMETERS.items():
        if spec is not None:
            frames += [{"schedule_name": name, spec[0]: v} for v in spec[2]]
    return frames


def schedule_grid() -> dict:
    """The static explorer's settings (`schedule_explorer().static(**schedule_grid())`): every
    schedule at every value of its parameter, ε₀ = 0.03 and 0.1, and three rules (SGD, momentum,
    Adam: the page's size grows with every rule); the live explorer offers every rule."""
    methods, rates = ["SGD", "momentum", "Adam"], [0.03, 0.1]
    parts = [f"{name} ({spec[1]} = {', '.join(f'{v:g}' for v in spec[2])})"
             for name, spec in SCHEDULE_PARAMETERS.items() if spec is not None]
    return dict(name="schedules", title="Learning-rate schedule explorer",
                grid=dict(lr0=rates, method=methods),
                caption=f"Constant, {'; '.join(parts)}; ε₀ = {' and '.join(f'{r:g}' for r in rates)}; "
                        f"{', '.join(methods)}; {SCHEDULE_STEPS} online steps, every other one drawn.")
