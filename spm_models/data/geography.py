"""US ZIP code centroids (from the ``zipcodes`` package) and the sales regions they fall in."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

#: Sales regions of the sample company, by state.
REGION_STATES: dict[str, tuple[str, ...]] = {
    "West": ("WA", "OR", "CA", "NV", "ID", "MT", "WY", "UT", "CO", "AZ", "NM", "AK", "HI"),
    "Central": ("ND", "SD", "NE", "KS", "MN", "IA", "MO", "WI", "IL", "MI", "IN", "OH", "OK"),
    "South": ("TX", "AR", "LA", "MS", "AL", "TN", "KY", "GA", "FL", "SC", "NC"),
    "East": ("ME", "NH", "VT", "MA", "RI", "CT", "NY", "NJ", "PA", "DE", "MD", "DC", "VA", "WV"),
}
STATE_REGION = {state: region for region, states in REGION_STATES.items() for state in states}

EARTH_RADIUS_KM = 6371.0088


@lru_cache(maxsize=1)
def zip_centroids() -> pd.DataFrame:
    """Active standard US ZIP codes with their centroid, city, state and region.

    Returns
    -------
    DataFrame
        Columns ``zip``, ``city``, ``state``, ``lat``, ``lon``, ``region``; one row per ZIP in
        the 50 states and DC (PO-box-only and unique-organisation ZIPs left out).
    """
    import zipcodes

    frame = pd.DataFrame.from_records(zipcodes.list_all())
    frame = frame[frame["active"] & (frame["zip_code_type"] == "STANDARD")]
    frame = frame[frame["state"].isin(STATE_REGION)]
    out = pd.DataFrame(
        {
            "zip": frame["zip_code"].astype(str),
            "city": frame["city"].astype(str),
            "state": frame["state"].astype(str),
            "lat": pd.to_numeric(frame["lat"], errors="coerce"),
            "lon": pd.to_numeric(frame["long"], errors="coerce"),
        }
    ).dropna()
    out = out[(out["lat"] != 0) & (out["lon"] != 0)]
    out["region"] = out["state"].map(STATE_REGION)
    return out.sort_values("zip").reset_index(drop=True)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arguments broadcast like NumPy arrays."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
