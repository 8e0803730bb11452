"""Companies unlike the sample: short histories, no geography, no deal history.

Each function returns a new :class:`Company` derived from a generated one, so notebook and
model tests can check that a section degrades with a sentence instead of a wrong figure.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from spm_models.data import Company, write_company
from spm_models.data.company import as_of_from_bookings, empty_table


def short_history(company: Company, months: int) -> Company:
    """Keep only the last ``months`` months of bookings (and closed deals in that window)."""
    last = company.bookings["period"].max()
    start = last - pd.DateOffset(months=months - 1)
    bookings = company.bookings[company.bookings["period"] >= start].reset_index(drop=True)
    closed = company.closed_opportunities
    if not closed.empty:
        closed = closed[closed["closed_date"] >= start].reset_index(drop=True)
    return replace(
        company,
        bookings=bookings,
        closed_opportunities=closed,
        as_of=as_of_from_bookings(bookings),
    )


def without_closed_history(company: Company) -> Company:
    """The company with no closed-deal history (no win model, no win rates)."""
    return replace(company, closed_opportunities=empty_table("closed_opportunities"))


def without_geography(company: Company) -> Company:
    """Accounts and reps with no ZIP, state or coordinates (e.g. a CRM without addresses)."""
    accounts = company.accounts.copy()
    reps = company.reps.copy()
    for col in ("lat", "lon"):
        accounts[col] = float("nan")
    for col in ("home_lat", "home_lon"):
        reps[col] = float("nan")
    for frame, cols in ((accounts, ("zip", "state", "city")), (reps, ("home_zip",))):
        for col in cols:
            if col in frame.columns:
                frame[col] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return replace(company, accounts=accounts, reps=reps)


def write_messy(company: Company, folder: Path) -> Path:
    """Write a derived company as CSV files for notebook and CLI tests."""
    return write_company(company, folder)
