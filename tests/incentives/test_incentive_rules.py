"""Every plan feature on a small hand-checked case, through the engine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.incentives import PayoutStatus, compute_payouts

from .helpers import (
    assignment,
    commission_measure,
    comp,
    credit,
    frame,
    make_plan,
    row,
    steps,
    usd,
)


def _one(plan, amount: float, date: str = "2027-01-15", **asg):
    return compute_payouts(plan, frame([assignment(**asg)]), frame([credit("D1", amount, date)]))


# --------------------------------------------------------------------------- rate tables


@pytest.mark.parametrize(
    ("boundary", "expected"), [("higher_tier", "60000.00"), ("lower_tier", "50000.00")]
)
def test_amount_exactly_on_a_boundary_follows_the_convention(boundary: str, expected: str):
    tiers = [{"from": 0, "rate": 0.5}, {"from": 100_000, "rate": 0.6}]
    plan = make_plan([commission_measure(tiers, method="retroactive", on_boundary=boundary)])
    assert usd(row(_one(plan, 100_000), "R1", "2027-01")["commission_cents"]) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(50_000, "3000.00"), (150_000, "13500.00"), (250_000, "25000.00")],
)
def test_interpolated_rate(amount: float, expected: str) -> None:
    # 4% at 0 rising to 8% at 100K, to 10% at 200K, flat after; applied to the whole amount.
    tiers = [
        {"from": 0, "rate": 0.04},
        {"from": 100_000, "rate": 0.08},
        {"from": 200_000, "rate": 0.10},
    ]
    plan = make_plan([commission_measure(tiers, method="interpolated_rate_on_total")])
    res = _one(plan, amount)
    assert usd(row(res, "R1", "2027-01")["commission_cents"]) == Decimal(expected)


def test_multiplier_tiers_use_the_base_commission_rate() -> None:
    # BCR = 50,000 / 1,000,000 = 5%; 1.0x to quota, 1.5x above (7.5%) -> 50,000 + 15,000.
    tiers = [{"from": 0, "multiplier": 1.0}, {"from": 1.0, "multiplier": 1.5}]
    plan = make_plan([commission_measure(tiers, basis="attainment")])
    res = _one(plan, 1_200_000, date="2027-12-01")
    assert usd(row(res, "R1", "2027-12")["commission_cents"]) == Decimal("65000.00")
    lines = steps(res, "R1", "2027-12").set_index("step")
    assert lines.loc["tier_2", "rate_units"] == 7_500_000
    assert lines.loc["attainment", "rate_units"] == 120_000_000


def test_decelerator_below_half_of_quota() -> None:
    tiers = [{"from": 0, "multiplier": 0.5}, {"from": 0.5, "multiplier": 1.5}]
    plan = make_plan([commission_measure(tiers, basis="attainment")])
    # 400K of a 1M quota, all in the 0.5x tier: 400,000 x 2.5% = 10,000
    res = _one(plan, 400_000, date="2027-12-01")
    assert usd(row(res, "R1", "2027-12")["commission_cents"]) == Decimal("10000.00")


@pytest.mark.parametrize(
    ("boundary", "expected"), [("higher_tier", "12500.00"), ("lower_tier", "0.00")]
)
def test_bonus_curve_on_its_first_point(boundary: str, expected: str) -> None:
    bonus = {
        "id": "new",
        "weight": 1,
        "quota": 1_000_000,
        "payout": {"type": "bonus", "curve": [[0.5, 0.25], [1.0, 1.0]], "on_boundary": boundary},
    }
    plan = make_plan([bonus])
    res = _one(plan, 500_000, date="2027-12-01")
    assert usd(row(res, "R1", "2027-12")["commission_cents"]) == Decimal(expected)


def test_bonus_curve_is_linear_between_points_and_flat_after() -> None:
    bonus = {
        "id": "new",
        "weight": 1,
        "quota": 1_000_000,
        "payout": {"type": "bonus", "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]},
    }
    plan = make_plan([bonus])
    # 75% -> 0.625 x 50,000 ; 300% -> flat at 2.0 x 50,000
    assert usd(
        row(_one(plan, 750_000, "2027-12-01"), "R1", "2027-12")["commission_cents"]
    ) == Decimal("31250.00")
    assert usd(
        row(_one(plan, 3_000_000, "2027-12-01"), "R1", "2027-12")["commission_cents"]
    ) == Decimal("100000.00")
    # Below the first point: nothing.
    assert row(_one(plan, 400_000, "2027-12-01"), "R1", "2027-12")["commission_cents"] == 0


@pytest.mark.parametrize(("boundary", "paid"), [("higher_tier", True), ("lower_tier", False)])
def test_threshold_on_the_boundary(boundary: str, paid: bool) -> None:
    m = commission_measure(
        [{"from": 0, "rate": 0.1}], basis="attainment", threshold=0.5, on_boundary=boundary
    )
    res = _one(make_plan([m]), 500_000, date="2027-12-01")
    assert row(res, "R1", "2027-12")["commission_cents"] == (5_000_000 if paid else 0)
    if not paid:
        line = steps(res, "R1", "2027-12").set_index("step").loc["threshold"]
        assert usd(line["result_cents"]) == Decimal("-50000.00")


def test_gate_holds_back_a_component_until_its_condition_holds() -> None:
    gated = commission_measure(
        [{"from": 0, "rate": 0.1}],
        mid="product",
        weight=0.5,
        quota=100_000,
        gate={"measure": "core", "min_attainment": 0.5},
    )
    core = commission_measure([{"from": 0, "rate": 0.0}], mid="core", weight=0.5, quota=1_200_000)
    plan = make_plan([gated, core], payout_frequency="quarterly")
    credits = frame(
        [
            credit("P1", 20_000, "2027-01-10", measure="product"),
            credit("C1", 100_000, "2027-02-10", measure="core"),  # Q1: 100K of 300K = 33% < 50%
            credit("C2", 400_000, "2027-04-10", measure="core"),  # Q2: 500K of 600K = 83%
        ]
    )
    res = compute_payouts(plan, frame([assignment()]), credits)
    assert row(res, "R1", "2027-Q1")["commission_cents"] == 0
    gate = steps(res, "R1", "2027-Q1").set_index("step").loc["gate"]
    assert usd(gate["result_cents"]) == Decimal("-2000.00")
    # Q2: the gate opens and the held-back 2,000 is paid as a true-up.
    assert usd(row(res, "R1", "2027-Q2")["commission_cents"]) == Decimal("2000.00")


def test_plan_cap_as_multiple_of_target_and_spifs_outside_it() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.5}])],
        cap={"multiple_of_target": 2},
        spifs=[
            {
                "id": "s",
                "measures": ["new"],
                "start": "2027-01-01",
                "end": "2027-12-31",
                "amount": 500,
            }
        ],
    )
    res = _one(plan, 1_000_000)
    jan = row(res, "R1", "2027-01")
    assert usd(jan["commission_cents"]) == Decimal("100000.00")  # 2 x 50,000, not 500,000
    assert usd(jan["spif_cents"]) == Decimal("500.00")
    assert usd(jan["paid_cents"]) == Decimal("100500.00")


# --------------------------------------------------------------------------- periods


def test_quarterly_true_up_on_ytd_attainment_with_a_negative_period() -> None:
    tiers = [{"from": 0, "rate": 0.05}, {"from": 1.0, "rate": 0.10}]
    plan = make_plan(
        [commission_measure(tiers, basis="attainment", quota=1_200_000)],
        payout_frequency="quarterly",
    )
    credits = frame([credit("D1", 400_000, "2027-02-01"), credit("D2", 500_000, "2027-08-01")])
    res = compute_payouts(plan, frame([assignment()]), credits)
    q1, q2, q3 = (row(res, "R1", f"2027-Q{i}") for i in (1, 2, 3))
    # Q1: YTD quota 300K: 300K x 5% + 100K x 10% = 25,000
    assert usd(q1["commission_cents"]) == Decimal("25000.00")
    # Q2: 400K vs 600K, all at 5% = 20,000 YTD: true-up -5,000, carried as a balance
    assert usd(q2["commission_cents"]) == Decimal("-5000.00")
    assert q2["paid_cents"] == 0 and usd(q2["closing_balance_cents"]) == Decimal("-5000.00")
    # Q3: 900K vs 900K = 45,000 YTD: +25,000 earned, 5,000 recovered, 20,000 paid
    assert usd(q3["commission_cents"]) == Decimal("25000.00")
    assert usd(q3["paid_cents"]) == Decimal("20000.00")
    assert comp(res, "R1", "2027-Q3", "new")["ytd_quota_cents"] == 90_000_000


def test_mid_month_hire_is_prorated_and_ramped() -> None:
    plan = make_plan(
        [
            commission_measure(
                [{"from": 0, "rate": 0.01}],
                basis="attainment",
                quota=1_200_000,
                cap={"amount": 12_000},
            )
        ],
        ramp=[0.5, 0.75],
    )
    res = compute_payouts(
        plan,
        frame([assignment(start="2027-02-15")]),
        frame([credit("D1", 5_000_000, "2027-12-01")]),
    )
    assert "2027-01" not in set(res.statements["period"])
    # Feb: 100K x ramp 0.5 x 14/28 days = 25K; Mar: 75K; Apr: 100K
    assert comp(res, "R1", "2027-02", "new")["ytd_quota_cents"] == 2_500_000
    assert comp(res, "R1", "2027-04", "new")["ytd_quota_cents"] == 20_000_000
    # The 12,000 cap is prorated to 10.5 of 12 months: 10,500
    assert usd(row(res, "R1", "2027-12")["commission_cents"]) == Decimal("10500.00")


def test_leaver_stops_at_the_end_date_and_later_credit_is_excluded() -> None:
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.1}])])
    credits = frame([credit("D1", 10_000, "2027-06-30"), credit("D2", 10_000, "2027-07-01")])
    res = compute_payouts(plan, frame([assignment(end_date="2027-06-30")]), credits)
    assert res.statements["period"].max() == "2027-06"
    assert usd(row(res, "R1", "2027-06")["commission_cents"]) == Decimal("1000.00")
    assert res.status is PayoutStatus.OK_WITH_EXCLUSIONS and res.status.is_ok
    assert list(res.excluded["deal_id"]) == ["D2"]
    assert "no plan assignment" in res.excluded["reason"].iloc[0]


def test_rep_changing_plan_mid_year_gets_two_participations() -> None:
    a = make_plan([commission_measure([{"from": 0, "rate": 0.1}])])
    b = make_plan([commission_measure([{"from": 0, "rate": 0.2}])], id="q")
    asg = frame([assignment(end_date="2027-03-31"), assignment(plan="q", start="2027-04-01")])
    credits = frame([credit("D1", 1_000, "2027-03-31"), credit("D2", 1_000, "2027-04-01")])
    res = compute_payouts([a, b], asg, credits)
    assert usd(row(res, "R1", "2027-03")["commission_cents"]) == Decimal("100.00")
    assert usd(row(res, "R1", "2027-04")["commission_cents"]) == Decimal("200.00")


# --------------------------------------------------------------------------- credit


def test_split_credit_between_reps() -> None:
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.1}])])
    asg = frame([assignment("R1"), assignment("R2")])
    credits = frame(
        [
            credit("D1", 100_000, "2027-01-05", rep="R1", split_pct=60),
            credit("D1", 100_000, "2027-01-05", rep="R2", split_pct=40),
        ]
    )
    res = compute_payouts(plan, asg, credits)
    assert usd(row(res, "R1", "2027-01")["commission_cents"]) == Decimal("6000.00")
    assert usd(row(res, "R2", "2027-01")["commission_cents"]) == Decimal("4000.00")
    lines = res.credit_lines.set_index("rep_id")
    assert lines.loc["R1", "credited_cents"] == 6_000_000


def test_credit_rule_filters_and_multiplier() -> None:
    product = commission_measure([{"from": 0, "rate": 0.1}], mid="analytics")
    product["credits"] = {
        "measures": ["new"],
        "where": {"product": ["Analytics"]},
        "multiplier": 0.5,
    }
    plan = make_plan([product])
    credits = frame(
        [
            credit("D1", 10_000, "2027-01-05", product="Analytics"),
            credit("D2", 10_000, "2027-01-06", product="Core"),
        ]
    )
    res = compute_payouts(plan, frame([assignment()]), credits)
    # Only D1 counts, at half credit: 5,000 x 10% = 500
    assert usd(row(res, "R1", "2027-01")["commission_cents"]) == Decimal("500.00")
    assert list(res.excluded["deal_id"]) == ["D2"]


def test_spifs_fixed_per_deal_times_split_and_rate_within_window() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0}])],
        spifs=[
            {
                "id": "logo",
                "measures": ["new"],
                "where": {"segment": ["enterprise"]},
                "start": "2027-01-01",
                "end": "2027-03-31",
                "amount": 1000,
            },
            {
                "id": "pct",
                "measures": ["new"],
                "start": "2027-02-01",
                "end": "2027-02-28",
                "rate": 0.02,
            },
        ],
    )
    asg = frame([assignment("R1"), assignment("R2")])
    credits = frame(
        [
            credit("D1", 50_000, "2027-01-10", rep="R1", segment="enterprise", split_pct=50),
            credit("D1", 50_000, "2027-01-10", rep="R2", segment="enterprise", split_pct=50),
            credit("D2", 20_000, "2027-02-10", rep="R1", segment="smb"),
            credit("D3", 20_000, "2027-04-10", rep="R1", segment="enterprise"),  # after the window
        ]
    )
    res = compute_payouts(plan, asg, credits)
    assert usd(row(res, "R1", "2027-01")["spif_cents"]) == Decimal("500.00")
    assert usd(row(res, "R2", "2027-01")["spif_cents"]) == Decimal("500.00")
    assert usd(row(res, "R1", "2027-02")["spif_cents"]) == Decimal("400.00")
    assert row(res, "R1", "2027-04")["spif_cents"] == 0


# --------------------------------------------------------------------------- clawbacks


@pytest.mark.parametrize(("method", "expected"), [("full", "-10000.00"), ("prorated", "-5000.00")])
def test_clawback_of_paid_commission(method: str, expected: str) -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.1}])],
        clawback={"window_days": 100, "method": method},
    )
    credits = frame([credit("D1", 100_000, "2027-01-10"), credit("D2", 200_000, "2027-04-10")])
    canc = frame([{"deal_id": "D1", "cancel_date": "2027-03-01"}])  # 50 days after the deal
    res = compute_payouts(plan, frame([assignment()]), credits, canc)
    assert usd(row(res, "R1", "2027-01")["paid_cents"]) == Decimal("10000.00")
    mar = row(res, "R1", "2027-03")
    assert usd(mar["clawback_cents"]) == Decimal(expected)
    assert mar["commission_cents"] == 0 and mar["paid_cents"] == 0
    assert usd(mar["closing_balance_cents"]) == Decimal(expected)
    # April earns 20,000 and recovers the clawed-back amount first.
    apr = row(res, "R1", "2027-04")
    assert usd(apr["paid_cents"]) == Decimal("20000.00") + Decimal(expected)
    claw_line = steps(res, "R1", "2027-03").query("component == 'plan' and step == 'clawback'")
    assert usd(claw_line["result_cents"].iloc[0]) == Decimal(expected)


def test_cancellation_after_the_window_is_not_clawed_back_and_is_reported() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.1}])],
        clawback={"window_days": 30, "method": "full"},
    )
    res = compute_payouts(
        plan,
        frame([assignment()]),
        frame([credit("D1", 100_000, "2027-01-10")]),
        frame([{"deal_id": "D1", "cancel_date": "2027-03-01"}]),
    )
    assert res.statements["clawback_cents"].sum() == 0
    assert res.excluded["reason"].iloc[0] == "cancelled after the clawback window"


def test_clawback_also_reverses_the_spif() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0}])],
        clawback={"window_days": 90, "method": "full"},
        spifs=[
            {
                "id": "s",
                "measures": ["new"],
                "start": "2027-01-01",
                "end": "2027-01-31",
                "amount": 800,
            }
        ],
    )
    res = compute_payouts(
        plan,
        frame([assignment()]),
        frame([credit("D1", 1_000, "2027-01-10")]),
        frame([{"deal_id": "D1", "cancel_date": "2027-02-01"}]),
    )
    assert usd(row(res, "R1", "2027-01")["spif_cents"]) == Decimal("800.00")
    assert usd(row(res, "R1", "2027-02")["clawback_cents"]) == Decimal("-800.00")


def test_a_rep_without_credit_still_gets_the_draw_and_owes_it() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.1}])],
        draw={"type": "recoverable", "amount_per_month": 100, "months": 2},
    )
    empty = frame([]).reindex(columns=["deal_id", "rep_id", "date", "measure", "amount"])
    res = compute_payouts(plan, frame([assignment()]), empty)
    assert res.status is PayoutStatus.OK
    assert res.statements["paid_cents"].tolist() == [10_000, 10_000] + [0] * 10
    assert row(res, "R1", "2027-12")["closing_balance_cents"] == -20_000
