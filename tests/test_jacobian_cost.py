"""What a Jacobian costs (lecturelib.jacobian_cost) and chapter 3's two explorers of it, against
references computed apart: the operation counts against their closed forms (f has 3n + 3m
operations; output hⱼ depends on 3n + 3j of them), the memory against NumPy's and torch's own
arrays and the lecture's 64 MiB and 16 GiB."""

import numpy as np
import pytest
import torch

from lecturelib import autodiff as ad
from lecturelib import forward_mode as fm
from lecturelib.explore import cost_explorer, memory_explorer
from lecturelib.jacobian_cost import binary_size, chained, many_inputs, many_outputs, memory, operations


def closed_form(n, m):
    """(N, forward, reverse): N = 3n + 3m operations per pass; forward mode n passes; reverse
    mode one pass and a backward pass per output hⱼ through its 3n + 3j operations."""
    per_pass = 3 * n + 3 * m
    return per_pass, n * per_pass, per_pass + sum(3 * n + 3 * j for j in range(1, m + 1))


@pytest.mark.parametrize("n, m", [(1, 1), (2, 5), (7, 3), (64, 1), (1, 64), (16, 16)])
def test_operation_counts_match_their_closed_forms(n, m):
    counted = operations(chained(m), list(np.linspace(-1, 1, n)))
    assert (counted.n, counted.m) == (n, m)
    assert (counted.per_pass, counted.forward, counted.reverse) == closed_form(n, m)


def test_reverse_mode_wins_with_many_inputs_and_forward_mode_with_many_outputs():
    many_in, many_out = operations(chained(1), [0.5] * 128), operations(chained(128), [0.5])
    assert many_in.reverse * 30 < many_in.forward  # 128 · 387 against 774 + 387
    assert many_out.forward * 30 < many_out.reverse


def test_a_single_output_and_operations_reaching_no_output():
    assert operations(many_inputs, [0.1, 0.2, 0.3])[2:] == (9, 27, 18)  # 3n, n·3n, 3n + 3n
    # x·y is computed but returned by neither output: no mode pays for it
    counted = operations(lambda x, y: (x.tanh(), (x * y, 2.0)[1]), [0.3, 0.4])
    assert (counted.m, counted.per_pass, counted.forward, counted.reverse) == (2, 1, 2, 2)


def test_the_test_functions_are_the_chapters_and_both_engines_run_them():
    x = [0.3, -0.2, 0.7]
    value, gradient = ad.gradient(many_inputs, x)
    expected = sum(np.tanh(x[i]) * x[(i + 1) % 3] for i in range(3))
    assert np.isclose(value, expected, rtol=1e-12)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (torch.tanh(t) * torch.roll(t, -1)).sum().backward()
    assert np.allclose(gradient, t.grad.numpy(), rtol=1e-12)
    states = [h.data for h in many_outputs(ad.Value(0.3), 4)]
    h, reference = 0.3, []
    for _ in range(4):
        h = np.tanh(0.9 * h + 0.1)
        reference.append(h)
    assert np.allclose(states, reference, rtol=1e-14)
    assert np.allclose(fm.jacobian(chained(3), x), ad.jacobian(chained(3), x), rtol=1e-12)


@pytest.mark.parametrize("width, batch", [(8, 1), (8, 4), (32, 3)])
def test_memory_is_what_numpy_and_torch_arrays_take(width, batch):
    y = torch.randn(batch, width, dtype=torch.float32)
    jacobian = torch.autograd.functional.jacobian(torch.tanh, y)  # (batch, width, batch, width)
    sizes = memory(width, batch)
    assert sizes.batch_jacobian == jacobian.numel() * jacobian.element_size()
    assert sizes.per_sample == np.zeros((batch, width, width), np.float32).nbytes
    assert sizes.vector == np.zeros((batch, width), np.float32).nbytes
    assert memory(width, batch, itemsize=8).vector == np.zeros((batch, width)).nbytes
    # the batch's Jacobian is block diagonal, and each block diagonal: the blocks hold it all
    flat = jacobian.reshape(batch * width, batch * width)
    blocks = torch.block_diag(*[jacobian[b, :, b, :] for b in range(batch)])
    assert torch.equal(flat, blocks) and torch.count_nonzero(flat) <= batch * width


def test_memory_gives_the_lectures_sizes():
    lecture = memory(4096, 16)
    assert lecture.per_sample // 16 == 64 * 2**20 and lecture.batch_jacobian == 16 * 2**30
    assert binary_size(lecture.per_sample // 16) == "64 MiB" and binary_size(lecture.batch_jacobian) == "16 GiB"
    assert [binary_size(b) for b in (0, 1023, 1024, 1536, 2**40)] == ["0 bytes", "1.02e+03 bytes", "1 KiB",
                                                                          "1.5 KiB", "1 TiB"]


@pytest.mark.parametrize("bad", [dict(width=0, batch=1), dict(width=4, batch=2.5), dict(width=True, batch=1),
                                 dict(width=4, batch=1, itemsize=-4)])
def test_memory_refuses_what_is_not_a_whole_positive_number(bad):
    with pytest.raises((TypeError, ValueError), match="width|batch|itemsize"):
        memory(**bad)


@pytest.mark.parametrize("f, x", [(None, [1.0]), (many_inputs, []), (many_inputs, [float("nan")]),
                                  (lambda x: "y", [1.0]), (lambda x: [x, None], [1.0])])
def test_operations_refuses_bad_input_with_a_clear_error(f, x):
    with pytest.raises((TypeError, ValueError), match="f|x|Value"):
        operations(f, x)


@pytest.mark.parametrize("n, m", [(1, 1), (128, 1), (4, 32)])
def test_the_modes_explorer_draws_the_closed_forms(n, m):
    explorer = cost_explorer()
    explorer.update(n=n, m=m)
    left, right = explorer.fig.axes
    sizes = [1, 2, 4, 8, 16, 32, 64, 128]
    for ax, along in ((left, [closed_form(k, m) for k in sizes]), (right, [closed_form(n, k) for k in sizes])):
        curves = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
        forward, reverse = (curves[label] for label in sorted(curves))  # "forward …" < "reverse …"
        assert list(forward.get_xdata()) == sizes and list(forward.get_ydata()) == [c[1] for c in along]
        assert list(reverse.get_ydata()) == [c[2] for c in along]
        rings = [line for line in ax.lines if line.get_label().startswith("_")]
        assert sorted(float(r.get_ydata()[0]) for r in rings) == sorted(closed_form(n, m)[1:])
    assert f"{closed_form(n, m)[1]:,}" in explorer.fig._suptitle.get_text()


@pytest.mark.parametrize("width, batch", [(4096, 16), (256, 1), (8192, 64)])
def test_the_memory_explorer_draws_the_sizes_numpy_would_allocate(width, batch):
    explorer = memory_explorer()
    explorer.update(width=width, batch=batch)
    ax = explorer.fig.axes[0]
    rings = [line for line in ax.lines if len(line.get_xdata()) == 1]
    # what NumPy reserves (calloc: untouched pages cost nothing): one sample's Jacobian times B,
    # the batch's (B·w)² entries of 4 bytes, the product B·w
    expected = sorted([(batch * width) ** 2 * np.zeros(1, np.float32).nbytes,
                       batch * np.zeros((width, width), np.float32).nbytes,
                       np.zeros((batch, width), np.float32).nbytes])
    assert sorted(float(r.get_ydata()[0]) for r in rings) == expected
    assert all(float(r.get_xdata()[0]) == batch for r in rings)
    blocks = [line for line in explorer.fig.axes[1].lines if len(line.get_xdata()) > 2][0]
    corners = set(zip(np.round(blocks.get_xdata(), 9), np.round(blocks.get_ydata(), 9)))
    edges = np.round(np.arange(batch + 1) / batch, 9)
    assert {(e, e) for e in edges} <= corners  # every block's corners on the diagonal
    assert binary_size(expected[-1]) in explorer.fig._suptitle.get_text()
