"""The bulk (Arrow) paths of the parsers agree with the careful per-value paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.sources import parse_bool, parse_dates, parse_money, parse_percent
from spm_models.sources.parse import _careful_money, _careful_percent, _text

WHERE = {"file": "Opportunity.csv", "column": "Amount"}


def test_money_mixes_plain_numbers_and_money_strings() -> None:
    raw = ["12.5", " 7 ", "$1,234.50", "(1,200)", "", None, "-3", "USD 40", ".5"]
    careful, bad = _careful_money(_text(pd.Series(raw)), ".")
    out = parse_money(raw, **WHERE)
    assert not bad.any()
    np.testing.assert_array_equal(out.to_numpy(), careful)
    assert list(out[[0, 2, 3, 8]]) == [12.5, 1234.5, -1200.0, 0.5]


def test_money_with_decimal_comma() -> None:
    raw = ["1.234,50 €", "12,5", "7", "-2,25"]
    careful, _ = _careful_money(_text(pd.Series(raw)), ",")
    out = parse_money(raw, decimal=",", **WHERE)
    np.testing.assert_array_equal(out.to_numpy(), careful)
    assert list(out) == [1234.5, 12.5, 7.0, -2.25]


def test_bad_money_named_at_its_row_among_fast_values() -> None:
    raw = [str(i) for i in range(10)]
    raw[7] = "twelve"
    keys = pd.Series([f"006{i}" for i in range(10)])
    with pytest.raises(InputDataError) as info:
        parse_money(raw, key=keys, key_name="Id", **WHERE)
    text = str(info.value)
    assert "column 'Amount' must be an amount (decimal mark '.'); got 'twelve' at row 8" in text
    assert "Id='0067'" in text


def test_percent_scale_decided_over_fast_and_careful_values() -> None:
    raw = ["0.5", "40%", " 1e1 ", ""]
    *_, bad = _careful_percent(_text(pd.Series(raw)))
    assert not bad.any()
    out = parse_percent(raw, file="f.csv", column="Probability")
    # 1e1 (read by the careful path) is above 1, so plain numbers are percents.
    assert out[0] == pytest.approx(0.005) and out[1] == pytest.approx(0.4)
    assert out[2] == pytest.approx(0.1) and np.isnan(out[3])


def test_impossible_iso_date_is_named() -> None:
    with pytest.raises(InputDataError, match=r"got '2024-02-30' at row 2"):
        parse_dates(["2024-02-28", "2024-02-30"], file="f.csv", column="CloseDate")


def test_iso_datetimes_keep_their_day() -> None:
    out = parse_dates(
        ["2017-03-01T23:30:00-05:00", "2017-03-02 08:00", "2017-03-03"], file="f", column="c"
    )
    assert list(out) == [pd.Timestamp(f"2017-03-0{d}") for d in (1, 2, 3)]


def test_booleans_in_bulk_and_the_bad_one_named() -> None:
    out = parse_bool(["TRUE", "false", " Yes ", "", "0"], file="f", column="IsWon")
    assert out.tolist() == [True, False, True, pd.NA, False]
    with pytest.raises(InputDataError, match=r"must be true or false; got 'maybe' at row 3"):
        parse_bool(["true", "false", "maybe"], file="f", column="IsWon")
