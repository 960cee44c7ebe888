"""Explorers: one figure, two ways to play with it (see `explorer.Explorer`).

Live with sliders in a running notebook (`explorer.live()`), as an animation that plays
in the static book (`explorer.animation(frames)`), and as a static explorer with HTML controls
over precomputed settings (`explorer.static(**chapter_grid())`, see `static.py`). One module per chapter builds that
chapter's explorers (a sibling module named after what it holds where a chapter has more: chapter
5's line search is in `line_search.py`); they are all importable from here. `EXPLORERS` lists them for the
benchmark (benchmarks/run.py times `update` + PNG render).
"""

from __future__ import annotations

from typing import Callable

from .explorer import LIVE_DPI, PLAYER_SYMBOLS, Explorer, self_contained
from .static import StaticExplorer
from .rbf import rbf_explorer, rbf_grid, rbf_tour, RBF_CENTRES, RBF_WIDTHS
from .seeding import seeding_explorer, seeding_grid, seeding_tour
from .bumps import bump_explorer, bump_grid, bump_tour
from .activations import activation_explorer, activation_grid, activation_tour
from .softmax_temperature import softmax_explorer, softmax_grid, softmax_tour
from .dying_relu import dying_relu_explorer, dying_relu_grid, dying_relu_tour
from .autodiff import (backward_explorer, backward_grid, backward_tour, cost_explorer, cost_grid, cost_tour,
                       memory_explorer, memory_grid, memory_tour)
from .first_order import descent_explorer, descent_grid, descent_tour, DESCENT_STARTS, DESCENT_RATES
from .stochastic import (minibatch_explorer, minibatch_grid, minibatch_tour, schedule_explorer, schedule_grid,
                         schedule_tour)
from .second_order import (damping_explorer, damping_grid, damping_tour, DAMPING_VALUES, MEMORY_VALUES,
                           conditioning_explorer, conditioning_grid, conditioning_tour, KAPPA_VALUES)
from .line_search import wolfe_explorer, wolfe_grid, wolfe_tour

# Each chapter's static explorer: name -> (build the explorer, the `static` kwargs).
STATIC_EXPLORERS: dict[str, tuple[Callable[[], Explorer], Callable[[], dict]]] = {
    "rbf": (rbf_explorer, rbf_grid),
    "seeding": (seeding_explorer, seeding_grid),
    "bumps": (bump_explorer, bump_grid),
    "activations": (activation_explorer, activation_grid),
    "dying-relu": (dying_relu_explorer, dying_relu_grid),
    "softmax": (softmax_explorer, softmax_grid),
    "backward": (backward_explorer, backward_grid),
    "modes": (cost_explorer, cost_grid),
    "jacobian-memory": (memory_explorer, memory_grid),
    "descent": (descent_explorer, descent_grid),
    "minibatch": (minibatch_explorer, minibatch_grid),
    "schedules": (schedule_explorer, schedule_grid),
    "damping": (damping_explorer, damping_grid),
    "conditioning": (conditioning_explorer, conditioning_grid),
    "wolfe": (wolfe_explorer, wolfe_grid),
}

# What the benchmark times: name -> (build the explorer, the frames to redraw).
EXPLORERS: dict[str, tuple[Callable[[], Explorer], Callable[[], list[dict]]]] = {
    "RBF networks (ch. 1)": (rbf_explorer, rbf_tour),
    "k-means++ seeding (ch. 1)": (seeding_explorer, seeding_tour),
    "sigmoid bumps (ch. 1)": (bump_explorer, bump_tour),
    "activations (ch. 2)": (activation_explorer, activation_tour),
    "dying ReLU (ch. 2)": (dying_relu_explorer, dying_relu_tour),
    "softmax temperature (ch. 2)": (softmax_explorer, softmax_tour),
    "backward pass (ch. 3)": (backward_explorer, backward_tour),
    "forward against reverse mode (ch. 3)": (cost_explorer, cost_tour),
    "Jacobian memory (ch. 3)": (memory_explorer, memory_tour),
    "first-order methods (ch. 4)": (descent_explorer, descent_tour),
    "minibatch size (ch. 4)": (minibatch_explorer, minibatch_tour),
    "learning-rate schedules (ch. 4)": (schedule_explorer, schedule_tour),
    "second-order methods (ch. 5)": (damping_explorer, damping_tour),
    "Newton against steepest descent (ch. 5)": (conditioning_explorer, conditioning_tour),
    "strong Wolfe line search (ch. 5)": (wolfe_explorer, wolfe_tour),
}

__all__ = [
    "LIVE_DPI",
    "PLAYER_SYMBOLS",
    "Explorer",
    "self_contained",
    "StaticExplorer",
    "STATIC_EXPLORERS",
    "rbf_grid",
    "seeding_grid",
    "bump_grid",
    "activation_grid",
    "backward_grid",
    "descent_grid",
    "damping_grid",
    "rbf_explorer",
    "rbf_tour",
    "seeding_explorer",
    "seeding_tour",
    "bump_explorer",
    "bump_tour",
    "RBF_CENTRES",
    "RBF_WIDTHS",
    "activation_explorer",
    "activation_tour",
    "dying_relu_explorer",
    "dying_relu_grid",
    "dying_relu_tour",
    "softmax_explorer",
    "softmax_grid",
    "softmax_tour",
    "backward_explorer",
    "backward_tour",
    "cost_explorer",
    "cost_grid",
    "cost_tour",
    "memory_explorer",
    "memory_grid",
    "memory_tour",
    "descent_explorer",
    "descent_tour",
    "DESCENT_STARTS",
    "DESCENT_RATES",
    "minibatch_explorer",
    "minibatch_grid",
    "minibatch_tour",
    "schedule_explorer",
    "schedule_grid",
    "schedule_tour",
    "damping_explorer",
    "damping_tour",
    "DAMPING_VALUES",
    "MEMORY_VALUES",
    "conditioning_explorer",
    "conditioning_grid",
    "conditioning_tour",
    "KAPPA_VALUES",
    "wolfe_explorer",
    "wolfe_grid",
    "wolfe_tour",
    "EXPLORERS",
]
