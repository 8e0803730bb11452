"""How headline figures are labelled and formatted (currency, percentages, thousands)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Headline:
    """A metric shown in report indexes: its key in metrics.json, label and format."""

    key: str
    label: str
    fmt: str  # "usd", "pct", "int", "ratio", "num", "text"
    better: str | None = None  # "higher", "lower" or None when neither is better


HEADLINES: tuple[Headline, ...] = (
    Headline("overview.accounts", "Accounts", "int"),
    Headline("overview.bookings_last_12m", "Bookings, last 12 months", "usd", "higher"),
    Headline("overview.workload_cv_current", "Workload CV, current alignment", "pct", "lower"),
    Headline("territory.balance_cv_after", "Workload CV, optimised alignment", "pct", "lower"),
    Headline("territory.travel_km_after", "Weighted travel (km), optimised", "int", "lower"),
    Headline("territory.gap", "Alignment optimality gap", "pct", "lower"),
    Headline("territory.accounts_moved_share", "Accounts moved", "pct", "lower"),
    Headline("quota.total", "Total quota", "usd"),
    Headline(
        "quota.expected_share_at_or_above", "Reps expected at or above quota", "pct", "higher"
    ),
    Headline("capacity.hires_needed", "Hires needed", "int", "lower"),
    Headline("capacity.target_gap", "Capacity short of target", "usd", "lower"),
    Headline("forecast.next_year_total", "Bookings forecast, next year", "usd", "higher"),
    Headline("incentives.total_cost", "Expected incentive cost", "usd", "lower"),
    Headline("incentives.cost_of_sales", "Incentive cost of sales", "pct", "lower"),
    Headline("analytics.share_on_pace", "Reps on pace", "pct", "higher"),
    Headline("analytics.win_model_auc", "Win model AUC", "num", "higher"),
)


def format_value(value: object, fmt: str) -> str:
    """Format a figure for people: ``$1.2M``, ``12.5%``, ``1,234``; ``–`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if fmt == "text" or isinstance(value, str):
        return str(value)
    number = float(value)
    if fmt == "usd":
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(number) >= size:
                return f"${number / size:,.1f}{suffix}"
        return f"${number:,.0f}"
    if fmt == "pct":
        return f"{number:.1%}"
    if fmt == "int":
        return f"{number:,.0f}"
    if fmt == "ratio":
        return f"{number:.2f}×"
    return f"{number:,.3g}"
