"""County and state polygons of the 50 states and DC, from the shapefiles of ``plotly-geo``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError

COUNTY_FILE = "cb_2016_us_county_500k.shp"
STATE_FILE = "cb_2016_us_state_500k.shp"
#: Source recorded with the cached adjacency, so that a new boundary file rebuilds it.
BOUNDARY_VINTAGE = "cb2016-500k"

#: The 50 states and DC by their FIPS code (territories such as Puerto Rico left out).
STATE_FIPS: dict[str, str] = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY",
}  # fmt: skip


def _shapefile_path(name: str) -> Path:
    folder = resources.files("_plotly_geo.package_data")
    path = Path(str(folder / name))
    if not path.exists():
        raise InputDataError(
            f"the boundary file {name} is not installed (it ships with the plotly-geo package)",
            source=name,
        )
    return path


def _read(name: str) -> tuple[list[dict], list]:
    import shapefile
    import shapely

    with shapefile.Reader(str(_shapefile_path(name))) as reader:
        records = [rec.as_dict() for rec in reader.records()]
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in reader.shapes()]
    return records, geoms


@lru_cache(maxsize=1)
def county_shapes() -> pd.DataFrame:
    """Every county (and county equivalent) of the 50 states and DC.

    Returns
    -------
    pandas.DataFrame
        One row per county, sorted by ``unit_id``: ``unit_id`` (5-digit FIPS code),
        ``name`` (e.g. ``"Los Angeles"``), ``state`` (postal code), ``lon``/``lat`` (a
        point inside the county) and ``geometry`` (shapely polygon in lon/lat degrees).
    """
    import shapely

    records, geoms = _read(COUNTY_FILE)
    frame = pd.DataFrame(
        {
            "unit_id": [r["GEOID"] for r in records],
            "name": [r["NAME"] for r in records],
            "state_fips": [r["STATEFP"] for r in records],
            "geometry": geoms,
        }
    )
    frame = frame[frame["state_fips"].isin(STATE_FIPS)].copy()
    frame["state"] = frame["state_fips"].map(STATE_FIPS)
    pts = shapely.point_on_surface(frame["geometry"].to_numpy())
    frame["lon"] = shapely.get_x(pts)
    frame["lat"] = shapely.get_y(pts)
    cols = ["unit_id", "name", "state", "lon", "lat", "geometry"]
    return frame[cols].sort_values("unit_id").reset_index(drop=True)


@lru_cache(maxsize=1)
def state_shapes() -> pd.DataFrame:
    """The 50 states and DC: ``state`` (postal code), ``name``, ``geometry`` (lon/lat)."""
    records, geoms = _read(STATE_FILE)
    frame = pd.DataFrame(
        {
            "state_fips": [r["STATEFP"] for r in records],
            "name": [r["NAME"] for r in records],
            "geometry": geoms,
        }
    )
    frame = frame[frame["state_fips"].isin(STATE_FIPS)].copy()
    frame["state"] = frame["state_fips"].map(STATE_FIPS)
    return frame[["state", "name", "geometry"]].sort_values("state").reset_index(drop=True)


@lru_cache(maxsize=1)
def county_tree():
    """An STRtree over the county polygons (positions as in :func:`county_shapes`)."""
    import shapely

    return shapely.STRtree(county_shapes()["geometry"].to_numpy())


def counties_at(lon: np.ndarray, lat: np.ndarray, snap_km: float = 10.0) -> np.ndarray:
    """Position in :func:`county_shapes` of the county holding each point (-1: none).

    A point just off the coast (a ZIP centroid on a pier or islet that the 1:500,000
    outline leaves out) goes to the nearest county within ``snap_km``.
    """
    import shapely

    pts = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    tree = county_tree()
    out = np.full(len(pts), -1, dtype=np.int64)
    hit_pt, hit_county = tree.query(pts, predicate="within")
    # A point on a shared border lies within neither polygon; "within" is strict, so
    # take the first hit and let the nearest-polygon pass settle the rest.
    out[hit_pt[::-1]] = hit_county[::-1]
    missing = np.flatnonzero(out < 0)
    if missing.size:
        # Degrees to km at the point's latitude, conservatively (longitude degrees shrink).
        near_pt, near_county = tree.query_nearest(
            pts[missing], max_distance=snap_km / 111.0, return_distance=False
        )
        first = np.unique(near_pt, return_index=True)[1]
        out[missing[near_pt[first]]] = near_county[first]
    return out
