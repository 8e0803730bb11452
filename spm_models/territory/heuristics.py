"""Fast, proven solves of large assignment models by exploiting a tight LP relaxation.

On territory alignments the LP relaxation is nearly integral (a handful of accounts split
between reps), so instead of a cold branch-and-bound on hundreds of thousands of binaries:

1. solve the LP relaxation (its optimum ``z_LP`` is a valid lower bound);
2. first incumbent: every account the LP assigns whole stays where the LP puts it and a
   small MIP places the split ones (:func:`split_neighbourhood`); only when that has no
   solution, round and repair: each account takes its largest LP arc, then a greedy repair
   moves single accounts until every balance band and the disruption cap hold (the
   cheapest move per unit of violation removed);
3. restrict: keep the arcs the LP uses, the no-disruption arcs (an account staying with its
   current rep), the incumbent's arcs and the arcs whose LP reduced cost is at most
   ``delta``; drop every other arc and let HiGHS solve that small MIP from the incumbent;
4. prove: any solution that uses a dropped arc costs at least ``z_LP + rc_min`` (the
   smallest dropped reduced cost), so ``min(restricted MIP bound, z_LP + rc_min)`` bounds
   the whole model; widen ``delta`` (x4) while time remains and the gap is above target.
   Once ``delta`` reaches the incumbent's gap to ``z_LP`` (reduced-cost fixing) the
   restricted MIP is exact and its bound proves the result.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from spm_models.errors import param_error
from spm_models.territory.model import AssignmentModel
from spm_models.territory.solve import (
    PROVEN_GAP,
    SolveOutcome,
    SolveStatus,
    classify,
    solve_linear,
)

METHODS = ("auto", "mip", "lp-fix")

#: HiGHS options for the restricted MIPs: the LP bound is already tight, so effort goes
#: to finding good solutions rather than to cuts.
SUB_MIP_OPTIONS: dict = {"mip_heuristic_effort": 0.5}

#: Below this many arcs, ``method="auto"`` solves the MIP directly.
AUTO_MIP_ARCS = 20_000


def solve_assignment(
    model: AssignmentModel,
    *,
    method: str = "auto",
    solver: str = "highs",
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-4,
    threads: int | None = None,
    verbose: bool = False,
    lp_options: dict | None = None,
    start: np.ndarray | None = None,
) -> SolveOutcome:
    """Solve an assignment model, returning the best solution with a proven bound.

    Parameters
    ----------
    model : AssignmentModel
        From :func:`~spm_models.territory.model.build_alignment` or
        :func:`~spm_models.territory.gap_instances.gap_model`.
    method : {"auto", "mip", "lp-fix"}
        ``"mip"``: one branch-and-bound solve; ``"lp-fix"``: LP relaxation, rounding and
        repair, then reduced-cost fixing (see the module docstring); ``"auto"``: ``"mip"``
        for small models (under 20,000 arcs) or a non-HiGHS solver, else ``"lp-fix"``.
    solver : {"highs", "cbc", "pulp-highs"}
        Solver (the ``"lp-fix"`` method always uses HiGHS, which returns duals).
    time_limit : float, optional
        Overall seconds.
    mip_gap : float
        Relative gap at which to stop.
    threads : int, optional
        Solver threads.
    verbose : bool
        Show solver logs.
    lp_options : dict, optional
        HiGHS options for the LP relaxation of ``"lp-fix"`` (e.g. ``{"solver": "ipm"}``
        for degenerate LPs such as the elastic models of a diagnosis).
    start : numpy.ndarray, optional
        A feasible column vector (e.g. a related solve's answer) used as the first
        incumbent, so the result is never worse than it.

    Returns
    -------
    SolveOutcome
        In the minimised sense of ``model.linear`` (use ``model.reported`` for the caller's).
    """
    if method not in METHODS:
        raise param_error("method", "solve_assignment", f"one of {METHODS}", method)
    if method == "auto":
        method = "mip" if (model.n_arcs < AUTO_MIP_ARCS or solver != "highs") else "lp-fix"
    if method == "mip":
        return solve_linear(
            model.linear,
            solver=solver,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            verbose=verbose,
            start=start,
        )
    return _lp_fix(model, time_limit, mip_gap, threads, verbose, lp_options=lp_options, start=start)


def _remaining(t0: float, limit: float | None, floor: float = 1.0) -> float | None:
    if limit is None:
        return None
    return max(limit - (time.perf_counter() - t0), floor)


def _lp_fix(
    model: AssignmentModel,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    verbose: bool,
    extra_arcs: float = 1.0,
    lp_options: dict | None = None,
    start: np.ndarray | None = None,
) -> SolveOutcome:
    t0 = time.perf_counter()
    linear = model.linear
    n_arcs = model.n_arcs
    lp = solve_linear(
        linear,
        relax=True,
        time_limit=time_limit,
        threads=threads,
        verbose=verbose,
        options=lp_options,
    )
    version = lp.solver
    if lp.status == SolveStatus.INFEASIBLE:
        return SolveOutcome(
            SolveStatus.INFEASIBLE,
            math.nan,
            math.inf,
            math.inf,
            None,
            version,
            time.perf_counter() - t0,
            detail="LP relaxation infeasible",
        )
    if lp.status != SolveStatus.OPTIMAL or lp.x is None or lp.col_dual is None:
        # No LP optimum in time: fall back to a plain MIP on what is left of the budget.
        return solve_linear(
            linear,
            time_limit=_remaining(t0, time_limit),
            mip_gap=mip_gap,
            threads=threads,
            verbose=verbose,
        )
    lp_bound = lp.objective
    xa = lp.x[:n_arcs]
    rc = lp.col_dual[:n_arcs]
    in_lp = xa > 1e-9
    # Arcs that cost no disruption (an account staying with its current rep) stay open: they
    # are what lets a restricted MIP meet a tight disruption cap.
    keep = in_lp.copy()
    if model.moved_weight is not None:
        keep |= model.moved_weight == 0
    split = np.unique(model.arc_item[in_lp & (xa < 1 - 1e-6)])
    detail = [f"LP bound {lp_bound:.6g} in {lp.runtime_s:.1f}s; {len(split)} split items"]
    if len(split) == 0 and linear.max_violation(lp.x) <= 1e-6:
        return SolveOutcome(
            SolveStatus.OPTIMAL,
            lp_bound,
            lp_bound,
            0.0,
            lp.x,
            version,
            time.perf_counter() - t0,
            row_dual=lp.row_dual,
            col_dual=lp.col_dual,
            detail=detail[0] + "; LP integral",
        )
    # Arcs outside the LP support, cheapest reduced cost first.
    out_idx = np.flatnonzero(~keep)
    out_rc = np.sort(np.maximum(rc[out_idx], 0.0))
    n_extra = int(np.clip(extra_arcs * model.n_items, 50, max(len(out_rc), 1)))
    delta = float(out_rc[n_extra - 1]) if len(out_rc) else 0.0
    incumbent: np.ndarray | None = None
    inc_obj = math.inf
    t_rep = time.perf_counter()
    # The split items re-placed with every whole item kept: small, fast and usually good.
    # Rounding and repair, slower, runs only when that finds nothing.
    # A fifth of the budget at most: the restricted MIP below needs the rest.
    near_limit = None if time_limit is None else max(0.2 * time_limit, 1.0)
    found = split_neighbourhood(model, lp.x, split, near_limit, threads)
    how = "split items re-placed"
    if found is None:
        how = "rounding + repair"
        repaired = repair_balance(model, round_lp(model, lp.x))
        found = None if repaired is None else model.assignment_vector(repaired)
    if found is not None and linear.max_violation(found) <= 1e-6:
        incumbent, inc_obj = found, linear.evaluate(found)
    if start is not None and linear.max_violation(start) <= 1e-6:
        start_obj = linear.evaluate(start)
        if start_obj < inc_obj:
            incumbent, inc_obj = np.asarray(start, dtype=float), start_obj
            how = "warm start"
    rep_gap = (inc_obj - lp_bound) / abs(inc_obj) if incumbent is not None else math.inf
    detail.append(
        f"{how}: gap {100 * rep_gap:.3g}% in {time.perf_counter() - t_rep:.1f}s"
        if incumbent is not None
        else f"{how}: failed"
    )
    bound = lp_bound
    slack_tol = 1e-9 * max(1.0, abs(lp_bound))
    for round_ in range(12):
        if incumbent is not None:
            # Any solution using an arc whose reduced cost exceeds the incumbent's gap to the
            # LP bound is worse than the incumbent: at that delta the restricted MIP is exact.
            exact = inc_obj - lp_bound
            if linear.integral_objective:
                exact = math.ceil(inc_obj - 1e-6) - 1 - lp_bound + 1e-6
            delta = min(delta, exact) if round_ == 0 else min(max(delta, 0.0), exact)
        allowed = keep | (rc <= delta + slack_tol)
        if incumbent is not None:
            allowed |= incumbent[:n_arcs] > 0.5
        excluded_rc = rc[~allowed]
        next_rc = float(excluded_rc.min()) if excluded_rc.size else math.inf
        cols = np.concatenate([np.flatnonzero(allowed), np.arange(n_arcs, linear.n_cols)])
        sub = solve_linear(
            linear.subset_columns(cols),
            time_limit=_remaining(t0, time_limit),
            mip_gap=mip_gap,
            start=None if incumbent is None else incumbent[cols],
            threads=threads,
            verbose=verbose,
            options=SUB_MIP_OPTIONS,
        )
        if sub.x is not None:
            full = np.zeros(linear.n_cols)
            full[cols] = sub.x
            sub = replace(sub, x=full)
        detail.append(
            f"round {round_}: {int(allowed.sum())} arcs (reduced cost <= "
            f"{delta:.4g}) -> {sub.status}"
        )
        if sub.x is not None and sub.status.is_ok and sub.objective < inc_obj - 1e-9:
            incumbent, inc_obj = sub.x, sub.objective
        sub_bound = inc_obj if sub.status == SolveStatus.INFEASIBLE else sub.bound
        if math.isfinite(sub_bound):
            bound = max(bound, min(sub_bound, lp_bound + next_rc))
        if incumbent is not None:
            _, bound, gap = classify(inc_obj, bound, linear.integral_objective, True)
            if gap <= mip_gap or not math.isfinite(next_rc):
                break
        elif not math.isfinite(next_rc):
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit - 0.5:
            break
        if sub.status == SolveStatus.FEASIBLE and sub.gap > mip_gap:
            # The restricted MIP ran out of time: widening would not help.
            break
        delta = max(4 * delta, next_rc)
    runtime = time.perf_counter() - t0
    if incumbent is None:
        return SolveOutcome(
            SolveStatus.NO_SOLUTION,
            math.nan,
            bound,
            math.inf,
            None,
            version,
            runtime,
            row_dual=lp.row_dual,
            col_dual=lp.col_dual,
            detail="; ".join(detail),
        )
    status, bound, gap = classify(inc_obj, bound, linear.integral_objective, True)
    if gap <= PROVEN_GAP:
        status = SolveStatus.OPTIMAL
    return SolveOutcome(
        status,
        inc_obj,
        bound,
        gap,
        incumbent,
        version,
        runtime,
        row_dual=lp.row_dual,
        col_dual=lp.col_dual,
        detail="; ".join(detail),
    )


def split_neighbourhood(
    model: AssignmentModel,
    x: np.ndarray,
    split: np.ndarray,
    time_limit: float | None,
    threads: int | None,
) -> np.ndarray | None:
    """The best solution that keeps every item the LP assigns whole where the LP puts it.

    An assignment LP with side constraints leaves few items split (at most one per binding
    side row, by the basic-solution argument), so the MIP over the split items' arcs alone
    is small and solves in a fraction of the full restricted MIP's time, yet its answer is
    usually within a fraction of a percent of the LP bound. Returns the full column vector,
    or None when that small MIP has no solution (the split items cannot be placed without
    moving a whole one).
    """
    if len(split) == 0:
        return None
    xa = np.asarray(x[: model.n_arcs], dtype=float)
    is_split = np.zeros(model.n_items, dtype=bool)
    is_split[split] = True
    keep = (xa > 1 - 1e-6) & ~is_split[model.arc_item]
    keep |= is_split[model.arc_item] & model.arcs_allowed()
    cols = np.concatenate([np.flatnonzero(keep), np.arange(model.n_arcs, model.linear.n_cols)])
    sub = solve_linear(
        model.linear.subset_columns(cols),
        time_limit=time_limit,
        mip_gap=1e-4,
        threads=threads,
        options=SUB_MIP_OPTIONS,
    )
    if sub.x is None or not sub.status.is_ok:
        return None
    full = np.zeros(model.linear.n_cols)
    full[cols] = sub.x
    return full


def round_lp(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    """Round an LP solution: each item takes its arc with the largest value (ties: cheapest).

    Forced arcs (locks, mandatory pairs) win; banned arcs are never chosen.
    """
    xa = np.asarray(x[: model.n_arcs], dtype=float).copy()
    xa[~model.arcs_allowed()] = -1.0
    xa[model.arcs_forced()] = 2.0
    item = model.arc_item
    order = np.lexsort((model.arc_cost, -xa, item))
    first = np.ones(len(order), dtype=bool)
    first[1:] = item[order][1:] != item[order][:-1]
    choice = np.full(model.n_items, -1, dtype=np.int64)
    choice[item[order][first]] = order[first]
    return choice


def repair_balance(
    model: AssignmentModel, choice: np.ndarray, *, max_moves: int | None = None
) -> np.ndarray | None:
    """Greedy repair of a rounded assignment until every band and the cap hold.

    Each step takes the most violated territory (or the disruption cap) and applies the
    single account move that reduces the total violation at the least cost per unit
    repaired. Returns the repaired choice of arcs, or ``None`` when it gets stuck.
    """
    choice = np.asarray(choice, dtype=np.int64).copy()
    n_agents = model.n_agents
    item, agent = model.arc_item, model.arc_agent
    movable = model.arcs_allowed() & ~np.isin(item, item[model.arcs_forced()])
    by_item = np.argsort(item, kind="stable")
    starts = np.searchsorted(item[by_item], np.arange(model.n_items + 1))
    res = model.resources
    scale = [np.where(np.isfinite(r.upper) & (r.upper > 0), r.upper, 1.0) for r in res]
    loads = [
        np.bincount(agent[choice], weights=r.arc_usage[choice], minlength=n_agents) for r in res
    ]
    mw = model.moved_weight
    cap = model.disruption_cap
    moved = float(mw[choice].sum()) if mw is not None and cap is not None else 0.0
    cap_scale = max(abs(cap), 1.0) if cap is not None else 1.0

    def rep_viol(k: int, load: np.ndarray) -> np.ndarray:
        r = res[k]
        up = np.where(np.isfinite(r.upper), np.maximum(load - r.upper, 0), 0)
        lo = np.where(np.isfinite(r.lower), np.maximum(r.lower - load, 0), 0)
        return (up + lo) / scale[k]

    def dis_viol(value: float) -> float:
        return max(value - cap, 0.0) / cap_scale if cap is not None and mw is not None else 0.0

    limit = max_moves if max_moves is not None else 4 * model.n_items
    for _ in range(limit):
        viol = sum(rep_viol(k, loads[k]) for k in range(len(res))) if res else np.zeros(n_agents)
        dv = dis_viol(moved)
        if viol.max(initial=0.0) <= 1e-9 and dv <= 1e-12:
            return choice
        # Candidate moves: items on or able to reach the worst territory, or moved items
        # able to go home when the cap is the problem.
        if dv > 1e-12 and dv >= viol.max(initial=0.0):
            cand_items = np.flatnonzero(mw[choice] > 0)
        else:
            r_bad = int(np.argmax(viol))
            on_bad = np.flatnonzero(agent[choice] == r_bad)
            reach_bad = item[(agent == r_bad) & movable]
            cand_items = np.union1d(on_bad, reach_bad)
        if cand_items.size == 0:
            return None
        arcs = np.concatenate([by_item[starts[i] : starts[i + 1]] for i in cand_items])
        arcs = arcs[movable[arcs] & (arcs != choice[item[arcs]])]
        if arcs.size == 0:
            return None
        old = choice[item[arcs]]
        d_cost = model.arc_cost[arcs] - model.arc_cost[old]
        d_viol = np.zeros(len(arcs))
        for k, r in enumerate(res):
            load = loads[k]
            a_new, a_old = agent[arcs], agent[old]
            u_new, u_old = r.arc_usage[arcs], r.arc_usage[old]
            same = a_new == a_old
            up, lo, sc = r.upper, r.lower, scale[k]

            def v(lv: np.ndarray, a: np.ndarray, up=up, lo=lo, sc=sc) -> np.ndarray:
                u_ = np.where(np.isfinite(up[a]), np.maximum(lv - up[a], 0), 0)
                l_ = np.where(np.isfinite(lo[a]), np.maximum(lo[a] - lv, 0), 0)
                return (u_ + l_) / sc[a]

            before = v(load[a_new], a_new) + v(load[a_old], a_old)
            after_new = np.where(same, load[a_new] - u_old + u_new, load[a_new] + u_new)
            after_old = np.where(same, after_new, load[a_old] - u_old)
            after = v(after_new, a_new) + np.where(same, 0.0, v(after_old, a_old))
            before = np.where(same, v(load[a_new], a_new), before)
            d_viol += after - before
        if mw is not None and cap is not None:
            new_moved = moved + mw[arcs] - mw[old]
            d_viol += np.array([dis_viol(m) for m in new_moved]) - dv
        good = d_viol < -1e-12
        if not good.any():
            return None
        score = np.where(good, d_cost / -np.where(good, d_viol, -1.0), np.inf)
        j = int(arcs[np.argmin(score)])
        i = item[j]
        o = choice[i]
        for k, r in enumerate(res):
            loads[k][agent[o]] -= r.arc_usage[o]
            loads[k][agent[j]] += r.arc_usage[j]
        if mw is not None and cap is not None:
            moved += mw[j] - mw[o]
        choice[i] = j
    return None
