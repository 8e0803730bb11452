"""The hiring IP on instances with known optima, infeasible targets and binding limits."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.capacity import (
    CapacityAssumptions,
    HiringStatus,
    build_hiring,
    hiring_inputs,
    plan_hiring,
)
from spm_models.errors import InfeasibleModelError

pytestmark = pytest.mark.solver

START = pd.Timestamp("2027-01-01")
EMPTY = pd.DataFrame({"rep_id": [], "tenure_months": [], "fte": []})
# A rep books 1 a month from the first day and costs 1 a month plus 1 to hire, so a hire in
# month m adds (months left in each quarter) and costs 12 - m + 1 over the year.
UNIT = CapacityAssumptions(
    quota_per_rep=12.0,
    attainment=1.0,
    ramp=(),
    monthly_attrition=0.0,
    time_to_hire=0,
    cost_per_rep_month=1.0,
    cost_per_hire=1.0,
)


def test_constraint_names_without_solving() -> None:
    inputs = hiring_inputs(
        EMPTY, UNIT, plan_start=START, targets=[0, 0, 0, 3], max_hires=2, budget=100
    )
    prob = build_hiring(inputs)
    names = {c.name for c in prob.constraints()}
    assert names == {f"meet_target_Q{q}" for q in range(1, 5)} | {
        f"max_hires_{m}" for m in range(12)
    } | {"budget"}
    assert inputs.cost.tolist() == pytest.approx([13 - m for m in range(12)])
    assert inputs.contrib[9].tolist() == pytest.approx([0, 0, 0, 3])


def test_known_optimum_hires_late() -> None:
    # Q4 needs 3: one hire in October (cost 4) beats November + December (2 + 1 + 2 = 5).
    plan = plan_hiring(EMPTY, UNIT, plan_start=START, targets=[0, 0, 0, 3])
    assert plan.status is HiringStatus.OPTIMAL
    assert plan.hires["reqs_opened"].tolist() == [0] * 9 + [1, 0, 0]
    assert plan.objective == pytest.approx(4.0)
    assert plan.capacity.quarterly["bookings_capacity"].iloc[3] == pytest.approx(3.0)
    plan.raise_for_status()


def test_max_hires_binds() -> None:
    # Q1 needs 6: unlimited, two January hires (cost 26); at most one a month: Jan+Feb+Mar (36).
    free = plan_hiring(EMPTY, UNIT, plan_start=START, targets=[6, 0, 0, 0])
    assert free.hires["reqs_opened"].iloc[0] == 2
    assert free.objective == pytest.approx(26)
    capped = plan_hiring(EMPTY, UNIT, plan_start=START, targets=[6, 0, 0, 0], max_hires=1)
    assert capped.hires["reqs_opened"].tolist()[:3] == [1, 1, 1]
    assert capped.objective == pytest.approx(36)


def test_budget_binds_and_shortfall_is_reported() -> None:
    exact = plan_hiring(EMPTY, UNIT, plan_start=START, targets=[6, 0, 0, 0], budget=26)
    assert exact.status.is_ok
    assert exact.objective == pytest.approx(26)
    short = plan_hiring(EMPTY, UNIT, plan_start=START, targets=[6, 0, 0, 0], budget=25)
    assert short.status is HiringStatus.TARGET_UNMET
    # Best within $25: Jan + Feb hires (13 + 12) book 3 + 2 = 5 in Q1, one short.
    assert short.shortfall == pytest.approx(1.0)
    assert short.objective <= 25
    assert short.blocking == "budget"
    assert "$26" in short.relaxation
    with pytest.raises(InfeasibleModelError, match=r"budget: .*short Q1 by \$1") as err:
        short.raise_for_status()
    assert err.value.details["shortfall"] == pytest.approx(1.0)


def test_time_to_hire_makes_q1_unreachable() -> None:
    slow = CapacityAssumptions(
        quota_per_rep=12.0,
        attainment=1.0,
        ramp=(),
        monthly_attrition=0.0,
        time_to_hire=3,
        cost_per_rep_month=1.0,
        cost_per_hire=1.0,
    )
    plan = plan_hiring(EMPTY, slow, plan_start=START, targets=[2, 3, 0, 0])
    assert plan.status is HiringStatus.TARGET_UNMET
    assert plan.blocking == "meet_target"
    assert "Q1" in plan.relaxation
    assert plan.quarterly["shortfall"].tolist() == pytest.approx([2, 0, 0, 0])


def test_hiring_freeze_reports_gap_of_existing_team() -> None:
    roster = pd.DataFrame({"rep_id": ["R1", "R2"], "tenure_months": [24, 24], "fte": [1.0, 1.0]})
    plan = plan_hiring(roster, UNIT, plan_start=START, targets=[6, 6, 8, 6], max_hires=0)
    assert plan.status is HiringStatus.TARGET_UNMET
    assert plan.blocking == "max_hires"
    assert plan.total_hires == 0
    assert plan.shortfall == pytest.approx(2.0)


def _solve(inputs):
    import pulp

    prob = build_hiring(inputs)
    assert prob.solve(pulp.HiGHS(msg=False)) == pulp.LpStatusOptimal
    return prob


def test_each_family_binds_at_the_optimum() -> None:
    # Q1 needs 6 with at most one hire a month and a budget of exactly 36 (Jan+Feb+Mar).
    inputs = hiring_inputs(
        EMPTY, UNIT, plan_start=START, targets=[6, 0, 0, 0], max_hires=1, budget=36
    )
    prob = _solve(inputs)
    slack = {c.name: abs(c.slack) for c in prob.constraints()}
    assert slack["meet_target_Q1"] == pytest.approx(0, abs=1e-6)
    assert slack["max_hires_0"] == pytest.approx(0, abs=1e-6)
    assert slack["max_hires_2"] == pytest.approx(0, abs=1e-6)
    assert slack["max_hires_3"] == pytest.approx(1, abs=1e-6)
    assert slack["budget"] == pytest.approx(0, abs=1e-6)
