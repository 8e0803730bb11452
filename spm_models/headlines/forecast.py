"""Figures of the bookings forecast (``forecast.*``)."""

from spm_models.registry import register_figure

PAGE = "30_forecast"
NEXT_YEAR = "Next year's bookings"
BACKTEST = "How far to trust it: backtest against the baselines"
BREAKDOWN = "The forecast by group, reconciled with the total"
PIPELINE = "Pipeline coverage of the quarter"

register_figure(
    "forecast.next_year_total",
    "Bookings forecast, next 12 months",
    "usd",
    "Forecast bookings of the counted booking types over the 12 months after the as-of date.",
    page=PAGE,
    section=NEXT_YEAR,
    better="higher",
    headline=True,
)
register_figure(
    "forecast.next_year_lower",
    "Bookings forecast, next 12 months: low end",
    "usd",
    "Lower end of the calibrated interval of the next 12 months' bookings.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.next_year_upper",
    "Bookings forecast, next 12 months: high end",
    "usd",
    "Upper end of the calibrated interval of the next 12 months' bookings.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.interval",
    "Forecast interval coverage promised",
    "pct",
    "Share of outcomes the forecast interval is calibrated to contain.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.model",
    "Forecast model",
    "text",
    "The model behind the headline forecast.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.booking_types",
    "Booking types forecast",
    "text",
    "Booking types the forecast counts: the same as count toward quota.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.history_months",
    "Months of history forecast from",
    "int",
    "Months of bookings history the forecast is fitted on.",
    page=PAGE,
    section=NEXT_YEAR,
)
register_figure(
    "forecast.growth",
    "Forecast change on the last 12 months",
    "pct",
    "Next 12 months' forecast against the last 12 months' bookings (same booking types).",
    page=PAGE,
    section=NEXT_YEAR,
    better="higher",
)
register_figure(
    "forecast.vs_quota",
    "Forecast against total quota",
    "pct",
    "Next 12 months' forecast divided by the total issued quota, on the same booking types.",
    page=PAGE,
    section=NEXT_YEAR,
    better="higher",
)
register_figure(
    "forecast.backtest_smape",
    "Forecast error in backtest (sMAPE)",
    "pct",
    "Symmetric mean absolute percentage error of the headline model over the backtest cutoffs.",
    page=PAGE,
    section=BACKTEST,
    better="lower",
)
register_figure(
    "forecast.baseline_smape",
    "Baseline error in backtest (sMAPE)",
    "pct",
    "The same error of the simple baseline (seasonal naive, or naive on under two years).",
    page=PAGE,
    section=BACKTEST,
    better="lower",
)
register_figure(
    "forecast.backtest_coverage",
    "Interval coverage measured in backtest",
    "pct",
    "Share of backtest months that fell inside the headline model's interval.",
    page=PAGE,
    section=BACKTEST,
)
register_figure(
    "forecast.backtest_cutoffs",
    "Backtest cutoffs",
    "int",
    "Number of past dates the headline model was refitted at and scored from.",
    page=PAGE,
    section=BACKTEST,
)
register_figure(
    "forecast.parts_total",
    "Forecast by group, summed",
    "usd",
    "Sum of the reconciled group forecasts: equal to the headline forecast.",
    page=PAGE,
    section=BREAKDOWN,
)
register_figure(
    "forecast.pipeline_quarter",
    "Quarter forecast, blended with pipeline",
    "usd",
    "This quarter's bookings: booked so far plus a blend of pipeline and time-series views.",
    page=PAGE,
    section=PIPELINE,
    better="higher",
)
register_figure(
    "forecast.pipeline_weighted",
    "Weighted pipeline, this quarter",
    "usd",
    "Open deals expected to close this quarter, weighted by calibrated stage win rates.",
    page=PAGE,
    section=PIPELINE,
    better="higher",
)
register_figure(
    "forecast.pipeline_coverage",
    "Pipeline coverage, this quarter",
    "ratio",
    "Open pipeline closing this quarter over the time-series forecast of its remaining months.",
    page=PAGE,
    section=PIPELINE,
    better="higher",
)
