"""The two interpolation conventions, under explicit names.

``proportional_per_tier`` follows Oracle Incentive Compensation's proportional split (its
"interpolated rate"): each tier's value counts by the share of the tier filled. The worked
examples below are the ones Oracle documents for amount tables and percentage tables.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, comp, credit, frame, make_plan, steps, usd

DEC = "2027-12-15"
#: Oracle's amount table: 0-1,000 pays $10, 1,000-3,000 $40, 3,000-8,000 $100, 8,000-20,000
#: $2,000, each for the whole tier.
AMOUNT_TIERS = [
    {"from": 0, "amount": 10},
    {"from": 1000, "amount": 40},
    {"from": 3000, "amount": 100},
    {"from": 8000, "amount": 2000, "to": 20000},
]
#: Oracle's percentage table: 1% to 1,000, 2% to 5,000, 3% to 10,000, 0% to 1,000,000.
RATE_TIERS = [
    {"from": 0, "rate": "1%"},
    {"from": 1000, "rate": "2%"},
    {"from": 5000, "rate": "3%"},
    {"from": 10000, "rate": "0%", "to": 1000000},
]


def _plan(tiers, method="proportional_per_tier", **payout):
    return make_plan([commission_measure(tiers, method=method, **payout)])


def _ytd(plan, amount: str) -> Decimal:
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", amount, DEC)]))
    return usd(comp(res, "R1", "2027-12", "new")["ytd_earned_cents"])


def test_oracle_amount_table_per_transaction() -> None:
    """Each transaction on its own against the amount table: 200 -> 200/1,000 x 10 = 2;
    300 -> 3; 1,500 -> 10 + 500/2,000 x 40 = 20; 1,200 -> 10 + 200/2,000 x 40 = 14;
    2,000 -> 10 + 1,000/2,000 x 40 = 30; 4,500 -> 10 + 40 + 1,500/5,000 x 100 = 80.
    149.00 in all, each line showing its own commission."""
    plan = _plan(AMOUNT_TIERS, evaluate="per_transaction")
    amounts = ["200", "300", "1500", "1200", "2000", "4500"]
    rows = [credit(f"T{i + 1}", a, "2027-03-01") for i, a in enumerate(amounts)]
    res = compute_payouts(plan, frame([assignment()]), frame(rows))
    assert usd(comp(res, "R1", "2027-03", "new")["ytd_earned_cents"]) == Decimal("149.00")
    assert res.deals("R1", "2027-03")["commission"].tolist() == [
        Decimal(x) for x in ("2.00", "3.00", "20.00", "14.00", "30.00", "80.00")
    ]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("5000", "90.00"),  # accumulated: 10 + 40 + 2,000/5,000 x 100
        ("2999.74", "49.99"),  # 10 + 1,999.74/2,000 x 40 = 49.9948
        ("25000", "2150.00"),  # above the last tier's end every tier counts in full
    ],
)
def test_oracle_amount_table_year_to_date(amount: str, expected: str) -> None:
    assert _ytd(_plan(AMOUNT_TIERS), amount) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2000", "30.00"),  # blended rate 1% + 1,000/4,000 x 2% = 1.5%; 2,000 x 1.5%
        ("2500", "43.75"),  # 1% + 1,500/4,000 x 2% = 1.75%; 2,500 x 1.75%
        ("300", "0.90"),  # 300/1,000 x 1% = 0.3%; 300 x 0.3%
    ],
)
def test_oracle_percentage_table(amount: str, expected: str) -> None:
    """A percentage table returns a blended rate applied to the whole amount."""
    assert _ytd(_plan(RATE_TIERS), amount) == Decimal(expected)


@pytest.mark.parametrize("boundary", ["higher_tier", "lower_tier"])
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1000", "10.00"),  # tier 1 full: 1% x 1,000
        ("999.99", "10.00"),  # rate 0.0099999 x 999.99 = 9.99980 -> 10.00
        ("1000.01", "10.00"),  # rate 0.01000005 x 1,000.01 = 10.00015 -> 10.00
        ("5000", "150.00"),  # tiers 1 and 2 full: 3% x 5,000
        ("4999.99", "150.00"),  # rate 0.02999995 x 4,999.99 = 149.99945 -> 150.00
        ("5000.01", "150.00"),  # rate 0.03000006 x 5,000.01 = 150.0006 -> 150.00
    ],
)
def test_tier_edges_are_continuous_under_both_boundary_rules(
    boundary: str, amount: str, expected: str
) -> None:
    """Proportional splits are continuous at every tier edge, so the boundary rule does not
    move a cent there (a retroactive table on the same rates pays 150.00 or 100.00 at 5,000
    depending on the rule; see the contrast test)."""
    plan = _plan(RATE_TIERS, on_boundary=boundary)
    assert _ytd(plan, amount) == Decimal(expected)


@pytest.mark.parametrize(
    ("method", "boundary", "expected"),
    [
        ("proportional_per_tier", "higher_tier", "150.00"),
        ("proportional_per_tier", "lower_tier", "150.00"),
        ("interpolated_rate_on_total", "higher_tier", "150.00"),  # rate 3% at 5,000: 150
        ("marginal", "higher_tier", "90.00"),  # 1,000 x 1% + 4,000 x 2%
        ("retroactive", "higher_tier", "150.00"),  # 3% tier reached: 5,000 x 3%
        ("retroactive", "lower_tier", "100.00"),  # still the 2% tier: 5,000 x 2%
    ],
)
def test_conventions_side_by_side_at_a_tier_edge(method, boundary, expected) -> None:
    """$5,000.00 on the percentage table under each convention. ``interpolated_rate_on_total``
    moves the rate from 2% at 1,000 to 3% at 5,000, so at 3,000 it is 2.5% (75.00) where
    the proportional split gives 1% + 2,000/4,000 x 2% = 2% (60.00)."""
    tiers = RATE_TIERS
    if method != "proportional_per_tier":
        tiers = [{k: v for k, v in t.items() if k != "to"} for t in RATE_TIERS]
    plan = _plan(tiers, method=method, on_boundary=boundary)
    assert _ytd(plan, "5000") == Decimal(expected)
    if method == "interpolated_rate_on_total":
        assert _ytd(plan, "3000") == Decimal("75.00")
    if method == "proportional_per_tier":
        assert _ytd(plan, "3000") == Decimal("60.00")


@pytest.mark.parametrize("boundary", ["higher_tier", "lower_tier"])
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("120000", "480.00"),  # 12% attainment: 12/25 x 1,000 (Oracle's worked example)
        ("250000", "1000.00"),  # exactly 25%: tier 1 full
        ("249999.99", "1000.00"),  # 249,999.99 / 250,000 x 1,000 = 999.99996
        ("249998.74", "999.99"),  # 249,998.74 / 250,000 x 1,000 = 999.99496
        ("1000000", "8000.00"),  # 100%: 1,000 + 2,000 + 5,000
    ],
)
def test_attainment_amount_table(boundary: str, amount: str, expected: str) -> None:
    """Oracle's attainment table on a $1,000,000 quota: 0-25% pays $1,000, 25-50% $2,000,
    50-100% $5,000, 100-999% $6,000, each in proportion to the share of the tier filled."""
    tiers = [
        {"from": 0, "amount": 1000},
        {"from": "25%", "amount": 2000},
        {"from": "50%", "amount": 5000},
        {"from": "100%", "amount": 6000, "to": "999%"},
    ]
    plan = _plan(tiers, basis="attainment", on_boundary=boundary)
    assert _ytd(plan, amount) == Decimal(expected)


def test_trace_lines_add_up_to_the_payout() -> None:
    """1,500 on the amount table: tier 1 $10.00 x share 1 = 10.00, tier 2 $40.00 x 0.25 =
    10.00; the tier lines sum to 20.00."""
    plan = _plan(AMOUNT_TIERS)
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", "1500", DEC)]))
    t = steps(res, "R1", "2027-12")
    tiers = t[t["step"].str.startswith("tier_")].set_index("step")
    assert usd(tiers.loc["tier_1", "result_cents"]) == Decimal("10.00")
    assert usd(tiers.loc["tier_2", "result_cents"]) == Decimal("10.00")
    assert "for the whole tier" in tiers.loc["tier_2", "rule"]
    assert tiers["result_cents"].sum() == comp(res, "R1", "2027-12", "new")["ytd_earned_cents"]
    assert "tier_4" not in tiers.index  # an untouched tier is not shown


def test_last_tier_line_names_its_end() -> None:
    """25,000 fills every tier: 10 + 40 + 100 + 2,000 = 2,150.00, the last line 'to $20,000'."""
    plan = _plan(AMOUNT_TIERS)
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", "25000", DEC)]))
    t = steps(res, "R1", "2027-12").set_index("step")
    assert "from $8,000 to $20,000" in t.loc["tier_4", "rule"]
    assert usd(t.loc["tier_4", "result_cents"]) == Decimal("2000.00")


def test_proportional_needs_the_last_tier_end() -> None:
    tiers = [{"from": 0, "amount": 10}, {"from": 1000, "amount": 40}]
    with pytest.raises(InputDataError, match=r"tiers\[1\]\.to' is required for method"):
        _plan(tiers)


def test_amounts_and_ends_belong_to_proportional_only() -> None:
    with pytest.raises(InputDataError) as err:
        _plan(AMOUNT_TIERS, method="marginal")
    text = str(err.value)
    assert "a tier amount needs method 'proportional_per_tier'" in text
    assert "tiers[3].to' applies to method 'proportional_per_tier' only" in text


def test_end_only_on_the_last_tier_and_above_its_start() -> None:
    tiers = [{"from": 0, "amount": 10, "to": 5}, {"from": 1000, "amount": 40, "to": 900}]
    with pytest.raises(InputDataError) as err:
        _plan(tiers)
    text = str(err.value)
    assert "tiers[0].to' is given on the last tier only" in text
    assert "tiers[1].to' must be greater than the tier's start 1000; got 900" in text
