"""The company-level quota and capacity plan on the tiny sample company."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.capacity import roster_from_reps
from spm_models.capacity.plan import plan_year
from spm_models.quota.plan import plan_quotas, planning_inputs


@pytest.fixture(scope="module")
def inputs(tiny_company):
    return planning_inputs(tiny_company)


def test_plan_totals_add_up(inputs) -> None:
    target = inputs.trailing * 1.1
    plan = plan_quotas(inputs, target=target, manager_cushion=0.05, rep_cushion=0.10, n_sims=200)
    for alloc in plan.allocations.values():
        assert alloc.total == pytest.approx(target)
    assert plan.fair.quotas["quota"].sum() == pytest.approx(target)
    assert plan.total == pytest.approx(target * 1.05 * 1.10)
    assert plan.over_assignment == pytest.approx(1.05 * 1.10 - 1)
    by_rep = plan.monthly.groupby("rep_id")["quota"].sum()
    assert plan.quotas.set_index("rep_id")["ramped_quota"].to_dict() == pytest.approx(
        by_rep.to_dict()
    )
    quarters = plan.quotas[["q1", "q2", "q3", "q4"]].sum(axis=1)
    assert quarters.to_numpy() == pytest.approx(plan.quotas["ramped_quota"].to_numpy())
    assert (plan.quotas["ramped_quota"] <= plan.quotas["quota"] + 1e-6).all()
    assert 0 <= plan.attainment.expected_share <= 1
    assert inputs.profile.sum() == pytest.approx(1.0)


def test_a_harder_target_lowers_the_expected_share(inputs) -> None:
    easy = plan_quotas(inputs, target=inputs.trailing * 0.9, n_sims=400, growth_min=-0.2)
    hard = plan_quotas(inputs, target=inputs.trailing * 1.3, n_sims=400, growth_max=1.0)
    assert hard.attainment.expected_share < easy.attainment.expected_share


def test_aligned_assignment_moves_history_with_the_accounts(tiny_company) -> None:
    acc = tiny_company.accounts.dropna(subset=["current_rep_id"])
    reps = sorted(acc["current_rep_id"].unique())
    moved = acc.loc[acc["current_rep_id"] == reps[0]].head(5)
    assignment = pd.DataFrame(
        {
            "account_id": moved["account_id"],
            "old_rep_id": moved["current_rep_id"],
            "new_rep_id": reps[1],
            "moved": True,
        }
    )
    base = planning_inputs(tiny_company)
    aligned = planning_inputs(tiny_company, assignment=assignment)
    shift = float(aligned.account_trailing.reindex(moved["account_id"]).fillna(0).sum())
    b = base.territories.set_index("rep_id")["trailing_bookings"]
    a = aligned.territories.set_index("rep_id")["trailing_bookings"]
    assert a[reps[0]] == pytest.approx(b[reps[0]] - shift)
    assert a[reps[1]] == pytest.approx(b[reps[1]] + shift)
    plan = plan_quotas(aligned, target=aligned.trailing * 1.05, n_sims=100)
    q = plan.quotas.set_index("rep_id")
    assert q.loc[reps[0], "moved_out_bookings"] == pytest.approx(shift)
    assert q.loc[reps[1], "moved_in_bookings"] == pytest.approx(shift)


@pytest.mark.solver
def test_plan_year_freeze_and_budget(tiny_company, inputs) -> None:
    roster, open_seats = roster_from_reps(tiny_company.reps, inputs.plan_start)
    year = plan_year(
        inputs,
        roster,
        open_seats,
        target=inputs.trailing * 1.2,
        freeze_months=6,
        hiring_budget=200_000,
        n_sims=200,
    )
    hires = year.capacity.hiring.hires["reqs_opened"].to_numpy()
    assert (hires[:6] == 0).all()
    assert year.capacity.hiring.objective <= 200_000 + 1e-6
    monthly = year.capacity.with_hiring.monthly
    assert monthly["target"].sum() == pytest.approx(inputs.trailing * 1.2)
    assert np.isclose(year.capacity.assumptions.quota_per_rep, year.quota.quotas["quota"].mean())
