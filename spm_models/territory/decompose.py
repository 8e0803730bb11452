"""National-scale alignment by decomposition, solved in parallel (local processes or Dask).

1. **Split**: reps are grouped into parts (compact groups of their homes, or a column such as
   ``region``); every account is routed to one part so that each part's load sits inside
   the sum of its reps' bands with some room to spare, keeping accounts with their current
   rep's part where it is near (see :mod:`spm_models.territory.partition`).
2. **Solve the parts** as independent alignments with the reps' *national* targets and an
   equal share of the disruption budget, in parallel: on a Dask cluster when a client is
   given, else on local processes.
3. **Repair across borders**: neighbouring parts are paired (the pairs sharing the most
   border accounts first, each part in at most one pair per round); each pair is re-solved
   with its interior accounts pinned and its border accounts free to cross, and kept only
   when it lowers the objective. Every pair keeps all its reps' accounts, so balance and
   the disruption cap hold globally after every step.
4. **Bound**: the Lagrangian bound of the whole national model (every account-rep pair,
   see :mod:`spm_models.territory.lagrangian`), raised by subgradient steps whose length
   comes from the alignment found. The reported gap is against this bound, so it is valid
   for the undecomposed problem.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from spm_models.errors import InfeasibleModelError, InputDataError, param_error
from spm_models.territory.alignment import AlignmentResult
from spm_models.territory.geo import haversine_km, nearest_k
from spm_models.territory.inputs import (
    AlignmentInputs,
    AlignmentSpec,
    _check_spec,
    _normalise_options,
    metric_values,
    rep_targets,
    validate_alignment_tables,
)
from spm_models.territory.lagrangian import (
    BoundProblem,
    bound_problem,
    dual_prices,
    improve_prices,
    lagrangian_bound,
)
from spm_models.territory.metrics import (
    assignment_table,
    before_after,
    summary_metrics,
    territory_table,
)
from spm_models.territory.partition import partition_reps, route_accounts
from spm_models.territory.solve import PROVEN_GAP, SolveStatus, relative_gap

#: Reps priced one by one per account in the national bound (the rest get a safe floor).
NEAREST_PRICED = 50

#: Nearest reps that make an account a border account (when the spec does not prune).
BORDER_REPS = 20

#: Largest part (in candidate arcs) whose infeasibility is diagnosed in full (elastic models).
DIAGNOSE_ARCS = 50_000

#: Share of far-off current assignments' moves the split may spend (of the disruption cap).
ROUTING_MOVES = 0.25

#: Share of each rep's band a part's routed load may use (the rest is slack for the part).
ROUTING_BAND = 0.9


@dataclass(frozen=True)
class PartTask:
    """One regional sub-problem, self-contained so that it can run on any worker."""

    phase: str
    name: str
    accounts: pd.DataFrame
    reps: pd.DataFrame
    spec: AlignmentSpec
    time_limit: float | None
    mip_gap: float
    threads: int | None = 1
    mode: str = "align"
    """``"align"``: solve the part; ``"need"``: only the fewest moves its balance needs."""


@dataclass(frozen=True)
class PartResult:
    """What a worker hands back for one part (small and picklable)."""

    phase: str
    name: str
    account_ids: np.ndarray
    new_rep_ids: np.ndarray
    status: str
    objective: float
    bound: float
    seconds: float
    error: str | None = None
    prices: dict[str, np.ndarray] | None = None
    """Per metric, the LP dual price of each of the part's reps (in ``task.reps`` order)."""
    disruption_price: float = 0.0


def solve_part(task: PartTask) -> PartResult:
    """Align one part (on a worker); infeasibility comes back as ``error``, not raised.

    With ``task.mode == "need"`` the result's ``objective`` is instead the fewest moves (in
    the disruption basis) that the LP relaxation needs to balance the part: a lower bound
    used to share the disruption budget between parts.
    """
    from spm_models.territory.diagnose import diagnose_infeasibility
    from spm_models.territory.heuristics import solve_assignment
    from spm_models.territory.inputs import prepare_alignment
    from spm_models.territory.model import build_alignment
    from spm_models.territory.solve import solve_linear

    t0 = time.perf_counter()
    empty = np.zeros(0, dtype=object)

    def failed(status: str, error: str) -> PartResult:
        seconds = time.perf_counter() - t0
        nan = math.nan
        return PartResult(
            task.phase, task.name, empty, empty, status, nan, nan, seconds, error=error
        )

    inputs = prepare_alignment(task.accounts, task.reps, task.spec)
    model = build_alignment(inputs)
    if task.mode == "need":
        cost = np.zeros(model.linear.n_cols)
        if model.moved_weight is not None:
            cost[: model.n_arcs] = model.moved_weight
        # Fewest moves is a massively degenerate LP: interior point, no crossover.
        lp = solve_linear(
            replace(model.linear, col_cost=cost),
            relax=True,
            threads=task.threads,
            options={"solver": "ipm", "run_crossover": "off"},
        )
        if lp.status == SolveStatus.INFEASIBLE:
            return failed(str(lp.status), "no balanced alignment exists, whatever the moves")
        if lp.status != SolveStatus.OPTIMAL:
            return failed(str(lp.status), "the fewest-moves LP did not solve")
        seconds = time.perf_counter() - t0
        empty_ids = np.zeros(0, dtype=object)
        need = float(lp.objective)
        return PartResult(
            task.phase, task.name, empty_ids, empty_ids, "optimal", need, need, seconds
        )
    # LP, rounding and repair first: a part always comes back with an alignment and duals,
    # even when the time limit is short.
    outcome = solve_assignment(
        model,
        method="lp-fix",
        time_limit=task.time_limit,
        mip_gap=task.mip_gap,
        threads=task.threads,
    )
    if outcome.status == SolveStatus.NO_SOLUTION:
        # Rounding found nothing: let branch and bound find an alignment or prove none exists.
        left = None if task.time_limit is None else max(task.time_limit - outcome.runtime_s, 1.0)
        outcome = solve_assignment(
            model, method="mip", time_limit=left, mip_gap=task.mip_gap, threads=task.threads
        )
    if outcome.status == SolveStatus.INFEASIBLE:
        if model.n_arcs > DIAGNOSE_ARCS:
            return failed(
                str(outcome.status),
                f"no alignment within the balance bands and a disruption share of "
                f"{task.spec.max_disruption}",
            )
        return failed(str(outcome.status), str(diagnose_infeasibility(inputs, model=model)))
    if not outcome.status.is_ok:
        return failed(str(outcome.status), f"no alignment found within {task.time_limit} s")
    rep_ids = inputs.reps["rep_id"].to_numpy(dtype=object)
    new_rep = model.arc_agent[model.choice_from_x(outcome.x)]
    prices = None
    if outcome.row_dual is not None:
        prices = dual_prices(model, task.spec, outcome.row_dual)
    return PartResult(
        phase=task.phase,
        name=task.name,
        account_ids=inputs.accounts["account_id"].to_numpy(dtype=object),
        new_rep_ids=rep_ids[new_rep],
        status=str(outcome.status),
        objective=float(outcome.objective),
        bound=float(outcome.bound),
        seconds=time.perf_counter() - t0,
        prices=None if prices is None else prices.balance,
        disruption_price=0.0 if prices is None else -prices.disruption,
    )


def run_parts(
    tasks: Sequence[PartTask],
    *,
    dask_client=None,
    jobs: int = 1,
    progress: Callable[[PartResult], None] | None = None,
) -> list[PartResult]:
    """Solve parts on Dask (``dask_client``), on ``jobs`` local processes, or in turn.

    The largest parts go first so that the workers finish together; ``progress`` is called
    with each part's result as it comes back.
    """
    order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i].accounts))
    report = progress or (lambda _res: None)
    out: list[PartResult | None] = [None] * len(tasks)
    if dask_client is not None:
        from distributed import as_completed as dask_completed

        futures = {dask_client.submit(solve_part, tasks[i], pure=False): i for i in order}
        for fut in dask_completed(futures):
            out[futures[fut]] = fut.result()
            report(out[futures[fut]])
    elif jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            pending = {pool.submit(solve_part, tasks[i]): i for i in order}
            for fut in as_completed(pending):
                out[pending[fut]] = fut.result()
                report(out[pending[fut]])
    else:
        for i in order:
            out[i] = solve_part(tasks[i])
            report(out[i])
    return out  # type: ignore[return-value]


@dataclass(frozen=True)
class NationalAlignment:
    """A decomposed alignment: the national result and how the parts went.

    Attributes
    ----------
    result : AlignmentResult
        National tables and metrics; ``bound`` is the Lagrangian bound over every
        account-rep pair, ``gap`` is against it.
    parts : pandas.DataFrame
        One row per solved part (``phase`` ``split`` or ``repair-<round>``, ``part``,
        ``reps``, ``accounts``, ``status``, ``objective``, ``bound``, ``seconds``,
        ``accepted``).
    phases : dict
        Seconds spent splitting, solving the parts, repairing and bounding.
    objective_before_repair : float
        National objective straight after the parts were solved.
    workers : str
        Where the parts ran (``"dask (N workers)"``, ``"N local processes"``, ``"in turn"``).
    """

    result: AlignmentResult
    parts: pd.DataFrame
    phases: dict[str, float]
    objective_before_repair: float
    workers: str

    def summary_json(self) -> dict:
        """The result's summary plus the decomposition's figures, JSON-ready."""
        out = self.result.summary_json()
        out["parts"] = int((self.parts["phase"] == "split").sum())
        out["objective_before_repair"] = self.objective_before_repair
        out["repairs_accepted"] = int(
            (self.parts["phase"].str.startswith("repair") & self.parts["accepted"]).sum()
        )
        out["phase_seconds"] = {k: round(v, 3) for k, v in self.phases.items()}
        out["workers"] = self.workers
        return out


@dataclass
class _National:
    """Validated national tables and the arrays every step shares."""

    accounts: pd.DataFrame
    reps: pd.DataFrame
    spec: AlignmentSpec
    targets: dict[str, np.ndarray]
    current: np.ndarray
    forced: np.ndarray
    locked: np.ndarray
    forbidden: set[tuple[int, int]]
    labels: np.ndarray
    near_idx: np.ndarray
    near_dist: np.ndarray
    problem: BoundProblem

    @property
    def weight(self) -> np.ndarray:
        """Each account's weight in the travel objective."""
        return self.problem.weight

    @property
    def basis(self) -> np.ndarray:
        """Each account's disruption basis (1, or its potential)."""
        return self.problem.basis

    @property
    def cap(self) -> float | None:
        """The national disruption cap in the basis's units."""
        return self.problem.cap

    def cost(self, new_rep: np.ndarray) -> float:
        """National objective of an assignment (rep positions)."""
        a = self.accounts
        r = self.reps
        d = haversine_km(
            a["lat"].to_numpy(),
            a["lon"].to_numpy(),
            r["home_lat"].to_numpy()[new_rep],
            r["home_lon"].to_numpy()[new_rep],
        )
        moved = (self.current >= 0) & (new_rep != self.current)
        return float((self.weight * d).sum() + self.spec.move_penalty * moved.sum())

    def moved_basis(self, new_rep: np.ndarray, mask: np.ndarray | None = None) -> float:
        """Disruption used by an assignment (over ``mask`` when given)."""
        moved = (self.current >= 0) & (new_rep != self.current)
        if mask is not None:
            moved &= mask
        return float(self.basis[moved].sum())


def align_national(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    spec: AlignmentSpec | None = None,
    reps_per_part: int = 25,
    by: str = "clusters",
    repair_rounds: int = 1,
    part_time_limit: float | None = 60.0,
    mip_gap: float = 0.005,
    bound_iterations: int = 150,
    dask_client=None,
    jobs: int = 1,
    progress: Callable[[PartResult], None] | None = None,
    **options,
) -> NationalAlignment:
    """Align a national sales force by decomposition, with a gap valid for the whole model.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Tables in the schema of :mod:`spm_models.data.schema`.
    spec : AlignmentSpec, optional
        The run's choices, or pass them as keyword ``options`` as for
        :func:`~spm_models.territory.align_territories` (``balance_penalty`` is not
        supported here).
    reps_per_part : int
        Reps per part when ``by="clusters"`` (parts = reps / this, rounded up).
    by : str
        ``"clusters"`` or a reps column naming each rep's part (e.g. ``"region"``).
    repair_rounds : int
        Rounds of pairwise border repair (0: none).
    part_time_limit : float, optional
        Seconds for each part's solve.
    mip_gap : float
        Relative gap at which a part's solve stops.
    bound_iterations : int
        Subgradient steps raising the national bound (their step length comes from the
        alignment found).
    dask_client : distributed.Client, optional
        Solve the parts as Dask tasks on this client's cluster.
    jobs : int
        Without Dask: local processes solving parts at once.
    progress : callable, optional
        Called with each part's :class:`PartResult` as it comes back.

    Returns
    -------
    NationalAlignment

    Raises
    ------
    InfeasibleModelError
        When the split cannot balance the parts, or a part is infeasible (naming the part
        and its diagnosis).
    InputDataError
        When the tables are invalid.
    """
    t0 = time.perf_counter()
    if spec is None:
        spec = AlignmentSpec(**_normalise_options(options))
    elif options:
        raise TypeError("pass either spec or keyword options, not both")
    if spec.balance_penalty:
        raise param_error(
            "balance_penalty", "align_national", "0 (not supported)", spec.balance_penalty
        )
    if not isinstance(reps_per_part, int) or reps_per_part < 2:
        raise param_error("reps_per_part", "align_national", "an int >= 2", reps_per_part)
    if not isinstance(repair_rounds, int) or repair_rounds < 0:
        raise param_error("repair_rounds", "align_national", "an int >= 0", repair_rounds)
    _check_spec(spec)
    nat = _national(accounts, reps, spec, reps_per_part, by)
    phases = {"prepare": time.perf_counter() - t0}
    t1 = time.perf_counter()
    part = _route(nat)
    n_parts = int(nat.labels.max()) + 1
    shares: list[float | None] = [None] * n_parts
    if nat.cap is not None:
        needs = run_parts(
            [_split_task(nat, part, j, None, mip_gap, 1.0, "need") for j in range(n_parts)],
            dask_client=dask_client,
            jobs=jobs,
        )
        _raise_on_failures(needs, "split")
        shares = _disruption_shares(nat, part, needs)
    tasks = [_split_task(nat, part, j, part_time_limit, mip_gap, shares[j]) for j in range(n_parts)]
    phases["split"] = time.perf_counter() - t1
    workers = _workers(dask_client, jobs)
    t1 = time.perf_counter()
    results = run_parts(tasks, dask_client=dask_client, jobs=jobs, progress=progress)
    phases["parts"] = time.perf_counter() - t1
    _raise_on_failures(results, "split")
    rep_pos = {rid: i for i, rid in enumerate(nat.reps["rep_id"])}
    acc_pos = {aid: i for i, aid in enumerate(nat.accounts["account_id"])}
    new_rep = np.full(len(nat.accounts), -1, dtype=np.int64)
    for res in results:
        new_rep[[acc_pos[a] for a in res.account_ids]] = [rep_pos[r] for r in res.new_rep_ids]
    objective_split = objective = nat.cost(new_rep)
    rows = [_part_row(res, tasks[i], True) for i, res in enumerate(results)]

    t1 = time.perf_counter()
    used: set[tuple[int, int]] = set()
    for round_ in range(1, repair_rounds + 1):
        pairs = _border_pairs(nat, new_rep, used)
        if not pairs:
            break
        used.update(pairs)
        rtasks = _repair_tasks(nat, new_rep, pairs, round_, part_time_limit, mip_gap)
        for task, res in zip(
            rtasks,
            run_parts(rtasks, dask_client=dask_client, jobs=jobs, progress=progress),
            strict=True,
        ):
            accepted = False
            if res.error is None:
                trial = new_rep.copy()
                trial[[acc_pos[a] for a in res.account_ids]] = [rep_pos[r] for r in res.new_rep_ids]
                trial_cost = nat.cost(trial)
                if trial_cost < objective - 1e-9 * abs(objective):
                    new_rep, objective, accepted = trial, trial_cost, True
            rows.append(_part_row(res, task, accepted))
    phases["repair"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    v0, mu0 = _start_prices(nat, tasks, results)
    _, _, final = improve_prices(
        nat.problem, v0, mu0, upper_bound=objective, iterations=bound_iterations
    )
    bound = final.bound
    phases["bound"] = time.perf_counter() - t1
    gap = relative_gap(objective, bound)
    status = SolveStatus.OPTIMAL if gap <= PROVEN_GAP else SolveStatus.FEASIBLE
    result = _result(nat, new_rep, status, objective, bound, gap, time.perf_counter() - t0)
    result = replace(
        result,
        detail=(
            f"{len(tasks)} parts solved ({workers}); objective {objective_split:.6g} after the "
            f"parts, {objective:.6g} after {repair_rounds} repair round(s); national "
            f"Lagrangian bound {bound:.6g}"
        ),
    )
    return NationalAlignment(result, pd.DataFrame(rows), phases, objective_split, workers)


def _workers(dask_client, jobs: int) -> str:
    if dask_client is not None:
        n = len(dask_client.scheduler_info().get("workers", {}))
        return f"dask ({n} workers)"
    return f"{jobs} local processes" if jobs > 1 else "in turn"


def _national(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    spec: AlignmentSpec,
    reps_per_part: int,
    by: str,
) -> _National:
    accounts, reps = validate_alignment_tables(accounts, reps, balance=spec.balance)
    n, r = len(accounts), len(reps)
    rep_pos = {rid: i for i, rid in enumerate(reps["rep_id"])}
    acc_pos = {aid: i for i, aid in enumerate(accounts["account_id"])}
    current = np.array(
        [rep_pos[c] if c is not None else -1 for c in accounts["current_rep_id"]], dtype=np.int64
    )
    unknown = [a for a in spec.locked if str(a) not in acc_pos]
    unknown += [a for a, _ in (*spec.mandatory, *spec.forbidden) if str(a) not in acc_pos]
    unknown_reps = [b for _, b in (*spec.mandatory, *spec.forbidden) if str(b) not in rep_pos]
    if unknown or unknown_reps:
        raise InputDataError(
            f"unknown accounts {unknown[:5]} or reps {unknown_reps[:5]} in locks or pairs",
            source="align_national",
        )
    locked = np.zeros(n, dtype=bool)
    locked[[acc_pos[str(a)] for a in spec.locked]] = True
    if spec.lock_regions:
        locked |= (
            accounts["region"].astype(str).isin([str(x) for x in spec.lock_regions]).to_numpy()
        )
    locked &= current >= 0
    forced = np.where(locked, current, -1)
    for a, b in spec.mandatory:
        forced[acc_pos[str(a)]] = rep_pos[str(b)]
    forbidden = {(acc_pos[str(a)], rep_pos[str(b)]) for a, b in spec.forbidden}
    n_parts = math.ceil(r / reps_per_part) if by == "clusters" else None
    labels = partition_reps(reps, n_parts, by=by)
    k = min(max(spec.k_nearest or 0, NEAREST_PRICED), r)
    near_idx, near_dist = nearest_k(
        accounts["lat"].to_numpy(),
        accounts["lon"].to_numpy(),
        reps["home_lat"].to_numpy(),
        reps["home_lon"].to_numpy(),
        k,
    )
    targets = rep_targets(accounts, reps, spec)
    problem = bound_problem(
        accounts,
        reps,
        spec,
        targets,
        current=current,
        forced=forced,
        forbidden=forbidden,
        k=k,
        near=(near_idx, near_dist),
    )
    return _National(
        accounts=accounts,
        reps=reps,
        spec=spec,
        targets=targets,
        current=current,
        forced=forced,
        locked=locked,
        forbidden=forbidden,
        labels=labels,
        near_idx=near_idx,
        near_dist=near_dist,
        problem=problem,
    )


def _route(nat: _National) -> np.ndarray:
    """Part of every account, each part's load inside the middle of its band.

    See :func:`~spm_models.territory.partition.route_accounts`. An account may go to the
    part of any of its nearest reps or of its current rep, and prefers its current rep's
    part (to keep disruption low); accounts whose current rep is far off prefer their
    nearest rep's part instead, biggest savings first, within a share of the cap.
    """
    n = len(nat.accounts)
    g = int(nat.labels.max()) + 1
    rows = np.arange(n)
    part_cost = np.full((n, g), np.inf)
    cand_cost = nat.weight[:, None] * nat.near_dist
    if nat.spec.max_distance_km is not None:
        cand_cost = np.where(nat.near_dist > nat.spec.max_distance_km, np.inf, cand_cost)
    cand_rows = np.repeat(rows, nat.near_idx.shape[1])
    np.minimum.at(part_cost, (cand_rows, nat.labels[nat.near_idx].ravel()), cand_cost.ravel())
    lat = nat.accounts["lat"].to_numpy()
    lon = nat.accounts["lon"].to_numpy()
    hlat = nat.reps["home_lat"].to_numpy()
    hlon = nat.reps["home_lon"].to_numpy()
    for reps_of in (nat.current, nat.forced):
        has = np.flatnonzero(reps_of >= 0)
        c = nat.weight[has] * haversine_km(
            lat[has], lon[has], hlat[reps_of[has]], hlon[reps_of[has]]
        )
        part = nat.labels[reps_of[has]]
        part_cost[has, part] = np.minimum(part_cost[has, part], c)
    metric = np.column_stack([metric_values(nat.accounts, m) for m in nat.spec.balance])
    tol = np.array([nat.spec.tolerance_for(m) for m in nat.spec.balance])[:, None]
    tgt = np.vstack(
        [np.bincount(nat.labels, weights=nat.targets[m], minlength=g) for m in nat.spec.balance]
    )
    lower, upper = tgt * (1 - ROUTING_BAND * tol), tgt * (1 + ROUTING_BAND * tol)
    forced = np.where(nat.forced >= 0, nat.labels[np.maximum(nat.forced, 0)], -1)
    home = _home_part(nat)
    nearest = nat.labels[nat.near_idx[:, 0]]
    preferred = np.where(home >= 0, home, nearest)
    if nat.cap is not None:
        # Accounts whose current rep is far off (not among their nearest) would rather
        # join their nearest rep's part: let the biggest savings do so, within a share of
        # the cap, and leave the rest to their current rep's part.
        far = (home >= 0) & (nearest != home) & ~(nat.near_idx == nat.current[:, None]).any(1)
        idx = np.flatnonzero(far)
        saving = part_cost[idx, home[idx]] - part_cost[idx, nearest[idx]]
        idx = idx[np.argsort(-saving / np.maximum(nat.basis[idx], 1e-12), kind="stable")]
        within = np.cumsum(nat.basis[idx]) <= ROUTING_MOVES * nat.cap
        preferred[idx[within]] = nearest[idx[within]]
    else:
        preferred = np.where((nat.near_idx == nat.current[:, None]).any(axis=1), preferred, nearest)
    # Leaving the preferred part costs ten typical trips: only balance should force it.
    move_cost = 10 * float(np.median(cand_cost[:, 0][np.isfinite(cand_cost[:, 0])]))
    routing = route_accounts(
        part_cost, metric, lower, upper, preferred=preferred, forced=forced, move_cost=move_cost
    )
    moved = float(nat.basis[(home >= 0) & (routing.part != home)].sum())
    if nat.cap is not None and moved > nat.cap:
        raise InfeasibleModelError(
            "territory decomposition",
            "disruption_cap",
            f"balancing the parts moves {moved:.6g} of the allowed {nat.cap:.6g} "
            f"({nat.spec.disruption_basis}) between parts",
            relaxation="use fewer, larger parts or a higher max_disruption",
        )
    return routing.part


def _home_part(nat: _National) -> np.ndarray:
    """Part of each account's current rep (``-1``: none)."""
    return np.where(nat.current >= 0, nat.labels[np.maximum(nat.current, 0)], -1)


def _sub_tables(
    nat: _National, acc_rows: np.ndarray, rep_rows: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A part's accounts (current rep cleared when outside the part) and reps."""
    inside = np.zeros(len(nat.reps), dtype=bool)
    inside[rep_rows] = True
    sub_acc = nat.accounts.iloc[acc_rows].copy()
    cur = nat.current[acc_rows]
    sub_acc["current_rep_id"] = np.where(
        (cur >= 0) & inside[np.maximum(cur, 0)],
        nat.reps["rep_id"].to_numpy(dtype=object)[np.maximum(cur, 0)],
        None,
    )
    return sub_acc.reset_index(drop=True), nat.reps.iloc[rep_rows].reset_index(drop=True)


def _sub_spec(
    nat: _National,
    acc_rows: np.ndarray,
    rep_rows: np.ndarray,
    share: float | None,
    pins: Sequence[tuple[str, str]] = (),
    extra: Sequence[tuple[str, str]] = (),
    *,
    every_rep: bool = False,
) -> AlignmentSpec:
    """A part's spec: national targets, its share of the cap, locks and pairs that apply.

    ``every_rep`` makes every rep of the part a candidate of every account (then the part's
    LP is feasible whenever its total load fits its reps' bands); ``pins`` are mandatory
    pairs, ``extra`` pairs added to the candidates.
    """
    spec = nat.spec
    acc_ids = nat.accounts["account_id"].to_numpy(dtype=object)
    rep_ids = nat.reps["rep_id"].to_numpy(dtype=object)
    in_acc = set(acc_ids[acc_rows])
    in_rep = set(rep_ids[rep_rows])

    def keep(pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((a, b) for a, b in pairs if a in in_acc and b in in_rep)

    locked = tuple(acc_ids[acc_rows][nat.locked[acc_rows]])
    mandatory = keep(spec.mandatory) + tuple(pins)
    return replace(
        spec,
        targets={
            m: dict(zip(rep_ids[rep_rows], nat.targets[m][rep_rows], strict=True))
            for m in spec.balance
        },
        rep_share=None,
        max_disruption=None if share is None else min(1.0, share),
        locked=locked,
        lock_regions=(),
        mandatory=mandatory,
        forbidden=keep(spec.forbidden),
        extra_pairs=keep(spec.extra_pairs) + tuple(extra),
        k_nearest=(
            None if every_rep or spec.k_nearest is None else min(spec.k_nearest, len(rep_rows))
        ),
    )


def _split_task(
    nat: _National,
    part: np.ndarray,
    j: int,
    time_limit: float | None,
    mip_gap: float,
    share: float | None,
    mode: str = "align",
) -> PartTask:
    acc_rows = np.flatnonzero(part == j)
    rep_rows = np.flatnonzero(nat.labels == j)
    sub_acc, sub_reps = _sub_tables(nat, acc_rows, rep_rows)
    spec = _sub_spec(nat, acc_rows, rep_rows, share, every_rep=True)
    name = f"part-{j + 1:02d}"
    return PartTask("split", name, sub_acc, sub_reps, spec, time_limit, mip_gap, mode=mode)


def _disruption_shares(
    nat: _National, part: np.ndarray, needs: Sequence[PartResult]
) -> list[float | None]:
    """Each part's cap, as a share of its own accounts' disruption basis.

    What is left of the national cap after the split's moves goes first to each part's
    need (the fewest moves its LP needs to balance), then in proportion to its accounts.
    """
    g = len(needs)
    if nat.cap is None:
        return [None] * g
    has = nat.current >= 0
    stays = has & (_home_part(nat) == part)
    spent = float(nat.basis[has & ~stays].sum())
    home = np.bincount(part[stays], weights=nat.basis[stays], minlength=g)
    need = np.array([max(r.objective, 0.0) for r in needs])
    left = nat.cap - spent
    if need.sum() > left + 1e-9:
        worst = np.argsort(-need)[:3]
        names = ", ".join(f"{needs[k].name} {need[k]:.6g}" for k in worst)
        raise InfeasibleModelError(
            "territory decomposition",
            "disruption_cap",
            f"the split moves {spent:.6g} and its parts need at least {need.sum():.6g} more "
            f"({names}, ...) to balance, above the cap of {nat.cap:.6g} "
            f"({nat.spec.disruption_basis})",
            relaxation="a higher max_disruption, a wider tolerance or fewer, larger parts",
        )
    budget = need + (left - need.sum()) * home / max(home.sum(), 1e-12)
    return [float(b / h) if h > 0 else None for b, h in zip(budget, home, strict=True)]


def _border_pairs(
    nat: _National, new_rep: np.ndarray, used: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Neighbouring parts, paired greedily by how many accounts sit on their border."""
    own = nat.labels[new_rep]
    cand_parts = nat.labels[nat.near_idx]
    g = int(nat.labels.max()) + 1
    weight = np.zeros((g, g))
    for col in range(cand_parts.shape[1]):
        other = cand_parts[:, col]
        diff = other != own
        np.add.at(weight, (own[diff], other[diff]), 1.0)
    weight = weight + weight.T
    edges = [
        (weight[a, b], a, b)
        for a in range(g)
        for b in range(a + 1, g)
        if weight[a, b] > 0 and (a, b) not in used
    ]
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    taken: set[int] = set()
    pairs = []
    for _, a, b in edges:
        if a not in taken and b not in taken:
            pairs.append((a, b))
            taken.update((a, b))
    return pairs


def _repair_tasks(
    nat: _National,
    new_rep: np.ndarray,
    pairs: list[tuple[int, int]],
    round_: int,
    time_limit: float | None,
    mip_gap: float,
) -> list[PartTask]:
    own = nat.labels[new_rep]
    near = nat.near_idx[:, : nat.spec.k_nearest or BORDER_REPS]
    cand_parts = nat.labels[near]
    rep_ids = nat.reps["rep_id"].to_numpy(dtype=object)
    acc_ids = nat.accounts["account_id"].to_numpy(dtype=object)
    home_inside = []
    members = []
    for a, b in pairs:
        acc_mask = (own == a) | (own == b)
        rep_mask = (nat.labels == a) | (nat.labels == b)
        cur_in = (nat.current >= 0) & rep_mask[np.maximum(nat.current, 0)] & acc_mask
        members.append((acc_mask, rep_mask, cur_in))
        home_inside.append(float(nat.basis[cur_in].sum()))
    slack = 0.0 if nat.cap is None else max(nat.cap - nat.moved_basis(new_rep), 0.0)
    total_home = max(sum(home_inside), 1e-12)
    tasks = []
    for (a, b), (acc_mask, rep_mask, cur_in), home in zip(pairs, members, home_inside, strict=True):
        acc_rows = np.flatnonzero(acc_mask)
        rep_rows = np.flatnonzero(rep_mask)
        # Border accounts have reps of both parts among their nearest; the rest stay put.
        border = (cand_parts[acc_rows] == a).any(axis=1) & (cand_parts[acc_rows] == b).any(axis=1)
        pinned = acc_rows[~border & (nat.forced[acc_rows] < 0)]
        pins = tuple(zip(acc_ids[pinned], rep_ids[new_rep[pinned]], strict=True))
        share = None
        if nat.cap is not None:
            used_here = nat.moved_basis(new_rep, cur_in)
            budget = used_here + slack * home / total_home
            share = budget / home * (1 + 1e-12) if home > 0 else None
        sub_acc, sub_reps = _sub_tables(nat, acc_rows, rep_rows)
        # The current alignment stays a candidate, so the pair's model is always feasible.
        free = acc_rows[border & (nat.forced[acc_rows] < 0)]
        keep_current = tuple(zip(acc_ids[free], rep_ids[new_rep[free]], strict=True))
        spec = _sub_spec(nat, acc_rows, rep_rows, share, pins, keep_current)
        name = f"part-{a + 1:02d}+part-{b + 1:02d}"
        tasks.append(
            PartTask(f"repair-{round_}", name, sub_acc, sub_reps, spec, time_limit, mip_gap)
        )
    return tasks


def _raise_on_failures(results: Sequence[PartResult], phase: str) -> None:
    bad = [r for r in results if r.error is not None]
    if bad:
        reasons = "; ".join(f"{r.name}: {r.error}" for r in bad[:5])
        raise InfeasibleModelError(
            "territory decomposition",
            "part",
            f"{len(bad)} of {len(results)} parts failed in the {phase} phase: {reasons}",
            relaxation="use fewer, larger parts, a wider tolerance or a higher max_disruption",
        )


def _part_row(res: PartResult, task: PartTask, accepted: bool) -> dict:
    return {
        "phase": res.phase,
        "part": res.name,
        "reps": len(task.reps),
        "accounts": len(task.accounts),
        "status": res.status,
        "objective": res.objective,
        "bound": res.bound,
        "gap": relative_gap(res.objective, res.bound) if res.error is None else math.nan,
        "seconds": round(res.seconds, 3),
        "accepted": accepted,
        "error": res.error or "",
    }


def _start_prices(
    nat: _National, tasks: Sequence[PartTask], results: Sequence[PartResult]
) -> tuple[np.ndarray, float]:
    """Starting prices for the national bound: each part's LP prices, or zero if better."""
    rep_pos = {rid: i for i, rid in enumerate(nat.reps["rep_id"])}
    v = np.zeros((len(nat.spec.balance), len(nat.reps)))
    mu = 0.0
    for task, res in zip(tasks, results, strict=True):
        if res.prices is None:
            continue
        pos = [rep_pos[r] for r in task.reps["rep_id"]]
        for mi, m in enumerate(nat.spec.balance):
            v[mi, pos] = res.prices[m]
        mu = max(mu, res.disruption_price)
    mu = mu if nat.cap is not None else 0.0
    zero = np.zeros_like(v)
    start = lagrangian_bound(nat.problem, v, mu).bound
    return (v, mu) if start > lagrangian_bound(nat.problem, zero, 0.0).bound else (zero, 0.0)


def _result(
    nat: _National,
    new_rep: np.ndarray,
    status: SolveStatus,
    objective: float,
    bound: float,
    gap: float,
    runtime_s: float,
) -> AlignmentResult:
    arcs = pd.DataFrame(
        {c: pd.Series(dtype=float) for c in ("item", "agent", "distance_km", "cost")}
    )
    inputs = AlignmentInputs(
        accounts=nat.accounts,
        reps=nat.reps,
        spec=nat.spec,
        arcs=arcs,
        metrics={m: metric_values(nat.accounts, m) for m in nat.spec.balance},
        targets=nat.targets,
        current=nat.current,
        fixed={},
        banned={},
        disruption_cap=nat.cap,
    )
    assignment = assignment_table(inputs, new_rep)
    assignment["locked"] = nat.locked
    territories = territory_table(inputs, assignment)
    summary = summary_metrics(inputs, assignment, territories)
    return AlignmentResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        assignment=assignment,
        territories=territories,
        summary=summary,
        solver=f"highs (decomposed into {int(nat.labels.max()) + 1} parts)",
        runtime_s=runtime_s,
        comparison=before_after(summary),
        spec=nat.spec,
    )
