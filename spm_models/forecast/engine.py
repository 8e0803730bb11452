"""Component models of the ``auto`` combination, and which of them fit a history's length.

The components are statsforecast's AutoETS, DynamicOptimizedTheta, AutoARIMA and AutoCES, plus
naive, drift and simple exponential smoothing for very short histories. Whether a history is
seasonal is decided once for all of them (a classical decomposition with the 90%
autocorrelation test of the M4 benchmarks). On a seasonal history ETS models the season with
its own seasonal states, which may drift over the years, as the ETS member of Petropoulos &
Svetunkov's (2020) median combination does; the others are fitted to the seasonally adjusted
series. :func:`length_plan` decides, from the number of points alone, which
components a series can carry and why the others are left out; the rules are set on principle
(parameters per point, seasons needed to see a seasonal pattern), not tuned on any data set.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from spm_models.forecast.methods import LastValue, Seasonality, deseasonalise, fit_smoothing

#: Components of the ``auto`` combination on a history long enough for trend models.
FULL_COMPONENTS = ("ets", "theta", "arima", "ces")

#: Components of a very short history: no trend model can be estimated reliably.
SHORT_COMPONENTS = ("naive", "drift", "ses")

#: Fewest points for a component that estimates a trend (level, trend, damping and smoothing:
#: two points per parameter).
MIN_TREND_POINTS = 8

#: Labels for reports and messages.
COMPONENT_LABELS = {
    "ets": "ETS",
    "theta": "Theta",
    "arima": "ARIMA",
    "ces": "CES",
    "naive": "naive",
    "drift": "drift",
    "ses": "simple exponential smoothing",
    "prophet": "Prophet",
    "snaive": "seasonal naive",
}


@dataclass(frozen=True)
class LengthPlan:
    """What a history of ``n`` points can carry.

    Attributes
    ----------
    n : int
        Points in the history.
    season_length : int
        Observations per year (12 monthly, 52 weekly).
    components : tuple of str
        Components of the combination that fit the length.
    season_period : int
        Period of the seasonal adjustment tried: the year when there are two of them, else a
        quarter (3 months, 13 weeks) when there are three quarters, else 1 (none).
    skipped : dict of str to str
        Method label to the plain reason it is not used.
    """

    n: int
    season_length: int
    components: tuple[str, ...]
    season_period: int
    skipped: dict[str, str] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One sentence per skipped method."""
        return [f"{label} not used: {why}" for label, why in self.skipped.items()]


def quarter_period(season_length: int) -> int:
    """Periods in a quarter: 3 for monthly data, 13 for weekly, 1 otherwise."""
    return {12: 3, 52: 13}.get(int(season_length), 1)


def length_plan(n: int, season_length: int, *, prophet: bool = False) -> LengthPlan:
    """Choose the components and seasonal period that a history of ``n`` points supports.

    Parameters
    ----------
    n : int
        Points in the history.
    season_length : int
        Observations per year.
    prophet : bool
        Whether Prophet was asked for (it needs two years to fit a yearly pattern).

    Returns
    -------
    LengthPlan
    """
    m = int(season_length)
    skipped: dict[str, str] = {}
    if n < MIN_TREND_POINTS:
        components = SHORT_COMPONENTS
        reason = f"{n} points are too few to estimate a trend (it needs {MIN_TREND_POINTS})"
        for name in FULL_COMPONENTS:
            skipped[COMPONENT_LABELS[name]] = reason
    else:
        components = FULL_COMPONENTS
    q = quarter_period(m)
    if m > 1 and n >= 2 * m:
        period = m
    else:
        period = q if q > 1 and n >= 2 * q else 1
        if m > 1:
            skipped["yearly seasonality"] = (
                f"the history has {n} points, fewer than two years ({2 * m})"
            )
        if q > 1 and period == 1:
            skipped["quarter-end seasonality"] = (
                f"the history has {n} points, fewer than two quarters ({2 * q})"
            )
    if prophet and (m <= 1 or n < 2 * m):
        skipped[COMPONENT_LABELS["prophet"]] = "it needs two years of history for a yearly pattern"
    return LengthPlan(n, m, tuple(components), period, skipped)


@dataclass(frozen=True)
class DriftFit:
    """The drift method: the last value plus the average change per period."""

    last: float
    slope: float

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``."""
        return self.last + self.slope * np.arange(1, h + 1, dtype=float)


@dataclass(frozen=True)
class ArrayFit:
    """Point forecasts computed once at fit time (statsforecast models predict a fixed h)."""

    values: np.ndarray

    def forecast(self, h: int) -> np.ndarray:
        """The first ``h`` stored forecasts (the last one repeated beyond what was stored)."""
        if h <= len(self.values):
            return self.values[:h].copy()
        return np.concatenate([self.values, np.full(h - len(self.values), self.values[-1])])


@dataclass(frozen=True)
class StatsFit:
    """A fitted statsforecast model; forecasts of any horizon on demand."""

    model: object

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``."""
        return np.asarray(self.model.predict(h)["mean"], dtype="float64")


#: Fitted components kept per process. A planning chain refits the same component on the same
#: training data many times: the backtest of the combination and of each component alone, the
#: interval calibration of each, and the year-total interval all cut the same windows. A fit is
#: a pure function of (component, data), so the second fit is read back instead of re-run.
FIT_CACHE_SIZE = 1024

_fit_cache: OrderedDict[tuple, object] = OrderedDict()
_fit_cache_lock = threading.Lock()


def _remembered(key: tuple, fit: Callable[[], object]) -> object:
    """The cached result for ``key``, or ``fit()`` stored under it (least recently used out)."""
    if FIT_CACHE_SIZE <= 0:
        return fit()
    with _fit_cache_lock:
        if key in _fit_cache:
            _fit_cache.move_to_end(key)
            return _fit_cache[key]
    value = fit()
    with _fit_cache_lock:
        _fit_cache[key] = value
        while len(_fit_cache) > FIT_CACHE_SIZE:
            _fit_cache.popitem(last=False)
    return value


def clear_fit_cache() -> None:
    """Forget every remembered component fit (to free memory or measure fitting time)."""
    with _fit_cache_lock:
        _fit_cache.clear()


def _data_key(y: np.ndarray) -> tuple:
    return (y.tobytes(),)


def _statsforecast_model(name: str):
    from statsforecast.models import AutoARIMA, AutoCES, AutoETS, DynamicOptimizedTheta

    # The Theta component is the dynamic optimised Theta model (Fiorucci et al., 2016), the
    # Theta member of Petropoulos & Svetunkov's (2020) median combination of ETS, CES, ARIMA
    # and Theta. AutoTheta picks among four Theta variants by in-sample error; run on the same
    # series it scored worse than the plain Theta method it generalises (in-sample selection
    # favours the more flexible variants).
    models = {
        "ets": AutoETS,
        "theta": DynamicOptimizedTheta,
        "arima": AutoARIMA,
        "ces": AutoCES,
    }
    return models[name](season_length=1)


def fit_component(name: str, y: np.ndarray):
    """Fit one non-seasonal component to ``y`` (already seasonally adjusted).

    A statsforecast model that cannot fit the series (too short, constant) falls back to
    simple exponential smoothing rather than stopping the forecast.

    Returns
    -------
    object
        With ``forecast(h) -> ndarray``.
    """
    y = np.asarray(y, dtype="float64")
    if name == "naive" or len(y) < 2:
        return LastValue(float(y[-1]))
    if name == "drift":
        return DriftFit(float(y[-1]), float((y[-1] - y[0]) / (len(y) - 1)))
    if name == "ses":
        return fit_smoothing(y, None)
    if name not in FULL_COMPONENTS:
        raise ValueError(f"unknown component {name!r}; known: {FULL_COMPONENTS + SHORT_COMPONENTS}")
    if float(np.ptp(y)) == 0.0:
        return LastValue(float(y[-1]))
    return _remembered(("component", name, *_data_key(y)), lambda: _fit_statsforecast(name, y))


def _fit_statsforecast(name: str, y: np.ndarray):
    try:
        with warnings.catch_warnings():
            # statsforecast's optimiser warns on hard series; the fit is still usable and a
            # report page must not show library warnings.
            warnings.simplefilter("ignore")
            return StatsFit(_statsforecast_model(name).fit(y))
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, FloatingPointError):
        return fit_smoothing(y, None)


def dummy_seasonality_pvalue(y: np.ndarray, period: int) -> float:
    """P-value of the F-test that position-in-cycle dummies add nothing to a linear trend.

    On a short history (under two years) the autocorrelation test cannot tell a quarter-end
    peak from the trend; a regression of ``y`` on a line plus ``period - 1`` position dummies
    can, with as few as ``period + 3`` points. Returns 1.0 when there are too few points.
    """
    from scipy.stats import f as f_dist

    y = np.asarray(y, dtype="float64")
    n = len(y)
    dof = n - period - 1
    if period < 2 or dof < 2:
        return 1.0
    t = np.arange(n, dtype=float)
    base = np.column_stack([np.ones(n), t])
    dummies = np.column_stack([(t % period == k).astype(float) for k in range(1, period)])
    rss0 = float(np.sum((y - base @ np.linalg.lstsq(base, y, rcond=None)[0]) ** 2))
    full = np.column_stack([base, dummies])
    rss1 = float(np.sum((y - full @ np.linalg.lstsq(full, y, rcond=None)[0]) ** 2))
    if rss1 <= 1e-12 * max(rss0, 1e-300):
        return 0.0 if rss0 > 1e-12 else 1.0
    stat = ((rss0 - rss1) / (period - 1)) / (rss1 / dof)
    return float(f_dist.sf(stat, period - 1, dof))


#: Significance of the seasonality tests (the 90% level of the M4 benchmarks' ACF test).
SEASONALITY_ALPHA = 0.1


def seasonal_adjustment(y: np.ndarray, period: int, *, season_length: int = 0) -> Seasonality:
    """The tested seasonal adjustment of ``y`` with ``period`` (identity if 1 or not seasonal).

    A full year (``period == season_length`` or no ``season_length``) uses the classical
    decomposition with the autocorrelation test; a shorter cycle (a quarter within a year on a
    short history) is tested with :func:`dummy_seasonality_pvalue` and estimated by the same
    classical decomposition.
    """
    y = np.asarray(y, dtype="float64")
    n = len(y)
    if period <= 1:
        return Seasonality(None, True, 1, n)
    if season_length and period < season_length:
        if dummy_seasonality_pvalue(y, period) >= SEASONALITY_ALPHA:
            return Seasonality(None, True, period, n)
        return deseasonalise(y, period, test=False)
    return deseasonalise(y, period)


#: Longest cycle that ETS carries as its own seasonal states. Beyond it (a 52-week year) the
#: states outnumber what a few years of history identify, so ETS joins the others on the
#: adjusted series (the limit of Hyndman's ``ets``).
MAX_ETS_SEASON = 24


@dataclass(frozen=True)
class OwnSeasonFit:
    """A component fitted to the unadjusted history: it forecasts the season itself."""

    fit: StatsFit

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``, seasonality included."""
        return self.fit.forecast(h)


@dataclass(frozen=True)
class ComponentFits:
    """Every component fitted on one history, with its shared seasonal adjustment."""

    season: Seasonality
    fits: dict[str, object]

    def forecasts(self, h: int) -> dict[str, np.ndarray]:
        """Each component's point forecasts for steps ``1 .. h``, seasonality restored."""
        return {
            k: f.forecast(h) if isinstance(f, OwnSeasonFit) else self.season.restore(f.forecast(h))
            for k, f in self.fits.items()
        }


def fit_seasonal_ets(y: np.ndarray, period: int) -> OwnSeasonFit | None:
    """AutoETS with ``period`` seasonal states on the unadjusted ``y``; None if it cannot fit.

    AutoETS still chooses by AICc among error, trend and season forms (additive or
    multiplicative, damped or not), so a pattern that is better left out is left out.
    """
    if not 1 < period <= MAX_ETS_SEASON or len(y) < 2 * period:
        return None
    y = np.asarray(y, dtype="float64")
    return _remembered(("seasonal_ets", period, *_data_key(y)), lambda: _fit_own_season(y, period))


def _fit_own_season(y: np.ndarray, period: int) -> OwnSeasonFit | None:
    from statsforecast.models import AutoETS

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = StatsFit(AutoETS(season_length=period).fit(y))
            if not np.all(np.isfinite(fit.forecast(1))):
                return None
            return OwnSeasonFit(fit)
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, FloatingPointError):
        return None


def fit_components(
    y: np.ndarray, components: tuple[str, ...], period: int, *, season_length: int = 0
) -> ComponentFits:
    """Decide on the seasonality of ``y`` once and fit each of ``components``.

    On a seasonal history ETS fits its own seasonal states (:func:`fit_seasonal_ets`); every
    other component, and ETS where that cannot fit, is fitted to the seasonally adjusted series.
    """
    y = np.asarray(y, dtype="float64")
    season = seasonal_adjustment(y, period, season_length=season_length)
    adj = season.adjust(y)
    fits: dict[str, object] = {}
    for name in components:
        own = (
            fit_seasonal_ets(y, season.m) if name == "ets" and season.indices is not None else None
        )
        fits[name] = own or fit_component(name, adj)
    return ComponentFits(season, fits)


def combine(forecasts: dict[str, np.ndarray], how: str = "median") -> np.ndarray:
    """Combine component forecasts per step: the median (default) or the mean."""
    stack = np.vstack(list(forecasts.values()))
    return np.median(stack, axis=0) if how == "median" else np.mean(stack, axis=0)
