"""Great-circle distances on latitude/longitude."""

from __future__ import annotations

import numpy as np

#: Mean Earth radius in kilometres.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points (broadcasting numpy arrays).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray
        Distances in kilometres.

    Examples
    --------
    >>> round(float(haversine_km(0, 0, 0, 1)), 1)
    111.2
    """
    p1 = np.radians(np.asarray(lat1, dtype=float))
    p2 = np.radians(np.asarray(lat2, dtype=float))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_matrix_km(lat_a, lon_a, lat_b, lon_b) -> np.ndarray:
    """Matrix of great-circle distances, rows ``a`` and columns ``b``, in km."""
    lat_a = np.asarray(lat_a, dtype=float)[:, None]
    lon_a = np.asarray(lon_a, dtype=float)[:, None]
    return haversine_km(
        lat_a, lon_a, np.asarray(lat_b, float)[None, :], np.asarray(lon_b, float)[None, :]
    )


def nearest_k(
    lat_a, lon_a, lat_b, lon_b, k: int, chunk: int = 4000
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of the ``k`` nearest ``b`` points to each ``a`` point.

    Works in chunks so that 100,000 x 500 stays within a few hundred MB.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Both of shape ``(len(a), k)``, sorted by distance.
    """
    lat_a = np.asarray(lat_a, dtype=float)
    lon_a = np.asarray(lon_a, dtype=float)
    nb = len(lat_b)
    k = min(k, nb)
    idx = np.empty((len(lat_a), k), dtype=np.int64)
    dist = np.empty((len(lat_a), k))
    for s in range(0, len(lat_a), chunk):
        d = distance_matrix_km(lat_a[s : s + chunk], lon_a[s : s + chunk], lat_b, lon_b)
        if k < nb:
            part = np.argpartition(d, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(nb), d.shape).copy()
        pd_ = np.take_along_axis(d, part, axis=1)
        order = np.argsort(pd_, axis=1, kind="stable")
        idx[s : s + chunk] = np.take_along_axis(part, order, axis=1)
        dist[s : s + chunk] = np.take_along_axis(pd_, order, axis=1)
    return idx, dist
