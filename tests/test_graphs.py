"""The graph drawing shows every node once, with its value and gradient, and an arrow per edge;
the backward explorer's steps show the gradients the engine computes."""

import numpy as np
import pytest
from matplotlib.text import Annotation

from lecturelib import autodiff as ad
from lecturelib.explore import backward_explorer, backward_tour
from lecturelib.graphs import draw_graph, freeze_arrows, freeze_boxes, graph_layout


def test_every_node_is_drawn_once_with_its_value_and_gradient():
    f = ad.worked_example(1.0, -3.0, 4.0)
    f.backward()
    drawing = draw_graph(f, title="f")
    texts = [box.get_text() for box in drawing.boxes]
    assert len(texts) == 5
    assert any(t.startswith("x\n") and "value 1" in t and "grad  4" in t for t in texts)
    assert any(t.startswith("z\n") and "grad  -2" in t for t in texts)
    assert any(t.startswith("f = *") and "value -8" in t and "grad  1" in t for t in texts)
    arrows = [c for c in drawing.ax.get_children() if isinstance(c, Annotation)]
    assert len(arrows) == 4  # x → d, y → d, d → f, z → f


def test_layout_puts_every_operation_right_of_its_inputs():
    y = ad.multiple_paths()
    positions = graph_layout(y)
    for node in ad.topological_order(y):
        for parent in node.parents:
            assert positions[id(parent)][0] < positions[id(node)][0]
    assert len(set(positions.values())) == len(positions)  # no two boxes on top of each other


def test_backward_explorer_ends_with_the_engines_gradients():
    explorer = backward_explorer()
    frames = backward_tour()
    explorer.update(**frames[-1])
    y = ad.multiple_paths()
    y.backward()
    expected = {node.label: node.grad for node in ad.topological_order(y)}
    shown = {box.get_text().split("\n")[0].split(" = ")[0].strip(): float(box.get_text().split("grad")[1])
             for box in explorer.fig.axes[0].texts if "grad" in box.get_text()}
    for label, grad in expected.items():
        if label:
            assert np.isclose(shown[label], grad, rtol=5e-3), label  # three digits shown


def test_backward_explorer_starts_with_only_the_seed():
    explorer = backward_explorer()
    explorer.update(step=0)
    grads = [float(box.get_text().split("grad")[1]) for box in explorer.fig.axes[0].texts
             if "grad" in box.get_text()]
    assert sorted(grads) == [0.0] * (len(grads) - 1) + [1.0]


def test_frozen_arrows_keep_one_arrow_per_edge_between_the_same_boxes():
    y = ad.multiple_paths()
    drawing = draw_graph(y)
    edges = [(parent, child) for parent, child, _ in drawing.arrows]
    freeze_arrows(drawing)
    assert [(parent, child) for parent, child, _ in drawing.arrows] == edges
    assert len(edges) == sum(len(node.parents) for node in drawing.nodes) == 12
    assert not [c for c in drawing.ax.get_children() if isinstance(c, Annotation)]
    for parent, child, arrow in drawing.arrows:  # each arrow runs left to right, box to box
        (x0, _), (x1, _) = arrow._posA_posB
        assert graph_layout(y)[id(drawing.nodes[parent])][0] < x0 < x1 \
            < graph_layout(y)[id(drawing.nodes[child])][0]



def test_frozen_boxes_keep_their_place_size_and_colour_and_hold_their_text_at_any_resolution():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex

    drawing = draw_graph(ad.multiple_paths())
    canvas = FigureCanvasAgg(drawing.fig)
    canvas.draw()
    dpi = drawing.fig.dpi
    before = [box.get_bbox_patch().get_window_extent(canvas.get_renderer()) for box in drawing.boxes]
    colours = [to_hex(box.get_bbox_patch().get_facecolor()) for box in drawing.boxes]
    texts = [box.get_text() for box in drawing.boxes]
    freeze_arrows(drawing)
    freeze_boxes(drawing)
    assert len(drawing.frames) == len(drawing.boxes) == len(drawing.nodes)
    assert [box.get_text() for box in drawing.boxes] == texts
    assert all(box.get_bbox_patch() is None for box in drawing.boxes)  # no frame laid out per draw
    assert [to_hex(frame.get_facecolor()) for frame in drawing.frames] == colours
    for resolution in (dpi, 2 * dpi):
        drawing.fig.set_dpi(resolution)
        canvas.draw()
        renderer = canvas.get_renderer()
        for old, frame, box in zip(before, drawing.frames, drawing.boxes):
            now, text = frame.get_window_extent(renderer), box.get_window_extent(renderer)
            if resolution == dpi:  # where the boxes were
                assert np.allclose(now.bounds, old.bounds, atol=1.0), box.get_text()
            assert now.x0 < text.x0 < text.x1 < now.x1 and now.y0 < text.y0 < text.y1 < now.y1, box.get_text()


def test_freeze_boxes_refuses_what_is_not_a_drawing_and_a_second_freeze():
    drawing = draw_graph(ad.worked_example())
    with pytest.raises(TypeError, match="drawing must be a GraphDrawing"):
        freeze_boxes(drawing.ax)
    freeze_boxes(drawing)
    with pytest.raises(ValueError, match="frozen already"):
        freeze_boxes(drawing)
