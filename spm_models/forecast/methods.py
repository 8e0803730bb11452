"""Classical forecasting methods on plain NumPy arrays.

These are the fast kernels behind the forecasters: a seasonality test and classical
decomposition (as in the M3 winner, the Theta method), simple, Holt and damped exponential
smoothing fitted by a vectorised grid search with least-squares initial states, and the Theta
method (Hyndman & Billah's SES-with-drift form). Each function takes the history ``y`` (1-D,
regular spacing, no gaps) and returns point forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Smoothing-parameter grids searched by :func:`fit_smoothing`. Why a grid: it vectorises
#: across candidates, costs a few milliseconds per series and cannot stall in a local minimum.
#: The trend grids are coarse and keep the damping below 0.98 (the forecast package's
#: bound), which guards against the runaway trends that hurt long horizons.
ALPHA_GRID = np.concatenate([np.linspace(0.01, 0.3, 30), np.linspace(0.32, 1.0, 35)])
TREND_ALPHA_GRID = np.array([0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0])
BETA_GRID = np.array([0.001, 0.02, 0.1, 0.25])
PHI_GRID = np.array([0.85, 0.92, 0.97])


def acf(y: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelations at lags ``0 .. nlags`` (biased estimator, as ``statsmodels``)."""
    x = np.asarray(y, dtype=float) - np.mean(y)
    denom = float(np.dot(x, x))
    if denom == 0.0:
        return np.concatenate([[1.0], np.zeros(nlags)])
    return np.array([1.0] + [float(np.dot(x[k:], x[:-k])) / denom for k in range(1, nlags + 1)])


def is_seasonal(y: np.ndarray, m: int, *, z: float = 1.645) -> bool:
    """Test for seasonality of period ``m`` (90% one-sided autocorrelation test at lag ``m``).

    The test of the M3/M4 benchmark code: seasonal when ``|r_m|`` exceeds
    ``z * sqrt((1 + 2 * sum_{k<m} r_k^2) / n)``. Series shorter than ``3 m`` are never seasonal.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if m < 2 or n < 3 * m:
        return False
    r = acf(y, m)
    limit = z * np.sqrt((1.0 + 2.0 * np.sum(r[1:m] ** 2)) / n)
    return bool(abs(r[m]) > limit)


def seasonal_indices(y: np.ndarray, m: int, *, multiplicative: bool = True) -> np.ndarray:
    """Classical-decomposition seasonal indices, aligned so ``idx[t % m]`` is period t's index.

    A centred moving average of order ``2 x m`` (``m`` even) or ``m`` (odd) estimates the trend;
    the indices are the per-position means of ``y / trend`` (or ``y - trend``), normalised to
    average 1 (or 0).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.full(n, np.nan)
    half = len(w) // 2
    trend[half : n - half] = np.convolve(y, w, mode="valid")
    detr = y / trend if multiplicative else y - trend
    idx = np.array([np.nanmean(detr[k::m]) for k in range(m)])
    if multiplicative:
        return idx / np.mean(idx)
    return idx - np.mean(idx)


@dataclass(frozen=True)
class Seasonality:
    """The seasonal adjustment applied before a non-seasonal method (identity when None)."""

    indices: np.ndarray | None
    multiplicative: bool
    m: int
    n: int

    def adjust(self, y: np.ndarray) -> np.ndarray:
        """Remove the seasonal component from the history."""
        if self.indices is None:
            return y
        s = self.indices[np.arange(len(y)) % self.m]
        return y / s if self.multiplicative else y - s

    def restore(self, fc: np.ndarray) -> np.ndarray:
        """Add the seasonal component back onto forecasts of the next ``len(fc)`` periods."""
        if self.indices is None:
            return fc
        s = self.indices[np.arange(self.n, self.n + len(fc)) % self.m]
        return fc * s if self.multiplicative else fc + s


def deseasonalise(y: np.ndarray, m: int, *, test: bool = True) -> Seasonality:
    """Decide on and estimate a seasonal adjustment of ``y`` with period ``m``.

    Multiplicative when every value is positive, additive otherwise; none when ``test`` is on
    and :func:`is_seasonal` rejects seasonality (or the series is too short).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if m < 2 or n < 2 * m or (test and not is_seasonal(y, m)):
        return Seasonality(None, True, m, n)
    mult = bool(np.all(y > 0))
    idx = seasonal_indices(y, m, multiplicative=mult)
    if mult and (not np.all(np.isfinite(idx)) or np.any(idx <= 0)):
        mult = False
        idx = seasonal_indices(y, m, multiplicative=False)
    if not np.all(np.isfinite(idx)):
        return Seasonality(None, True, m, n)
    return Seasonality(idx, mult, m, n)


@dataclass(frozen=True)
class SmoothingFit:
    """A fitted exponential-smoothing model (additive errors, optional damped trend)."""

    alpha: float
    beta: float
    phi: float
    level: float
    trend: float
    sse: float
    n: int

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``."""
        if self.phi == 1.0:
            damp = np.arange(1, h + 1, dtype=float)
        else:
            damp = np.cumsum(self.phi ** np.arange(1, h + 1))
        return self.level + damp * self.trend


def _recursions(
    y: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray, trend: bool
) -> tuple[np.ndarray, ...]:
    """Run the smoothing recursions for every parameter triple at once.

    The one-step predictions are linear in ``(y, l0, b0)``, so three runs (data with zero
    initial state, and the two unit initial states with zero data) give every prediction as
    ``c + l0 * d1 + b0 * d2``; the best initial state is then a 2x2 least-squares solve.
    """
    k = len(alpha)
    lev = np.zeros((3, k))
    tr = np.zeros((3, k))
    lev[1] = 1.0
    tr[2] = 1.0
    n = len(y)
    preds = np.empty((n, 3, k))
    a = alpha[None, :]
    b = beta[None, :]
    p = phi[None, :]
    data = np.zeros((3, 1))
    for t in range(n):
        pred = lev + p * tr if trend else lev
        preds[t] = pred
        data[0, 0] = y[t]
        new_lev = a * data + (1.0 - a) * pred
        if trend:
            tr = b * (new_lev - lev) + (1.0 - b) * p * tr
        lev = new_lev
    return preds, lev, tr


def fit_smoothing(y: np.ndarray, trend: str | None = None) -> SmoothingFit:
    """Fit simple (``trend=None``), Holt (``"additive"``) or damped (``"damped"``) smoothing.

    Parameters are chosen on a grid by one-step sum of squared errors with the initial level
    (and trend) solved by least squares for each grid point.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if trend is None:
        alpha, beta, phi = ALPHA_GRID, np.zeros_like(ALPHA_GRID), np.ones_like(ALPHA_GRID)
    else:
        phis = PHI_GRID if trend == "damped" else np.array([1.0])
        grid = np.array(np.meshgrid(TREND_ALPHA_GRID, BETA_GRID, phis, indexing="ij"))
        alpha, beta, phi = (g.ravel() for g in grid)
        keep = beta <= alpha
        alpha, beta, phi = alpha[keep], beta[keep], phi[keep]
    has_trend = trend is not None
    preds, lev, tr = _recursions(y, alpha, beta, phi, has_trend)
    c, d1, d2 = preds[:, 0, :], preds[:, 1, :], preds[:, 2, :]
    r = y[:, None] - c
    if has_trend and n >= 3:
        s11 = np.sum(d1 * d1, axis=0)
        s12 = np.sum(d1 * d2, axis=0)
        s22 = np.sum(d2 * d2, axis=0)
        r1 = np.sum(d1 * r, axis=0)
        r2 = np.sum(d2 * r, axis=0)
        det = s11 * s22 - s12 * s12
        safe = np.abs(det) > 1e-12 * np.maximum(s11 * s22, 1e-300)
        l0 = np.where(safe, (s22 * r1 - s12 * r2) / np.where(safe, det, 1.0), y[0])
        b0 = np.where(safe, (s11 * r2 - s12 * r1) / np.where(safe, det, 1.0), 0.0)
    else:
        s11 = np.sum(d1 * d1, axis=0)
        l0 = np.sum(d1 * r, axis=0) / np.maximum(s11, 1e-300)
        b0 = np.zeros_like(l0)
    resid = r - l0[None, :] * d1 - b0[None, :] * d2
    sse = np.sum(resid**2, axis=0)
    sse = np.where(np.isfinite(sse), sse, np.inf)
    best = int(np.argmin(sse))
    level = lev[0, best] + l0[best] * lev[1, best] + b0[best] * lev[2, best]
    slope = tr[0, best] + l0[best] * tr[1, best] + b0[best] * tr[2, best] if has_trend else 0.0
    return SmoothingFit(
        alpha=float(alpha[best]),
        beta=float(beta[best]),
        phi=float(phi[best]),
        level=float(level),
        trend=float(slope),
        sse=float(sse[best]),
        n=n,
    )


def naive_forecast(y: np.ndarray, h: int) -> np.ndarray:
    """Repeat the last value."""
    return np.full(h, float(y[-1]))


def seasonal_naive_forecast(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """Repeat the last full season (falls back to naive when the history is shorter than m)."""
    y = np.asarray(y, dtype=float)
    if m < 2 or len(y) < m:
        return naive_forecast(y, h)
    last = y[-m:]
    return last[np.arange(h) % m]


#: Methods run on the seasonally adjusted series by :func:`fit_classical`.
CLASSICAL_METHODS = ("naive2", "ses", "holt", "damped", "theta")


@dataclass(frozen=True)
class ThetaFit:
    """A fitted Theta model: SES on the series plus half its linear-trend slope as drift."""

    ses: SmoothingFit
    slope: float

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``."""
        alpha = max(self.ses.alpha, 1e-10)
        n = self.ses.n
        drift = 0.5 * self.slope * (np.arange(h) + (1.0 - (1.0 - alpha) ** n) / alpha)
        return self.ses.forecast(h) + drift


@dataclass(frozen=True)
class LastValue:
    """The naive method's fitted state."""

    value: float

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h``."""
        return np.full(h, self.value)


def fit_theta(y: np.ndarray) -> ThetaFit:
    """Fit the standard Theta method (Hyndman & Billah, 2003).

    ``yhat_h = SES_h + b/2 * ((h - 1) + (1 - (1 - alpha)^n) / alpha)`` with ``b`` the least
    squares slope of ``y`` on time.
    """
    y = np.asarray(y, dtype=float)
    ses = fit_smoothing(y, None)
    slope = float(np.polyfit(np.arange(len(y), dtype=float), y, 1)[0]) if len(y) >= 2 else 0.0
    return ThetaFit(ses, slope)


def theta_forecast(y: np.ndarray, h: int) -> np.ndarray:
    """Forecast ``h`` steps with :func:`fit_theta`."""
    return fit_theta(y).forecast(h)


@dataclass(frozen=True)
class ClassicalFit:
    """A non-seasonal method fitted to a seasonally adjusted series."""

    method: str
    season: Seasonality
    core: SmoothingFit | ThetaFit | LastValue

    def forecast(self, h: int) -> np.ndarray:
        """Point forecasts for steps ``1 .. h`` with seasonality restored."""
        return self.season.restore(self.core.forecast(h))


def fit_classical(
    y: np.ndarray, m: int, method: str, *, seasonal: bool = True, season: Seasonality | None = None
) -> ClassicalFit:
    """Fit ``method`` (one of :data:`CLASSICAL_METHODS`) after a tested seasonal adjustment.

    Parameters
    ----------
    y : numpy.ndarray
        The history.
    m : int
        Seasonal period (12 for monthly data, 52 for weekly).
    method : str
        ``naive2``, ``ses``, ``holt``, ``damped`` or ``theta``.
    seasonal : bool
        Test for and remove seasonality first (False: fit the raw series).
    season : Seasonality or None
        A seasonal adjustment already estimated on ``y`` (saves re-estimating it).
    """
    y = np.asarray(y, dtype=float)
    if season is None:
        season = deseasonalise(y, m) if seasonal else Seasonality(None, True, m, len(y))
    adj = season.adjust(y)
    core: SmoothingFit | ThetaFit | LastValue
    if method == "naive2":
        core = LastValue(float(adj[-1]))
    elif method == "ses":
        core = fit_smoothing(adj, None)
    elif method in ("holt", "damped"):
        if len(adj) < 3:
            core = LastValue(float(adj[-1]))
        else:
            core = fit_smoothing(adj, "additive" if method == "holt" else "damped")
    elif method == "theta":
        core = fit_theta(adj)
    else:
        raise ValueError(f"unknown classical method {method!r}; known: {CLASSICAL_METHODS}")
    return ClassicalFit(method, season, core)


def classical_forecasts(
    y: np.ndarray, h: int, m: int, methods: tuple[str, ...] = CLASSICAL_METHODS
) -> dict[str, np.ndarray]:
    """Forecast ``h`` steps with several methods sharing one seasonal adjustment."""
    y = np.asarray(y, dtype=float)
    season = deseasonalise(y, m)
    return {name: fit_classical(y, m, name, season=season).forecast(h) for name in methods}
