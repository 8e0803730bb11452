"""Generalized assignment problems solved past the bare MIP: heuristics first, HiGHS to prove.

:func:`solve_gap` runs, in one time budget:

1. the LP relaxation (HiGHS): its value bounds the optimum, its capacity duals price the
   Lagrangian heuristic and its reduced costs fix arcs: an arc whose reduced cost exceeds
   the incumbent's gap to the LP bound cannot be in any better solution, so it is dropped;
2. a Lagrangian heuristic (each job to its cheapest agent at the LP prices, then a greedy
   repair of the capacity overflow) and local search (shift, swap, ejection chains);
3. a short HiGHS solve of the reduced model from that incumbent, which closes small problems;
4. a tabu search over shifts and swaps with adaptive overflow penalties
   (:func:`~spm_models.territory.gap_search.tabu_search`);
5. MIP neighbourhoods: first the jobs whose incumbent agent the LP does not back fully
   (RINS), then the jobs of a few agents at a time; each sub-problem is solved exactly with
   HiGHS from the incumbent, keeping any improvement, re-descending and re-fixing arcs;
6. HiGHS on the reduced model from the best incumbent for the rest of the time, for the
   bound. The bound reported is valid for the whole model: the smaller of the reduced
   model's bound and the LP bound plus the smallest dropped reduced cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from spm_models.errors import param_error
from spm_models.territory.gap_instances import GapInstance
from spm_models.territory.gap_search import (
    descend,
    is_feasible,
    lagrangian_choice,
    repair,
    tabu_search,
    total_cost,
)
from spm_models.territory.model import LinearModel, Resource, build_assignment
from spm_models.territory.solve import (
    SolveStatus,
    classify,
    relative_gap,
    solve_linear,
)


@dataclass(frozen=True)
class GapSolution:
    """Outcome of :func:`solve_gap`, in the caller's sense.

    Attributes
    ----------
    status : SolveStatus
        ``optimal`` when the bound proves the objective.
    objective : float
        Objective of the best solution (``nan`` when none was found).
    bound : float
        Proven bound over the whole model (lower when minimising, upper when maximising).
    gap : float
        Relative gap between objective and bound.
    agent_of : numpy.ndarray or None
        Agent (0-based) of each job in the best solution.
    lp_bound : float
        LP relaxation value.
    heuristic_objective : float
        Objective after the Lagrangian heuristic and local search, before any MIP.
    solver : str
        Solver name and version.
    runtime_s : float
        Wall-clock seconds.
    detail : str
        What each stage achieved.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    agent_of: np.ndarray | None
    lp_bound: float
    heuristic_objective: float
    solver: str
    runtime_s: float
    detail: str = ""


@dataclass
class _State:
    """The minimised problem and the best solution found so far."""

    cost: np.ndarray
    usage: np.ndarray
    capacity: np.ndarray
    integral: bool
    lp_bound: float
    rc: np.ndarray  # agents x jobs LP reduced costs (>= 0 where the arc is at 0)
    x_lp: np.ndarray | None = None  # agents x jobs LP relaxation values
    best: np.ndarray | None = None
    best_obj: float = math.inf

    def offer(self, sol: np.ndarray | None) -> bool:
        """Keep ``sol`` when it is feasible and better; return whether it was kept."""
        if sol is None or not is_feasible(self.usage, self.capacity, sol):
            return False
        obj = total_cost(self.cost, sol)
        if obj < self.best_obj - 1e-9:
            self.best, self.best_obj = np.array(sol), obj
            return True
        return False

    def round_bound(self, bound: float) -> float:
        """With integer costs the optimum is an integer: round the bound up."""
        return float(math.ceil(bound - 1e-6)) if self.integral and math.isfinite(bound) else bound

    def fix_threshold(self) -> float:
        """Reduced cost above which an arc cannot be in a solution better than the best."""
        if not math.isfinite(self.best_obj):
            return math.inf
        slack = self.best_obj - self.lp_bound
        # With integer costs a better solution is at least one unit better.
        return slack - 1.0 + 1e-6 if self.integral else slack + 1e-9

    def kept_arcs(self) -> np.ndarray:
        """Mask of arcs that may still be in an improving solution (always the incumbent's)."""
        keep = self.rc <= self.fix_threshold()
        if self.best is not None:
            keep[self.best, np.arange(self.cost.shape[1])] = True
        return keep

    def dropped_floor(self, keep: np.ndarray) -> float:
        """Lower bound on any solution using a dropped arc."""
        dropped = self.rc[~keep]
        return self.lp_bound + float(dropped.min()) if dropped.size else math.inf


def solve_gap(
    instance: GapInstance,
    sense: str,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    quick_share: float = 0.1,
    tabu_share: float = 0.2,
    search_share: float = 0.4,
    threads: int | None = 1,
) -> GapSolution:
    """Solve a generalized assignment problem with heuristics and HiGHS in one budget.

    Parameters
    ----------
    instance : GapInstance
        The problem.
    sense : {"max", "min"}
        ``"max"`` for gap1-gap12 (profits), ``"min"`` for gapa-gapd (costs).
    time_limit : float
        Overall seconds.
    seed : int
        Seed of the neighbourhood choice.
    quick_share, tabu_share, search_share : float
        Shares of the budget for the first HiGHS attempt, the tabu search and the MIP
        neighbourhoods; the rest goes to the final HiGHS solve.
    threads : int, optional
        HiGHS threads.

    Returns
    -------
    GapSolution
    """
    if sense not in ("max", "min"):
        raise param_error("sense", "solve_gap", "'max' or 'min'", sense)
    if time_limit <= 0:
        raise param_error("time_limit", "solve_gap", "a positive number of seconds", time_limit)
    t0 = time.perf_counter()
    sign = -1.0 if sense == "max" else 1.0
    cost = sign * np.asarray(instance.cost, dtype=float)
    usage = np.asarray(instance.usage, dtype=float)
    capacity = np.asarray(instance.capacity, dtype=float)
    integral = bool(np.all(np.mod(cost, 1) == 0))
    lp = solve_linear(_model(cost, usage, capacity, None, integral), relax=True, threads=threads)
    if lp.status != SolveStatus.OPTIMAL:
        return _finish(sign, lp.status, math.nan, lp.bound, None, math.nan, math.nan, lp, t0)
    m, n = cost.shape
    lam = np.maximum(-lp.row_dual[n : n + m], 0.0)
    st = _State(
        cost, usage, capacity, integral, lp.objective, lp.col_dual.reshape(m, n), lp.x.reshape(m, n)
    )
    notes = [f"LP {sign * lp.objective:.6g}"]
    rng = np.random.default_rng(seed)
    _lagrangian_heuristic(st, lam, lp.x.reshape(m, n), rng)
    heur = st.best_obj
    notes.append(f"heuristic {sign * heur:.6g}")

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    bound = st.lp_bound
    out = _reduced_mip(st, min(quick_share * time_limit, left()), threads)
    bound = st.round_bound(max(bound, out))
    notes.append(f"first MIP {sign * st.best_obj:.6g}")
    if relative_gap(st.best_obj, bound) > 1e-9 and left() > 1.0:
        start = st.best if st.best is not None else lagrangian_choice(cost, usage, lam)
        found, moves = tabu_search(
            cost,
            usage,
            capacity,
            start,
            until=time.perf_counter() + tabu_share * time_limit,
            rng=rng,
        )
        if st.offer(found):
            st.offer(descend(cost, usage, capacity, st.best))
        notes.append(f"tabu {moves} moves {sign * st.best_obj:.6g}")
        search_until = time.perf_counter() + search_share * time_limit
        rins_until = min(search_until, time.perf_counter() + 0.25 * search_share * time_limit)
        if _lp_guided(st, rins_until, threads):
            notes.append(f"LP-guided {sign * st.best_obj:.6g}")
        n_sub = _neighbourhoods(st, rng, search_until, threads)
        notes.append(f"{n_sub} neighbourhoods {sign * st.best_obj:.6g}")
        if left() > 0.5:
            bound = st.round_bound(max(bound, _reduced_mip(st, left(), threads)))
    status, bound, _ = classify(st.best_obj, bound, integral, st.best is not None)
    return _finish(sign, status, st.best_obj, bound, st.best, st.lp_bound, heur, lp, t0, notes)


def _finish(sign, status, obj, bound, best, lp_bound, heur, lp, t0, notes=()) -> GapSolution:
    gap = relative_gap(obj, bound) if best is not None else math.inf
    return GapSolution(
        status=status,
        objective=sign * obj,
        bound=sign * bound,
        gap=gap,
        agent_of=best,
        lp_bound=sign * lp_bound,
        heuristic_objective=sign * heur,
        solver=lp.solver,
        runtime_s=time.perf_counter() - t0,
        detail="; ".join(notes),
    )


def _lagrangian_heuristic(
    st: _State, lam: np.ndarray, x_lp: np.ndarray, rng: np.random.Generator, tries: int = 8
) -> None:
    """Lagrangian choices at the LP prices (and perturbed ones), repaired and descended."""
    m = st.cost.shape[0]
    starts = [np.argmax(x_lp, axis=0), lagrangian_choice(st.cost, st.usage, lam)]
    for _ in range(tries):
        noise = lam * rng.uniform(0.8, 1.2, size=m)
        starts.append(lagrangian_choice(st.cost, st.usage, noise))
    seen: set[bytes] = set()
    for s in starts:
        key = s.tobytes()
        if key in seen:
            continue
        seen.add(key)
        fixed = repair(st.cost, st.usage, st.capacity, s)
        if fixed is not None:
            st.offer(descend(st.cost, st.usage, st.capacity, fixed))


def _model(
    cost: np.ndarray,
    usage: np.ndarray,
    capacity: np.ndarray,
    keep: np.ndarray | None,
    integral: bool,
) -> LinearModel:
    """Linear model of a (sub-)problem over the arcs in ``keep`` (all when ``None``)."""
    m, n = cost.shape
    if keep is None:
        keep = np.ones((m, n), dtype=bool)
    ai, jj = np.nonzero(keep)
    return build_assignment(
        item_ids=[f"J{j + 1}" for j in range(n)],
        agent_ids=[f"G{i + 1}" for i in range(m)],
        arc_item=jj,
        arc_agent=ai,
        arc_cost=cost[ai, jj],
        resources=[Resource("capacity", usage[ai, jj], np.full(m, -np.inf), capacity)],
        name="generalized_assignment",
        integral_objective=integral,
    ).linear


def _solve_sub(
    cost: np.ndarray,
    usage: np.ndarray,
    capacity: np.ndarray,
    keep: np.ndarray,
    start: np.ndarray | None,
    integral: bool,
    time_limit: float,
    threads: int | None,
) -> tuple[np.ndarray | None, float, bool]:
    """Solve a (sub-)problem over the kept arcs: (solution, its MIP bound, proven)."""
    linear = _model(cost, usage, capacity, keep, integral)
    ai, jj = np.nonzero(keep)
    x0 = None
    if start is not None:
        x0 = (start[jj] == ai).astype(float)
    out = solve_linear(
        linear, time_limit=max(time_limit, 0.2), mip_gap=1e-9, start=x0, threads=threads
    )
    if out.x is None:
        return None, out.bound, False
    sol = np.empty(cost.shape[1], dtype=np.int64)
    on = out.x[: len(ai)] > 0.5
    sol[jj[on]] = ai[on]
    return sol, out.bound, out.status == SolveStatus.OPTIMAL


def _reduced_mip(st: _State, time_limit: float, threads: int | None) -> float:
    """HiGHS on the arcs reduced-cost fixing keeps; returns a bound valid for the full model."""
    if time_limit <= 0.2:
        return st.lp_bound
    keep = st.kept_arcs()
    sol, bound, _ = _solve_sub(
        st.cost, st.usage, st.capacity, keep, st.best, st.integral, time_limit, threads
    )
    st.offer(sol)
    return min(bound, st.dropped_floor(keep))


def _resolve_jobs(
    st: _State, jobs: np.ndarray, keep: np.ndarray, time_limit: float, threads: int | None
) -> tuple[bool, bool]:
    """Re-assign ``jobs`` exactly over the arcs ``keep`` (agents x jobs), the rest held.

    The other jobs keep their incumbent agents and leave the capacity they do not use. An
    improvement becomes the incumbent and is descended. Returns (improved, proven optimal).
    """
    sol, m = st.best, st.cost.shape[0]
    fixed = np.setdiff1d(np.arange(st.cost.shape[1]), jobs)
    cap = st.capacity - np.bincount(sol[fixed], weights=st.usage[sol[fixed], fixed], minlength=m)
    sub, _, proven = _solve_sub(
        st.cost[:, jobs], st.usage[:, jobs], cap, keep, sol[jobs], st.integral, time_limit, threads
    )
    if sub is None:
        return False, proven
    cand = sol.copy()
    cand[jobs] = sub
    if not st.offer(cand):
        return False, proven
    st.offer(descend(st.cost, st.usage, st.capacity, st.best))
    return True, proven


def _lp_guided(st: _State, until: float, threads: int | None) -> bool:
    """Re-solve the jobs whose incumbent agent the LP does not back fully (RINS).

    A job that the LP relaxation and the incumbent both give wholly to one agent keeps it;
    every other job is re-assigned exactly by HiGHS over its kept arcs, from the incumbent.
    It moves many jobs at once where the LP points, where the agent neighbourhoods move a
    few agents' jobs. Returns whether it improved the incumbent.
    """
    if st.best is None or st.x_lp is None or until - time.perf_counter() < 0.5:
        return False
    n = st.cost.shape[1]
    jobs = np.flatnonzero(st.x_lp[st.best, np.arange(n)] <= 1 - 1e-6)
    if jobs.size == 0:
        return False
    keep = st.kept_arcs()[:, jobs]
    return _resolve_jobs(st, jobs, keep, until - time.perf_counter(), threads)[0]


def _neighbourhoods(st: _State, rng: np.random.Generator, until: float, threads: int | None) -> int:
    """Free the jobs of a few agents at a time and re-solve them exactly; returns the count."""
    m, n = st.cost.shape
    size = min(n, 30)  # target jobs per neighbourhood, adapted to how fast HiGHS closes it
    count = 0
    while time.perf_counter() < until - 0.3 and st.best is not None:
        sol = st.best
        agents = _pick_agents(rng, sol, m, size)
        jobs = np.flatnonzero(np.isin(sol, agents))
        sub_keep = st.kept_arcs()[:, jobs]
        sub_keep &= np.isin(np.arange(m), agents)[:, None]
        sub_keep[sol[jobs], np.arange(len(jobs))] = True
        limit = min(2.0, until - time.perf_counter())
        t = time.perf_counter()
        _, proven = _resolve_jobs(st, jobs, sub_keep, limit, threads)
        count += 1
        took = time.perf_counter() - t
        if proven and took < 0.5:
            size = min(n, int(size * 1.15) + 1)
        elif not proven:
            size = max(10, int(size * 0.8))
    return count


def _pick_agents(rng: np.random.Generator, sol: np.ndarray, m: int, size: int) -> np.ndarray:
    """Random agents (at least two) until their jobs reach ``size``."""
    order = rng.permutation(m)
    per = np.bincount(sol, minlength=m)
    total = np.cumsum(per[order])
    k = max(2, int(np.searchsorted(total, size)) + 1)
    return np.sort(order[: min(k, m)])
