"""Growing Neural Gas learns the topology of its data (Fritzke, 1995), checked on shapes whose
topology is known: on a thin ring the graph is one closed chain around the hole, on a wide ring
it is connected and holds a cycle that winds once around the hole, and on two separated
clusters it falls into two connected components, one per cluster. Components are counted by
scipy.sparse.csgraph.connected_components, the independent reference; every case runs for
several seeds, so one lucky run cannot pass the test."""

from collections import deque

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.datasets import make_blobs

from lecturelib.gng import growing_neural_gas

SEEDS = range(4)


def ring(n, width, seed):
    """n points uniformly spread over the annulus of radii 1 ± width, centred at the origin."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = 1 + width * rng.uniform(-1, 1, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def component_labels(result):
    n = len(result.units)
    edges = np.array(result.edges).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)


def degrees(result):
    return np.bincount(np.array(result.edges).ravel(), minlength=len(result.units))


def windings(result):
    """Winding numbers around the origin of the graph's fundamental cycles.

    A spanning tree (breadth-first) lifts each unit's angle to a real number; every edge not
    in the tree closes one cycle, whose winding number is its lifted angle mismatch / 2π. The
    windings of all cycles are integer combinations of these, so the graph has a cycle
    around the origin if and only if one of them is non-zero. (Each edge is taken as the
    short way round, which holds when no edge passes near the origin.)"""
    angle = np.arctan2(result.units[:, 1], result.units[:, 0])
    neighbours = {i: [] for i in range(len(angle))}
    for a, b in result.edges:
        neighbours[a].append(b)
        neighbours[b].append(a)

    def turn(a, b):  # the angle from unit a to unit b, in (-π, π]
        return (angle[b] - angle[a] + np.pi) % (2 * np.pi) - np.pi

    lifted, tree, queue = {0: angle[0]}, set(), deque([0])
    while queue:
        a = queue.popleft()
        for b in neighbours[a]:
            if b not in lifted:
                lifted[b] = lifted[a] + turn(a, b)
                tree.add(frozenset((a, b)))
                queue.append(b)
    return [round((lifted[a] + turn(a, b) - lifted[b]) / (2 * np.pi))
            for a, b in result.edges if frozenset((a, b)) not in tree]


@pytest.mark.parametrize("seed", SEEDS)
def test_on_a_thin_ring_the_graph_is_one_closed_chain_around_the_hole(seed):
    result = growing_neural_gas(ring(400, 0.05, seed), 20, steps=3000, seed=seed)
    n_components, _ = component_labels(result)
    assert len(result.units) == 20 and n_components == 1
    assert (degrees(result) == 2).all()  # connected, every degree 2: a single cycle
    order = np.argsort(np.arctan2(result.units[:, 1], result.units[:, 0]))
    around = {tuple(sorted((int(a), int(b)))) for a, b in zip(order, np.roll(order, -1))}
    assert set(result.edges) == around  # the cycle visits the units in angular order
    assert [abs(w) for w in windings(result)] == [1]


@pytest.mark.parametrize("seed", SEEDS)
def test_on_a_wide_ring_the_graph_is_connected_and_winds_once_around_the_hole(seed):
    X = ring(400, 0.25, seed)
    result = growing_neural_gas(X, 20, steps=5000, seed=seed)
    n_components, _ = component_labels(result)
    assert n_components == 1
    radii = np.hypot(*result.units.T)
    assert radii.min() > 0.5  # no unit, so no edge end, near the hole: the windings are defined
    w = np.abs(windings(result))
    assert w.max() == 1  # a cycle goes once around the hole, none twice
    assert (degrees(result) > 2).any()  # not a chain any more: the band is triangulated


@pytest.mark.parametrize("seed", SEEDS)
def test_two_separated_clusters_give_two_components_one_per_cluster(seed):
    X, label = make_blobs(300, centers=[[0, 0], [6, 0]], cluster_std=0.5, random_state=seed)
    result = growing_neural_gas(X, 16, steps=3000, seed=seed)
    n_components, unit_component = component_labels(result)
    assert n_components == 2
    unit_cluster = (result.units[:, 0] > 3).astype(int)  # the nearer cluster centre
    # each component lies in one cluster, and each cluster holds one component
    assert len(set(zip(unit_component, unit_cluster))) == 2
    assert set(unit_cluster) == {0, 1}


def test_the_winding_check_can_fail():
    """The reference helper tells a chain that goes round from one that closes round."""
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    units = np.column_stack([np.cos(angles), np.sin(angles)])
    closed = type("G", (), dict(units=units, edges=[(i, (i + 1) % 12) for i in range(12)]))
    opened = type("G", (), dict(units=units, edges=[(i, i + 1) for i in range(11)]))
    assert [abs(w) for w in windings(closed)] == [1]
    assert windings(opened) == []
    assert component_labels(opened)[0] == 1
