"""Measurement period against payout period: annual determination, annual payouts."""

from __future__ import annotations

from decimal import Decimal

from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, credit, frame, make_plan, row, usd


def _plan(**extra):
    m = commission_measure([{"from": 0, "rate": "10%"}], threshold="50%")
    return make_plan([m], payout_frequency="quarterly", **extra)


ROWS = [credit("D1", "300000", "2027-02-10"), credit("D2", "300000", "2027-08-10")]


def test_annual_measurement_pays_only_once_the_annual_threshold_is_reached() -> None:
    """10% of credit, nothing below 50% attainment, $1M quota, paid quarterly. D1 $300,000 in
    February, D2 $300,000 in August.

    Year to date (the default): Q1 quota is $250,000, attainment 120%, Q1 pays 30,000.00; at
    Q2 the YTD quota is $500,000 and 60% still passes. Annual measurement: Q1 is 30% of the
    $1M year, below 50%: nothing; Q3 reaches 60%: 60,000.00 paid in Q3, no negative balance
    at any point."""
    ytd = compute_payouts(_plan(), frame([assignment()]), frame(ROWS))
    assert usd(row(ytd, "R1", "2027-Q1")["earned_cents"]) == Decimal("30000.00")
    annual = compute_payouts(_plan(measurement="annual"), frame([assignment()]), frame(ROWS))
    assert usd(row(annual, "R1", "2027-Q1")["earned_cents"]) == 0
    assert usd(row(annual, "R1", "2027-Q2")["earned_cents"]) == 0
    assert usd(row(annual, "R1", "2027-Q3")["earned_cents"]) == Decimal("60000.00")
    assert (annual.statements["closing_balance_cents"] >= 0).all()


def test_annual_payout_frequency_has_one_period() -> None:
    """``payout_frequency: annual``: one statement, period '2027', on the full year:
    600,000 x 10% = 60,000.00."""
    m = commission_measure([{"from": 0, "rate": "10%"}], threshold="50%")
    plan = make_plan([m], payout_frequency="annual")
    res = compute_payouts(plan, frame([assignment()]), frame(ROWS))
    assert res.statements["period"].tolist() == ["2027"]
    assert usd(row(res, "R1", "2027")["earned_cents"]) == Decimal("60000.00")
    assert set(res.credit_lines["period"]) == {"2027"}


def test_fiscal_year_starting_in_february() -> None:
    """``year: 2027, fiscal_year_start_month: 2``: the plan year runs 1 February 2027 to
    31 January 2028, quarters FY2027-Q1 (Feb-Apr) to FY2027-Q4 (Nov-Jan). At 10%: D1 $1,000 on
    10 February 2027 pays 100.00 in FY2027-Q1; D2 $500 on 20 January 2028 pays 50.00 in
    FY2027-Q4; D0 on 15 January 2027 falls before the plan year and is excluded."""
    m = commission_measure([{"from": 0, "rate": "10%"}])
    plan = make_plan([m], payout_frequency="quarterly", fiscal_year_start_month=2)
    rows = [
        credit("D0", "700", "2027-01-15"),
        credit("D1", "1000", "2027-02-10"),
        credit("D2", "500", "2028-01-20"),
    ]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    assert res.statements["period"].tolist() == [f"FY2027-Q{q}" for q in range(1, 5)]
    assert usd(row(res, "R1", "FY2027-Q1")["earned_cents"]) == Decimal("100.00")
    assert usd(row(res, "R1", "FY2027-Q4")["earned_cents"]) == Decimal("50.00")
    assert str(row(res, "R1", "FY2027-Q4")["period_end"].date()) == "2028-01-31"
    assert res.excluded["deal_id"].tolist() == ["D0"]
    monthly = make_plan([m], fiscal_year_start_month=2)
    res_m = compute_payouts(monthly, frame([assignment()]), frame(rows))
    assert res_m.statements["period"].iloc[[0, -1]].tolist() == ["2027-02", "2028-01"]
    assert usd(row(res_m, "R1", "2028-01")["earned_cents"]) == Decimal("50.00")


def test_plan_description_says_fiscal_year_measurement_and_per_deal() -> None:
    from spm_models.incentives.plan import describe_plan

    m = commission_measure([{"from": 0, "rate": "10%"}], evaluate="per_transaction")
    plan = make_plan([m], fiscal_year_start_month=2, measurement="annual")
    text = describe_plan(plan)
    assert "FY2027 from February 2027 to January 2028" in text
    assert "as advances against the full-year quota" in text
    assert "marginal commission on each deal" in text
