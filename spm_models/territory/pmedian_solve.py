"""Capacitated p-median solved exactly: heuristic start, reduced-cost fixing, then HiGHS.

:func:`solve_pmedian_exact` works on the compact model of
:func:`~spm_models.territory.pmedian.build_pmedian` (``x`` point-site assignment, ``open``
site, capacity, ``x <= open``, exactly ``p`` open):

1. the LP relaxation by column generation over each point's nearest sites
   (:func:`~spm_models.territory.pmedian_lp.priced_lp`): a lower bound, and reduced costs
   of every column; then a short plain HiGHS solve on the LP's columns, which closes small
   instances at once;
2. a location-allocation heuristic: open the ``p`` sites the LP opens most, assign points
   to them as a generalized assignment problem (:func:`~spm_models.territory.gap_solve.solve_gap`),
   move each centre to the best site of its own cluster and re-assign, while it improves;
   re-solve a few neighbouring territories exactly; then let HiGHS re-choose the centres on
   which the LP and the incumbent disagree (:func:`lp_guided_search`);
3. reduced-cost fixing: a column whose reduced cost exceeds the incumbent's gap to the LP
   bound cannot be in a better solution and is dropped, with its link row;
4. HiGHS on what is left, started from the incumbent. The bound reported holds for the
   whole model: the smaller of that MIP's bound and the LP bound plus the smallest dropped
   reduced cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from spm_models.territory.gap_instances import GapInstance
from spm_models.territory.gap_search import descend, repair, total_cost
from spm_models.territory.gap_solve import solve_gap
from spm_models.territory.model import AssignmentModel
from spm_models.territory.pmedian_lp import PricedLP, priced_lp, solve_on_columns
from spm_models.territory.solve import SolveOutcome, SolveStatus, classify, solve_linear

#: Share of the heuristic's time for allocation, swaps and re-centring; then of what is
#: left, the share for the regional re-solves; the LP-guided re-solve has the rest.
SWAP_SHARE = 0.4
REGIONAL_SHARE = 0.5


def solve_pmedian_exact(
    model: AssignmentModel,
    *,
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-6,
    threads: int | None = 1,
    quick_share: float = 0.1,
    heuristic_share: float = 0.8,
) -> SolveOutcome:
    """Solve a capacitated p-median model to proven optimality where time allows.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.pmedian.build_pmedian`.
    time_limit : float, optional
        Overall seconds (default 60; ``None``: no limit).
    mip_gap : float
        Relative gap at which HiGHS may stop.
    threads : int, optional
        HiGHS threads.
    quick_share : float
        Share of the budget for a first plain HiGHS solve (small instances close there).
    heuristic_share : float
        Largest share of the budget the heuristic may use. Small instances finish their
        heuristic early and leave the rest to HiGHS; on 300-400 points the final HiGHS solve
        rarely improves a heuristic answer that is percents from the bound, while the
        heuristic's re-solves still do.

    Returns
    -------
    SolveOutcome
        Status, objective, bound and gap over the whole model; ``x`` the best solution.
    """
    t0 = time.perf_counter()
    budget = time_limit if time_limit is not None else 3600.0
    linear = model.linear
    lp = _relaxation(model, threads)
    if lp is None:
        return solve_linear(linear, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    end = t0 + budget

    def left() -> float:
        return end - time.perf_counter()

    # Small instances close in a short plain solve on the LP's columns; keep its answer when
    # it proves optimality for the whole model. On large ones the LP alone can take much of
    # the budget, so every share is capped by what is left.
    quick = _proven_on_generated(
        model,
        lp,
        time_limit=max(min(quick_share * budget, left()), 0.5),
        mip_gap=mip_gap,
        threads=threads,
    )
    if quick.status == SolveStatus.OPTIMAL or (
        quick.status == SolveStatus.INFEASIBLE and lp.generated.all()
    ):
        return replace(quick, runtime_s=time.perf_counter() - t0)
    heur_until = min(time.perf_counter() + heuristic_share * budget, end - 0.5)
    x0 = location_allocation(model, lp.x, until=heur_until)
    if x0 is not None and linear.max_violation(x0) > 1e-6:
        x0 = None
    if quick.x is not None and (x0 is None or quick.objective < linear.evaluate(x0)):
        x0 = quick.x
    ub = linear.evaluate(x0) if x0 is not None else math.inf
    rc = lp.reduced_cost
    slack = ub - lp.objective
    threshold = slack - 1.0 + 1e-6 if linear.integral_objective else slack + 1e-9
    keep = rc <= threshold
    if x0 is not None:
        keep |= x0 > 0.5
    floor = _floor(lp, keep)
    out = solve_on_columns(
        model,
        linear.col_lower,
        np.where(keep, linear.col_upper, 0.0),
        time_limit=max(left(), 0.5),
        mip_gap=mip_gap,
        start=x0,
        threads=threads,
    )
    if out.status == SolveStatus.INFEASIBLE and x0 is None and keep.all():
        # Nothing was left out, so no assignment exists (the LP may still split a point).
        return replace(out, runtime_s=time.perf_counter() - t0)
    x = out.x
    obj = out.objective if x is not None else math.nan
    if x0 is not None and (x is None or ub < obj):
        x, obj = x0, ub
    bound = min(out.bound, floor) if math.isfinite(out.bound) else lp.objective
    bound = max(bound, lp.objective)
    status, bound, gap = classify(obj, bound, linear.integral_objective, x is not None)
    detail = (
        f"LP {lp.objective:.6g} ({lp.rounds} pricing rounds); heuristic {ub:.6g}; "
        f"kept {int(keep.sum())} of {linear.n_cols} columns; {out.detail}"
    )
    return SolveOutcome(
        status, obj, bound, gap, x, out.solver, time.perf_counter() - t0, detail=detail
    )


def _relaxation(model: AssignmentModel, threads: int | None) -> PricedLP | None:
    """The LP by pricing, or by a solve of the whole LP when pricing does not converge."""
    priced = priced_lp(model, threads=threads)
    if priced is not None:
        return priced
    lp = solve_linear(model.linear, relax=True, threads=threads)
    if lp.status != SolveStatus.OPTIMAL or lp.x is None or lp.col_dual is None:
        return None
    every = np.ones(model.linear.n_cols, dtype=bool)
    return PricedLP(lp.objective, lp.x, lp.col_dual, every, 1)


def _floor(lp: PricedLP, keep: np.ndarray) -> float:
    """Lower bound on any solution that uses a column outside ``keep``.

    Such a solution costs at least the LP bound plus that column's reduced cost, because the
    LP duals are feasible for the whole model.
    """
    dropped = lp.reduced_cost[~keep]
    return lp.objective + float(dropped.min()) if dropped.size else math.inf


def _proven_on_generated(
    model: AssignmentModel,
    lp: PricedLP,
    *,
    time_limit: float,
    mip_gap: float,
    threads: int | None,
) -> SolveOutcome:
    """A plain HiGHS solve on the LP's columns, its bound valid for the whole model."""
    linear = model.linear
    out = solve_on_columns(
        model,
        linear.col_lower,
        np.where(lp.generated, linear.col_upper, 0.0),
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
    )
    if out.x is None:
        return out
    bound = max(min(out.bound, _floor(lp, lp.generated)), lp.objective)
    status, bound, gap = classify(out.objective, bound, linear.integral_objective, True)
    return replace(out, status=status, bound=bound, gap=gap)


def _dense(model: AssignmentModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Points x sites cost (``inf`` where not allowed), demand, site capacities and ``p``."""
    n, m = model.n_items, model.n_agents
    cost = np.full((n, m), np.inf)
    cost[model.arc_item, model.arc_agent] = model.arc_cost
    demand = np.zeros(n)
    demand[model.arc_item] = model.resources[0].arc_usage
    return cost, demand, np.asarray(model.extra["capacity"], dtype=float), int(model.extra["p"])


def location_allocation(
    model: AssignmentModel, x_lp: np.ndarray, *, until: float, rounds: int = 20
) -> np.ndarray | None:
    """A feasible p-median solution from the LP: open, assign, re-centre, repeat.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.pmedian.build_pmedian`.
    x_lp : numpy.ndarray
        LP relaxation columns (their ``open`` values choose the first sites).
    until : float
        ``time.perf_counter()`` value at which to stop.
    rounds : int
        Most re-centring rounds.

    Returns
    -------
    numpy.ndarray or None
        Columns of the best solution found, or ``None``.
    """
    cost, demand, capacity, p = _dense(model)
    k = model.n_arcs
    sites = np.sort(np.argsort(-x_lp[k : k + model.n_agents], kind="stable")[:p])
    best_x, best_obj = None, math.inf
    seen: set[tuple[int, ...]] = set()
    # On large instances one swap pass alone can outlast the budget; each stage keeps a
    # share of it for the exact re-solves after it, which improve such instances most.
    start = time.perf_counter()
    swaps_until = start + SWAP_SHARE * (until - start)
    for _ in range(rounds):
        key = tuple(int(s) for s in sites)
        if key in seen or time.perf_counter() >= swaps_until:
            break
        seen.add(key)
        per = max((swaps_until - time.perf_counter()) / 4, 0.3)
        agent_of = _allocate(cost, demand, capacity, sites, per)
        if agent_of is None:
            break
        x = _columns(model, sites, agent_of)
        obj = model.linear.evaluate(x)
        if obj < best_obj - 1e-9:
            best_x, best_obj = x, obj
        moved = _swap_search(cost, demand, capacity, sites, swaps_until)
        sites = moved if moved is not None else _recentre(cost, demand, capacity, sites, agent_of)
    if best_x is None:
        return None
    sites = np.flatnonzero(best_x[k:] > 0.5)
    site_of = model.arc_agent[model.choice_from_x(best_x)]
    regional_until = time.perf_counter() + REGIONAL_SHARE * (until - time.perf_counter())
    sites, site_of = _regional_search(
        cost,
        demand,
        capacity,
        sites,
        site_of,
        regional_until,
        integral=model.linear.integral_objective,
    )
    regional = _columns(model, sites, site_of)
    if model.linear.evaluate(regional) < best_obj:
        best_x, best_obj = regional, model.linear.evaluate(regional)
    guided = lp_guided_search(model, x_lp, best_x, until=until, cost=cost)
    return guided if guided is not None and model.linear.evaluate(guided) < best_obj else best_x


def lp_guided_search(
    model: AssignmentModel,
    x_lp: np.ndarray,
    x_best: np.ndarray,
    *,
    until: float,
    near: int = 3,
    cost: np.ndarray | None = None,
) -> np.ndarray | None:
    """Re-solve the sites on which the LP and the incumbent disagree (RINS; Danna et al. 2005).

    A site that both open stays open, and a site that both leave closed (LP value 0) stays
    closed with every assignment to it, unless it is one of the ``near`` sites closest to a
    disputed site; HiGHS chooses the other centres and every assignment, started from the
    incumbent. Where local moves of one or a few centres stall, this moves
    several centres at once, in the places the LP relaxation points at. ``cost`` is the
    dense points x sites cost of the model when the caller already has it.

    Returns
    -------
    numpy.ndarray or None
        Columns of the sub-model's best solution (feasible for the whole model), or ``None``
        when nothing was left to choose or no time remained.
    """
    k, linear = model.n_arcs, model.linear
    lp_open, best_open = x_lp[k:], x_best[k:] > 0.5
    keep_open = best_open & (lp_open > 1 - 1e-6)
    shut = ~best_open & (lp_open < 1e-6)
    left = until - time.perf_counter()
    if left < 0.5 or (keep_open | shut).all():
        return None
    # The better centre is often a neighbour of a disputed one that the LP left at 0, so the
    # sites nearest each disputed site are freed too.
    if cost is None:
        cost = _dense(model)[0]
    for site in np.flatnonzero(~(keep_open | shut)):
        closest_point = int(np.argmin(cost[:, site]))
        shut[np.argsort(cost[closest_point], kind="stable")[: near + 1]] = False
    lower, upper = linear.col_lower.copy(), linear.col_upper.copy()
    lower[k:][keep_open] = 1.0
    upper[k:][shut] = 0.0
    upper[:k][shut[model.arc_agent]] = 0.0
    out = solve_on_columns(
        model, lower, upper, time_limit=left, mip_gap=1e-9, start=x_best, threads=1
    )
    return out.x if out.x is not None and linear.max_violation(out.x) <= 1e-6 else None


def _allocate(
    cost: np.ndarray, demand: np.ndarray, capacity: np.ndarray, sites: np.ndarray, seconds: float
) -> np.ndarray | None:
    """Best assignment of points to the open sites (a generalized assignment problem)."""
    sub = cost[:, sites].T  # agents (open sites) x jobs (points)
    big = np.where(np.isfinite(sub), sub, 0).max() * sub.shape[1] + 1.0
    usage = np.tile(demand, (len(sites), 1))
    inst = GapInstance("allocation", np.where(np.isfinite(sub), sub, big), usage, capacity[sites])
    res = solve_gap(inst, "min", time_limit=seconds)
    if res.agent_of is None or not np.isfinite(sub[res.agent_of, np.arange(sub.shape[1])]).all():
        return None
    return sites[res.agent_of]


def _quick_cost(
    cost: np.ndarray, demand: np.ndarray, capacity: np.ndarray, sites: np.ndarray
) -> float:
    """Cost of a fast allocation to ``sites``: nearest site, repair, shift/swap descent."""
    sub = cost[:, sites].T
    if not np.isfinite(sub).any(axis=0).all():
        return math.inf
    big = np.where(np.isfinite(sub), sub, 0).max() * sub.shape[1] + 1.0
    sub = np.where(np.isfinite(sub), sub, big)
    usage = np.tile(demand, (len(sites), 1))
    caps = capacity[sites]
    sol = repair(sub, usage, caps, np.argmin(sub, axis=0))
    if sol is None:
        return math.inf
    value = total_cost(sub, descend(sub, usage, caps, sol, chains=False))
    return value if value < big else math.inf


def _swap_search(
    cost: np.ndarray,
    demand: np.ndarray,
    capacity: np.ndarray,
    sites: np.ndarray,
    until: float,
    near: int = 12,
) -> np.ndarray | None:
    """First-improvement swaps of an open site for one of the ``near`` closest closed sites.

    Each candidate is priced by a fast allocation (:func:`_quick_cost`); returns the improved
    sites, or ``None`` when no swap improves before ``until``.
    """
    current = np.array(sites)
    value = _quick_cost(cost, demand, capacity, current)
    improved = False
    site_cost = np.where(np.isfinite(cost), cost, np.inf)
    changed = True
    while changed and time.perf_counter() < until:
        changed = False
        for pos in range(len(current)):
            s = current[pos]
            closed = np.setdiff1d(np.arange(cost.shape[1]), current)
            # Closed sites nearest to s (by the cost of serving s's own point from them).
            ref = site_cost[s] if s < cost.shape[0] else site_cost[:, s]
            order = closed[np.argsort(ref[closed] if s < cost.shape[0] else 0 * closed)][:near]
            for c in order:
                if time.perf_counter() >= until:
                    break
                trial = current.copy()
                trial[pos] = c
                v = _quick_cost(cost, demand, capacity, trial)
                if v < value - 1e-9:
                    current, value, improved, changed = trial, v, True, True
                    break
    return np.sort(current) if improved else None


def _regional_search(
    cost: np.ndarray,
    demand: np.ndarray,
    capacity: np.ndarray,
    sites: np.ndarray,
    site_of: np.ndarray,
    until: float,
    group: int = 3,
    seed: int = 0,
    integral: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Re-solve a few neighbouring territories exactly (HiGHS), keeping improvements.

    A random open site and ``group - 1`` of its nearest open sites give up their points; a small
    capacitated p-median over those points and the free sites nearest to them chooses
    ``group`` new centres. Stops at ``until`` or when every group has been tried without
    improvement.
    """
    from spm_models.territory.pmedian import build_pmedian

    rng = np.random.default_rng(seed)
    sites, site_of = np.array(sites), np.array(site_of)
    value = float(cost[np.arange(len(site_of)), site_of].sum())
    g = min(group, len(sites))
    stale = 0
    while time.perf_counter() < until - 0.2 and stale < 4 * len(sites):
        s = sites[rng.integers(len(sites))]
        between = cost[s, sites] if s < cost.shape[0] else np.zeros(len(sites))
        # s with a random few of its nearest open neighbours, so groups vary between tries.
        order = sites[np.argsort(np.where(np.isfinite(between), between, np.inf))]
        pool = order[1 : 2 * g]
        grp = np.union1d([s], rng.choice(pool, size=min(g - 1, len(pool)), replace=False))
        pts = np.flatnonzero(np.isin(site_of, grp))
        others = np.setdiff1d(sites, grp)
        free = np.setdiff1d(np.arange(cost.shape[1]), others)
        reach = cost[pts][:, free].sum(axis=0)
        # As many candidate sites as points: on 300-400 points, twice as many made each
        # re-solve slower and the search 0.6% worse after 30 s.
        cand = free[np.argsort(reach)[: max(len(pts), 20)]]
        cand = np.union1d(cand, grp)
        sub_cost = cost[pts][:, cand]
        model = build_pmedian(sub_cost, demand[pts], g, capacity[cand], integral_objective=integral)
        start = _columns(model, np.searchsorted(cand, grp), np.searchsorted(cand, site_of[pts]))
        limit = min(2.0, until - time.perf_counter())
        out = solve_linear(model.linear, time_limit=max(limit, 0.1), start=start, threads=1)
        old = float(cost[pts, site_of[pts]].sum())
        if out.x is not None and out.objective < old - 1e-6:
            chosen = model.arc_agent[model.choice_from_x(out.x)]
            site_of[pts] = cand[chosen]
            sites = np.sort(np.union1d(others, cand[np.flatnonzero(out.x[model.n_arcs :] > 0.5)]))
            value -= old - out.objective
            stale = 0
        else:
            stale += 1
    return sites, site_of


def _recentre(
    cost: np.ndarray,
    demand: np.ndarray,
    capacity: np.ndarray,
    sites: np.ndarray,
    site_of: np.ndarray,
) -> np.ndarray:
    """Move each centre to the free site with the least total cost to its own cluster.

    The cluster's demand already fits one centre, so any site that may serve all of it will
    do; sites other centres hold are skipped.
    """
    new: list[int] = []
    taken = set(int(s) for s in sites)
    for s in sites:
        members = np.flatnonzero(site_of == s)
        total = cost[members].sum(axis=0) if members.size else np.full(cost.shape[1], np.inf)
        total[[t for t in taken if t != s]] = np.inf
        total[new] = np.inf
        c = int(np.argmin(total)) if np.isfinite(total).any() else int(s)
        taken.discard(int(s))
        taken.add(c)
        new.append(c)
    return np.sort(np.array(new, dtype=np.int64))


def _columns(model: AssignmentModel, sites: np.ndarray, site_of: np.ndarray) -> np.ndarray:
    """Model columns for open ``sites`` and each point's site."""
    lookup = {
        (int(i), int(j)): a
        for a, (i, j) in enumerate(zip(model.arc_item, model.arc_agent, strict=True))
    }
    x = np.zeros(model.linear.n_cols)
    for point, site in enumerate(site_of):
        x[lookup[(point, int(site))]] = 1.0
    x[model.n_arcs + sites] = 1.0
    return x
