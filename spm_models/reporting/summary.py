"""The executive summary: plain-language findings written from a scenario's figures.

Every sentence is built from the numbers in ``metrics.json``; a finding whose figures are
absent (its notebook did not run in the scenario) is left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spm_models.analytics.summary import performance_finding
from spm_models.registry import format_value, headline_figures

#: Practitioners' healthy band for the share of reps at or above quota.
HEALTHY_ATTAINMENT = (0.55, 0.65)


def _num(metrics: Mapping[str, Any], key: str) -> float | None:
    value = metrics.get(key)
    return float(value) if isinstance(value, int | float) else None


def _usd(value: float) -> str:
    return format_value(value, "usd")


def _pct(value: float) -> str:
    return format_value(value, "pct")


def overview_finding(m: Mapping[str, Any]) -> str | None:
    """Where the company stands: bookings, growth, pipeline, today's balance."""
    bookings = _num(m, "overview.bookings_last_12m")
    if bookings is None:
        return None
    text = f"**Starting point**: {_usd(bookings)} booked in the last 12 months"
    growth = _num(m, "overview.bookings_growth")
    if growth is not None:
        text += f", {'up' if growth >= 0 else 'down'} {_pct(abs(growth))} on the year before"
    pipeline = _num(m, "overview.open_pipeline")
    if pipeline is not None:
        text += f"; {_usd(pipeline)} of open pipeline"
    cv = _num(m, "overview.workload_cv_current")
    if cv is not None:
        text += f"; today's territories vary in workload by {_pct(cv)} (coefficient of variation)"
    return text + "."


def territory_finding(m: Mapping[str, Any]) -> str | None:
    """Balance, travel and disruption of the optimised alignment against today's."""
    before, after = _num(m, "territory.balance_cv_before"), _num(m, "territory.balance_cv_after")
    if after is None:
        return None
    text = f"**Territories**: the optimised alignment brings workload variation to {_pct(after)}"
    if before is not None:
        text += f" (from {_pct(before)} today)"
    moved = _num(m, "territory.accounts_moved_share")
    if moved is not None:
        text += f", moving {_pct(moved)} of accounts"
    km_before, km_after = (
        _num(m, "territory.travel_km_before"),
        _num(m, "territory.travel_km_after"),
    )
    if km_before and km_after is not None:
        change = km_after / km_before - 1
        text += f"; weighted travel {'falls' if change < 0 else 'rises'} {_pct(abs(change))}"
    gap = _num(m, "territory.gap")
    if gap is not None:
        text += (
            f". The solution is proven within {_pct(gap)} of the best possible"
            if gap > 1e-6
            else ". The solution is proven optimal"
        )
    return text + "."


def quota_finding(m: Mapping[str, Any]) -> str | None:
    """Total quota and the expected share of reps at or above it, against the healthy band."""
    total, share = _num(m, "quota.total"), _num(m, "quota.expected_share_at_or_above")
    if total is None:
        return None
    text = f"**Quotas** total {_usd(total)}"
    if share is not None:
        low, high = HEALTHY_ATTAINMENT
        verdict = (
            "inside the healthy 55–65% band"
            if low <= share <= high
            else "below the healthy 55–65% band: quotas look too high"
            if share < low
            else "above the healthy 55–65% band: quotas look soft"
        )
        text += f"; {_pct(share)} of reps are expected to reach quota, {verdict}"
    return text + "."


def capacity_finding(m: Mapping[str, Any]) -> str | None:
    """Hires needed and whether capacity covers the target."""
    hires, gap = _num(m, "capacity.hires_needed"), _num(m, "capacity.target_gap")
    if hires is None and gap is None:
        return None
    parts = []
    if hires is not None:
        parts.append(f"the plan needs {hires:,.0f} hire{'s' if hires != 1 else ''}")
    if gap is not None:
        parts.append(
            f"capacity falls {_usd(gap)} short of the bookings target"
            if gap > 0.5
            else "capacity covers the bookings target"
        )
    return "**Capacity**: " + "; ".join(parts) + "."


def forecast_finding(m: Mapping[str, Any]) -> str | None:
    """Next year's forecast with its interval, against the total quota when known."""
    total = _num(m, "forecast.next_year_total")
    if total is None:
        return None
    low, high = _num(m, "forecast.next_year_lower"), _num(m, "forecast.next_year_upper")
    text = f"**Forecast**: next year's bookings are forecast at {_usd(total)}"
    if low is not None and high is not None:
        text += f" (interval {_usd(low)} to {_usd(high)})"
    model = m.get("forecast.model")
    if isinstance(model, str):
        text += f" by the {model} model"
    quota = _num(m, "quota.total")
    if quota:
        text += f"; that is {_pct(total / quota)} of the total quota"
        if high is not None and high < quota:
            text += ", and even the interval's top falls short of it"
    return text + "."


def incentive_finding(m: Mapping[str, Any]) -> str | None:
    """Expected incentive cost and cost of sales."""
    cost, cos = _num(m, "incentives.total_cost"), _num(m, "incentives.cost_of_sales")
    if cost is None:
        return None
    text = f"**Incentives**: expected plan cost {_usd(cost)}"
    if cos is not None:
        text += f", a cost of sales of {_pct(cos)}"
    p90 = _num(m, "incentives.p90_payout")
    if p90 is not None:
        text += f"; a rep at the 90th percentile earns {_usd(p90)}"
    return text + "."


FINDINGS = (
    overview_finding,
    territory_finding,
    quota_finding,
    capacity_finding,
    forecast_finding,
    incentive_finding,
    performance_finding,
)


def findings(metrics: Mapping[str, Any]) -> list[str]:
    """Every finding the scenario's figures support, in reading order (Markdown)."""
    return [text for rule in FINDINGS if (text := rule(metrics))]


def headline_rows(metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, formatted value) for each headline figure the scenario has."""
    return [
        (h.label, format_value(metrics[h.name], h.unit))
        for h in headline_figures()
        if h.name in metrics
    ]
