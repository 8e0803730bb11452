"""The monthly headcount model on hand-checkable teams."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.capacity import (
    CapacityAssumptions,
    bookings_capacity_snapshot,
    capacity_waterfall,
    roster_from_reps,
    simulate_capacity,
)
from spm_models.errors import InputDataError

START = pd.Timestamp("2027-01-01")


def _roster(tenures: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"rep_id": [f"R{i}" for i in range(len(tenures))], "tenure_months": tenures, "fte": 1.0}
    )


def test_capacity_known_answer() -> None:
    # 7 ramped reps x $150k x 85% + 3 ramping reps x $150k x 40% = $1,072,500.
    assert bookings_capacity_snapshot(
        7, 3, quota=150_000, attainment=0.85, ramping_productivity=0.40
    ) == pytest.approx(1_072_500)


def test_monthly_model_reproduces_the_known_answer_over_a_quarter() -> None:
    # A $150k quarterly quota is $600k a year; ramping reps produce 40% of quota, i.e. a
    # ramp factor of 0.40 / 0.85 of a ramped rep, through all three months of the quarter.
    a = CapacityAssumptions(
        quota_per_rep=600_000,
        attainment=0.85,
        ramp=(0.40 / 0.85,) * 3,
        monthly_attrition=0.0,
    )
    res = simulate_capacity(_roster([24] * 7 + [0] * 3), a, plan_start=START, months=3)
    assert res.quarterly["bookings_capacity"].iloc[0] == pytest.approx(1_072_500)
    assert res.monthly["ramped"].tolist() == [7, 7, 7]
    assert res.monthly["ramping"].tolist() == [3, 3, 3]


def test_ramp_and_time_to_hire_for_one_hire() -> None:
    a = CapacityAssumptions(
        quota_per_rep=120_000,
        attainment=1.0,
        ramp=(0.0, 0.25, 0.5, 0.75),
        monthly_attrition=0.0,
        time_to_hire=2,
    )
    hires = [1] + [0] * 11
    res = simulate_capacity(_roster([]), a, plan_start=START, hires=hires)
    assert res.monthly["starts"].tolist() == [0, 0, 1] + [0] * 9
    assert res.monthly["effective_reps"].tolist() == pytest.approx(
        [0, 0, 0, 0.25, 0.5, 0.75] + [1.0] * 6
    )
    assert res.bookings_capacity == pytest.approx(10_000 * (1.5 + 6))


def test_attrition_without_backfill_decays_geometrically() -> None:
    a = CapacityAssumptions(ramp=(), monthly_attrition=0.1, backfill=False)
    res = simulate_capacity(_roster([12] * 10), a, plan_start=START)
    assert res.monthly["heads"].to_numpy() == pytest.approx(10 * 0.9 ** np.arange(12))
    assert res.monthly["leavers"].iloc[0] == pytest.approx(1.0)


def test_immediate_backfills_hold_heads_but_cost_ramp() -> None:
    a = CapacityAssumptions(ramp=(0.5,), monthly_attrition=0.1, time_to_hire=0, backfill=True)
    res = simulate_capacity(_roster([12] * 10), a, plan_start=START)
    assert res.monthly["heads"].to_numpy() == pytest.approx(np.full(12, 10.0))
    # From month 1 a tenth of the team is in its first (half-productive) month.
    assert res.monthly["effective_reps"].iloc[1] == pytest.approx(9 + 0.5)
    assert res.monthly["starts"].iloc[1] == pytest.approx(1.0)


def test_targets_and_gap() -> None:
    a = CapacityAssumptions(quota_per_rep=120_000, attainment=1.0, ramp=(), monthly_attrition=0.0)
    res = simulate_capacity(
        _roster([12] * 5), a, plan_start=START, targets=[100e3, 150e3, 150e3, 200e3]
    )
    assert res.quarterly["bookings_capacity"].tolist() == pytest.approx([150e3] * 4)
    assert res.quarterly["gap"].tolist() == pytest.approx([50e3, 0, 0, -50e3])
    assert res.target_gap == pytest.approx(0.0)
    with pytest.raises(ValueError, match="'targets' parameter"):
        simulate_capacity(_roster([1]), a, plan_start=START, targets=[1, 2, 3])


def test_roster_from_reps_and_open_seats() -> None:
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "status": ["active", "ramping", "vacant"],
            "fte": [1.0, 0.5, 1.0],
            "hire_date": pd.to_datetime(["2025-01-15", "2026-11-02", None]),
        }
    )
    roster, open_seats = roster_from_reps(reps, START)
    assert roster["tenure_months"].tolist() == [24, 2]
    assert roster["fte"].tolist() == [1.0, 0.5]
    assert open_seats == 1.0
    bad = reps.assign(hire_date=pd.to_datetime([None, "2026-11-02", None]))
    with pytest.raises(
        InputDataError, match=r"reps.csv: column 'hire_date'.*row 1 \(rep_id='R1'\)"
    ):
        roster_from_reps(bad, START)


def test_waterfall_bridges_to_capacity() -> None:
    a = CapacityAssumptions(monthly_attrition=0.02)
    roster = _roster([24] * 8 + [1, 2])
    w = capacity_waterfall(roster, a, plan_start=START, hires=[1] * 12, open_seats=1)
    vals = w.set_index("step")["value"]
    assert vals.iloc[0] == pytest.approx(10 * a.productivity)
    assert vals.iloc[0] + w.loc[w["kind"] == "delta", "value"].sum() == pytest.approx(vals.iloc[-1])
    assert vals["Ramp of current reps"] < 0
    assert vals["Attrition net of backfills"] < 0
    assert vals["Open seats and planned hires"] > 0
    full = simulate_capacity(roster, a, plan_start=START, hires=[1] * 12, open_seats=1)
    assert vals.iloc[-1] == pytest.approx(full.bookings_capacity)


def test_bad_assumptions_are_named() -> None:
    with pytest.raises(ValueError, match="'monthly_attrition' parameter of CapacityAssumptions"):
        CapacityAssumptions(monthly_attrition=1.2)
    with pytest.raises(ValueError, match="'ramp' parameter"):
        CapacityAssumptions(ramp=(0.5, 1.5))


def test_season_shapes_capacity_by_month() -> None:
    season = tuple([0.05] * 4 + [0.1] * 8)
    a = CapacityAssumptions(
        quota_per_rep=1200.0, attainment=1.0, ramp=(), monthly_attrition=0.0, season=season
    )
    res = simulate_capacity(_roster([12] * 2), a, plan_start=START)
    assert res.quarterly["bookings_capacity"].tolist() == pytest.approx([360, 600, 720, 720])
    with pytest.raises(ValueError, match="'season' parameter"):
        CapacityAssumptions(season=(0.5, 0.5))
