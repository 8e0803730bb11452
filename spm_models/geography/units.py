"""Map units of an alignment: the counties of the covered states, with ZIP cells where needed.

A county whose accounts carry more load than a territory can hold is split into ZIP units:
the Voronoi cells of its accounts' ZIP centroids, clipped to the county. Every other county
of the covered area (the states that hold accounts) is one unit, with or without accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.geography.adjacency import EXEMPT_STATES, county_adjacency
from spm_models.geography.lookup import _clean_zip, _zip_table, account_counties
from spm_models.geography.shapes import county_shapes


@dataclass(frozen=True)
class UnitGeography:
    """Units of the covered area, their adjacency and each account's unit.

    Attributes
    ----------
    units : pandas.DataFrame
        One row per unit: ``unit_id`` (county FIPS, or ``"<FIPS>-<ZIP>"`` for a ZIP cell),
        ``county`` (FIPS), ``name``, ``state``, ``lon``, ``lat``, ``exempt`` (Alaska and
        Hawaii: exempt from contiguity) and ``geometry`` (lon/lat polygon).
    edges : numpy.ndarray
        Adjacent unit positions, shape ``(m, 2)``, each pair once with ``a < b``.
    account_unit : numpy.ndarray
        Position in ``units`` of each account's unit.
    split_counties : tuple of str
        Counties split into ZIP cells.
    """

    units: pd.DataFrame
    edges: np.ndarray
    account_unit: np.ndarray
    split_counties: tuple[str, ...] = ()

    def neighbours(self) -> list[np.ndarray]:
        """Adjacent unit positions of every unit."""
        n = len(self.units)
        out: list[list[int]] = [[] for _ in range(n)]
        for a, b in self.edges:
            out[int(a)].append(int(b))
            out[int(b)].append(int(a))
        return [np.array(sorted(v), dtype=np.int64) for v in out]


def _zip_points(accounts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ZIP (or ``""``), lon and lat per account: the ZIP centroid when known, else lat/lon."""
    table = _zip_table()
    n = len(accounts)
    zips = np.full(n, "", dtype=object)
    lon = pd.to_numeric(accounts.get("lon", pd.Series(np.nan, index=accounts.index)),
                        errors="coerce").to_numpy(dtype=float)  # fmt: skip
    lat = pd.to_numeric(accounts.get("lat", pd.Series(np.nan, index=accounts.index)),
                        errors="coerce").to_numpy(dtype=float)  # fmt: skip
    if "zip" in accounts:
        for i, z in enumerate(accounts["zip"].to_numpy(dtype=object)):
            z = _clean_zip(z)
            if z is not None and z in table.index:
                zips[i] = z
                lon[i] = table.at[z, "lon"]
                lat[i] = table.at[z, "lat"]
    return zips, lon, lat


def _split_county(geom, seeds: pd.DataFrame) -> pd.DataFrame:
    """Voronoi cells of the seed points clipped to the county (one row per seed)."""
    import shapely

    pts = shapely.multipoints(np.column_stack([seeds["lon"], seeds["lat"]]))
    cells = shapely.voronoi_polygons(pts, extend_to=geom, ordered=True)
    parts = shapely.get_parts(cells)
    clipped = shapely.intersection(parts, geom)
    out = seeds.copy()
    out["geometry"] = clipped
    return out


def _shares_border(g1, g2) -> bool:
    import shapely

    near = shapely.intersection(shapely.boundary(g1), shapely.buffer(g2, 1e-7))
    return bool(shapely.length(near) > 1e-6)


def unit_geography(
    accounts: pd.DataFrame,
    load: np.ndarray | None = None,
    max_unit_load: float | None = None,
) -> UnitGeography:
    """Units, adjacency and account units for a set of US accounts.

    Parameters
    ----------
    accounts : pandas.DataFrame
        Accounts with ``account_id`` and a ``unit_id``/``county_fips``, ``zip`` or
        ``lat``/``lon`` column (see :func:`~spm_models.geography.account_counties`).
    load : numpy.ndarray, optional
        Per-account load (e.g. workload); with ``max_unit_load``, a county whose load
        exceeds it is split into ZIP cells (when its accounts have two ZIPs or more).
    max_unit_load : float, optional
        The largest load one county unit may carry before it is split.

    Returns
    -------
    UnitGeography

    Raises
    ------
    InputDataError
        When an account has no US geography or its ZIP matches no county.
    """
    import shapely

    county_of = account_counties(accounts).to_numpy(dtype=object)
    counties = county_shapes()
    states = set(counties.set_index("unit_id").loc[np.unique(county_of), "state"])
    area = counties[counties["state"].isin(states)].reset_index(drop=True)
    zips, lon, lat = _zip_points(accounts)
    split: list[str] = []
    if load is not None and max_unit_load is not None:
        per_county = pd.Series(np.asarray(load, float)).groupby(county_of).sum()
        split = sorted(c for c, v in per_county.items() if v > max_unit_load)
    rows = []
    cell_of_account = np.full(len(accounts), None, dtype=object)
    kept_split = []
    for c in split:
        mask = county_of == c
        seeds = (
            pd.DataFrame({"zip": zips[mask], "lon": lon[mask], "lat": lat[mask]})
            .query("zip != ''")
            .sort_values("zip")
            # ZIPs that share one centroid make one cell, named by the first ZIP.
            .drop_duplicates(["lon", "lat"])
            .reset_index(drop=True)
        )
        if len(seeds) < 2:
            continue
        kept_split.append(c)
        crow = area[area["unit_id"] == c].iloc[0]
        cells = _split_county(crow["geometry"], seeds)
        for _, cell in cells.iterrows():
            pt = shapely.point_on_surface(cell["geometry"])
            rows.append(
                {"unit_id": f"{c}-{cell['zip']}", "county": c,
                 "name": f"{crow['name']} ({cell['zip']})", "state": crow["state"],
                 "lon": shapely.get_x(pt), "lat": shapely.get_y(pt),
                 "geometry": cell["geometry"]}
            )  # fmt: skip
        # Every account of the county goes to the cell holding its point (its ZIP's seed).
        idx = np.flatnonzero(mask)
        geoms = cells["geometry"].to_numpy()
        tree = shapely.STRtree(geoms)
        nearest = tree.query_nearest(shapely.points(lon[idx], lat[idx]), all_matches=False)[1]
        cell_of_account[idx] = [f"{c}-{z}" for z in cells["zip"].to_numpy()[nearest]]
    whole = area[~area["unit_id"].isin(kept_split)]
    units = pd.concat(
        [
            whole.assign(county=whole["unit_id"])[
                ["unit_id", "county", "name", "state", "lon", "lat", "geometry"]
            ],
            pd.DataFrame(rows, columns=["unit_id", "county", "name", "state", "lon", "lat",
                                        "geometry"]),
        ],
        ignore_index=True,
    )  # fmt: skip
    units["exempt"] = units["state"].isin(EXEMPT_STATES)
    units = units.sort_values("unit_id").reset_index(drop=True)
    pos = {u: i for i, u in enumerate(units["unit_id"])}
    acc_units = np.where(pd.isna(cell_of_account), county_of, cell_of_account)
    account_unit = np.array([pos[u] for u in acc_units], dtype=np.int64)
    edges = _unit_edges(units, pos, set(kept_split))
    return UnitGeography(units, edges, account_unit, tuple(kept_split))


def _unit_edges(units: pd.DataFrame, pos: dict[str, int], split: set[str]) -> np.ndarray:
    """County edges restricted to the area, with split counties replaced by their cells."""
    import shapely

    cells_of: dict[str, list[int]] = {}
    for i, c in enumerate(units["county"]):
        cells_of.setdefault(c, []).append(i)
    geoms = units["geometry"].to_numpy()
    pairs: set[tuple[int, int]] = set()
    for c in split:
        members = cells_of[c]
        for k, a in enumerate(members):
            for b in members[k + 1 :]:
                if _shares_border(geoms[a], geoms[b]):
                    pairs.add((min(a, b), max(a, b)))
    for ca, cb, kind in county_adjacency()[["unit_a", "unit_b", "kind"]].itertuples(index=False):
        if ca not in cells_of or cb not in cells_of:
            continue
        left, right = cells_of[ca], cells_of[cb]
        if len(left) == 1 and len(right) == 1:
            pairs.add((min(left[0], right[0]), max(left[0], right[0])))
            continue
        found = []
        if kind == "border":
            found = [(a, b) for a in left for b in right if _shares_border(geoms[a], geoms[b])]
        if not found:  # across water, or slivers: the two closest units
            dist = [(shapely.distance(geoms[a], geoms[b]), a, b) for a in left for b in right]
            _, a, b = min(dist)
            found = [(a, b)]
        pairs.update((min(a, b), max(a, b)) for a, b in found)
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def locate_units(geo: UnitGeography, lon, lat) -> np.ndarray:
    """Position in ``geo.units`` of the unit holding each point (-1: outside the area).

    A point in a county split into ZIP cells goes to the nearest cell of that county.
    """
    import shapely

    from spm_models.geography.shapes import counties_at

    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    ids = county_shapes()["unit_id"].to_numpy()
    pos = counties_at(lon, lat)
    units = geo.units
    out = np.full(len(lon), -1, dtype=np.int64)
    by_county: dict[str, np.ndarray] = {
        c: np.flatnonzero(units["county"].to_numpy() == c) for c in set(ids[pos[pos >= 0]])
    }
    geoms = units["geometry"].to_numpy()
    for k in np.flatnonzero(pos >= 0):
        cells = by_county[ids[pos[k]]]
        if cells.size == 1:
            out[k] = cells[0]
        elif cells.size > 1:
            pt = shapely.points(lon[k], lat[k])
            out[k] = cells[int(np.argmin(shapely.distance(geoms[cells], pt)))]
    return out
