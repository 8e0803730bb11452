"""Forecasters on small synthetic series with known structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError, NotFittedError
from spm_models.forecast import (
    CombinationForecaster,
    ETSForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
    make_forecaster,
)
from spm_models.forecast.methods import (
    deseasonalise,
    fit_smoothing,
    is_seasonal,
    seasonal_indices,
)
from spm_models.forecast.models import forecast_series

PATTERN = np.array([0.8, 0.9, 1.1, 0.85, 0.95, 1.1, 0.8, 0.85, 1.1, 1.0, 1.1, 1.45])
PATTERN = PATTERN / PATTERN.mean()


def frame(y, start="2021-01-01", freq="MS") -> pd.DataFrame:
    return pd.DataFrame({"ds": pd.date_range(start, periods=len(y), freq=freq), "y": y})


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="This ThetaForecaster instance is not fitted"):
        ThetaForecaster().predict(3)


def test_output_follows_prophet_column_contract():
    fc = NaiveForecaster().fit(frame(np.arange(1.0, 25.0))).predict(4)
    assert list(fc.columns) == ["ds", "yhat", "yhat_lower", "yhat_upper"]
    assert list(fc["ds"]) == list(pd.date_range("2023-01-01", periods=4, freq="MS"))


def test_init_only_stores_params_and_clone_copies_them():
    est = ETSForecaster(trend="additive", interval_width=0.9)
    assert est.get_params()["trend"] == "additive"
    twin = est.clone()
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "model_")


def test_naive_repeats_last_value():
    fc = NaiveForecaster().fit(frame([5.0, 7.0, 6.0, 9.0])).predict(3)
    np.testing.assert_allclose(fc["yhat"], [9.0, 9.0, 9.0])


def test_seasonal_naive_repeats_last_season():
    y = np.tile(np.arange(1.0, 13.0), 2) + np.repeat([0.0, 100.0], 12)
    fc = SeasonalNaiveForecaster().fit(frame(y)).predict(14)
    np.testing.assert_allclose(fc["yhat"], [*range(101, 113), 101, 102])


def test_weekly_data_gets_a_52_week_season():
    y = np.arange(1.0, 61.0)
    est = SeasonalNaiveForecaster().fit(frame(y, "2024-01-07", "W-SUN"))
    assert est.freq_ == "W-SUN"
    assert est.season_length_ == 52
    np.testing.assert_allclose(est.predict(2)["yhat"], [9.0, 10.0])


def test_ses_on_constant_series_is_constant():
    fit = fit_smoothing(np.full(20, 42.0))
    np.testing.assert_allclose(fit.forecast(5), 42.0)
    assert fit.sse == pytest.approx(0.0, abs=1e-9)


def test_holt_continues_an_exact_line():
    y = 10.0 + 3.0 * np.arange(30)
    fit = fit_smoothing(y, "additive")
    np.testing.assert_allclose(fit.forecast(4), 10.0 + 3.0 * np.arange(30, 34), rtol=1e-6)


def test_damped_trend_flattens():
    y = 10.0 + 3.0 * np.arange(30) + np.random.default_rng(0).normal(0, 0.5, 30)
    fit = fit_smoothing(y, "damped")
    fc = fit.forecast(40)
    assert fit.phi < 1.0
    steps = np.diff(fc)
    assert np.all(steps[1:] < steps[:-1] + 1e-12)  # increments shrink
    assert fc[-1] < 10.0 + 3.0 * (29 + 40)  # below the undamped line


def test_theta_halves_the_trend_of_a_line():
    # SES picks alpha = 1 on a line, so Theta = last value + b/2 per step.
    y = 5.0 + 2.0 * np.arange(24)
    fc = ThetaForecaster(seasonal=False).fit(frame(y)).predict(3)
    np.testing.assert_allclose(fc["yhat"], y[-1] + 1.0 * np.arange(1, 4), rtol=1e-6)


def test_seasonality_test_and_indices_recover_a_multiplicative_pattern():
    level = np.linspace(100, 130, 48)
    y = level * np.tile(PATTERN, 4)
    assert is_seasonal(y, 12)
    assert not is_seasonal(np.linspace(100, 130, 48), 12)  # a trend alone is not seasonal
    np.testing.assert_allclose(seasonal_indices(y, 12), PATTERN, atol=0.01)
    season = deseasonalise(y, 12)
    assert season.multiplicative
    np.testing.assert_allclose(season.adjust(y), level, rtol=0.02)


def test_seasonal_adjustment_is_additive_when_values_hit_zero():
    y = np.tile([0.0, 10.0, 20.0, 30.0] * 3, 4)
    season = deseasonalise(y, 12, test=False)
    assert not season.multiplicative


@pytest.mark.parametrize("name", ["theta", "ets", "combo", "ses", "holt"])
def test_seasonal_methods_track_trend_times_season(name):
    noise = np.random.default_rng(1).normal(0, 1.0, 72)
    y_all = (200 + 2.0 * np.arange(72)) * np.tile(PATTERN, 6) + noise
    est = make_forecaster(name).fit(frame(y_all[:60]))
    fc = est.predict(12)
    smape = np.mean(200 * np.abs(fc["yhat"] - y_all[60:]) / (fc["yhat"] + y_all[60:]))
    assert smape < 5.0, (name, smape)


def test_combination_is_the_mean_of_its_members():
    y = (100 + np.arange(36.0)) * np.tile(PATTERN, 3)
    df = frame(y)
    combo = CombinationForecaster(members=("theta", "snaive"), calibration_windows=0).fit(df)
    theta = make_forecaster("theta", calibration_windows=0).fit(df).predict(6)["yhat"]
    snaive = make_forecaster("snaive", calibration_windows=0).fit(df).predict(6)["yhat"]
    np.testing.assert_allclose(combo.predict(6)["yhat"], (theta + snaive) / 2)
    med = CombinationForecaster(members=("theta", "snaive", "naive"), how="median")
    assert med.fit(df).predict(2)["yhat"].notna().all()


def test_bad_parameters_are_reported_in_sklearn_shape():
    with pytest.raises(ValueError, match="The 'interval_width' parameter of NaiveForecaster"):
        NaiveForecaster(interval_width=1.5).fit(frame(np.arange(1.0, 13.0)))
    with pytest.raises(ValueError, match="The 'model' parameter of make_forecaster"):
        make_forecaster("arima")
    with pytest.raises(ValueError, match="The 'trend' parameter of ETSForecaster"):
        ETSForecaster(trend="exponential").fit(frame(np.arange(1.0, 13.0)))


def test_fit_rejects_bad_input_with_named_problem():
    df = frame(np.arange(1.0, 13.0))
    df.loc[3, "y"] = -2.0
    with pytest.raises(InputDataError, match="must be >= 0"):
        ThetaForecaster().fit(df)


def test_forecast_series_totals():
    y = np.full(24, 10.0)
    result = forecast_series(frame(y), horizon=12, model="naive", label="flat")
    assert result.total()["yhat"] == pytest.approx(120.0)
    assert result.total(periods=3)["yhat"] == pytest.approx(30.0)
    assert result.model == "naive"
