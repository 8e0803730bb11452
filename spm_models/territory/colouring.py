"""Colours for territory maps: graph colouring so that neighbouring territories differ."""

from __future__ import annotations

import numpy as np


def territory_graph(unit_rep: np.ndarray, edges: np.ndarray) -> dict[int, set[int]]:
    """Territories (rep positions) that share a unit border, as an adjacency dict."""
    adj: dict[int, set[int]] = {int(r): set() for r in np.unique(unit_rep[unit_rep >= 0])}
    if len(edges):
        ra, rb = unit_rep[edges[:, 0]], unit_rep[edges[:, 1]]
        for a, b in zip(ra.tolist(), rb.tolist(), strict=True):
            if a != b and a >= 0 and b >= 0:
                adj[a].add(b)
                adj[b].add(a)
    return adj


def colour_territories(adj: dict[int, set[int]]) -> dict[int, int]:
    """A colour index per territory, neighbours never equal (DSatur greedy colouring).

    Picks the territory whose neighbours already use the most colours, then its lowest free
    colour; planar maps come out in about five colours.
    """
    colour: dict[int, int] = {}
    while len(colour) < len(adj):
        todo = [t for t in adj if t not in colour]
        t = max(todo, key=lambda k: (len({colour[n] for n in adj[k] if n in colour}),
                                     len(adj[k]), -k))  # fmt: skip
        used = {colour[n] for n in adj[t] if n in colour}
        colour[t] = next(c for c in range(len(adj) + 1) if c not in used)
    return colour
