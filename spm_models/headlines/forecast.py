"""Figures of the bookings forecast (``forecast.*``)."""

from spm_models.registry import register_figure

PAGE = "30_forecast"

register_figure(
    "forecast.next_year_total",
    "Bookings forecast, next year",
    "usd",
    "Forecast bookings over the next 12 months.",
    page=PAGE,
    section="Next year's bookings",
    better="higher",
    headline=True,
)
