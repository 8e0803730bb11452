"""Hiring plan by optimisation: the cheapest requisitions per month that meet quarterly targets.

Decision ``h_m`` (integer): requisitions opened in month ``m``. Because the headcount model is
linear in the hires, a requisition opened in month ``m`` adds ``contrib[m, q]`` bookings in
quarter ``q`` and costs ``cost[m]`` over the horizon (salary for the expected head-months,
including its own backfills, plus recruiting), both measured by simulating one unit hire::

    min  sum_m cost[m] h_m
    s.t. base_q + sum_m contrib[m, q] h_m >= target_q        (meet_target_Q{q})
         h_m <= max_hires_m                                  (max_hires_{m})
         sum_m cost[m] h_m <= budget                         (budget)
         h_m integer >= 0

When no plan meets every target, an elastic copy with shortfall variables finds the smallest
total shortfall (then the cheapest plan achieving it), and the result reports by how much each
quarter falls short and which family blocks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
import pulp

from spm_models.capacity.headcount import (
    CapacityAssumptions,
    CapacityResult,
    _as_month_vector,
    monthly_targets,
    simulate_capacity,
)
from spm_models.config import DEFAULT_SOLVER
from spm_models.errors import InfeasibleModelError, param_error


class HiringStatus(StrEnum):
    """Outcome of the hiring IP."""

    OPTIMAL = "optimal"
    TARGET_UNMET = "target_unmet"
    NOT_SOLVED = "not_solved"

    @property
    def is_ok(self) -> bool:
        """True when every quarterly target is met at least cost."""
        return self is HiringStatus.OPTIMAL


@dataclass(frozen=True)
class HiringInputs:
    """Everything the hiring IP needs, already priced per unit hire.

    Attributes
    ----------
    base : ndarray
        Bookings capacity by quarter without planned hires (USD).
    contrib : ndarray
        ``contrib[m, q]``: bookings in quarter ``q`` from one requisition opened in month ``m``.
    cost : ndarray
        Cost over the horizon of one requisition opened in month ``m`` (USD).
    targets : ndarray
        Bookings target by quarter (USD).
    max_hires : ndarray
        Upper limit of requisitions per month (``inf`` = none).
    budget : float or None
        Limit on the total cost of planned hires (USD).
    """

    base: np.ndarray
    contrib: np.ndarray
    cost: np.ndarray
    targets: np.ndarray
    max_hires: np.ndarray
    budget: float | None
    periods: list[pd.Timestamp] = field(default_factory=list)

    @property
    def months(self) -> int:
        """Horizon in months."""
        return len(self.cost)


@dataclass(frozen=True)
class HiringPlan:
    """The hiring plan.

    Attributes
    ----------
    status : HiringStatus
    objective : float
        Cost of the planned hires over the horizon (USD).
    hires : DataFrame
        ``month, period, reqs_opened, unit_cost``.
    quarterly : DataFrame
        ``quarter, target, base_capacity, hire_capacity, capacity, shortfall``.
    shortfall : float
        Total bookings short of the targets (0 when met).
    blocking : str or None
        For an unmet target, the constraint family that blocks (``budget``, ``max_hires`` or
        ``meet_target`` when no number of hires would do, e.g. within time-to-hire).
    relaxation : str or None
    capacity : CapacityResult
        The headcount model run with the planned hires.
    solver : str
    runtime_s : float
    """

    status: HiringStatus
    objective: float
    hires: pd.DataFrame
    quarterly: pd.DataFrame
    shortfall: float
    blocking: str | None
    relaxation: str | None
    capacity: CapacityResult
    solver: str
    runtime_s: float

    @property
    def total_hires(self) -> int:
        """Requisitions opened over the horizon."""
        return int(self.hires["reqs_opened"].sum())

    def raise_for_status(self) -> None:
        """Raise :class:`InfeasibleModelError` when the targets are not met."""
        if self.status.is_ok:
            return
        short = self.quarterly.loc[self.quarterly["shortfall"] > 0.5]
        where = ", ".join(f"Q{int(r.quarter)} by ${r.shortfall:,.0f}" for r in short.itertuples())
        raise InfeasibleModelError(
            "hiring plan",
            self.blocking or "meet_target",
            f"the bookings targets cannot be met: short {where} (total ${self.shortfall:,.0f})",
            self.relaxation,
            {
                "shortfall": self.shortfall,
                "by_quarter": dict(zip(short["quarter"], short["shortfall"], strict=True)),
            },
        )


def hiring_inputs(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    targets: float | Sequence[float],
    months: int = 12,
    open_seats: float = 0.0,
    max_hires: float | Sequence[float] | None = None,
    budget: float | None = None,
) -> HiringInputs:
    """Price each month's requisition with the headcount model and collect the IP's data."""
    if budget is not None and budget < 0:
        raise param_error("budget", "hiring_inputs", ">= 0 or None", budget)
    kw = {"plan_start": plan_start, "months": months}
    base_run = simulate_capacity(roster, assumptions, open_seats=open_seats, targets=targets, **kw)
    n_q = months // 3
    empty = roster.iloc[0:0]
    contrib = np.zeros((months, n_q))
    cost = np.zeros(months)
    for m in range(months):
        unit = np.zeros(months)
        unit[m] = 1.0
        run = simulate_capacity(empty, assumptions, hires=unit, **kw)
        contrib[m] = run.quarterly["bookings_capacity"].to_numpy()
        cost[m] = float(run.monthly["cost"].sum())
    cap = (
        np.full(months, np.inf)
        if max_hires is None
        else _as_month_vector(max_hires, months, "max_hires")
    )
    q_targets = monthly_targets(targets, months).reshape(n_q, 3).sum(axis=1)
    return HiringInputs(
        base_run.quarterly["bookings_capacity"].to_numpy(),
        contrib,
        cost,
        q_targets,
        cap,
        budget,
        list(base_run.monthly["period"]),
    )


def build_hiring(inputs: HiringInputs, *, elastic: bool = False) -> pulp.LpProblem:
    """Build the hiring IP (no solving); ``elastic`` adds shortfall variables."""
    prob = pulp.LpProblem("hiring_plan", pulp.LpMinimize)
    h = [prob.add_variable(f"hires_{m}", lowBound=0, cat="Integer") for m in range(inputs.months)]
    spend = pulp.lpSum(float(inputs.cost[m]) * h[m] for m in range(inputs.months))
    short = []
    for q, target in enumerate(inputs.targets):
        lhs = float(inputs.base[q]) + pulp.lpSum(
            float(inputs.contrib[m, q]) * h[m]
            for m in range(inputs.months)
            if inputs.contrib[m, q] > 0
        )
        if elastic:
            s = prob.add_variable(f"shortfall_Q{q + 1}", lowBound=0)
            short.append(s)
            lhs = lhs + s
        prob += (lhs >= float(target), f"meet_target_Q{q + 1}")
    for m in range(inputs.months):
        if np.isfinite(inputs.max_hires[m]):
            prob += (h[m] <= float(inputs.max_hires[m]), f"max_hires_{m}")
    if inputs.budget is not None:
        prob += (spend <= float(inputs.budget), "budget")
    # The elastic copy minimises the shortfall; the cheapest plan at that shortfall is a
    # second solve (see _solve_min_shortfall), so no big-M weight is needed.
    prob += pulp.lpSum(short) if elastic else spend
    return prob


def _solver(name: str, time_limit: float):
    if name == "highs":
        from spm_models.territory.solve import silence_highs_banner

        silence_highs_banner()
        return pulp.HiGHS(msg=False, timeLimit=time_limit)
    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    raise param_error("solver", "plan_hiring", "'highs' or 'cbc'", name)


def _solve_min_shortfall(
    inputs: HiringInputs, solver: str, time_limit: float, *, cheapest: bool = True
) -> tuple[float, np.ndarray]:
    """Smallest total shortfall, then (``cheapest``) the cheapest plan achieving it.

    The diagnosis only needs the smallest shortfall, so it skips the second stage, which
    can be slow when hires are unlimited (many near-equal integer plans).
    """
    stage1 = build_hiring(inputs, elastic=True)
    stage1.solve(_solver(solver, time_limit))
    best = float(pulp.value(stage1.objective) or 0.0)
    if not cheapest:
        return best, _hire_values(stage1, inputs.months)
    stage2 = build_hiring(inputs, elastic=True)
    shorts = [v for v in stage2.variables() if v.name.startswith("shortfall_")]
    # A dollar of slack per million of target keeps the second stage numerically easy.
    slack = 1e-6 * float(inputs.targets.sum()) + 1e-3
    stage2 += (pulp.lpSum(shorts) <= best + slack, "min_shortfall")
    hires = _hire_vars(stage2, inputs.months)
    stage2.setObjective(
        pulp.lpSum(float(inputs.cost[m]) * v for m, v in enumerate(hires) if v is not None)
    )
    stage2.solve(_solver(solver, time_limit))
    return best, _hire_values(stage2, inputs.months)


def _hire_vars(prob: pulp.LpProblem, months: int) -> list[pulp.LpVariable | None]:
    """Hire variables by month; ``None`` for a month whose hire appears in no term (it
    starts after the horizon), which PuLP leaves out of the model."""
    var = prob.variablesDict()
    return [var.get(f"hires_{m}") for m in range(months)]


def _hire_values(prob: pulp.LpProblem, months: int) -> np.ndarray:
    return np.array(
        [(v.varValue or 0.0) if v is not None else 0.0 for v in _hire_vars(prob, months)]
    )


def plan_hiring(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    targets: float | Sequence[float],
    months: int = 12,
    open_seats: float = 0.0,
    max_hires: float | Sequence[float] | None = None,
    budget: float | None = None,
    solver: str = DEFAULT_SOLVER,
    time_limit: float = 30.0,
) -> HiringPlan:
    """Cheapest monthly hiring plan meeting quarterly bookings targets.

    Parameters
    ----------
    roster, assumptions, plan_start, months, open_seats
        As for :func:`~spm_models.capacity.headcount.simulate_capacity`.
    targets : float or sequence
        Annual total (spread evenly), one value per quarter, or one per month (USD).
    max_hires : float or sequence, optional
        Limit on requisitions per month (0 = hiring freeze).
    budget : float, optional
        Limit on the total cost of the planned hires over the horizon (USD).

    Returns
    -------
    HiringPlan
        ``status`` is ``optimal`` when every target is met, else ``target_unmet`` with the
        shortfall per quarter, the blocking family and a relaxation (call
        :meth:`HiringPlan.raise_for_status` to turn that into an error).
    """
    inputs = hiring_inputs(
        roster,
        assumptions,
        plan_start=plan_start,
        targets=targets,
        months=months,
        open_seats=open_seats,
        max_hires=max_hires,
        budget=budget,
    )
    return solve_hiring(
        inputs,
        roster,
        assumptions,
        plan_start=plan_start,
        targets=targets,
        open_seats=open_seats,
        solver=solver,
        time_limit=time_limit,
    )


def solve_hiring(
    inputs: HiringInputs,
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    targets: float | Sequence[float],
    open_seats: float = 0.0,
    solver: str = DEFAULT_SOLVER,
    time_limit: float = 30.0,
) -> HiringPlan:
    """Solve a built hiring IP and extract the plan (see :func:`plan_hiring`)."""
    t0 = time.perf_counter()
    prob = build_hiring(inputs)
    status = prob.solve(_solver(solver, time_limit))
    blocking = relaxation = None
    if status == pulp.LpStatusOptimal:
        h = _hire_values(prob, inputs.months)
        hstatus = HiringStatus.OPTIMAL
    elif status in (pulp.LpStatusInfeasible, pulp.LpStatusUnbounded, pulp.LpStatusNotSolved):
        hstatus = HiringStatus.TARGET_UNMET
        _, h = _solve_min_shortfall(inputs, solver, time_limit)
        blocking, relaxation = _diagnose(inputs, solver, time_limit)
    else:
        hstatus = HiringStatus.NOT_SOLVED
        h = np.zeros(inputs.months)
    h = np.round(h)
    runtime = time.perf_counter() - t0
    run = simulate_capacity(
        roster,
        assumptions,
        plan_start=plan_start,
        months=inputs.months,
        hires=h,
        open_seats=open_seats,
        targets=targets,
    )
    hire_cap = inputs.contrib.T @ h
    quarterly = pd.DataFrame(
        {
            "quarter": np.arange(1, len(inputs.targets) + 1),
            "target": inputs.targets,
            "base_capacity": inputs.base,
            "hire_capacity": hire_cap,
            "capacity": inputs.base + hire_cap,
        }
    )
    quarterly["shortfall"] = np.maximum(quarterly["target"] - quarterly["capacity"], 0.0)
    hires = pd.DataFrame(
        {
            "month": np.arange(inputs.months),
            "period": inputs.periods,
            "reqs_opened": h.astype(int),
            "unit_cost": inputs.cost,
        }
    )
    shortfall = float(quarterly["shortfall"].sum())
    if hstatus is HiringStatus.OPTIMAL and shortfall > 1e-6 * max(1.0, float(inputs.targets.sum())):
        hstatus = HiringStatus.TARGET_UNMET
    return HiringPlan(
        hstatus,
        float(inputs.cost @ h),
        hires,
        quarterly,
        shortfall,
        blocking,
        relaxation,
        run,
        solver,
        runtime,
    )


def _shortfall_by_quarter(inputs: HiringInputs, h: np.ndarray) -> np.ndarray:
    return np.maximum(inputs.targets - inputs.base - inputs.contrib.T @ h, 0.0)


def _diagnose(inputs: HiringInputs, solver: str, time_limit: float) -> tuple[str, str | None]:
    """Name the family that blocks and a relaxation.

    The shortfall that remains with unlimited hiring and money is due to timing (no hire can
    start and ramp in time): the ``meet_target`` family itself. Anything above it is caused
    by the budget or the monthly limits, found by lifting each in turn.
    """
    from dataclasses import replace

    tol = 1e-6 * max(1.0, float(inputs.targets.sum()))
    no_cap = np.full(inputs.months, np.inf)
    free = replace(inputs, max_hires=no_cap, budget=None)
    # With unlimited hires a reachable quarter is never short, so the first stage alone
    # gives the timing shortfall of each quarter.
    _, h_free = _solve_min_shortfall(free, solver, time_limit, cheapest=False)
    timing = _shortfall_by_quarter(free, h_free)
    _, h_now = _solve_min_shortfall(inputs, solver, time_limit, cheapest=False)
    actual = _shortfall_by_quarter(inputs, h_now)
    late = ", ".join(f"Q{q + 1} by ${v:,.0f}" for q, v in enumerate(timing) if v > tol)
    timing_note = (
        f"lower the targets of {late}: no hire can start and ramp in time" if late else None
    )
    if actual.sum() <= timing.sum() + tol:
        return "meet_target", timing_note
    notes = []
    family = "budget and max_hires"
    if inputs.budget is not None:
        lifted = replace(inputs, budget=None)
        _, h = _solve_min_shortfall(lifted, solver, time_limit)
        if _shortfall_by_quarter(lifted, h).sum() <= timing.sum() + tol:
            family = "budget"
            notes.append(f"raise the hiring budget to at least ${float(inputs.cost @ h):,.0f}")
    if not notes and np.isfinite(inputs.max_hires).any():
        lifted = replace(inputs, max_hires=no_cap)
        _, h = _solve_min_shortfall(lifted, solver, time_limit, cheapest=False)
        if _shortfall_by_quarter(lifted, h).sum() <= timing.sum() + tol:
            family = "max_hires"
            notes.append(f"allow more requisitions a month (e.g. up to {int(h.max())})")
    if not notes:
        notes.append("raise the hiring budget and allow more requisitions a month")
    if timing_note:
        notes.append(timing_note)
    return family, "; ".join(notes)
