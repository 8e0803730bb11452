"""A 12-month year end to end: draws, clawbacks, a mid-year hire; every cent traced."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, credit, frame, make_plan, row, usd

PLAN = make_plan(
    [
        commission_measure(
            [{"from": 0, "multiplier": 1.0}, {"from": 1.0, "multiplier": 2.0}],
            mid="new",
            weight=0.8,
            quota=None,
            basis="attainment",
        ),
        {
            "id": "renewal",
            "weight": 0.2,
            "payout": {
                "type": "bonus",
                "curve": [[0.5, 0.5], [1.0, 1.0]],
                "gate": {"measure": "new", "min_attainment": 0.5},
            },
        },
    ],
    target_incentive=60_000,
    payout_frequency="monthly",
    ramp=[0.5],
    cap={"multiple_of_target": 3},
    draw={"type": "recoverable", "amount_per_month": 2000, "months": 2},
    clawback={"window_days": 90, "method": "full"},
    spifs=[
        {"id": "h2", "measures": ["new"], "start": "2027-07-01", "end": "2027-12-31", "rate": 0.01}
    ],
)


@pytest.fixture(scope="module")
def year():
    asg = frame(
        [
            # R1: full year. quota_new 1.2M -> 100K a month; BCR = 48,000 / 1.2M = 4%
            assignment("R1", quota_new=1_200_000, quota_renewal=240_000),
            # R2: hired 2027-07-01, ramp 50% in July
            assignment("R2", start="2027-07-01", quota_new=1_200_000, quota_renewal=240_000),
        ]
    )
    rows = [credit(f"A{m}", 100_000, f"2027-{m:02d}-15") for m in range(1, 13)]
    rows += [credit(f"B{m}", 20_000, f"2027-{m:02d}-20", measure="renewal") for m in range(1, 13)]
    rows += [credit("BIG", 300_000, "2027-03-10")]  # cancelled 2027-05-01
    rows += [credit(f"H{m}", 50_000, f"2027-{m:02d}-10", rep="R2") for m in range(7, 13)]
    rows += [credit("H13", 2_000_000, "2027-12-05", rep="R2")]
    canc = frame([{"deal_id": "BIG", "cancel_date": "2027-05-01"}])
    return compute_payouts(PLAN, asg, frame(rows), canc)


def test_full_year_rep_hand_checked(year) -> None:
    r = year
    # March: YTD new 600K vs 300K quota: 300K x 4% + 300K x 8% = 36,000 YTD; Feb YTD 8,000
    mar = row(r, "R1", "2027-03")
    assert usd(mar["commission_cents"]) == Decimal("28000.00") + Decimal("1000.00")
    # (renewals: YTD 60K vs 60K quota -> curve 1.0 x 12,000 x 3/12 = 3,000 YTD, Feb 2,000)
    may = row(r, "R1", "2027-05")
    # May: the 300K deal is reversed: YTD new 500K vs 500K -> 20,000; April YTD was 40,000
    # (400K+300K=700K vs 400K: 16,000 + 24,000). Commission before clawback: 800K vs 500K ->
    # 20,000 + 24,000 = 44,000 -> +4,000; clawback 20,000 - 44,000 = -24,000.
    assert usd(may["commission_cents"]) == Decimal("4000.00") + Decimal("1000.00")
    assert usd(may["clawback_cents"]) == Decimal("-24000.00")
    assert may["paid_cents"] == 0
    assert usd(may["closing_balance_cents"]) == Decimal("-19000.00")
    # Never a draw for R1 after month 2; year total paid = year total earned
    total_earned = r.statements.query("rep_id == 'R1'")["earned_cents"].sum()
    total_paid = r.statements.query("rep_id == 'R1'")["paid_cents"].sum()
    dec = row(r, "R1", "2027-12")
    assert total_paid == total_earned + 0 - dec["closing_balance_cents"]
    # 12 x 100K = quota: 48,000 commission + 12,000 renewal bonus + 1% SPIF on 6 x 100K in H2
    assert usd(total_earned) == Decimal("66000.00")


def test_mid_year_hire(year) -> None:
    r = year
    periods = r.statements.query("rep_id == 'R2'")["period"].tolist()
    assert periods == [f"2027-{m:02d}" for m in range(7, 13)]
    jul = row(r, "R2", "2027-07")
    # July quota 100K x ramp 0.5 = 50K; 50K credit at 4% = 2,000, SPIF 1% = 500
    # renewals: 0 credit -> nothing; the gate is met but the curve pays from 50%.
    assert usd(jul["commission_cents"]) == Decimal("2000.00")
    assert usd(jul["spif_cents"]) == Decimal("500.00")
    # draw 2,000 a month for the first 2 months on the plan: 2,500 earned > draw
    assert jul["draw_advance_cents"] == 0
    aug = row(r, "R2", "2027-08")
    assert usd(aug["earned_cents"]) == Decimal("2500.00")
    # the plan cap: 3 x 60,000 prorated to 6/12 = 90,000 on component earnings
    # (YTD 2.3M vs 550K quota: 550K x 4% + 1.75M x 8% = 162,000 before the cap)
    dec = r.components.query("rep_id == 'R2' and period == '2027-12'")
    assert usd(dec["ytd_earned_cents"].sum()) == Decimal("162000.00")
    capped = r.trace.query("rep_id == 'R2' and period == '2027-12' and step == 'plan_cap'")
    assert len(capped) == 1
    ytd = r.trace.query(
        "rep_id == 'R2' and period == '2027-12' and component == 'plan' and step == 'ytd_earned'"
    )
    assert usd(ytd["result_cents"].iloc[0]) == Decimal("90000.00")


def test_every_statement_cent_is_in_the_trace(year) -> None:
    t = year.trace
    for (rep, period), lines in t.groupby(["rep_id", "period"]):
        s = row(year, rep, period)
        by = lines.set_index(["component", "step"])["result_cents"]
        # component lines add up to the component's YTD earnings
        for mid in ("new", "renewal"):
            comp = lines[lines["component"] == mid]
            parts = comp[
                ~comp["step"].isin(["ytd_credit", "ytd_quota", "attainment", "ytd_earned"])
            ]
            assert parts["result_cents"].sum() == by[(mid, "ytd_earned")], (rep, period, mid)
        comps = by[("new", "ytd_earned")] + by[("renewal", "ytd_earned")]
        plan_cap = by.get(("plan", "plan_cap"), 0)
        assert comps + plan_cap == by[("plan", "ytd_earned")]
        claw = by.get(("plan", "clawback"), 0)
        assert by[("plan", "ytd_earned")] + by[("plan", "earned_before")] == (
            by[("plan", "commission")] + claw
        )
        assert by[("plan", "commission")] == s["commission_cents"]
        spif = lines[lines["component"].str.startswith("spif:")]["result_cents"].sum()
        assert spif + by[("plan", "commission")] + claw == s["earned_cents"]
        assert by[("payment", "earned")] == s["earned_cents"]
        assert by[("payment", "paid")] == s["paid_cents"]
        assert by.get(("payment", "closing_balance"), 0) == s["closing_balance_cents"]


def test_tier_lines_recompute_from_base_and_rate(year) -> None:
    tiers = year.trace[year.trace["step"].str.startswith("tier_")]
    base = tiers["base_cents"].to_numpy(dtype=np.int64)
    rate = tiers["rate_units"].to_numpy(dtype=np.int64)
    expected = [
        int((Decimal(int(b)) * Decimal(int(r)) / 10**8).quantize(Decimal(1), "ROUND_HALF_UP"))
        for b, r in zip(base, rate, strict=True)
    ]
    assert tiers["result_cents"].tolist() == expected


def test_credit_lines_list_the_clawback(year) -> None:
    lines = year.credit_lines
    claw = lines[lines["kind"] == "clawback"]
    assert claw["deal_id"].tolist() == ["BIG"]
    assert claw["credited_cents"].iloc[0] == -30_000_000
    assert claw["period"].iloc[0] == "2027-05"
    assert isinstance(claw["date"].iloc[0], pd.Timestamp)
