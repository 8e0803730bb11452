"""Attainment and pace on a hand-checked company: a full-year rep, a ramping rep and a
mid-period hire, with a known seasonal profile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.analytics import attainment_and_pace, concentration, current_period
from spm_models.analytics.attainment import (
    PACE_WEIGHTS,
    backtest_projection,
    blend_projection,
    period_profile,
)
from spm_models.data import Company
from spm_models.errors import InputDataError

#: Seasonal shares of the period's months: light first half, heavy year end.
PROFILE = pd.Series([0.05] * 6 + [0.1, 0.1, 0.1, 0.1, 0.15, 0.15], index=range(1, 13))


def _bookings_rows(account: str, rep: str | None, months, amount: float) -> list[dict]:
    return [
        {
            "account_id": account,
            "rep_id": rep,
            "period": pd.Timestamp(m),
            "booking_type": "expansion",
            "amount": amount,
        }
        for m in months
    ]


@pytest.fixture(scope="module")
def company() -> Company:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4"],
            "region": ["West", "West", "East", "East"],
            "current_rep_id": ["R1", "R2", "R3", "R4"],
            "potential": [500_000.0, 300_000.0, 400_000.0, 100_000.0],
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3", "R4"],
            "rep_name": ["Full Year", "Ramping", "Mid Period", "Vacant"],
            "region": ["West", "West", "East", "East"],
            "manager_id": ["M1", "M1", "M2", "M2"],
            "hire_date": pd.to_datetime(["2019-03-01", "2025-11-01", "2026-07-16", None]),
            "status": ["active", "ramping", "active", "vacant"],
            "fte": [1.0, 1.0, 1.0, 1.0],
        }
    )
    y2025 = pd.date_range("2025-01-01", periods=12, freq="MS")
    jan_sep = pd.date_range("2026-01-01", "2026-09-01", freq="MS")
    rows = (
        _bookings_rows("A1", "R1", y2025, 10_000.0)  # 120k the year before: quota 132k
        + _bookings_rows("A2", None, y2025, 5_000.0)  # 60k: quota 66k
        + _bookings_rows("A3", None, y2025, 10_000.0)  # 120k: quota 132k
        + _bookings_rows("A4", None, y2025, 1_000.0)
        + _bookings_rows("A1", "R1", jan_sep, 8_000.0)
        + _bookings_rows("A1", "R1", ["2026-10-01"], 50_000.0)  # after today: unknown
        + _bookings_rows("A2", "R2", jan_sep, 6_000.0)
        + _bookings_rows("A3", "R3", ["2026-08-01"], 4_000.0)
        + _bookings_rows("A3", "R3", ["2026-09-01"], 6_000.0)
    )
    bookings = pd.DataFrame(rows)
    return Company(
        accounts=accounts,
        reps=reps,
        bookings=bookings,
        opportunities=pd.DataFrame(),
        as_of=pd.Timestamp("2026-12-31"),
    )


@pytest.fixture(scope="module")
def result(company):
    return attainment_and_pace(
        company,
        period_end="2026-12-31",
        today="2026-09-15",
        growth=0.10,
        ramp_months=4,
        profile=PROFILE,
    )


def test_full_year_rep_against_linear_and_seasonal_pace(result) -> None:
    r1 = result.by_rep.set_index("rep_id").loc["R1"]
    assert r1["quota"] == pytest.approx(132_000)
    # Jan-Aug fully known, half of September: 8 * 8,000 + 4,000; October's 50,000 is unknown.
    assert r1["to_date"] == pytest.approx(68_000)
    assert r1["attainment"] == pytest.approx(68_000 / 132_000)
    assert r1["linear_share"] == pytest.approx(8.5 / 12)
    assert r1["seasonal_share"] == pytest.approx(0.55)  # 6 * 0.05 + 0.1 + 0.1 + 0.05
    assert r1["expected_seasonal"] == pytest.approx(72_600)
    assert r1["on_pace"] == False  # noqa: E712
    assert r1["pace_seasonal"] == pytest.approx(68_000 / 72_600)


def test_ramping_rep_gets_ramp_relief(result) -> None:
    r2 = result.by_rep.set_index("rep_id").loc["R2"]
    # Tenure months 2 and 3 in Jan and Feb: ramp 0.5 and 0.75, then fully productive.
    assert r2["quota"] == pytest.approx(66_000 * 0.9625)
    assert r2["linear_share"] == pytest.approx(7.75 / 11.25)
    assert r2["seasonal_share"] == pytest.approx(0.5125 / 0.9625)
    assert r2["to_date"] == pytest.approx(51_000)
    assert r2["on_pace"] == True  # noqa: E712


def test_mid_period_hire_is_prorated_and_ramped(result) -> None:
    r3 = result.by_rep.set_index("rep_id").loc["R3"]
    # Starts 16 July (ramp 0), then 0.25, 0.5, 0.75, 1, 1 weighted by the season.
    assert r3["quota"] == pytest.approx(132_000 * 0.45)
    assert r3["linear_share"] == pytest.approx(0.5 / 3.5)
    assert r3["seasonal_share"] == pytest.approx(0.05 / 0.45)
    assert r3["to_date"] == pytest.approx(7_000)
    assert r3["expected_seasonal"] == pytest.approx(6_600)
    assert r3["on_pace"] == True  # noqa: E712


def test_vacant_seat_has_no_quota_and_rollups_add_up(result) -> None:
    assert set(result.by_rep["rep_id"]) == {"R1", "R2", "R3"}
    assert result.share_on_pace == pytest.approx(2 / 3)
    assert result.top20_share == pytest.approx(68_000 / 126_000)
    west = result.by_region.set_index("region").loc["West"]
    assert west["to_date"] == pytest.approx(119_000)
    assert west["attainment"] == pytest.approx(119_000 / (132_000 + 63_525))
    team = result.by_team.set_index("manager_id").loc["M2"]
    assert team["reps"] == 1 and team["share_on_pace"] == pytest.approx(1.0)
    assert result.quota_source.startswith("the year of bookings before the period")


def test_run_rate_projection_without_enough_history_has_no_interval(result) -> None:
    r1 = result.by_rep.set_index("rep_id").loc["R1"]
    assert r1["projected"] == pytest.approx(68_000 / 0.55)
    assert r1["projected_attainment"] == pytest.approx(68_000 / 0.55 / 132_000)
    assert np.isnan(r1["projected_low"])
    assert "too little history" in result.projection_source


def test_forecast_supplies_the_remaining_months(company) -> None:
    months = pd.date_range("2026-09-01", "2026-12-01", freq="MS")
    forecast = pd.DataFrame(
        [
            {
                "rep_id": rep,
                "ds": m,
                "yhat": 10_000.0,
                "yhat_lower": 8_000.0,
                "yhat_upper": 12_000.0,
            }
            for rep in ("R1", "R2", "R3")
            for m in months
        ]
    )
    res = attainment_and_pace(
        company,
        period_end="2026-12-31",
        today="2026-09-15",
        ramp_months=4,
        profile=PROFILE,
        forecast=forecast,
    )
    r1 = res.by_rep.set_index("rep_id").loc["R1"]
    # Half of September plus October to December.
    assert r1["projected"] == pytest.approx(68_000 + 35_000)
    assert r1["projected_low"] == pytest.approx(68_000 + 28_000)
    assert r1["projected_high"] == pytest.approx(68_000 + 42_000)
    assert res.projection_source == "bookings forecast"
    # A forecast that stops short of the period end is not used.
    short = forecast.loc[forecast["ds"] < "2026-12-01"]
    res2 = attainment_and_pace(
        company, period_end="2026-12-31", today="2026-09-15", profile=PROFILE, forecast=short
    )
    assert res2.projection_source != "bookings forecast"


def test_quota_plan_covering_the_period_is_used(company) -> None:
    months = pd.date_range("2026-01-01", periods=12, freq="MS")
    plan = pd.DataFrame(
        [
            {"rep_id": rep, "period": str(m.date()), "quota": 10_000.0}
            for rep in ("R1", "R2")
            for m in months
        ]
    )
    res = attainment_and_pace(
        company, period_end="2026-12-31", today="2026-09-15", profile=PROFILE, quota_months=plan
    )
    assert res.quota_source == "quota plan"
    assert res.by_rep.set_index("rep_id")["quota"].to_dict() == {"R1": 120_000.0, "R2": 120_000.0}
    # A plan for another year is ignored.
    later = plan.assign(period=lambda d: pd.to_datetime(d["period"]) + pd.DateOffset(years=1))
    res2 = attainment_and_pace(
        company, period_end="2026-12-31", today="2026-09-15", profile=PROFILE, quota_months=later
    )
    assert "bookings before the period" in res2.quota_source


def test_projection_interval_from_earlier_periods(tiny_company) -> None:
    res = attainment_and_pace(tiny_company, period_end="2026-12-31", today="2026-11-15")
    reps = res.by_rep.dropna(subset=["projected_low"])
    assert len(reps) > 0
    assert (reps["projected_low"] <= reps["projected"] + 1e-6).all()
    assert (reps["projected"] <= reps["projected_high"] + 1e-6).all()
    assert "interval from" in res.projection_source
    assert res.profile.sum() == pytest.approx(1.0)
    sub = res.subset(region=res.by_rep["region"].iloc[0])
    assert set(sub.by_rep["region"]) == {res.by_rep["region"].iloc[0]}


def test_concentration_known_answer() -> None:
    assert concentration([10, 5, 3, 2, 0]) == pytest.approx(0.5)
    assert concentration([1, 1, 1, 1, 1, 1]) == pytest.approx(2 / 6)  # ceil(1.2) = 2 reps


@pytest.mark.parametrize(
    "period_end, today, match",
    [
        ("2026-12-15", "2026-11-01", "'period_end' parameter of current_period"),
        ("2026-12-31", "2027-01-05", "'today' parameter of current_period"),
        ("2026-12-31", "2025-12-31", "within the period 2026-01-01 to 2026-12-31"),
    ],
)
def test_bad_dates_are_rejected(period_end, today, match) -> None:
    with pytest.raises(ValueError, match=match):
        current_period(period_end, today)


def test_no_quota_anywhere_is_a_clear_error(company) -> None:
    with pytest.raises(InputDataError, match="no rep has a quota for the period 2024-01-01"):
        attainment_and_pace(company, period_end="2024-12-31", today="2024-06-30")


def test_blended_projection_known_answer(company) -> None:
    res = attainment_and_pace(
        company,
        period_end="2026-12-31",
        today="2026-09-15",
        ramp_months=4,
        profile=PROFILE,
        pace_weight=0.5,
    )
    r1 = res.by_rep.set_index("rep_id").loc["R1"]
    # 59,400 of quota still due, booked halfway between R1's pace (68,000 / 72,600) and plan.
    expected = 68_000 + 132_000 * 0.45 * (0.5 * 68_000 / 72_600 + 0.5)
    assert r1["projected"] == pytest.approx(expected)
    assert "pace weight 0.5 against plan" in res.projection_source
    # Any blend of pace and plan reaches quota exactly when the rep is on pace.
    assert blend_projection([72_600.0], [132_000.0], [0.55], 0.3)[0] == pytest.approx(132_000)


def test_pace_weight_is_chosen_on_earlier_periods(tiny_company) -> None:
    period = current_period("2026-12-31", "2026-11-15")
    replay = backtest_projection(
        tiny_company, period_profile(tiny_company.bookings, period), period
    )
    assert replay.pace_weight in PACE_WEIGHTS
    assert set(replay.errors) == set(PACE_WEIGHTS)
    assert replay.errors[replay.pace_weight] == min(replay.errors.values())
    res = attainment_and_pace(tiny_company, period_end="2026-12-31", today="2026-11-15")
    p = res.by_rep["p_at_or_above"].dropna()
    assert len(p) > 0 and p.between(0, 1).all()
    assert 0 <= res.expected_share_at_or_above <= 1
