"""Chapter 4 benchmark rows: the per-step cost of lecturelib's update rules on a torch model,
through `torch_optim.TorchOptimizer`, against the same rule in torch.optim (the ratio ours / torch's).

The model is the chapter's digits network scaled up to MNIST size (784 → 256 sigmoid → 10, one
batch of 128); only `optimizer.step()` is timed, with the gradients already in place."""

from __future__ import annotations

import time

import torch

from lecturelib import optim, torch_optim

CASES = {
    "SGD": (lambda: optim.sgd(0.01), lambda p: torch.optim.SGD(p, lr=0.01)),
    "momentum": (lambda: optim.momentum(0.01, 0.9), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    "Adam": (lambda: optim.adam(0.001), lambda p: torch.optim.Adam(p, lr=0.001, foreach=False)),
    "RMSProp": (lambda: optim.rmsprop(0.001, eps_inside=False),
                lambda p: torch.optim.RMSprop(p, lr=0.001, alpha=0.9, eps=1e-6, foreach=False)),
}


def _seconds_per_step(make_optimizer, steps: int = 200) -> float:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.Sigmoid(), torch.nn.Linear(256, 10))
    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    torch.nn.functional.cross_entropy(model(x), y).backward()
    optimizer = make_optimizer(model.parameters())
    for _ in range(10):  # warm up (state allocation, first-call imports)
        optimizer.step()
    start = time.perf_counter()
    for _ in range(steps):
        optimizer.step()
    return (time.perf_counter() - start) / steps


def rows() -> list[tuple[str, str]]:
    torch.set_num_threads(1)
    result = []
    for name, (ours, theirs) in CASES.items():
        our_time = _seconds_per_step(lambda params: torch_optim.TorchOptimizer(params, ours()))
        their_time = _seconds_per_step(theirs)
        result.append((f"optimizer step, {name} on a 784-256-10 MLP: lecturelib / torch.optim (ch. 4)",
                       f"{our_time * 1e6:.0f} µs / {their_time * 1e6:.0f} µs = {our_time / their_time:.2f}×"))
    return result


if __name__ == "__main__":
    for what, value in rows():
        print(f"| {what} | {value} |")
