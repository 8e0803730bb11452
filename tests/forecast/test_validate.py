"""Input checks: bad dates, duplicates, gaps, missing values, negative values, short series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast.validate import infer_freq, prepare_panel, prepare_series


def monthly(n: int = 12, start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {"ds": pd.date_range(start, periods=n, freq="MS"), "y": np.arange(1.0, n + 1)}
    )


def test_infers_monthly_and_weekly():
    assert infer_freq(pd.date_range("2024-01-01", periods=5, freq="MS")) == "MS"
    assert infer_freq(pd.date_range("2024-01-07", periods=5, freq="W-SUN")) == "W-SUN"
    assert infer_freq(pd.date_range("2024-01-01", periods=5, freq="W-MON")) == "W-MON"


def test_irregular_dates_are_rejected():
    with pytest.raises(InputDataError, match="neither all first-of-month"):
        infer_freq(pd.to_datetime(["2024-01-03", "2024-01-05", "2024-01-20"]))


def test_unparseable_date_names_row_and_column():
    df = monthly().astype({"ds": str})
    df.loc[3, "ds"] = "2024-13-45"
    with pytest.raises(
        InputDataError, match=r"column 'month' must be a date; got '2024-13-45' at row 4"
    ):
        prepare_series(df.rename(columns={"ds": "month"}), date_col="month", source="in.csv")


def test_duplicate_period_is_an_error():
    df = pd.concat([monthly(), monthly().iloc[[5]]], ignore_index=True)
    with pytest.raises(InputDataError, match="duplicate period 2024-06-01 at row 13"):
        prepare_series(df)


def test_negative_sales_are_an_error_unless_allowed():
    df = monthly()
    df.loc[2, "y"] = -5.0
    with pytest.raises(InputDataError, match=r"must be >= 0 .* got -5 at row 3"):
        prepare_series(df)
    assert prepare_series(df, allow_negative=True).frame["y"].iloc[2] == -5.0


def test_too_few_points():
    with pytest.raises(InputDataError, match="too few points to forecast: 3"):
        prepare_series(monthly(3))


def test_gap_is_filled_by_interpolation_and_reported():
    df = monthly().drop(index=4)  # drop May 2024, value 5
    out = prepare_series(df)
    assert len(out.frame) == 12
    assert out.frame["y"].iloc[4] == pytest.approx(5.0)
    assert out.report.filled_gaps == (pd.Timestamp("2024-05-01"),)
    assert "1 missing period(s) inserted" in out.report.notes[0]


def test_missing_value_is_filled_and_reported():
    df = monthly()
    df.loc[6, "y"] = np.nan
    out = prepare_series(df, fill="zero")
    assert out.frame["y"].iloc[6] == 0.0
    assert out.report.filled_missing == (pd.Timestamp("2024-07-01"),)


def test_non_numeric_value_is_an_error():
    df = monthly().astype({"y": object})
    df.loc[1, "y"] = "lots"
    with pytest.raises(InputDataError, match="must be a number; got 'lots' at row 2"):
        prepare_series(df)


def test_monthly_dates_must_be_month_starts():
    df = monthly()
    df.loc[2, "ds"] = pd.Timestamp("2024-03-15")
    with pytest.raises(InputDataError, match="first day of a month"):
        prepare_series(df, freq="MS")


def test_missing_column_lists_present_ones():
    with pytest.raises(InputDataError, match="column 'amount' is missing"):
        prepare_series(monthly(), value_col="amount")


def test_panel_names_the_series_id():
    a = monthly().assign(rep="R1")
    b = monthly().assign(rep="R2")
    b.loc[0, "y"] = -1.0
    with pytest.raises(InputDataError, match=r"at row 13 \(id='R2'\)"):
        prepare_panel(pd.concat([a, b], ignore_index=True), id_col="rep")
    out = prepare_panel(pd.concat([a, monthly().assign(rep="R2")]), id_col="rep")
    assert list(out) == ["R1", "R2"]


def test_bad_freq_parameter():
    with pytest.raises(ValueError, match="The 'freq' parameter of prepare_series must be"):
        prepare_series(monthly(), freq="D")
