"""Chapter 3 benchmark row: the hand-written NumPy backprop of the lecture's two-layer network
(lecturelib.backprop) against torch.autograd on the same network, batch 64, float64.

Network: digits-sized, n_x = 64 inputs, n1 = 128 tanh units, n2 = 10 classes, softmax +
cross-entropy; one forward and backward pass per call, median of many calls."""

from __future__ import annotations

import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from lecturelib.backprop import backprop

M, N_X, N1, N2 = 64, 64, 128, 10


def _median_seconds(step, repeats: int = 300) -> float:
    for _ in range(20):
        step()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows() -> list[tuple[str, str]]:
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(M, N_X)), rng.integers(0, N2, size=M)
    W1, W2 = rng.normal(size=(N1, N_X)) * 0.1, rng.normal(size=(N2, N1)) * 0.1
    tX, tlabels = torch.tensor(X), torch.tensor(labels)
    w1, w2 = torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)

    def ours():
        backprop(W1, W2, X, labels, "classification", "tanh")

    def torch_step():
        w1.grad = w2.grad = None
        F.cross_entropy(torch.tanh(tX @ w1.T) @ w2.T, tlabels).backward()

    numpy_seconds, torch_seconds = _median_seconds(ours), _median_seconds(torch_step)
    return [(f"2-layer backprop {N_X}→{N1}→{N2}, batch {M}, float64: hand NumPy / torch.autograd "
             f"({numpy_seconds * 1e6:.0f} µs / {torch_seconds * 1e6:.0f} µs)",
             f"{numpy_seconds / torch_seconds:.2f}×")]


if __name__ == "__main__":
    for what, result in rows():
        print(f"| {what} | {result} |")
