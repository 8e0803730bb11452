"""Forecast accuracy metrics, registered by name (as Prophet's performance metrics are).

Every metric is a pure function of a DataFrame with columns ``y`` and ``yhat`` (plus
``yhat_lower``/``yhat_upper`` for interval metrics and ``scale`` for MASE) returning a float;
none mutates its argument. Percentages are on a 0-100 scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError

MetricFn = Callable[..., float]


@dataclass(frozen=True)
class Metric:
    """A registered metric: its function, meaning and direction."""

    name: str
    fn: MetricFn
    description: str
    lower_is_better: bool = True
    needs_interval: bool = False


#: Every registered metric by name.
METRICS: dict[str, Metric] = {}


def register_metric(
    name: str, description: str, *, lower_is_better: bool = True, needs_interval: bool = False
) -> Callable[[MetricFn], MetricFn]:
    """Register a metric function under ``name`` (decorator)."""

    def wrap(fn: MetricFn) -> MetricFn:
        METRICS[name] = Metric(name, fn, description, lower_is_better, needs_interval)
        return fn

    return wrap


def _arrays(df: pd.DataFrame, *cols: str) -> list[np.ndarray]:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputDataError(
            f"metric needs column(s) {missing}; the frame has {list(df.columns)}",
            source="metrics",
        )
    return [df[c].to_numpy(dtype="float64") for c in cols]


@register_metric("mape", "mean absolute percentage error, %, over non-zero actuals")
def mape(df: pd.DataFrame) -> float:
    """Mean of ``100 |y - yhat| / |y|`` over rows with ``y != 0`` (NaN when there are none)."""
    y, yhat = _arrays(df, "y", "yhat")
    keep = y != 0
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(y[keep] - yhat[keep]) / np.abs(y[keep])))


@register_metric("smape", "symmetric MAPE, %, 0-200 (the M3 competition's measure)")
def smape(df: pd.DataFrame) -> float:
    """Mean of ``200 |y - yhat| / (|y| + |yhat|)``; a row with ``y = yhat = 0`` counts 0."""
    y, yhat = _arrays(df, "y", "yhat")
    denom = np.abs(y) + np.abs(yhat)
    terms = np.divide(200.0 * np.abs(y - yhat), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(np.mean(terms))


@register_metric("wape", "weighted absolute percentage error, %: sum |error| / sum |actual|")
def wape(df: pd.DataFrame) -> float:
    """``100 * sum |y - yhat| / sum |y|`` (NaN when every actual is 0)."""
    y, yhat = _arrays(df, "y", "yhat")
    total = np.sum(np.abs(y))
    if total == 0:
        return float("nan")
    return float(100.0 * np.sum(np.abs(y - yhat)) / total)


@register_metric("mase", "mean absolute scaled error: error / in-sample seasonal-naive error")
def mase(df: pd.DataFrame) -> float:
    """Mean of ``|y - yhat| / scale``; ``scale`` is the in-sample seasonal-naive MAE per row.

    Use :func:`mase_scale` to compute the scale of a training series.
    """
    y, yhat, scale = _arrays(df, "y", "yhat", "scale")
    keep = scale > 0
    if not keep.any():
        return float("nan")
    return float(np.mean(np.abs(y[keep] - yhat[keep]) / scale[keep]))


@register_metric("bias", "forecast bias, %: sum(forecast - actual) / sum |actual| (+ = over)")
def bias(df: pd.DataFrame) -> float:
    """``100 * sum(yhat - y) / sum |y|``: positive when forecasts run high."""
    y, yhat = _arrays(df, "y", "yhat")
    total = np.sum(np.abs(y))
    if total == 0:
        return float("nan")
    return float(100.0 * np.sum(yhat - y) / total)


@register_metric(
    "coverage",
    "interval coverage, %: share of actuals inside [lower, upper]",
    lower_is_better=False,
    needs_interval=True,
)
def coverage(df: pd.DataFrame) -> float:
    """``100 * mean(yhat_lower <= y <= yhat_upper)``."""
    y, lo, hi = _arrays(df, "y", "yhat_lower", "yhat_upper")
    return float(100.0 * np.mean((y >= lo) & (y <= hi)))


@register_metric(
    "winkler",
    "Winkler interval score: width plus 2/alpha times each miss (lower is better)",
    needs_interval=True,
)
def winkler(df: pd.DataFrame, *, width: float = 0.8) -> float:
    """Mean Winkler score of intervals with nominal coverage ``width`` (alpha = 1 - width).

    Score = ``(upper - lower) + 2/alpha * (lower - y)`` below the interval,
    ``+ 2/alpha * (y - upper)`` above it, and just the width inside.
    """
    y, lo, hi = _arrays(df, "y", "yhat_lower", "yhat_upper")
    alpha = 1.0 - width
    score = (hi - lo) + (2.0 / alpha) * (np.maximum(lo - y, 0.0) + np.maximum(y - hi, 0.0))
    return float(np.mean(score))


def mase_scale(y: np.ndarray, season_length: int) -> float:
    """In-sample MAE of the seasonal-naive forecast (naive when the series is too short)."""
    y = np.asarray(y, dtype=float)
    m = season_length if len(y) > season_length else 1
    if len(y) <= m:
        return float("nan")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def evaluate(
    df: pd.DataFrame, metrics: tuple[str, ...] | list[str] | None = None, *, width: float = 0.8
) -> dict[str, float]:
    """Compute registered metrics on one frame of actuals and forecasts.

    Interval metrics are skipped when the frame has no ``yhat_lower``; MASE when it has no
    ``scale``. Unknown names raise ``KeyError`` listing the known ones.
    """
    names = list(METRICS) if metrics is None else list(metrics)
    out: dict[str, float] = {}
    for name in names:
        if name not in METRICS:
            raise KeyError(f"unknown metric {name!r}; known: {sorted(METRICS)}")
        metric = METRICS[name]
        if metric.needs_interval and "yhat_lower" not in df.columns:
            continue
        if name == "mase" and "scale" not in df.columns:
            continue
        out[name] = metric.fn(df, width=width) if name == "winkler" else metric.fn(df)
    return out
