"""Bookings forecasting: forecasters, backtests, calibrated intervals, many series, pipeline.

Model code only (no matplotlib, papermill or ipywidgets); charts live in
:mod:`spm_models.forecast.plots`.
"""

from __future__ import annotations

from spm_models.forecast.backtest import (
    BacktestResult,
    Comparison,
    TotalInterval,
    backtest,
    compare,
    rolling_origin,
    total_interval,
)
from spm_models.forecast.batch import BatchForecast, Reconciled, forecast_many, reconcile
from spm_models.forecast.company import bookings_series
from spm_models.forecast.conformal import ConformalInterval, calibrate
from spm_models.forecast.engine import LengthPlan, length_plan
from spm_models.forecast.metrics import METRICS, evaluate, register_metric
from spm_models.forecast.models import (
    FORECASTERS,
    AutoForecaster,
    BaseForecaster,
    CombinationForecaster,
    ComponentForecaster,
    ETSForecaster,
    NaiveForecaster,
    ProphetForecaster,
    SeasonalNaiveForecaster,
    SeriesForecast,
    ThetaForecaster,
    forecast_series,
    make_forecaster,
)
from spm_models.forecast.pipeline import (
    QuarterForecast,
    WinRates,
    calibrate_win_rates,
    quarter_forecast,
)
from spm_models.forecast.validate import (
    PreparedSeries,
    SeriesReport,
    prepare_panel,
    prepare_series,
)

__all__ = [
    "FORECASTERS",
    "METRICS",
    "AutoForecaster",
    "BacktestResult",
    "BaseForecaster",
    "BatchForecast",
    "CombinationForecaster",
    "Comparison",
    "ComponentForecaster",
    "ConformalInterval",
    "ETSForecaster",
    "LengthPlan",
    "NaiveForecaster",
    "PreparedSeries",
    "ProphetForecaster",
    "QuarterForecast",
    "Reconciled",
    "SeasonalNaiveForecaster",
    "SeriesForecast",
    "SeriesReport",
    "ThetaForecaster",
    "TotalInterval",
    "WinRates",
    "backtest",
    "bookings_series",
    "calibrate",
    "calibrate_win_rates",
    "compare",
    "evaluate",
    "forecast_many",
    "forecast_series",
    "length_plan",
    "make_forecaster",
    "prepare_panel",
    "prepare_series",
    "quarter_forecast",
    "reconcile",
    "register_metric",
    "rolling_origin",
    "total_interval",
]
