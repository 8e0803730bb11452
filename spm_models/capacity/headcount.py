"""Monthly headcount and capacity model.

Reps are tracked by tenure month. In each plan month ``k``:

* new starts join at tenure 0 (requisitions opened ``time_to_hire`` months earlier: planned
  hires, open seats and backfills);
* effective reps are ``sum_t heads_t * ramp(t)`` (ramp reaches 1.0 after the schedule);
* bookings capacity is ``effective reps * quota_per_rep * attainment / 12``;
* a share ``monthly_attrition`` of every tenure group leaves at the end of the month, and with
  ``backfill`` each leaver opens a requisition the next month.

Heads are expected values (fractional), so the model is linear in the hires; the hiring IP
uses that to price each month's hire exactly as this simulation does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import require_columns
from spm_models.quota.ramp import check_ramp, linear_ramp, months_between


@dataclass(frozen=True)
class CapacityAssumptions:
    """Assumptions of the capacity model.

    Attributes
    ----------
    quota_per_rep : float
        Annual quota of a fully ramped rep (USD).
    attainment : float
        Expected attainment of a fully ramped rep (e.g. 0.85).
    ramp : tuple of float
        Productivity by tenure month before full ramp (see
        :func:`spm_models.quota.ramp.linear_ramp`).
    monthly_attrition : float
        Share of reps leaving each month (e.g. 0.02 is about 21.5% a year).
    time_to_hire : int
        Months from opening a requisition to the new rep's first day.
    backfill : bool
        Whether each leaver is replaced (a requisition opens the month after they leave).
    cost_per_rep_month : float
        Fully loaded monthly cost of a rep (USD), for hiring plans.
    cost_per_hire : float
        One-off recruiting cost per start (USD).
    season : tuple of 12 float or None
        Share of a ramped rep's annual bookings in each month of the plan year (month 0 is
        the plan's first month); ``None`` spreads them evenly.
    """

    quota_per_rep: float = 150_000.0
    attainment: float = 0.85
    ramp: tuple[float, ...] = field(default_factory=lambda: linear_ramp(4))
    monthly_attrition: float = 0.015
    time_to_hire: int = 2
    backfill: bool = True
    cost_per_rep_month: float = 15_000.0
    cost_per_hire: float = 20_000.0
    season: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        caller = "CapacityAssumptions"
        if not self.quota_per_rep > 0:
            raise param_error("quota_per_rep", caller, "> 0", self.quota_per_rep)
        if not 0 < self.attainment <= 3:
            raise param_error("attainment", caller, "in (0, 3]", self.attainment)
        if not 0 <= self.monthly_attrition < 1:
            raise param_error("monthly_attrition", caller, "in [0, 1)", self.monthly_attrition)
        if self.time_to_hire < 0 or int(self.time_to_hire) != self.time_to_hire:
            raise param_error(
                "time_to_hire", caller, "a whole number of months >= 0", self.time_to_hire
            )
        for name in ("cost_per_rep_month", "cost_per_hire"):
            if getattr(self, name) < 0:
                raise param_error(name, caller, ">= 0", getattr(self, name))
        object.__setattr__(self, "ramp", check_ramp(self.ramp, caller))
        if self.season is not None:
            season = tuple(float(x) for x in self.season)
            if len(season) != 12 or min(season) < 0 or abs(sum(season) - 1) > 1e-6:
                raise param_error("season", caller, "12 non-negative shares summing to 1", season)
            object.__setattr__(self, "season", season)

    def month_share(self, month: int) -> float:
        """Share of annual productivity booked in plan month ``month``."""
        return 1 / 12 if self.season is None else self.season[month % 12]

    @property
    def productivity(self) -> float:
        """Annual bookings of a fully ramped rep: ``quota_per_rep * attainment``."""
        return self.quota_per_rep * self.attainment

    def with_ramp_months(self, months: int, *, step_months: int = 1) -> CapacityAssumptions:
        """A copy with a linear ramp of ``months`` months."""
        return replace(self, ramp=linear_ramp(months, step_months=step_months))


def bookings_capacity_snapshot(
    ramped_reps: float,
    ramping_reps: float,
    *,
    quota: float,
    attainment: float,
    ramping_productivity: float,
) -> float:
    """Period bookings capacity of a team: ramped reps at expected attainment plus ramping
    reps at their ramp productivity (both as shares of ``quota``).

    Examples
    --------
    7 ramped reps × $150k × 85% + 3 ramping reps × $150k × 40% = $1,072,500.

    >>> bookings_capacity_snapshot(7, 3, quota=150e3, attainment=0.85, ramping_productivity=0.4)
    1072500.0
    """
    if min(ramped_reps, ramping_reps, quota, attainment, ramping_productivity) < 0:
        raise param_error("inputs", "bookings_capacity_snapshot", "all >= 0", None)
    return ramped_reps * quota * attainment + ramping_reps * quota * ramping_productivity


def roster_from_reps(reps: pd.DataFrame, plan_start: pd.Timestamp) -> tuple[pd.DataFrame, float]:
    """Starting roster (tenure at plan start) and open seats from a reps table.

    Parameters
    ----------
    reps : DataFrame
        ``rep_id, status, fte, hire_date`` (schema ``REPS``).
    plan_start : Timestamp
        First day of the plan.

    Returns
    -------
    roster : DataFrame
        ``rep_id, tenure_months, fte`` for filled seats (negative tenure: starts later).
    open_seats : float
        FTE of vacant seats (requisitions open at plan start).
    """
    require_columns(reps, ["rep_id", "status", "fte", "hire_date"], "reps")
    start = pd.Timestamp(plan_start)
    filled = reps.loc[reps["status"] != "vacant"]
    missing = filled.loc[filled["hire_date"].isna()]
    if not missing.empty:
        i = missing.index[0]
        raise InputDataError(
            [
                Problem(
                    source="reps.csv",
                    column="hire_date",
                    message="must be set for a filled seat",
                    row=int(i) + 1,
                    key=f"rep_id={reps.loc[i, 'rep_id']!r}",
                )
            ]
        )
    roster = pd.DataFrame(
        {
            "rep_id": filled["rep_id"].to_numpy(),
            "tenure_months": [months_between(pd.Timestamp(h), start) for h in filled["hire_date"]],
            "fte": filled["fte"].astype(float).to_numpy(),
        }
    )
    open_seats = float(reps.loc[reps["status"] == "vacant", "fte"].astype(float).sum())
    return roster, open_seats


@dataclass(frozen=True)
class CapacityResult:
    """Monthly headcount and capacity.

    Attributes
    ----------
    monthly : DataFrame
        ``month, period, starts, leavers, heads, ramping, ramped, effective_reps,
        bookings_capacity, target, gap, cost`` (``gap = capacity - target``).
    quarterly : DataFrame
        ``quarter, bookings_capacity, target, gap``.
    assumptions : CapacityAssumptions
    """

    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    assumptions: CapacityAssumptions

    @property
    def bookings_capacity(self) -> float:
        """Total bookings capacity over the horizon (USD)."""
        return float(self.monthly["bookings_capacity"].sum())

    @property
    def target(self) -> float:
        """Total target over the horizon (USD; 0 when none was given)."""
        return float(self.monthly["target"].sum())

    @property
    def target_gap(self) -> float:
        """``target - capacity``: positive is a shortfall."""
        return self.target - self.bookings_capacity

    @property
    def ending_heads(self) -> float:
        """Heads in the last month."""
        return float(self.monthly["heads"].iloc[-1])


def _as_month_vector(values: float | Sequence[float] | None, months: int, name: str) -> np.ndarray:
    if values is None:
        return np.zeros(months)
    if np.isscalar(values):
        return np.full(months, float(values))  # type: ignore[arg-type]
    arr = np.asarray(values, dtype=float)
    if arr.shape != (months,):
        raise param_error(
            name, "simulate_capacity", f"a scalar or {months} monthly values", list(arr)
        )
    if (arr < 0).any():
        raise param_error(name, "simulate_capacity", "values >= 0", list(arr))
    return arr


def monthly_targets(
    targets: float | Sequence[float] | None, months: int, *, profile: Sequence[float] | None = None
) -> np.ndarray:
    """Expand a target to months: an annual total (spread by ``profile`` or evenly), 4
    quarterly values (spread evenly within each quarter) or ``months`` monthly values."""
    if targets is None:
        return np.zeros(months)
    if np.isscalar(targets):
        shares = np.full(months, 1 / months) if profile is None else np.asarray(profile, float)
        if len(shares) != months:
            raise param_error("profile", "monthly_targets", f"{months} monthly shares", len(shares))
        return float(targets) * shares / shares.sum()  # type: ignore[arg-type]
    arr = np.asarray(targets, dtype=float)
    if len(arr) * 3 == months:
        return np.repeat(arr / 3, 3)
    if len(arr) == months:
        return arr
    raise param_error(
        "targets",
        "monthly_targets",
        f"a total, {months // 3} quarterly or {months} monthly values",
        list(arr),
    )


def _simulate_arrays(
    tenures: np.ndarray,
    ftes: np.ndarray,
    a: CapacityAssumptions,
    months: int,
    reqs: np.ndarray,
) -> dict[str, np.ndarray]:
    """Core recursion; ``reqs[m]`` requisitions open in month m (start at m + time_to_hire)."""
    ramp = np.array([*a.ramp, 1.0])
    n_buckets = len(ramp)
    lag = int(a.time_to_hire)
    state = np.zeros(n_buckets)
    pending = np.zeros(months + lag + 2)
    for t, f in zip(tenures, ftes, strict=True):
        if t >= 0:
            state[min(int(t), n_buckets - 1)] += f
        elif -t < months:
            pending[int(-t)] += f
    for m in range(months):
        pending[m + lag] += reqs[m]
    keys = ("starts", "leavers", "heads", "ramping", "ramped", "effective_reps")
    out = {k: np.zeros(months) for k in keys}
    for k in range(months):
        state[0] += pending[k]
        out["starts"][k] = pending[k]
        out["heads"][k] = state.sum()
        out["ramped"][k] = state[-1]
        out["ramping"][k] = state[:-1].sum()
        out["effective_reps"][k] = float(state @ ramp)
        leavers = state * a.monthly_attrition
        out["leavers"][k] = leavers.sum()
        stay = state - leavers
        state = np.zeros(n_buckets)
        state[1:] += stay[:-1]
        state[-1] += stay[-1]
        if a.backfill:
            pending[k + 1 + lag] += leavers.sum()
    return out


def simulate_capacity(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    months: int = 12,
    hires: float | Sequence[float] | None = None,
    open_seats: float = 0.0,
    targets: float | Sequence[float] | None = None,
) -> CapacityResult:
    """Run the monthly headcount model.

    Parameters
    ----------
    roster : DataFrame
        ``rep_id, tenure_months, fte`` at plan start (see :func:`roster_from_reps`).
    assumptions : CapacityAssumptions
    plan_start : Timestamp
        First day of month 0.
    months : int, default 12
        Horizon (a multiple of 3).
    hires : float or sequence, optional
        Requisitions opened in each month (planned hires); they start ``time_to_hire``
        months later.
    open_seats : float
        Requisitions already open at plan start (vacant seats).
    targets : float or sequence, optional
        Bookings target: annual total, quarterly values or monthly values (USD).

    Returns
    -------
    CapacityResult
    """
    if months < 3 or months % 3:
        raise param_error("months", "simulate_capacity", "a positive multiple of 3", months)
    require_columns(roster, ["rep_id", "tenure_months", "fte"], "roster")
    if open_seats < 0:
        raise param_error("open_seats", "simulate_capacity", ">= 0", open_seats)
    reqs = _as_month_vector(hires, months, "hires")
    reqs = reqs.copy()
    reqs[0] += open_seats
    arr = _simulate_arrays(
        roster["tenure_months"].to_numpy(int),
        roster["fte"].to_numpy(float),
        assumptions,
        months,
        reqs,
    )
    start = pd.Timestamp(plan_start).to_period("M").to_timestamp()
    monthly = pd.DataFrame(
        {
            "month": np.arange(months),
            "period": [start + pd.DateOffset(months=m) for m in range(months)],
            **arr,
        }
    )
    shares = np.array([assumptions.month_share(m) for m in range(months)])
    monthly["bookings_capacity"] = monthly["effective_reps"] * assumptions.productivity * shares
    monthly["target"] = monthly_targets(targets, months)
    monthly["gap"] = monthly["bookings_capacity"] - monthly["target"]
    monthly["cost"] = (
        monthly["heads"] * assumptions.cost_per_rep_month
        + monthly["starts"] * assumptions.cost_per_hire
    )
    quarterly = (
        monthly.assign(quarter=monthly["month"] // 3 + 1)
        .groupby("quarter")[["bookings_capacity", "target", "gap"]]
        .sum()
        .reset_index()
    )
    return CapacityResult(monthly, quarterly, assumptions)


def capacity_waterfall(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    months: int = 12,
    hires: float | Sequence[float] | None = None,
    open_seats: float = 0.0,
) -> pd.DataFrame:
    """Bridge from the current team at full productivity to the planned bookings capacity.

    Steps: current reps fully ramped with no attrition; minus the ramp still ahead of them;
    minus attrition net of backfills; plus open seats and planned hires; equals capacity.

    Returns
    -------
    DataFrame
        ``step, value, kind`` with ``kind`` ``"total"`` or ``"delta"``; the deltas add up
        from the first total to the last.
    """
    no_attr = replace(assumptions, monthly_attrition=0.0)
    full = roster.assign(tenure_months=np.maximum(roster["tenure_months"], len(assumptions.ramp)))
    kw = {"plan_start": plan_start, "months": months}
    a = simulate_capacity(full, no_attr, **kw).bookings_capacity
    b = simulate_capacity(roster, no_attr, **kw).bookings_capacity
    c = simulate_capacity(roster, assumptions, **kw).bookings_capacity
    d = simulate_capacity(
        roster, assumptions, hires=hires, open_seats=open_seats, **kw
    ).bookings_capacity
    return pd.DataFrame(
        {
            "step": [
                "Current reps, fully ramped",
                "Ramp of current reps",
                "Attrition net of backfills",
                "Open seats and planned hires",
                "Bookings capacity",
            ],
            "value": [a, b - a, c - b, d - c, d],
            "kind": ["total", "delta", "delta", "delta", "total"],
        }
    )
