"""Prophet configured for monthly and weekly sales (real fits, small series)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from spm_models.forecast import ProphetForecaster

PATTERN = np.array([0.8, 0.9, 1.1, 0.85, 0.95, 1.1, 0.8, 0.85, 1.1, 1.0, 1.1, 1.45])


def test_monthly_prophet_learns_trend_and_yearly_season(capfd):
    t = np.arange(60)
    y = (300 + 3.0 * t) * np.tile(PATTERN, 5) + np.random.default_rng(0).normal(0, 3, 60)
    df = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=60, freq="MS"), "y": y})
    est = ProphetForecaster(calibration_windows=3).fit(df.iloc[:48])
    fc = est.predict(12)
    smape = np.mean(200 * np.abs(fc["yhat"] - y[48:]) / (fc["yhat"] + y[48:]))
    assert smape < 6.0
    assert list(fc["ds"]) == list(df["ds"].iloc[48:])
    assert est.model_.model.seasonalities["yearly"]["fourier_order"] == 4
    assert not est.model_.model.weekly_seasonality
    assert est.model_.model.seasonality_mode == "multiplicative"  # positive sales
    assert est.interval_ is not None and est.interval_.n_scores > 0
    assert (fc["yhat_lower"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["yhat_upper"]).all()
    # cmdstanpy's per-fit chatter is silenced
    assert "Chain [1]" not in capfd.readouterr().err
    assert logging.getLogger("cmdstanpy").level >= logging.ERROR


def test_short_history_gets_no_yearly_seasonality():
    df = pd.DataFrame(
        {"ds": pd.date_range("2024-01-01", periods=18, freq="MS"), "y": np.arange(18.0) + 50}
    )
    est = ProphetForecaster(calibration_windows=0).fit(df)
    assert "yearly" not in est.model_.model.seasonalities
    assert est.predict(3)["yhat_lower"].isna().all()


def test_weekly_holidays_are_moved_onto_the_data_dates():
    ds = pd.date_range("2023-01-02", periods=110, freq="W-MON")
    y = 100 + np.random.default_rng(1).normal(0, 5, 110)
    est = ProphetForecaster(holidays_country="US", calibration_windows=0).fit(
        pd.DataFrame({"ds": ds, "y": y})
    )
    hol = est.model_.model.holidays
    assert set(hol["ds"]) <= set(pd.date_range(ds[0], periods=110 + 3 * 53, freq="W-MON"))
    christmas_2024 = hol[hol["holiday"] == "Christmas Day"]["ds"]
    assert pd.Timestamp("2024-12-23") in set(christmas_2024)  # Wed 25 Dec -> week of Mon 23


def test_monthly_data_ignore_holidays():
    noise = np.random.default_rng(2).normal(0, 1, 30)
    df = pd.DataFrame(
        {
            "ds": pd.date_range("2022-01-01", periods=30, freq="MS"),
            "y": np.arange(30.0) + 10 + noise,
        }
    )
    est = ProphetForecaster(holidays_country="US", calibration_windows=0).fit(df)
    assert est.model_.model.holidays is None
    zero = df.assign(y=df["y"].where(df.index != 3, 0.0))
    est = ProphetForecaster(calibration_windows=0).fit(zero)
    assert est.model_.model.seasonality_mode == "additive"  # a zero month


def test_bad_prophet_parameter():
    df = pd.DataFrame(
        {"ds": pd.date_range("2022-01-01", periods=30, freq="MS"), "y": np.arange(30.0) + 10}
    )
    with pytest.raises(ValueError, match="The 'growth' parameter of ProphetForecaster"):
        ProphetForecaster(growth="logistic", calibration_windows=0).fit(df)
