"""Drawing a computational graph of `lecturelib.autodiff` Values with matplotlib.

Source: Lecture 3, "Computational graph": a directed acyclic graph whose nodes are variables
(inputs, weights) and operators. Each node is drawn as a box with its name or operation, its
value (forward pass) and its gradient ∂(output)/∂(node) (backward pass); arrows point from
an operation's inputs to its result, left to right.

Bad input raises TypeError (a node or root that is not a Value, an ax that is not a matplotlib
Axes) or ValueError (digits outside 1..17, a fontsize outside (0, 100], a graph of more than
MAX_NODES nodes, too many to read), naming the argument.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Annotation, Text
from matplotlib.transforms import ScaledTranslation

from .autodiff import Value, topological_order
from .plotting import PALETTE, STYLE
from .validation import check_positive, check_whole

LEAF_COLOUR = "#DCEBF7"  # light blue: inputs and weights
OPERATION_COLOUR = "#F2F2F2"  # light grey: results of operations
MAX_NODES = 200  # a drawing of more boxes is unreadable (and slow)


def _check_node(node, name: str) -> Value:
    if not isinstance(node, Value):
        raise TypeError(f"{name} must be a lecturelib.autodiff.Value, got {type(node).__name__}")
    return node


@dataclass
class GraphDrawing:
    """A drawn graph: its figure, axes, nodes (topological order), one text box per node and
    one arrow per edge, (index of the input, index of the result, arrow); after `freeze_boxes`,
    each box's frame apart from its text, one per node."""

    fig: Figure
    ax: Axes
    nodes: list[Value]
    boxes: list[Text]
    arrows: list[tuple[int, int, Annotation | FancyArrowPatch]]
    frames: list[FancyBboxPatch] | None = None


def node_name(node: Value) -> str:
    """The label, the operation, or both: 'x', 'y3 = ×', '+'."""
    _check_node(node, "node")
    if node.label and node.op:
        return f"{node.label} = {node.op}"
    return node.label or node.op or "const"


def node_text(node: Value, *, grad: float | None = None, show_grad: bool = True,
              digits: int = 4) -> str:
    """The lines of a node's box: name, value and gradient (`grad` overrides node.grad), with
    `digits` significant digits (1 to 17)."""
    digits = check_whole(digits, "digits", minimum=1)
    if digits > 17:
        raise ValueError(f"digits must be a whole number from 1 to 17 (float64 has 17), got {digits}")
    if grad is not None and (isinstance(grad, bool) or not isinstance(grad, numbers.Real) or math.isnan(grad)):
        raise TypeError(f"grad must be a real number or None, got {grad!r}")
    lines = [node_name(node), f"value {node.data:.{digits}g}"]
    if show_grad:
        lines.append(f"grad  {node.grad if grad is None else grad:.{digits}g}")
    return "\n".join(lines)


def _graph(root) -> list[Value]:
    """The nodes of root's graph in topological order, at most MAX_NODES of them."""
    order = topological_order(_check_node(root, "root"))
    if len(order) > MAX_NODES:
        raise ValueError(f"root's graph has {len(order)} nodes; a drawing shows at most {MAX_NODES}")
    return order


def graph_layout(root: Value) -> dict[int, tuple[float, float]]:
    """Positions (x, y) by node id: x is the depth (leaves at 0, each operation one column
    right of its deepest input), nodes of one column spread evenly in topological order."""
    order = _graph(root)
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    positions = {}
    for x, column in columns.items():
        for i, node in enumerate(column):
            positions[id(node)] = (float(x), (len(column) - 1) / 2.0 - i)
    return positions


def draw_graph(root: Value, ax: Axes | None = None, *, show_grad: bool = True, title: str = "",
               fontsize: float = 8.0) -> GraphDrawing:
    """Draw the graph that computes `root`; returns the drawing (boxes can be updated later).

    Call `root.backward()` first to show gradients. Constants (unlabelled leaves) are drawn
    like inputs."""
    order = _graph(root)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    fontsize = check_positive(fontsize, "fontsize")
    if fontsize > 100:
        raise ValueError(f"fontsize must be in (0, 100] points, got {fontsize:g}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    positions = graph_layout(root)
    if ax is None:
        width = 1.7 * (max(x for x, _ in positions.values()) + 1)
        height = 1.0 * (max(abs(y) for _, y in positions.values()) * 2 + 1) + 0.6
        with plt.rc_context(STYLE):
            fig, ax = plt.subplots(figsize=(max(width, 4.0), max(height, 2.2)))
        plt.close(fig)
    fig = ax.figure
    boxes = []
    for node in order:
        x, y = positions[id(node)]
        colour = OPERATION_COLOUR if node.parents else LEAF_COLOUR
        boxes.append(ax.text(x, y, node_text(node, show_grad=show_grad), ha="center", va="center",
                             fontsize=fontsize, family="monospace", zorder=3,
                             bbox=dict(boxstyle="round,pad=0.4", facecolor=colour,
                                       edgecolor=PALETTE["black"], linewidth=0.8)))
    index = {id(node): i for i, node in enumerate(order)}
    box_of = {id(node): box for node, box in zip(order, boxes)}
    arrows = []
    for node in order:
        for parent in node.parents:  # from the right edge of the input to the left edge of the result
            skips = positions[id(node)][0] - positions[id(parent)][0] > 1  # bend around a column
            below = positions[id(parent)][1] - positions[id(node)][1]  # < 0: parent is lower
            outwards = -0.4 if (below > 0 or (below == 0 and positions[id(node)][1] >= 0)) else 0.4
            bend = outwards if skips else 0.0  # rad < 0 bends up, > 0 down
            arrow = ax.annotate("", xy=(0.0, 0.5), xycoords=box_of[id(node)], xytext=(1.0, 0.5),
                        textcoords=box_of[id(parent)], zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color=PALETTE["black"], alpha=0.6,
                                        shrinkA=4, shrinkB=5, linewidth=1.0,
                                        connectionstyle=f"arc3,rad={bend}"))
            arrows.append((index[id(parent)], index[id(node)], arrow))
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return GraphDrawing(fig, ax, order, boxes, arrows)


def freeze_arrows(drawing: GraphDrawing) -> None:
    """Replace the arrows that follow their boxes (found again at every draw) by fixed arrows
    in data coordinates, for a faster redraw. Valid while the boxes keep their size and the
    figure its size: the explorer pads its box texts to a fixed width."""
    if not isinstance(drawing, GraphDrawing):
        raise TypeError(f"drawing must be a GraphDrawing (from draw_graph), got {type(drawing).__name__}")
    fig, ax = drawing.fig, drawing.ax
    renderer = _laid_out(fig)
    for box in drawing.boxes:  # place each box's frame (no need to draw the whole figure)
        box.update_bbox_position_size(renderer)
    extents = [box.get_bbox_patch().get_window_extent(renderer) for box in drawing.boxes]
    gap = 4.0 * fig.dpi / 72.0  # 4 points, in pixels
    to_data = ax.transData.inverted()
    frozen = []
    for parent, child, arrow in drawing.arrows:
        start = to_data.transform((extents[parent].x1 + gap, extents[parent].y0 + extents[parent].height / 2))
        end = to_data.transform((extents[child].x0 - gap, extents[child].y0 + extents[child].height / 2))
        old = arrow.arrow_patch
        new = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=10,
                              connectionstyle=old.get_connectionstyle(), color=old.get_edgecolor(),
                              linewidth=old.get_linewidth(), shrinkA=0, shrinkB=0, zorder=1)
        arrow.remove()
        ax.add_patch(new)
        frozen.append((parent, child, new))
    drawing.arrows[:] = frozen


def freeze_boxes(drawing: GraphDrawing, *, zorder: float = 3.5) -> None:
    """Split each box into a fixed frame (a patch of the place, size and colour it has now, at
    `zorder`) and its text without a frame, left-aligned where it starts now (at `zorder` + 0.5),
    for a faster redraw: a framed text lays its frame out again at every draw, and the text need
    no longer be padded to keep its frame's size. Afterwards `drawing.frames[i]` is node i's
    frame (set its face colour) and `drawing.boxes[i]` its text, which must not grow wider than
    now: pad the texts to the widest before freezing (as the backward explorer does), at the
    lowest resolution the figure is drawn at (where text is relatively widest). The texts stay
    Annotations, so the static explorer keeps them in its pre-rendered images, in the graph's
    monospace font. Call `freeze_arrows` first: it finds the boxes by their frames."""
    if not isinstance(drawing, GraphDrawing):
        raise TypeError(f"drawing must be a GraphDrawing (from draw_graph), got {type(drawing).__name__}")
    if drawing.frames is not None:
        raise ValueError("the boxes of this drawing are frozen already")
    fig, ax = drawing.fig, drawing.ax
    renderer = _laid_out(fig)
    to_data, dpi = ax.transData.inverted(), fig.dpi
    frames, texts = [], []
    for box in drawing.boxes:
        box.update_bbox_position_size(renderer)
        old = box.get_bbox_patch()
        (x0, y0), (x1, y1) = old.get_transform().transform([(0, 0), (old.get_width(), old.get_height())])
        centre = to_data.transform(((x0 + x1) / 2, (y0 + y1) / 2))
        # in inches around the box's centre: the corners stay round at any resolution
        frame = FancyBboxPatch((-(x1 - x0) / 2 / dpi, -(y1 - y0) / 2 / dpi), (x1 - x0) / dpi, (y1 - y0) / dpi,
                               boxstyle=old.get_boxstyle(), mutation_scale=old.get_mutation_scale() / dpi,
                               facecolor=old.get_facecolor(), edgecolor=old.get_edgecolor(),
                               linewidth=old.get_linewidth(),
                               transform=fig.dpi_scale_trans + ScaledTranslation(*centre, ax.transData),
                               zorder=zorder)
        start = to_data.transform((box.get_window_extent(renderer).x0, (y0 + y1) / 2))
        text = ax.annotate(box.get_text(), tuple(start), ha="left", va="center", fontsize=box.get_fontsize(),
                           family=box.get_family(), color=box.get_color(), zorder=zorder + 0.5,
                           annotation_clip=False)  # drawn wherever it is: no test per draw
        box.remove()
        ax.add_patch(frame)
        frames.append(frame)
        texts.append(text)
    drawing.boxes[:] = texts
    drawing.frames = frames


def _laid_out(fig: Figure):
    """The figure's renderer, after its layout engine (if any) placed the axes as a draw would:
    what freezing needs, without rendering anything."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().execute(fig)
    return renderer
