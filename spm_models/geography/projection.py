"""Albers equal-area conic projections for the lower 48, Alaska and Hawaii (km)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088

#: (standard parallel 1, standard parallel 2, origin latitude, central meridian), degrees;
#: the parameters the Census Bureau and USGS use for each area.
ALBERS = {
    "lower48": (29.5, 45.5, 23.0, -96.0),
    "alaska": (55.0, 65.0, 50.0, -154.0),
    "hawaii": (8.0, 18.0, 3.0, -157.0),
}


def albers_km(lon, lat, area: str = "lower48") -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (degrees) to Albers x/y in km on a spherical Earth.

    Parameters
    ----------
    lon, lat : array-like
        Degrees; longitudes are wrapped around the central meridian, so the Aleutians
        west of 180 degrees stay beside the rest of Alaska.
    area : {"lower48", "alaska", "hawaii"}
        Which parameter set.
    """
    p1, p2, p0, _ = (np.radians(v) for v in ALBERS[area])
    lon = np.asarray(lon, dtype=float)
    lat = np.radians(np.asarray(lat, dtype=float))
    dl = np.radians((lon - ALBERS[area][3] + 180.0) % 360.0 - 180.0)
    n = (np.sin(p1) + np.sin(p2)) / 2
    c = np.cos(p1) ** 2 + 2 * n * np.sin(p1)
    rho0 = np.sqrt(c - 2 * n * np.sin(p0)) / n
    rho = np.sqrt(c - 2 * n * np.sin(lat)) / n
    theta = n * dl
    x = EARTH_RADIUS_KM * rho * np.sin(theta)
    y = EARTH_RADIUS_KM * (rho0 - rho * np.cos(theta))
    return x, y


def project_geometry(geom, area: str = "lower48"):
    """A shapely geometry in lon/lat, projected to Albers km."""
    import shapely

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = albers_km(coords[:, 0], coords[:, 1], area)
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)
