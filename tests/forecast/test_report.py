"""Sentences and tables of the forecast page, on hand-checkable inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.forecast import make_forecaster
from spm_models.forecast.backtest import compare
from spm_models.forecast.report import (
    BookingScope,
    backtest_candidates,
    booking_scope,
    bullets,
    finite_figures,
    headline_choice,
    next_year_sentence,
    reconcile_to_total,
    vs_quota,
    vs_quota_sentence,
)

TYPES = ("expansion", "new", "renewal")


def test_booking_scope_follows_the_quota_page_or_says_it_assumed():
    scope = booking_scope({"quota.booking_types": "new and expansion"}, TYPES, ("new",))
    assert scope == BookingScope(("expansion", "new"), True)
    assert "that count toward quota on the quota page" in scope.sentence()
    alone = booking_scope({}, TYPES, ("new", "expansion"))
    assert alone.types == ("new", "expansion") and not alone.from_quota
    assert alone.sentence().startswith("This run has no quota page: bookings count new and")


def test_vs_quota_only_with_a_positive_quota():
    scope = BookingScope(("new", "expansion"), True)
    assert vs_quota(90.0, {"quota.total": 100.0}) == pytest.approx(0.9)
    assert vs_quota(90.0, {"quota.total": 0.0}) is None
    assert vs_quota(90.0, {}) is None
    text = vs_quota_sentence(0.9, {"quota.total": 2.0e6}, scope)
    assert text == (
        "The forecast is 90.0% of the total quota of $2.00M (10.0% below it), both counting "
        "new and expansion bookings."
    )
    assert "no issued quota" in vs_quota_sentence(None, {}, scope)


def test_next_year_sentence_without_a_full_year_and_calibration():
    text = next_year_sentence(
        1.5e6,
        1.0e6,
        2.0e6,
        width=0.8,
        first=pd.Timestamp("2027-01-01"),
        last=pd.Timestamp("2027-12-01"),
        last_year=None,
        n_scores=0,
    )
    assert text.startswith("The next 12 months (Jan 2027 to Dec 2027) are forecast at $1.50M")
    assert "up" not in text.split(".")[0].split("coverage")[-1]
    assert "too short to calibrate a yearly total" in text
    grown = next_year_sentence(
        1.5e6,
        1.0e6,
        2.0e6,
        width=0.8,
        first=pd.Timestamp("2027-01-01"),
        last=pd.Timestamp("2027-12-01"),
        last_year=1.2e6,
        n_scores=12,
    )
    assert "up 25.0% on the last 12 months" in grown
    assert "calibrated on 12 past 12-month totals" in grown


def test_reconciliation_identity_parts_add_up_to_the_headline():
    months = pd.date_range("2027-01-01", periods=12, freq="MS")
    total = pd.DataFrame(
        {"ds": months, "yhat": np.full(12, 100.0), "yhat_lower": 80.0, "yhat_upper": 120.0}
    )
    parts = pd.concat(
        [
            pd.DataFrame(
                {"id": "East", "ds": months, "yhat": 30.0, "yhat_lower": 20.0, "yhat_upper": 40.0}
            ),
            pd.DataFrame(
                {"id": "West", "ds": months, "yhat": 90.0, "yhat_lower": 70.0, "yhat_upper": 110.0}
            ),
        ]
    )
    hist_months = pd.date_range("2026-01-01", periods=12, freq="MS")
    history = pd.concat(
        [
            pd.DataFrame({"id": "East", "ds": hist_months, "y": 25.0}),
            pd.DataFrame({"id": "West", "ds": hist_months, "y": 75.0}),
        ]
    )
    b = reconcile_to_total(parts, total, history)
    table = b.table.set_index("id")
    # Own forecasts 360 + 1080 = 1440 are scaled by 1200 / 1440 to add up to the total 1200.
    assert b.own_sum == pytest.approx(1440.0)
    assert table["next_12_months"].sum() == pytest.approx(1200.0) == b.total
    assert table.loc["East", "next_12_months"] == pytest.approx(300.0)
    assert table.loc["West", "growth"] == pytest.approx(900.0 / 900.0 - 1)
    assert table.loc["East", "share"] == pytest.approx(0.25)
    monthly = b.parts.groupby("ds")["yhat"].sum()
    np.testing.assert_allclose(monthly.to_numpy(), 100.0)
    assert "add up to the company forecast of $1.2k" in b.sentence("region")


def test_headline_stays_the_combination_without_a_clear_win():
    rng = np.random.default_rng(0)
    y = 100 + rng.normal(0, 5, 40)
    df = pd.DataFrame({"ds": pd.date_range("2022-01-01", periods=40, freq="MS"), "y": y})
    cmp = compare(
        {
            "auto": make_forecaster("auto", components=("ces",), calibration_windows=0),
            "naive": make_forecaster("naive", calibration_windows=0),
            "drift": make_forecaster("drift", calibration_windows=0),
        },
        df,
        horizon=3,
        windows=3,
    )
    choice = headline_choice(cmp)
    assert choice.key == "auto"
    if cmp.best != "auto":
        assert "not a clear win" in choice.sentence


def test_backtest_candidates_fit_the_length():
    short, skipped = backtest_candidates(10, 12, include_prophet=True, width=0.8)
    assert list(short) == ["auto", "drift", "naive"]
    assert any("Prophet is not backtested" in s for s in skipped)
    long, skipped = backtest_candidates(48, 12, include_prophet=False, width=0.8)
    assert list(long) == ["auto", "autoets", "autotheta", "autoarima", "autoces", "snaive", "naive"]
    assert skipped == []


def test_finite_figures_leave_out_what_cannot_be_computed():
    assert finite_figures({"a": 1.0, "b": float("nan"), "c": None, "d": "x"}) == {
        "a": 1.0,
        "d": "x",
    }
    assert bullets(["first one", "", "second."]) == "- First one.\n- Second."


def test_baseline_warning_when_the_headline_loses():
    from spm_models.forecast.backtest import Comparison
    from spm_models.forecast.report import baseline_warning

    table = pd.DataFrame({"model": ["snaive", "auto"], "smape": [20.0, 30.0]})
    warning = baseline_warning(Comparison(table=table, results={}), "auto")
    assert warning.topic == "Forecast accuracy"
    assert (
        "does not beat seasonal naive" in warning.message
        and "30.0% against 20.0%" in warning.message
    )
    table = pd.DataFrame({"model": ["auto", "naive"], "smape": [10.0, 30.0]})
    assert baseline_warning(Comparison(table=table, results={}), "auto") is None
