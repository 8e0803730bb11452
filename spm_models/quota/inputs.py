"""Territory-level planning inputs built from a company's accounts, reps and bookings.

Every quota method works on one *territory table*: one row per rep seat with its potential
and trailing bookings, both summed over the accounts in the territory **as aligned** (the
history follows the accounts, so a realignment moves it with them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from spm_models.errors import InputDataError, Problem

if TYPE_CHECKING:
    from spm_models.data import Company

#: Booking types that count toward a sales quota; renewals are usually planned separately.
QUOTA_BOOKING_TYPES: tuple[str, ...] = ("new", "expansion")

TERRITORY_COLUMNS = (
    "rep_id",
    "rep_name",
    "region",
    "manager_id",
    "status",
    "fte",
    "hire_date",
    "n_accounts",
    "potential",
    "trailing_bookings",
)


def require_columns(df: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    """Raise :class:`InputDataError` naming every column of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputDataError(
            [Problem(source=source, column=c, message="is missing") for c in missing]
        )


def normalise_assignment(assignment: pd.DataFrame | None) -> pd.DataFrame | None:
    """The alignment table with ``account_id, new_rep_id, old_rep_id`` columns, or ``None``.

    The territory page writes the new rep as ``rep_id`` and the current one as
    ``current_rep_id`` (older runs: ``new_rep_id`` and ``old_rep_id``); both layouts are read.
    """
    if assignment is None:
        return None
    a = assignment.copy()
    if "new_rep_id" not in a.columns and "rep_id" in a.columns:
        a = a.rename(columns={"rep_id": "new_rep_id"})
    if "old_rep_id" not in a.columns and "current_rep_id" in a.columns:
        a = a.rename(columns={"current_rep_id": "old_rep_id"})
    for col in ("account_id", "new_rep_id", "old_rep_id"):
        if col in a.columns:
            a[col] = a[col].astype("object").where(a[col].notna(), None)
            a[col] = a[col].map(lambda v: v if v is None else str(v))
    return a


def history_months(bookings: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """Months of bookings history up to ``as_of``: from the first booked month to ``as_of``'s.

    Examples
    --------
    Bookings from March to December of one year give 10.
    """
    require_columns(bookings, ["period"], "bookings")
    if bookings.empty:
        return 0
    first = pd.Timestamp(bookings["period"].min()).to_period("M")
    last = pd.Timestamp(as_of).to_period("M")
    return max(0, (last - first).n + 1)


def alignment_from_assignment(accounts: pd.DataFrame, assignment: pd.DataFrame | None) -> pd.Series:
    """Return the rep of each account: the aligned ``new_rep_id`` if given, else the current one.

    Parameters
    ----------
    accounts : DataFrame
        Accounts table with ``account_id`` and ``current_rep_id``.
    assignment : DataFrame or None
        The territory alignment (``account_id`` and ``new_rep_id`` or ``rep_id``), e.g. the
        territory notebook's ``tables/assignment.csv``. Accounts it does not list keep their
        current rep.

    Returns
    -------
    Series
        ``rep_id`` (string or missing) indexed by ``account_id``.
    """
    require_columns(accounts, ["account_id", "current_rep_id"], "accounts")
    rep = accounts.set_index("account_id")["current_rep_id"].astype("object")
    assignment = normalise_assignment(assignment)
    if assignment is None:
        return rep
    require_columns(assignment, ["account_id", "new_rep_id"], "assignment.csv")
    unknown = assignment.loc[~assignment["account_id"].isin(rep.index)]
    if not unknown.empty:
        first = unknown.index[0]
        raise InputDataError(
            [
                Problem(
                    source="assignment.csv",
                    column="account_id",
                    message=f"must name an account in accounts; got {len(unknown)} unknown",
                    row=int(first) + 1 if isinstance(first, int) else None,
                    key=f"account_id={unknown['account_id'].iloc[0]!r}",
                )
            ]
        )
    new = assignment.set_index("account_id")["new_rep_id"].astype("object")
    rep = rep.copy()
    rep.loc[new.index] = new.to_numpy()
    return rep


def trailing_bookings_by_account(
    bookings: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    months: int = 12,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> pd.Series:
    """Sum each account's bookings over the ``months`` months ending at ``as_of``.

    Returns
    -------
    Series
        Trailing bookings in USD indexed by ``account_id`` (accounts without bookings absent).
    """
    require_columns(bookings, ["account_id", "period", "booking_type", "amount"], "bookings")
    end = pd.Timestamp(as_of).to_period("M").to_timestamp()
    start = end - pd.DateOffset(months=months - 1)
    mask = (
        (bookings["period"] >= start)
        & (bookings["period"] <= end)
        & bookings["booking_type"].isin(list(booking_types))
    )
    return bookings.loc[mask].groupby("account_id")["amount"].sum()


def territory_table(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    bookings: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    assignment: pd.DataFrame | None = None,
    months: int = 12,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> pd.DataFrame:
    """Build the territory table the quota methods work on.

    Parameters
    ----------
    accounts, reps, bookings : DataFrame
        Tables following ``spm_models.data.schema``.
    as_of : Timestamp
        Last day of the bookings history.
    assignment : DataFrame, optional
        Aligned assignment (``account_id``, ``new_rep_id``); the current alignment when omitted.
    months : int, default 12
        Length of the trailing bookings window.
    booking_types : sequence of str
        Booking types that count toward quota.

    Returns
    -------
    DataFrame
        One row per rep seat with columns ``rep_id, rep_name, region, manager_id, status, fte,
        hire_date, n_accounts, potential, trailing_bookings``; accounts with no rep are left
        out (their count is in ``DataFrame.attrs["unassigned_accounts"]``).
    """
    require_columns(reps, ["rep_id", "region", "status", "fte", "hire_date"], "reps")
    require_columns(accounts, ["account_id", "potential"], "accounts")
    rep_of = alignment_from_assignment(accounts, assignment)
    unknown = sorted(set(rep_of.dropna()) - set(reps["rep_id"]))
    if unknown:
        raise InputDataError(
            [
                Problem(
                    source="assignment",
                    column="new_rep_id",
                    message=f"must name a rep in reps; got {len(unknown)} unknown",
                    key=f"rep_id={unknown[0]!r}",
                )
            ]
        )
    acc = accounts.set_index("account_id")[["potential"]].copy()
    acc["rep_id"] = rep_of
    acc["trailing_bookings"] = trailing_bookings_by_account(
        bookings, as_of, months=months, booking_types=booking_types
    ).reindex(acc.index, fill_value=0.0)
    unassigned = int(acc["rep_id"].isna().sum())
    by_rep = (
        acc.dropna(subset=["rep_id"])
        .groupby("rep_id")
        .agg(
            n_accounts=("potential", "size"),
            potential=("potential", "sum"),
            trailing_bookings=("trailing_bookings", "sum"),
        )
    )
    out = reps.copy()
    if "manager_id" not in out.columns:
        out["manager_id"] = out["region"]
    if "rep_name" not in out.columns:
        out["rep_name"] = out["rep_id"]
    out = out[["rep_id", "rep_name", "region", "manager_id", "status", "fte", "hire_date"]].join(
        by_rep, on="rep_id"
    )
    out[["potential", "trailing_bookings"]] = (
        out[["potential", "trailing_bookings"]].fillna(0.0).astype(float)
    )
    out["n_accounts"] = out["n_accounts"].fillna(0).astype(int)
    out = out.reset_index(drop=True)
    out.attrs["unassigned_accounts"] = unassigned
    return out


def company_territory_table(
    company: Company,
    *,
    assignment: pd.DataFrame | None = None,
    months: int = 12,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> pd.DataFrame:
    """:func:`territory_table` for a loaded :class:`~spm_models.data.Company`."""
    return territory_table(
        company.accounts,
        company.reps,
        company.bookings,
        company.as_of,
        assignment=assignment,
        months=months,
        booking_types=booking_types,
    )
