"""A full capacity plan for a company: headcount without hiring, the cheapest hiring plan,
the bridge from today's team and the sensitivity of capacity, in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.capacity.headcount import (
    CapacityAssumptions,
    CapacityResult,
    capacity_waterfall,
    simulate_capacity,
)
from spm_models.capacity.hiring import HiringPlan, plan_hiring
from spm_models.capacity.sensitivity import SensitivityResult, capacity_sensitivity
from spm_models.config import DEFAULT_SOLVER
from spm_models.errors import param_error
from spm_models.quota.plan import PlanningInputs, QuotaPlan, plan_quotas
from spm_models.quota.ramp import linear_ramp


@dataclass(frozen=True)
class CapacityPlan:
    """Capacity against target with and without the optimised hiring plan.

    Attributes
    ----------
    assumptions : CapacityAssumptions
    targets : ndarray
        Monthly bookings target (USD).
    no_hiring : CapacityResult
        Today's team with backfills and open seats, no planned hires.
    hiring : HiringPlan
        Cheapest hiring plan (or the smallest shortfall when targets cannot be met).
    waterfall : DataFrame
        Bridge from today's team fully ramped to the planned capacity.
    sensitivity : SensitivityResult
        Tornado around the planned capacity.
    """

    assumptions: CapacityAssumptions
    targets: np.ndarray
    no_hiring: CapacityResult
    hiring: HiringPlan
    waterfall: pd.DataFrame
    sensitivity: SensitivityResult

    @property
    def with_hiring(self) -> CapacityResult:
        """Headcount model run with the planned hires."""
        return self.hiring.capacity


def hiring_limits(months: int, max_per_month: float, freeze_months: int = 0) -> np.ndarray:
    """Monthly requisition limits: none in the first ``freeze_months``, then the cap."""
    if max_per_month < 0 or freeze_months < 0:
        raise param_error("max_per_month", "hiring_limits", ">= 0", max_per_month)
    cap = np.full(months, float(max_per_month))
    cap[: min(freeze_months, months)] = 0.0
    return cap


def plan_capacity(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    targets: Sequence[float],
    open_seats: float = 0.0,
    max_hires: float | Sequence[float] | None = None,
    budget: float | None = None,
    months: int = 12,
    solver: str = DEFAULT_SOLVER,
) -> CapacityPlan:
    """Run the capacity model, optimise hiring, and explain the result.

    Parameters
    ----------
    roster : DataFrame
        ``rep_id, tenure_months, fte`` (see ``roster_from_reps``).
    targets : sequence of float
        Monthly bookings target (USD), ``months`` values.
    open_seats, max_hires, budget
        See :func:`~spm_models.capacity.hiring.plan_hiring`.
    """
    kw = {"plan_start": plan_start, "months": months}
    base = simulate_capacity(
        roster, assumptions, open_seats=open_seats, targets=list(targets), **kw
    )
    hiring = plan_hiring(
        roster,
        assumptions,
        targets=list(targets),
        open_seats=open_seats,
        max_hires=max_hires,
        budget=budget,
        solver=solver,
        **kw,
    )
    hires = hiring.hires["reqs_opened"].to_numpy(float)
    waterfall = capacity_waterfall(roster, assumptions, hires=hires, open_seats=open_seats, **kw)
    sens = capacity_sensitivity(roster, assumptions, hires=hires, open_seats=open_seats, **kw)
    return CapacityPlan(assumptions, np.asarray(targets, float), base, hiring, waterfall, sens)


@dataclass(frozen=True)
class YearPlan:
    """Quotas and capacity for the plan year, from one set of choices.

    Attributes
    ----------
    quota : QuotaPlan
    capacity : CapacityPlan
    """

    quota: QuotaPlan
    capacity: CapacityPlan


def plan_year(
    inputs: PlanningInputs,
    roster: pd.DataFrame,
    open_seats: float,
    *,
    target: float,
    method: str = "fair",
    weights: Mapping[str, float] | None = None,
    penetration: float = 0.08,
    manager_cushion: float = 0.05,
    rep_cushion: float = 0.05,
    growth_min: float | None = 0.0,
    growth_max: float | None = 0.5,
    expected_growth: float | None = None,
    ramp_months: int = 6,
    monthly_attrition: float = 0.015,
    time_to_hire: int = 2,
    backfill: bool = True,
    attainment: float = 0.0,
    max_hires_per_month: float = 3,
    freeze_months: int = 0,
    hiring_budget: float = 0.0,
    cost_per_rep_month: float = 16_000.0,
    cost_per_hire: float = 25_000.0,
    n_sims: int = 2000,
    seed: int = 7,
    relax_growth: bool = False,
) -> YearPlan:
    """Set quotas, then plan capacity and hiring against the same target.

    Each ramped rep is expected to book the mean issued quota times ``attainment`` (0 takes
    the team's expected attainment from the quota plan: expected bookings over quota, summed
    over the staffed reps); the bookings target is spread over the months by the historical
    seasonality. ``hiring_budget`` 0 means no budget limit. ``relax_growth``: see
    :func:`~spm_models.quota.plan.plan_quotas`.
    """
    qplan = plan_quotas(
        inputs,
        target=target,
        method=method,
        weights=weights,
        penetration=penetration,
        manager_cushion=manager_cushion,
        rep_cushion=rep_cushion,
        growth_min=growth_min,
        growth_max=growth_max,
        ramp_months=ramp_months,
        expected_growth=expected_growth,
        n_sims=n_sims,
        seed=seed,
        relax_growth=relax_growth,
    )
    assumptions = CapacityAssumptions(
        quota_per_rep=float(qplan.quotas["quota"].mean()),
        attainment=attainment or qplan.attainment.aggregate_attainment,
        ramp=linear_ramp(ramp_months),
        monthly_attrition=monthly_attrition,
        time_to_hire=time_to_hire,
        backfill=backfill,
        cost_per_rep_month=cost_per_rep_month,
        cost_per_hire=cost_per_hire,
        season=tuple(inputs.profile),
    )
    cplan = plan_capacity(
        roster,
        assumptions,
        plan_start=inputs.plan_start,
        targets=target * inputs.profile.to_numpy(),
        open_seats=open_seats,
        max_hires=hiring_limits(12, max_hires_per_month, freeze_months),
        budget=hiring_budget or None,
    )
    return YearPlan(qplan, cplan)
