"""Territory alignment end to end: prepare, build, solve, extract (and diagnose)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from spm_models.errors import InfeasibleModelError, param_error
from spm_models.territory.heuristics import solve_assignment
from spm_models.territory.inputs import AlignmentInputs, AlignmentSpec, prepare_alignment
from spm_models.territory.metrics import (
    assignment_table,
    before_after,
    summary_metrics,
    territory_table,
)
from spm_models.territory.model import AssignmentModel, build_alignment
from spm_models.territory.solve import (
    PROVEN_GAP,
    SolveOutcome,
    SolveStatus,
    classify,
    relative_gap,
    solve_linear,
)


@dataclass(frozen=True)
class AlignmentResult:
    """The outcome of a territory alignment.

    Attributes
    ----------
    status : SolveStatus
        ``optimal`` (proven), ``feasible`` (with a gap), ``no_solution``; ``status.is_ok``
        tells whether the tables hold a new alignment.
    objective : float
        Travel objective (weight x km, plus any penalties) of the alignment.
    bound : float
        Proven lower bound on the optimum over the candidate pairs.
    gap : float
        ``(objective - bound) / objective``.
    assignment : pandas.DataFrame
        One row per account (``account_id``, ``old_rep_id``, ``new_rep_id``, ``moved``,
        ``distance_km``, ...).
    territories : pandas.DataFrame
        One row per territory (loads, targets, deviations, distance statistics).
    summary : dict
        Summary metrics (travel, balance CV and max/min ratio, accounts and potential moved),
        before and after.
    solver : str
        Solver and version.
    runtime_s : float
        Seconds, including model building.
    comparison : pandas.DataFrame
        Before/after table.
    pruning : PruningCheck or None
        Whether candidate pruning could have cut off better solutions.
    spec : AlignmentSpec
        The choices the run used.
    detail : str
        The solve's own account of its steps.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    assignment: pd.DataFrame
    territories: pd.DataFrame
    summary: dict
    solver: str
    runtime_s: float
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    pruning: object | None = None
    spec: AlignmentSpec = field(default_factory=AlignmentSpec)
    detail: str = ""

    def summary_json(self) -> dict:
        """Status, objective, bound, gap, seconds and the summary metrics, JSON-ready."""

        def clean(v: object) -> object:
            if isinstance(v, float | np.floating):
                return float(v) if math.isfinite(v) else None
            if isinstance(v, np.integer):
                return int(v)
            return v

        out = {
            "status": str(self.status),
            "objective": clean(self.objective),
            "bound": clean(self.bound),
            "gap": clean(self.gap),
            "seconds": round(self.runtime_s, 3),
            "solver": self.solver,
        }
        out.update({k: clean(v) for k, v in self.summary.items()})
        if self.pruning is not None:
            out["pruning_ok"] = bool(self.pruning.ok)
            out["pruning_message"] = self.pruning.message
            out["bound_all_pairs"] = clean(self.pruning.bound_all_pairs)
        return out


def start_vector(
    inputs: AlignmentInputs, model: AssignmentModel, start: pd.Series
) -> np.ndarray | None:
    """The model's column vector for a rep per account, or None when it is not a feasible start.

    Parameters
    ----------
    inputs : AlignmentInputs
        Prepared inputs of the model.
    model : AssignmentModel
        The model to start.
    start : pandas.Series
        Rep id per account id; every account must be present and every pair a candidate.
    """
    rep_pos = {r: i for i, r in enumerate(inputs.reps["rep_id"])}
    reps = start.reindex(inputs.accounts["account_id"]).map(rep_pos)
    if reps.isna().any():
        return None
    n_agents = len(inputs.reps)
    arc_of = {
        int(k): j
        for j, k in enumerate(model.arc_item.astype(np.int64) * n_agents + model.arc_agent)
    }
    keys = np.arange(len(reps), dtype=np.int64) * n_agents + reps.to_numpy(dtype=np.int64)
    choice = [arc_of.get(int(k), -1) for k in keys]
    if min(choice) < 0:
        return None
    x = model.assignment_vector(np.array(choice, dtype=np.int64))
    return x if model.linear.max_violation(x) <= 1e-6 else None


def extract_alignment(
    inputs: AlignmentInputs,
    model: AssignmentModel,
    outcome: SolveOutcome,
    *,
    runtime_s: float | None = None,
    pruning: object | None = None,
) -> AlignmentResult:
    """Turn a solver outcome into an :class:`AlignmentResult` (tables and metrics)."""
    if outcome.x is not None and outcome.status.is_ok:
        choice = model.choice_from_x(outcome.x)
        if (choice < 0).any():
            missing = inputs.accounts["account_id"].iloc[np.flatnonzero(choice < 0)[:5]].tolist()
            raise RuntimeError(f"solver returned no rep for accounts {missing}")
        new_rep = model.arc_agent[choice]
    else:
        new_rep = np.where(inputs.current >= 0, inputs.current, 0)
    assignment = assignment_table(inputs, new_rep)
    territories = territory_table(inputs, assignment)
    seconds = outcome.runtime_s if runtime_s is None else runtime_s
    fields = result_fields(inputs, outcome, assignment, territories, seconds)
    return AlignmentResult(**fields, pruning=pruning)


def result_fields(
    inputs: AlignmentInputs,
    outcome: SolveOutcome,
    assignment: pd.DataFrame,
    territories: pd.DataFrame,
    runtime_s: float,
) -> dict[str, object]:
    """The fields every alignment result holds, from a solve and its account tables.

    The summary is measured on ``assignment``; an outcome without a solution then keeps
    no assignment rows, so nothing reads an unsolved alignment as a plan.
    """
    summary = summary_metrics(inputs, assignment, territories)
    return {
        "status": outcome.status,
        "objective": outcome.objective,
        "bound": outcome.bound,
        "gap": outcome.gap,
        "assignment": assignment if outcome.status.is_ok else assignment.iloc[0:0],
        "territories": territories,
        "summary": summary,
        "solver": outcome.solver,
        "runtime_s": runtime_s,
        "comparison": before_after(summary),
        "spec": inputs.spec,
        "detail": outcome.detail,
    }


def _place_units(accounts: pd.DataFrame, units: str, contiguous: bool):
    """The geography of city or country units (None for counties, built later)."""
    from spm_models.geography.places import PLACE_UNITS, place_geography

    if units not in PLACE_UNITS:
        return None
    if contiguous:
        raise param_error(
            "contiguous", "align_territories",
            f"False with {units} units: they have no map borders, so a territory of "
            f"{units} units cannot be checked for connection (use county units in the US)",
            contiguous,
        )  # fmt: skip
    return place_geography(accounts, by=units)


def align_territories(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    spec: AlignmentSpec | None = None,
    solver: str = "highs",
    method: str = "auto",
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-4,
    check_pruning: bool = True,
    diagnose: bool = True,
    threads: int | None = None,
    reprice: int = 3,
    start: pd.Series | None = None,
    units: str = "account",
    contiguous: bool = False,
    locked_units: tuple[str, ...] = (),
    **options,
) -> AlignmentResult:
    """Align accounts to reps: compact, balanced, low-disruption, with a proven gap.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Tables in the schema of :mod:`spm_models.data.schema`.
    spec : AlignmentSpec, optional
        The run's choices; or pass them as keyword ``options`` (``balance``, ``tolerance``,
        ``max_disruption``, ``locked``, ``forbidden``, ``k_nearest``, ...).
    solver : {"highs", "cbc", "pulp-highs"}
        MIP solver (HiGHS by default).
    method : {"auto", "mip", "lp-fix"}
        See :func:`spm_models.territory.heuristics.solve_assignment`.
    time_limit : float, optional
        Seconds for the solve.
    mip_gap : float
        Relative gap at which to stop.
    check_pruning : bool
        Price every pruned pair with the LP duals (see :func:`check_pruning`).
    diagnose : bool
        On infeasibility, find the blocking family and a relaxation before raising.
    threads : int, optional
        Solver threads.
    reprice : int
        Rounds of column generation over account-rep pairs: while the gap over all pairs
        is above ``mip_gap``, add the pruned pairs that price out negative at the LP duals
        (and those cheap enough to be in a better alignment) to the candidates and solve
        again, within the time limit. The reported bound and gap always hold for every
        pair (see :meth:`~spm_models.territory.diagnose.PruningCheck.mip_bound_all_pairs`).
    start : pandas.Series, optional
        A warm start: rep id per account id (e.g. a related solve's ``new_rep_id``). When it
        is feasible for this request it is the first incumbent, so the answer is never worse.
    units : {"account", "county", "city", "country"}
        ``"county"``: territories of whole counties (see
        :func:`spm_models.territory.units.align_units`); ``"city"`` or ``"country"``:
        of whole cities or countries from the accounts' own columns, for accounts outside
        the US (see :func:`spm_models.geography.places.place_geography`; no contiguity).
        The result is then a ``UnitAlignmentResult`` with a ``units`` table.
    contiguous : bool
        With county units, every territory one connected piece (Alaska and Hawaii exempt).
    locked_units : tuple of str
        With county units, units (FIPS codes or county names) kept with their current rep.

    Returns
    -------
    AlignmentResult

    Raises
    ------
    InfeasibleModelError
        When no alignment satisfies the constraints; names the blocking family and a
        relaxation that works (e.g. the smallest tolerance).
    InputDataError
        When the tables are invalid.
    """
    from spm_models.territory.diagnose import check_pruning as _check
    from spm_models.territory.diagnose import diagnose_infeasibility

    if units != "account":
        from spm_models.territory.units import align_units

        geography = _place_units(accounts, units, contiguous)
        return align_units(
            accounts, reps, units=units, contiguous=contiguous, locked_units=locked_units,
            geography=geography, spec=spec, solver=solver, time_limit=time_limit,
            mip_gap=mip_gap, threads=threads, **options,
        )  # fmt: skip
    if contiguous or locked_units:
        raise param_error("units", "align_territories", "'county' with contiguous or "
                          "locked_units", units)  # fmt: skip
    t0 = time.perf_counter()
    inputs = prepare_alignment(accounts, reps, spec, **options)
    pricing = (
        check_pruning
        and inputs.spec.k_nearest is not None
        and inputs.spec.k_nearest < len(inputs.reps)
    )
    for round_ in range(reprice + 1):
        model = build_alignment(inputs)
        budget = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 1.0)
        if budget is not None and pricing and round_ < reprice:
            # Leave time to re-solve with the pairs the pricing adds.
            budget = max(budget / 2, 1.0)
        outcome = solve_assignment(
            model,
            method=method,
            solver=solver,
            time_limit=budget,
            mip_gap=mip_gap,
            threads=threads,
            start=None if start is None else start_vector(inputs, model, start),
        )
        if outcome.status == SolveStatus.INFEASIBLE:
            if diagnose:
                raise diagnose_infeasibility(inputs, model=model).to_error()
            raise InfeasibleModelError(
                "territory alignment", "unknown", "the solver proved the model infeasible"
            )
        pruning = None
        if (
            check_pruning
            and inputs.spec.k_nearest is not None
            and inputs.spec.k_nearest < len(inputs.reps)
            and outcome.status.is_ok
        ):
            duals = outcome.row_dual
            if duals is None:
                lp = solve_linear(model.linear, relax=True, threads=threads)
                duals = lp.row_dual
            if duals is not None:
                cutoff = outcome.objective - outcome.bound
                pruning = _check(inputs, model, duals, cutoff=max(cutoff, 0.0))
        if pruning is None or round_ == reprice or _closed(outcome, pruning, mip_gap):
            break
        if time_limit is not None and time.perf_counter() - t0 > 0.8 * time_limit:
            break
        ai = np.concatenate([pruning.negative[0], pruning.promising[0]])
        ri = np.concatenate([pruning.negative[1], pruning.promising[1]])
        if ai.size == 0:
            break
        # The answer so far stays feasible with more pairs: it starts the next solve, so
        # a round of pricing never makes the alignment worse.
        start = _as_start(inputs, model, outcome.x)
        inputs = _with_pairs(inputs, ai, ri)
    if pruning is not None:
        outcome = _all_pairs_outcome(outcome, pruning, model.linear.integral_objective)
    return extract_alignment(
        inputs, model, outcome, runtime_s=time.perf_counter() - t0, pruning=pruning
    )


def _with_pairs(inputs: AlignmentInputs, ai: np.ndarray, ri: np.ndarray) -> AlignmentInputs:
    """Inputs with the account-rep pairs at positions ``(ai, ri)`` added as candidates."""
    acc_ids = inputs.accounts["account_id"].to_numpy()
    rep_ids = inputs.reps["rep_id"].to_numpy()
    added = tuple(dict.fromkeys(zip(acc_ids[ai], rep_ids[ri], strict=True)))
    return prepare_alignment(
        inputs.accounts,
        inputs.reps,
        replace(inputs.spec, extra_pairs=inputs.spec.extra_pairs + added),
    )


def _as_start(inputs: AlignmentInputs, model: AssignmentModel, x: np.ndarray) -> pd.Series:
    """Rep id per account id of a solution vector (a warm start for a related solve)."""
    reps = model.arc_agent[model.choice_from_x(x)]
    return pd.Series(
        inputs.reps["rep_id"].to_numpy()[reps], index=inputs.accounts["account_id"].to_numpy()
    )


def _closed(outcome: SolveOutcome, pruning, mip_gap: float) -> bool:
    """Whether the gap over every account-rep pair is within ``mip_gap``."""
    bound = pruning.mip_bound_all_pairs(outcome.bound)
    return relative_gap(outcome.objective, bound) <= max(mip_gap, PROVEN_GAP)


def _all_pairs_outcome(outcome: SolveOutcome, pruning, integral: bool) -> SolveOutcome:
    """The outcome with its bound, gap and status over every account-rep pair."""
    if not outcome.status.is_ok:
        return outcome
    bound = pruning.mip_bound_all_pairs(outcome.bound)
    status, bound, gap = classify(outcome.objective, bound, integral, outcome.x is not None)
    return replace(outcome, status=status, bound=bound, gap=gap)
