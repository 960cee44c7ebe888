"""Chapter 1 benchmark rows: our k-means (k-means++ seeding + Lloyd, best of 10) against
scikit-learn's KMeans on the two moons (inertia and time), and 2-step against 3-step RBF
learning on the two moons (N = 20 centres, ridge 0.01, 200 Adam steps): held-out accuracy."""

from __future__ import annotations

import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_moons

from lecturelib import kmeans as km
from lecturelib import rbf, torch_rbf


def rows() -> list[tuple[str, str]]:
    X, y = make_moons(300, noise=0.25, random_state=0)
    start = time.perf_counter()
    ours = km.kmeans(X, 20, seed=0, n_init=10)
    ours_seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = KMeans(20, n_init=10, random_state=0).fit(X)
    theirs_seconds = time.perf_counter() - start

    two = rbf.fit_two_step(X[:200], y[:200], 20, task="binary", ridge=1e-2)
    three, _ = torch_rbf.fine_tune(two, X[:200], y[:200], steps=200, lr=0.01)
    accuracy = [float(np.mean(m.classify(X[200:]) == y[200:])) for m in (two, three)]
    return [
        ("k-means, two moons, k = 20, best of 10: inertia ours / scikit-learn",
         f"{ours.inertia:.2f} / {theirs.inertia_:.2f}"),
        ("k-means, same: time ours / scikit-learn",
         f"{ours_seconds * 1000:.0f} ms / {theirs_seconds * 1000:.0f} ms"),
        ("RBF net, two moons, N = 20: held-out accuracy 2-step / 3-step",
         f"{accuracy[0]:.0%} / {accuracy[1]:.0%}"),
    ]
