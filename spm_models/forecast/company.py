"""Monthly bookings series of the company: total, or by region, segment or rep."""

from __future__ import annotations

import pandas as pd

from spm_models.errors import param_error

#: Dimensions a bookings series can be broken down by.
GROUPINGS = ("region", "segment", "rep_id", "booking_type")


def bookings_series(
    company, *, by: str | None = None, booking_types: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Monthly bookings as ``ds, y`` (or ``id, ds, y`` when ``by`` is given).

    Months without bookings are zeros (no deal booked is a real zero, not a missing value);
    every series spans the company's whole history up to ``company.as_of``.

    Parameters
    ----------
    company : spm_models.data.Company
        The validated company.
    by : {"region", "segment", "rep_id", "booking_type"} or None
        Break the total down by the account's region or segment, the credited rep
        (unassigned bookings under ``"unassigned"``) or the booking type.
    booking_types : tuple of str or None
        Keep only these booking types (e.g. ``("new", "expansion")``).
    """
    if by is not None and by not in GROUPINGS:
        raise param_error("by", "bookings_series", f"one of {GROUPINGS} or None", by)
    b = company.bookings
    if booking_types is not None:
        b = b[b["booking_type"].isin(booking_types)]
    months = pd.date_range(
        company.bookings["period"].min(),
        pd.Timestamp(company.as_of).to_period("M").start_time,
        freq="MS",
    )
    if by is None:
        y = b.groupby("period")["amount"].sum().reindex(months, fill_value=0.0)
        return pd.DataFrame({"ds": months, "y": y.to_numpy(dtype="float64")})
    if by in ("region", "segment"):
        key = b["account_id"].map(company.accounts.set_index("account_id")[by])
    elif by == "rep_id":
        key = b["rep_id"].fillna("unassigned")
    else:
        key = b["booking_type"]
    table = (
        b.assign(id=key.astype(str))
        .groupby(["id", "period"])["amount"]
        .sum()
        .unstack("id")
        .reindex(months)
        .fillna(0.0)
    )
    long = table.stack().rename("y").reset_index()
    long.columns = ["ds", "id", "y"]
    return long[["id", "ds", "y"]].sort_values(["id", "ds"], kind="stable").reset_index(drop=True)
