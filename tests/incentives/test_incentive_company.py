"""Engine inputs from the sample company: credits, quotas, assignments, history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models import config
from spm_models.incentives import compute_payouts, load_plan
from spm_models.incentives.from_company import (
    assignments_for,
    credits_from_bookings,
    historical_attainment,
    issued_quotas,
    plan_for_year,
    plan_quotas,
)


@pytest.fixture(scope="module")
def standard():
    return load_plan(config.PROJECT_ROOT / "plans" / "ae_standard.yaml")


def test_credits_mirror_the_bookings(tiny_company) -> None:
    year = tiny_company.plan_year - 1
    credits = credits_from_bookings(tiny_company, year)
    b = tiny_company.bookings
    in_year = b[(b["period"].dt.year == year) & b["rep_id"].notna()]
    assert len(credits) == len(in_year)
    assert credits["amount"].sum() == pytest.approx(in_year["amount"].sum())
    assert credits["deal_id"].is_unique
    assert set(credits["measure"]) <= {"new", "expansion", "renewal"}
    assert credits["segment"].isin(["enterprise", "mid-market", "smb"]).all()


def test_plan_quotas_from_trailing_bookings_or_the_quota_table(tiny_company, standard) -> None:
    year = tiny_company.plan_year
    q = plan_quotas(tiny_company, standard, year, growth=0.1)
    active = tiny_company.reps[tiny_company.reps["status"] != "vacant"]
    assert list(q["rep_id"]) == list(active["rep_id"])
    prior = credits_from_bookings(tiny_company, year - 1)
    rep = active[active["hire_date"] <= pd.Timestamp(year - 1, 1, 1)]["rep_id"].iloc[0]
    renewals = prior[(prior["rep_id"] == rep) & (prior["measure"] == "renewal")]["amount"].sum()
    if renewals > 0:
        got = q.set_index("rep_id").loc[rep, "quota_renewals"]
        assert got == pytest.approx(round(renewals * 1.1, -2))
    issued = pd.DataFrame({"rep_id": q["rep_id"], "quota": 500_000.0})
    assert issued_quotas(issued)["annual_quota"].tolist() == [500_000.0] * len(q)
    assert issued_quotas(pd.DataFrame({"rep_id": ["R1"]})) is None
    q2 = plan_quotas(tiny_company, standard, year, growth=0.1, quota_table=issued)
    assert (q2["quota_new_business"] == 500_000.0).all()
    assert q2["quota_renewals"].tolist() == q["quota_renewals"].tolist()
    assert np.allclose(q2["annual_quota"], q2["quota_new_business"] + q2["quota_renewals"])


def test_replaying_a_year_pays_every_rep_and_reconciles(tiny_company, standard) -> None:
    year = tiny_company.plan_year - 1
    plan = plan_for_year(standard, year)
    assert plan.year == year and plan.spifs[0].start.year == year
    quotas = plan_quotas(tiny_company, plan, year)
    asg = assignments_for(tiny_company, plan, quotas)
    res = compute_payouts(plan, asg, credits_from_bookings(tiny_company, year))
    assert res.status.is_ok and len(res.excluded) == 0
    assert set(res.statements["rep_id"]) == set(asg["rep_id"])
    # paid over the year = earned + what is still owed at the end (negative balance)
    per_rep = res.statements.groupby("rep_id")
    last = per_rep["closing_balance_cents"].last()
    assert (per_rep["paid_cents"].sum() == per_rep["earned_cents"].sum() - last).all()


def test_history_attainment(tiny_company) -> None:
    hist = historical_attainment(tiny_company, growth=0.1)
    assert len(hist) > 0 and (hist["attainment"] > 0).all()
    assert hist["year"].max() <= tiny_company.as_of.year
