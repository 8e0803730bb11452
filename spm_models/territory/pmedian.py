"""Where territories should be centred, and how many are needed: a capacitated p-median.

Choose ``p`` centres among candidate sites and assign every demand point to one open centre
within its capacity, minimising total (weighted) distance. Built on the same assignment
model as the territory alignment, with a binary ``open`` column per site:

* ``assign_once_{point}``: each point goes to exactly one site;
* ``capacity_max_{site}``: demand at a site <= capacity x open;
* ``link_{point}_{site}``: a point goes only to an open site (the strong formulation);
* ``centre_count``: exactly ``p`` sites open.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse

from spm_models.errors import InputDataError, param_error
from spm_models.territory.gap_instances import PmedcapInstance
from spm_models.territory.geo import distance_matrix_km
from spm_models.territory.model import AssignmentModel, LinearModel, Resource, build_assignment
from spm_models.territory.pmedian_solve import solve_pmedian_exact
from spm_models.territory.solve import SolveOutcome, SolveStatus, solve_linear


def build_pmedian(
    cost: np.ndarray,
    demand: np.ndarray,
    p: int,
    capacity: float | np.ndarray,
    *,
    point_ids: list[str] | None = None,
    site_ids: list[str] | None = None,
    integral_objective: bool = False,
) -> AssignmentModel:
    """Build a capacitated p-median model (no solving).

    Parameters
    ----------
    cost : numpy.ndarray
        ``points x sites`` cost of serving a point from a site (``inf``: not allowed).
    demand : numpy.ndarray
        Demand of each point.
    p : int
        Number of sites to open.
    capacity : float or numpy.ndarray
        Capacity of each open site (one number for all, or one per site).
    point_ids, site_ids : list of str, optional
        Identifiers used in names.
    integral_objective : bool
        Whether every objective value is an integer (e.g. floored distances).

    Returns
    -------
    AssignmentModel
        Its ``linear`` has one column per allowed point-site pair, then one ``open`` column
        per site.
    """
    cost = np.asarray(cost, dtype=float)
    n, m = cost.shape
    if not 1 <= p <= m:
        raise param_error("p", "build_pmedian", f"an integer in 1..{m}", p)
    point_ids = point_ids or [f"P{i + 1}" for i in range(n)]
    site_ids = site_ids or [f"S{j + 1}" for j in range(m)]
    ii, jj = np.nonzero(np.isfinite(cost))
    base = build_assignment(
        point_ids,
        site_ids,
        ii,
        jj,
        cost[ii, jj],
        [
            Resource(
                "capacity", np.asarray(demand, float)[ii], np.full(m, -np.inf), np.full(m, np.inf)
            )
        ],
        name="capacitated_p_median",
        integral_objective=integral_objective,
    )
    lin = base.linear
    k = len(ii)
    # Capacity rows: demand x - capacity * open <= 0.
    dem = sparse.csr_matrix((np.asarray(demand, float)[ii], (jj, np.arange(k))), shape=(m, k))
    site_cap = np.broadcast_to(np.asarray(capacity, dtype=float), (m,)).copy()
    cap_rows = sparse.hstack([dem, sparse.diags(-site_cap, format="csr")], format="csr")
    link = sparse.hstack(
        [
            sparse.identity(k, format="csr"),
            sparse.csr_matrix((-np.ones(k), (np.arange(k), jj)), shape=(k, m)),
        ],
        format="csr",
    )
    count = sparse.hstack(
        [sparse.csr_matrix((1, k)), sparse.csr_matrix(np.ones((1, m)))], format="csr"
    )
    assign = sparse.hstack([lin.matrix[:n], sparse.csr_matrix((n, m))], format="csr")
    matrix = sparse.vstack([assign, cap_rows, link, count], format="csr")
    names = (
        *lin.row_names[:n],
        *(f"capacity_max_{s}" for s in site_ids),
        *(f"link_{point_ids[a]}_{site_ids[b]}" for a, b in zip(ii, jj, strict=True)),
        "centre_count",
    )
    linear = LinearModel(
        name="capacitated_p_median",
        col_cost=np.concatenate([lin.col_cost[:k], np.zeros(m)]),
        col_lower=np.zeros(k + m),
        col_upper=np.ones(k + m),
        integer=np.ones(k + m, dtype=bool),
        matrix=matrix,
        row_lower=np.concatenate([np.ones(n), np.full(m, -np.inf), np.full(k, -np.inf), [p]]),
        row_upper=np.concatenate([np.ones(n), np.zeros(m), np.zeros(k), [p]]),
        row_names=names,
        col_names=(*lin.col_names[:k], *(f"open_{s}" for s in site_ids)),
        integral_objective=integral_objective,
    )
    return replace(base, linear=linear, extra={"p": p, "capacity": site_cap})


def pmedcap_model(instance: PmedcapInstance) -> AssignmentModel:
    """Model of a capacitated p-median instance (its own distance rule and capacities)."""
    return build_pmedian(
        instance.distances(),
        instance.demand,
        instance.p,
        instance.capacity,
        integral_objective=instance.floor_distances,
    )


def open_sites(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    """Indices of the sites a solution opens."""
    return np.flatnonzero(x[model.n_arcs : model.n_arcs + model.n_agents] > 0.5)


def solve_pmedian(
    model: AssignmentModel,
    *,
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-6,
    threads: int | None = None,
) -> SolveOutcome:
    """Solve a p-median model with HiGHS (true status, bound and gap)."""
    return solve_linear(model.linear, time_limit=time_limit, mip_gap=mip_gap, threads=threads)


@dataclass(frozen=True)
class CentreResult:
    """Territory centres for a green-field design.

    Attributes
    ----------
    status, objective, bound, gap, solver, runtime_s
        As for every model result (objective: workload-weighted km to the centre).
    n_territories : int
        Number of territories (given, or derived from the workload per rep).
    centres : pandas.DataFrame
        ``centre_id``, ``lat``, ``lon``, ``accounts``, ``workload``.
    assignment : pandas.DataFrame
        ``account_id``, ``centre_id``, ``distance_km``.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    n_territories: int
    centres: pd.DataFrame
    assignment: pd.DataFrame
    solver: str
    runtime_s: float


def choose_centres(
    accounts: pd.DataFrame,
    *,
    n_territories: int | None = None,
    workload_per_rep: float | None = None,
    tolerance: float = 0.10,
    max_sites: int = 50,
    seed: int = 0,
    time_limit: float | None = 60.0,
    nearest_sites: int | None = None,
) -> CentreResult:
    """Choose where territories should be centred (and how many) for a green-field design.

    Accounts are grouped into at most ``max_sites`` geographic clusters (weighted k-means),
    whose workload-weighted centroids are both the demand points and the candidate centres;
    a capacitated p-median then picks ``n_territories`` centres, each carrying at most
    ``(1 + tolerance)`` times the mean workload. It is solved by
    :func:`~spm_models.territory.pmedian_solve.solve_pmedian_exact` over every
    cluster-centre pair, so status, bound and gap hold for the whole model (a model of
    each cluster's nearest centres can prove an "optimum" that the whole model beats).

    Parameters
    ----------
    accounts : pandas.DataFrame
        With ``account_id``, ``lat``, ``lon``, ``workload``.
    n_territories : int, optional
        Number of territories; when omitted it is ``ceil(total workload / workload_per_rep)``.
    workload_per_rep : float, optional
        Workload one full rep can carry.
    tolerance : float
        Capacity headroom over the mean workload per territory.
    max_sites : int
        Cluster count (keeps the MIP small on large account files); raised to
        ``n_territories`` when smaller.
    seed : int
        Seed of the clustering.
    time_limit : float, optional
        Seconds for the MIP.
    nearest_sites : int, optional
        When given, each cluster may join only its nearest candidate centres (a smaller
        model, whose bound holds for that model only). Default: every centre.

    Returns
    -------
    CentreResult
    """
    from sklearn.cluster import KMeans

    for col in ("account_id", "lat", "lon", "workload"):
        if col not in accounts:
            raise InputDataError(
                f"column {col!r} is missing (needed to choose centres)", source="accounts.csv"
            )
    total = float(accounts["workload"].sum())
    if n_territories is None:
        if workload_per_rep is None or workload_per_rep <= 0:
            raise param_error(
                "workload_per_rep",
                "choose_centres",
                "a positive number when n_territories is not given",
                workload_per_rep,
            )
        n_territories = max(1, math.ceil(total / workload_per_rep))
    t0 = time.perf_counter()
    pts = accounts[["lat", "lon"]].to_numpy(float)
    w = accounts["workload"].to_numpy(float)
    if n_territories > len(accounts):
        raise param_error(
            "n_territories", "choose_centres", f"at most {len(accounts)}", n_territories
        )
    k = int(min(max(max_sites, n_territories), len(accounts)))
    km = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(pts, sample_weight=w + 1e-9)
    label = km.labels_
    demand = np.bincount(label, weights=w, minlength=k)
    cnt = np.bincount(label, minlength=k)
    lat = np.bincount(label, weights=w * pts[:, 0], minlength=k) / np.maximum(demand, 1e-9)
    lon = np.bincount(label, weights=w * pts[:, 1], minlength=k) / np.maximum(demand, 1e-9)
    used = cnt > 0
    lat, lon, demand = lat[used], lon[used], demand[used]
    remap = np.cumsum(used) - 1
    label = remap[label]
    dist = distance_matrix_km(lat, lon, lat, lon)
    cap = (1 + tolerance) * total / n_territories
    cost = dist * demand[:, None]
    if nearest_sites is not None and len(lat) > nearest_sites:
        far = np.argsort(dist, axis=1)[:, nearest_sites:]
        np.put_along_axis(cost, far, np.inf, axis=1)
    model = build_pmedian(cost, demand, n_territories, cap)
    out = solve_pmedian_exact(model, time_limit=time_limit)
    if out.status == SolveStatus.INFEASIBLE:
        from spm_models.errors import InfeasibleModelError

        raise InfeasibleModelError(
            "territory centres",
            "capacity_max",
            f"{n_territories} territories of at most {cap:,.0f} workload cannot take every "
            f"cluster (the largest cluster has {demand.max():,.0f})",
            "raise the tolerance or the number of territories",
        )
    if out.x is None:
        return CentreResult(
            out.status,
            out.objective,
            out.bound,
            out.gap,
            n_territories,
            pd.DataFrame(),
            pd.DataFrame(),
            out.solver,
            time.perf_counter() - t0,
        )
    sites = open_sites(model, out.x)
    choice = model.choice_from_x(out.x)
    site_of_cluster = model.arc_agent[choice]
    centre_ids = {s: f"C{i + 1:03d}" for i, s in enumerate(sites)}
    acc_site = site_of_cluster[label]
    assignment = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy(),
            "centre_id": [centre_ids[s] for s in acc_site],
            "distance_km": distance_matrix_km(pts[:, 0], pts[:, 1], lat, lon)[
                np.arange(len(pts)), acc_site
            ],
        }
    )
    centres = pd.DataFrame(
        {
            "centre_id": [centre_ids[s] for s in sites],
            "lat": lat[sites],
            "lon": lon[sites],
            "accounts": [int((acc_site == s).sum()) for s in sites],
            "workload": [float(w[acc_site == s].sum()) for s in sites],
        }
    )
    return CentreResult(
        out.status,
        out.objective,
        out.bound,
        out.gap,
        n_territories,
        centres,
        assignment,
        out.solver,
        time.perf_counter() - t0,
    )
