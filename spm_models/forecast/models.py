"""Forecasters in scikit-learn style over Prophet's column contract.

``fit(df)`` takes a frame with ``ds`` (dates) and ``y`` (values), validates it (see
:mod:`spm_models.forecast.validate`), fits, calibrates prediction intervals on the forecaster's
own rolling-origin errors (:mod:`spm_models.forecast.conformal`) and sets attributes ending in
``_``. ``predict(horizon)`` returns ``ds, yhat, yhat_lower, yhat_upper``.

Available by name through :func:`make_forecaster`: ``naive``, ``snaive``, ``ses``, ``holt``,
``ets`` (damped trend), ``theta``, ``combo`` (mean of Theta, damped ETS and SES), ``prophet``
and ``auto`` (per-series choice by rolling-origin backtest).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from spm_models.errors import NotFittedError, param_error
from spm_models.forecast.backtest import rolling_origin
from spm_models.forecast.conformal import ConformalInterval, calibrate
from spm_models.forecast.methods import LastValue, fit_classical
from spm_models.forecast.metrics import METRICS, mase_scale
from spm_models.forecast.validate import SEASON_LENGTH, SeriesReport, freq_alias, prepare_series

#: Candidates the ``auto`` forecaster compares by default.
DEFAULT_CANDIDATES = ("snaive", "theta", "ets", "combo")


class BaseForecaster:
    """Common machinery: validation, interval calibration, prediction frame.

    Parameters shared by every forecaster
    -------------------------------------
    freq : {"MS", "W"} or None
        Data frequency; inferred from the dates when None.
    season_length : int or None
        Observations per seasonal cycle; 12 for monthly and 52 for weekly data when None.
    interval_width : float
        Promised coverage of ``[yhat_lower, yhat_upper]``.
    calibration_windows : int
        Rolling origins (``calibration_step`` apart, ending one point before the last) whose
        errors calibrate the interval; 0 skips intervals (``yhat_lower``/``yhat_upper`` are
        NaN).
    calibration_horizon : int or None
        Steps ahead scored at each origin (default: one season, at most 13).
    calibration_step : int
        Spacing of the calibration origins (2: the default 18 origins reach 36 periods back,
        which covered the M3 hold-out better than 24 consecutive origins at lower cost).
    allow_negative : bool
        Accept negative values (sales cannot be negative, so False by default).
    """

    name: ClassVar[str] = "base"

    def __init__(
        self,
        *,
        freq: str | None = None,
        season_length: int | None = None,
        interval_width: float = 0.8,
        calibration_windows: int = 18,
        calibration_horizon: int | None = None,
        calibration_step: int = 2,
        allow_negative: bool = False,
    ) -> None:
        self.freq = freq
        self.season_length = season_length
        self.interval_width = interval_width
        self.calibration_windows = calibration_windows
        self.calibration_horizon = calibration_horizon
        self.calibration_step = calibration_step
        self.allow_negative = allow_negative

    # -- scikit-learn protocol -------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        """The constructor parameters and their current values."""
        params = {}
        for cls in type(self).__mro__:
            if cls is object:
                continue
            for pname, p in inspect.signature(cls.__init__).parameters.items():
                if pname != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                    params.setdefault(pname, getattr(self, pname))
        return params

    def clone(self) -> BaseForecaster:
        """A new, unfitted forecaster with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def _check_params(self) -> None:
        caller = type(self).__name__
        if not 0.0 < float(self.interval_width) < 1.0:
            raise param_error("interval_width", caller, "a float in (0, 1)", self.interval_width)
        if int(self.calibration_windows) < 0:
            raise param_error(
                "calibration_windows", caller, "an int >= 0", self.calibration_windows
            )
        if self.season_length is not None and int(self.season_length) < 1:
            raise param_error("season_length", caller, "an int >= 1 or None", self.season_length)

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> BaseForecaster:
        """Validate ``df`` (``ds``, ``y``), fit the model and calibrate its intervals.

        Returns
        -------
        self
        """
        self._check_params()
        prepared = prepare_series(
            df, freq=self.freq, allow_negative=self.allow_negative, source=self.name
        )
        self.history_ = prepared.frame
        self.report_: SeriesReport = prepared.report
        self.freq_ = prepared.freq
        self.season_length_ = int(self.season_length or prepared.season_length)
        ds = pd.DatetimeIndex(self.history_["ds"])
        y = self.history_["y"].to_numpy(dtype="float64")
        self.model_ = self._fit_values(ds, y)
        self.model_name_ = self._chosen_name()
        self.interval_: ConformalInterval | None = self._calibrate(ds, y)
        return self

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        """Fit on arrays; return an object with ``forecast(h) -> ndarray``."""
        raise NotImplementedError

    def _chosen_name(self) -> str:
        return self.name

    def _calibration_fit(self) -> Any:
        """The fit function whose rolling-origin errors calibrate the interval."""
        return self._fit_values

    def _calibrate(self, ds: pd.DatetimeIndex, y: np.ndarray) -> ConformalInterval | None:
        windows = int(self.calibration_windows)
        if windows == 0:
            return None
        m = self.season_length_
        horizon = int(self.calibration_horizon or (m if m <= 13 else 13))
        min_train = max(4, min(m, len(y) // 2))
        ro = rolling_origin(
            self._calibration_fit(),
            ds,
            y,
            horizon=horizon,
            windows=windows,
            step=max(1, int(self.calibration_step)),
            min_train=min_train,
            partial=True,
        )
        return calibrate(ro.errors, float(self.interval_width), history=y)

    # -- prediction ------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(type(self).__name__)

    def future_dates(self, horizon: int) -> pd.DatetimeIndex:
        """The ``horizon`` periods after the history."""
        self._check_fitted()
        last = self.history_["ds"].iloc[-1]
        return pd.date_range(last, periods=horizon + 1, freq=self.freq_)[1:]

    def predict(self, horizon: int) -> pd.DataFrame:
        """Forecast ``horizon`` periods after the history.

        Returns
        -------
        pandas.DataFrame
            Columns ``ds, yhat, yhat_lower, yhat_upper``.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        """
        self._check_fitted()
        if int(horizon) < 1:
            raise param_error("horizon", f"{type(self).__name__}.predict", "an int >= 1", horizon)
        horizon = int(horizon)
        yhat = np.asarray(self.model_.forecast(horizon), dtype="float64")
        floor = None if self.allow_negative else 0.0
        if floor is not None:
            yhat = np.maximum(yhat, floor)
        if self.interval_ is None:
            lower = upper = np.full(horizon, np.nan)
        else:
            lower, upper = self.interval_.bounds(yhat, floor=floor)
        return pd.DataFrame(
            {
                "ds": self.future_dates(horizon),
                "yhat": yhat,
                "yhat_lower": lower,
                "yhat_upper": upper,
            }
        )


@dataclass(frozen=True)
class _SeasonalNaiveFit:
    last_season: np.ndarray

    def forecast(self, h: int) -> np.ndarray:
        return self.last_season[np.arange(h) % len(self.last_season)]


class NaiveForecaster(BaseForecaster):
    """Repeat the last observed value."""

    name: ClassVar[str] = "naive"

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        return LastValue(float(y[-1]))


class SeasonalNaiveForecaster(BaseForecaster):
    """Repeat the last full season (naive when the history is shorter than a season)."""

    name: ClassVar[str] = "snaive"

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        m = self.season_length_
        if m < 2 or len(y) < m:
            return LastValue(float(y[-1]))
        return _SeasonalNaiveFit(np.asarray(y[-m:], dtype=float).copy())


class ETSForecaster(BaseForecaster):
    """Exponential smoothing on the seasonally adjusted series.

    Parameters
    ----------
    trend : {"damped", "additive", None}
        Damped trend (default), Holt's linear trend, or none (simple exponential smoothing).
    seasonal : bool
        Test for seasonality (90% autocorrelation test at the seasonal lag) and, when found,
        remove it by classical multiplicative decomposition (additive when a value is <= 0).
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "ets"

    def __init__(self, *, trend: str | None = "damped", seasonal: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.trend = trend
        self.seasonal = seasonal

    def _method(self) -> str:
        if self.trend not in ("damped", "additive", None):
            raise param_error(
                "trend", type(self).__name__, "'damped', 'additive' or None", self.trend
            )
        return {"damped": "damped", "additive": "holt", None: "ses"}[self.trend]

    def _chosen_name(self) -> str:
        return {"damped": "ets", "holt": "holt", "ses": "ses"}[self._method()]

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        return fit_classical(y, self.season_length_, self._method(), seasonal=self.seasonal)


class ThetaForecaster(BaseForecaster):
    """The Theta method (the M3 competition's winner) on the seasonally adjusted series.

    Parameters
    ----------
    seasonal : bool
        Test for and remove seasonality first, as in the M3 entry.
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "theta"

    def __init__(self, *, seasonal: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seasonal = seasonal

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        return fit_classical(y, self.season_length_, "theta", seasonal=self.seasonal)


@dataclass(frozen=True)
class _CombinedFit:
    fits: tuple[Any, ...]
    how: str

    def forecast(self, h: int) -> np.ndarray:
        stack = np.vstack([f.forecast(h) for f in self.fits])
        return np.median(stack, axis=0) if self.how == "median" else np.mean(stack, axis=0)


class CombinationForecaster(BaseForecaster):
    """The mean (or median) of several forecasters' point forecasts.

    Parameters
    ----------
    members : sequence of str or BaseForecaster
        Names for :func:`make_forecaster` or forecaster instances; the default is the
        combination of Theta, damped ETS and simple exponential smoothing.
    how : {"mean", "median"}
        How point forecasts are combined.
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "combo"

    def __init__(
        self,
        *,
        members: Sequence[str | BaseForecaster] = ("theta", "ets", "ses"),
        how: str = "mean",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.members = members
        self.how = how

    def _members(self) -> list[BaseForecaster]:
        if self.how not in ("mean", "median"):
            raise param_error("how", type(self).__name__, "'mean' or 'median'", self.how)
        if not self.members:
            raise param_error("members", type(self).__name__, "a non-empty sequence", [])
        out = []
        for mem in self.members:
            est = make_forecaster(mem) if isinstance(mem, str) else mem.clone()
            est.freq_ = self.freq_
            est.season_length_ = self.season_length_
            out.append(est)
        return out

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        if not hasattr(self, "_fitted_members"):
            self._fitted_members = self._members()
        return _CombinedFit(tuple(m._fit_values(ds, y) for m in self._fitted_members), self.how)

    def fit(self, df: pd.DataFrame) -> CombinationForecaster:
        """See :meth:`BaseForecaster.fit`."""
        if hasattr(self, "_fitted_members"):
            del self._fitted_members
        return super().fit(df)


@dataclass(frozen=True)
class _ProphetFit:
    model: Any
    last: pd.Timestamp
    freq: str

    def forecast(self, h: int) -> np.ndarray:
        future = pd.DataFrame({"ds": pd.date_range(self.last, periods=h + 1, freq=self.freq)[1:]})
        return self.model.predict(future)["yhat"].to_numpy(dtype="float64")


def _quiet_prophet() -> type:
    """Import Prophet with cmdstanpy's progress logging silenced."""
    for logger_name in ("cmdstanpy", "prophet", "prophet.models"):
        logging.getLogger(logger_name).setLevel(logging.ERROR)
    plot_logger = logging.getLogger("prophet.plot")
    level = plot_logger.level
    plot_logger.setLevel(logging.CRITICAL)  # the optional plotly import is not needed here
    try:
        from prophet import Prophet
    finally:
        plot_logger.setLevel(level)
    from cmdstanpy.utils import get_logger

    # cmdstanpy configures its logger (level DEBUG) on first use; do that now, then quieten it.
    get_logger().setLevel(logging.ERROR)
    for logger_name in ("prophet", "prophet.models"):
        logging.getLogger(logger_name).setLevel(logging.ERROR)
    return Prophet


class ProphetForecaster(BaseForecaster):
    """Prophet configured for monthly and weekly sales.

    Monthly data get a yearly seasonality with few Fourier terms (a 12-point cycle cannot carry
    Prophet's daily-data default of 10 pairs) and no weekly or daily seasonality; holidays are
    used only for weekly data, each moved to the week that holds it, because month-start
    dates never fall on a holiday's date. Fits are MAP (no MCMC) with ``uncertainty_samples=0``;
    intervals come from conformal calibration like every other forecaster here.

    Parameters
    ----------
    growth : {"linear", "flat"}
        Trend model.
    seasonality_mode : {"auto", "additive", "multiplicative"}
        How the yearly seasonality combines with the trend. ``"auto"`` (default) is
        multiplicative when every value is positive (sales swings grow with the level, as in
        the classical decomposition the Theta method uses) and additive otherwise.
    yearly_order : int or None
        Fourier pairs of the yearly seasonality (default 4 for monthly, 10 for weekly data);
        0 turns it off. It is also off when the history is shorter than two years.
    changepoint_prior_scale : float
        Trend flexibility.
    holidays_country : str or None
        Country code (e.g. ``"US"``) of holidays to model on weekly data.
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "prophet"

    def __init__(
        self,
        *,
        growth: str = "linear",
        seasonality_mode: str = "auto",
        yearly_order: int | None = None,
        changepoint_prior_scale: float = 0.05,
        holidays_country: str | None = None,
        calibration_windows: int = 12,
        **kwargs,
    ) -> None:
        super().__init__(calibration_windows=calibration_windows, **kwargs)
        self.growth = growth
        self.seasonality_mode = seasonality_mode
        self.yearly_order = yearly_order
        self.changepoint_prior_scale = changepoint_prior_scale
        self.holidays_country = holidays_country

    def _holidays(self, ds: pd.DatetimeIndex) -> pd.DataFrame | None:
        if not self.holidays_country or freq_alias(self.freq_) != "W":
            return None
        import holidays

        years = range(ds[0].year - 1, ds[-1].year + 4)
        cal = holidays.country_holidays(self.holidays_country, years=years)
        grid = pd.date_range(ds[0], periods=len(ds) + 3 * 53, freq=self.freq_)
        rows = []
        for day, label in sorted(cal.items()):
            pos = grid.searchsorted(pd.Timestamp(day), side="right") - 1
            if pos >= 0 and pd.Timestamp(day) - grid[pos] < pd.Timedelta(days=7):
                rows.append({"holiday": label, "ds": grid[pos]})
        return pd.DataFrame(rows) if rows else None

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        if self.growth not in ("linear", "flat"):
            raise param_error("growth", "ProphetForecaster", "'linear' or 'flat'", self.growth)
        if self.seasonality_mode not in ("auto", "additive", "multiplicative"):
            raise param_error(
                "seasonality_mode",
                "ProphetForecaster",
                "'auto', 'additive' or 'multiplicative'",
                self.seasonality_mode,
            )
        mode = self.seasonality_mode
        if mode == "auto":
            mode = "multiplicative" if bool(np.all(y > 0)) else "additive"
        prophet_cls = _quiet_prophet()
        weekly = freq_alias(self.freq_) == "W"
        order = self.yearly_order if self.yearly_order is not None else (10 if weekly else 4)
        per_year = SEASON_LENGTH["W" if weekly else "MS"]
        model = prophet_cls(
            growth=self.growth,
            yearly_seasonality=False,
            weekly_seasonality=False,
            daily_seasonality=False,
            seasonality_mode=mode,
            changepoint_prior_scale=self.changepoint_prior_scale,
            n_changepoints=int(min(25, max(0, 0.8 * len(y) - 1))),
            holidays=self._holidays(ds),
            uncertainty_samples=0,
        )
        if order > 0 and len(y) >= 2 * per_year:
            model.add_seasonality("yearly", period=365.25, fourier_order=int(order))
        model.fit(pd.DataFrame({"ds": ds, "y": y}))
        return _ProphetFit(model, ds[-1], self.freq_)


class AutoForecaster(BaseForecaster):
    """Pick a model per series by rolling-origin backtest on its own history.

    Parameters
    ----------
    candidates : sequence of str
        Names for :func:`make_forecaster` compared (default: seasonal naive, Theta, damped ETS
        and their combination; add ``"prophet"`` to let it compete).
    metric : str
        Registered metric the choice minimises (``smape`` by default; ``mase`` also works).
    selection_windows : int
        Backtest origins used for the choice.
    selection_horizon : int or None
        Steps ahead scored at each origin (default: one season, at most 13); origins are half
        a horizon apart.
    incumbent : str or None
        The model kept unless a challenger beats it clearly (default ``"combo"``: combinations
        are hard to beat and choosing by a few backtest windows is noisy); None picks the
        lowest score outright.
    switch_margin : float
        A challenger replaces the incumbent only when its score is lower by this fraction
        (0.2: at least 20% better).
    **kwargs
        Shared parameters of :class:`BaseForecaster`.

    Attributes
    ----------
    model_name_ : str
        The chosen candidate.
    scores_ : pandas.DataFrame
        Backtest score of every candidate (``model``, ``score``, ``windows``).
    """

    name: ClassVar[str] = "auto"

    def __init__(
        self,
        *,
        candidates: Sequence[str] = DEFAULT_CANDIDATES,
        metric: str = "smape",
        selection_windows: int = 3,
        selection_horizon: int | None = None,
        incumbent: str | None = "combo",
        switch_margin: float = 0.2,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.candidates = candidates
        self.metric = metric
        self.selection_windows = selection_windows
        self.selection_horizon = selection_horizon
        self.incumbent = incumbent
        self.switch_margin = switch_margin

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        if self.metric not in METRICS or METRICS[self.metric].needs_interval:
            raise param_error(
                "metric", "AutoForecaster", "a point-forecast metric name", self.metric
            )
        if not self.candidates:
            raise param_error("candidates", "AutoForecaster", "a non-empty sequence", [])
        m = self.season_length_
        horizon = int(self.selection_horizon or (m if m <= 13 else 13))
        horizon = max(1, min(horizon, len(y) // 3))
        step = max(1, horizon // 2)
        min_train = max(4, min(2 * m, len(y) - horizon))
        rows = []
        fitted: dict[str, BaseForecaster] = {}
        for cand in self.candidates:
            est = make_forecaster(cand)
            est.freq_ = self.freq_
            est.season_length_ = m
            fitted[cand] = est
            ro = rolling_origin(
                est._fit_values,
                ds,
                y,
                horizon=horizon,
                windows=int(self.selection_windows),
                step=step,
                min_train=min_train,
            )
            if len(ro.origins) == 0:
                score = np.nan
            else:
                keep = np.isfinite(ro.actual)
                frame = pd.DataFrame({"y": ro.actual[keep], "yhat": ro.forecast[keep]})
                if self.metric == "mase":
                    scales = np.array([mase_scale(y[:o], m) for o in ro.origins])
                    frame["scale"] = np.broadcast_to(scales[:, None], ro.actual.shape)[keep]
                score = METRICS[self.metric].fn(frame)
            rows.append({"model": cand, "score": score, "windows": len(ro.origins)})
        self.scores_ = pd.DataFrame(rows)
        choice = self._choose(self.scores_)
        self._chosen = fitted[choice]
        self._choice = choice
        return self._chosen._fit_values(ds, y)

    def _choose(self, scores: pd.DataFrame) -> str:
        """The incumbent unless a challenger's score is lower by ``switch_margin``."""
        finite = scores[np.isfinite(scores["score"])]
        incumbent = self.incumbent if self.incumbent in self.candidates else None
        if finite.empty:
            return incumbent or str(self.candidates[0])
        best = str(finite.loc[finite["score"].idxmin(), "model"])
        if incumbent is None or incumbent not in set(finite["model"]):
            return best
        inc_score = float(finite.loc[finite["model"] == incumbent, "score"].iloc[0])
        best_score = float(finite["score"].min())
        return best if best_score < (1.0 - float(self.switch_margin)) * inc_score else incumbent

    def _chosen_name(self) -> str:
        return self._choice

    def _calibration_fit(self) -> Any:
        # The chosen model's own errors; re-running the selection at every calibration origin
        # would cost windows x candidates refits for little change.
        return self._chosen._fit_values


#: Forecaster factories by name.
FORECASTERS: dict[str, tuple[type[BaseForecaster], dict[str, Any]]] = {
    "naive": (NaiveForecaster, {}),
    "snaive": (SeasonalNaiveForecaster, {}),
    "ses": (ETSForecaster, {"trend": None}),
    "holt": (ETSForecaster, {"trend": "additive"}),
    "ets": (ETSForecaster, {"trend": "damped"}),
    "theta": (ThetaForecaster, {}),
    "combo": (CombinationForecaster, {}),
    "prophet": (ProphetForecaster, {}),
    "auto": (AutoForecaster, {}),
}


def make_forecaster(name: str, **params: Any) -> BaseForecaster:
    """Build a forecaster by name (see :data:`FORECASTERS`) with extra parameters.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if name not in FORECASTERS:
        raise param_error("model", "make_forecaster", f"one of {sorted(FORECASTERS)}", name)
    cls, defaults = FORECASTERS[name]
    return cls(**{**defaults, **params})


@dataclass(frozen=True)
class SeriesForecast:
    """One series' forecast with its history, for reports and charts.

    Attributes
    ----------
    history : pandas.DataFrame
        ``ds, y`` as fitted (gaps filled).
    forecast : pandas.DataFrame
        ``ds, yhat, yhat_lower, yhat_upper``.
    model : str
        The model used (the chosen one for ``auto``).
    interval_width : float
        Promised coverage.
    interval_method : str
        ``"conformal"`` or ``"naive-scale"`` (too little history to calibrate), or ``"none"``.
    notes : list of str
        What validation filled.
    label : str
        The series' name.
    """

    history: pd.DataFrame
    forecast: pd.DataFrame
    model: str
    interval_width: float
    interval_method: str
    notes: list[str]
    label: str = ""

    def total(self, start: pd.Timestamp | None = None, periods: int | None = None) -> dict:
        """Sum of ``yhat``, ``yhat_lower``, ``yhat_upper`` over forecast periods.

        The bounds are summed per period, which is conservative (wider than the interval of
        the sum) when errors are not perfectly correlated.
        """
        fc = self.forecast
        if start is not None:
            fc = fc[fc["ds"] >= pd.Timestamp(start)]
        if periods is not None:
            fc = fc.head(periods)
        return {c: float(fc[c].sum()) for c in ("yhat", "yhat_lower", "yhat_upper")}


def forecast_series(
    df: pd.DataFrame, *, horizon: int, model: str = "auto", label: str = "", **params: Any
) -> SeriesForecast:
    """Fit ``model`` on ``df`` (``ds``, ``y``) and forecast ``horizon`` periods.

    Returns
    -------
    SeriesForecast
    """
    est = make_forecaster(model, **params).fit(df)
    fc = est.predict(horizon)
    method = "none" if est.interval_ is None else est.interval_.method
    return SeriesForecast(
        history=est.history_,
        forecast=fc,
        model=est.model_name_,
        interval_width=float(est.interval_width),
        interval_method=method,
        notes=est.report_.notes,
        label=label,
    )
