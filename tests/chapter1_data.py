"""The small data sets chapter 1's tests hand to k-means, GNG, the RBF fits and the sawtooth
networks when they try careless arguments: 12 points in the plane with regression, binary and
three-class targets, the 2-step networks fitted to them, their features, and a grid of [0, 1]."""

import numpy as np
import torch

from lecturelib import rbf

rng = np.random.default_rng(0)
X = rng.normal(size=(12, 2))
Y_REG = X[:, 0] - 0.5 * X[:, 1]
Y_BIN = (X[:, 0] > 0).astype(int)
Y_MULTI = np.arange(12) % 3
NET = rbf.fit_two_step(X, Y_REG, 4)
BINARY = rbf.fit_two_step(X, Y_BIN, 4, task="binary", ridge=0.1)
PHI = NET.features(X)
T = torch.linspace(0, 1, 8, dtype=torch.float64)[:, None]
