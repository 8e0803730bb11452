"""Exact arithmetic: no rounding of attainment or rates before the single rounding to cents.

Every case puts its credit in December, when the year-to-date quota is the annual quota, so the
attainment is simply credit / annual quota.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, comp, credit, frame, make_plan, usd

DEC = "2027-12-15"


def _ytd(plan, amount: str, measure: str = "new") -> Decimal:
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", amount, DEC)]))
    return usd(comp(res, "R1", "2027-12", measure)["ytd_earned_cents"])


def _bonus(curve, quota=10_000_000, **payout) -> dict:
    return {
        "id": "new",
        "weight": 1,
        "quota": quota,
        "payout": {"type": "bonus", "curve": curve, **payout},
    }


@pytest.mark.parametrize(
    ("amount", "boundary", "expected"),
    [
        ("7999999.95", "higher_tier", "0.00"),
        ("8000000.00", "higher_tier", "25000.00"),
        ("8000000.00", "lower_tier", "0.00"),
        ("8000000.01", "lower_tier", "25000.00"),
    ],
)
def test_curve_point_is_compared_exactly(amount: str, boundary: str, expected: str) -> None:
    """Target $50,000; curve from 80% (pays 0.5) to 100% (pays 1.0), nothing below 80%.
    $7,999,999.95 / $10M = 0.799999995, below 80% (rounded to 8 decimals it would be 0.8 and
    pay). $8,000,000.00 is on the point: 0.5 x 50,000 = 25,000.00 under ``higher_tier``,
    nothing under ``lower_tier``. $8,000,000.01 is above it: 0.5 + 0.000000001 x 0.5 / 0.2 =
    0.5000000025, x 50,000 = 25,000.000125 -> 25,000.00."""
    plan = make_plan([_bonus([[0.8, 0.5], [1.0, 1.0]], on_boundary=boundary)])
    assert _ytd(plan, amount) == Decimal(expected)


def test_base_commission_rate_is_not_rounded() -> None:
    """Target $40,000 on a $1.2M quota: BCR = 1/30. $1,250,000 x 1/30 = 41,666.666... ->
    41,666.67 (a BCR rounded to 0.03333333 gives 41,666.6625 -> 41,666.66)."""
    plan = make_plan(
        [commission_measure([{"from": 0, "multiplier": 1}], quota=1_200_000, basis="attainment")],
        target_incentive=40_000,
    )
    assert _ytd(plan, "1250000") == Decimal("41666.67")


@pytest.mark.parametrize(
    ("amount", "rule", "expected"),
    [
        ("6999999.95", "met", "0.00"),
        ("7000000.00", "met", "70000.00"),
        ("7000000.00", "not_met", "0.00"),
        ("7000000.01", "not_met", "70000.00"),
    ],
)
def test_threshold_is_compared_exactly(amount: str, rule: str, expected: str) -> None:
    """1% of credit, nothing paid below 70% of a $10M quota. $6,999,999.95 is below it;
    $7,000,000.00 is on it: 1% = 70,000.00 when the threshold counts as met, nothing when not.
    $7,000,000.01 pays 70,000.0001 -> 70,000.00 either way."""
    m = commission_measure(
        [{"from": 0, "rate": "1%"}],
        quota=10_000_000,
        threshold=0.7,
        on_boundary={"tiers": "higher_tier", "thresholds": rule},
    )
    assert _ytd(make_plan([m]), amount) == Decimal(expected)


@pytest.mark.parametrize(
    ("tiers", "thresholds", "expected"),
    [
        ("higher_tier", "met", "20000.00"),
        ("lower_tier", "met", "10000.00"),
        ("higher_tier", "not_met", "0.00"),
        ("lower_tier", "not_met", "0.00"),
    ],
)
def test_tier_and_threshold_boundaries_are_separate(tiers, thresholds, expected) -> None:
    """Retroactive 1% below 100% of a $1M quota and 2% from 100%, threshold at 100%. Credit
    exactly $1,000,000: the tier rule picks 2% (20,000.00) or 1% (10,000.00); the threshold
    rule pays that or nothing."""
    m = commission_measure(
        [{"from": 0, "rate": 0.01}, {"from": 1.0, "rate": 0.02}],
        method="retroactive",
        basis="attainment",
        threshold=1.0,
        on_boundary={"tiers": tiers, "thresholds": thresholds},
    )
    assert _ytd(make_plan([m]), "1000000") == Decimal(expected)


def test_tier_start_on_a_fraction_of_a_cent() -> None:
    """Marginal 10% to 50% of a $1,000,000.01 quota (start $500,000.005, kept exact), then 20%.
    $500,000.01: tier 1 pays 500,000.005 x 10% = 50,000.0005 -> 50,000.00, tier 2 pays
    0.005 x 20% = 0.001 -> 0.00: 50,000.00. $500,000.02: tier 2 0.015 x 20% = 0.003 -> 0.00:
    50,000.00. $500,000.05: tier 2 0.045 x 20% = 0.009 -> 0.01: 50,000.01."""
    m = commission_measure(
        [{"from": 0, "rate": 0.1}, {"from": 0.5, "rate": 0.2}],
        quota="1000000.01",
        basis="attainment",
    )
    plan = make_plan([m])
    assert _ytd(plan, "500000.01") == Decimal("50000.00")
    assert _ytd(plan, "500000.02") == Decimal("50000.00")
    assert _ytd(plan, "500000.05") == Decimal("50000.01")


@pytest.mark.parametrize(
    ("amount", "boundary", "expected"),
    [
        ("999999.99", "higher_tier", "25000.00"),
        ("1000000.00", "higher_tier", "50000.00"),
        ("1000000.00", "lower_tier", "25000.00"),
        ("1500000.00", "lower_tier", "75000.00"),
    ],
)
def test_step_curve_without_tiny_gaps(amount: str, boundary: str, expected: str) -> None:
    """Curve 0 -> 0 at 0%, 0.5 at 100%, then a step to 1.0 at 100%, 1.5 at 150% (two points at
    100%). Target $50,000, quota $1M. $999,999.99: value 0.5 x 0.99999999 = 0.499999995, x
    50,000 = 24,999.99975 -> 25,000.00 (one rounding). Exactly $1M: on the step, 1.0
    (50,000.00) under higher_tier and 0.5 (25,000.00) under lower_tier. $1.5M: 1.5 ->
    75,000.00."""
    plan = make_plan(
        [
            _bonus(
                [[0, 0], [1.0, 0.5], [1.0, 1.0], [1.5, 1.5]], quota=1_000_000, on_boundary=boundary
            )
        ]
    )
    assert _ytd(plan, amount) == Decimal(expected)


def test_percent_strings_anywhere_a_rate_is_given() -> None:
    """``4%`` is 0.04: $10,000 at 4% pays 400.00; a SPIF at ``2.5%`` pays 250.00 on top."""
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": "4%"}])],
        spifs=[
            {
                "id": "s",
                "measures": ["new"],
                "start": "2027-01-01",
                "end": "2027-12-31",
                "rate": "2.5%",
            }
        ],
    )
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", "10000", DEC)]))
    assert usd(comp(res, "R1", "2027-12", "new")["ytd_earned_cents"]) == Decimal("400.00")
    assert usd(res.credit_lines["spif_cents"].sum()) == Decimal("250.00")


@pytest.mark.parametrize("name", ["interpolated", "interpolated_rate"])
def test_ambiguous_interpolation_names_are_refused(name: str) -> None:
    with pytest.raises(InputDataError, match=f"'{name}' is ambiguous") as err:
        make_plan([commission_measure([{"from": 0, "rate": 0.1}], method=name)])
    assert "'interpolated_rate_on_total'" in str(err.value)
    assert "'proportional_per_tier'" in str(err.value)


def test_interpolated_rate_uses_the_exact_rate() -> None:
    """Rate from 1% at $0 to 2% at $3 (amount basis), then flat. Credit $1.00: rate 1% +
    1/3 % = 0.013333...; $1.00 x 0.01333... = 0.01333 -> 0.01. Credit $2.00: 0.016666... x 2 =
    0.0333 -> 0.03. Credit $300,000 sits beyond the last start: 2% = 6,000.00."""
    m = commission_measure(
        [{"from": 0, "rate": "1%"}, {"from": 3, "rate": "2%"}], method="interpolated_rate_on_total"
    )
    plan = make_plan([m])
    assert _ytd(plan, "1") == Decimal("0.01")
    assert _ytd(plan, "2") == Decimal("0.03")
    assert _ytd(plan, "300000") == Decimal("6000.00")
