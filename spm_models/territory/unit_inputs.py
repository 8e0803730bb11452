"""Alignment inputs aggregated to map units: candidate unit-rep arcs, loads, locks, caps.

Every account of a unit goes to the unit's rep, so a unit's load is the sum of its
accounts' and the travel cost of giving unit ``u`` to rep ``r`` is the sum over its accounts
of weight x km to the rep's home (the account model's objective, summed). A unit without
accounts costs ``area_weight`` x km from its centre, which keeps empty units with nearby
reps and is part of the reported objective.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.geography.units import UnitGeography, locate_units
from spm_models.territory.geo import haversine_km, nearest_k
from spm_models.territory.inputs import AlignmentInputs, _reverse_candidates

UNIT_KINDS = ("account", "county")
#: Candidate reps of a unit without accounts: its nearest ones.
EMPTY_UNIT_K = 6
DISRUPTION_COUNTS = ("unit", "account")


@dataclass(frozen=True)
class UnitInputs:
    """Prepared unit-level inputs of an alignment.

    Attributes
    ----------
    base : AlignmentInputs
        The account-level inputs (validated tables, targets, current reps).
    geography : UnitGeography
        Units, adjacency and each account's unit.
    arc_unit, arc_rep : numpy.ndarray
        Unit and rep position of each candidate arc.
    arc_cost : numpy.ndarray
        Travel cost of each arc.
    arc_moved : numpy.ndarray
        Disruption of each arc, as the cap counts it (see :func:`prepare_units`).
    unit_metrics : dict
        ``{metric: per-unit load}`` of every balanced metric.
    fixed, banned : dict
        ``{family: arc positions}`` forced to 1 (``lock``, ``mandatory``) or 0.
    home_unit : numpy.ndarray
        Unit holding each rep's home (-1 when outside the covered area).
    owner : numpy.ndarray
        Each unit's current rep: the one holding most of its workload (-1: none).
    """

    base: AlignmentInputs
    geography: UnitGeography
    arc_unit: np.ndarray
    arc_rep: np.ndarray
    arc_cost: np.ndarray
    arc_moved: np.ndarray
    unit_metrics: dict[str, np.ndarray]
    fixed: dict[str, np.ndarray]
    banned: dict[str, np.ndarray]
    home_unit: np.ndarray
    owner: np.ndarray

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.geography.units)


def _owners(base: AlignmentInputs, account_unit: np.ndarray, n_units: int) -> np.ndarray:
    cur = base.current
    has = cur >= 0
    owner = np.full(n_units, -1, dtype=np.int64)
    if not has.any():
        return owner
    w = base.accounts["workload"].to_numpy(dtype=float)[has] + 1e-9
    frame = pd.DataFrame({"u": account_unit[has], "r": cur[has], "w": w})
    best = (
        frame.groupby(["u", "r"])["w"]
        .sum()
        .reset_index()
        .sort_values(["u", "w", "r"], ascending=[True, False, True])
    )
    first = best.drop_duplicates("u")
    owner[first["u"].to_numpy()] = first["r"].to_numpy()
    return owner


def _unit_reps_needed(
    base: AlignmentInputs,
    account_unit: np.ndarray,
    locked_units: Iterable[str],
    geo: UnitGeography,
    owner: np.ndarray,
) -> dict[int, int]:
    """Unit position -> rep position forced by account locks, mandatory pairs and unit locks."""
    units = geo.units
    acc_ids = base.accounts["account_id"].to_numpy()
    rep_ids = base.reps["rep_id"].to_numpy()
    forced: dict[int, tuple[int, str]] = {}
    problems: list[Problem] = []

    def force(u: int, r: int, why: str) -> None:
        if u in forced and forced[u][0] != r:
            problems.append(
                Problem("locked", f"unit {units['unit_id'].iloc[u]!r} is tied to rep "
                        f"{rep_ids[forced[u][0]]!r} by {forced[u][1]} and to rep {rep_ids[r]!r} "
                        f"by {why}; a unit goes to one rep")
            )  # fmt: skip
            return
        forced[u] = (r, why)

    arcs = base.arcs
    for fam in ("lock", "mandatory"):
        idx = base.fixed.get(fam)
        if idx is None:
            continue
        for item, agent in zip(arcs["item"].to_numpy()[idx], arcs["agent"].to_numpy()[idx],
                               strict=True):  # fmt: skip
            force(int(account_unit[item]), int(agent), f"{fam} of account {acc_ids[item]!r}")
    for value in locked_units:
        hits = _unit_positions(geo, value)
        for u in hits:
            if owner[u] < 0:
                problems.append(
                    Problem("locked_units", f"unit {units['unit_id'].iloc[u]!r} (from {value!r}) "
                            "has no current rep to stay with")
                )  # fmt: skip
                continue
            force(int(u), int(owner[u]), f"the unit lock {value!r}")
    if problems:
        raise InputDataError(problems)
    return {u: r for u, (r, _) in forced.items()}


def _unit_positions(geo: UnitGeography, value: str) -> np.ndarray:
    """Units named by a unit id, a county FIPS code or a county name."""
    from spm_models.geography.lookup import resolve_county

    units = geo.units
    text = str(value).strip()
    exact = np.flatnonzero(units["unit_id"].to_numpy() == text)
    if exact.size:
        return exact
    if "county" not in units or units["county"].isna().all():
        raise InputDataError(
            f"locked unit {value!r} is not a unit of the area", source="locked_units"
        )
    fips = resolve_county(text)
    hits = np.flatnonzero(units["county"].to_numpy() == fips)
    if hits.size == 0:
        raise InputDataError(
            f"locked unit {value!r} (county {fips}) is outside the covered area",
            source="locked_units",
        )
    return hits


def prepare_units(
    base: AlignmentInputs,
    geo: UnitGeography,
    *,
    locked_units: Iterable[str] = (),
    area_weight: float | None = None,
    disruption: str = "unit",
) -> UnitInputs:
    """Aggregate prepared account inputs to the units of ``geo`` and build unit-rep arcs.

    Parameters
    ----------
    base : AlignmentInputs
        From :func:`~spm_models.territory.inputs.prepare_alignment`.
    geo : UnitGeography
        Units and each account's unit.
    locked_units : iterable of str
        Units (unit ids, county FIPS codes or county names) that stay with their current
        rep (the one holding most of their workload).
    area_weight : float, optional
        Cost per km of an empty unit's centre from its rep (default: 1 % of the mean
        account weight), so that units without accounts stay near their reps.
    disruption : {"unit", "account"}
        What the disruption cap counts: ``"unit"``, the accounts (or potential) of units
        that leave their current rep (the one holding most of their workload);
        ``"account"``, every account moved off its own current rep (including accounts of
        a shared unit that must move for the unit to stay whole).

    Returns
    -------
    UnitInputs
    """
    if disruption not in DISRUPTION_COUNTS:
        raise param_error("disruption", "prepare_units", f"one of {DISRUPTION_COUNTS}", disruption)
    spec = base.spec
    acc = base.accounts
    reps = base.reps
    n_units, n_reps = len(geo.units), len(reps)
    account_unit = geo.account_unit
    owner = _owners(base, account_unit, n_units)
    forced = _unit_reps_needed(base, account_unit, locked_units, geo, owner)

    ulat = geo.units["lat"].to_numpy(dtype=float)
    ulon = geo.units["lon"].to_numpy(dtype=float)
    hlat = reps["home_lat"].to_numpy()
    hlon = reps["home_lon"].to_numpy()
    k = n_reps if spec.k_nearest is None else min(spec.k_nearest, n_reps)
    near, _ = nearest_k(ulat, ulon, hlat, hlon, k)
    cur = base.current
    has = cur >= 0
    # A unit without accounts changes no load: it only links and fills territories, so
    # its few nearest reps suffice (this halves the model on a national map).
    empty = np.bincount(account_unit, minlength=n_units) == 0
    k_empty = min(k, EMPTY_UNIT_K)
    full = np.flatnonzero(~empty)
    void = np.flatnonzero(empty)
    items = [np.repeat(full, k), np.repeat(void, k_empty), account_unit[has]]
    agents = [near[full].ravel(), near[void, :k_empty].ravel(), cur[has]]
    if spec.k_nearest is not None and k < n_reps and spec.rep_reach:
        # As for accounts: each rep also keeps its nearest units up to a reach of its
        # target, so that a rep far from everyone (Hawaii) is not starved of candidates.
        m = spec.balance[0]
        load = np.bincount(account_unit, weights=base.metrics[m], minlength=n_units)
        ri, ra = _reverse_candidates(ulat, ulon, hlat, hlon, load, base.targets[m] * spec.rep_reach)
        items.append(ri)
        agents.append(ra)
    if forced:
        items.append(np.array(list(forced), dtype=np.int64))
        agents.append(np.array(list(forced.values()), dtype=np.int64))
    key = np.unique(np.concatenate(items) * n_reps + np.concatenate(agents))
    arc_unit, arc_rep = key // n_reps, key % n_reps
    arc_of = {int(v): j for j, v in enumerate(key)}

    weight = np.ones(len(acc)) if spec.weight == "none" else acc[spec.weight].to_numpy(dtype=float)
    if area_weight is None:
        area_weight = 0.01 * float(weight.mean()) if len(weight) else 0.0
    cost = np.where(empty[arc_unit], area_weight, 0.0) * haversine_km(
        ulat[arc_unit], ulon[arc_unit], hlat[arc_rep], hlon[arc_rep]
    )
    moved = np.zeros(len(key))
    moved_n = np.zeros(len(key))
    basis = (
        acc["potential"].to_numpy(dtype=float)
        if spec.disruption_basis == "potential"
        else np.ones(len(acc))
    )
    # Each account adds its travel to every arc of its unit, and its disruption to every
    # arc of its unit that is not its current rep.
    order = np.argsort(arc_unit, kind="stable")
    start = np.searchsorted(arc_unit[order], np.arange(n_units))
    stop = np.searchsorted(arc_unit[order], np.arange(n_units), side="right")
    lat = acc["lat"].to_numpy()
    lon = acc["lon"].to_numpy()
    for a in range(len(acc)):
        u = account_unit[a]
        js = order[start[u] : stop[u]]
        d = haversine_km(lat[a], lon[a], hlat[arc_rep[js]], hlon[arc_rep[js]])
        cost[js] += weight[a] * d
        if cur[a] >= 0:
            off = arc_rep[js] != cur[a]
            moved[js] += np.where(off, basis[a], 0.0)
            moved_n[js] += off
    cost = cost + spec.move_penalty * moved_n
    if disruption == "unit":
        # A unit moves when it leaves the rep who holds most of its workload today; the
        # accounts of a shared unit that must move to join it are the price of whole units.
        unit_basis = np.bincount(account_unit[has], weights=basis[has], minlength=n_units)
        leaves = (owner[arc_unit] >= 0) & (arc_rep != owner[arc_unit])
        moved = np.where(leaves, unit_basis[arc_unit], 0.0)

    fixed: dict[str, np.ndarray] = {}
    if forced:
        fixed["lock"] = np.array(sorted(arc_of[u * n_reps + r] for u, r in forced.items()))
    banned: dict[str, np.ndarray] = {}
    if spec.forbidden:
        acc_pos = {a: i for i, a in enumerate(acc["account_id"])}
        rep_pos = {r: i for i, r in enumerate(reps["rep_id"])}
        hits = {
            arc_of.get(int(account_unit[acc_pos[a]] * n_reps + rep_pos[r]), -1)
            for a, r in spec.forbidden
        }
        hits.discard(-1)
        if hits:
            banned["forbidden"] = np.array(sorted(hits))
    if spec.max_distance_km is not None:
        dist = haversine_km(ulat[arc_unit], ulon[arc_unit], hlat[arc_rep], hlon[arc_rep])
        far = np.flatnonzero(dist > spec.max_distance_km)
        if far.size:
            banned["max_distance"] = far
    unit_metrics = {
        m: np.bincount(account_unit, weights=base.metrics[m], minlength=n_units)
        for m in spec.balance
    }
    home = (
        locate_units(geo, hlon, hlat) if "geometry" in geo.units else _nearest_unit(geo, hlat, hlon)
    )
    return UnitInputs(
        base=base,
        geography=geo,
        arc_unit=arc_unit,
        arc_rep=arc_rep,
        arc_cost=cost,
        arc_moved=moved,
        unit_metrics=unit_metrics,
        fixed=fixed,
        banned=banned,
        home_unit=home,
        owner=owner,
    )


def _nearest_unit(geo: UnitGeography, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Nearest unit centre to each point (for unit sets without polygons)."""
    idx, _ = nearest_k(lat, lon, geo.units["lat"].to_numpy(), geo.units["lon"].to_numpy(), 1)
    return idx[:, 0]
