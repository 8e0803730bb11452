"""Find the county of a ZIP code, an account or a county name."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem
from spm_models.geography.shapes import STATE_FIPS, counties_at, county_shapes

_US_STATES = frozenset(STATE_FIPS.values())


@lru_cache(maxsize=1)
def _zip_table() -> pd.DataFrame:
    import zipcodes

    frame = pd.DataFrame.from_records(zipcodes.list_all())
    frame = frame[frame["state"].isin(_US_STATES)]
    out = pd.DataFrame(
        {
            "zip": frame["zip_code"].astype(str),
            "lat": pd.to_numeric(frame["lat"], errors="coerce"),
            "lon": pd.to_numeric(frame["long"], errors="coerce"),
        }
    ).dropna()
    out = out[(out["lat"] != 0) & (out["lon"] != 0)]
    return out.drop_duplicates("zip").set_index("zip")


def _clean_zip(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(-\d{4})?", text):
        return text[:5]
    if re.fullmatch(r"\d{3,4}", text):  # leading zeros lost in a spreadsheet
        return text.zfill(5)
    return text


def zip_to_county(zips) -> pd.Series:
    """County FIPS code of each ZIP code, by its centroid's county.

    Parameters
    ----------
    zips : sequence of str
        5-digit ZIP codes (ZIP+4 and zero-stripped codes such as ``"2134"`` are accepted).

    Returns
    -------
    pandas.Series
        The 5-digit county FIPS code per ZIP (index: the ZIPs as given).

    Raises
    ------
    InputDataError
        Naming every ZIP that is unknown or whose centroid lies in no county.
    """
    given = list(zips)
    table = _zip_table()
    clean = [_clean_zip(z) for z in given]
    problems = []
    known = [z is not None and z in table.index for z in clean]
    for k, (raw, ok) in enumerate(zip(given, known, strict=True)):
        if not ok:
            problems.append(Problem("zip", f"{raw!r} is not a known US ZIP code", row=k + 1))
    if problems:
        raise InputDataError(problems[:20])
    pts = table.loc[clean]
    pos = counties_at(pts["lon"].to_numpy(), pts["lat"].to_numpy())
    for k in np.flatnonzero(pos < 0)[:20]:
        problems.append(Problem("zip", f"{given[k]!r} matches no county", row=int(k) + 1))
    if problems:
        raise InputDataError(problems)
    ids = county_shapes()["unit_id"].to_numpy()
    return pd.Series(ids[pos], index=given, name="unit_id")


def account_counties(accounts: pd.DataFrame, source: str = "accounts.csv") -> pd.Series:
    """County FIPS code of every account, from its ZIP code or else its lat/lon.

    A ``unit_id`` or ``county_fips`` column, when present and filled, is taken as given
    (and checked against the county list).

    Returns
    -------
    pandas.Series
        5-digit county FIPS code per account (same index as ``accounts``).

    Raises
    ------
    InputDataError
        Naming each account (row and ``account_id``) with no US geography, a ZIP that is
        unknown or matches no county, a point in no county, or an unknown FIPS code.
    """
    counties = county_shapes()
    known_ids = set(counties["unit_id"])
    ids = counties["unit_id"].to_numpy()
    n = len(accounts)
    out = np.full(n, None, dtype=object)
    problems: list[Problem] = []
    acc_ids = accounts["account_id"].astype(str).to_numpy() if "account_id" in accounts else None

    def key(i: int) -> str | None:
        return None if acc_ids is None else f"account_id={acc_ids[i]!r}"

    def col(name: str) -> np.ndarray:
        return accounts[name].to_numpy(dtype=object) if name in accounts else np.full(n, None)

    given = col("unit_id") if "unit_id" in accounts else col("county_fips")
    zips = col("zip")
    lat = pd.to_numeric(pd.Series(col("lat")), errors="coerce").to_numpy()
    lon = pd.to_numeric(pd.Series(col("lon")), errors="coerce").to_numpy()
    states = col("state")
    table = _zip_table()
    by_point: list[int] = []
    pt_lon: list[float] = []
    pt_lat: list[float] = []
    for i in range(n):
        fips = _clean_zip(given[i])
        if fips is not None:
            if fips in known_ids:
                out[i] = fips
            else:
                problems.append(
                    Problem(source, f"{given[i]!r} is not a US county FIPS code",
                            column="unit_id", row=i + 1, key=key(i))
                )  # fmt: skip
            continue
        state = states[i]
        if isinstance(state, str) and state.strip() and state.strip().upper() not in _US_STATES:
            problems.append(
                Problem(source, f"state {state!r} is outside the US; county units cover US "
                        "accounts only", column="state", row=i + 1, key=key(i))
            )  # fmt: skip
            continue
        z = _clean_zip(zips[i])
        if z is not None:
            if z not in table.index:
                problems.append(
                    Problem(source, f"ZIP {zips[i]!r} is not a known US ZIP code",
                            column="zip", row=i + 1, key=key(i))
                )  # fmt: skip
                continue
            by_point.append(i)
            pt_lon.append(float(table.at[z, "lon"]))
            pt_lat.append(float(table.at[z, "lat"]))
        elif np.isfinite(lat[i]) and np.isfinite(lon[i]):
            by_point.append(i)
            pt_lon.append(float(lon[i]))
            pt_lat.append(float(lat[i]))
        else:
            problems.append(
                Problem(source, "has no geography (no unit_id, ZIP or lat/lon); "
                        f"got zip={zips[i]!r}, lat={col('lat')[i]!r}, lon={col('lon')[i]!r}",
                        row=i + 1, key=key(i))
            )  # fmt: skip
    if by_point:
        pos = counties_at(np.array(pt_lon), np.array(pt_lat))
        for i, p, x, y in zip(by_point, pos, pt_lon, pt_lat, strict=True):
            if p >= 0:
                out[i] = ids[p]
                continue
            what = f"ZIP {zips[i]!r}" if _clean_zip(zips[i]) else f"point ({y:.4f}, {x:.4f})"
            problems.append(Problem(source, f"{what} matches no county", row=i + 1, key=key(i)))
    if problems:
        raise InputDataError(problems[:50])
    return pd.Series(out, index=accounts.index, name="unit_id")


def resolve_county(value: str) -> str:
    """The FIPS code of a county given by code or name.

    Parameters
    ----------
    value : str
        ``"06037"``, ``"Los Angeles, CA"``, ``"Los Angeles County, CA"`` or a name that is
        unique across the country (``"Los Angeles"``).

    Raises
    ------
    InputDataError
        When no county matches, or a name without a state matches several counties
        (naming the states, e.g. ``"Washington"`` in 31 states).
    """
    counties = county_shapes()
    text = str(value).strip()
    if re.fullmatch(r"\d{4,5}", text):
        fips = text.zfill(5)
        if fips in set(counties["unit_id"]):
            return fips
        raise InputDataError(f"{value!r} is not a US county FIPS code", source="county")
    name, _, state = text.rpartition(",") if "," in text else (text, "", "")
    name = re.sub(r"\s+(county|parish|borough|census area|city and borough)$", "", name.strip(),
                  flags=re.IGNORECASE)  # fmt: skip
    match = counties[counties["name"].str.casefold() == name.casefold()]
    if state.strip():
        match = match[match["state"] == state.strip().upper()]
    if len(match) == 1:
        return str(match["unit_id"].iloc[0])
    if match.empty:
        raise InputDataError(f"county {value!r} matches no US county", source="county")
    states = ", ".join(sorted(match["state"]))
    raise InputDataError(
        f"county {value!r} is ambiguous: it matches {len(match)} counties (in {states}); "
        "add the state (e.g. 'Washington, OR') or give the FIPS code",
        source="county",
    )
