"""Descriptive figures of a company's data: headlines, alignment balance, bookings, pipeline.

Pure functions over a :class:`~spm_models.data.Company`; they never change their inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.data import Company
from spm_models.data.geography import haversine_km

ALL = "All"


def filter_company(company: Company, region: str = ALL, segment: str = ALL) -> Company:
    """The company restricted to one region and/or segment (``"All"`` keeps everything).

    Reps are filtered by region; bookings and opportunities follow the kept accounts.
    """
    accounts = company.accounts
    reps = company.reps
    if region != ALL:
        if region not in set(accounts["region"]):
            known = ", ".join(sorted(accounts["region"].unique()))
            raise ValueError(f"unknown region {region!r}; known regions: {known}")
        accounts = accounts[accounts["region"] == region]
        reps = reps[reps["region"] == region]
    if segment != ALL:
        if segment not in set(company.accounts["segment"]):
            known = ", ".join(sorted(company.accounts["segment"].unique()))
            raise ValueError(f"unknown segment {segment!r}; known segments: {known}")
        accounts = accounts[accounts["segment"] == segment]
    kept = set(accounts["account_id"])
    return Company(
        accounts=accounts.reset_index(drop=True),
        reps=reps.reset_index(drop=True),
        bookings=company.bookings[company.bookings["account_id"].isin(kept)],
        opportunities=company.opportunities[company.opportunities["account_id"].isin(kept)],
        as_of=company.as_of,
        source=company.source,
    )


def trailing_bookings(company: Company, months: int = 12) -> pd.Series:
    """Bookings per account over the last ``months`` months of history (0 where none)."""
    start = (company.as_of - pd.DateOffset(months=months)) + pd.Timedelta(days=1)
    recent = company.bookings[company.bookings["period"] >= start]
    totals = recent.groupby("account_id")["amount"].sum()
    return totals.reindex(company.accounts["account_id"], fill_value=0.0)


def headlines(company: Company) -> dict[str, float | int | str]:
    """Headline figures of the company: size, bookings growth, pipeline."""
    b = company.bookings
    last12 = b["period"] > company.as_of - pd.DateOffset(months=12)
    prev12 = (b["period"] > company.as_of - pd.DateOffset(months=24)) & ~last12
    last, prev = float(b.loc[last12, "amount"].sum()), float(b.loc[prev12, "amount"].sum())
    reps = company.reps
    return {
        "accounts": len(company.accounts),
        "reps": len(reps),
        "vacant_reps": int((reps["status"] == "vacant").sum()),
        "ramping_reps": int((reps["status"] == "ramping").sum()),
        "customers_last_12m": int(b.loc[last12, "account_id"].nunique()),
        "bookings_last_12m": last,
        "bookings_growth": (last / prev - 1) if prev > 0 else float("nan"),
        "total_potential": float(company.accounts["potential"].sum()),
        "open_pipeline": float(company.opportunities["amount"].sum()),
        "open_opportunities": len(company.opportunities),
        "as_of": str(company.as_of.date()),
    }


def territory_balance(company: Company, assignment: str = "current_rep_id") -> pd.DataFrame:
    """Per-territory workload, potential, accounts, bookings and travel of an alignment.

    Parameters
    ----------
    company : Company
    assignment : str
        The accounts column naming each account's rep.

    Returns
    -------
    DataFrame
        One row per rep (also those with no accounts): ``rep_id``, ``rep_name``, ``region``,
        ``status``, ``accounts``, ``workload``, ``potential``, ``bookings_12m``,
        ``mean_distance_km`` and each metric's ratio to the mean (``workload_index`` ...).
    """
    acc = company.accounts.assign(bookings_12m=trailing_bookings(company).to_numpy())
    homes = company.reps.set_index("rep_id")[["home_lat", "home_lon"]]
    located = homes.reindex(acc[assignment])
    acc = acc.assign(
        distance_km=haversine_km(
            acc["lat"], acc["lon"], located["home_lat"].to_numpy(), located["home_lon"].to_numpy()
        )
    )
    grouped = acc.groupby(assignment).agg(
        accounts=("account_id", "size"),
        workload=("workload", "sum"),
        potential=("potential", "sum"),
        bookings_12m=("bookings_12m", "sum"),
        mean_distance_km=("distance_km", "mean"),
    )
    out = (
        company.reps[["rep_id", "rep_name", "region", "status"]]
        .merge(grouped, left_on="rep_id", right_index=True, how="left")
        .fillna({"accounts": 0, "workload": 0.0, "potential": 0.0, "bookings_12m": 0.0})
    )
    out["accounts"] = out["accounts"].astype(int)
    for metric in ("workload", "potential", "accounts"):
        mean = out[metric].mean()
        out[f"{metric}_index"] = out[metric] / mean if mean > 0 else np.nan
    return out


def balance_stats(balance: pd.DataFrame, metric: str = "workload") -> dict[str, float]:
    """Coefficient of variation, max/min ratio and share within ±10% of the mean."""
    values = balance[metric].to_numpy(dtype=float)
    mean = values.mean()
    positive = values[values > 0]
    return {
        "cv": float(values.std() / mean) if mean > 0 else float("nan"),
        "max_min_ratio": float(positive.max() / positive.min()) if len(positive) else float("nan"),
        "share_within_10pct": float(np.mean(np.abs(values / mean - 1) <= 0.10)) if mean else 0.0,
    }


def bookings_by(company: Company, by: str, freq: str = "QS") -> pd.DataFrame:
    """Bookings summed per period (``freq``: ``MS`` monthly, ``QS`` quarterly) and account field.

    Returns a wide table: one row per period, one column per value of ``by``
    (e.g. ``segment`` or ``region``).
    """
    joined = company.bookings.merge(
        company.accounts[["account_id", by]], on="account_id", how="left"
    )
    joined["period"] = joined["period"].dt.to_period(freq.rstrip("S")).dt.start_time
    return joined.pivot_table(
        index="period", columns=by, values="amount", aggfunc="sum", fill_value=0.0
    )


def pipeline_by_stage(company: Company) -> pd.DataFrame:
    """Open pipeline per stage, in stage order: count, amount and share of amount."""
    from spm_models.data.schema import STAGES

    opps = company.opportunities
    out = opps.groupby("stage")["amount"].agg(["count", "sum"]).reindex(STAGES, fill_value=0)
    out = out.rename(columns={"count": "opportunities", "sum": "amount"})
    total = out["amount"].sum()
    out["share"] = out["amount"] / total if total > 0 else 0.0
    return out.reset_index()


def balance_extremes(balance: pd.DataFrame, metric: str = "workload", n: int = 5) -> pd.DataFrame:
    """The ``n`` most and ``n`` least loaded staffed territories by ``metric``."""
    staffed = balance[balance["status"] != "vacant"].sort_values(metric, ascending=False)
    if len(staffed) <= 2 * n:
        return staffed.reset_index(drop=True)
    return pd.concat([staffed.head(n), staffed.tail(n)]).reset_index(drop=True)


def format_balance_table(balance: pd.DataFrame) -> pd.DataFrame:
    """A territory table for people: names, counts with separators, money in USD, index as %."""
    return pd.DataFrame(
        {
            "Territory": balance["rep_id"],
            "Rep": balance["rep_name"],
            "Region": balance["region"],
            "Accounts": balance["accounts"].map("{:,}".format),
            "Calls per year": balance["workload"].map("{:,.0f}".format),
            "Workload vs mean": balance["workload_index"].map("{:.0%}".format),
            "Potential": balance["potential"].map("${:,.0f}".format),
            "Bookings, 12 months": balance["bookings_12m"].map("${:,.0f}".format),
        }
    )
