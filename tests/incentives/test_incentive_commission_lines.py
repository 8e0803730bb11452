"""Commission per credit line: a period's lines add up to its component payouts exactly."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from spm_models.incentives import compute_payouts
from spm_models.incentives.money import allocate_cents

from .helpers import assignment, commission_measure, credit, frame, make_plan, usd

TWO_TIERS = [{"from": 0, "rate": "0.10"}, {"from": 1000, "rate": "0.20"}]


def test_allocate_cents_largest_remainder_known_answer() -> None:
    """$10.01 over weights 3:1 is 7.5075 and 2.5025 dollars: floors 750 + 250 cents leave one
    cent, which goes to the larger remainder (0.75 against 0.25): 751 and 250. A group whose
    weights sum to zero keeps its total unallocated."""
    share, rest = allocate_cents(
        np.array([0, 0, 1, 1]), np.array([300, 100, 5, -5]), np.array([1001, 10])
    )
    assert share.tolist() == [751, 250, 0, 0]
    assert rest.tolist() == [0, 10]


def test_allocate_cents_ties_go_to_the_earlier_member_and_signs_are_kept() -> None:
    """100 cents over three equal weights: 33 each and the spare cent to the first. A negative
    total (a clawback) over positive weights 3:1, -10.01 dollars: -7.5075 -> -751 (floor), and
    -2.5025 -> -251 (floor), one cent back to the larger remainder (0.4975 of -251): -250."""
    share, _ = allocate_cents(np.zeros(3, dtype=np.int64), np.ones(3, dtype=np.int64), [100])
    assert share.tolist() == [34, 33, 33]
    share, _ = allocate_cents(np.array([0, 0]), np.array([300, 100]), np.array([-1001]))
    assert share.tolist() == [-751, -250]
    assert share.sum() == -1001


def test_commission_per_line_sums_to_the_component_payout() -> None:
    """Marginal 10% to $1,000 then 20%. January: D1 $600 + D2 $600 + D3 $0.10 = $1,200.10 pays
    1,000 x 10% + 200.10 x 20% = 100 + 40.02 = 140.02. By credit: D1 and D2 each 14002 x 60000
    / 120010 = 7000.42 cents, D3 1.17 cents; floors 7000 + 7000 + 1 = 14001, the spare cent to
    D1 (tie with D2, earlier line): 70.01, 70.00, 0.01. February: D4 $100 at 20% = 20.00."""
    plan = make_plan([commission_measure(TWO_TIERS)])
    rows = [
        credit("D1", "600", "2027-01-05"),
        credit("D2", "600", "2027-01-20"),
        credit("D3", "0.10", "2027-01-21"),
        credit("D4", "100", "2027-02-01"),
    ]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    jan = res.deals("R1", "2027-01")
    assert jan["commission"].tolist() == [Decimal("70.01"), Decimal("70.00"), Decimal("0.01")]
    assert res.deals("R1", "2027-02")["commission"].tolist() == [Decimal("20.00")]
    comp = res.components.set_index("period")["period_earned_cents"]
    per_line = res.credit_lines.groupby("period", observed=True)["commission_cents"].sum()
    assert per_line.to_dict() == {p: v for p, v in comp.items() if v}


def test_clawback_line_carries_the_negative_commission() -> None:
    """10% flat, full clawback: D1 $1,000 in January pays 100.00; cancelled in March, the
    clawback line reverses the credit and carries -100.00, March's component payout."""
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": "0.10"}])],
        clawback={"window_days": 90, "method": "full"},
    )
    res = compute_payouts(
        plan,
        frame([assignment()]),
        frame([credit("D1", 1000, "2027-01-15")]),
        frame([{"deal_id": "D1", "cancel_date": "2027-03-01"}]),
    )
    mar = res.deals("R1", "2027-03")
    assert mar["kind"].tolist() == ["clawback"]
    assert mar["commission"].tolist() == [Decimal("-100.00")]
    assert usd(res.credit_lines["commission_cents"].sum()) == 0


def test_payout_without_lines_in_the_period_is_a_true_up_row() -> None:
    """New (8% on amount) is gated on renewals at 50% of YTD quota ($1M a year: February YTD
    $166,666.67, the gate $83,333.33). January: D1 new $1,000 earns 80.00, withheld by the
    gate, so D1's January commission is 0.00. February: renewal D2 $100,000 opens the gate;
    new's YTD 80.00 is paid in February, when no new line exists: one true-up row of 80.00
    for component 'new'. D2 pays 1% = 1,000.00 on renewals."""
    new = commission_measure(
        [{"from": 0, "rate": "0.08"}],
        weight=0.5,
        gate={"measure": "renewal", "min_attainment": 0.5},
    )
    renewal = commission_measure([{"from": 0, "rate": "0.01"}], mid="renewal", weight=0.5)
    plan = make_plan([new, renewal])
    rows = [credit("D1", 1000, "2027-01-15"), credit("D2", 100000, "2027-02-10", measure="renewal")]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    assert res.deals("R1", "2027-01")["commission"].tolist() == [Decimal("0.00")]
    feb = res.deals("R1", "2027-02").set_index("kind")
    assert feb.loc["true-up", "commission"] == Decimal("80.00")
    assert feb.loc["true-up", "measure"] == "new"
    assert feb.loc["credit", "commission"] == Decimal("1000.00")


def test_credit_lines_csv_has_a_commission_column(tmp_path) -> None:
    plan = make_plan([commission_measure(TWO_TIERS)])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 600, "2027-01-05")]))
    res.write(tmp_path)
    cl = pd.read_csv(tmp_path / "credit_lines.csv", dtype=str)
    assert cl["commission"].tolist() == ["60.00"]


@pytest.mark.parametrize("n", [1, 7])
def test_allocation_always_adds_up(n: int) -> None:
    rng = np.random.default_rng(n)
    group = rng.integers(0, 5, 200)
    weight = rng.integers(-1000, 100000, 200)
    total = rng.integers(-(10**6), 10**7, 5)
    share, rest = allocate_cents(group, weight, total)
    sums = np.bincount(group, weights=share, minlength=5).astype(np.int64)
    assert (sums + rest).tolist() == total.tolist()


def test_allocation_beyond_int64_stays_exact() -> None:
    """Products beyond int64 use Python integers: 1,000,000,000,001 cents over weights 3e15,
    1e15 and 5 give 750,000,000,000.75 -> floor 750,000,000,000 (+1 for the largest
    remainder), 250,000,000,000.25 -> 250,000,000,000 and 0.00000125 -> 0."""
    share, rest = allocate_cents(
        np.array([0, 0, 0]), np.array([3 * 10**15, 10**15, 5]), np.array([10**12 + 1])
    )
    assert share.tolist() == [750_000_000_001, 250_000_000_000, 0]
    assert rest.tolist() == [0]
