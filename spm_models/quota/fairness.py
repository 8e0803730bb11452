"""Fair quotas by optimisation.

Sets quotas ``q_i`` that sum to the target while minimising the largest deviation ``d`` of any
territory's quota-to-potential ratio from the company ratio ``r = target / sum(potential)``,
within bounds on growth over each territory's history::

    min  d
    s.t. sum_i q_i = target                                   (target_total)
         q_i / p_i - r <= d                                   (ratio_upper_i)
         r - q_i / p_i <= d                                   (ratio_lower_i)
         q_i >= h_i (1 + g_min)                               (growth_min_i)
         q_i <= h_i (1 + g_max)                               (growth_max_i)
         q_i >= 0, d >= 0

Without the growth bounds every territory gets ``r * p_i`` and ``d = 0``; the bounds pull
territories with thin history (or a large one) away from the common ratio, and ``d`` is the
width of the resulting fairness band.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import pulp

from spm_models.config import DEFAULT_SOLVER
from spm_models.errors import InfeasibleModelError, InputDataError, Problem, param_error
from spm_models.quota.inputs import require_columns


class FairnessStatus(StrEnum):
    """Outcome of the fairness LP."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    NOT_SOLVED = "not_solved"

    @property
    def is_ok(self) -> bool:
        """True when the quotas are optimal."""
        return self is FairnessStatus.OPTIMAL


@dataclass(frozen=True)
class FairnessInputs:
    """Validated inputs of the fairness LP.

    Attributes
    ----------
    territories : DataFrame
        ``rep_id, potential, trailing_bookings`` (plus whatever else was given).
    target : float
    growth_min, growth_max : float or None
        Bounds on quota over trailing bookings minus one; ``None`` leaves that side open.
    """

    territories: pd.DataFrame
    target: float
    growth_min: float | None
    growth_max: float | None

    @property
    def company_ratio(self) -> float:
        """``target / sum(potential)``."""
        return self.target / float(self.territories["potential"].sum())


@dataclass(frozen=True)
class FairQuotaResult:
    """Quotas from the fairness LP.

    Attributes
    ----------
    status : FairnessStatus
    objective : float
        Largest deviation of a quota-to-potential ratio from the company ratio.
    company_ratio : float
    quotas : DataFrame
        ``rep_id, potential, trailing_bookings, quota, ratio, deviation, growth,
        binding`` (``binding`` names the growth bound a territory sits on, if any).
    solver : str
    runtime_s : float
    """

    status: FairnessStatus
    objective: float
    company_ratio: float
    quotas: pd.DataFrame
    solver: str
    runtime_s: float

    @property
    def band(self) -> tuple[float, float]:
        """The fairness band of ratios ``(r - d, r + d)``."""
        return (self.company_ratio - self.objective, self.company_ratio + self.objective)


def fairness_inputs(
    territories: pd.DataFrame,
    target: float,
    *,
    growth_min: float | None = 0.0,
    growth_max: float | None = 0.5,
) -> FairnessInputs:
    """Validate the territory table and bounds for :func:`build_fairness`."""
    require_columns(territories, ["rep_id", "potential", "trailing_bookings"], "territories")
    if not target > 0:
        raise param_error("target", "fairness_inputs", "> 0", target)
    if growth_min is not None and growth_max is not None and growth_min > growth_max:
        raise param_error(
            "growth_min", "fairness_inputs", f"<= growth_max={growth_max}", growth_min
        )
    problems = []
    for i, row in territories.reset_index(drop=True).iterrows():
        if not row["potential"] > 0:
            problems.append(
                Problem(
                    source="territories",
                    column="potential",
                    message=f"must be > 0 for a quota-to-potential ratio; got {row['potential']!r}",
                    row=int(i) + 1,
                    key=f"rep_id={row['rep_id']!r}",
                )
            )
        if row["trailing_bookings"] < 0:
            problems.append(
                Problem(
                    source="territories",
                    column="trailing_bookings",
                    message=f"must be >= 0; got {row['trailing_bookings']!r}",
                    row=int(i) + 1,
                    key=f"rep_id={row['rep_id']!r}",
                )
            )
    if problems:
        raise InputDataError(problems)
    return FairnessInputs(
        territories.reset_index(drop=True).copy(), float(target), growth_min, growth_max
    )


def build_fairness(inputs: FairnessInputs, *, max_deviation: float | None = None) -> pulp.LpProblem:
    """Build the fairness LP (no solving).

    Parameters
    ----------
    max_deviation : float, optional
        Second stage: cap the largest deviation at this value (``deviation_cap``) and
        minimise instead the total dollars by which quotas differ from ``r * potential``
        (``dollars_above_i`` / ``dollars_below_i``), which picks, among the quota sets with
        the best band, the one closest to potential everywhere.
    """
    t = inputs.territories
    r = inputs.company_ratio
    prob = pulp.LpProblem("fair_quotas", pulp.LpMinimize)
    # Variables are named by position so extraction does not depend on how PuLP sanitises ids.
    q = {rid: prob.add_variable(f"quota_{i}", lowBound=0) for i, rid in enumerate(t["rep_id"])}
    d = prob.add_variable("max_deviation", lowBound=0)
    if max_deviation is None:
        prob += d
    else:
        e = {rid: prob.add_variable(f"off_{i}", lowBound=0) for i, rid in enumerate(t["rep_id"])}
        prob += pulp.lpSum(e.values())
        prob += (d <= max_deviation, "deviation_cap")
        for row in t.itertuples(index=False):
            fair_share = r * float(row.potential)
            prob += (q[row.rep_id] - e[row.rep_id] <= fair_share, f"dollars_above_{row.rep_id}")
            prob += (q[row.rep_id] + e[row.rep_id] >= fair_share, f"dollars_below_{row.rep_id}")
    prob += (pulp.lpSum(q.values()) == inputs.target, "target_total")
    for row in t.itertuples(index=False):
        p, h, rid = float(row.potential), float(row.trailing_bookings), row.rep_id
        prob += ((1.0 / p) * q[rid] - d <= r, f"ratio_upper_{rid}")
        prob += ((1.0 / p) * q[rid] + d >= r, f"ratio_lower_{rid}")
        if inputs.growth_min is not None:
            prob += (q[rid] >= h * (1 + inputs.growth_min), f"growth_min_{rid}")
        if inputs.growth_max is not None:
            prob += (q[rid] <= h * (1 + inputs.growth_max), f"growth_max_{rid}")
    return prob


def _check_bounds(inputs: FairnessInputs) -> None:
    """Raise with the blocking family when the growth bounds cannot meet the target."""
    hist = float(inputs.territories["trailing_bookings"].sum())
    if inputs.growth_min is not None:
        floor = hist * (1 + inputs.growth_min)
        if floor > inputs.target * (1 + 1e-9):
            raise InfeasibleModelError(
                "fair quotas",
                "growth_min",
                f"the minimum growth of {inputs.growth_min:.1%} on trailing bookings of "
                f"${hist:,.0f} already needs ${floor:,.0f}, above the target ${inputs.target:,.0f}",
                f"growth_min <= {inputs.target / hist - 1:.4f}" if hist > 0 else None,
                {"needed_growth_min": inputs.target / hist - 1 if hist > 0 else None},
            )
    if inputs.growth_max is not None:
        ceiling = hist * (1 + inputs.growth_max)
        if ceiling < inputs.target * (1 - 1e-9):
            raise InfeasibleModelError(
                "fair quotas",
                "growth_max",
                f"the maximum growth of {inputs.growth_max:.1%} on trailing bookings of "
                f"${hist:,.0f} allows at most ${ceiling:,.0f}, below the target "
                f"${inputs.target:,.0f}",
                f"growth_max >= {inputs.target / hist - 1:.4f}" if hist > 0 else "growth_max=None",
                {"needed_growth_max": inputs.target / hist - 1 if hist > 0 else None},
            )


def solve(
    prob: pulp.LpProblem, *, solver: str = DEFAULT_SOLVER, time_limit: float = 60.0
) -> tuple[int, float]:
    """Solve ``prob`` with the named solver (``highs`` or ``cbc``); return PuLP status, seconds."""
    if solver == "highs":
        from spm_models.territory.solve import silence_highs_banner

        silence_highs_banner()
        engine = pulp.HiGHS(msg=False, timeLimit=time_limit)
    elif solver == "cbc":
        engine = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    else:
        raise param_error("solver", "solve", "'highs' or 'cbc'", solver)
    t0 = time.perf_counter()
    status = prob.solve(engine)
    return status, time.perf_counter() - t0


def extract(
    prob: pulp.LpProblem, inputs: FairnessInputs, status: int, runtime_s: float, solver: str
) -> FairQuotaResult:
    """Read the quotas, ratios and binding bounds out of a solved model."""
    t = inputs.territories
    r = inputs.company_ratio
    if status != pulp.LpStatusOptimal:
        return FairQuotaResult(
            FairnessStatus.INFEASIBLE
            if status == pulp.LpStatusInfeasible
            else FairnessStatus.NOT_SOLVED,
            float("nan"),
            r,
            t.assign(quota=float("nan")),
            solver,
            runtime_s,
        )
    var = prob.variablesDict()
    out = t.copy()
    out["quota"] = [float(var[f"quota_{i}"].varValue or 0.0) for i in range(len(t))]
    out["ratio"] = out["quota"] / out["potential"]
    out["deviation"] = out["ratio"] - r
    hist = out["trailing_bookings"]
    out["growth"] = (out["quota"] / hist.where(hist > 0) - 1).astype(float)
    binding = []
    for row in out.itertuples(index=False):
        tol = 1e-6 * max(1.0, row.quota)
        tag = ""
        if (
            inputs.growth_min is not None
            and abs(row.quota - row.trailing_bookings * (1 + inputs.growth_min)) <= tol
        ):
            tag = "growth_min"
        if (
            inputs.growth_max is not None
            and abs(row.quota - row.trailing_bookings * (1 + inputs.growth_max)) <= tol
        ):
            tag = tag or "growth_max"
        binding.append(tag)
    out["binding"] = binding
    d = float(var["max_deviation"].varValue or 0.0)
    return FairQuotaResult(FairnessStatus.OPTIMAL, d, r, out, solver, runtime_s)


def fair_quotas(
    territories: pd.DataFrame,
    target: float,
    *,
    growth_min: float | None = 0.0,
    growth_max: float | None = 0.5,
    refine: bool = True,
    solver: str = DEFAULT_SOLVER,
    time_limit: float = 60.0,
) -> FairQuotaResult:
    """Set quotas summing to ``target`` that are as even as possible relative to potential.

    Parameters
    ----------
    territories : DataFrame
        ``rep_id, potential (> 0), trailing_bookings (>= 0)``.
    target : float
        Total to allocate (USD).
    growth_min, growth_max : float or None
        Each quota must lie within ``trailing * (1 + growth_min)`` and
        ``trailing * (1 + growth_max)``; ``None`` drops that bound.
    refine : bool, default True
        Solve a second stage that keeps the best band and brings every quota as close to
        its fair share of potential as the bounds allow (the first stage alone leaves
        territories inside the band anywhere in it).

    Raises
    ------
    InfeasibleModelError
        When the growth bounds cannot add up to the target (names ``growth_min`` or
        ``growth_max`` and the growth that would work).
    """
    inputs = fairness_inputs(territories, target, growth_min=growth_min, growth_max=growth_max)
    _check_bounds(inputs)
    prob = build_fairness(inputs)
    status, runtime = solve(prob, solver=solver, time_limit=time_limit)
    if status == pulp.LpStatusOptimal and refine:
        best = float(pulp.value(prob.objective))
        prob = build_fairness(inputs, max_deviation=best * (1 + 1e-7) + 1e-9)
        status, more = solve(prob, solver=solver, time_limit=time_limit)
        runtime += more
    result = extract(prob, inputs, status, runtime, solver)
    if result.status is FairnessStatus.INFEASIBLE:
        raise InfeasibleModelError(
            "fair quotas", "target_total", "no quotas satisfy every bound and the target"
        )
    return result
