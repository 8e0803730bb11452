"""Seasonality, ramp schedules, ramped quotas, proration and quota relief."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.quota import (
    linear_ramp,
    prorate,
    quarter_profile,
    quota_relief,
    ramped_quotas,
    seasonal_profile,
    split_by_season,
)


def test_proration_known_answer() -> None:
    # $100,000 split 20/20/20/40 by quarter, start 1 March: Q1 keeps a third of $20,000.
    res = prorate(
        100_000,
        [0.2, 0.2, 0.2, 0.4],
        plan_start=pd.Timestamp("2027-01-01"),
        start_date=pd.Timestamp("2027-03-01"),
    )
    assert res["quota"].iloc[0] == pytest.approx(20_000 / 3)
    assert round(res["quota"].sum()) == 86_667


def test_proration_partial_month_counts_by_days() -> None:
    res = prorate(
        12_000,
        [1 / 12] * 12,
        plan_start=pd.Timestamp("2027-01-01"),
        start_date=pd.Timestamp("2027-04-16"),
        months_per_period=1,
    )
    assert res["quota"].iloc[:3].sum() == 0
    assert res["quota"].iloc[3] == pytest.approx(1000 * 15 / 30)
    assert res["quota"].sum() == pytest.approx(8000 + 500)


def test_linear_ramp_by_month_and_quarter() -> None:
    assert linear_ramp(4) == (0.0, 0.25, 0.5, 0.75)
    assert linear_ramp(12, step_months=3) == (0.0,) * 3 + (0.25,) * 3 + (0.5,) * 3 + (0.75,) * 3
    assert linear_ramp(0) == ()
    with pytest.raises(ValueError, match="'step_months'"):
        linear_ramp(4, step_months=3)


def test_ramped_quotas_for_a_mid_year_hire() -> None:
    quotas = pd.DataFrame(
        {
            "rep_id": ["OLD", "NEW"],
            "quota": [120_000.0, 120_000.0],
            "hire_date": pd.to_datetime(["2020-01-01", "2027-03-01"]),
        }
    )
    res = ramped_quotas(quotas, plan_start=pd.Timestamp("2027-01-01"), ramp=linear_ramp(4))
    old = res.loc[res["rep_id"] == "OLD", "quota"]
    new = res.loc[res["rep_id"] == "NEW", "quota"].to_numpy()
    assert old.sum() == pytest.approx(120_000)
    # Jan, Feb not employed; Mar 0%, Apr 25%, May 50%, Jun 75%, then 100% for 6 months.
    assert new == pytest.approx([0, 0, 0, 2500, 5000, 7500] + [10_000] * 6)


def _bookings_with_pattern(
    years: list[int], pattern: list[float], scale: list[float]
) -> pd.DataFrame:
    rows = []
    for y, s in zip(years, scale, strict=True):
        for m, w in enumerate(pattern, start=1):
            rows.append({"period": pd.Timestamp(y, m, 1), "booking_type": "new", "amount": w * s})
            rows.append({"period": pd.Timestamp(y, m, 1), "booking_type": "renewal", "amount": 1e6})
    return pd.DataFrame(rows)


def test_seasonal_profile_averages_year_shares() -> None:
    pattern = [1, 1, 2] * 3 + [2, 2, 4]  # 20 units a year, Q4 heavy
    b = _bookings_with_pattern([2025, 2026], pattern, [1.0, 3.0])
    prof = seasonal_profile(b)
    assert prof.to_numpy() == pytest.approx(np.array(pattern) / 20)
    assert quarter_profile(prof).to_numpy() == pytest.approx([0.2, 0.2, 0.2, 0.4])


def test_seasonal_profile_with_fiscal_year_starting_in_july() -> None:
    pattern = list(range(1, 13))
    b = _bookings_with_pattern([2025, 2026], pattern, [1.0, 1.0])
    prof = seasonal_profile(b, fiscal_start_month=7)
    # Only Jul 2025 - Jun 2026 is a complete fiscal year; fiscal month 1 is July.
    assert prof.iloc[0] == pytest.approx(7 / 78)
    assert prof.iloc[6] == pytest.approx(1 / 78)


def test_split_by_season_sums_back() -> None:
    prof = pd.Series([0.05] * 4 + [0.1] * 8, index=range(1, 13))
    quotas = pd.DataFrame({"rep_id": ["R1", "R2"], "quota": [1200.0, 600.0]})
    q = split_by_season(quotas, prof, plan_start=pd.Timestamp("2027-01-01"), freq="quarter")
    r1 = q.loc[q["rep_id"] == "R1", "quota"].to_numpy()
    assert r1 == pytest.approx([180, 300, 360, 360])
    assert q.groupby("rep_id")["quota"].sum().to_dict() == pytest.approx({"R1": 1200, "R2": 600})


def test_seasonal_profile_without_bookings_is_an_error() -> None:
    b = pd.DataFrame({"period": pd.to_datetime([]), "booking_type": [], "amount": []})
    with pytest.raises(InputDataError, match="bookings: column 'amount' has no bookings"):
        seasonal_profile(b)


def test_quota_relief_moves_expected_bookings() -> None:
    quotas = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "quota": [1000.0, 800.0, 500.0]})
    assignment = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "old_rep_id": ["R1", "R1", "R2"],
            "new_rep_id": ["R2", "R1", "R3"],
            "moved": [True, False, True],
        }
    )
    expected = pd.Series({"A1": 300.0, "A2": 50.0, "A3": 100.0})
    res = quota_relief(quotas, assignment, expected, year_fraction=0.5).set_index("rep_id")
    assert res["relief"].to_dict() == {"R1": 150.0, "R2": 50.0, "R3": 0.0}
    assert res["quota"].to_dict() == {"R1": 850.0, "R2": 900.0, "R3": 550.0}
    assert res["quota"].sum() == pytest.approx(quotas["quota"].sum())


def test_quota_relief_flags_inconsistent_moved_column() -> None:
    quotas = pd.DataFrame({"rep_id": ["R1", "R2"], "quota": [1.0, 1.0]})
    assignment = pd.DataFrame(
        {"account_id": ["A1"], "old_rep_id": ["R1"], "new_rep_id": ["R2"], "moved": [False]}
    )
    with pytest.raises(InputDataError, match=r"column 'moved'.*row 1 \(account_id='A1'\)"):
        quota_relief(quotas, assignment, pd.Series({"A1": 0.5}))


def test_quota_relief_cannot_make_a_quota_negative() -> None:
    quotas = pd.DataFrame({"rep_id": ["R1", "R2"], "quota": [100.0, 100.0]})
    assignment = pd.DataFrame({"account_id": ["A1"], "old_rep_id": ["R1"], "new_rep_id": ["R2"]})
    with pytest.raises(InputDataError, match="rep_id='R1'"):
        quota_relief(quotas, assignment, pd.Series({"A1": 150.0}))


def test_quota_relief_rejects_a_rep_without_quota() -> None:
    quotas = pd.DataFrame({"rep_id": ["R1"], "quota": [100.0]})
    assignment = pd.DataFrame({"account_id": ["A1"], "old_rep_id": ["R1"], "new_rep_id": ["R9"]})
    with pytest.raises(InputDataError, match=r"column 'new_rep_id'.*'R9'.*row 1"):
        quota_relief(quotas, assignment, pd.Series({"A1": 10.0}))
