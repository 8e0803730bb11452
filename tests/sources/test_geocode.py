"""Placing rows offline: coordinates, US ZIPs, US cities, cities worldwide; unplaced listed."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.sources.geocode import normalize_country, place


def test_country_names_and_codes() -> None:
    got = normalize_country(
        pd.Series(["Germany", "DEU", "de", "USA", "United Kingdom", "UK", "Atlantis", None])
    )
    assert got.tolist()[:6] == ["DE", "DE", "DE", "US", "GB", "GB"]
    assert got[6:].isna().all()


def test_place_by_each_method_and_list_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "id": list("abcdefgh"),
            "zip": ["94105-1234", "2139", None, None, None, "", None, None],
            "city": [None, None, "München", "Boston", "Paris", "Nowhere", None, None],
            "state": [None, None, None, "MA", None, None, None, None],
            "country": [None, "USA", "Germany", "United States", "FR", "DE", "Atlantis", "NO"],
            "lat": [None, None, None, None, None, None, None, 59.9],
            "lon": [None, None, None, None, None, None, None, 10.7],
        }
    )
    result = place(frame, id_column="id")
    got = result.frame
    assert got["method"].tolist()[:5] == ["us_zip", "us_zip", "city", "us_city", "city"]
    assert got.loc[7, "method"] == "given" and got.loc[7, "lat"] == 59.9
    assert got.loc[0, "zip"] == "94105" and got.loc[0, "state"] == "CA"
    assert got.loc[1, "zip"] == "02139"  # a ZIP that lost its leading zero
    assert got.loc[2, "lat"] == pytest.approx(48.14, abs=0.01)
    assert got["region"].tolist()[:5] == ["West", "East", "Germany", "East", "France"]
    assert got.loc[0, "country"] == "US"  # evident from the ZIP
    assert result.unplaced["id"].tolist() == ["f", "g"]
    assert result.unknown_countries == ("Atlantis",)
    assert result.counts()["unplaced"] == 2


def test_empty_country_defaults_and_repeated_addresses() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "city": ["Oslo", "Oslo", "Oslo"]})
    us = place(frame, id_column="id")
    assert us.country_defaulted == 3 and us.unplaced["id"].tolist() == ["a", "b", "c"]
    norway = place(frame, id_column="id", default_country="NO")
    assert norway.frame["method"].tolist() == ["city"] * 3
    assert norway.frame["lat"].round(1).tolist() == [59.9] * 3


def test_us_state_names_read_as_codes() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "city": ["Boston", "Austin"],
            "state": ["Massachusetts", "texas"],
            "country": ["US", "US"],
        }
    )
    got = place(frame, id_column="id").frame
    assert got["state"].tolist() == ["MA", "TX"]
    assert got["region"].tolist() == ["East", "South"]
    assert got["method"].tolist() == ["us_city", "us_city"]
