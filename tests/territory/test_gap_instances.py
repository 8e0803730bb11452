"""OR-Library generalized assignment (gap1-gap4 optima) and capacitated p-median instances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spm_models import config
from spm_models.errors import InputDataError
from spm_models.territory import (
    SolveStatus,
    gap_model,
    pmedcap_model,
    read_gap_file,
    read_pmedcap_file,
    solve_assignment,
    solve_linear,
    solve_pmedian,
)
from spm_models.territory.gap_instances import GapInstance
from spm_models.territory.pmedian import build_pmedian, open_sites

pytestmark = pytest.mark.solver

GAP_DIR = config.SHARED_DATA_DIR / "orlib-gap"
OPTIMA = {
    "gap1": [336, 327, 339, 341, 326],
    "gap2": [434, 436, 420, 419, 428],
    "gap3": [580, 564, 573, 570, 564],
    "gap4": [656, 644, 673, 647, 664],
}


@pytest.mark.parametrize("stem", sorted(OPTIMA))
def test_orlib_gap_optima(stem: str) -> None:
    path = GAP_DIR / f"{stem}.txt"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    problems = read_gap_file(path)
    assert [p.name for p in problems] == [f"{stem}-{k}" for k in range(1, 6)]
    for problem, optimum in zip(problems, OPTIMA[stem], strict=True):
        model = gap_model(problem, "max")
        out = solve_assignment(model, method="lp-fix", time_limit=30)
        assert out.status == SolveStatus.OPTIMAL, problem.name
        assert model.reported(out.objective) == pytest.approx(optimum)
        assert model.reported(out.bound) == pytest.approx(optimum)
        # The solution really is feasible: each job once, capacities kept.
        choice = model.choice_from_x(out.x)
        agents = model.arc_agent[choice]
        use = problem.usage[agents, np.arange(problem.n)]
        assert (np.bincount(agents, weights=use, minlength=problem.m) <= problem.capacity).all()


def test_gap_through_pulp_solvers_agree() -> None:
    path = GAP_DIR / "gap1.txt"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    model = gap_model(read_gap_file(path)[0], "max")
    for solver in ("highs", "cbc", "pulp-highs"):
        out = solve_linear(model.linear, solver=solver)
        assert out.status == SolveStatus.OPTIMAL, solver
        assert model.reported(out.objective) == pytest.approx(336)


def test_capacity_binds_in_a_hand_gap() -> None:
    # Two agents, three jobs; agent 1 is cheapest for all but can take only two.
    inst = GapInstance(
        "hand-1",
        cost=np.array([[1.0, 1.0, 1.0], [5.0, 4.0, 3.0]]),
        usage=np.ones((2, 3)),
        capacity=np.array([2.0, 3.0]),
    )
    model = gap_model(inst, "min")
    out = solve_linear(model.linear)
    assert out.objective == pytest.approx(1 + 1 + 3)
    assert model.linear.family_counts() == {"assign_once": 3, "balance": 2}


def test_time_limited_run_is_never_called_optimal() -> None:
    # A "type D" instance (cost falls as resource use rises) is hard for branch and bound.
    rng = np.random.default_rng(3)
    m, n = 10, 200
    usage = rng.integers(1, 101, size=(m, n)).astype(float)
    cost = 111 - usage + rng.integers(-10, 11, size=(m, n))
    inst = GapInstance("type-d", cost=cost, usage=usage, capacity=0.8 * usage.sum(axis=1) / m)
    out = solve_linear(gap_model(inst, "min").linear, time_limit=0.2)
    if out.status == SolveStatus.OPTIMAL:  # only if a (much) faster machine proves it in time
        assert out.gap == 0 and out.bound == pytest.approx(out.objective)
    else:
        assert out.status in (SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)
    if out.status == SolveStatus.FEASIBLE:
        assert out.gap > 0 and out.bound < out.objective


def test_truncated_gap_file(tmp_path: Path) -> None:
    bad = tmp_path / "gapx.txt"
    bad.write_text("1\n2 3\n1 2 3\n4 5 6\n")
    with pytest.raises(InputDataError, match="problem 1: expected 14 numbers"):
        read_gap_file(bad)


PMEDCAP = """1 12
6 2 12
1 0 0 5
2 1 0 5
3 0 1 5
4 10 0 1
5 11 0 1
6 10 1 1
"""


def test_pmedcap_hand_instance(tmp_path: Path) -> None:
    """Two groups of three points; capacity 12 cannot hold the left group's 15.

    Uncapacitated, centres at points 1 and 4 cost 1 + 1 + 1 + 1 = 4. With capacity 12 one
    left point must cross: point 2 to centre 4 costs floor(9) = 9, so the optimum is
    1 (point 3 to 1) + 9 + 1 + 1 = 12 with centres 1 and 4.
    """
    path = tmp_path / "pmedcap_hand.txt"
    path.write_text(PMEDCAP)
    (inst,) = read_pmedcap_file(path)
    assert (inst.n, inst.p, inst.capacity, inst.best_known) == (6, 2, 12.0, 12.0)
    model = pmedcap_model(inst)
    counts = model.linear.family_counts()
    assert counts["assign_once"] == 6 and counts["link"] == 36 and counts["centre_count"] == 1
    out = solve_pmedian(model)
    assert out.status == SolveStatus.OPTIMAL
    assert out.objective == pytest.approx(12)
    sites = open_sites(model, out.x).tolist()
    assert sites[0] == 0 and sites[1] in (3, 5)  # point 4 and point 6 tie
    loose = build_pmedian(inst.distances(), inst.demand, 2, 100.0, integral_objective=True)
    assert solve_pmedian(loose).objective == pytest.approx(4)


def test_pmedcap_layout_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("1 12\n6 2 12\n1 0 0 5\n")
    with pytest.raises(InputDataError, match="does not follow the pmedcap layout"):
        read_pmedcap_file(path)
