"""The public worked examples, reproduced through the full engine (statements and trace)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.incentives import compute_payouts

from .helpers import assignment, commission_measure, credit, frame, make_plan, row, steps, usd

TIERS_50_60 = [{"from": 0, "rate": 0.5}, {"from": 100_000, "rate": 0.6}]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("retroactive", Decimal("108000.00")), ("marginal", Decimal("98000.00"))],
)
def test_tiers_50_60_on_180k(method: str, expected: Decimal) -> None:
    plan = make_plan([commission_measure(TIERS_50_60, method=method)])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 180_000, "2027-01-20")]))
    jan = row(res, "R1", "2027-01")
    assert usd(jan["commission_cents"]) == expected
    assert usd(jan["paid_cents"]) == expected
    tiers = steps(res, "R1", "2027-01").query("step.str.startswith('tier_')")
    if method == "marginal":
        # 50% x 100,000 + 60% x 80,000, one trace line per slice
        assert [usd(v) for v in tiers["base_cents"]] == [Decimal("100000.00"), Decimal("80000.00")]
        assert [usd(v) for v in tiers["result_cents"]] == [Decimal("50000.00"), Decimal("48000.00")]
    else:
        assert list(tiers["step"]) == ["tier_2"]
        assert usd(tiers["base_cents"].iloc[0]) == Decimal("180000.00")
        assert tiers["rate_units"].iloc[0] == 60_000_000


QUOTA_80K = {"quota": 80_000, "basis": "attainment"}


def _december(plan, amount: float):
    return compute_payouts(plan, frame([assignment()]), frame([credit("D1", amount, "2027-12-10")]))


def test_nothing_until_quota_then_8pct_on_excess_pays_3200() -> None:
    tiers = [{"from": 0, "rate": 0}, {"from": 1.0, "rate": 0.08}]
    plan = make_plan([commission_measure(tiers, method="marginal", **QUOTA_80K)])
    res = _december(plan, 120_000)
    assert usd(row(res, "R1", "2027-12")["commission_cents"]) == Decimal("3200.00")


@pytest.mark.parametrize(
    "measure",
    [
        commission_measure(
            [{"from": 0, "rate": 0}, {"from": 1.0, "rate": 0.08}], method="retroactive", **QUOTA_80K
        ),
        commission_measure([{"from": 0, "rate": 0.08}], threshold=1.0, **QUOTA_80K),
    ],
    ids=["retroactive-tiers", "flat-rate-with-threshold"],
)
def test_8pct_retroactively_once_quota_met_pays_9600(measure: dict) -> None:
    plan = make_plan([measure])
    assert usd(row(_december(plan, 120_000), "R1", "2027-12")["commission_cents"]) == Decimal(
        "9600.00"
    )
    # One dollar short of quota pays nothing under both formulations.
    assert row(_december(plan, 79_999), "R1", "2027-12")["commission_cents"] == 0


@pytest.mark.parametrize("where", ["component", "plan"])
def test_3pct_of_400k_capped_at_10k(where: str) -> None:
    cap = {"amount": 10_000}
    measure = commission_measure(
        [{"from": 0, "rate": 0.03}], **({"cap": cap} if where == "component" else {})
    )
    plan = make_plan([measure], **({"cap": cap} if where == "plan" else {}))
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 400_000, "2027-03-01")]))
    assert usd(row(res, "R1", "2027-03")["commission_cents"]) == Decimal("10000.00")
    trace = steps(res, "R1", "2027-03")
    tier = trace[trace["step"] == "tier_1"].iloc[0]
    assert usd(tier["result_cents"]) == Decimal("12000.00")
    cap_line = trace[trace["step"] == ("cap" if where == "component" else "plan_cap")].iloc[0]
    assert usd(cap_line["result_cents"]) == Decimal("-2000.00")


@pytest.mark.parametrize(
    ("draw_type", "paid", "balances"),
    [
        ("recoverable", ["1500.00", "2000.00"], ["-1000.00", "0.00"]),
        ("non_recoverable", ["1500.00", "3000.00"], ["0.00", "0.00"]),
    ],
)
def test_draw_1500_per_month(draw_type: str, paid: list[str], balances: list[str]) -> None:
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.1}])],
        draw={"type": draw_type, "amount_per_month": 1500, "months": 2},
    )
    credits = frame([credit("D1", 5_000, "2027-01-15"), credit("D2", 30_000, "2027-02-15")])
    res = compute_payouts(plan, frame([assignment()]), credits)
    jan, feb = row(res, "R1", "2027-01"), row(res, "R1", "2027-02")
    assert [usd(jan["commission_cents"]), usd(feb["commission_cents"])] == [
        Decimal("500.00"),
        Decimal("3000.00"),
    ]
    assert [usd(jan["paid_cents"]), usd(feb["paid_cents"])] == [Decimal(p) for p in paid]
    assert [usd(jan["closing_balance_cents"]), usd(feb["closing_balance_cents"])] == [
        Decimal(b) for b in balances
    ]
    assert usd(jan["draw_advance_cents"]) == Decimal("1000.00")
