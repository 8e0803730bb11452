"""New hires and mid-period starts: ramp schedules, ramped quotas and proration."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spm_models.errors import param_error
from spm_models.quota.inputs import require_columns


def linear_ramp(ramp_months: int, *, step_months: int = 1) -> tuple[float, ...]:
    """A ramp schedule rising in equal steps to full productivity.

    Parameters
    ----------
    ramp_months : int
        Months before a new rep is fully productive (0 = productive from the first month).
    step_months : int, default 1
        Months per step: 1 ramps monthly, 3 ramps by quarter.

    Returns
    -------
    tuple of float
        Productivity (share of a ramped rep) in tenure months 0, 1, ...; 1.0 afterwards.

    Examples
    --------
    >>> linear_ramp(4)
    (0.0, 0.25, 0.5, 0.75)
    >>> linear_ramp(6, step_months=3)
    (0.0, 0.0, 0.0, 0.5, 0.5, 0.5)
    """
    if ramp_months < 0:
        raise param_error("ramp_months", "linear_ramp", ">= 0", ramp_months)
    if step_months < 1 or (ramp_months and ramp_months % step_months):
        raise param_error(
            "step_months", "linear_ramp", f"a divisor of ramp_months={ramp_months}", step_months
        )
    steps = ramp_months // step_months if ramp_months else 0
    return tuple(float((t // step_months) / steps) for t in range(ramp_months))


def check_ramp(ramp: Sequence[float], caller: str) -> tuple[float, ...]:
    """Validate a ramp schedule (values in [0, 1]) and return it as a tuple."""
    values = tuple(float(x) for x in ramp)
    if any(not 0 <= x <= 1 for x in values):
        raise param_error("ramp", caller, "a sequence of values in [0, 1]", ramp)
    return values


def ramp_factor(ramp: Sequence[float], tenure_month: int) -> float:
    """Productivity in tenure month ``tenure_month`` (0 = first month); 1.0 after the ramp."""
    if tenure_month < 0:
        return 0.0
    return float(ramp[tenure_month]) if tenure_month < len(ramp) else 1.0


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def employed_fraction(period_start: pd.Timestamp, start_date: pd.Timestamp | None) -> float:
    """Share of the calendar month beginning ``period_start`` worked by someone starting on
    ``start_date`` (by days within the start month)."""
    if start_date is None or pd.isna(start_date):
        return 1.0
    start_date = pd.Timestamp(start_date)
    m = months_between(start_date, period_start)
    if m > 0:
        return 1.0
    if m < 0:
        return 0.0
    days = period_start.days_in_month
    return (days - start_date.day + 1) / days


def prorate(
    annual_quota: float,
    period_shares: Sequence[float],
    *,
    plan_start: pd.Timestamp,
    start_date: pd.Timestamp,
    months_per_period: int = 3,
) -> pd.DataFrame:
    """Prorate an annual quota for a rep starting part-way through the year.

    Each period's quota is scaled by the share of its months the rep works (a partial start
    month counts by days).

    Parameters
    ----------
    annual_quota : float
        Full-year quota (USD).
    period_shares : sequence of float
        Share of the year in each period, summing to one (e.g. 0.2, 0.2, 0.2, 0.4).
    plan_start : Timestamp
        First day of the first period.
    start_date : Timestamp
        The rep's first day.
    months_per_period : int, default 3
        3 for quarters, 1 for months.

    Returns
    -------
    DataFrame
        ``period, full_quota, worked_fraction, quota``.

    Examples
    --------
    $100,000 split 20/20/20/40 by quarter for a rep starting 1 March: Q1 keeps one third of
    $20,000 and the total is $86,667.
    """
    shares = np.asarray(period_shares, dtype=float)
    if not np.isclose(shares.sum(), 1.0) or (shares < 0).any():
        raise param_error("period_shares", "prorate", "non-negative shares summing to 1", shares)
    if annual_quota < 0:
        raise param_error("annual_quota", "prorate", ">= 0", annual_quota)
    start = pd.Timestamp(plan_start).to_period("M").to_timestamp()
    rows = []
    for i, share in enumerate(shares):
        p0 = start + pd.DateOffset(months=i * months_per_period)
        months = [p0 + pd.DateOffset(months=k) for k in range(months_per_period)]
        frac = float(np.mean([employed_fraction(m, start_date) for m in months]))
        full = annual_quota * share
        rows.append(
            {"period": p0, "full_quota": full, "worked_fraction": frac, "quota": full * frac}
        )
    return pd.DataFrame(rows)


def ramped_quotas(
    quotas: pd.DataFrame,
    *,
    plan_start: pd.Timestamp,
    ramp: Sequence[float] = (0.0, 0.25, 0.5, 0.75),
    profile: pd.Series | None = None,
) -> pd.DataFrame:
    """Monthly quotas for the plan year with each rep's ramp and start date applied.

    Parameters
    ----------
    quotas : DataFrame
        ``rep_id, quota, hire_date`` (annual quota of a fully ramped rep; ``hire_date`` may be
        missing for a vacant seat, which is then treated as starting on ``plan_start``).
    plan_start : Timestamp
        First day of the plan year.
    ramp : sequence of float
        Productivity by tenure month (see :func:`linear_ramp`).
    profile : Series, optional
        Seasonal monthly shares indexed 1..12; even months when omitted.

    Returns
    -------
    DataFrame
        ``rep_id, period, tenure_month, ramp_factor, worked_fraction, full_quota, quota``; the
        ``quota`` column is the ramped, prorated monthly quota. ``full_quota - quota`` is the
        relief the ramp gives.
    """
    ramp = check_ramp(ramp, "ramped_quotas")
    require_columns(quotas, ["rep_id", "quota", "hire_date"], "quotas")
    start = pd.Timestamp(plan_start).to_period("M").to_timestamp()
    shares = np.full(12, 1 / 12) if profile is None else np.asarray(profile, dtype=float)
    rows = []
    for rec in quotas.itertuples(index=False):
        hire = rec.hire_date if not pd.isna(rec.hire_date) else start
        hire = pd.Timestamp(hire)
        for m in range(12):
            period = start + pd.DateOffset(months=m)
            tenure = months_between(hire, period)
            worked = employed_fraction(period, hire)
            factor = ramp_factor(ramp, tenure)
            full = float(rec.quota) * shares[m]
            rows.append(
                {
                    "rep_id": rec.rep_id,
                    "period": period,
                    "tenure_month": tenure,
                    "ramp_factor": factor,
                    "worked_fraction": worked,
                    "full_quota": full,
                    "quota": full * factor * worked,
                }
            )
    return pd.DataFrame(rows)
