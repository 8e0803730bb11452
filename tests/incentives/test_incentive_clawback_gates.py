"""Clawback as a percentage or a schedule by deal age; several gates per component."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts
from spm_models.incentives.engine import clawback_share

from .helpers import assignment, commission_measure, comp, credit, frame, make_plan, usd

TEN_PCT = [{"from": 0, "rate": "10%"}]
SCHEDULE = {
    "schedule": [{"up_to_days": 90, "percent": "100%"}, {"up_to_days": 180, "percent": "50%"}]
}


def _clawed(clawback: dict, cancel: str) -> Decimal:
    """Commission reversed for D1 ($1,000 on 2027-01-01 at 10% = 100.00) cancelled on ``cancel``."""
    plan = make_plan([commission_measure(TEN_PCT)], clawback=clawback)
    res = compute_payouts(
        plan,
        frame([assignment()]),
        frame([credit("D1", "1000", "2027-01-01")]),
        frame([{"deal_id": "D1", "cancel_date": cancel}]),
    )
    return -usd(res.statements["clawback_cents"].sum())


@pytest.mark.parametrize(
    ("cancel", "days", "expected"),
    [
        ("2027-04-01", 90, "100.00"),
        ("2027-04-02", 91, "50.00"),
        ("2027-06-30", 180, "50.00"),
        ("2027-07-01", 181, "0.00"),
    ],
)
def test_clawback_schedule_by_deal_age(cancel: str, days: int, expected: str) -> None:
    """100% within the first 90 days, 50% to 180 days, nothing after: D1 pays 100.00; cancelled
    after 90 days (1 April) all 100.00 comes back, after 91 days 50.00, after 180 days 50.00,
    after 181 days nothing."""
    assert _clawed(SCHEDULE, cancel) == Decimal(expected)
    rule = make_plan([commission_measure(TEN_PCT)], clawback=SCHEDULE).clawback
    num, den = clawback_share(rule, np.array([days]))
    assert Decimal(int(num[0])) / Decimal(int(den[0])) == Decimal(expected) / 100


def test_clawback_percentage_within_window() -> None:
    """``percent: 25%`` within 90 days: 25% of 100.00 = 25.00; after the window nothing."""
    rule = {"window_days": 90, "method": "percent", "percent": "25%"}
    assert _clawed(rule, "2027-02-01") == Decimal("25.00")
    assert _clawed(rule, "2027-05-01") == Decimal("0.00")


def test_prorated_clawback_is_exact() -> None:
    """Prorated over 90 days, cancelled after 30: (90 - 30) / 90 = 2/3 of $1,000 credit comes
    back: 666.666... -> 666.67 credit, at 10% the component loses 100.00 - 33.33 = 66.67."""
    assert _clawed({"window_days": 90, "method": "prorated"}, "2027-01-31") == Decimal("66.67")


def test_clawback_schedule_must_increase() -> None:
    bad = {"schedule": [{"up_to_days": 90, "percent": 1}, {"up_to_days": 30, "percent": 0.5}]}
    with pytest.raises(InputDataError, match=r"clawback.schedule\[1\].up_to_days' must be greater"):
        make_plan([commission_measure(TEN_PCT)], clawback=bad)


@pytest.mark.parametrize(
    ("renewal", "margin", "expected"),
    [("600000", "600000", "100.00"), ("600000", "400000", "0.00"), ("400000", "600000", "0.00")],
)
def test_several_gates_must_all_hold(renewal: str, margin: str, expected: str) -> None:
    """New pays 10% of $1,000 = 100.00 only if renewal AND margin reach 50% of their $1M quotas
    (December: YTD quota = annual). Both at 60%: paid; either at 40%: nothing."""
    new = commission_measure(
        TEN_PCT,
        weight="0.5",
        gates=[
            {"measure": "renewal", "min_attainment": "50%"},
            {"measure": "margin", "min_attainment": "50%"},
        ],
    )
    others = [
        commission_measure([{"from": 0, "rate": 0}], mid=m, weight="0.25")
        for m in ("renewal", "margin")
    ]
    plan = make_plan([new, *others])
    rows = [
        credit("D1", "1000", "2027-12-01"),
        credit("D2", renewal, "2027-12-01", measure="renewal"),
        credit("D3", margin, "2027-12-01", measure="margin"),
    ]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    assert usd(comp(res, "R1", "2027-12", "new")["ytd_earned_cents"]) == Decimal(expected)


def test_gate_and_gates_together_are_refused() -> None:
    m = commission_measure(
        TEN_PCT,
        gate={"measure": "new", "min_attainment": 0.5},
        gates=[{"measure": "new", "min_attainment": 0.5}],
    )
    with pytest.raises(InputDataError, match="give either 'gate' or 'gates', not both"):
        make_plan([m])


def test_amount_basis_plan_needs_no_quota_and_shows_none() -> None:
    """8% of every dollar, amount-basis tiers, no quota anywhere: $1,000 in March pays 80.00;
    the trace has credit, tier and earnings lines but no quota or attainment line, and the
    component table leaves quota and attainment empty."""
    plan = make_plan([commission_measure([{"from": 0, "rate": "8%"}], quota=None)])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", "1000", "2027-03-10")]))
    row = comp(res, "R1", "2027-03", "new")
    assert usd(row["ytd_earned_cents"]) == Decimal("80.00")
    assert row["ytd_quota_cents"] is pd.NA and row["attainment_units"] is pd.NA
    steps = set(res.trace.loc[res.trace["period"] == "2027-03", "step"])
    assert {"ytd_credit", "tier_1", "ytd_earned"} <= steps
    assert not {"ytd_quota", "attainment"} & steps


def test_attainment_plan_still_requires_a_quota() -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": "8%"}], quota=None, basis="attainment")]
    )
    with pytest.raises(InputDataError, match="has no quota for measure 'new'"):
        compute_payouts(plan, frame([assignment()]), frame([credit("D1", "1000", "2027-03-10")]))
