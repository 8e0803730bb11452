"""The forecast page's headline: backtest the candidates, keep the headline model, fit it.

One function for the chain that ``notebooks/30_forecast.ipynb`` shows and
``benchmarks/forecast_fit_cache.py`` times, so both compute the same figures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from spm_models.forecast import make_forecaster, report
from spm_models.forecast.backtest import Comparison, TotalInterval, compare, total_interval
from spm_models.forecast.models import BaseForecaster
from spm_models.forecast.report import ModelChoice


@dataclass(frozen=True)
class Headline:
    """The page's headline forecast and the backtest that chose it.

    Attributes
    ----------
    comparison : Comparison
        Backtest of every candidate (the combination, its components, the baselines).
    choice : ModelChoice
        The headline model and the sentence on why.
    not_backtested : list of str
        Sentences on the candidates the history is too short for.
    fitted : BaseForecaster
        The headline model fitted on the whole history.
    forecast : pandas.DataFrame
        Its forecast of ``horizon`` periods.
    year : TotalInterval
        Total of the next 12 periods with its calibrated interval.
    """

    comparison: Comparison
    choice: ModelChoice
    not_backtested: list[str]
    fitted: BaseForecaster
    forecast: pd.DataFrame
    year: TotalInterval


def headline_forecast(
    history: pd.DataFrame,
    *,
    model: str = "auto",
    horizon: int = 12,
    include_prophet: bool = True,
    width: float = 0.8,
    backtest_horizon: int = 6,
    backtest_windows: int = 3,
) -> Headline:
    """Backtest the page's candidates on ``history``, choose the headline model and fit it.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly series with ``ds`` and ``y``.
    model : str
        Default headline model (kept unless the backtest shows another's clear win).
    horizon : int
        Periods to forecast.
    include_prophet : bool
        Whether Prophet is a candidate and joins the combination.
    width : float
        Promised coverage of the intervals.
    backtest_horizon, backtest_windows : int
        Periods scored at each backtest cutoff, and the number of cutoffs.

    Returns
    -------
    Headline
    """
    candidates, not_backtested = report.backtest_candidates(
        len(history), 12, include_prophet=include_prophet, width=width
    )
    if model not in candidates:
        candidates[model] = make_forecaster(model, interval_width=width)
    comparison = compare(
        candidates, history, horizon=int(backtest_horizon), windows=int(backtest_windows)
    )
    choice = report.headline_choice(comparison, default=model)
    params = report.forecaster_params(choice.key, include_prophet, width)
    fitted = make_forecaster(choice.key, **params).fit(history)
    forecast = fitted.predict(horizon)
    year = total_interval(fitted, periods=12, windows=12)
    return Headline(comparison, choice, not_backtested, fitted, forecast, year)
