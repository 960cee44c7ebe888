"""Explorer of chapter 3: automatic differentiation."""

from __future__ import annotations

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
            title.set_text(f"step 0 of {len(snapshots) - 1}: seed ∂{node_name(root)}/∂itself = 1")
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
