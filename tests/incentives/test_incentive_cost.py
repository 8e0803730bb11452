"""Plan cost modelling: simulated attainment, cost distribution, payout curves, comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models import config
from spm_models.incentives import (
    AttainmentSimulation,
    AttainmentSource,
    adjust_plan,
    compare_plans,
    compute_payouts,
    load_plans,
    payout_curve,
    plan_cost,
    simulate_attainment,
)


@pytest.fixture(scope="module")
def plans():
    return load_plans(sorted((config.PROJECT_ROOT / "plans").glob("*.yaml")))


def _fixed(values) -> AttainmentSimulation:
    return AttainmentSimulation(np.asarray(values, dtype=float), AttainmentSource.NORMAL)


def test_everyone_at_quota_costs_exactly_the_target(plans) -> None:
    std = plans["ae_standard"]
    cost = plan_cost(std, _fixed(np.ones((3, 4))), quotas=[1e6, 2e6, 1.5e6, 0.5e6])
    assert cost.total_cost.tolist() == [360_000.0] * 3  # 4 x 90,000
    assert cost.revenue.tolist() == [5_000_000.0] * 3
    assert cost.cost_of_sales[0] == pytest.approx(0.072)
    assert cost.summary["expected_cost"] == 360_000.0
    assert cost.summary["target_cost"] == 360_000.0


def test_payout_curve_hand_checked(plans) -> None:
    curve = payout_curve(plans["ae_standard"], [0.5, 1.0, 1.2, 3.0], quota=1_000_000)
    # new business: BCR 72,000 / 800,000 = 9%, 1.5x above quota; renewals: curve x 18,000
    # 120%: 72,000 + 160K x 13.5% = 93,600 ; renewals 1.5 x 18,000 = 27,000
    assert curve["payout"].tolist() == [36_000.0, 90_000.0, 120_600.0, 270_000.0]
    assert curve["payout_pct_of_target"].iloc[1] == 1.0
    # 300%: 72,000 + 1.6M x 13.5% = 288,000 + 27,000 = 315,000 -> plan cap 3 x 90,000
    assert curve["payout"].iloc[-1] == 3 * 90_000


def test_payout_curve_agrees_with_the_engine(plans) -> None:
    std = plans["ae_standard"]
    att = 1.37
    curve = payout_curve(std, [att], quota=1_000_000)
    asg = pd.DataFrame(
        {
            "rep_id": ["R1"],
            "plan_id": ["ae_standard"],
            "start_date": ["2027-01-01"],
            "annual_quota": [1_000_000],
        }
    )
    credits = pd.DataFrame(
        {
            "deal_id": ["N", "R"],
            "rep_id": ["R1", "R1"],
            "date": ["2027-12-01", "2027-12-01"],
            "measure": ["new", "renewal"],
            "amount": [att * 800_000, att * 200_000],
            "segment": ["smb", "smb"],
        }
    )
    res = compute_payouts(std, asg, credits)
    q4 = res.statements.query("period == '2027-Q4'").iloc[0]
    assert q4["commission_cents"] / 100 == curve["payout"].iloc[0]


def test_accelerated_plan_pays_more_at_the_top_and_less_at_the_bottom(plans) -> None:
    a, b = plans["ae_standard"], plans["ae_accelerated"]
    sim = _fixed([[0.4, 0.4], [1.0, 1.0], [1.6, 1.6]])
    cmp = compare_plans([a, b], sim, quotas=1_000_000)
    diff = cmp.costs["ae_accelerated"].total_cost - cmp.costs["ae_standard"].total_cost
    assert diff[0] < 0 and diff[1] == 0 and diff[2] > 0
    table = cmp.table.set_index("plan_id")
    assert table.loc["ae_standard", "extra_cost_mean"] == 0
    assert table.loc["ae_accelerated", "prob_costs_more"] == pytest.approx(1 / 3)
    assert set(cmp.curves["plan_id"]) == {"ae_standard", "ae_accelerated"}
    assert cmp.reference == "ae_standard"


def test_simulation_is_reproducible_and_shaped() -> None:
    a = simulate_attainment(50, 400, mean=1.0, sd=0.3, correlation=0.3, seed=5)
    b = simulate_attainment(50, 400, mean=1.0, sd=0.3, correlation=0.3, seed=5)
    assert np.array_equal(a.attainment, b.attainment)
    assert a.attainment.shape == (400, 50) and a.attainment.min() >= 0
    assert a.attainment.mean() == pytest.approx(1.0, abs=0.03)
    assert a.attainment.std() == pytest.approx(0.3, abs=0.03)
    logn = simulate_attainment(50, 400, source="lognormal", mean=1.0, sd=0.3, seed=1)
    assert logn.attainment.mean() == pytest.approx(1.0, abs=0.03)
    hist = simulate_attainment(10, 100, source="history", history=[0.7, 1.1, 1.3], seed=2)
    assert set(np.unique(hist.attainment)) <= {0.7, 1.1, 1.3}
    fc = simulate_attainment(2, 2000, source="forecast", mean=[0.8, 1.2], sd=0.1, seed=3)
    assert fc.attainment.mean(axis=0) == pytest.approx([0.8, 1.2], abs=0.02)


def test_upside_and_cost_distribution(plans) -> None:
    sim = simulate_attainment(60, 500, mean=1.0, sd=0.3, seed=11)
    cost = plan_cost(plans["ae_standard"], sim, quotas=1_000_000)
    s = cost.summary
    assert s["p90_payout"] == pytest.approx(np.percentile(cost.payouts, 90))
    assert 1.3 < s["p90_multiple"] < 3.0
    assert s["cost_p10"] < s["cost_p50"] < s["cost_p90"]
    assert s["max_payout"] <= 3 * 90_000  # the plan cap binds at the top
    assert 0 < s["share_above_target"] < 1


def test_adjust_plan_changes_the_accelerator_and_cap(plans) -> None:
    std = plans["ae_standard"]
    steeper = adjust_plan(std, accelerator=2.0, cap_multiple=0, plan_id="steeper")
    assert steeper.cap is None and std.cap is not None
    assert [float(t.multiplier) for t in steeper.measures[0].tiers] == [1.0, 2.0]
    c = payout_curve(steeper, [1.5], quota=1_000_000)
    # 72,000 + 400K x 18% + renewals 27,000
    assert c["payout"].iloc[0] == 171_000.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": "magic"}, "'source' parameter of simulate_attainment must be one of"),
        ({"correlation": 1.0}, "'correlation' parameter"),
        ({"source": "history", "history": [1.0]}, "at least 2 observed attainments"),
        ({"sd": -1}, "'sd' parameter"),
    ],
)
def test_simulation_parameter_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_attainment(5, 10, **kwargs)
