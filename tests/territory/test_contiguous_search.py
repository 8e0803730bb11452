"""The contiguous search on hand-checkable maps: a line of units and a 3 x 4 grid."""

from __future__ import annotations

import math

import numpy as np

from spm_models.territory.contiguity import territory_components
from spm_models.territory.contiguous_search import SearchProblem, contiguous_search


def line(n: int) -> tuple[list[list[int]], np.ndarray]:
    neighbours = [[v for v in (u - 1, u + 1) if 0 <= v < n] for u in range(n)]
    edges = np.array([(u, u + 1) for u in range(n - 1)])
    return neighbours, edges


def problem(n: int, n_reps: int, *, cap: float = math.inf, exempt=None, **extra) -> SearchProblem:
    neighbours, _ = line(n)
    load = np.ones(n)
    target = np.full(n_reps, n / n_reps)
    # Today: everything with rep 0 except the last unit; moving a unit costs 1.
    owner = [0] * (n - 1) + [n_reps - 1]
    return SearchProblem(
        neighbours=neighbours,
        load=load,
        lower=0.9 * target,
        upper=1.1 * target,
        exempt=np.zeros(n, dtype=bool) if exempt is None else exempt,
        cost={(u, r): abs(u - (0 if r == 0 else n - 1)) for u in range(n) for r in range(n_reps)},
        disruption={(u, r): 1.0 for u in range(n) for r in range(n_reps) if r != owner[u]},
        cap=cap,
        **extra,
    )


def test_balances_a_line_into_two_halves():
    start = np.array([0, 0, 0, 0, 0, 1])
    found = contiguous_search(problem(6, 2), start, seed=1)
    assert found.feasible
    assert found.unit_rep.tolist() == [0, 0, 0, 1, 1, 1]
    assert found.disruption == 2.0 and found.least_balanced_disruption == 2.0


def test_the_cap_binds_and_the_shortfall_is_reported():
    start = np.array([0, 0, 0, 0, 0, 1])
    found = contiguous_search(problem(6, 2, cap=1.0), start, seed=1)
    assert not found.feasible
    # Balancing needs two units moved: the search saw that, and no more than the cap was met.
    assert found.least_balanced_disruption == 2.0


def test_territories_stay_contiguous_on_a_grid():
    rows, cols = 3, 4
    n = rows * cols
    neighbours = [[] for _ in range(n)]
    edges = []
    for u in range(n):
        r, c = divmod(u, cols)
        for v in ((r + 1) * cols + c if r + 1 < rows else -1, u + 1 if c + 1 < cols else -1):
            if v >= 0:
                neighbours[u].append(v)
                neighbours[v].append(u)
                edges.append((u, v))
    load = np.array([4, 8, 5, 1, 7, 7, 8, 2, 1, 8, 1, 5], dtype=float)
    target = np.full(3, load.sum() / 3)
    homes = (0, 3, 10)
    cost = {(u, r): float(abs(u // cols - homes[r] // cols) + abs(u % cols - homes[r] % cols))
            for u in range(n) for r in range(3)}  # fmt: skip
    prob = SearchProblem(neighbours, load, 0.9 * target, 1.1 * target, np.zeros(n, bool),
                         cost, {}, math.inf)  # fmt: skip
    start = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    found = contiguous_search(prob, start, seed=3)
    assert found.feasible
    loads = np.bincount(found.unit_rep, weights=load, minlength=3)
    assert np.all(loads >= 0.9 * target - 1e-9) and np.all(loads <= 1.1 * target + 1e-9)
    parts = territory_components(found.unit_rep, np.array(edges), np.zeros(n, bool), 3)
    assert parts.tolist() == [1, 1, 1]


def test_a_rep_living_in_an_exempt_unit_starts_a_territory_on_the_mainland():
    # Unit 6 is an island far away (exempt, no neighbours) where rep 2 lives; it holds no load.
    neighbours, _ = line(6)
    neighbours.append([])
    exempt = np.array([False] * 6 + [True])
    load = np.r_[np.ones(6), 0.0]
    target = np.full(3, 2.0)
    cost = {(u, r): 1.0 for u in range(7) for r in range(3)}
    prob = SearchProblem(neighbours, load, 0.9 * target, 1.1 * target, exempt, cost, {},
                         math.inf, home_exempt=(2,))  # fmt: skip
    start = np.array([0, 0, 0, 1, 1, 1, 2])
    found = contiguous_search(prob, start, seed=0)
    assert found.feasible
    loads = np.bincount(found.unit_rep, weights=load, minlength=3)
    assert loads.tolist() == [2.0, 2.0, 2.0]
    mainland = found.unit_rep[:6]
    assert territory_components(mainland, line(6)[1], np.zeros(6, bool), 3).tolist() == [1, 1, 1]


def test_a_locked_unit_keeps_its_only_arc_and_the_same_seed_repeats_the_walk():
    prob = problem(6, 2)
    locked = {k: v for k, v in prob.cost.items() if k[0] != 2 or k[1] == 0}
    prob = SearchProblem(prob.neighbours, prob.load, prob.lower, prob.upper, prob.exempt,
                         locked, prob.disruption, prob.cap)  # fmt: skip
    start = np.array([0, 0, 0, 0, 0, 1])
    first = contiguous_search(prob, start, seed=7)
    again = contiguous_search(prob, start, seed=7)
    assert first.feasible and first.unit_rep[2] == 0
    assert first.unit_rep.tolist() == again.unit_rep.tolist()


def test_the_shortfall_sentence_says_what_contiguity_needed():
    from types import SimpleNamespace

    import pandas as pd

    from spm_models.territory.contiguous_search import SearchResult
    from spm_models.territory.units import _shortfall

    base = SimpleNamespace(
        disruption_cap=200.0,
        spec=SimpleNamespace(disruption_basis="accounts"),
        accounts=pd.DataFrame({"potential": np.ones(1000)}),
        reps=pd.DataFrame({"rep_id": [f"R{i}" for i in range(10)]}),
    )
    inputs = SimpleNamespace(base=base)
    rep = np.zeros(3, dtype=np.int64)
    over = SearchResult(rep, False, 200.0, 310.0, 10, 2)
    assert _shortfall(inputs, over) == (
        "; the contiguous territories in band that the search found moved 31% of the "
        "accounts, above the cap of 20%"
    )
    short = SearchResult(rep, False, 200.0, None, 10, 3)
    assert _shortfall(inputs, short) == (
        "; the closest contiguous alignment the search found within the cap of 20% left "
        "3 of 10 territories outside their band"
    )
    assert _shortfall(inputs, SearchResult(rep, True, 150.0, 150.0, 10)) == ""
