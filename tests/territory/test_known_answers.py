"""Known-answer alignments small enough to check by hand; every family shown to bind.

Accounts and reps sit on the equator (``tests/territory/toy.py``), so distances are
longitude differences times 111.195 km. With ``weight="none"`` the objective is total km.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from spm_models.territory import (
    SolveStatus,
    align_territories,
    build_alignment,
    prepare_alignment,
    solve_linear,
)
from tests.territory.toy import km, line_company

pytestmark = pytest.mark.solver

LONS = [0.0, 0.1, 0.2, 1.0]
REPS = [0.0, 1.0]
LOOSE = {"balance": ["accounts"], "tolerance": 1.0, "weight": "none", "k_nearest": None}


def new_reps(result) -> list[str]:
    return result.assignment["new_rep_id"].tolist()


def test_nearest_rep_when_nothing_binds() -> None:
    accounts, reps = line_company(LONS, REPS)
    res = align_territories(accounts, reps, **LOOSE)
    assert res.status == SolveStatus.OPTIMAL and res.status.is_ok
    assert new_reps(res) == ["R1", "R1", "R1", "R2"]
    assert res.objective == pytest.approx(km(0.3), rel=1e-9)
    assert res.bound == pytest.approx(res.objective) and res.gap == 0.0
    assert res.assignment["distance_km"].sum() == pytest.approx(km(0.3))


def test_balance_binds() -> None:
    accounts, reps = line_company(LONS, REPS)
    res = align_territories(accounts, reps, **{**LOOSE, "tolerance": 0.0})
    # Two accounts each: the account at 0.2 is the cheapest to hand to R2 (0.8 - 0.2).
    assert new_reps(res) == ["R1", "R1", "R2", "R2"]
    assert res.objective == pytest.approx(km(0.1 + 0.8))
    assert res.territories["accounts"].tolist() == [2, 2]
    assert res.territories["deviation_accounts"].abs().max() == pytest.approx(0.0)


def test_disruption_cap_binds() -> None:
    accounts, reps = line_company(LONS, REPS, current=["R2"] * 4)
    free = align_territories(accounts, reps, **LOOSE)
    assert free.summary["accounts_moved"] == 3
    one = align_territories(accounts, reps, **LOOSE, max_disruption=0.25)
    # One move allowed: A1 saves the most (1.0 degree).
    assert new_reps(one) == ["R1", "R2", "R2", "R2"]
    assert one.objective == pytest.approx(km(0.9 + 0.8))
    assert one.summary["accounts_moved_share"] == pytest.approx(0.25)
    two = align_territories(accounts, reps, **LOOSE, max_disruption=0.5)
    assert two.objective == pytest.approx(km(0.1 + 0.8))


def test_disruption_cap_on_potential_binds() -> None:
    accounts, reps = line_company(
        LONS, REPS, current=["R2"] * 4, potential=[100.0, 10.0, 10.0, 10.0]
    )
    res = align_territories(
        accounts, reps, **LOOSE, max_disruption=0.2, disruption_basis="potential"
    )
    # 20% of 130 is 26: A1 (100) cannot move; A2 and A3 (10 each) can.
    assert new_reps(res) == ["R2", "R1", "R1", "R2"]
    assert res.summary["potential_moved"] == pytest.approx(20.0)


def test_lock_binds() -> None:
    accounts, reps = line_company(LONS, REPS, current=["R2"] * 4)
    res = align_territories(accounts, reps, **LOOSE, locked=["A1"])
    assert new_reps(res) == ["R2", "R1", "R1", "R2"]
    assert res.objective == pytest.approx(km(1.0 + 0.1 + 0.2))
    assert res.assignment["locked"].tolist() == [True, False, False, False]


def test_lock_by_region_binds() -> None:
    accounts, reps = line_company(LONS, REPS, current=["R2"] * 4)
    res = align_territories(accounts, reps, **LOOSE, lock_regions=["West"])
    assert new_reps(res) == ["R2", "R2", "R2", "R2"]


def test_forbidden_pair_binds() -> None:
    accounts, reps = line_company(LONS, REPS)
    res = align_territories(accounts, reps, **LOOSE, forbidden=[("A1", "R1")])
    assert new_reps(res) == ["R2", "R1", "R1", "R2"]
    assert res.objective == pytest.approx(km(1.0 + 0.1 + 0.2))


def test_mandatory_pair_binds() -> None:
    accounts, reps = line_company(LONS, REPS)
    res = align_territories(accounts, reps, **LOOSE, mandatory=[("A2", "R2")])
    assert new_reps(res) == ["R1", "R2", "R1", "R2"]
    assert res.objective == pytest.approx(km(0.9 + 0.2))


def test_max_distance_binds() -> None:
    # Balance forces one of A1..A3 to R2; by workload-weighted km A2 is cheapest
    # (1 x 0.6) but 89 km away; with an 85 km limit A3 (5 x 0.4, 78 km) must go.
    accounts, reps = line_company([0.0, 0.2, 0.3, 1.0], REPS, workload=[1, 1, 5, 1])
    opts = {"balance": ["accounts"], "tolerance": 0.0, "weight": "workload", "k_nearest": None}
    free = align_territories(accounts, reps, **opts)
    assert new_reps(free) == ["R1", "R2", "R1", "R2"]
    assert free.objective == pytest.approx(km(0.8 + 5 * 0.3))
    capped = align_territories(accounts, reps, **opts, max_distance_km=85.0)
    assert new_reps(capped) == ["R1", "R1", "R2", "R2"]
    assert capped.objective == pytest.approx(km(0.2 + 5 * 0.7))
    assert capped.assignment["distance_km"].max() <= 85.0


def test_fte_sets_targets() -> None:
    # A ramping rep at half time gets half the accounts of a full one.
    accounts, reps = line_company([0.0, 0.1, 0.2, 0.8, 0.9, 1.0], REPS, fte=[1.0, 0.5])
    res = align_territories(accounts, reps, **{**LOOSE, "tolerance": 0.0})
    assert res.territories["accounts"].tolist() == [4, 2]
    assert res.territories["target_accounts"].tolist() == [4.0, 2.0]


FRAC_LONS = [0.0, 0.1, 0.2, 0.9, 1.0]
FRAC_WORK = [3.0, 3.0, 2.0, 1.0, 1.0]


def brute_force(costs: np.ndarray, load: np.ndarray, lo: float, hi: float) -> float:
    best = np.inf
    for pick in itertools.product([0, 1], repeat=len(load)):
        pick = np.array(pick)
        l1 = load[pick == 0].sum()
        l2 = load[pick == 1].sum()
        if lo <= l1 <= hi and lo <= l2 <= hi:
            best = min(best, costs[np.arange(len(load)), pick].sum())
    return best


def test_fractional_lp_instance() -> None:
    """Workload 10 split into bands [4.5, 5.5]: the LP splits A2, the MIP does not.

    By hand: the LP fills R1 with A1 (3) and A3 (2) and 1/6 of A2 (0.5), costing
    0.1/6 + 0.9 * 5/6 + 0.2 + 0.1 = 3.2/3 degrees; the best integer alignment is
    R1 = {A1, A3}, costing 0.9 + 0.2 + 0.1 = 1.2 degrees.
    """
    accounts, reps = line_company(FRAC_LONS, REPS, workload=FRAC_WORK)
    opts = {"balance": ["workload"], "tolerance": 0.1, "weight": "none", "k_nearest": None}
    model = build_alignment(prepare_alignment(accounts, reps, **opts))
    lp = solve_linear(model.linear, relax=True)
    assert lp.objective == pytest.approx(km(3.2 / 3), rel=1e-9)
    x = lp.x[: model.n_arcs]
    assert ((x > 1e-6) & (x < 1 - 1e-6)).sum() == 2  # A2 split between R1 and R2
    lons = np.array(FRAC_LONS)
    costs = np.column_stack([km(np.abs(lons - 0.0)), km(np.abs(lons - 1.0))])
    assert brute_force(costs, np.array(FRAC_WORK), 4.5, 5.5) == pytest.approx(km(1.2))
    for method in ("mip", "lp-fix"):
        res = align_territories(accounts, reps, **opts, method=method)
        assert res.status == SolveStatus.OPTIMAL
        assert res.objective == pytest.approx(km(1.2), rel=1e-9)
        assert res.bound == pytest.approx(km(1.2), rel=1e-6)
        assert new_reps(res) == ["R1", "R2", "R1", "R2", "R2"]
    cbc = align_territories(accounts, reps, **opts, solver="cbc")
    assert cbc.objective == pytest.approx(km(1.2), rel=1e-9)


def test_move_penalty_trades_travel_for_stability() -> None:
    accounts, reps = line_company(LONS, REPS, current=["R2"] * 4)
    # Moving A3 saves 0.6 degree (66.7 km); a 70 km penalty per move keeps it home,
    # while A1 (saving 111 km) and A2 (89 km) still move.
    res = align_territories(accounts, reps, **LOOSE, move_penalty=70.0)
    assert new_reps(res) == ["R1", "R1", "R2", "R2"]
    assert res.objective == pytest.approx(km(0.1 + 0.8) + 2 * 70.0)


def test_balance_penalty_pulls_toward_target() -> None:
    accounts, reps = line_company(LONS, REPS)
    res = align_territories(accounts, reps, **LOOSE, balance_penalty=1000.0)
    assert res.territories["accounts"].tolist() == [2, 2]
