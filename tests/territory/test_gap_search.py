"""Heuristics and the combined solve of generalized assignment problems."""

from __future__ import annotations

import time

import numpy as np
import pytest

from spm_models import config
from spm_models.territory import SolveStatus, gap_solve, read_gap_file
from spm_models.territory.gap_instances import GapInstance
from spm_models.territory.gap_search import (
    descend,
    is_feasible,
    lagrangian_choice,
    loads,
    repair,
    tabu_search,
    total_cost,
)
from spm_models.territory.gap_solve import solve_gap
from spm_models.territory.solve import solve_linear

pytestmark = pytest.mark.solver

# Two agents, three jobs, every job uses one unit; agent 0 holds two jobs, agent 1 three.
# Job costs on agent 0: 1, 2, 4; on agent 1: 5, 3, 6. Uncapacitated, all go to agent 0
# (cost 7). With agent 0 limited to two jobs the options are {0,1}: 1+2+6 = 9,
# {0,2}: 1+4+3 = 8, {1,2}: 2+4+5 = 11, one job or none: at least 10. Optimum 8: jobs 0 and
# 2 on agent 0 (full), job 1 on agent 1.
HAND = GapInstance(
    "hand",
    cost=np.array([[1.0, 2.0, 4.0], [5.0, 3.0, 6.0]]),
    usage=np.ones((2, 3)),
    capacity=np.array([2.0, 3.0]),
)


def test_hand_gap_known_answer() -> None:
    res = solve_gap(HAND, "min", time_limit=10)
    assert res.status == SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(8) and res.bound == pytest.approx(8)
    assert res.agent_of.tolist() == [0, 1, 0]
    assert loads(HAND.usage, res.agent_of).tolist() == [2.0, 1.0]  # capacity of agent 0 binds
    loose = GapInstance("loose", HAND.cost, HAND.usage, np.array([3.0, 3.0]))
    assert solve_gap(loose, "min", time_limit=10).objective == pytest.approx(7)


def test_hand_gap_as_maximisation() -> None:
    # Maximising the negated costs is the same problem.
    neg = GapInstance("neg", -HAND.cost, HAND.usage, HAND.capacity)
    res = solve_gap(neg, "max", time_limit=10)
    assert res.status == SolveStatus.OPTIMAL and res.objective == pytest.approx(-8)


def test_repair_and_descend_keep_capacity() -> None:
    rng = np.random.default_rng(3)
    m, n = 4, 30
    usage = rng.integers(5, 25, size=(m, n)).astype(float)
    cost = 60.0 - usage + rng.integers(-5, 6, size=(m, n))
    capacity = np.floor(0.9 * usage.sum(axis=1) / m)
    start = lagrangian_choice(cost, usage, np.zeros(m))
    assert not is_feasible(usage, capacity, start)  # cheapest choice overflows
    fixed = repair(cost, usage, capacity, start)
    assert fixed is not None and is_feasible(usage, capacity, fixed)
    better = descend(cost, usage, capacity, fixed)
    assert is_feasible(usage, capacity, better)
    assert total_cost(cost, better) <= total_cost(cost, fixed)
    found, moves = tabu_search(
        cost, usage, capacity, start, until=time.perf_counter() + 5, rng=rng, max_iter=300
    )
    assert moves > 0 and found is not None and is_feasible(usage, capacity, found)


def test_repair_reports_an_impossible_instance() -> None:
    # Two jobs of size 3 and capacities 2 and 2: no move removes the overflow for good.
    usage = np.full((2, 2), 3.0)
    assert repair(np.ones((2, 2)), usage, np.array([2.0, 2.0]), np.array([0, 0])) is None


def test_gap1_proven_optimal() -> None:
    path = config.SHARED_DATA_DIR / "orlib-gap" / "gap1.txt"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    for problem, optimum in zip(read_gap_file(path), [336, 327, 339, 341, 326], strict=True):
        res = solve_gap(problem, "max", time_limit=20)
        assert res.status == SolveStatus.OPTIMAL, problem.name
        assert res.objective == pytest.approx(optimum) and res.bound == pytest.approx(optimum)
        assert is_feasible(problem.usage, problem.capacity, res.agent_of)


def test_lp_guided_resolve_frees_the_jobs_the_lp_disputes() -> None:
    # Three agents of capacity 1, three jobs. The LP (integral here) gives job j to agent j at
    # cost 1 each; the incumbent swaps jobs 0 and 1 (cost 5 + 5 + 1) and keeps job 2 where
    # the LP has it, so only jobs 0 and 1 are re-solved, to the optimum of 3.
    cost = np.array([[1.0, 5.0, 9.0], [5.0, 1.0, 9.0], [9.0, 9.0, 1.0]])
    usage, capacity = np.ones((3, 3)), np.ones(3)
    lp = solve_linear(gap_solve._model(cost, usage, capacity, None, True), relax=True)
    st = gap_solve._State(
        cost, usage, capacity, True, lp.objective, lp.col_dual.reshape(3, 3), lp.x.reshape(3, 3)
    )
    assert st.offer(np.array([1, 0, 2]))
    assert gap_solve._lp_guided(st, time.perf_counter() + 10, threads=1)
    assert st.best.tolist() == [0, 1, 2] and st.best_obj == pytest.approx(3.0)
    # Nothing is disputed once the incumbent is the LP's answer.
    assert not gap_solve._lp_guided(st, time.perf_counter() + 10, threads=1)
