"""Contiguity of unit territories: connected components and the cuts that forbid islands.

A territory is contiguous when its units (Alaska and Hawaii left out: they are exempt) form
one connected component of the unit adjacency graph. The cut used against an island ``S`` of
rep ``r`` whose main part holds unit ``j`` is, for every unit ``i`` of ``S``::

    x[i, r] + x[j, r] - sum(x[k, r] for k in N(S)) <= 1

where ``N(S)`` are the units next to ``S``: a connected territory holding both ``i`` and
``j`` must hold a unit of every set that separates them, so the cut is valid for every
contiguous alignment and cuts off the current one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Island:
    """A part of a territory cut off from its main part.

    Attributes
    ----------
    rep : int
        Rep position.
    units : numpy.ndarray
        Unit positions of the island.
    anchor : int
        A unit of the territory's main part (its rep's home unit when that is in it).
    boundary : numpy.ndarray
        Units adjacent to the island (none of them in the territory).
    """

    rep: int
    units: np.ndarray
    anchor: int
    boundary: np.ndarray


def component_labels(unit_rep: np.ndarray, edges: np.ndarray, exempt: np.ndarray) -> np.ndarray:
    """Connected-component label of each unit within its own territory (-1: exempt).

    Parameters
    ----------
    unit_rep : numpy.ndarray of int
        Rep position of every unit.
    edges : numpy.ndarray
        Adjacent unit pairs, shape ``(m, 2)``.
    exempt : numpy.ndarray of bool
        Units exempt from contiguity.
    """
    n = len(unit_rep)
    keep = np.zeros(0, dtype=bool)
    if len(edges):
        a, b = edges[:, 0], edges[:, 1]
        keep = (unit_rep[a] == unit_rep[b]) & ~exempt[a] & ~exempt[b]
        graph = sparse.coo_matrix((np.ones(keep.sum()), (a[keep], b[keep])), shape=(n, n))
    else:
        graph = sparse.coo_matrix((n, n))
    _, labels = connected_components(graph, directed=False)
    return np.where(exempt, -1, labels)


def territory_components(
    unit_rep: np.ndarray, edges: np.ndarray, exempt: np.ndarray, n_reps: int
) -> np.ndarray:
    """Number of connected parts of each rep's territory (exempt units not counted)."""
    labels = component_labels(unit_rep, edges, exempt)
    live = labels >= 0
    pairs = np.unique(np.column_stack([unit_rep[live], labels[live]]), axis=0)
    return np.bincount(pairs[:, 0], minlength=n_reps) if len(pairs) else np.zeros(n_reps, int)


def find_islands(
    unit_rep: np.ndarray,
    edges: np.ndarray,
    exempt: np.ndarray,
    neighbours: list[np.ndarray],
    home_unit: np.ndarray,
    unit_load: np.ndarray,
) -> list[Island]:
    """Every part of a territory other than its main part.

    The main part holds the rep's home unit; when none does, it is the part with the most
    load (then the most units).
    """
    labels = component_labels(unit_rep, edges, exempt)
    islands: list[Island] = []
    live = np.flatnonzero(labels >= 0)
    for r in np.unique(unit_rep[live]):
        mine = live[unit_rep[live] == r]
        parts = np.unique(labels[mine])
        if len(parts) < 2:
            continue
        home = int(home_unit[r]) if r < len(home_unit) else -1
        if home >= 0 and unit_rep[home] == r and labels[home] >= 0:
            main = labels[home]
        else:
            score = [(unit_load[mine[labels[mine] == p]].sum(), (labels[mine] == p).sum(), -p)
                     for p in parts]  # fmt: skip
            main = parts[max(range(len(parts)), key=lambda k: score[k])]
        main_units = mine[labels[mine] == main]
        anchor = (
            home
            if home in set(main_units.tolist())
            else int(main_units[np.argmax(unit_load[main_units])])
        )
        for p in parts:
            if p == main:
                continue
            part = mine[labels[mine] == p]
            inside = set(part.tolist())
            boundary = sorted({int(k) for u in part for k in neighbours[u]} - inside)
            islands.append(Island(int(r), part, anchor, np.array(boundary, dtype=np.int64)))
    return islands


def repair_contiguity(
    unit_rep: np.ndarray,
    islands: list[Island],
    neighbours: list[np.ndarray],
    cost: dict[tuple[int, int], float],
    exempt: np.ndarray,
) -> np.ndarray:
    """Give every island unit to an adjacent territory, growing territories from their main
    parts, so that the result is contiguous (loads may leave their band; see
    :func:`~spm_models.territory.contiguous_search.contiguous_search`).

    Parameters
    ----------
    unit_rep : numpy.ndarray
        Rep of every unit.
    islands : list of Island
        From :func:`find_islands`.
    neighbours : list of numpy.ndarray
        Adjacent units of every unit.
    cost : dict
        ``{(unit, rep): cost}`` of every candidate arc; a unit joins the cheapest adjacent
        territory among its candidates (any adjacent one when none is a candidate).
    exempt : numpy.ndarray of bool
        Units exempt from contiguity.
    """
    rep = unit_rep.copy()
    orphan = {int(u) for isl in islands for u in isl.units}
    for u in orphan:
        rep[u] = -1
    while orphan:
        best: tuple[float, int, int] | None = None
        for u in orphan:
            for v in neighbours[u]:
                r = int(rep[int(v)])
                if r < 0 or exempt[int(v)]:
                    continue
                c = cost.get((u, r), np.inf)
                if best is None or c < best[0]:
                    best = (c, u, r)
        if best is None:  # cannot happen on a connected map; keep the solver's choice
            for u in orphan:
                rep[u] = unit_rep[u]
            break
        _, u, r = best
        rep[u] = r
        orphan.discard(u)
    return rep
