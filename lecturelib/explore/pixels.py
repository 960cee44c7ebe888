"""Pixel geometry of the static explorer (static.py): a line's data points, already in the
figure's display coordinates, become the contract's flat integer list in CSS px.

CSS px of the figure: 100 px per inch, origin top-left, y down; stored as integers in 1/SCALE px.
Shrinking, all of it below what the eye sees at 100 px per inch: a line is cut to its axes'
rectangle widened by MARGIN_PX (exact Liang–Barsky clipping, so a diverging path still leaves
the axes as in the live figure; NaN/inf break the line as in matplotlib), then simplified by
Ramer–Douglas–Peucker with tolerance TOLERANCE_PX (every dropped point lies within 0.25 px of
the drawn polyline); of a line's markers, consecutive ones closer than MIN_STEP_PX are merged.
"""

from __future__ import annotations

import numpy as np

CSS_PX_PER_INCH = 100
SCALE = 10             # coordinates in 1/10 CSS px
TOLERANCE_PX = 0.25    # Ramer–Douglas–Peucker tolerance of a line
MIN_STEP_PX = 0.3      # markers closer than this to the previous one are merged
MARGIN_PX = 20         # lines are cut this far outside their clip rectangle (beyond any marker)


def rectangle(bounds, height) -> list:
    """A display-space (x, y, w, h), y up, as the contract's [x, y, w, h]: 1/SCALE CSS px, y down."""
    x, y, w, h = bounds
    return [round(x * SCALE), round((height - y - h) * SCALE), round(w * SCALE), round(h * SCALE)]


def clip_index(artist, fig) -> int:
    """The index of the axes whose rectangle clips `artist`; -1 = the figure (not clipped)."""
    if not artist.get_clip_on() or artist.get_clip_box() is None:
        return -1
    bounds = artist.get_clip_box().bounds
    for i, ax in enumerate(fig.axes):
        if np.allclose(ax.bbox.bounds, bounds):
            return i
    return -1


def cut_box(fig, clip):
    """The rectangle (CSS px, y down) a line is cut to: its clip rectangle widened by MARGIN_PX."""
    if clip < 0:
        x0, y0, x1, y1 = 0.0, 0.0, fig.bbox.width, fig.bbox.height
    else:
        x, y, w, h = fig.axes[clip].bbox.bounds
        x0, y0, x1, y1 = x, fig.bbox.height - y - h, x + w, fig.bbox.height - y
    return x0 - MARGIN_PX, y0 - MARGIN_PX, x1 + MARGIN_PX, y1 + MARGIN_PX


def encode(px, box, style) -> list:
    """A line's CSS-px points as the flat integer list of the contract (None breaks the line)."""
    has_line, has_markers = style[2] > 0, bool(style[4])
    finite = np.isfinite(px).all(axis=1)
    pieces = []
    for run in np.split(px, np.flatnonzero(np.diff(finite.astype(int))) + 1):
        if not np.isfinite(run).all() or len(run) == 0:
            continue
        if has_line:
            for piece in cut(run, box):
                pieces.append(thin(piece) if has_markers else simplify(piece, TOLERANCE_PX))
        else:
            inside = run[(run[:, 0] >= box[0]) & (run[:, 0] <= box[2]) & (run[:, 1] >= box[1]) & (run[:, 1] <= box[3])]
            if len(inside):
                pieces.append(thin(inside))
    flat = []
    for piece in pieces:
        q = np.round(piece * SCALE).astype(np.int64)
        if len(q) > 1:
            q = q[np.concatenate([[True], np.any(np.diff(q, axis=0) != 0, axis=1)])]
        if flat:
            flat += [None, None]
        flat += q.ravel().tolist()
    return flat


def cut(points, box):
    """The parts of a polyline inside `box` (x0, y0, x1, y1), cut exactly (Liang–Barsky)."""
    x0, y0, x1, y1 = box
    inside = (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    if inside.all():
        return [points]
    if len(points) == 1:
        return []
    a, d = points[:-1], np.diff(points, axis=0)
    t0, t1 = np.zeros(len(d)), np.ones(len(d))
    keep = np.ones(len(d), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]), (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            r = q / p
            keep &= ~((p == 0) & (q < 0))
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    starts, ends = a + t0[:, None] * d, a + t1[:, None] * d
    pieces, current = [], None
    for i in np.flatnonzero(keep):
        joined = current is not None and i > 0 and keep[i - 1] and t1[i - 1] == 1 and t0[i] == 0
        if not joined:
            if current:
                pieces.append(np.array(current))
            current = [starts[i]]
        current.append(ends[i])
    if current:
        pieces.append(np.array(current))
    return pieces


def simplify(points, tolerance):
    """Ramer–Douglas–Peucker: the fewest points such that every dropped one lies within
    `tolerance` of the polyline through the kept ones."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, d, between = points[i], points[j] - points[i], points[i + 1:j]
        length2 = float(d @ d)
        t = np.clip((between - a) @ d / length2, 0, 1) if length2 > 0 else np.zeros(len(between))
        distance = np.hypot(*(between - a - t[:, None] * d).T)
        k = int(np.argmax(distance))
        if distance[k] > tolerance:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return points[keep]


def thin(points):
    """Markers: drop each one closer than MIN_STEP_PX to the previous one kept."""
    if len(points) < 2 or np.all(np.hypot(*np.diff(points, axis=0).T) >= MIN_STEP_PX):
        return points
    kept = [points[0]]
    for p in points[1:]:
        if np.hypot(*(p - kept[-1])) >= MIN_STEP_PX:
            kept.append(p)
    return np.array(kept)
