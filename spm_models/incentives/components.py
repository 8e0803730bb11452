"""Evaluate a plan's components on year-to-date figures, vectorised over rows.

Shared by the payout engine (rows = participant x payout period) and the cost model
(rows = simulated rep-years), so a statement and a cost simulation apply the same rules.

Order of rules per component: rate table or payout curve -> threshold -> gate -> component
cap; then the plan cap on the sum of components. Each adjustment is kept for the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spm_models.incentives.money import FACTOR_SCALE, decimal_to_cents, factor_units, mul_div
from spm_models.incentives.plan import Basis, Cap, Measure, PayoutType, Plan, RateMethod
from spm_models.incentives.rates import (
    ExactRates,
    TierEvaluation,
    absolute_rates,
    amount_values,
    attainment_units,
    bcr_rates,
    curve_payout,
    evaluate_proportional,
    evaluate_rate_table,
    level_index,
    meets_level,
    tier_starts,
)


@dataclass(frozen=True)
class ComponentInputs:
    """Per-row figures for one measure.

    Attributes
    ----------
    credit : ndarray of int64
        Year-to-date credited amount, cents.
    quota : ndarray of int64
        Year-to-date quota, cents.
    target : ndarray of int64
        Year-to-date target incentive of the component (target incentive x weight, prorated
        for time on plan), cents; the base of a bonus curve.
    annual_target : ndarray of int64
        Full-year target incentive x weight, cents (for the base commission rate).
    annual_quota : ndarray of int64
        Full-year quota, cents (for the base commission rate).
    gross : ndarray of int64, optional
        For a measure evaluated per transaction: the year-to-date sum of the rate table's
        result on each credit line, cents (the table is then not applied to ``credit``).
    """

    credit: np.ndarray
    quota: np.ndarray
    target: np.ndarray
    annual_target: np.ndarray
    annual_quota: np.ndarray
    gross: np.ndarray | None = None


@dataclass(frozen=True)
class ComponentOutcome:
    """How one component's year-to-date earnings were reached, row by row (cents)."""

    measure: Measure
    credit: np.ndarray
    quota: np.ndarray
    attainment: np.ndarray
    tiers: TierEvaluation | None
    curve: np.ndarray | None
    target: np.ndarray
    gross: np.ndarray
    threshold_adj: np.ndarray
    gate_adj: np.ndarray
    cap_adj: np.ndarray
    cap: np.ndarray | None
    earned: np.ndarray


@dataclass(frozen=True)
class PlanOutcome:
    """All components plus the plan cap (cents per row)."""

    components: tuple[ComponentOutcome, ...]
    gross: np.ndarray
    plan_cap_adj: np.ndarray
    plan_cap: np.ndarray | None
    earned: np.ndarray


def base_commission_rate(annual_target: np.ndarray, annual_quota: np.ndarray) -> np.ndarray:
    """BCR = target incentive x weight / annual quota, units of 1e-8, rounded for display.

    Payouts use the exact fraction (:func:`tier_rates`), never this rounded value.
    """
    return attainment_units(annual_target, annual_quota)


def tier_rates(measure: Measure, annual_target: np.ndarray, annual_quota: np.ndarray) -> ExactRates:
    """Tier rates per row as exact fractions (absolute rates broadcast)."""
    if measure.tiers[0].rate is not None:
        return absolute_rates(np.array([factor_units(t.rate) for t in measure.tiers]))
    mult = np.array([factor_units(t.multiplier) for t in measure.tiers], dtype=np.int64)
    return bcr_rates(mult, annual_target, annual_quota)


def cap_cents(cap: Cap, annual_target: np.ndarray, year_fraction: np.ndarray) -> np.ndarray:
    """A cap in cents per row, prorated by the fraction of the year on the plan (1e-8 units)."""
    if cap.amount is not None:
        full = np.full(np.shape(year_fraction), decimal_to_cents(cap.amount), dtype=np.int64)
    else:
        full = mul_div(annual_target, factor_units(cap.multiple_of_target))
    return mul_div(full, year_fraction)


def evaluate_measure(
    measure: Measure,
    inputs: ComponentInputs,
    year_fraction: np.ndarray,
    gate_attainment: np.ndarray | None = None,
    gate_reached: np.ndarray | None = None,
    other: ComponentInputs | None = None,
) -> ComponentOutcome:
    """Year-to-date earnings of one component.

    ``gate_reached`` (bool per row) says whether the gate condition holds; ``None`` = no gate.
    """
    credit = np.asarray(inputs.credit, dtype=np.int64)
    quota = np.asarray(inputs.quota, dtype=np.int64)
    att = attainment_units(credit, quota)
    tiers = None
    curve = None
    if measure.per_transaction and inputs.gross is not None:
        gross = np.asarray(inputs.gross, dtype=np.int64)
    elif measure.matrix is not None:
        curve, gross = matrix_payout(measure, credit, quota, inputs.target, other)
    elif measure.payout_type is PayoutType.COMMISSION:
        tiers = rate_table(measure, credit, quota, inputs.annual_target, inputs.annual_quota)
        gross = tiers.total
    else:
        xs = np.array([factor_units(a) for a, _ in measure.curve], dtype=np.int64)
        ys = np.array([factor_units(p) for _, p in measure.curve], dtype=np.int64)
        outcome = curve_payout(credit, quota, inputs.target, xs, ys, measure.boundary)
        curve = outcome.value
        gross = outcome.cents
    running = gross
    threshold_adj = np.zeros_like(gross)
    if measure.threshold is not None:
        met = meets_level(credit, quota, factor_units(measure.threshold), measure.at_threshold)
        threshold_adj = np.where(met, 0, -running)
        running = running + threshold_adj
    gate_adj = np.zeros_like(gross)
    if gate_reached is not None:
        gate_adj = np.where(gate_reached, 0, -running)
        running = running + gate_adj
    cap_adj = np.zeros_like(gross)
    cap = None
    if measure.cap is not None:
        cap = cap_cents(measure.cap, inputs.annual_target, year_fraction)
        cap_adj = np.minimum(running, cap) - running
        running = running + cap_adj
    return ComponentOutcome(
        measure=measure,
        credit=credit,
        quota=quota,
        attainment=att,
        tiers=tiers,
        curve=curve,
        target=np.asarray(inputs.target, dtype=np.int64),
        gross=gross,
        threshold_adj=threshold_adj,
        gate_adj=gate_adj,
        cap_adj=cap_adj,
        cap=cap,
        earned=running,
    )


def matrix_payout(
    measure: Measure,
    credit: np.ndarray,
    quota: np.ndarray,
    target: np.ndarray,
    other: ComponentInputs | None,
) -> tuple[np.ndarray, np.ndarray]:
    """A payout matrix: (value looked up, units of 1e-8; payout ``target x value``, cents)."""
    mx = measure.matrix
    rows = np.array([factor_units(v) for v in mx.rows], dtype=np.int64)
    cols = np.array([factor_units(v) for v in mx.columns], dtype=np.int64)
    table = np.array([[factor_units(v) for v in line] for line in mx.values], dtype=np.int64)
    i = level_index(credit, quota, rows, measure.boundary)
    j = level_index(other.credit, other.quota, cols, measure.boundary)
    value = np.where((i >= 0) & (j >= 0), table[np.maximum(i, 0), np.maximum(j, 0)], 0)
    return value.astype(np.int64), mul_div(np.asarray(target, dtype=np.int64), value)


def per_line_commission(measure: Measure, amounts: np.ndarray) -> np.ndarray:
    """A per-transaction rate table applied to each line's amount on its own, cents."""
    none = np.zeros(len(amounts), dtype=np.int64)
    return rate_table(measure, amounts, None, none, none).total


def rate_table(
    measure: Measure,
    credit: np.ndarray,
    quota: np.ndarray | None,
    annual_target: np.ndarray,
    annual_quota: np.ndarray,
) -> TierEvaluation:
    """A commission measure's rate table applied to credited amounts, exactly.

    ``quota`` (per row) places attainment tier starts; it is ``None`` for a table applied
    to each transaction on its own (amount basis).
    """
    ends = [t.end for t in measure.tiers if t.end is not None]
    levels = [t.start for t in measure.tiers] + ends
    if measure.basis is Basis.ATTAINMENT:
        units = np.array([factor_units(x) for x in levels], dtype=np.int64)
    else:
        units = np.array([decimal_to_cents(x) for x in levels], dtype=np.int64)
    starts = tier_starts(units, quota if measure.basis is Basis.ATTAINMENT else None)
    if measure.method is RateMethod.PROPORTIONAL_PER_TIER:
        if measure.tiers[0].amount is not None:
            values = amount_values(np.array([decimal_to_cents(t.amount) for t in measure.tiers]))
            return evaluate_proportional(credit, starts, values, amounts=True)
        rates = tier_rates(measure, annual_target, annual_quota)
        return evaluate_proportional(credit, starts, rates, amounts=False)
    rates = tier_rates(measure, annual_target, annual_quota)
    return evaluate_rate_table(credit, starts, rates, measure.method, measure.boundary)


def evaluate_plan(
    plan: Plan,
    inputs: dict[str, ComponentInputs],
    annual_target_total: np.ndarray,
    year_fraction: np.ndarray,
) -> PlanOutcome:
    """Year-to-date earnings of every component of ``plan`` and the plan cap.

    Parameters
    ----------
    plan : Plan
    inputs : dict of measure id -> ComponentInputs
        Figures for every measure of the plan, same rows.
    annual_target_total : ndarray of int64
        Full-year target incentive per row, cents (for a plan cap given as a multiple).
    year_fraction : ndarray of int64
        Fraction of the plan year each row's rep is on the plan, units of 1e-8 (prorates caps).
    """
    outcomes = []
    for m in plan.measures:
        reached = None
        for gate in m.gates:
            g = inputs[gate.measure]
            met = meets_level(g.credit, g.quota, factor_units(gate.min_attainment), m.at_threshold)
            reached = met if reached is None else reached & met
        other = inputs[m.matrix.measure] if m.matrix is not None else None
        outcomes.append(
            evaluate_measure(m, inputs[m.id], year_fraction, gate_reached=reached, other=other)
        )
    gross = np.sum([o.earned for o in outcomes], axis=0).astype(np.int64)
    adj = np.zeros_like(gross)
    cap = None
    if plan.cap is not None:
        cap = cap_cents(plan.cap, annual_target_total, year_fraction)
        adj = np.minimum(gross, cap) - gross
    return PlanOutcome(tuple(outcomes), gross, adj, cap, gross + adj)


__all__ = [
    "FACTOR_SCALE",
    "ComponentInputs",
    "ComponentOutcome",
    "PlanOutcome",
    "base_commission_rate",
    "cap_cents",
    "evaluate_measure",
    "evaluate_plan",
    "tier_rates",
]
