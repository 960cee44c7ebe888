"""Explorer of chapter 3: automatic differentiation."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE, new_figure
from .explorer import LIVE_DPI, Explorer


def backward_explorer(root=None) -> Explorer:
    """The backward pass of a small graph, one node at a time (default: the lecture's
    multiple-paths example). Step k shows every gradient after the first k local rules ran in
    reverse topological order: the node whose rule just ran is orange, the parents it just
    added to are blue; a node with several children collects one contribution per path.

    Raises TypeError unless `root` is an `autodiff.Value` (the output of the graph)."""
    from ..autodiff import Value, backward_steps, multiple_paths
    from ..graphs import (LEAF_COLOUR, OPERATION_COLOUR, draw_graph, freeze_arrows, freeze_boxes,
                         node_name, node_text)

    root = multiple_paths() if root is None else root
    if not isinstance(root, Value):
        raise TypeError(f"root must be the output of a graph, a lecturelib.autodiff.Value; "
                        f"got {type(root).__name__}")
    fig, ax = new_figure(1, 1, width=7.2, height=3.2)
    drawing = draw_graph(root, ax, show_grad=True)
    # snapshots[k] = (the node processed at step k, every node's gradient after it)
    snapshots = [(None, [1.0 if node is root else 0.0 for node in drawing.nodes])]
    for node in backward_steps(root):
        if node.parents:  # leaves have no local rule: nothing to show
            snapshots.append((node, [n.grad for n in drawing.nodes]))
    title = ax.set_title("")
    texts = [[node_text(node, grad=grad, digits=3) for node, grad in zip(drawing.nodes, grads)]
             for _, grads in snapshots]
    # The boxes sized once for the widest text (padded), at the live resolution (where text is
    # widest), then frozen: fixed frames and arrows, unpadded texts (fewer glyphs) over them.
    # Frames and texts lie above the title (zorder 3): a live redraw keeps the arrows in its
    # background and draws only the boxes and the title again.
    width = max(len(line) for step in texts for text in step for line in text.split("\n"))
    for box, text in zip(drawing.boxes, texts[0]):
        box.set_text("\n".join(line.ljust(width) for line in text.split("\n")))
    seed = f"step 0 of {len(snapshots) - 1}: seed ∂{node_name(root)}/∂itself = 1"
    title.set_text(seed)  # the layout makes room for the title
    dpi = fig.get_dpi()
    fig.set_dpi(LIVE_DPI)
    freeze_arrows(drawing)
    freeze_boxes(drawing)
    fig.set_dpi(dpi)

    def draw(step):
        processed, _ = snapshots[step]
        receiving = {id(p) for p in processed.parents} if processed is not None else set()
        for node, box, frame, text in zip(drawing.nodes, drawing.boxes, drawing.frames, texts[step]):
            box.set_text(text)
            colour = LEAF_COLOUR if not node.parents else OPERATION_COLOUR
            if processed is not None and node is processed:
                colour = PALETTE["orange"]
            elif id(node) in receiving:
                colour = PALETTE["sky"]
            frame.set_facecolor(colour)
        if processed is None:
            title.set_text(seed)
        else:
            names = ", ".join(p.label or p.op for p in processed.parents)
            title.set_text(f"step {step} of {len(snapshots) - 1}: {node_name(processed)} "
                           f"passes its gradient to {names}")

    draw(0)
    controls = {"step": list(range(len(snapshots)))}
    return Explorer(fig, draw, controls, dict(step=0))


def backward_tour() -> list[dict]:
    """The frames of the backward-pass animation: every step of the default graph."""
    from ..autodiff import multiple_paths, topological_order

    operations = [node for node in topological_order(multiple_paths()) if node.parents]
    return [dict(step=k) for k in range(len(operations) + 1)]


def backward_grid() -> dict:
    """The static explorer's settings (`backward_explorer().static(**backward_grid())`): every
    step, each one a pre-rendered image (the boxes' colours and texts change)."""
    return dict(name="backward", title="Backward pass explorer", background=("step",),
                labels=dict(step="step"), caption="Every step of the backward pass, one local rule at a time.")


# -- forward against reverse mode: the operations for the whole Jacobian ----------------------

OPERATION_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)  # the numbers of inputs n and outputs m offered


def cost_explorer() -> Explorer:
    """Forward against reverse mode on chapter 3's function ℝⁿ → ℝᵐ (`jacobian_cost.chained`: the
    ℝⁿ → ℝ sum, then m steps of the ℝ → ℝᵐ recurrence): the operations each of our engines runs
    for the whole m × n Jacobian (`jacobian_cost.operations`), forward mode n passes over f,
    reverse mode one recording pass and m backward passes. Left: against the number of inputs n,
    for the chosen m; right: against the number of outputs m, for the chosen n; the chosen (n, m)
    is ringed on both. A setting's counts are computed the first time it is drawn, then kept."""
    import functools

    from matplotlib.ticker import NullLocator

    from ..jacobian_cost import chained, operations

    @functools.cache
    def cost(n, m):
        return operations(chained(m), [0.5] * n)  # the counts do not depend on the point

    fig, axes = new_figure(1, 2, width=7.2, height=3.3, sharey=True)
    modes = (("forward", "forward mode: one pass per input", "o", PALETTE["vermillion"]),
             ("reverse", "reverse mode: one backward pass per output", "s", PALETTE["blue"]))
    curves, rings, titles = {}, {}, {}
    for ax, axis in zip(axes, ("n", "m")):
        for mode, label, marker, colour in modes:
            (curves[axis, mode],) = ax.plot([], [], marker + "-", color=colour, markersize=4,
                                            linewidth=1.5, label=label)
            (rings[axis, mode],) = ax.plot([], [], marker, color=colour, markersize=11,
                                           markerfacecolor="none", markeredgewidth=1.5)
        ax.set(xscale="log", yscale="log", xlim=(0.75, 170), ylim=(0.4, 3e5),  # room for the legend under every curve
               xlabel=f"number of {'inputs n' if axis == 'n' else 'outputs m'}")
        ax.set_xticks(OPERATION_SIZES, [f"{s}" for s in OPERATION_SIZES])
        for which in (ax.xaxis, ax.yaxis):
            which.set_minor_locator(NullLocator())  # log-scale minor ticks: slow to redraw
        titles[axis] = ax.set_title("", fontsize=9)
    powers = [10, 100, 1_000, 10_000, 100_000]
    axes[0].set_yticks(powers, [f"{p:,}" for p in powers])  # plain text: no mathtext to lay out
    axes[0].set_ylabel("operations for the whole Jacobian")
    axes[1].legend(loc="lower right", fontsize=7)
    title = fig.suptitle("", fontsize=10)
    sizes = list(OPERATION_SIZES)

    def draw(n, m):
        along = {"n": [cost(k, m) for k in sizes], "m": [cost(n, k) for k in sizes]}
        for axis, chosen in (("n", n), ("m", m)):
            for mode, *_ in modes:
                curves[axis, mode].set_data(sizes, [getattr(c, mode) for c in along[axis]])
                rings[axis, mode].set_data([chosen], [getattr(cost(n, m), mode)])
        titles["n"].set_text(f"against n, for m = {m}")
        titles["m"].set_text(f"against m, for n = {n}")
        now = cost(n, m)
        cheaper, ratio = (("reverse", now.forward / now.reverse) if now.reverse < now.forward
                          else ("forward", now.reverse / now.forward))
        verdict = "the same" if now.reverse == now.forward else f"{cheaper} mode {ratio:.3g}× cheaper"
        title.set_text(f"forward {now.forward:,} = {n} × {now.per_pass} operations, reverse {now.reverse:,}: "
                       f"{verdict}")

    controls = {"n": OPERATION_SIZES, "m": OPERATION_SIZES}
    return Explorer(fig, draw, controls, dict(n=1, m=1), labels=dict(n="inputs n", m="outputs m"))


def cost_tour() -> list[dict]:
    """Frames for the live-redraw benchmark: n grows at m = 1, then m grows at n = 128."""
    return ([dict(n=n, m=1) for n in OPERATION_SIZES[::2]]
            + [dict(n=128, m=m) for m in OPERATION_SIZES[1::2]])


def cost_grid() -> dict:
    """The static explorer's settings (`cost_explorer().static(**cost_grid())`): every n and
    every m; only lines and titles change, so one background serves them all."""
    sizes = ", ".join(map(str, OPERATION_SIZES))
    return dict(name="modes", title="Forward against reverse mode explorer",
                labels=dict(n="inputs n", m="outputs m"),
                caption=f"Every number of inputs n and of outputs m ({sizes}): the operations each "
                        "mode runs for the whole Jacobian, counted on the graph of our engine.")


# -- the memory of an explicit Jacobian against the batch ---------------------------------------

MEMORY_WIDTHS = (256, 512, 1024, 2048, 4096, 8192)  # units of the layer
MEMORY_BATCHES = (1, 2, 4, 8, 16, 32, 64)           # samples in the minibatch
MACHINE = 16 * 2**30                                 # a laptop's memory, for scale


def memory_explorer() -> Explorer:
    """The memory of the Jacobian ∂z/∂y of an element-wise layer z = tanh(y) (float32), built
    explicitly for a minibatch, against what reverse mode computes instead
    (`jacobian_cost.memory`). Left: bytes against the batch size for the chosen width: the
    batch's Jacobian ((B·w)² entries), its B diagonal blocks (one w × w Jacobian per sample) and
    the vector-Jacobian product (B·w entries), a laptop's 16 GiB for scale. Right: the batch's
    Jacobian as a matrix: the B diagonal blocks are all that is not zero, and inside them only
    the diagonal is."""
    from matplotlib.ticker import NullLocator

    from ..jacobian_cost import binary_size, memory

    fig, (ax_bytes, ax_matrix) = new_figure(1, 2, width=7.2, height=3.3,
                                            gridspec_kw=dict(width_ratios=(1.6, 1)))
    kinds = (("batch_jacobian", "the batch's Jacobian, (B·w)²", PALETTE["vermillion"]),
             ("per_sample", "one Jacobian per sample, B·w²", PALETTE["orange"]),
             ("vector", "vector-Jacobian product, B·w", PALETTE["blue"]))
    curves, rings = {}, {}
    for kind, label, colour in kinds:
        (curves[kind],) = ax_bytes.plot([], [], "o-", color=colour, markersize=3, linewidth=1.5,
                                        label=label)
        (rings[kind],) = ax_bytes.plot([], [], "o", color=colour, markersize=10,
                                       markerfacecolor="none", markeredgewidth=1.5)
    ax_bytes.axhline(MACHINE, color=PALETTE["black"], linestyle="--", linewidth=1)
    ax_bytes.text(1.1, MACHINE / 2.5, "16 GiB: a laptop", fontsize=7, va="top")  # under the legend
    ax_bytes.set(xscale="log", yscale="log", xlim=(0.8, 80), ylim=(2**9, 2**42),
                 xlabel="batch size B", ylabel="memory (bytes)")
    ax_bytes.set_xticks(MEMORY_BATCHES, [str(b) for b in MEMORY_BATCHES])
    powers = [2**10, 2**20, 2**30, 2**40]
    ax_bytes.set_yticks(powers, [binary_size(p) for p in powers])
    for which in (ax_bytes.xaxis, ax_bytes.yaxis):
        which.set_minor_locator(NullLocator())  # log-scale minor ticks: slow to redraw
    ax_bytes.legend(loc="upper left", fontsize=7)
    bytes_title = ax_bytes.set_title("", fontsize=9)

    ax_matrix.set(xlim=(0, 1), ylim=(1, 0), xticks=[], yticks=[], aspect="equal",
                  xlabel="∂/∂y, sample by sample", ylabel="z, sample by sample")
    ax_matrix.grid(False)
    (blocks,) = ax_matrix.plot([], [], color=PALETTE["orange"], linewidth=1)
    (diagonal,) = ax_matrix.plot([0, 1], [0, 1], color=PALETTE["vermillion"], linewidth=1.5)
    matrix_title = ax_matrix.set_title("", fontsize=9)
    title = fig.suptitle("", fontsize=10)
    batches = list(MEMORY_BATCHES)

    def draw(width, batch):
        sizes = [memory(width, b) for b in batches]
        now = memory(width, batch)
        for kind, *_ in kinds:
            curves[kind].set_data(batches, [getattr(s, kind) for s in sizes])
            rings[kind].set_data([batch], [getattr(now, kind)])
        bytes_title.set_text(f"width w = {width}: memory against the batch")
        # the outline of the diagonal blocks, one closed staircase: along their upper right
        # edges from the top left corner to the bottom right, back along their lower left ones
        edges = np.arange(batch + 1) / batch
        x_upper = np.concatenate([[0.0], np.repeat(edges[1:], 2)])  # 0, e1, e1, e2, e2, …, 1, 1
        y_upper = np.concatenate([np.repeat(edges[:-1], 2), [1.0]])  # 0, 0, e1, e1, …, 1
        x, y = np.concatenate([x_upper, y_upper[::-1]]), np.concatenate([y_upper, x_upper[::-1]])
        blocks.set_data(x, y)
        entries = (batch * width) ** 2
        matrix_title.set_text(f"{batch} × {batch} blocks; nonzero:\n"
                              f"1 entry in {entries // (batch * width):,}")
        title.set_text(f"w = {width}, B = {batch}: the batch's Jacobian "
                       f"{binary_size(now.batch_jacobian)}, one per sample "
                       f"{binary_size(now.per_sample)}, the product {binary_size(now.vector)}")

    controls = {"width": MEMORY_WIDTHS, "batch": MEMORY_BATCHES}
    return Explorer(fig, draw, controls, dict(width=4096, batch=16),
                    labels=dict(width="layer width w", batch="batch size B"))


def memory_tour() -> list[dict]:
    """Frames for the live-redraw benchmark: the batch grows at width 4096, then the width at 16."""
    return ([dict(width=4096, batch=b) for b in MEMORY_BATCHES]
            + [dict(width=w, batch=16) for w in MEMORY_WIDTHS])


def memory_grid() -> dict:
    """The static explorer's settings (`memory_explorer().static(**memory_grid())`): every width
    and every batch size; only lines and titles change, so one background serves them all."""
    return dict(name="jacobian-memory", title="Jacobian memory explorer",
                labels=dict(width="layer width w", batch="batch size B"),
                caption=f"Every layer width w ({', '.join(map(str, MEMORY_WIDTHS))}) and batch size B "
                        f"({', '.join(map(str, MEMORY_BATCHES))}), float32 entries.")
