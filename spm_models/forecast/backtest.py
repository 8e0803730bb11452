"""Rolling-origin backtests: refit at each cutoff, forecast ahead, compare with actuals.

:func:`rolling_origin` is the fast kernel on arrays (used for model selection and interval
calibration); :func:`backtest` runs any forecaster on a ``ds, y`` frame and returns the
forecasts with their ``cutoff`` (Prophet's ``cross_validation`` shape) and the metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, param_error
from spm_models.forecast.metrics import evaluate, mase_scale

#: Metrics reported by default (all registered ones that apply).
DEFAULT_METRICS = ("mape", "smape", "wape", "mase", "bias", "coverage", "winkler")


def cutoffs(n: int, horizon: int, windows: int, step: int, min_train: int) -> list[int]:
    """Training lengths of the rolling origins, oldest first.

    The newest origin leaves exactly ``horizon`` points to test on; each earlier one moves back
    ``step`` points; origins with fewer than ``min_train`` training points are dropped.
    """
    ends = [n - horizon - k * step for k in range(windows)]
    return sorted(e for e in ends if e >= min_train)


#: Fewest training points of a backtest cutoff on a short history.
MIN_BACKTEST_TRAIN = 4


@dataclass(frozen=True)
class BacktestSettings:
    """Horizon, cutoffs and training length of a backtest that fits the history.

    ``note`` says in plain words how the requested backtest was shortened (None when it fits).
    """

    horizon: int
    step: int
    min_train: int
    ends: list[int]
    note: str | None = None

    @property
    def windows(self) -> int:
        """Number of cutoffs."""
        return len(self.ends)


def backtest_settings(
    n: int,
    season_length: int,
    *,
    horizon: int,
    windows: int,
    step: int | None = None,
    min_train: int | None = None,
) -> BacktestSettings:
    """Fit a requested backtest to a history of ``n`` points, with as many cutoffs as it allows.

    The request (default: cutoffs ``horizon`` apart, two seasons of training) is kept when all
    ``windows`` cutoffs fit. Otherwise the training length drops to half the history (at least
    :data:`MIN_BACKTEST_TRAIN`), the horizon to what leaves room for ``windows`` cutoffs, and
    the cutoffs move closer together (one period apart at the least).

    Raises
    ------
    InputDataError
        When not even one cutoff with one step ahead fits.
    """
    step = horizon if step is None else step
    train = max(4, 2 * season_length) if min_train is None else min_train
    ends = cutoffs(n, horizon, windows, step, train)
    if len(ends) == windows:
        return BacktestSettings(horizon, step, train, ends)
    if min_train is None:
        train = max(MIN_BACKTEST_TRAIN, min(train, n // 2))
    h = max(1, min(horizon, n - train - (windows - 1)))
    st = step if windows == 1 else min(step, max(1, (n - train - h) // (windows - 1)))
    ends = cutoffs(n, h, windows, st, train)
    if not ends:
        raise InputDataError(
            f"series of {n} points is too short for a backtest: it needs at least "
            f"{train + 1} points",
            source="backtest",
        )
    note = (
        f"the history has {n} points, so the backtest scores {h} period(s) ahead at "
        f"{len(ends)} cutoff(s), each with at least {train} points of training data"
    )
    return BacktestSettings(h, st, train, ends, note)


@dataclass(frozen=True)
class RollingOrigin:
    """Forecasts of rolling-origin refits on arrays: rows are origins, columns steps ahead.

    ``actual`` is NaN where an origin's test part ends before ``horizon`` steps.
    """

    actual: np.ndarray
    forecast: np.ndarray
    origins: list[int]

    @property
    def errors(self) -> np.ndarray:
        """Actual minus forecast."""
        return self.actual - self.forecast


def rolling_origin(
    fit: Callable[[pd.DatetimeIndex, np.ndarray], Any],
    ds: pd.DatetimeIndex,
    y: np.ndarray,
    *,
    horizon: int,
    windows: int,
    step: int = 1,
    min_train: int = 4,
    partial: bool = False,
) -> RollingOrigin:
    """Refit at rolling origins and forecast ahead (the fast kernel on arrays).

    Parameters
    ----------
    fit : callable
        ``fit(ds, y)`` returning an object with ``forecast(h) -> ndarray``.
    ds, y : DatetimeIndex, ndarray
        The history.
    horizon, windows, step, min_train : int
        Steps ahead, number of origins, spacing of origins and fewest training points.
    partial : bool
        Use origins every ``step`` points back from ``n - 1`` (the latest ones test fewer than
        ``horizon`` steps; their missing steps are NaN) instead of from ``n - horizon``.
    """
    n = len(y)
    if partial:
        origins = sorted(e for e in (n - 1 - k * step for k in range(windows)) if e >= min_train)
    else:
        origins = cutoffs(n, horizon, windows, step, min_train)
    actual = np.full((len(origins), horizon), np.nan)
    forecast = np.full((len(origins), horizon), np.nan)
    for row, end in enumerate(origins):
        model = fit(ds[:end], y[:end])
        steps = min(horizon, n - end)
        actual[row, :steps] = y[end : end + steps]
        forecast[row, :steps] = model.forecast(steps)
    return RollingOrigin(actual, forecast, origins)


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of :func:`backtest`.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        Columns ``cutoff, ds, h, y, yhat, yhat_lower, yhat_upper, scale, model`` (``scale`` is
        the training series' seasonal-naive MAE, for MASE).
    metrics : dict of str to float
        Every metric over all cutoffs and steps.
    by_cutoff : pandas.DataFrame
        The metrics per cutoff.
    horizon, windows : int
        Steps ahead and number of cutoffs used.
    width : float
        Promised interval coverage.
    model : str
        The forecaster's name.
    """

    forecasts: pd.DataFrame
    metrics: dict[str, float]
    by_cutoff: pd.DataFrame
    horizon: int
    windows: int
    width: float
    model: str
    models_used: dict[str, int] = field(default_factory=dict)
    note: str | None = None


def backtest(
    forecaster: Any,
    df: pd.DataFrame,
    *,
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    min_train: int | None = None,
    metrics: tuple[str, ...] = DEFAULT_METRICS,
) -> BacktestResult:
    """Rolling-origin backtest of ``forecaster`` on a ``ds, y`` frame.

    At each cutoff a fresh clone is fitted on the data up to the cutoff (including its own
    interval calibration, so the measured coverage is honest) and forecasts ``horizon`` steps.

    Parameters
    ----------
    forecaster : BaseForecaster
        Any forecaster of :mod:`spm_models.forecast` (cloned, never refitted in place).
    df : pandas.DataFrame
        The series (``ds``, ``y``), validated like ``fit`` does.
    horizon : int
        Steps ahead at each cutoff.
    windows : int
        Number of cutoffs.
    step : int or None
        Spacing between cutoffs (default: ``horizon``, non-overlapping tests).
    min_train : int or None
        Fewest training points (default: two seasons, at least 4). On a history too short
        for the request, :func:`backtest_settings` shortens it and says how in ``note``.
    metrics : tuple of str
        Registered metric names to report.

    Raises
    ------
    InputDataError
        When the series is too short for even one cutoff.
    """
    from spm_models.forecast.validate import prepare_series

    if horizon < 1:
        raise param_error("horizon", "backtest", "an int >= 1", horizon)
    if windows < 1:
        raise param_error("windows", "backtest", "an int >= 1", windows)
    prepared = prepare_series(
        df, freq=getattr(forecaster, "freq", None), allow_negative=True, source="backtest"
    )
    frame = prepared.frame
    m = getattr(forecaster, "season_length", None) or prepared.season_length
    settings = backtest_settings(
        len(frame), m, horizon=horizon, windows=windows, step=step, min_train=min_train
    )
    ends, horizon = settings.ends, settings.horizon
    parts = []
    used: dict[str, int] = {}
    for end in ends:
        train = frame.iloc[:end]
        test = frame.iloc[end : end + horizon]
        model = forecaster.clone().fit(train)
        fc = model.predict(len(test))
        name = getattr(model, "model_name_", model.name)
        used[name] = used.get(name, 0) + 1
        part = fc.assign(
            cutoff=train["ds"].iloc[-1],
            h=np.arange(1, len(test) + 1),
            y=test["y"].to_numpy(),
            scale=mase_scale(train["y"].to_numpy(), m),
            model=name,
        )
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)[
        ["cutoff", "ds", "h", "y", "yhat", "yhat_lower", "yhat_upper", "scale", "model"]
    ]
    width = float(getattr(forecaster, "interval_width", 0.8))
    overall = evaluate(out, metrics, width=width)
    rows = [
        {"cutoff": c, **evaluate(g, metrics, width=width)}
        for c, g in out.groupby("cutoff", sort=True)
    ]
    return BacktestResult(
        forecasts=out,
        metrics=overall,
        by_cutoff=pd.DataFrame(rows),
        horizon=horizon,
        windows=len(ends),
        width=width,
        model=forecaster.name,
        models_used=used,
        note=settings.note,
    )


@dataclass(frozen=True)
class Comparison:
    """Backtests of several forecasters on the same series and cutoffs.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per forecaster (``model`` plus every metric), best ``smape`` first.
    results : dict of str to BacktestResult
        The full backtest of each forecaster.
    """

    table: pd.DataFrame
    results: dict[str, BacktestResult]

    @property
    def note(self) -> str | None:
        """How the backtest was shortened to fit the history (None when it was not)."""
        return next(iter(self.results.values())).note

    @property
    def best(self) -> str:
        """The forecaster with the lowest sMAPE."""
        return str(self.table.iloc[0]["model"])


def compare(
    forecasters: dict[str, Any],
    df: pd.DataFrame,
    *,
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    min_train: int | None = None,
) -> Comparison:
    """Backtest each forecaster of ``forecasters`` (label to forecaster) on the same cutoffs."""
    results = {
        label: backtest(est, df, horizon=horizon, windows=windows, step=step, min_train=min_train)
        for label, est in forecasters.items()
    }
    rows = [
        {"model": label, **res.metrics, "chosen": ", ".join(sorted(res.models_used))}
        for label, res in results.items()
    ]
    table = pd.DataFrame(rows).sort_values("smape", kind="stable").reset_index(drop=True)
    return Comparison(table=table, results=results)


@dataclass(frozen=True)
class TotalInterval:
    """A forecast total over several periods with its own conformal interval.

    Attributes
    ----------
    total, lower, upper : float
        Sum of the point forecasts and the interval of the sum.
    periods : int
        Periods summed.
    width : float
        Promised coverage.
    n_scores : int
        Backtest totals the interval was calibrated on (0: none, bounds are the summed
        per-period bounds, which over-cover).
    """

    total: float
    lower: float
    upper: float
    periods: int
    width: float
    n_scores: int


def total_interval(
    forecaster: Any, *, periods: int = 12, windows: int = 24, width: float | None = None
) -> TotalInterval:
    """Interval of the sum of the next ``periods`` forecasts, calibrated on backtest totals.

    Summing per-period bounds overstates the uncertainty of a total (errors partly cancel);
    this refits the fitted forecaster's model at up to ``windows`` origins one period apart,
    scores the error of each ``periods``-long total, and takes the conformal quantile.
    """
    from spm_models.forecast.conformal import conformal_quantile

    forecaster._check_fitted()
    width = float(forecaster.interval_width if width is None else width)
    fc = forecaster.predict(periods)
    total = float(fc["yhat"].sum())
    ds = pd.DatetimeIndex(forecaster.history_["ds"])
    y = forecaster.history_["y"].to_numpy(dtype="float64")
    m = forecaster.season_length_
    ro = rolling_origin(
        forecaster._calibration_fit(),
        ds,
        y,
        horizon=periods,
        windows=windows,
        step=1,
        min_train=max(4, min(m, len(y) // 2)),
    )
    scores = np.abs(np.nansum(ro.errors, axis=1)) if len(ro.origins) else np.array([])
    floor = None if forecaster.allow_negative else 0.0
    if len(scores) >= 5:
        q = conformal_quantile(scores, width)
        lower, upper = total - q, total + q
    else:
        lower, upper = float(fc["yhat_lower"].sum()), float(fc["yhat_upper"].sum())
    if floor is not None:
        lower = max(lower, floor)
    return TotalInterval(total, float(lower), float(upper), periods, width, len(scores))
