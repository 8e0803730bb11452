"""Forecasters in scikit-learn style over Prophet's column contract.

``fit(df)`` takes a frame with ``ds`` (dates) and ``y`` (values), validates it (see
:mod:`spm_models.forecast.validate`), fits, calibrates prediction intervals on the forecaster's
own rolling-origin errors (:mod:`spm_models.forecast.conformal`) and sets attributes ending in
``_``. ``predict(horizon)`` returns ``ds, yhat, yhat_lower, yhat_upper``.

Available by name through :func:`make_forecaster`: ``naive``, ``snaive``, ``ses``, ``holt``,
``ets`` (damped trend), ``theta``, ``combo`` (mean of Theta, damped ETS and SES), ``prophet``
and ``auto`` (median of statsforecast's ETS, Theta, ARIMA and CES, fitted to the history's
length; see :class:`AutoForecaster`).
"""

from __future__ import annotations

import inspect
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from spm_models.errors import NotFittedError, param_error
from spm_models.forecast.backtest import rolling_origin
from spm_models.forecast.conformal import ConformalInterval, calibrate
from spm_models.forecast.engine import (
    COMPONENT_LABELS,
    FULL_COMPONENTS,
    ComponentFits,
    LengthPlan,
    StatsFit,
    combine,
    fit_components,
    length_plan,
    quarter_period,
)
from spm_models.forecast.methods import LastValue, fit_classical
from spm_models.forecast.validate import SEASON_LENGTH, SeriesReport, freq_alias, prepare_series


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

    def _calibration_shape(self, n: int) -> tuple[int, int, int]:
        """Rolling-origin windows, horizon and shortest training length for ``n`` points."""
        m = self.season_length_
        horizon = int(self.calibration_horizon or (m if m <= 13 else 13))
        return int(self.calibration_windows), horizon, max(4, min(m, n // 2))

    def _calibrate(self, ds: pd.DatetimeIndex, y: np.ndarray) -> ConformalInterval | None:
        windows, horizon, min_train = self._calibration_shape(len(y))
        if windows == 0:
            return None
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


@dataclass(frozen=True)
class _AutoFit:
    """The ``auto`` forecaster's fitted state: components, optional Prophet, the rule used."""

    components: ComponentFits
    prophet: Any
    how: str
    selected: str | None = None

    def members(self, h: int) -> dict[str, np.ndarray]:
        """Each member's point forecasts for steps ``1 .. h``."""
        out = self.components.forecasts(h)
        if self.prophet is not None:
            out["prophet"] = np.asarray(self.prophet.forecast(h), dtype="float64")
        return out

    def forecast(self, h: int) -> np.ndarray:
        """The selected member's forecast, or the combination of all of them."""
        members = self.members(h)
        if self.selected is not None and self.selected in members:
            return members[self.selected]
        return combine(members, self.how)


class AutoForecaster(BaseForecaster):
    """A robust combination of ETS, Theta, ARIMA and CES, selecting one only on clear evidence.

    The rule, and why:

    - **Combine.** The forecast is the per-period median of the components (statsforecast's
      AutoETS, DynamicOptimizedTheta, AutoARIMA and AutoCES on one shared classical seasonal
      adjustment, plus Prophet when ``include_prophet``: the members of Petropoulos and
      Svetunkov's 2020 median combination, SCUM). Picking one model per series from a few backtest
      windows is noisy, while combinations of different model families are consistently
      among the most accurate methods in forecasting competitions (M3, M4); the median keeps
      one wild component from moving the forecast.
    - **Select only on clear evidence.** The interval calibration already refits the model at
      ``calibration_windows`` origins; from the same refits each component's error is compared
      with the combination's. A component replaces the combination only when there are at
      least ``selection_min_windows`` origins, it is better at significantly many of them
      (one-sided sign test at ``selection_alpha``) and its mean absolute error is lower by at
      least ``selection_margin``.
    - **Fit the length.** Below :data:`~spm_models.forecast.engine.MIN_TREND_POINTS` points the
      components are naive, drift and simple exponential smoothing; below two years the
      seasonal adjustment is by quarter (quarter-end peaks), or none under two quarters;
      Prophet needs two years. What was left out and why is in ``notes_``.

    Parameters
    ----------
    components : sequence of str
        Components of the combination (default ETS, Theta, ARIMA and CES).
    how : {"median", "mean"}
        How component forecasts are combined.
    include_prophet : bool
        Add Prophet to the combination when the history has two years.
    selection_min_windows : int
        Fewest calibration origins before a single component may be selected.
    selection_alpha : float
        Significance of the sign test for a selection.
    selection_margin : float
        Smallest relative reduction of the mean absolute error for a selection.
    **kwargs
        Shared parameters of :class:`BaseForecaster` (calibration defaults to 12 origins
        3 periods apart: 36 periods back, at a third of the refits of one period apart).

    Attributes
    ----------
    model_name_ : str
        ``"combination"`` or the selected component.
    label_ : str
        The model in words, for reports.
    members_ : tuple of str
        The members fitted on the whole history.
    notes_ : list of str
        Methods not used on this history and why.
    selection_ : pandas.DataFrame
        Per member: ``member, mae, combination_mae, wins, windows, p_value`` on the
        calibration origins (empty without calibration).
    """

    name: ClassVar[str] = "auto"

    def __init__(
        self,
        *,
        components: Sequence[str] = FULL_COMPONENTS,
        how: str = "median",
        include_prophet: bool = False,
        selection_min_windows: int = 8,
        selection_alpha: float = 0.05,
        selection_margin: float = 0.1,
        calibration_windows: int = 12,
        calibration_step: int = 3,
        **kwargs,
    ) -> None:
        super().__init__(
            calibration_windows=calibration_windows, calibration_step=calibration_step, **kwargs
        )
        self.components = components
        self.how = how
        self.include_prophet = include_prophet
        self.selection_min_windows = selection_min_windows
        self.selection_alpha = selection_alpha
        self.selection_margin = selection_margin

    def _plan(self, n: int) -> LengthPlan:
        return length_plan(n, self.season_length_, prophet=bool(self.include_prophet))

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        if self.how not in ("median", "mean"):
            raise param_error("how", "AutoForecaster", "'median' or 'mean'", self.how)
        unknown = [c for c in self.components if c not in FULL_COMPONENTS]
        if unknown or not self.components:
            raise param_error(
                "components",
                "AutoForecaster",
                f"a non-empty subset of {FULL_COMPONENTS}",
                list(self.components),
            )
        plan = self._plan(len(y))
        chosen = tuple(c for c in self.components if c in plan.components) or plan.components
        fits = fit_components(y, chosen, plan.season_period, season_length=self.season_length_)
        prophet = None
        if self.include_prophet and "Prophet" not in plan.skipped:
            est = ProphetForecaster()
            est.freq_ = self.freq_
            est.season_length_ = self.season_length_
            prophet = est._fit_values(ds, y)
        return _AutoFit(fits, prophet, self.how)

    def fit(self, df: pd.DataFrame) -> AutoForecaster:
        """See :meth:`BaseForecaster.fit`; also sets ``members_``, ``notes_``, ``label_``."""
        self._selected: str | None = None
        self.selection_ = pd.DataFrame(
            columns=["member", "mae", "combination_mae", "wins", "windows", "p_value"]
        )
        super().fit(df)
        self.members_ = tuple(self.model_.members(1))
        self.notes_ = self._plan(len(self.history_)).notes()
        if self._selected is not None:
            self.model_ = _AutoFit(
                self.model_.components, self.model_.prophet, self.how, self._selected
            )
        self.model_name_ = self._selected or "combination"
        self.label_ = self._label()
        return self

    def _label(self) -> str:
        names = [COMPONENT_LABELS.get(m, m) for m in self.members_]
        if self._selected is not None:
            return f"{COMPONENT_LABELS.get(self._selected, self._selected)} (clear backtest win)"
        listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
        return f"{self.how} of {listed}"

    def _chosen_name(self) -> str:
        return "combination"

    def _calibrate(self, ds: pd.DatetimeIndex, y: np.ndarray) -> ConformalInterval | None:
        windows, horizon, min_train = self._calibration_shape(len(y))
        if windows == 0:
            return None
        step = max(1, int(self.calibration_step))
        n = len(y)
        origins = sorted(e for e in (n - 1 - k * step for k in range(windows)) if e >= min_train)
        combo = np.full((len(origins), horizon), np.nan)
        members: dict[str, np.ndarray] = {}
        actual = np.full((len(origins), horizon), np.nan)
        for row, end in enumerate(origins):
            fit = self._fit_values(ds[:end], y[:end])
            steps = min(horizon, n - end)
            actual[row, :steps] = y[end : end + steps]
            combo[row, :steps] = fit.forecast(steps)
            for name, values in fit.members(steps).items():
                members.setdefault(name, np.full((len(origins), horizon), np.nan))
                members[name][row, :steps] = values
        self._selected = self._select(actual, combo, members)
        errors = actual - (members[self._selected] if self._selected else combo)
        return calibrate(errors, float(self.interval_width), history=y)

    def _select(
        self, actual: np.ndarray, combo: np.ndarray, members: dict[str, np.ndarray]
    ) -> str | None:
        """The member that beats the combination clearly, or None (see the class docstring)."""
        from scipy.stats import binomtest

        rows = []
        with warnings.catch_warnings(), np.errstate(invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            combo_err = np.nanmean(np.abs(actual - combo), axis=1)
            for name, values in members.items():
                err = np.nanmean(np.abs(actual - values), axis=1)
                ok = np.isfinite(err) & np.isfinite(combo_err)
                wins = int(np.sum(err[ok] < combo_err[ok]))
                ties = int(np.sum(err[ok] == combo_err[ok]))
                trials = int(ok.sum()) - ties
                p = binomtest(wins, trials, 0.5, alternative="greater").pvalue if trials else 1.0
                rows.append(
                    {
                        "member": name,
                        "mae": float(np.mean(err[ok])) if ok.any() else float("nan"),
                        "combination_mae": float(np.mean(combo_err[ok]))
                        if ok.any()
                        else float("nan"),
                        "wins": wins,
                        "windows": int(ok.sum()),
                        "p_value": float(p),
                    }
                )
        table = pd.DataFrame(rows)
        self.selection_ = table
        if table.empty:
            return None
        clear = table[
            (table["windows"] >= int(self.selection_min_windows))
            & (table["p_value"] < float(self.selection_alpha))
            & (table["mae"] < (1.0 - float(self.selection_margin)) * table["combination_mae"])
        ]
        if clear.empty:
            return None
        return str(clear.loc[clear["mae"].idxmin(), "member"])

    def _calibration_fit(self) -> Any:
        selected = getattr(self, "_selected", None)
        if selected is None:
            return self._fit_values

        def fit_selected(ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
            fitted = self._fit_values(ds, y)
            return _AutoFit(fitted.components, fitted.prophet, self.how, selected)

        return fit_selected


@dataclass(frozen=True)
class _ComponentFit:
    fits: ComponentFits
    name: str

    def forecast(self, h: int) -> np.ndarray:
        return self.fits.forecasts(h)[self.name]


class ComponentForecaster(BaseForecaster):
    """One component of the ``auto`` combination on its own (for backtests and comparisons).

    The same seasonal adjustment as :class:`AutoForecaster` (yearly from two years of
    history, by quarter below that), then one non-seasonal model.

    Parameters
    ----------
    component : {"ets", "theta", "arima", "ces", "drift"}
        statsforecast's AutoETS, DynamicOptimizedTheta, AutoARIMA or AutoCES, or the drift method.
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "component"

    def __init__(self, *, component: str = "ets", **kwargs) -> None:
        super().__init__(**kwargs)
        self.component = component

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        allowed = (*FULL_COMPONENTS, "drift")
        if self.component not in allowed:
            raise param_error(
                "component", "ComponentForecaster", f"one of {allowed}", self.component
            )
        plan = length_plan(len(y), self.season_length_)
        fits = fit_components(
            y, (self.component,), plan.season_period, season_length=self.season_length_
        )
        return _ComponentFit(fits, self.component)

    def _chosen_name(self) -> str:
        return COMPONENT_NAMES[self.component]


class MSTLForecaster(BaseForecaster):
    """statsforecast's MSTL: several seasonalities (quarter and year) removed by STL, then ETS.

    For weekly sales (13- and 52-week cycles) and monthly sales (3- and 12-month cycles: the
    quarter-end push and the year). Each cycle is used only when the history holds two of
    it; with none, this is the ETS component on the plain series.

    Parameters
    ----------
    **kwargs
        Shared parameters of :class:`BaseForecaster`.
    """

    name: ClassVar[str] = "mstl"

    def _fit_values(self, ds: pd.DatetimeIndex, y: np.ndarray) -> Any:
        from statsforecast.models import MSTL, AutoETS

        m = self.season_length_
        seasons = [p for p in (quarter_period(m), m) if p > 1 and len(y) >= 2 * p]
        if not seasons:
            return _ComponentFit(fit_components(y, ("ets",), 1), "ets")
        model = MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return StatsFit(model.fit(np.asarray(y, dtype="float64")))


#: Registered names of the components run alone.
COMPONENT_NAMES = {
    "ets": "autoets",
    "theta": "autotheta",
    "arima": "autoarima",
    "ces": "autoces",
    "drift": "drift",
}


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
    "autoets": (ComponentForecaster, {"component": "ets"}),
    "autotheta": (ComponentForecaster, {"component": "theta"}),
    "autoarima": (ComponentForecaster, {"component": "arima"}),
    "autoces": (ComponentForecaster, {"component": "ces"}),
    "drift": (ComponentForecaster, {"component": "drift"}),
    "mstl": (MSTLForecaster, {}),
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
        notes=[*est.report_.notes, *getattr(est, "notes_", [])],
        label=label,
    )
