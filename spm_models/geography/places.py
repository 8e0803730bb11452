"""Map units outside the US: one unit per country, or per city within its country.

There are no polygons here, so these units have no shared borders: territories of cities
or countries cannot be asked to be contiguous (every unit is marked exempt). A unit's point
(for distances) is the mean location of its accounts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem
from spm_models.geography.units import UnitGeography

#: Unit kinds built from the accounts' own country and city columns.
PLACE_UNITS = ("city", "country")
SOURCE = "accounts.csv"


def _text(accounts: pd.DataFrame, column: str, default: str | None) -> pd.Series:
    if column not in accounts:
        if default is None:
            raise InputDataError(
                [Problem(SOURCE, f"is missing (needed for {column} units)", column=column)]
            )
        return pd.Series(default, index=accounts.index, dtype=object)
    return accounts[column].astype("string").str.strip().fillna("").astype(object)


def _blank_problems(accounts: pd.DataFrame, values: pd.Series, column: str) -> list[Problem]:
    ids = accounts["account_id"].astype(str).to_numpy()
    return [
        Problem(SOURCE, f"is empty (needed for {column} units)", column=column, row=int(k) + 1,
                key=f"account_id={ids[k]!r}")
        for k in np.flatnonzero(values.to_numpy() == "")
    ]  # fmt: skip


def place_geography(accounts: pd.DataFrame, by: str = "city") -> UnitGeography:
    """Units of the accounts' countries or cities, without adjacency.

    Parameters
    ----------
    accounts : pandas.DataFrame
        Accounts with ``account_id``, ``lat``, ``lon``, ``country`` (``"US"`` when the
        column is absent) and, for city units, ``city``.
    by : {"city", "country"}
        The unit kind; a city unit is named ``"<country>:<city>"`` (cities are matched
        without regard to case, so ``"Paris"`` and ``"PARIS"`` are one unit).

    Returns
    -------
    UnitGeography
        Units with ``unit_id``, ``name``, ``state`` (the country), ``county`` (empty),
        ``lon``, ``lat`` and ``exempt`` (always True), no edges.

    Raises
    ------
    InputDataError
        When an account has no country, no city (city units) or no location, naming the
        account and the column.
    """
    if by not in PLACE_UNITS:
        from spm_models.errors import param_error

        raise param_error("by", "place_geography", "'city' or 'country'", by)
    accounts = accounts.reset_index(drop=True)
    country = _text(accounts, "country", "US").str.upper()
    problems = _blank_problems(accounts, country, "country")
    if by == "city":
        city = _text(accounts, "city", None)
        problems += _blank_problems(accounts, city, "city")
        key = country + ":" + city.str.casefold()
    else:
        key = country
    missing = [c for c in ("lat", "lon") if c not in accounts]
    if missing:
        need = "is missing (place units need a location per account)"
        raise InputDataError([Problem(SOURCE, need, column=c) for c in missing])
    lat = pd.to_numeric(accounts["lat"], errors="coerce")
    lon = pd.to_numeric(accounts["lon"], errors="coerce")
    ids = accounts["account_id"].astype(str).to_numpy()
    problems += [
        Problem(SOURCE, "has no location (place units need lat and lon)", column="lat",
                row=int(k) + 1, key=f"account_id={ids[k]!r}")
        for k in np.flatnonzero((lat.isna() | lon.isna()).to_numpy())
    ]  # fmt: skip
    if problems:
        raise InputDataError(problems)
    codes, _ = pd.factorize(key, sort=True)
    first = pd.Series(np.arange(len(key))).groupby(codes).first().to_numpy()
    name = (city if by == "city" else country).to_numpy()[first]
    units = pd.DataFrame(
        {
            "unit_id": [
                f"{country.iloc[i]}:{name[k]}" if by == "city" else country.iloc[i]
                for k, i in enumerate(first)
            ],
            "name": name,
            "state": country.to_numpy()[first],
            "county": "",
            "lon": lon.groupby(codes).mean().to_numpy(),
            "lat": lat.groupby(codes).mean().to_numpy(),
            "exempt": True,
        }
    )
    return UnitGeography(units, np.zeros((0, 2), dtype=np.int64), codes.astype(np.int64))
