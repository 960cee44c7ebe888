"""How the library writes values in its messages: `plain` (a number, an array, a list, as a reader
writes it), `number` (a float with NaN spelled out) and `format_point` (θ, short even for many
parameters). The one formatter of every error message and of the exercise checkers."""

from __future__ import annotations

import math
import numbers

import numpy as np


def number(x: float, digits: int = 6) -> str:
    """A float with `digits` significant digits, NaN as "NaN"."""
    return "NaN" if math.isnan(x) else f"{x:.{digits}g}"


def plain(value, digits: int = 6) -> str:
    """`value` as a reader writes it: `0.4759`, `'adam'`, `[1, 2.5]`, `(64, 8)`; not
    `np.float64(0.4759)`. The one formatter of every message (the checkers' too)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        text = str(int(value))
        return text if len(text) < 16 else f"a {len(text.lstrip('-'))}-digit integer"
    if isinstance(value, numbers.Real):
        return number(float(value), digits)
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), digits) if value.size <= 12 else f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        if len(value) > 12:
            return f"a {type(value).__name__} of length {len(value)}"
        inner = ", ".join(plain(v, digits) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_point(theta) -> str:
    """θ for an error message: short, even for many parameters (a description is kept as it is;
    a network's list of weight tensors is counted, not printed)."""
    if isinstance(theta, str):
        return theta
    if isinstance(theta, (list, tuple)) and any(np.ndim(t) > 0 for t in theta):
        return f"the weights ({len(theta)} arrays)"
    if type(theta).__module__.startswith("torch"):  # a tensor (torch is never imported here)
        theta = theta.detach().cpu().numpy()
    return np.array2string(np.asarray(theta), precision=4, threshold=6)
