"""Per-transaction rate tables: the table applied to each credit line on its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, comp, credit, frame, make_plan, usd

TIERS = [{"from": 0, "rate": "5%"}, {"from": 10000, "rate": "10%"}]


def _plan(evaluate: str, **extra):
    return make_plan([commission_measure(TIERS, evaluate=evaluate)], **extra)


def test_per_transaction_against_year_to_date() -> None:
    """Marginal 5% to $10,000 then 10%. January: D1 $8,000 and D2 $12,000. Per transaction:
    D1 8,000 x 5% = 400.00; D2 10,000 x 5% + 2,000 x 10% = 700.00; 1,100.00 in all, and each
    line's commission is its own. Year to date the $20,000 total pays 500 + 1,000 = 1,500.00."""
    rows = [credit("D1", "8000", "2027-01-10"), credit("D2", "12000", "2027-01-20")]
    per = compute_payouts(_plan("per_transaction"), frame([assignment()]), frame(rows))
    assert usd(comp(per, "R1", "2027-01", "new")["ytd_earned_cents"]) == Decimal("1100.00")
    assert per.deals("R1", "2027-01")["commission"].tolist() == [
        Decimal("400.00"),
        Decimal("700.00"),
    ]
    assert "per_transaction" in set(per.trace["step"])
    ytd = compute_payouts(_plan("year_to_date"), frame([assignment()]), frame(rows))
    assert usd(comp(ytd, "R1", "2027-01", "new")["ytd_earned_cents"]) == Decimal("1500.00")


def test_per_transaction_clawback_reverses_the_deal_own_commission() -> None:
    """Full clawback: D2 (700.00 on its own) cancelled in February takes back exactly 700.00,
    leaving D1's 400.00."""
    plan = _plan("per_transaction", clawback={"window_days": 90, "method": "full"})
    rows = [credit("D1", "8000", "2027-01-10"), credit("D2", "12000", "2027-01-20")]
    res = compute_payouts(
        plan,
        frame([assignment()]),
        frame(rows),
        frame([{"deal_id": "D2", "cancel_date": "2027-02-05"}]),
    )
    assert usd(comp(res, "R1", "2027-02", "new")["period_earned_cents"]) == Decimal("-700.00")
    assert usd(comp(res, "R1", "2027-02", "new")["ytd_earned_cents"]) == Decimal("400.00")


def test_per_transaction_needs_dollar_tiers() -> None:
    m = commission_measure(TIERS, evaluate="per_transaction", basis="attainment")
    with pytest.raises(InputDataError, match="per_transaction needs type 'commission' with basis"):
        make_plan([m])
