"""The ``auto`` combination, its length rules and its selection rule, on synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast import AutoForecaster, make_forecaster
from spm_models.forecast.backtest import backtest_settings
from spm_models.forecast.engine import (
    FULL_COMPONENTS,
    SHORT_COMPONENTS,
    OwnSeasonFit,
    dummy_seasonality_pvalue,
    fit_components,
    length_plan,
)


def frame(y, start: str = "2022-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {"ds": pd.date_range(start, periods=len(y), freq="MS"), "y": np.asarray(y, float)}
    )


def test_length_plan_known_answers():
    six = length_plan(6, 12)
    assert six.components == SHORT_COMPONENTS and six.season_period == 3
    assert "too few to estimate a trend" in six.skipped["ETS"]
    ten = length_plan(10, 12, prophet=True)
    assert ten.components == FULL_COMPONENTS and ten.season_period == 3
    assert "fewer than two years (24)" in ten.skipped["yearly seasonality"]
    assert "two years" in ten.skipped["Prophet"]
    five = length_plan(5, 12)
    assert five.season_period == 1
    assert "fewer than two quarters (6)" in five.skipped["quarter-end seasonality"]
    full = length_plan(30, 12, prophet=True)
    assert full.season_period == 12 and full.skipped == {}


def test_quarter_dummy_test_finds_quarter_end_peaks_and_not_a_line():
    t = np.arange(10.0)
    assert dummy_seasonality_pvalue(100 + t + 50 * (t % 3 == 2), 3) == 0.0
    rng = np.random.default_rng(0)
    noisy = 100 + 2 * t + rng.normal(0, 1, 10) + 30 * (t % 3 == 2)
    assert dummy_seasonality_pvalue(noisy, 3) < 0.01
    assert dummy_seasonality_pvalue(100 + 2 * t, 3) == 1.0


def test_ten_month_history_forecasts_its_quarter_end_peaks():
    rng = np.random.default_rng(1)
    t = np.arange(10)
    y = 1000 + 10 * t + 300 * (t % 3 == 2) + rng.normal(0, 20, 10)  # Mar, Jun, Sep peaks
    est = make_forecaster("auto").fit(frame(y))
    fc = est.predict(6).set_index("ds")["yhat"]
    assert est.members_ == FULL_COMPONENTS
    quarter_end = fc[fc.index.month.isin([12, 3])]
    other = fc[~fc.index.month.isin([12, 3])]
    assert quarter_end.min() > other.max() + 150
    assert any("yearly seasonality not used" in n for n in est.notes_)


def test_six_point_history_uses_naive_drift_and_ses():
    y = [100.0, 104.0, 108.0, 112.0, 116.0, 120.0]
    est = make_forecaster("auto").fit(frame(y))
    assert est.members_ == SHORT_COMPONENTS
    # A straight line: naive 120, drift 124, 128 ..., SES about 120: the median is SES.
    fc = est.predict(3)
    assert fc["yhat"].between(119.0, 125.0).all()
    assert est.label_ == "median of naive, drift and simple exponential smoothing"
    assert np.isfinite(fc[["yhat_lower", "yhat_upper"]].to_numpy()).all()


def test_trend_is_continued():
    y = 200.0 + 5.0 * np.arange(36)
    fc = make_forecaster("auto", calibration_windows=0).fit(frame(y)).predict(6)["yhat"]
    expected = 200.0 + 5.0 * np.arange(36, 42)
    np.testing.assert_allclose(fc, expected, rtol=0.02)


def test_yearly_seasonality_is_forecast():
    pattern = np.array([0.8, 0.9, 1.3, 0.85, 0.9, 1.25, 0.8, 0.85, 1.3, 0.9, 0.95, 1.4])
    rng = np.random.default_rng(2)
    y = (500 + 3 * np.arange(48)) * np.tile(pattern, 4) * rng.normal(1, 0.02, 48)
    fc = make_forecaster("auto", calibration_windows=0).fit(frame(y)).predict(12)["yhat"]
    truth = (500 + 3 * np.arange(48, 60)) * pattern
    assert np.mean(np.abs(fc - truth) / truth) < 0.06


def test_step_change_is_followed():
    y = np.r_[np.full(24, 100.0), np.full(12, 200.0)]
    fc = make_forecaster("auto", calibration_windows=0).fit(frame(y)).predict(6)["yhat"]
    assert fc.between(170.0, 230.0).all()


def test_intermittent_zeros_give_finite_non_negative_forecasts():
    rng = np.random.default_rng(4)
    y = np.where(rng.random(30) < 0.6, 0.0, rng.uniform(50, 150, 30))
    fc = make_forecaster("auto").fit(frame(y)).predict(12)
    values = fc[["yhat", "yhat_lower", "yhat_upper"]].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    assert fc["yhat"].mean() < y.max()


def _select(windows: int, ratio: float) -> str | None:
    est = AutoForecaster(components=("ets", "theta"))
    actual = np.full((windows, 3), 100.0)
    combo = np.full((windows, 3), 90.0)  # combination errs by 10 at every step
    members = {"ets": np.full((windows, 3), 100.0 - 10 * ratio), "theta": combo.copy()}
    return est._select(actual, combo, members)


def test_selection_needs_enough_windows_a_significant_and_a_large_win():
    assert _select(12, 0.5) == "ets"  # better at 12 of 12 origins by 50%
    assert _select(3, 0.5) is None  # too few origins
    assert _select(12, 0.95) is None  # significant but only 5% better
    est = AutoForecaster()
    actual = np.full((12, 2), 100.0)
    combo = np.full((12, 2), 90.0)
    half = np.where(np.arange(12)[:, None] % 2 == 0, 99.0, 70.0) * np.ones((12, 2))
    assert est._select(actual, combo, {"ets": half}) is None  # wins only 6 of 12


def test_auto_rejects_bad_parameters():
    with pytest.raises(ValueError, match="The 'how' parameter of AutoForecaster"):
        AutoForecaster(how="max").fit(frame(np.arange(1.0, 13.0)))
    with pytest.raises(ValueError, match="The 'components' parameter of AutoForecaster"):
        AutoForecaster(components=("lstm",)).fit(frame(np.arange(1.0, 13.0)))


def test_backtest_settings_known_answers():
    fits = backtest_settings(60, 12, horizon=6, windows=3)
    assert (fits.horizon, fits.step, fits.min_train, fits.ends, fits.note) == (
        6,
        6,
        24,
        [42, 48, 54],
        None,
    )
    short = backtest_settings(10, 12, horizon=6, windows=3)
    assert (short.horizon, short.step, short.min_train, short.ends) == (3, 1, 5, [5, 6, 7])
    assert "the history has 10 points" in short.note
    with pytest.raises(InputDataError, match="needs at least 5 points"):
        backtest_settings(4, 12, horizon=6, windows=3)


def test_interval_coverage_on_simulated_series():
    # 40 random walks with noise; the 80% interval of the next 6 months, calibrated on each
    # series' own past errors, should cover about 80% of what happens.
    rng = np.random.default_rng(5)
    inside = []
    for _ in range(40):
        y = 1000 + np.cumsum(rng.normal(0, 20, 54)) + rng.normal(0, 20, 54)
        est = AutoForecaster(
            components=("ets", "theta", "ces"), calibration_windows=16, calibration_step=2
        ).fit(frame(y[:48]))
        fc = est.predict(6)
        inside.extend((fc["yhat_lower"] <= y[48:]) & (y[48:] <= fc["yhat_upper"]))
    assert 0.7 <= np.mean(inside) <= 0.9


def test_prophet_joins_the_combination_only_on_two_years():
    rng = np.random.default_rng(6)
    y = 100 + np.arange(30) + rng.normal(0, 3, 30)
    est = AutoForecaster(include_prophet=True, calibration_windows=0).fit(frame(y))
    assert est.members_ == (*FULL_COMPONENTS, "prophet")
    assert est.label_ == "median of ETS, Theta, ARIMA, CES and Prophet"
    short = AutoForecaster(include_prophet=True, calibration_windows=0).fit(frame(y[:12]))
    assert "prophet" not in short.members_
    assert "Prophet not used: it needs two years of history for a yearly pattern" in short.notes_


def test_mstl_forecasts_weekly_quarter_and_year_cycles():
    t = np.arange(156)
    y = 1000 + 2 * t + 100 * np.sin(2 * np.pi * t / 52) + 80 * (t % 13 == 12)
    df = pd.DataFrame({"ds": pd.date_range("2023-01-02", periods=156, freq="W-MON"), "y": y})
    fc = make_forecaster("mstl", calibration_windows=0).fit(df).predict(13)["yhat"].to_numpy()
    truth = 1000 + 2 * np.arange(156, 169) + 100 * np.sin(2 * np.pi * np.arange(156, 169) / 52)
    truth = truth + 80 * (np.arange(156, 169) % 13 == 12)
    assert np.mean(np.abs(fc - truth) / truth) < 0.03
    assert fc[12] > fc[11] + 40  # the quarter-end week


def test_ets_carries_its_own_seasonal_states_on_a_seasonal_history():
    """ETS forecasts the season itself; the other components restore the shared adjustment."""
    years = 5
    rng = np.random.default_rng(4)
    y = 100.0 + 40.0 * np.tile(np.eye(12)[2], years) + rng.normal(0, 1.0, 12 * years)
    fits = fit_components(y, ("ets", "theta"), 12, season_length=12)
    assert isinstance(fits.fits["ets"], OwnSeasonFit)
    assert not isinstance(fits.fits["theta"], OwnSeasonFit)
    for name, fc in fits.forecasts(12).items():
        np.testing.assert_allclose(fc, 100.0 + 40.0 * np.eye(12)[2], atol=4.0, err_msg=name)


def test_ets_uses_the_shared_adjustment_off_season_and_on_long_cycles():
    rng = np.random.default_rng(5)
    flat = fit_components(100.0 + rng.normal(0, 5.0, 48), ("ets",), 12, season_length=12)
    assert flat.season.indices is None
    assert not isinstance(flat.fits["ets"], OwnSeasonFit)
    # A 52-week year with holiday weeks: too many states for ETS, so the shared adjustment.
    holidays = np.zeros(52)
    holidays[46:51] = [40.0, 60.0, 80.0, 60.0, 40.0]
    weekly = 100.0 + np.tile(holidays, 4) + rng.normal(0, 2.0, 208)
    fits = fit_components(weekly, ("ets",), 52, season_length=52)
    assert fits.season.indices is not None
    assert not isinstance(fits.fits["ets"], OwnSeasonFit)
    assert fits.forecasts(52)["ets"][48] > 160.0
