"""The capacitated p-median LP by column generation, and solves on a subset of its columns.

The strong formulation has one link row ``x[point, site] <= open[site]`` per point-site
pair, so a 400-point instance has 160,000 rows and its LP relaxation alone takes half a
minute. A point is almost never served by a far site, so :func:`priced_lp` starts from
each point's nearest sites and adds the pairs that price out negative, with their link
rows, until none does. The duals it returns are optimal for the whole LP: a pair that was
never added has a link row whose dual is zero, so its reduced cost is
``cost - u[point] - demand * w[site]`` (``u`` the assignment dual, ``w`` the capacity
dual), and it is non-negative for every such pair at the end. Every bound and every
reduced-cost argument built on them therefore holds for the whole model.

:func:`solve_on_columns` solves the MIP on the columns a caller keeps, without the link
rows of the columns it drops, and returns the solution over all columns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from spm_models.territory.model import AssignmentModel, LinearModel
from spm_models.territory.solve import SolveOutcome, SolveStatus, solve_linear

#: Sites per point in the first restricted LP. On 400-point instances of the Lorena-Senne
#: kind, 60 needs no pricing round and 30 needs five.
NEAREST_SITES = 60
#: Most pairs added per pricing round, per point.
ADDED_PER_POINT = 10


@dataclass(frozen=True)
class PricedLP:
    """The LP relaxation of a whole p-median model, solved on part of its columns.

    Attributes
    ----------
    objective : float
        LP optimum (a lower bound for the whole model).
    x : numpy.ndarray
        LP solution over every column of the model.
    reduced_cost : numpy.ndarray
        Reduced cost of every column under duals that are optimal for the whole LP.
    generated : numpy.ndarray of bool
        Columns that were in the last restricted LP.
    rounds : int
        Restricted LPs solved.
    """

    objective: float
    x: np.ndarray
    reduced_cost: np.ndarray
    generated: np.ndarray
    rounds: int


def priced_lp(
    model: AssignmentModel,
    *,
    nearest: int = NEAREST_SITES,
    threads: int | None = 1,
    max_rounds: int = 50,
) -> PricedLP | None:
    """Solve the LP relaxation of a p-median model by column generation.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.pmedian.build_pmedian`.
    nearest : int
        Cheapest sites per point in the first restricted LP (doubled while it is
        infeasible).
    threads : int, optional
        HiGHS threads.
    max_rounds : int
        Most restricted LPs; ``None`` is returned when pricing has not converged by then.

    Returns
    -------
    PricedLP or None
        ``None`` when no restricted LP reached a proven optimum (the caller then solves the
        whole LP).
    """
    linear, k, n = model.linear, model.n_arcs, model.n_items
    demand = model.resources[0].arc_usage
    active = _nearest_columns(model, nearest)
    for rounds in range(1, max_rounds + 1):
        sub, cols = restricted_model(model, active)
        lp = _solve_relaxation(sub, threads)
        if lp.status == SolveStatus.INFEASIBLE and not active[:k].all():
            nearest *= 2
            active |= _nearest_columns(model, nearest)
            continue
        if lp.status != SolveStatus.OPTIMAL or lp.row_dual is None or lp.col_dual is None:
            return None
        u = lp.row_dual[:n]
        w = lp.row_dual[n : n + model.n_agents]
        rc = np.empty(linear.n_cols)
        rc[:k] = linear.col_cost[:k] - u[model.arc_item] - demand * w[model.arc_agent]
        rc[cols] = lp.col_dual
        # Only pairs outside the restricted LP can price out: the others are at its optimum.
        candidates = np.flatnonzero(~active[:k] & (rc[:k] < -1e-9))
        if candidates.size == 0:
            x = np.zeros(linear.n_cols)
            x[cols] = lp.x
            return PricedLP(lp.objective, x, rc, active.copy(), rounds)
        active[_lowest_per_point(candidates, rc, model.arc_item, ADDED_PER_POINT)] = True
    return None


def _solve_relaxation(sub: LinearModel, threads: int | None) -> SolveOutcome:
    """The LP of a restricted model: interior point with crossover, simplex if that fails.

    Interior point is 2-3 times faster than simplex on these degenerate LPs (1.4 s against
    3.4 s on 400 points x 30 sites); crossover gives a basic solution, whose reduced costs
    the fixing step needs.
    """
    lp = solve_linear(sub, relax=True, threads=threads, options={"solver": "ipm"})
    if lp.status == SolveStatus.OPTIMAL and lp.row_dual is not None:
        return lp
    return solve_linear(sub, relax=True, threads=threads)


def restricted_model(model: AssignmentModel, keep: np.ndarray) -> tuple[LinearModel, np.ndarray]:
    """The model on the kept columns, without the link rows of the dropped point-site pairs.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.pmedian.build_pmedian`.
    keep : numpy.ndarray of bool
        One flag per column; every ``open`` column should be kept.

    Returns
    -------
    tuple of (LinearModel, numpy.ndarray)
        The smaller model and the indices of its columns in the whole model.
    """
    linear, k, n, m = model.linear, model.n_arcs, model.n_items, model.n_agents
    cols = np.flatnonzero(keep)
    # Rows: assignment (n), capacity (m), one link row per pair (k), the centre count.
    pairs = cols[cols < k]
    rows = np.concatenate([np.arange(n + m), n + m + pairs, [n + m + k]])
    sub = linear.subset_columns(cols, rows)
    return sub, cols


def solve_on_columns(
    model: AssignmentModel,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    time_limit: float | None,
    mip_gap: float = 1e-6,
    start: np.ndarray | None = None,
    threads: int | None = 1,
) -> SolveOutcome:
    """Solve the MIP with new column bounds, leaving out every column whose upper bound is 0.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.pmedian.build_pmedian`.
    lower, upper : numpy.ndarray
        Bounds of every column of the whole model.
    time_limit : float, optional
        Seconds.
    mip_gap : float
        Relative gap at which HiGHS may stop.
    start : numpy.ndarray, optional
        A solution over all columns (columns left out must be 0 in it).
    threads : int, optional
        HiGHS threads.

    Returns
    -------
    SolveOutcome
        ``x`` over all columns; status and bound hold for the restricted model only.
    """
    keep = np.asarray(upper) > 0
    keep[model.n_arcs :] = True
    sub, cols = restricted_model(model, keep)
    sub = sub.with_bounds(np.asarray(lower)[cols], np.asarray(upper)[cols])
    out = solve_linear(
        sub,
        time_limit=time_limit,
        mip_gap=mip_gap,
        start=None if start is None else start[cols],
        threads=threads,
    )
    if out.x is None:
        return out
    x = np.zeros(model.linear.n_cols)
    x[cols] = out.x
    return replace(out, x=x)


def _nearest_columns(model: AssignmentModel, nearest: int) -> np.ndarray:
    """Flags: each point's ``nearest`` cheapest pairs, and every ``open`` column."""
    k = model.n_arcs
    keep = np.zeros(model.linear.n_cols, dtype=bool)
    keep[k:] = True
    keep[_lowest_per_point(np.arange(k), model.arc_cost, model.arc_item, nearest)] = True
    return keep


def _lowest_per_point(
    arcs: np.ndarray, value: np.ndarray, arc_item: np.ndarray, per_point: int
) -> np.ndarray:
    """Of ``arcs``, the ``per_point`` with the lowest ``value`` for each point."""
    order = arcs[np.lexsort((value[arcs], arc_item[arcs]))]
    item = arc_item[order]
    rank = np.arange(len(order)) - np.searchsorted(item, item, side="left")
    return order[rank < per_point]
