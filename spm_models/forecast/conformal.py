"""Prediction intervals calibrated on backtest errors (split-conformal, normalised by horizon).

A forecaster's backtest gives errors ``e[w, h]`` (window ``w``, step ``h``). Errors grow with the
step, so each is divided by a per-step scale ``g_h`` (the mean absolute error at that step,
made non-decreasing); the interval half-width at step ``h`` is ``q * g_h`` where ``q`` is the
conformal quantile of the pooled normalised scores: the ``ceil((n + 1) * width)``-th smallest of
``n`` scores. With exchangeable errors this covers a fraction ``width`` of future values;
:func:`spm_models.forecast.backtest.backtest` measures the coverage actually reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spm_models.errors import param_error

#: Fewest scores for a conformal interval; below it the fallback is used.
MIN_SCORES = 5


@dataclass(frozen=True)
class ConformalInterval:
    """A calibrated interval: half-width ``quantile * scale[h - 1]`` at step ``h``.

    Attributes
    ----------
    width : float
        Promised coverage, e.g. 0.8.
    quantile : float
        Conformal quantile of the normalised absolute errors.
    scale : numpy.ndarray
        Per-step error scale ``g_1 .. g_H``; beyond ``H`` it grows like ``sqrt(h / H)``.
    n_scores : int
        Number of backtest errors the interval was calibrated on.
    method : str
        ``"conformal"``, or ``"naive-scale"`` when too few errors were available and the
        half-width fell back to a random-walk scale (uncalibrated; say so in reports).
    """

    width: float
    quantile: float
    scale: np.ndarray
    n_scores: int
    method: str = "conformal"

    def half_width(self, horizon: int) -> np.ndarray:
        """Half-widths for steps ``1 .. horizon``."""
        big_h = len(self.scale)
        steps = np.arange(1, horizon + 1)
        g = np.empty(horizon)
        inside = steps <= big_h
        g[inside] = self.scale[steps[inside] - 1]
        g[~inside] = self.scale[-1] * np.sqrt(steps[~inside] / big_h)
        return self.quantile * g

    def bounds(
        self, yhat: np.ndarray, *, floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds around point forecasts ``yhat`` (clipped at ``floor``)."""
        hw = self.half_width(len(yhat))
        lower = yhat - hw
        upper = yhat + hw
        if floor is not None:
            lower = np.maximum(lower, floor)
            upper = np.maximum(upper, floor)
        return lower, upper


def conformal_quantile(scores: np.ndarray, width: float) -> float:
    """The ``ceil((n + 1) * width)``-th smallest score (the largest when that exceeds ``n``)."""
    scores = np.sort(np.asarray(scores, dtype=float))
    n = len(scores)
    if n == 0:
        raise ValueError("no scores to calibrate on")
    k = min(math.ceil((n + 1) * width), n)
    return float(scores[k - 1])


def calibrate(
    errors: np.ndarray, width: float, *, history: np.ndarray | None = None
) -> ConformalInterval:
    """Calibrate a :class:`ConformalInterval` on backtest errors.

    Parameters
    ----------
    errors : numpy.ndarray
        Shape ``(windows, horizon)``: actual minus forecast, NaN where a window has no actual.
    width : float
        Promised coverage in (0, 1).
    history : numpy.ndarray or None
        The series, used for the fallback scale when fewer than :data:`MIN_SCORES` errors exist.

    Returns
    -------
    ConformalInterval
    """
    if not 0.0 < width < 1.0:
        raise param_error("width", "calibrate", "a float in (0, 1)", width)
    errors = np.atleast_2d(np.asarray(errors, dtype=float))
    absolute = np.abs(errors)
    n_scores = int(np.isfinite(absolute).sum())
    if n_scores < MIN_SCORES:
        return _fallback(history, width, n_scores)
    with np.errstate(invalid="ignore"):
        counts = np.isfinite(absolute).sum(axis=0)
        mae = np.where(counts > 0, np.nansum(absolute, axis=0) / np.maximum(counts, 1), np.nan)
    # Steps no window reached take the last observed scale grown like a random walk.
    last = int(np.flatnonzero(np.isfinite(mae))[-1])
    for h in range(last + 1, len(mae)):
        mae[h] = mae[last] * math.sqrt((h + 1) / (last + 1))
    for h in range(len(mae)):
        if not np.isfinite(mae[h]):
            mae[h] = mae[h - 1] if h > 0 else np.nanmin(mae)
    scale = np.maximum.accumulate(mae)
    positive = scale[scale > 0]
    floor = positive.min() * 1e-3 if len(positive) else 1.0
    scale = np.maximum(scale, floor)
    scores = (absolute / scale[None, :])[np.isfinite(absolute)]
    return ConformalInterval(width, conformal_quantile(scores, width), scale, n_scores)


def _fallback(history: np.ndarray | None, width: float, n_scores: int) -> ConformalInterval:
    """Random-walk interval from the spread of one-step changes (not calibrated)."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + width / 2)
    if history is not None and len(history) >= 2:
        sd = (
            float(np.std(np.diff(np.asarray(history, dtype=float)), ddof=1))
            if len(history) > 2
            else float(abs(history[-1] - history[0]))
        )
    else:
        sd = 0.0
    return ConformalInterval(width, z, np.array([max(sd, 0.0)]), n_scores, method="naive-scale")
