"""Tornado sensitivity of capacity."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.capacity import CapacityAssumptions, capacity_sensitivity

START = pd.Timestamp("2027-01-01")


def test_tornado_directions_and_linear_attainment() -> None:
    a = CapacityAssumptions(monthly_attrition=0.02, time_to_hire=2, ramp=(0.0, 0.25, 0.5, 0.75))
    roster = pd.DataFrame(
        {
            "rep_id": [f"R{i}" for i in range(10)],
            "tenure_months": [24] * 6 + [0, 1, 2, 3],
            "fte": 1.0,
        }
    )
    res = capacity_sensitivity(roster, a, plan_start=START, hires=[1] * 12)
    t = res.table.set_index("driver")
    assert set(t.index) == {"ramp_months", "monthly_attrition", "attainment", "time_to_hire"}
    assert (
        t.loc["ramp_months", "high_capacity"]
        < res.base_capacity
        < t.loc["ramp_months", "low_capacity"]
    )
    assert t.loc["monthly_attrition", "high_capacity"] < res.base_capacity
    assert t.loc["time_to_hire", "high_capacity"] < res.base_capacity
    # Capacity is proportional to attainment.
    assert t.loc["attainment", "high_capacity"] == pytest.approx(res.base_capacity * 1.1)
    assert t.loc["attainment", "low_capacity"] == pytest.approx(res.base_capacity * 0.9)
    assert res.table["swing"].is_monotonic_decreasing


def test_unknown_driver() -> None:
    a = CapacityAssumptions()
    roster = pd.DataFrame({"rep_id": ["R1"], "tenure_months": [12], "fte": [1.0]})
    with pytest.raises(ValueError, match="'ranges' parameter"):
        capacity_sensitivity(roster, a, plan_start=START, ranges={"weather": (0, 1)})
