"""A full quota plan for a company: target, allocation, fairness, cushions, phasing and
expected attainment, in one call (used by the notebook, the CLI and the what-if panel)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from spm_models.errors import InfeasibleModelError, InputDataError, Problem, param_error
from spm_models.quota.allocation import (
    QuotaAllocation,
    Reconciliation,
    allocate,
    bottom_up,
    reconcile,
)
from spm_models.quota.attainment import (
    AttainmentResult,
    expected_from_history,
    simulate_attainment,
)
from spm_models.quota.fairness import FairQuotaResult, fair_quotas
from spm_models.quota.inputs import (
    QUOTA_BOOKING_TYPES,
    alignment_from_assignment,
    history_months,
    normalise_assignment,
    territory_table,
    trailing_bookings_by_account,
)
from spm_models.quota.overassignment import LayeredQuotas, over_assign
from spm_models.quota.ramp import linear_ramp, ramped_quotas
from spm_models.quota.seasonality import seasonal_profile

if TYPE_CHECKING:
    from spm_models.data import Company

METHOD_NAMES = ("even", "historical", "potential", "bottom_up", "blended", "fair")


@dataclass(frozen=True)
class PlanningInputs:
    """What a quota plan is computed from, derived once from the company.

    Attributes
    ----------
    territories : DataFrame
        The territory table (see :func:`~spm_models.quota.inputs.territory_table`).
    rep_of : Series
        Rep of each account as aligned.
    accounts : DataFrame
    profile : Series
        Seasonal monthly shares (fiscal months 1..12).
    plan_start : Timestamp
        First day of the plan year (the month after the history ends).
    trailing : float
        Quota bookings (new + expansion) over the last 12 months; with a shorter history, the
        months there are, annualised (times 12 / ``history_months``).
    prior : float
        The same over the 12 months before (0 with under 24 months of history).
    renewals : float
        Renewal bookings over the last 12 months (annualised like ``trailing``).
    aligned : bool
        Whether an aligned assignment was applied.
    assignment : DataFrame or None
    history : DataFrame
        ``rep_id, expected_bookings, cv`` at zero growth (from monthly history).
    account_trailing : Series
        Quota bookings of each account over the last 12 months (annualised like ``trailing``).
    history_months : int
        Months of bookings history up to the as-of date.
    flat_season : bool
        True when under 12 months of history leave no seasonal pattern: the profile is even.
    """

    territories: pd.DataFrame
    rep_of: pd.Series
    accounts: pd.DataFrame
    profile: pd.Series
    plan_start: pd.Timestamp
    trailing: float
    prior: float
    renewals: float
    aligned: bool
    assignment: pd.DataFrame | None
    history: pd.DataFrame
    account_trailing: pd.Series
    history_months: int = 12
    flat_season: bool = False

    @property
    def trend(self) -> float:
        """Growth of quota bookings over the last year (0 when it cannot be measured)."""
        return self.trailing / self.prior - 1 if self.prior > 0 else 0.0

    @property
    def annualised(self) -> bool:
        """True when the trailing figures are annualised from under 12 months of history."""
        return self.history_months < 12

    @property
    def trend_measured(self) -> bool:
        """True when two full years of history measure last year's growth."""
        return self.history_months >= 24 and self.prior > 0


def planning_inputs(company: Company, *, assignment: pd.DataFrame | None = None) -> PlanningInputs:
    """Derive the territory table, seasonality and history figures from a company.

    With under 12 months of bookings the trailing figures are annualised (times 12 over the
    months there are) and quotas are spread evenly over the months; last year's growth is
    measured only with 24 months or more (else 0).
    """
    assignment = normalise_assignment(assignment)
    as_of = pd.Timestamp(company.as_of)
    months = history_months(company.bookings, as_of)
    if months < 1:
        raise InputDataError(
            [Problem(source="bookings", column="period", message="has no bookings to plan from")]
        )
    scale = 12 / months if months < 12 else 1.0
    territories = territory_table(
        company.accounts, company.reps, company.bookings, as_of, assignment=assignment
    )
    territories["trailing_bookings"] = territories["trailing_bookings"] * scale
    rep_of = alignment_from_assignment(company.accounts, assignment)
    plan_start = (as_of + pd.offsets.MonthBegin(1)).normalize()
    account_trailing = trailing_bookings_by_account(company.bookings, as_of) * scale
    trailing = float(account_trailing.sum())
    prior = 0.0
    if months >= 24:
        prior = float(
            trailing_bookings_by_account(company.bookings, as_of - pd.DateOffset(months=12)).sum()
        )
    renewals = scale * float(
        trailing_bookings_by_account(company.bookings, as_of, booking_types=("renewal",)).sum()
    )
    flat = months < 12
    if flat:
        profile = pd.Series(1 / 12, index=pd.RangeIndex(1, 13, name="fiscal_month"), name="share")
    else:
        profile = seasonal_profile(
            company.bookings, booking_types=QUOTA_BOOKING_TYPES, fiscal_start_month=plan_start.month
        )
    history = expected_from_history(company.bookings, rep_of, as_of, months=min(24, months))
    return PlanningInputs(
        territories,
        rep_of,
        company.accounts,
        profile,
        plan_start,
        trailing,
        prior,
        renewals,
        assignment is not None,
        assignment,
        history,
        account_trailing,
        months,
        flat,
    )


@dataclass(frozen=True)
class QuotaPlan:
    """A quota plan and the evidence behind it.

    Attributes
    ----------
    target : float
        Company quota-bookings target (USD, before cushions).
    method : str
        The method whose quotas were issued.
    allocations : dict of str to QuotaAllocation
        Every method's allocation of ``target`` (for comparison).
    bottom_up : DataFrame
        ``rep_id, bottom_up`` estimate.
    reconciliation : Reconciliation
        Issued allocation against the bottom-up estimate.
    fair : FairQuotaResult or None
        The fairness LP's quotas and band; ``None`` when another method was issued and the
        growth bounds cannot meet the target (``fair_problem`` says why).
    layered : LayeredQuotas
        Issued quotas after each layer's cushion.
    quotas : DataFrame
        Issued rep quotas: ``rep_id, rep_name, region, manager_id, status, hire_date, potential,
        trailing_bookings, moved_out_bookings, moved_in_bookings, quota, ramped_quota,
        q1..q4`` (``quota`` is the full-year quota of a ramped rep after cushions,
        ``ramped_quota`` and ``q1..q4`` what the rep carries after ramp, proration and
        seasonality).
    monthly : DataFrame
        ``rep_id, period, tenure_month, ramp_factor, worked_fraction, full_quota, quota``.
    attainment : AttainmentResult
        Monte Carlo of the staffed reps' bookings against their quotas.
    expected_growth : float
        Bookings growth assumed for the attainment simulation.
    fair_problem : str or None
        Why the fairness LP has no solution, when ``fair`` is ``None``.
    growth_relaxed : tuple or None
        ``(bound, set, used)`` when a growth bound was moved to meet the target, e.g.
        ``("growth_max", 0.5, 0.6)``.
    """

    target: float
    method: str
    allocations: dict[str, QuotaAllocation]
    bottom_up: pd.DataFrame
    reconciliation: Reconciliation
    fair: FairQuotaResult | None
    layered: LayeredQuotas
    quotas: pd.DataFrame
    monthly: pd.DataFrame
    attainment: AttainmentResult
    expected_growth: float
    fair_problem: str | None = None
    growth_relaxed: tuple[str, float, float] | None = None

    @property
    def total(self) -> float:
        """Sum of the issued rep quotas (full-year, after cushions)."""
        return float(self.quotas["quota"].sum())

    @property
    def over_assignment(self) -> float:
        """Issued rep quotas over the company target, minus one."""
        return self.total / self.target - 1


def plan_quotas(
    inputs: PlanningInputs,
    *,
    target: float,
    method: str = "fair",
    weights: Mapping[str, float] | None = None,
    penetration: float = 0.08,
    region_cushion: float = 0.0,
    manager_cushion: float = 0.05,
    rep_cushion: float = 0.05,
    growth_min: float | None = 0.0,
    growth_max: float | None = 0.5,
    ramp_months: int = 6,
    expected_growth: float | None = None,
    n_sims: int = 2000,
    seed: int = 7,
    relax_growth: bool = False,
) -> QuotaPlan:
    """Build a quota plan.

    Parameters
    ----------
    inputs : PlanningInputs
    target : float
        Company quota-bookings target (USD).
    method : {"even", "historical", "potential", "bottom_up", "blended", "fair"}
        How the issued quotas are allocated (``fair`` = the fairness LP).
    weights : mapping, optional
        Method weights for ``blended`` (default 50% historical, 30% potential, 20% even).
    penetration : float
        Expected share of account potential booked in the year (bottom-up).
    region_cushion, manager_cushion, rep_cushion : float
        Over-assignment at each layer.
    growth_min, growth_max : float or None
        Bounds of the fairness LP on quota growth over history.
    ramp_months : int
        Linear ramp of new hires (their monthly quotas ramp with it).
    expected_growth : float, optional
        Growth expected in each territory's bookings; the company's last-year growth when
        omitted.
    n_sims, seed : int
        Monte Carlo size and seed.
    relax_growth : bool, default False
        When the growth bounds cannot add up to the target, move the blocking bound just far
        enough (recorded in ``QuotaPlan.growth_relaxed``) instead of raising
        :class:`~spm_models.errors.InfeasibleModelError`.
    """
    if method not in METHOD_NAMES:
        raise param_error("method", "plan_quotas", f"one of {list(METHOD_NAMES)}", method)
    weights = dict(weights or {"historical": 0.5, "potential": 0.3, "even": 0.2})
    t = inputs.territories
    est = bottom_up(inputs.accounts, inputs.rep_of, penetration, territories=t)
    allocations = {
        name: allocate(t, target, name, weights=weights, bottom_up_estimate=est)
        for name in ("even", "historical", "potential", "bottom_up", "blended")
    }
    # Seats without accounts (zero potential) cannot hold a ratio; they get no quota from
    # the fairness LP and keep the quota-less status they have in every potential method.
    staffed = t.loc[t["potential"] > 0]
    fair: FairQuotaResult | None = None
    fair_problem: str | None = None
    relaxed: tuple[str, float, float] | None = None
    try:
        fair = fair_quotas(staffed, target, growth_min=growth_min, growth_max=growth_max)
    except InfeasibleModelError as exc:
        # The growth bounds are a policy of the fair method; another method's quotas do not
        # depend on them, so its plan goes ahead and reports why no fair comparison exists.
        relaxed = _relaxed_bound(exc, growth_min, growth_max) if relax_growth else None
        if method == "fair" and relaxed is None:
            raise
        fair_problem = str(exc)
    if relaxed is not None:
        bound, _, value = relaxed
        bounds = {"growth_min": growth_min, "growth_max": growth_max, bound: value}
        fair = fair_quotas(staffed, target, **bounds)
        fair_problem = None
    if fair is not None:
        fair_alloc = t[["rep_id", "region", "manager_id"]].merge(
            fair.quotas[["rep_id", "quota"]], on="rep_id", how="left"
        )
        fair_alloc["quota"] = fair_alloc["quota"].fillna(0.0)
        fair_alloc.insert(3, "share", fair_alloc["quota"] / target)
        allocations["fair"] = QuotaAllocation(
            "fair", target, fair_alloc, allocations["historical"].implied_growth
        )
    issued = allocations[method]
    rec = reconcile(issued, est)
    layered = over_assign(
        issued,
        [("region", region_cushion), ("manager_id", manager_cushion), ("rep_id", rep_cushion)],
    )
    q = layered.rep_quotas[["rep_id", "quota"]].merge(
        t[["rep_id", "rep_name", "status", "hire_date", "potential", "trailing_bookings"]],
        on="rep_id",
    )
    q = q.join(_moved_bookings(inputs), on="rep_id").fillna(
        {"moved_out_bookings": 0.0, "moved_in_bookings": 0.0}
    )
    monthly = ramped_quotas(
        q[["rep_id", "quota", "hire_date"]],
        plan_start=inputs.plan_start,
        ramp=linear_ramp(ramp_months),
        profile=inputs.profile,
    )
    offset = (monthly["period"].dt.year - inputs.plan_start.year) * 12 + (
        monthly["period"].dt.month - inputs.plan_start.month
    )
    monthly["quarter"] = offset // 3 + 1
    q["ramped_quota"] = q["rep_id"].map(monthly.groupby("rep_id")["quota"].sum())
    by_q = monthly.pivot_table(index="rep_id", columns="quarter", values="quota", aggfunc="sum")
    by_q.columns = [f"q{c}" for c in by_q.columns]
    q = q.join(by_q, on="rep_id")
    growth = inputs.trend if expected_growth is None else float(expected_growth)
    expected = inputs.history.assign(
        expected_bookings=inputs.history["expected_bookings"] * (1 + growth)
    )
    sim_quotas = q.loc[
        (q["status"] != "vacant") & (q["ramped_quota"] > 0), ["rep_id", "ramped_quota"]
    ]
    sim_quotas = sim_quotas.rename(columns={"ramped_quota": "quota"})
    expected = (
        sim_quotas[["rep_id"]]
        .merge(expected, on="rep_id", how="left")
        .fillna({"expected_bookings": 0.0, "cv": 1.0})
    )
    att = simulate_attainment(sim_quotas, expected, n_sims=n_sims, seed=seed)
    q = q.merge(layered.rep_quotas[["rep_id", "region", "manager_id"]], on="rep_id")
    cols = [
        "rep_id",
        "rep_name",
        "region",
        "manager_id",
        "status",
        "hire_date",
        "potential",
        "trailing_bookings",
        "moved_out_bookings",
        "moved_in_bookings",
        "quota",
        "ramped_quota",
        *[c for c in q.columns if c.startswith("q") and c[1:].isdigit()],
    ]
    return QuotaPlan(
        target,
        method,
        allocations,
        est,
        rec,
        fair,
        layered,
        q[cols],
        monthly,
        att,
        growth,
        fair_problem,
        relaxed,
    )


def _relaxed_bound(
    exc: InfeasibleModelError, growth_min: float | None, growth_max: float | None
) -> tuple[str, float, float] | None:
    """``(bound, old, new)``: the growth bound moved just far enough to meet the target."""
    if exc.family == "growth_max" and exc.details.get("needed_growth_max") is not None:
        new = math.ceil(float(exc.details["needed_growth_max"]) * 1000 + 1e-6) / 1000
        return "growth_max", float(growth_max), new
    if exc.family == "growth_min" and exc.details.get("needed_growth_min") is not None:
        new = math.floor(float(exc.details["needed_growth_min"]) * 1000 - 1e-6) / 1000
        return "growth_min", float(growth_min), new
    return None


def _moved_bookings(inputs: PlanningInputs) -> pd.DataFrame:
    """Trailing bookings of the accounts each rep gave up and took on in the alignment.

    The territory table already credits history to the aligned rep, so these amounts are
    inside the quotas; they show how much of each quota is relief (out) or new book (in).
    """
    a = inputs.assignment
    empty = pd.DataFrame(columns=["moved_out_bookings", "moved_in_bookings"], dtype=float)
    if a is None or not {"old_rep_id", "new_rep_id"} <= set(a.columns):
        return empty
    moves = a.loc[a["old_rep_id"].fillna("") != a["new_rep_id"].fillna("")]
    amount = moves["account_id"].map(inputs.account_trailing).fillna(0.0)
    out = amount.groupby(moves["old_rep_id"]).sum().rename("moved_out_bookings")
    in_ = amount.groupby(moves["new_rep_id"]).sum().rename("moved_in_bookings")
    return pd.concat([out, in_], axis=1).fillna(0.0)
