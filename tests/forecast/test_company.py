"""Monthly bookings series of the sample company."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.forecast.company import bookings_series


def test_company_total_is_every_booking_on_a_full_month_grid(tiny_company):
    total = bookings_series(tiny_company)
    assert list(total.columns) == ["ds", "y"]
    assert total["y"].sum() == pytest.approx(tiny_company.bookings["amount"].sum())
    months = pd.date_range(total["ds"].iloc[0], total["ds"].iloc[-1], freq="MS")
    assert list(total["ds"]) == list(months)
    assert total["ds"].iloc[-1] == pd.Timestamp(tiny_company.as_of).to_period("M").start_time


@pytest.mark.parametrize("by", ["region", "segment", "rep_id", "booking_type"])
def test_breakdowns_add_up_to_the_total(tiny_company, by):
    total = bookings_series(tiny_company)
    parts = bookings_series(tiny_company, by=by)
    summed = parts.groupby("ds")["y"].sum().reindex(total["ds"]).to_numpy()
    assert summed == pytest.approx(total["y"].to_numpy())
    assert parts.groupby("id").size().nunique() == 1  # every part spans every month


def test_booking_type_filter_and_bad_grouping(tiny_company):
    new = bookings_series(tiny_company, booking_types=("new",))
    expected = tiny_company.bookings.query("booking_type == 'new'")["amount"].sum()
    assert new["y"].sum() == pytest.approx(expected)
    with pytest.raises(ValueError, match="The 'by' parameter of bookings_series"):
        bookings_series(tiny_company, by="industry")
