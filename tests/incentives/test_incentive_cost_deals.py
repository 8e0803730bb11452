"""The cost model's SPIFs, draws and clawbacks, against hand computation and the engine.

Every plan here pays a flat 10% on credited bookings (quota $1,000,000, monthly payouts), so
the commission alone is 10% of attainment x quota and each feature's effect is easy to see.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.incentives import (
    AttainmentSimulation,
    AttainmentSource,
    DealProfile,
    compute_payouts,
    deal_profile,
    plan_cost,
)

from .helpers import assignment, commission_measure, credit, frame, make_plan

FLAT = [{"from": 0, "rate": "10%"}]
YEAR_SPIF = {"id": "s1", "measures": ["new"], "start": "2027-01-01", "end": "2027-12-31"}


def _plan(**extra):
    return make_plan([commission_measure(FLAT)], **extra)


def _cost(plan, attainment: float, profile: DealProfile | None = None):
    sim = AttainmentSimulation(np.array([[attainment]]), AttainmentSource.NORMAL)
    return plan_cost(plan, sim, profile=profile)


def test_spif_per_deal_adds_its_amount_on_the_matching_deals() -> None:
    """At quota, $1,000,000 booked pays 100,000.00 commission. A $500 SPIF on the 20% of
    bookings that match, in deals of $10,000: 1,000,000 x 0.2 / 10,000 = 20 deals x 500 =
    10,000.00 more, 110,000.00 in all. Without a profile the SPIF is left out, and said so."""
    plan = _plan(spifs=[{**YEAR_SPIF, "amount": 500}])
    base = _cost(plan, 1.0)
    assert base.total_cost[0] == pytest.approx(100_000.00)
    assert base.left_out == ("SPIFs",)
    with_spif = _cost(plan, 1.0, DealProfile(10_000, {"s1": 0.2}))
    assert with_spif.total_cost[0] == pytest.approx(110_000.00)
    assert with_spif.spif_cost[0] == pytest.approx(10_000.00)
    assert with_spif.left_out == ()


def test_spif_rate_pays_on_the_matching_bookings() -> None:
    """A 2% SPIF on 20% of $1,000,000: 0.02 x 200,000 = 4,000.00 on top of 100,000.00."""
    plan = _plan(spifs=[{**YEAR_SPIF, "rate": "2%"}])
    cost = _cost(plan, 1.0, DealProfile(10_000, {"s1": 0.2}))
    assert cost.total_cost[0] == pytest.approx(104_000.00)


def test_prorated_clawback_takes_back_commission_and_spif() -> None:
    """5% of bookings cancelled 30 days after booking, prorated over 90 days: 60/90 of them is
    reversed, 0.05 x 2/3 = 1/30 of the credit. Credit 1,000,000 x 29/30 = 966,666.67 pays
    96,666.67 (3,333.33 less); the $500 SPIF on 20 deals loses 1/30 too: 10,000 -> 9,666.67.
    In all 106,333.34, of which the clawback is -3,333.33 - 333.33 = -3,666.66."""
    plan = _plan(
        clawback={"window_days": 90, "method": "prorated"},
        spifs=[{**YEAR_SPIF, "amount": 500}],
    )
    profile = DealProfile(10_000, {"s1": 0.2}, cancel_share=0.05, cancel_age_days=30)
    cost = _cost(plan, 1.0, profile)
    assert cost.total_cost[0] == pytest.approx(106_333.34)
    assert cost.clawback_cost[0] == pytest.approx(-3_666.66)


def test_cancellation_after_the_window_takes_nothing_back() -> None:
    """Full clawback within 90 days: 5% cancelled at 120 days costs nothing back, at 10 days
    5% of 100,000.00 = 5,000.00. Without a profile the clawbacks are named as left out."""
    plan = _plan(clawback={"window_days": 90, "method": "full"})
    assert _cost(plan, 1.0).left_out == ("clawbacks",)
    late = DealProfile(10_000, cancel_share=0.05, cancel_age_days=120)
    assert _cost(plan, 1.0, late).total_cost[0] == pytest.approx(100_000.00)
    early = DealProfile(10_000, cancel_share=0.05, cancel_age_days=10)
    assert _cost(plan, 1.0, early).total_cost[0] == pytest.approx(95_000.00)


@pytest.mark.parametrize(
    ("kind", "expected", "advance"),
    [
        # 1,000.00 earned a month; months 1-3 pay the 5,000 draw: 3 x 5,000 + 9 x 1,000
        ("non_recoverable", 24_000.00, 12_000.00),
        # the 12,000 advanced is owed back: months 4-12 earn 9,000, all recovered, 3,000 unpaid
        # back at year end: 15,000 paid (advances 4,000 + 5,000 + 5,000)
        ("recoverable", 15_000.00, 14_000.00),
    ],
)
def test_draw_is_settled_period_by_period(kind: str, expected: float, advance: float) -> None:
    """12% attainment: $120,000 booked evenly, 1,000.00 of commission a month."""
    plan = _plan(draw={"type": kind, "amount_per_month": 5000, "months": 3})
    cost = _cost(plan, 0.12)
    assert cost.total_cost[0] == pytest.approx(expected)
    assert cost.draw_advance[0] == pytest.approx(advance)


def test_cost_agrees_with_the_engine_on_even_bookings() -> None:
    """One $10,000 deal a month, a $500 SPIF per deal, a non-recoverable 5,000 draw for three
    months: each month earns 1,000 + 500; paid 3 x 5,000 + 9 x 1,500 = 28,500.00, by the
    engine on the deals and by the cost model on 12% attainment alike."""
    plan = _plan(
        spifs=[{**YEAR_SPIF, "amount": 500}],
        draw={"type": "non_recoverable", "amount_per_month": 5000, "months": 3},
    )
    rows = [credit(f"D{m}", "10000", f"2027-{m:02d}-15") for m in range(1, 13)]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    engine_paid = res.statements["paid_cents"].sum() / 100
    profile = deal_profile(plan, frame(rows))
    assert profile.deal_size == 10_000 and profile.spif_shares == {"s1": 1.0}
    assert engine_paid == pytest.approx(28_500.00)
    assert _cost(plan, 0.12, profile).total_cost[0] == pytest.approx(engine_paid)


def test_deal_profile_measures_spif_share_and_cancellations() -> None:
    """Deals of 6,000 (enterprise, January) and 2,000 (smb, June); a SPIF on enterprise deals
    in Q1 covers 6,000 / 8,000 = 75%. The smb deal cancelled 45 days later: 25% cancelled."""
    plan = _plan(
        spifs=[
            {
                "id": "ent",
                "measures": ["new"],
                "where": {"segment": ["enterprise"]},
                "start": "2027-01-01",
                "end": "2027-03-31",
                "amount": 100,
            }
        ]
    )
    rows = frame(
        [
            credit("D1", 6000, "2027-01-10", segment="enterprise"),
            credit("D2", 2000, "2027-06-01", segment="smb"),
        ]
    )
    canc = pd.DataFrame({"deal_id": ["D2"], "cancel_date": ["2027-07-16"]})
    profile = deal_profile(plan, rows, canc)
    assert profile.deal_size == 4000
    assert profile.spif_shares == {"ent": 0.75}
    assert profile.cancel_share == 0.25
    assert profile.cancel_age_days == 45


def test_profile_without_a_spif_share_is_refused() -> None:
    plan = _plan(spifs=[{**YEAR_SPIF, "amount": 500}])
    with pytest.raises(ValueError, match=r"profile.spif_shares\['s1'\]"):
        _cost(plan, 1.0, DealProfile(10_000, {}))
