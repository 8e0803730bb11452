"""Value parsers: known answers and bad values named by file, column, row and value."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.sources import parse_bool, parse_dates, parse_money, parse_percent

WHERE = {"file": "Opportunity.csv", "column": "CloseDate"}


def test_iso_dates_and_datetimes_with_zone() -> None:
    out = parse_dates(["2017-03-01", "2017-03-01T17:24:05.000Z", "", None, " 2020-12-31 "], **WHERE)
    assert list(out[:2]) == [pd.Timestamp("2017-03-01")] * 2
    assert out[2:4].isna().all()
    assert out[4] == pd.Timestamp("2020-12-31")
    assert str(out.dtype) == "datetime64[ns]"


def test_day_first_date_without_format_is_an_error_not_a_guess() -> None:
    with pytest.raises(InputDataError) as info:
        parse_dates(["2024-01-05", "03/04/2024"], **WHERE)
    text = str(info.value)
    assert "Opportunity.csv: column 'CloseDate' must be an ISO date" in text
    assert "got '03/04/2024' at row 2" in text


def test_explicit_day_first_format() -> None:
    out = parse_dates(["03/04/2024", "31/12/2023"], fmt="%d/%m/%Y", **WHERE)
    assert list(out) == [pd.Timestamp("2024-04-03"), pd.Timestamp("2023-12-31")]
    with pytest.raises(InputDataError, match=r"format '%d/%m/%Y'; got '12/31/2023' at row 1"):
        parse_dates(["12/31/2023"], fmt="%d/%m/%Y", **WHERE)


def test_errors_list_the_first_rows_and_count_the_rest() -> None:
    with pytest.raises(InputDataError) as info:
        parse_dates(
            [f"bad{i}" for i in range(8)], key=pd.Series(list("abcdefgh")), key_name="Id", **WHERE
        )
    text = str(info.value)
    assert "got 'bad0' at row 1 (Id='a')" in text
    assert "got 'bad4' at row 5" in text and "bad5" not in text
    assert "has 3 more bad values like these" in text


def test_money_strings() -> None:
    out = parse_money(["$1,234.50", "(1,200)", "USD 5", "", "-3.5", "€ 7"], file="f", column="c")
    assert out.tolist()[:3] == [1234.5, -1200.0, 5.0]
    assert pd.isna(out[3]) and out[4] == -3.5 and out[5] == 7.0
    eu = parse_money(["1.234,50 €", "12,5"], file="f", column="c", decimal=",")
    assert eu.tolist() == [1234.5, 12.5]


def test_bad_money_named() -> None:
    with pytest.raises(
        InputDataError, match=r"f: column 'Amount' must be an amount .* got 'ten' at row 2"
    ):
        parse_money(["1", "ten"], file="f", column="Amount")
    with pytest.raises(ValueError, match="'decimal' parameter of parse_money"):
        parse_money(["1"], file="f", column="c", decimal=";")


def test_percent_signs_shares_and_salesforce_probabilities() -> None:
    assert parse_percent(["4%", "0.04"], file="f", column="c").tolist() == [0.04, 0.04]
    assert parse_percent(["10", "90", "0"], file="f", column="c").tolist() == [0.1, 0.9, 0.0]
    assert parse_percent(["1"], file="f", column="c", scale="percent").tolist() == [0.01]
    with pytest.raises(InputDataError, match=r"must be a percentage like 4% or 0\.04; got 'high'"):
        parse_percent(["high"], file="f", column="c")


def test_booleans() -> None:
    out = parse_bool(["true", "FALSE", "1", "0", "yes", "No", ""], file="f", column="IsWon")
    assert out.tolist()[:6] == [True, False, True, False, True, False]
    assert pd.isna(out[6])
    with pytest.raises(
        InputDataError, match=r"column 'IsWon' must be true or false; got 'maybe' at row 1"
    ):
        parse_bool(["maybe"], file="f", column="IsWon")
