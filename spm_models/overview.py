"""Descriptive figures of a company's data: headlines, alignment balance, bookings, pipeline.

Pure functions over a :class:`~spm_models.data.Company`; they never change their inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spm_models.data import Company
from spm_models.data.geography import haversine_km
from spm_models.registry import format_figure, format_value
from spm_models.skipped import Skipped

ALL = "All"

#: Months of bookings a year-on-year growth figure needs (12 months against the 12 before).
GROWTH_MONTHS = 24


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
        "bookings_growth": (
            (last / prev - 1) if prev > 0 and history_months(company) >= GROWTH_MONTHS else None
        ),
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
    """Coefficient of variation, max/min ratio and share within ±10% of the mean.

    A figure with a zero denominator (no territory, a zero mean, a territory with nothing) is
    ``None``, never ``nan`` or ``inf``.
    """
    values = balance[metric].to_numpy(dtype=float)
    mean = values.mean()
    positive = values[values > 0]
    if values.size == 0 or not mean > 0:
        return {"cv": None, "max_min_ratio": None, "share_within_10pct": None}
    return {
        "cv": float(values.std() / mean),
        "max_min_ratio": (
            float(values.max() / values.min()) if values.min() > 0 and len(positive) else None
        ),
        "share_within_10pct": float(np.mean(np.abs(values / mean - 1) <= 0.10)),
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


def history_months(company: Company) -> int:
    """Months of bookings history: from the first booked month to the as-of month, inclusive."""
    if company.bookings.empty:
        return 0
    first = pd.Timestamp(company.bookings["period"].min())
    last = pd.Timestamp(company.as_of)
    return int((last.year - first.year) * 12 + last.month - first.month + 1)


def has_geography(company: Company) -> bool:
    """True when every account and every rep home has finite coordinates."""
    coords = [company.accounts[c] for c in ("lat", "lon") if c in company.accounts]
    coords += [company.reps[c] for c in ("home_lat", "home_lon") if c in company.reps]
    if len(coords) < 4:
        return False
    return all(np.isfinite(pd.to_numeric(c, errors="coerce").to_numpy(float)).all() for c in coords)


def geography_skip(company: Company, section: str) -> Skipped | None:
    """A :class:`Skipped` for a map section when accounts or reps cannot be placed, else None."""
    if has_geography(company):
        return None
    lat = (
        pd.to_numeric(company.accounts["lat"], errors="coerce")
        if "lat" in company.accounts
        else None
    )
    placed = 0 if lat is None else int(np.isfinite(lat.to_numpy(float)).sum())
    reason = (
        "the data has no usable locations for accounts and rep homes"
        if placed == 0
        else f"only {format_value(placed, 'int')} of {format_value(len(company.accounts), 'int')} "
        "accounts, or some rep homes, have a location"
    )
    return Skipped(section, reason, "a ZIP code or coordinates for every account and rep home")


def workload_cv(
    accounts: pd.DataFrame, rep_of: pd.Series | np.ndarray, reps: pd.DataFrame
) -> float | None:
    """Coefficient of variation of account workload summed per staffed territory.

    This is the one definition of workload spread (``overview.workload_cv_current`` on today's
    alignment, ``territory.balance_cv_after`` on a new one): every non-vacant rep is a
    territory (with zero workload when it has no accounts); accounts of vacant or unknown
    reps are left out.

    Parameters
    ----------
    accounts : DataFrame
        With a ``workload`` column.
    rep_of : Series or array
        Each account's rep id, aligned with ``accounts`` (missing: unassigned).
    reps : DataFrame
        With ``rep_id`` and, optionally, ``status`` (``"vacant"`` seats are not territories).

    Returns
    -------
    float or None
        Population standard deviation over mean; None when there is no staffed territory or
        the mean workload is zero.
    """
    staffed = reps if "status" not in reps else reps[reps["status"] != "vacant"]
    ids = staffed["rep_id"].astype(str)
    owner = pd.Series(np.asarray(rep_of, dtype=object)).map(
        lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    )
    load = (
        pd.Series(accounts["workload"].to_numpy(float))
        .groupby(owner.to_numpy())
        .sum()
        .reindex(ids.unique(), fill_value=0.0)
        .to_numpy(float)
    )
    if load.size == 0 or not load.mean() > 0:
        return None
    return float(load.std() / load.mean())


def workload_cv_current(company: Company) -> float | None:
    """Today's workload spread (``overview.workload_cv_current``): :func:`workload_cv` today."""
    return workload_cv(company.accounts, company.accounts["current_rep_id"], company.reps)


def bookings_period(company: Company) -> str:
    """What the bookings figure covers: "the last 12 months" or "the whole N-month history"."""
    months = history_months(company)
    if months >= 12:
        return "the last 12 months"
    return f"the whole {months}-month history"


def overview_figures(company: Company) -> dict[str, object]:
    """The registered ``overview.*`` figures of a company; a figure that cannot be computed
    is left out (never written as None or a default)."""
    head = headlines(company)
    months = history_months(company)
    figures: dict[str, object] = {
        "overview.as_of": str(pd.Timestamp(company.as_of).date()),
        "overview.accounts": head["accounts"],
        "overview.reps": head["reps"],
        "overview.vacant_reps": head["vacant_reps"],
        "overview.history_months": months,
        "overview.open_pipeline": head["open_pipeline"],
    }
    if months > 0:
        figures["overview.bookings_last_12m"] = head["bookings_last_12m"]
    if head["bookings_growth"] is not None:
        figures["overview.bookings_growth"] = head["bookings_growth"]
    cv = workload_cv_current(company)
    if cv is not None:
        figures["overview.workload_cv_current"] = cv
    return figures


def bookings_sentence(company: Company, figures: dict[str, object]) -> str:
    """The bookings headline: amount, the period it covers, growth when a year before exists."""
    months = int(figures.get("overview.history_months", 0) or 0)
    if months == 0:
        return "There are no bookings in the data, so no bookings figure is shown."
    amount = format_figure("overview.bookings_last_12m", figures["overview.bookings_last_12m"])
    text = f"Bookings over {bookings_period(company)}: {amount}"
    if "overview.bookings_growth" in figures:
        growth = float(figures["overview.bookings_growth"])  # type: ignore[arg-type]
        word = "up" if growth >= 0 else "down"
        text += f", {word} {format_value(abs(growth), 'pct')} on the 12 months before"
    else:
        text += (
            f" (the history covers {months} months: growth on the year before needs "
            f"{GROWTH_MONTHS} months)"
        )
    return text + "."


def pipeline_sentence(head: dict[str, object]) -> str:
    """Open pipeline, its opportunities, and how many years of bookings it is."""
    pipe = float(head["open_pipeline"])  # type: ignore[arg-type]
    booked = float(head["bookings_last_12m"])  # type: ignore[arg-type]
    text = (
        f"Open pipeline: {format_figure('overview.open_pipeline', pipe)} in "
        f"{format_value(head['open_opportunities'], 'int')} opportunities"
    )
    if booked > 0:
        text += f", {format_value(pipe / booked, 'ratio')} the bookings figure above"
    else:
        text += " (no ratio to bookings: there are no bookings in the period)"
    return text + "."


def balance_sentence(balance: pd.DataFrame, band: float) -> str:
    """How unbalanced today's staffed territories are, with the busiest and lightest."""
    staffed = balance[balance["status"] != "vacant"].sort_values("workload", ascending=False)
    cv = workload_cv(
        pd.DataFrame({"workload": staffed["workload"].to_numpy(float)}),
        staffed["rep_id"].to_numpy(),
        staffed,
    )
    if cv is None:
        return "Workload spread is n/a: no staffed territory carries any workload."
    busiest, lightest = staffed.iloc[0], staffed.iloc[-1]
    mean = staffed["workload"].mean()
    within = float(np.mean(np.abs(staffed["workload"] / mean - 1) <= band))
    if lightest["workload"] > 0:
        ratio = f"{format_value(busiest['workload'] / lightest['workload'], 'ratio')} the lightest"
    else:
        ratio = "n/a times the lightest (the lightest has no workload, so there is no ratio)"
    vacant = int(balance.loc[balance["status"] == "vacant", "accounts"].sum())
    return (
        f"Workload spread across today's staffed territories: "
        f"{format_figure('overview.workload_cv_current', cv)} (coefficient of variation). "
        f"The busiest territory ({busiest['rep_id']}, {format_value(busiest['workload'], 'int')} "
        f"calls a year) carries {ratio} ({lightest['rep_id']}, "
        f"{format_value(lightest['workload'], 'int')}). "
        f"{format_value(within, 'pct')} of staffed territories are within "
        f"±{format_value(band, 'pct')} of the mean workload; "
        f"{format_value(vacant, 'int')} accounts sit in vacant territories."
    )


def seasonality_sentence(by_period: pd.DataFrame, months: int | None = None) -> str | Skipped:
    """Q4's share of bookings over the latest whole years of a quarterly table.

    Parameters
    ----------
    by_period : DataFrame
        Quarterly bookings (from :func:`bookings_by` with ``freq="QS"``).
    months : int, optional
        Months of history (:func:`history_months`); only whole years of it are used, so a
        partly covered first quarter never counts.

    Returns
    -------
    str or Skipped
        Skipped when the history holds less than a whole year.
    """
    totals = by_period.sum(axis=1).sort_index()
    years = len(totals) // 4 if months is None else min(len(totals) // 4, months // 12)
    if years == 0 or totals.sum() <= 0:
        covered = f"{months} months" if months is not None else f"{len(totals)} quarter(s)"
        return Skipped(
            "Seasonality",
            f"the bookings history covers {covered}",
            "at least a whole year of bookings",
        )
    recent = totals.iloc[-4 * years :]
    share = recent.groupby(pd.DatetimeIndex(recent.index).quarter).sum() / recent.sum()
    span = "the last year" if years == 1 else f"the last {years} years"
    return (
        f"Over {span}, Q4 brings {format_value(share.get(4, 0.0), 'pct')} of a year's bookings "
        "(an even spread would be 25.0%): quotas and forecasts must carry this seasonality."
    )


def company_sentence(company: Company, head: dict[str, object]) -> str:
    """Accounts, customers who booked, and rep seats (vacant and ramping)."""
    return (
        f"{format_figure('overview.accounts', head['accounts'])} accounts "
        f"({format_value(head['customers_last_12m'], 'int')} booked in "
        f"{bookings_period(company)}), covered by "
        f"{format_figure('overview.reps', head['reps'])} rep seats: "
        f"{format_value(head['vacant_reps'], 'int')} vacant and "
        f"{format_value(head['ramping_reps'], 'int')} ramping."
    )


def potential_sentence(stats: dict[str, float | None]) -> str:
    """How unevenly potential is spread over today's staffed territories."""
    if stats["cv"] is None:
        return "Potential spread is n/a: no staffed territory holds any potential."
    ratio = (
        format_value(stats["max_min_ratio"], "ratio")
        if stats["max_min_ratio"] is not None
        else "n/a (a staffed territory holds no potential, so there is no ratio)"
    )
    return (
        f"Potential spread across staffed territories: coefficient of variation "
        f"{format_value(stats['cv'], 'pct')}, largest to smallest territory {ratio}. "
        "The territory page rebalances this with an optimised alignment."
    )


def pipeline_late_sentence(stages: pd.DataFrame) -> str:
    """Share and amount of the open pipeline in its two latest stages."""
    late = stages.iloc[-2:]
    if stages["amount"].sum() <= 0:
        return "There is no open pipeline in the data."
    return (
        f"{format_value(late['share'].sum(), 'pct')} of the open pipeline "
        f"({format_value(late['amount'].sum(), 'usd')}) is in {' and '.join(late['stage'])}."
    )


def balance_table(balance: pd.DataFrame) -> pd.DataFrame:
    """Per-territory rows for :meth:`NotebookSession.show_table` (numbers, not strings)."""
    out = balance[["rep_id", "rep_name", "region", "accounts", "workload", "potential"]].copy()
    out["bookings_12m"] = balance["bookings_12m"]
    out["workload_index"] = balance["workload_index"]
    return out


#: Columns of :func:`balance_table` as (column, label, unit) for ``show_table``.
BALANCE_COLUMNS = [
    ("rep_id", "Territory", "text"),
    ("rep_name", "Rep", "text"),
    ("region", "Region", "text"),
    ("accounts", "Accounts", "int"),
    ("workload", "Calls per year", "int"),
    ("workload_index", "Workload vs mean", "pct"),
    ("potential", "Potential", "usd"),
    ("bookings_12m", "Bookings, 12 months", "usd"),
]

#: The figures the overview page shows in its headline table (the executive summary prints
#: them identically).
KEY_FIGURES = [
    "overview.as_of",
    "overview.accounts",
    "overview.reps",
    "overview.history_months",
    "overview.bookings_last_12m",
    "overview.bookings_growth",
    "overview.open_pipeline",
    "overview.workload_cv_current",
]
