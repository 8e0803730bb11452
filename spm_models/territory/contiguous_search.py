"""A search over contiguous unit alignments: border moves that never split a territory.

Cuts make the solver's alignment contiguous only slowly on a national map, and a greedy
rebalance of a repaired alignment stalls at the first local optimum. This simulated
annealing walks from a contiguous alignment through contiguous alignments only: a unit
moves to an adjacent territory (any candidate rep for an Alaska or Hawaii unit, and any for
a rep whose home is there and who holds no other unit yet) when the territory it leaves stays
connected. The energy adds, in territory targets, the band violation of the loads, the
disruption above the cap (with a weight that rises during the run, so that the walk first
finds balanced territories and then brings the disruption under the cap), assignments off
the candidate arcs, and a little travel cost; the best alignment that meets the band and the
cap is kept. When none is found, the smallest disruption of a balanced contiguous alignment
seen on the way says how far the cap is from what contiguity needs.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

import numpy as np

#: Weight of one territory's worth of disruption above the cap, at the start and the end.
CAP_WEIGHT = (0.25, 0.5)
#: Weight of the travel cost (relative to the starting alignment's).
TRAVEL_WEIGHT = 0.05
#: Temperature at the start and the end of the run (energy in territory targets).
TEMPERATURE = (0.05, 1e-4)
#: Moves tried per unit by default: enough to settle a small map long before the time runs
#: out, so that a small case does not spend its whole budget searching.
MOVES_PER_UNIT = 2000
#: Band violation (in targets) below which a territory load counts as in band.
IN_BAND = 1e-9


@dataclass(frozen=True)
class SearchProblem:
    """What a contiguous alignment must meet, unit by unit.

    Attributes
    ----------
    neighbours : list of list of int
        Adjacent units of every unit.
    load : numpy.ndarray
        Balanced load of every unit.
    lower, upper : numpy.ndarray
        Load band of every rep.
    exempt : numpy.ndarray of bool
        Units exempt from contiguity (Alaska and Hawaii).
    cost : dict
        ``{(unit, rep): travel cost}`` of every allowed arc (a locked unit has one); an
        alignment on another arc does not count as found.
    disruption : dict
        ``{(unit, rep): disruption}`` as the cap counts it (missing: none).
    cap : float
        Largest total disruption (``math.inf``: no cap).
    home_exempt : tuple of int
        Reps whose home unit is exempt: they may start a territory anywhere.
    """

    neighbours: list[list[int]]
    load: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    exempt: np.ndarray
    cost: dict[tuple[int, int], float]
    disruption: dict[tuple[int, int], float]
    cap: float
    home_exempt: tuple[int, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """The best alignment of a search.

    Attributes
    ----------
    unit_rep : numpy.ndarray
        The best alignment meeting band and cap when ``feasible``; else the last one.
    feasible : bool
        Whether ``unit_rep`` meets the band, the cap and the candidate arcs.
    disruption : float
        Disruption of ``unit_rep``.
    least_balanced_disruption : float or None
        Smallest disruption of an in-band contiguous alignment on candidate arcs that the
        search visited (None: it found none).
    iterations : int
        Moves tried.
    out_of_band : int
        Territories of ``unit_rep`` whose load is outside their band.
    """

    unit_rep: np.ndarray
    feasible: bool
    disruption: float
    least_balanced_disruption: float | None
    iterations: int
    out_of_band: int = 0


class _State:
    """The walk's alignment with its loads, disruption, cost and violation kept current."""

    def __init__(self, problem: SearchProblem, unit_rep: np.ndarray) -> None:
        p = problem
        self.p = p
        self.rep = [int(r) for r in unit_rep]
        n_reps = len(p.lower)
        self.members: list[set[int]] = [set() for _ in range(n_reps)]
        for u, r in enumerate(self.rep):
            self.members[r].add(u)
        self.load = [float(v) for v in p.load]
        self.lower = [float(v) for v in p.lower]
        self.upper = [float(v) for v in p.upper]
        self.tload = [0.0] * n_reps
        for u, r in enumerate(self.rep):
            self.tload[r] += self.load[u]
        worst = {}
        for (u, _), c in p.cost.items():
            worst[u] = max(worst.get(u, 0.0), c)
        # An arc off the candidates costs more than any candidate, so the walk leaves it.
        self.off_cost = {u: 3.0 * c + 1.0 for u, c in worst.items()}
        self.spent = sum(self.dis(u, r) for u, r in enumerate(self.rep))
        self.travel = sum(self.arc_cost(u, r) for u, r in enumerate(self.rep))
        self.off_arcs = sum((u, r) not in p.cost for u, r in enumerate(self.rep))
        self.violation = sum(self.viol(r, self.tload[r]) for r in range(n_reps))

    def viol(self, r: int, x: float) -> float:
        return max(x - self.upper[r], 0.0) + max(self.lower[r] - x, 0.0)

    def violation_change(self, u: int, src: int, dst: int) -> float:
        """Change of the total band violation when ``u`` moves from ``src`` to ``dst``."""
        x = self.load[u]
        return (
            self.viol(src, self.tload[src] - x)
            + self.viol(dst, self.tload[dst] + x)
            - self.viol(src, self.tload[src])
            - self.viol(dst, self.tload[dst])
        )

    def dis(self, u: int, r: int) -> float:
        return self.p.disruption.get((u, r), 0.0)

    def arc_cost(self, u: int, r: int) -> float:
        c = self.p.cost.get((u, r))
        return self.off_cost.get(u, 1.0) if c is None else c

    def connected_without(self, src: int, u: int) -> bool:
        """Whether ``src``'s units other than ``u`` stay connected around ``u``."""
        mem = self.members[src]
        exempt = self.p.exempt
        nbrs = self.p.neighbours
        ends = [v for v in nbrs[u] if v in mem and not exempt[v]]
        if len(ends) <= 1:
            return True
        need = set(ends[1:])
        seen = {u, ends[0]}
        stack = [ends[0]]
        while stack and need:
            x = stack.pop()
            for y in nbrs[x]:
                if y not in seen and y in mem and not exempt[y]:
                    seen.add(y)
                    need.discard(y)
                    stack.append(y)
        return not need

    def move(self, u: int, dst: int) -> None:
        src = self.rep[u]
        self.violation += self.violation_change(u, src, dst)
        self.tload[src] -= self.load[u]
        self.tload[dst] += self.load[u]
        self.spent += self.dis(u, dst) - self.dis(u, src)
        self.travel += self.arc_cost(u, dst) - self.arc_cost(u, src)
        self.off_arcs += ((u, dst) not in self.p.cost) - ((u, src) not in self.p.cost)
        self.members[src].discard(u)
        self.members[dst].add(u)
        self.rep[u] = dst


def _destination(state: _State, u: int, rng: random.Random, candidates: list[list[int]]) -> int:
    """A rep ``u`` may join: an adjacent territory, or any candidate where contiguity allows."""
    p = state.p
    if p.exempt[u]:
        return rng.choice(candidates[u]) if candidates[u] else -1
    if p.home_exempt and rng.random() < 0.02:
        r = rng.choice(p.home_exempt)
        if (u, r) in p.cost and all(p.exempt[v] for v in state.members[r]):
            return r
    v = rng.choice(p.neighbours[u]) if p.neighbours[u] else u
    return -1 if p.exempt[v] else state.rep[v]


def contiguous_search(
    problem: SearchProblem,
    unit_rep: np.ndarray,
    *,
    time_limit: float = 30.0,
    max_iterations: int | None = None,
    seed: int = 0,
) -> SearchResult:
    """Anneal from a contiguous alignment towards one in band and under the cap.

    Parameters
    ----------
    problem : SearchProblem
        Band, cap, candidate arcs and adjacency.
    unit_rep : numpy.ndarray
        A contiguous alignment to start from (loads may be out of band).
    time_limit : float
        Seconds of search; the cooling follows whichever of time and iterations runs out
        first.
    max_iterations : int, optional
        Moves to try at most (default :data:`MOVES_PER_UNIT` per unit).
    seed : int
        Seed of the move choices (the same seed and budget give the same walk).

    Returns
    -------
    SearchResult
    """
    p = problem
    rng = random.Random(seed)
    state = _State(p, unit_rep)
    target = float(np.mean((p.lower + p.upper) / 2.0))
    worth = _territory_worth(p, len(p.lower))
    travel0 = abs(state.travel) or 1.0
    movable = list(range(len(p.neighbours)))
    if max_iterations is None:
        max_iterations = MOVES_PER_UNIT * len(movable)
    candidates = [[] for _ in p.neighbours]
    for u, r in p.cost:
        candidates[u].append(r)
    for c in candidates:
        c.sort()
    best: tuple[float, list[int]] | None = None
    least: float | None = None
    t0 = time.perf_counter()
    it = 0
    temp, w_cap = TEMPERATURE[0], CAP_WEIGHT[0]
    while it < max_iterations and movable:
        it += 1
        if it % 256 == 0:
            done = max(it / max_iterations, (time.perf_counter() - t0) / max(time_limit, 1e-9))
            if done >= 1.0:
                break
            # Geometric cooling; the cap weight rises as the temperature falls.
            temp = TEMPERATURE[0] * (TEMPERATURE[1] / TEMPERATURE[0]) ** done
            w_cap = CAP_WEIGHT[0] * (CAP_WEIGHT[1] / CAP_WEIGHT[0]) ** done
        u = rng.choice(movable)
        src = state.rep[u]
        dst = _destination(state, u, rng, candidates)
        if dst < 0 or dst == src or (u, dst) not in p.cost or len(state.members[src]) <= 1:
            continue
        delta = _delta(state, u, src, dst, w_cap, worth, target, travel0)
        if delta > 0 and rng.random() >= math.exp(-delta / temp):
            continue
        if not p.exempt[u] and not state.connected_without(src, u):
            continue
        state.move(u, dst)
        if state.off_arcs or state.violation > IN_BAND * target:
            continue
        least = state.spent if least is None else min(least, state.spent)
        if state.spent <= p.cap + 1e-9 and (best is None or state.travel < best[0] - 1e-9):
            best = (state.travel, list(state.rep))
    if best is not None:
        rep = np.array(best[1], dtype=np.int64)
        spent = sum(p.disruption.get((u, int(r)), 0.0) for u, r in enumerate(rep))
        return SearchResult(rep, True, spent, least, it)
    outside = sum(state.viol(r, x) > IN_BAND * target for r, x in enumerate(state.tload))
    rep = np.array(state.rep, dtype=np.int64)
    return SearchResult(rep, False, state.spent, least, it, outside)


def _territory_worth(problem: SearchProblem, n_reps: int) -> float:
    """A territory's share of the disruption that moving every unit would cost."""
    most = {}
    for (u, _), d in problem.disruption.items():
        most[u] = max(most.get(u, 0.0), d)
    return max(sum(most.values()) / max(n_reps, 1), 1e-9) if most else 1.0


def _delta(
    state: _State, u: int, src: int, dst: int, w_cap: float, worth: float, target: float,
    travel0: float,
) -> float:  # fmt: skip
    """Energy change of moving ``u`` from ``src`` to ``dst``."""
    viol = state.violation_change(u, src, dst) / target
    spent = state.spent + state.dis(u, dst) - state.dis(u, src)
    over = (max(spent - state.p.cap, 0.0) - max(state.spent - state.p.cap, 0.0)) / worth
    travel = (state.arc_cost(u, dst) - state.arc_cost(u, src)) / travel0
    off = ((u, dst) not in state.p.cost) - ((u, src) not in state.p.cost)
    return viol + w_cap * over + TRAVEL_WEIGHT * travel + off
