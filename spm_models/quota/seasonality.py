"""Seasonality: split annual quotas into months or quarters from the historical pattern."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES, require_columns


def seasonal_profile(
    bookings: pd.DataFrame,
    *,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
    fiscal_start_month: int = 1,
) -> pd.Series:
    """Share of a year's bookings that falls in each fiscal month, from history.

    Each complete fiscal year's monthly bookings are turned into shares of that year, and the
    shares are averaged over years (so a growing business does not tilt the pattern towards
    later months). When no complete year exists, the months seen are pooled.

    Returns
    -------
    Series
        12 shares summing to one, indexed by fiscal month 1..12.
    """
    require_columns(bookings, ["period", "booking_type", "amount"], "bookings")
    if not 1 <= fiscal_start_month <= 12:
        raise param_error("fiscal_start_month", "seasonal_profile", "in 1..12", fiscal_start_month)
    b = bookings.loc[bookings["booking_type"].isin(list(booking_types))]
    if b.empty or float(b["amount"].sum()) <= 0:
        raise InputDataError(
            [Problem(source="bookings", column="amount", message="has no bookings to profile")]
        )
    month = b["period"].dt.month
    fmonth = (month - fiscal_start_month) % 12 + 1
    fyear = b["period"].dt.year + (month >= fiscal_start_month).astype(int) * (
        fiscal_start_month > 1
    )
    table = (
        b.assign(fmonth=fmonth, fyear=fyear)
        .groupby(["fyear", "fmonth"])["amount"]
        .sum()
        .unstack("fmonth")
        .reindex(columns=range(1, 13))
    )
    complete = table.dropna()
    complete = complete.loc[complete.sum(axis=1) > 0]
    if not complete.empty:
        shares = complete.div(complete.sum(axis=1), axis=0).mean()
    else:
        pooled = table.mean().fillna(table.mean().mean())
        shares = pooled / pooled.sum()
    shares.index.name = "fiscal_month"
    return (shares / shares.sum()).rename("share")


def quarter_profile(monthly: pd.Series) -> pd.Series:
    """Sum a 12-month profile into fiscal quarters 1..4."""
    q = (np.asarray(monthly.index) - 1) // 3 + 1
    return monthly.groupby(q).sum().rename_axis("fiscal_quarter").rename("share")


def split_by_season(
    quotas: pd.DataFrame,
    profile: pd.Series,
    *,
    plan_start: pd.Timestamp,
    freq: str = "month",
) -> pd.DataFrame:
    """Split each rep's annual ``quota`` into months or quarters by ``profile``.

    Parameters
    ----------
    quotas : DataFrame
        ``rep_id, quota`` (annual, USD).
    profile : Series
        Monthly shares indexed 1..12 (:func:`seasonal_profile`).
    plan_start : Timestamp
        First day of the plan year (fiscal month 1).
    freq : {"month", "quarter"}

    Returns
    -------
    DataFrame
        ``rep_id, period, quota`` with ``period`` the first day of each month or quarter.
    """
    if freq not in ("month", "quarter"):
        raise param_error("freq", "split_by_season", "'month' or 'quarter'", freq)
    if len(profile) != 12 or not np.isclose(profile.sum(), 1.0):
        raise param_error("profile", "split_by_season", "12 shares summing to 1", profile.sum())
    start = pd.Timestamp(plan_start).to_period("M").to_timestamp()
    shares = profile if freq == "month" else quarter_profile(profile)
    step = 1 if freq == "month" else 3
    periods = [start + pd.DateOffset(months=step * i) for i in range(len(shares))]
    out = quotas[["rep_id", "quota"]].merge(
        pd.DataFrame({"period": periods, "season_share": shares.to_numpy()}), how="cross"
    )
    out["quota"] = out["quota"] * out["season_share"]
    return out[["rep_id", "period", "quota"]]
