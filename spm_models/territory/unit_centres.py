"""Green field on map units: territory centres placed on the alignment's own units.

A capacitated p-median over the units of a unit alignment (counties, or ZIP cells where a
county is split): every unit with workload is a demand point and a candidate centre, joins
one of its ``nearest_sites`` nearest candidates, and no territory carries more than
``(1 + tolerance)`` times the mean workload. Units without workload then take the territory
of the nearest unit that has one, along shared borders, so the map has no holes. Because
the design uses the same units as the alignment, its territories are drawn the same way (a
choropleth); when it cannot be computed, :func:`choose_unit_centres` says why in a
:class:`~spm_models.skipped.Skipped`.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.registry import format_value
from spm_models.skipped import Skipped
from spm_models.territory.geo import distance_matrix_km, haversine_km
from spm_models.territory.heuristics import solve_assignment
from spm_models.territory.model import Resource, build_assignment
from spm_models.territory.solve import SolveStatus

SECTION = "The green-field sketch"


@dataclass(frozen=True)
class UnitCentres:
    """A green-field design of territories made of whole units.

    Attributes
    ----------
    status, objective, bound, gap, solver, runtime_s
        Of the p-median (objective: workload times km from each unit's centre point to
        its territory's centre unit, summed).
    n_territories : int
        Territories designed.
    centres : pandas.DataFrame
        ``centre_id``, ``unit_id``, ``name``, ``state``, ``lat``, ``lon``, ``units``,
        ``accounts``, ``workload``.
    unit_centre : numpy.ndarray
        Position in ``centres`` of every unit of ``geography.units``.
    geography : UnitGeography
        The units (shared with the alignment).
    weighted_km : float
        Workload-weighted mean km from each account to its territory's centre unit.
    tolerance : float
        Largest territory workload over the mean, as a share.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    n_territories: int
    centres: pd.DataFrame
    unit_centre: np.ndarray
    geography: object
    weighted_km: float
    tolerance: float
    solver: str
    runtime_s: float

    def units_table(self) -> pd.DataFrame:
        """``unit_id`` and ``centre_id`` for every unit of the covered area."""
        return pd.DataFrame(
            {
                "unit_id": self.geography.units["unit_id"].to_numpy(),
                "centre_id": self.centres["centre_id"].to_numpy()[self.unit_centre],
            }
        )


def _unit_name(units: pd.DataFrame, pos: int) -> str:
    row = units.iloc[pos]
    name = str(row.get("name", "") or row["unit_id"])
    return f"{name}, {row['state']}" if row.get("state") else name


def _capacity_skip(demand, units, cap, tolerance, n_territories) -> Skipped | None:
    big = int(np.argmax(demand))
    if demand[big] <= cap + 1e-9:
        return None
    return Skipped(
        SECTION,
        f"{_unit_name(units, big)} alone carries {format_value(demand[big], 'num')} workload, "
        f"more than one of {format_value(n_territories, 'int')} territories may hold "
        f"({format_value(cap, 'num')} at +{format_value(tolerance, 'pct')} of the mean)",
        "smaller units or more territories",
    )


def green_field_units(result, accounts: pd.DataFrame, n_territories: int):
    """The units and accounts a green-field design on map units uses, or None.

    A unit alignment lends its own units; an alignment of single accounts uses the US
    counties of the accounts (split into ZIP cells where one county carries more than half
    a territory's workload, as unit alignments do). None when the accounts cannot all be
    placed in US counties (the green field then works on clusters of accounts).

    Returns
    -------
    (UnitGeography, pandas.DataFrame) or None
        The geography and the accounts (``lat``, ``lon``, ``workload``) in its order.
    """
    geo = getattr(result, "geography", None)
    if geo is not None:
        return geo, result.assignment
    from spm_models.errors import InputDataError
    from spm_models.geography.units import unit_geography
    from spm_models.territory.units import SPLIT_SHARE

    acc = accounts.reset_index(drop=True)
    load = pd.to_numeric(acc["workload"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    try:
        geo = unit_geography(
            acc, load=load, max_unit_load=SPLIT_SHARE * float(load.sum()) / n_territories
        )
    except InputDataError:
        return None
    return geo, acc


def choose_unit_centres(
    geography,
    accounts: pd.DataFrame,
    *,
    n_territories: int,
    tolerance: float = 0.10,
    nearest_sites: int = 30,
    rounds: int = 3,
    time_limit: float | None = 10.0,
    mip_gap: float = 0.005,
) -> UnitCentres | Skipped:
    """Place ``n_territories`` centres on the units of a unit alignment (p-median).

    Parameters
    ----------
    geography : UnitGeography
        The units (see :func:`green_field_units`).
    accounts : pandas.DataFrame
        ``lat``, ``lon`` and ``workload`` of every account, in the order of
        ``geography.account_unit``; reps and today's alignment are ignored.
    n_territories : int
        Territories to design.
    tolerance : float
        Largest territory workload over the mean, as a share.
    nearest_sites : int
        Centres each unit may join (its nearest).
    rounds : int
        Location-allocation rounds: assign units to the centres within the workload cap
        (a MIP, solved to ``mip_gap``), then move each centre to its territory's
        1-median unit; the best assignment is kept.
    time_limit : float, optional
        Seconds for each round's assignment.
    mip_gap : float
        Relative gap at which the solve may stop.

    Returns
    -------
    UnitCentres or Skipped
        The design, or why it cannot be computed (too few units with workload, a unit
        heavier than a territory may be, or no design found in time).
    """
    t0 = time.perf_counter()
    geo = geography
    units = geo.units
    work = pd.to_numeric(accounts["workload"], errors="coerce").fillna(0.0).to_numpy(float)
    demand_all = np.bincount(geo.account_unit, weights=work, minlength=len(units))
    points = np.flatnonzero(demand_all > 0)
    if len(points) < max(n_territories, 2):
        return Skipped(
            SECTION,
            f"the accounts' workload sits in {format_value(len(points), 'int')} counties or ZIP "
            f"cells, fewer than the {format_value(n_territories, 'int')} territories to centre",
            "at least one unit with workload per territory",
        )
    demand = demand_all[points]
    cap = (1 + tolerance) * float(demand.sum()) / n_territories
    skip = _capacity_skip(demand, units.iloc[points], cap, tolerance, n_territories)
    if skip is not None:
        return skip
    lat = units["lat"].to_numpy(dtype=float)[points]
    lon = units["lon"].to_numpy(dtype=float)[points]
    dist = distance_matrix_km(lat, lon, lat, lon)
    sites = candidate_sites(lat, lon, demand, n_territories)
    best = None
    for _ in range(rounds):
        out, point_centre = _assign(dist, demand, sites, cap, nearest_sites, time_limit, mip_gap)
        if out.x is None:
            break
        if best is None or out.objective < best[0].objective - 1e-9:
            best = (out, point_centre, sites)
        moved = recentre(dist, demand, point_centre, sites)
        if np.array_equal(moved, sites):
            break
        sites = moved
    if best is None:
        return Skipped(SECTION, _no_design_reason(out, nearest_sites, time_limit))
    out, point_centre, sites = best
    unit_centre = np.full(len(units), -1, dtype=np.int64)
    unit_centre[points] = point_centre
    unit_centre = fill_by_adjacency(unit_centre, geo.neighbours(), units)
    centres = _centre_table(units, points[sites], unit_centre, geo.account_unit, work)
    a = accounts
    acc_centre = unit_centre[geo.account_unit]
    km = haversine_km(
        a["lat"].to_numpy(float), a["lon"].to_numpy(float),
        centres["lat"].to_numpy()[acc_centre], centres["lon"].to_numpy()[acc_centre],
    )  # fmt: skip
    weighted = float((km * work).sum() / work.sum())
    return UnitCentres(
        out.status, out.objective, out.bound, out.gap, n_territories, centres, unit_centre,
        geo, weighted, tolerance, out.solver, time.perf_counter() - t0,
    )  # fmt: skip


def _assign(dist, demand, sites, cap, nearest_sites, time_limit, mip_gap):
    """Units to the given centres, no territory's workload above ``cap`` (a GAP)."""
    k = len(sites)
    near = np.argsort(dist[:, sites], axis=1)[:, : min(nearest_sites, k)]
    item = np.repeat(np.arange(len(demand)), near.shape[1])
    agent = near.ravel()
    resource = Resource("workload", demand[item], np.full(k, -np.inf), np.full(k, cap))
    model = build_assignment(
        [f"U{i}" for i in range(len(demand))], [f"C{j}" for j in range(k)], item, agent,
        dist[item, sites[agent]] * demand[item], [resource], name="green_field_units",
    )  # fmt: skip
    out = solve_assignment(model, time_limit=time_limit, mip_gap=mip_gap)
    if out.x is None:
        return out, None
    return out, model.arc_agent[model.choice_from_x(out.x)]


def recentre(
    dist: np.ndarray, demand: np.ndarray, point_centre: np.ndarray, sites: np.ndarray
) -> np.ndarray:
    """Each territory's 1-median: its unit with the least workload-weighted km to the rest."""
    out = sites.copy()
    for k in range(len(sites)):
        mine = np.flatnonzero(point_centre == k)
        if mine.size:
            total = demand[mine] @ dist[np.ix_(mine, mine)]
            out[k] = mine[int(np.argmin(total))]
    return out


def _no_design_reason(out, nearest_sites: int, time_limit: float | None) -> str:
    if out.status == SolveStatus.INFEASIBLE:
        return (
            "the units cannot be shared among the centres within the workload cap when each "
            f"unit may join only its {nearest_sites} nearest centres"
        )
    return f"the optimiser found no design within its {format_value(time_limit, 'num')} seconds"


def candidate_sites(lat: np.ndarray, lon: np.ndarray, demand: np.ndarray, k: int) -> np.ndarray:
    """Positions of ``k`` starting centres among the points, spread by workload.

    Weighted k-means on the points; each cluster's centre is the point nearest its
    centroid (so every centre is a unit of the map), distinct points for distinct clusters.
    """
    if len(lat) <= k:
        return np.arange(len(lat))
    from sklearn.cluster import KMeans

    xy = np.column_stack([lat, lon])
    km = KMeans(n_clusters=k, n_init=1, random_state=0).fit(xy, sample_weight=demand)
    c = km.cluster_centers_
    d = distance_matrix_km(c[:, 0], c[:, 1], lat, lon)
    chosen: list[int] = []
    for row in d:
        # The nearest point no other cluster took (k <= len(points) guarantees one).
        chosen.append(int(next(j for j in np.argsort(row) if j not in chosen)))
    return np.array(chosen, dtype=np.int64)


def fill_by_adjacency(
    unit_centre: np.ndarray, neighbours: list[np.ndarray], units: pd.DataFrame
) -> np.ndarray:
    """Give every unassigned unit (``-1``) the territory of the nearest assigned unit.

    Nearest along shared borders (fewest borders crossed, a breadth-first search from every
    assigned unit at once); units no border path reaches (islands) take the territory of the
    nearest assigned unit in km.
    """
    out = unit_centre.copy()
    queue = deque(np.flatnonzero(out >= 0).tolist())
    while queue:
        u = queue.popleft()
        for v in neighbours[u].tolist():
            if out[v] < 0:
                out[v] = out[u]
                queue.append(v)
    left = np.flatnonzero(out < 0)
    if left.size:
        done = np.flatnonzero(out >= 0)
        lat = units["lat"].to_numpy(dtype=float)
        lon = units["lon"].to_numpy(dtype=float)
        d = distance_matrix_km(lat[left], lon[left], lat[done], lon[done])
        out[left] = out[done[np.argmin(d, axis=1)]]
    return out


def _centre_table(units, centre_units, unit_centre, account_unit, work) -> pd.DataFrame:
    k = len(centre_units)
    acc_centre = unit_centre[account_unit]
    return pd.DataFrame(
        {
            "centre_id": [f"C{i + 1:03d}" for i in range(k)],
            "unit_id": units["unit_id"].to_numpy()[centre_units],
            "name": units["name"].to_numpy()[centre_units] if "name" in units else "",
            "state": units["state"].to_numpy()[centre_units],
            "lat": units["lat"].to_numpy(dtype=float)[centre_units],
            "lon": units["lon"].to_numpy(dtype=float)[centre_units],
            "units": np.bincount(unit_centre, minlength=k),
            "accounts": np.bincount(acc_centre, minlength=k),
            "workload": np.bincount(acc_centre, weights=work, minlength=k),
        }
    )


def unit_centres_sentence(centres: UnitCentres, figures: dict[str, object]) -> str:
    """Green-field travel on the same units against today's and the proposed alignment's."""
    from spm_models.registry import format_figure

    gap = (
        "proven optimal"
        if centres.gap == 0
        else f"within {format_value(centres.gap, 'pct')} of the best possible"
    )
    text = (
        "Built from scratch on whole counties (ZIP cells where one county is too big for a "
        f"territory), {format_value(centres.n_territories, 'int')} territories centred on one "
        f"of their units, none above {format_value(1 + centres.tolerance, 'pct')} of the mean "
        f"workload, would put weighted travel at {format_value(centres.weighted_km, 'km')} from "
        "each account to its territory's centre"
    )
    before, after = "territory.weighted_travel_before", "territory.weighted_travel_after"
    if before in figures and after in figures:
        text += (
            f", against {format_figure(before, figures[before])} to today's rep homes and "
            f"{format_figure(after, figures[after])} under the proposed alignment, which keeps "
            "today's homes and limits moves"
        )
    text += (
        f". The sharing of units among these centres is {gap} (distances between unit "
        "centres); the centres come from moving each to the middle of its territory and "
        "sharing again, which proves no bound"
    )
    return text + "."
