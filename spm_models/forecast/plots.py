"""Charts of forecasts, backtests and the pipeline quarter (Matplotlib, imported lazily).

Each function takes a result and ``*, ax=None`` and returns the Figure.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from spm_models.figures import figure_axes
from spm_models.registry import format_value

if TYPE_CHECKING:
    from spm_models.forecast.backtest import BacktestResult, Comparison
    from spm_models.forecast.models import SeriesForecast
    from spm_models.forecast.pipeline import QuarterForecast


_axes = partial(figure_axes, default=(9.0, 4.0))


def _money_axis(ax: Any, unit: str) -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(value: float, _pos: int) -> str:
        if abs(value) >= 1e6:
            return f"{value / 1e6:.1f}M"
        if abs(value) >= 1e3:
            return f"{value / 1e3:.0f}k"
        return f"{value:.0f}"

    ax.yaxis.set_major_formatter(FuncFormatter(fmt))
    ax.set_ylabel(unit)


def plot_fan(
    result: SeriesForecast,
    *,
    ax: Any = None,
    title: str | None = None,
    unit: str = "Bookings per month (USD)",
    history_periods: int | None = 36,
) -> Any:
    """Fan chart: history, point forecast and the calibrated interval."""
    fig, ax = _axes(ax)
    hist = result.history if history_periods is None else result.history.tail(history_periods)
    fc = result.forecast
    ax.plot(hist["ds"], hist["y"], color="black", lw=1.4, label="actual")
    ax.plot(fc["ds"], fc["yhat"], color="tab:blue", lw=2, label=f"forecast ({result.model})")
    if fc["yhat_lower"].notna().all():
        ax.fill_between(
            fc["ds"],
            fc["yhat_lower"],
            fc["yhat_upper"],
            color="tab:blue",
            alpha=0.2,
            label=f"{result.interval_width:.0%} interval ({result.interval_method})",
        )
    ax.axvline(hist["ds"].iloc[-1], color="grey", ls=":", lw=1)
    _money_axis(ax, unit)
    ax.set_title(title or f"{result.label or 'Series'}: forecast with {result.model}")
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    return fig


def plot_backtest(
    result: BacktestResult,
    history: Any,
    *,
    ax: Any = None,
    title: str | None = None,
    unit: str = "Bookings per month (USD)",
) -> Any:
    """Backtest: actuals and the forecasts made at each cutoff, with their intervals."""
    fig, ax = _axes(ax)
    ax.plot(history["ds"], history["y"], color="black", lw=1.2, label="actual")
    for i, (cutoff, part) in enumerate(result.forecasts.groupby("cutoff", sort=True)):
        color = f"C{i % 10}"
        ax.plot(part["ds"], part["yhat"], color=color, lw=1.8, label=f"from {cutoff:%b %Y}")
        if part["yhat_lower"].notna().all():
            ax.fill_between(
                part["ds"], part["yhat_lower"], part["yhat_upper"], color=color, alpha=0.15
            )
    _money_axis(ax, unit)
    smape = result.metrics.get("smape", float("nan"))
    cov = result.metrics.get("coverage", float("nan"))
    ax.set_title(
        title
        or f"Backtest of {result.model}: sMAPE {smape:.1f}%, "
        f"{result.width:.0%} interval covered {cov:.0f}% of actuals"
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    return fig


def plot_accuracy(
    result: Comparison,
    *,
    ax: Any = None,
    metric: str = "smape",
    title: str | None = None,
) -> Any:
    """Horizontal bars of one backtest metric per forecaster (baselines included)."""
    fig, ax = _axes(ax, (7.0, 0.5 + 0.45 * len(result.table)))
    table = result.table.sort_values(metric, ascending=False)
    colors = ["tab:blue" if m == result.best else "tab:grey" for m in table["model"]]
    ax.barh(table["model"], table[metric], color=colors)
    for y, v in enumerate(table[metric]):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=8)
    label = {"smape": "sMAPE (%)", "wape": "WAPE (%)", "mase": "MASE", "mape": "MAPE (%)"}
    ax.set_xlabel(label.get(metric, metric) + ", lower is better")
    ax.set_title(title or f"Backtest accuracy by model ({label.get(metric, metric)})")
    return fig


def plot_pipeline(
    result: QuarterForecast,
    *,
    ax: Any = None,
    title: str | None = None,
    unit: str = "Bookings in the quarter (USD)",
) -> Any:
    """The quarter three ways: time series, weighted pipeline, and their blend."""
    fig, ax = _axes(ax, (8.0, 4.0))
    labels = ["Time-series\nforecast", "Weighted\npipeline", "Blend", "Open pipeline\n(unweighted)"]
    base = result.booked_to_date
    values = [
        base + result.ts_remaining,
        base + result.pipeline_weighted,
        result.blended,
        base + result.pipeline_open,
    ]
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:grey"]
    bars = ax.bar(labels, values, color=colors, alpha=0.85)
    err_lo = result.ts_remaining - result.ts_lower
    err_hi = result.ts_upper - result.ts_remaining
    ax.errorbar([0], [values[0]], yerr=[[err_lo], [err_hi]], fmt="none", ecolor="black", capsize=6)
    for i, (bar, value) in enumerate(zip(bars, values, strict=True)):
        # The first bar's label sits above its error bar, never across it.
        top = value + err_hi if i == 0 and np.isfinite(err_hi) else value
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            top,
            format_value(value, "usd"),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    _money_axis(ax, unit)
    ax.set_title(
        title
        or f"{result.quarter}: pipeline coverage {format_value(result.coverage, 'ratio')} of the "
        "time-series forecast"
    )
    return fig
